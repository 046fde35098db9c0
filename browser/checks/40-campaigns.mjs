// Appels à candidatures (issue 24): someone without an account applies through the public
// page (the honeypot left empty), then a manager reads the ranking and scores the application
// through its page; axe finds nothing on any of these pages.

async function api(opts, method, path, token, body) {
  const reply = await fetch(`${opts.base}${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: reply.status, body: await reply.json().catch(() => null) };
}

/** A public campaign open today, in the incubator of `opts.product`. */
async function campaign(opts) {
  const login = await api(opts, 'POST', '/api/v1/auth/login', null,
    { email: opts.email, password: opts.password });
  const token = login.body.access_token;
  const product = await api(opts, 'GET', `/api/v1/products/${opts.product}`, token);
  const today = new Date();
  const day = (d) => new Date(today.getTime() + d * 86_400_000).toISOString().slice(0, 10);
  const slug = `appel-navigateur-${Date.now()}`;
  const created = await api(opts, 'POST', `/api/v1/incubators/${product.body.incubator}/campaigns`,
    token, {
      slug, title: 'Appel à projets du navigateur', audience: 'public',
      opens_on: day(-1), closes_on: day(30), description: 'Vos irritants deviennent des produits.',
      criteria: [
        { key: 'impact', label: 'Impact pour les usagers', weight: 3 },
        { key: 'faisabilite', label: 'Faisabilité', weight: 1 },
      ],
    });
  if (created.status !== 201) throw new Error(`campaign: ${created.status} ${JSON.stringify(created.body)}`);
  return slug;
}

const field = (page, id) => page.locator(`[id="${id}"]`);

export default async function (browser, opts, { check, assert, axe, visit, newPage }) {
  let slug;
  await check('an application is submitted through the public page', async () => {
    slug = await campaign(opts);
    const { context, page } = await newPage(browser, opts, { anonymous: true });
    await visit(page, `${opts.base}/appels/${slug}`);
    await axe(page);
    // Sent empty first: the errors come back next to their fields, and axe still passes.
    await page.click('main form button[type=submit]');
    await page.waitForSelector('#erreurs');
    await axe(page);
    await field(page, 'title').fill('Guichet sans attente');
    await field(page, 'problem').fill('3 000 appels par mois restent sans réponse.');
    await field(page, 'who_suffers').fill('Les usagers et les agents d’accueil');
    await field(page, 'intrapreneur.name').fill('Camille Agent');
    await field(page, 'intrapreneur.email').fill('camille-navigateur@example.fr');
    await field(page, 'intrapreneur.availability_percent').fill('60');
    await field(page, 'sponsor').fill('DGFiP');
    await page.click('label[for="consents.processing"]');
    await Promise.all([
      page.waitForURL(`${opts.base}/appels/${slug}/merci`),
      page.click('main form button[type=submit]'),
    ]);
    assert((await page.textContent('h1')).includes('Candidature reçue'), 'the thanks page');
    await axe(page);
    await context.close();
  });

  await check('a manager scores the application through its page', async () => {
    const { context, page } = await newPage(browser, opts);
    await visit(page, `${opts.base}/appels/${slug}/candidatures`);
    await axe(page);
    await Promise.all([page.waitForURL(/\/candidatures\/\d+$/), page.click('main table a')]);
    await axe(page);
    const here = page.url();
    await field(page, 'scores.impact').selectOption('4');
    await field(page, 'scores.faisabilite').selectOption('2');
    await Promise.all([
      page.waitForURL(here),
      page.click('form[action$="/notes"] button[type=submit]'),
    ]);
    const text = await page.textContent('main');
    assert(text.includes('Moyenne pondérée du jury\u00a0: 3,5'), `the weighted mean: ${text}`);
    await axe(page);
    await visit(page, `${opts.base}/appels/${slug}/candidatures`);
    assert((await page.textContent('main table')).includes('3,5'), 'the ranking shows the mean');
    await visit(page, `${opts.base}/appels`);
    await axe(page);
    await visit(page, `${opts.base}/appels/nouveau`);
    await axe(page);
    await context.close();
  });
}
