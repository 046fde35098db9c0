// The whole year of a product through the pages alone, as the demo's incubator manager (whose
// generated password the login page lists on a loopback demo server): create the product and
// its indicators, post numbers, set the contract, an objective and spend, draft and sign a
// review, print its pack to PDF, add the demo's team member, record a committee decision, read
// the matrix and the journal. The numbers and the decision are entered with the keyboard alone.
// axe reports no violation on every page the journey visits, at 1280, 320 and 1920 px, and
// each page fits those widths.

/** The new pages, for `--screenshots` (on the suite's product). */
export const shots = [
  ['matrice', '/produits/{product}/matrice'],
  ['contrat-formulaire', '/produits/{product}/contrat/modifier'],
  ['objectif', '/produits/{product}/contrat/objectifs/nouveau'],
  ['depenses', '/produits/{product}/depenses'],
  ['revue', '/produits/{product}/revues/nouvelle'],
  ['equipe', '/produits/{product}/equipe'],
  ['journal', '/produits/{product}/journal'],
];

/** A link of the product's tabs. */
const tab = (page, name) => page.getByRole('navigation', { name: 'Pages du produit' }).getByRole('link', { name, exact: true });

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The field whose label starts with `text` (a label may also hold its hint). */
const field = (scope, text) => scope.getByLabel(new RegExp(`^${escape(text)}`));

/** An ISO date `days` from today. */
function day(days = 0) {
  const date = new Date(Date.now() + days * 86_400_000);
  return date.toISOString().slice(0, 10);
}

/** One demo account of the login page's list, by the start of its role's name. */
async function demoAccount(page, role) {
  const list = page.getByRole('region', { name: 'Comptes de démonstration' });
  const row = list.getByRole('row').filter({ hasText: new RegExp(`^${escape(role)}`) }).first();
  const codes = row.locator('code');
  return { email: await codes.nth(0).innerText(), password: await codes.nth(1).innerText() };
}

/** Posts the page's form through its button (by its name) and waits for the next page; fails
 *  with the error summary when the form comes back refused. */
async function submit(page, button, assert) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: true }).click()]);
  await refusedNot(page, assert);
}

async function refusedNot(page, assert) {
  const summary = page.locator('#erreurs');
  assert((await summary.count()) === 0, `refused on ${page.url()}: ${(await summary.count()) && (await summary.innerText())}`);
}

/** Tabs (at most `max` times) until `target` has the focus; fails otherwise. */
async function tabTo(page, target, assert, max = 120) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  assert(false, `Tab never reached ${target} on ${page.url()}`);
}

export default async function (browser, opts, { check, assert, axe, fits, visit, newPage }) {
  const anonymous = await newPage(browser, opts, { anonymous: true });
  let manager;
  let member;
  await check('journey: the login page lists the demo accounts', async () => {
    await visit(anonymous.page, `${opts.base}/connexion`);
    manager = await demoAccount(anonymous.page, "Responsable d'incubateur");
    member = await demoAccount(anonymous.page, "Membre d'équipe");
    assert(manager.email && manager.password && member.email, 'no manager or member account listed');
  });
  await anonymous.context.close();
  if (!manager) return;

  const { context, page } = await newPage(browser, { ...opts, ...manager });
  const slug = `parcours-${Date.now().toString(36)}`;
  const product = `${opts.base}/produits/${slug}`;
  const name = 'Parcours du navigateur';
  // Every page the journey reads, for axe and widths at the end.
  const visited = [];
  const seen = async () => {
    visited.push(page.url());
    await axe(page);
  };

  await check('journey: the manager creates a product through its form', async () => {
    await visit(page, `${opts.base}/produits/nouveau`);
    await seen();
    await field(page, 'Incubateur').selectOption({ index: 1 });
    await field(page, 'Identifiant').fill(slug);
    await field(page, 'Nom').fill(name);
    await field(page, 'Pitch').fill('Suivre une année de produit sans quitter le navigateur.');
    await field(page, 'Administration porteuse').fill('DINUM');
    await field(page, "Début de l'investigation").fill(day(-365));
    await submit(page, 'Créer le produit', assert);
    assert(page.url() === product, `not the product page: ${page.url()}`);
    assert((await page.getByRole('heading', { level: 1 }).innerText()) === name, 'not the new product');
  });

  const indicators = [
    ['usagers', 'Usagers actifs', 'used', 'monthly_active_users', 'week', 'sum', true],
    ['satisfaction', 'Satisfaction', 'usable', 'ease_of_use', 'month', 'mean', false],
  ];
  await check('journey: its indicators are added through the indicator form', async () => {
    for (const [key, label, principle, role, periodicity, aggregation, northStar] of indicators) {
      await visit(page, product);
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Ajouter un indicateur', exact: true }).click()]);
      if (visited.every((url) => !url.endsWith('/indicateurs/nouveau'))) await seen();
      await field(page, 'Clé').fill(key);
      await field(page, 'Nom').fill(label);
      await field(page, 'Principe').selectOption(principle);
      await field(page, 'Case obligatoire').selectOption(role);
      await field(page, 'Périodicité').selectOption(periodicity);
      await field(page, 'Agrégation').selectOption(aggregation);
      if (northStar) await field(page, 'Étoile polaire').check({ force: true }); // the DSFR's label covers the box
      await submit(page, "Ajouter l'indicateur", assert);
      assert((await page.getByText(label).count()) > 0, `${label} is not on the product page`);
    }
    await seen();
  });

  await check('journey: numbers posted with the keyboard alone', async () => {
    await visit(page, `${product}/mesures`);
    await seen();
    const values = [['Usagers actifs', '1 250'], ['Satisfaction', '4,2']];
    for (const [label, value] of values) {
      const input = page.getByRole('group', { name: new RegExp(`^${escape(label)}`) }).getByLabel('Valeur', { exact: true });
      await tabTo(page, input, assert);
      await page.keyboard.type(value);
    }
    const save = page.getByRole('button', { name: 'Enregistrer les valeurs', exact: true });
    await tabTo(page, save, assert);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await refusedNot(page, assert);
    const notice = await page.locator('.succes').innerText();
    assert(notice.includes('Enregistré'), `no confirmation: ${notice}`);
    const usagers = page.getByRole('group', { name: /^Usagers actifs/ }).getByLabel('Valeur', { exact: true });
    assert((await usagers.inputValue()).replace(/\s/g, '') === '1250', 'the value is not kept');
  });

  await check('journey: the contract is set through its form', async () => {
    await visit(page, product);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Modifier le contrat', exact: true }).click()]);
    await seen();
    await field(page, 'Date de signature').fill(day(-300));
    await field(page, 'Début du contrat').fill(day(-300));
    await field(page, 'Fin du contrat').fill(day(65));
    await field(page, 'Fréquence des revues').fill('3');
    await field(page, `Budget ${new Date().getFullYear()}`).fill('240000');
    await submit(page, 'Enregistrer le contrat', assert);
    assert(page.url() === `${product}/contrat`, `not the contract page: ${page.url()}`);
    await seen();
  });

  await check('journey: an objective is set through its form', async () => {
    await visit(page, `${product}/contrat/objectifs/nouveau`);
    await seen();
    await field(page, 'Indicateur').selectOption({ label: 'Usagers actifs' });
    await field(page, 'Valeur de référence').fill('800');
    await field(page, 'Date de la référence').fill(day(-300));
    await field(page, 'Cible').fill('2000');
    await field(page, 'Échéance').fill(day(60));
    await submit(page, "Enregistrer l'objectif", assert);
    assert(page.url() === `${product}/contrat`, `not the contract page: ${page.url()}`);
    assert((await page.getByText('Usagers actifs').count()) > 0, 'the objective is not on the contract page');
  });

  await check('journey: spend is entered month by month', async () => {
    await visit(page, `${product}/depenses`);
    await seen();
    const months = page.locator('form[action$="/depenses"]').getByRole('textbox');
    assert((await months.count()) >= 2, 'no months to fill');
    await months.nth(0).fill('18000');
    await months.nth(1).fill('19 500');
    await submit(page, 'Enregistrer les dépenses', assert);
    await visit(page, `${product}/depenses`);
    const first = (await page.locator('form[action$="/depenses"]').getByRole('textbox').nth(0).inputValue()).replace(/\s/g, '');
    assert(first === '18000', `the spend is not kept: ${first}`);
  });

  let pack;
  await check('journey: a review is drafted, signed, and its pack printed to PDF', async () => {
    await visit(page, product);
    await Promise.all([page.waitForNavigation(), tab(page, 'Nouvelle revue').click()]);
    await seen();
    await field(page, 'Participants').fill('Responsable d’incubateur\nÉquipe du produit');
    await field(page, 'Verdict').selectOption('green');
    await field(page, 'Décision').selectOption('continue');
    await field(page, 'Motivation').fill('Une année tenue : objectif en bonne voie, budget respecté.');
    await submit(page, 'Créer le projet de revue', assert);
    assert(page.url().endsWith('/modifier'), `not the draft: ${page.url()}`);
    await seen();
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /^Signer la revue/ }).click()]);
    await seen();
    await submit(page, 'Signer définitivement', assert);
    await seen();
    const href = await page
      .locator('main a[href*="/revues/"]:not([href$="/modifier"]):not([href$="/signer"]):not([href$="/nouvelle"])')
      .first()
      .getAttribute('href');
    assert(href, 'no link to the pack');
    pack = `${opts.base}${href}`;
    await visit(page, pack);
    await seen();
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    assert(pdf.subarray(0, 4).toString('latin1') === '%PDF', 'the print is not a PDF');
    assert(pdf.length > 10_000, `a ${pdf.length}-byte PDF`);
  });

  await check('journey: the demo member is added to the team', async () => {
    await visit(page, product);
    await Promise.all([page.waitForNavigation(), tab(page, 'Équipe').click()]);
    await seen();
    await field(page, 'Adresse électronique').fill(member.email);
    await submit(page, "Ajouter à l'équipe", assert);
    assert((await page.locator('main').innerText()).includes(member.email), 'the member is not listed');
    await seen();
  });

  await check('journey: a committee decision recorded with the keyboard alone', async () => {
    await visit(page, `${product}/decisions/nouvelle`);
    await seen();
    const kind = field(page, 'Décision');
    await tabTo(page, kind, assert);
    for (let i = 0; i < 6 && (await kind.inputValue()) !== 'continue'; i++) await page.keyboard.press('ArrowDown');
    assert((await kind.inputValue()) === 'continue', `the decision is ${await kind.inputValue()}`);
    const rationale = `Poursuite décidée au clavier (${new Date().toISOString()})`;
    await tabTo(page, field(page, 'Motivation'), assert);
    await page.keyboard.type(rationale);
    await tabTo(page, page.getByRole('button', { name: 'Enregistrer la décision', exact: true }), assert);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await refusedNot(page, assert);
    assert(page.url() === product, `not the product page: ${page.url()}`);
    assert((await page.locator('main').innerText()).includes(rationale), 'the decision is not on the product page');
  });

  await check("journey: the matrix shows the product's indicators", async () => {
    await visit(page, product);
    await Promise.all([page.waitForNavigation(), tab(page, "Matrice d'impact").click()]);
    await seen();
    const text = await page.locator('main').innerText();
    for (const [, label] of indicators) assert(text.includes(label), `${label} is not in the matrix`);
  });

  await check('journey: the journal tells the year', async () => {
    await visit(page, product);
    await Promise.all([page.waitForNavigation(), tab(page, 'Journal').click()]);
    await seen();
    const text = await page.locator('main').innerText();
    assert(text.includes(manager.email) || text.includes('Responsable'), 'the journal does not name the manager');
    const rows = await page.locator('main table tbody tr, main li').count();
    assert(rows >= 6, `the journal holds ${rows} entries`);
  });

  for (const width of [320, 1920]) {
    await check(`journey: every page visited passes axe and fits ${width} px`, async () => {
      await page.setViewportSize({ width, height: 900 });
      for (const url of new Set(visited)) {
        await visit(page, url);
        await fits(page);
        await axe(page);
      }
    });
  }
  await context.close();
}
