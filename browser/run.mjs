// Pilote's pages in a real browser: Debian's Chromium driven by playwright-core.
//
//   node browser/run.mjs [options] BASE_URL
//   node browser/run.mjs --screenshots DIR [options] BASE_URL
//
// Options (or environment variables):
//   --email E      PILOTE_EMAIL      an account that may write the product's measures and
//                                    record its decisions (an admin, or the incubator's manager)
//   --password P   PILOTE_PASSWORD
//   --product S    PILOTE_PRODUCT    that product's slug (with indicators and a contract)
//   --public S     PILOTE_PUBLIC     the slug of a published product (public stats page)
//   --chromium X   PILOTE_CHROMIUM   the browser (default /usr/bin/chromium)
//   --invitation U PILOTE_INVITATION an unused invitation link (its page passes axe too)
//
// The suite: log in, post this week's numbers through the form and see the product's chart
// change, preview a CSV import, record a committee decision, save the contract form, see a
// refused spend paste, log out (and the old session is gone); the public stats page loads without login; axe-core on every page type (the review
// pack included) reports no violation; every page fits 320 px and 1920 px wide (no horizontal
// scrolling); no chart text renders under 9 px at 375 px; the review pack, printed (A4, 680 px)
// and on a 375 px phone, keeps every word whole and its chart text at 9 px or more. It prints one line per check and ends with « N passed, N failed »; the exit code is 1 on any failure.
//
// --screenshots DIR instead signs in and writes PNGs of the portfolio, the product page and
// the stats page at 1920 px (desktop) and at 375 px and 320 px (phone) into DIR.

import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function options(argv) {
  const opts = {
    email: process.env.PILOTE_EMAIL,
    password: process.env.PILOTE_PASSWORD,
    product: process.env.PILOTE_PRODUCT,
    public: process.env.PILOTE_PUBLIC,
    chromium: process.env.PILOTE_CHROMIUM || '/usr/bin/chromium',
    invitation: process.env.PILOTE_INVITATION,
    screenshots: null,
    base: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = arg.startsWith('--') ? arg.slice(2) : null;
    if (flag && flag in opts && flag !== 'base') {
      opts[flag] = argv[++i];
    } else if (flag) {
      throw new Error(`unknown option ${arg}`);
    } else {
      opts.base = arg;
    }
  }
  for (const required of ['base', 'email', 'password', 'product']) {
    if (!opts[required]) throw new Error(`missing ${required} (see the head of run.mjs)`);
  }
  opts.base = opts.base.replace(/\/$/, '');
  return opts;
}

const results = { passed: 0, failed: 0 };

async function check(name, body) {
  try {
    await body();
    results.passed++;
    console.log(`ok   ${name}`);
  } catch (error) {
    results.failed++;
    console.log(`FAIL ${name}\n     ${String(error && error.stack || error).split('\n').join('\n     ')}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Runs axe-core in the page (evaluated through the DevTools protocol, so the page's strict
 *  CSP stays on) and fails with every violation, its rule, help and first targets. */
async function axe(page) {
  const violations = await page.evaluate(async (source) => {
    if (!window.axe) {
      // The library defines `axe` on the global object.
      (0, eval)(source);
    }
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary}`),
    }));
  }, AXE_SOURCE);
  assert(
    violations.length === 0,
    `${violations.length} axe violation(s) on ${page.url()}:\n` +
      violations
        .map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.targets.join('\n    ')}`)
        .join('\n'),
  );
}

/** No horizontal scrolling at the page's current width. */
async function fits(page) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert(scroll <= inner, `${page.url()} is ${scroll} px wide in a ${inner} px window`);
}

/** How many texts the page's SVG charts hold, and the smallest as rendered, in CSS pixels:
 *  its font size scaled by the SVG's own transformation to the screen. */
async function chartText(page) {
  return page.evaluate(() => {
    let count = 0;
    let smallest = Infinity;
    for (const text of document.querySelectorAll('svg text')) {
      const matrix = text.getScreenCTM();
      if (!text.textContent.trim() || !matrix) continue;
      const size = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(matrix.a, matrix.b);
      count++;
      smallest = Math.min(smallest, size);
    }
    return { count, smallest };
  });
}

/** Words the layout split across two lines (« Accessibilit / é »): each word of the page's
 *  text, outside charts and code, whose rectangles stand on more than one line. A line may
 *  break after a hyphen or a slash, so those end a word; longer runs (addresses) are skipped. */
async function brokenWords(page) {
  return page.evaluate(() => {
    const broken = [];
    const range = document.createRange();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('svg, pre, code, a, script, style')) continue;
      const words = /[^\s\-–—/]+/g;
      for (let m = words.exec(node.data); m; m = words.exec(node.data)) {
        if (m[0].length > 25) continue;
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
    return broken;
  });
}

async function visit(page, url, status = 200) {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert(response, `no response for ${url}`);
  assert(response.status() === status, `${url}: HTTP ${response.status()}, expected ${status}`);
  return response;
}

async function signIn(page, opts) {
  await visit(page, `${opts.base}/connexion`);
  await page.fill('#email', opts.email);
  await page.fill('#password', opts.password);
  await Promise.all([page.waitForURL(`${opts.base}/`), page.click('main button[type=submit]')]);
}

/** The dashboard chart of the product page: its SVG and its data table's text. */
async function dashboard(page, opts) {
  await visit(page, `${opts.base}/produits/${opts.product}`);
  const figure = page.locator('figure.graphique').first();
  return {
    svg: await figure.locator('svg').first().innerHTML(),
    table: await figure.locator('details table').innerText(),
  };
}

async function suite(browser, opts) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  // A generous ceiling, not a timing check: CI builds and tests on two shared cores.
  context.setDefaultTimeout(120_000);
  context.setDefaultNavigationTimeout(120_000);
  const page = await context.newPage();
  const product = `${opts.base}/produits/${opts.product}`;
  // Every page type, as a signed-in person sees it (the URL, its HTTP status, and whether axe
  // runs at 320 px and 1920 px too, not only at 1280 px).
  const pages = [
    ['portefeuille', `${opts.base}/`, 200],
    ['bilan annuel', `${opts.base}/bilan`, 200],
    ['produit', product, 200],
    ['contrat', `${product}/contrat`, 200],
    ['mesures', `${product}/mesures`, 200],
    ['décision', `${product}/decisions/nouvelle`, 200],
    ['nouveau produit', `${opts.base}/produits/nouveau`, 200],
    ['fiche du produit', `${product}/modifier`, 200],
    ['nouvel indicateur', `${product}/indicateurs/nouveau`, 200],
    ['journal', `${product}/journal`, 200],
    ['matrice du produit', `${product}/matrice`, 200, true],
    ['matrice du portefeuille', `${opts.base}/matrice`, 200, true],
    ['contrat (formulaire)', `${product}/contrat/modifier`, 200, true],
    ['nouvel objectif', `${product}/contrat/objectifs/nouveau`, 200, true],
    ['dépenses', `${product}/depenses`, 200, true],
    ['engagements', `${product}/engagements`, 200, true],
    ['équipe', `${product}/equipe`, 200],
    ['nouvelle revue', `${product}/revues/nouvelle`, 200],
    ['utilisateurs', `${opts.base}/admin/utilisateurs`, 200],
    ['incubateurs', `${opts.base}/admin/incubateurs`, 200],
    ['portefeuille trié', `${opts.base}/?tri=depuis&ordre=desc`, 200],
    ['compte', `${opts.base}/compte`, 200],
    ['inviter', `${opts.base}/invitations/nouvelle`, 200],
    ['mot de passe oublié', `${opts.base}/mot-de-passe-oublie`, 200],
    ['lien inutilisable', `${opts.base}/mot-de-passe/${'0'.repeat(64)}`, 410],
    ['accessibilité', `${opts.base}/accessibilite`, 200],
    ['mentions légales', `${opts.base}/mentions-legales`, 200],
    ['données personnelles', `${opts.base}/donnees-personnelles`, 200],
    ['404', `${opts.base}/nulle-part`, 404],
  ];
  if (opts.public) pages.push(['statistiques', `${opts.base}/produits/${opts.public}/stats`, 200]);
  if (opts.invitation) pages.push(['invitation', opts.invitation, 200]);

  await check('the login page passes axe and fits 320 px and 1920 px', async () => {
    await visit(page, `${opts.base}/connexion`);
    await axe(page);
    for (const width of [320, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      await visit(page, `${opts.base}/connexion`);
      await fits(page);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check('signing in through the form leads to the portfolio', async () => {
    await signIn(page, opts);
    assert((await page.locator('h1').innerText()) === 'Portefeuille des produits', 'not the portfolio');
  });

  await check('the contract page links to review packs', async () => {
    await visit(page, `${product}/contrat`);
    // A pack, not the product tabs' « Nouvelle revue » nor a draft's form or signing step.
    const href = await page
      .locator('main a[href*="/revues/"]:not([href$="/nouvelle"]):not([href$="/modifier"]):not([href$="/signer"])')
      .first()
      .getAttribute('href');
    assert(href, 'no review pack link');
    pages.push(['dossier de revue', `${opts.base}${href}`, 200]);
  });

  // An indicator's form: the product page links each of its indicators to one.
  await check('the product page links its indicators to their forms', async () => {
    await visit(page, product);
    const edit = await page
      .locator('a[href*="/indicateurs/"][href$="/modifier"]')
      .first()
      .getAttribute('href');
    assert(edit, 'no link to an indicator form on the product page');
    pages.push(['indicateur', `${opts.base}${edit}`, 200]);
    pages.push(['source d’un indicateur', `${opts.base}${edit.replace(/\/modifier$/, '/source')}`, 200]);
  });
  // A value's history: the product page links each latest value to it.
  await check("a value's history page lists who posted each version", async () => {
    await visit(page, product);
    const href = await page.locator('td.nombre a[href$="/historique"]').first().getAttribute('href');
    assert(href, 'no link to a value history on the product page');
    await visit(page, `${opts.base}${href}`);
    assert((await page.locator('h1').innerText()) === 'Historique de la valeur', 'not the history page');
    const rows = await page.locator('main table tbody tr').count();
    assert(rows >= 1, 'the history lists no version');
    const first = await page.locator('main table tbody tr').first().innerText();
    assert(first.includes('valeur actuelle'), `the newest version is not the current one: ${first}`);
    pages.push(['historique d’une valeur', `${opts.base}${href}`, 200]);
  });

  // An objective's form: the contract page links each objective to one.
  await check('the contract page links its objectives to their forms', async () => {
    await visit(page, `${product}/contrat`);
    const edit = await page
      .locator('a[href*="/contrat/objectifs/"][href$="/modifier"]')
      .first()
      .getAttribute('href');
    assert(edit, 'no link to an objective form on the contract page');
    pages.push(['objectif', `${opts.base}${edit}`, 200, true]);
  });
  await check('the incubators page links each incubator to its form', async () => {
    await visit(page, `${opts.base}/admin/incubateurs`);
    const edit = await page.locator('main a[href^="/admin/incubateurs/"]').first().getAttribute('href');
    assert(edit, 'no link to an incubator form');
    pages.push(['incubateur', `${opts.base}${edit}`, 200]);
  });

  // A review drafted through the form, then its confirmation step and, signed, its page.
  await check('a review is drafted, confirmed and signed through the pages', async () => {
    await visit(page, `${product}/revues/nouvelle`);
    await page.selectOption('#verdict', 'green');
    await page.selectOption('#kind', 'continue');
    await page.fill('#rationale', 'Revue préparée par le navigateur');
    await Promise.all([
      page.waitForURL((url) => url.pathname.endsWith('/modifier')),
      page.click('main form button[type=submit]'),
    ]);
    const draft = page.url();
    pages.push(['projet de revue', draft, 200]);
    const sign = draft.replace(/\/modifier$/, '/signer');
    pages.push(['signature de revue', sign, 200]);
    // A refused draft shows its errors, and still passes axe.
    await page.fill('#rationale', '');
    // The refused form comes back at the same address: wait for the answer to the post.
    await Promise.all([
      page.waitForResponse((r) => r.url() === draft && r.request().method() === 'POST'),
      page.click('main form button[type=submit]'),
    ]);
    await page.waitForLoadState('load');
    assert((await page.locator('[role=alert] a[href="#rationale"]').count()) === 1, 'no summary link');
    await axe(page);
  });

  for (const [name, url, status] of pages) {
    await check(`${name}: axe reports no violation`, async () => {
      await visit(page, url, status);
      await axe(page);
    });
  }
  for (const width of [320, 1920]) {
    await check(`every page fits ${width} px wide`, async () => {
      await page.setViewportSize({ width, height: 900 });
      for (const [, url, status, axeAtWidth] of pages) {
        await visit(page, url, status);
        await fits(page);
        // The matrix and contract pages are also checked by axe at this width (the phone's
        // menu and the tables' scrolling boxes change what is shown).
        if (axeAtWidth) await axe(page);
      }
    });
  }
  // Charts are drawn with 10 px text and never shrunk on a phone (they scroll in their box).
  await check('no chart text renders under 9 px on a 375 px phone', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    let charts = 0;
    for (const [name, url, status] of pages) {
      await visit(page, url, status);
      const { count, smallest } = await chartText(page);
      charts += count;
      assert(smallest >= 9, `${name}: chart text at ${smallest.toFixed(1)} px`);
    }
    assert(charts > 0, 'no chart text measured');
  });
  const pack = pages.find(([name]) => name === 'dossier de revue');
  // The pack on paper: A4's printable width (180 mm = 680 px), and on a phone.
  for (const [medium, width] of [['print', 680], ['screen', 375]]) {
    await check(`the review pack keeps words whole and chart text at 9 px or more (${medium}, ${width} px)`, async () => {
      assert(pack, 'no review pack found');
      await page.emulateMedia({ media: medium });
      await page.setViewportSize({ width, height: 1000 });
      await visit(page, pack[1]);
      const { count, smallest } = await chartText(page);
      assert(count > 0, 'no chart in the pack');
      assert(smallest >= 9, `chart text at ${smallest.toFixed(1)} px`);
      const broken = await brokenWords(page);
      assert(broken.length === 0, `words broken across lines: ${broken.slice(0, 10).join(', ')}`);
    });
  }
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 1280, height: 900 });

  await check("this week's numbers posted through the form change the product's chart", async () => {
    const before = await dashboard(page, opts);
    await visit(page, `${product}/mesures`);
    const input = page.locator('input[id^="valeur-"]').first();
    const current = await input.inputValue();
    // A value that cannot be the one stored: the current one plus 7, or 7.
    const number = Number((current || '0').replace(/\s/g, '').replace(',', '.'));
    const value = String((Number.isFinite(number) ? Math.round(number) : 0) + 7);
    await input.fill(value);
    await Promise.all([
      page.waitForURL((url) => url.pathname.endsWith('/mesures')),
      page.click('form[method=post][action$="/mesures"] button[type=submit]'),
    ]);
    const notice = await page.locator('.succes').innerText();
    assert(notice.includes('Enregistré'), `no confirmation: ${notice}`);
    await axe(page);
    const after = await dashboard(page, opts);
    assert(after.svg !== before.svg, 'the dashboard chart did not change');
    assert(after.table !== before.table || after.svg !== before.svg, 'the data table did not change');
  });

  await check('a CSV upload shows its preview, which passes axe', async () => {
    await visit(page, `${product}/mesures`);
    const key = (await page.locator('input[id^="valeur-"]').first().getAttribute('id')).slice('valeur-'.length);
    const week = await page.locator('input[type=hidden][name=semaine]').first().inputValue();
    await page.setInputFiles('#fichier', {
      name: 'mesures.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`indicator,period,value,comment\n${key},${week},42,essai du navigateur\n`),
    });
    await Promise.all([
      page.waitForURL((url) => url.pathname.endsWith('/mesures/csv')),
      page.click('form[enctype="multipart/form-data"] button[type=submit]'),
    ]);
    assert((await page.locator('h1').count()) === 1, 'no heading on the preview');
    await axe(page);
    await fits(page);
  });

  await check('a suspect value that is not the latest is cleared from the product page', async () => {
    await visit(page, product);
    const latest = new Set(
      await page.locator('td.nombre a[href$="/historique"]').evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
    );
    const rows = page.locator('#valeurs-a-verifier tbody tr');
    let action = null;
    for (let i = 0; i < (await rows.count()); i += 1) {
      const history = await rows.nth(i).locator('a[href$="/historique"]').getAttribute('href');
      if (!latest.has(history)) {
        action = await rows.nth(i).locator('form').getAttribute('action');
        break;
      }
    }
    assert(action, 'no suspect value other than a latest one is listed');
    await Promise.all([
      page.waitForURL(product),
      page.click(`#valeurs-a-verifier form[action="${action}"] button[type=submit]`),
    ]);
    assert((await page.locator(`form[action="${action}"]`).count()) === 0, 'the value is still listed');
    await axe(page);
  });

  await check('a committee decision recorded through the form shows on the product page', async () => {
    await visit(page, `${product}/decisions/nouvelle`);
    const rationale = `Décision enregistrée par le navigateur (${new Date().toISOString()})`;
    await page.selectOption('#kind', 'continue');
    await page.fill('#rationale', rationale);
    await Promise.all([
      page.waitForURL(product),
      page.click('main form button[type=submit]'),
    ]);
    assert((await page.content()).includes(rationale), 'the decision is not on the product page');
  });

  await check('the contract form saves the contract as it stands, back to the contract page', async () => {
    await visit(page, `${product}/contrat/modifier`);
    await Promise.all([
      page.waitForURL(/\/contrat$/),
      page.getByRole('button', { name: 'Enregistrer le contrat' }).click(),
    ]);
    assert((await page.locator('h1').innerText()).length > 0, 'no contract page');
  });

  await check('a refused spend paste names its line, writes nothing and passes axe', async () => {
    await visit(page, `${product}/depenses`);
    await page.locator('#csv').fill('mois;montant\nmars;6000\n');
    await Promise.all([
      page.waitForURL(/\/depenses\/coller$/),
      page.getByRole('button', { name: 'Enregistrer les lignes collées' }).click(),
    ]);
    const summary = await page.locator('#erreurs').innerText();
    assert(summary.includes('ligne 2'), `no line named in the summary: ${summary}`);
    assert((await page.locator('#csv').getAttribute('aria-invalid')) === 'true', 'the field is not marked');
    await axe(page);
  });

  await check('a signed review is frozen and links to its pack', async () => {
    const sign = pages.find(([name]) => name === 'signature de revue');
    assert(sign, 'no review drafted');
    await visit(page, sign[1]);
    await Promise.all([
      page.waitForURL((url) => url.pathname.endsWith('/modifier')),
      page.click('form#signer button[type=submit]'),
    ]);
    const packs = page.locator('main a[href*="/revues/"]:not([href$="/modifier"]):not([href$="/signer"]):not([href$="/nouvelle"])');
    assert((await packs.count()) >= 1, 'no link to the pack');
    await axe(page);
    for (const width of [320, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      await visit(page, page.url());
      await fits(page);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check('a refused form announces its errors (and still passes axe)', async () => {
    await visit(page, `${opts.base}/compte`);
    await page.fill('#actuel', 'pas le bon mot de passe');
    await page.fill('#nouveau', 'court');
    await page.fill('#confirmation', 'court');
    await Promise.all([
      page.waitForURL(`${opts.base}/compte/mot-de-passe`),
      page.click('form[action="/compte/mot-de-passe"] button[type=submit]'),
    ]);
    assert((await page.locator('[role=alert] a[href="#nouveau"]').count()) === 1, 'no summary link');
    assert((await page.locator('#nouveau[aria-invalid=true]').count()) === 1, 'the field is not marked');
    await axe(page);
  });

  await check('logging out ends the session', async () => {
    await visit(page, `${opts.base}/`);
    await Promise.all([
      page.waitForURL(`${opts.base}/connexion`),
      page.click('header form[action="/deconnexion"] button'),
    ]);
    await visit(page, `${opts.base}/`);
    assert(new URL(page.url()).pathname === '/connexion', `signed out, / shows ${page.url()}`);
  });

  if (opts.public) {
    await check('the public stats page loads without login, passes axe and fits', async () => {
      const anonymous = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      anonymous.setDefaultTimeout(120_000);
      anonymous.setDefaultNavigationTimeout(120_000);
      const visitor = await anonymous.newPage();
      await visit(visitor, `${opts.base}/produits/${opts.public}/stats`);
      assert((await visitor.locator('h1').count()) === 1, 'no heading');
      assert((await visitor.locator('figure.graphique svg').count()) > 0, 'no chart');
      await axe(visitor);
      for (const width of [320, 1920]) {
        await visitor.setViewportSize({ width, height: 900 });
        await visitor.reload();
        await fits(visitor);
      }
      await anonymous.close();
    });
  }
  await context.close();
}

/** A signed-in (or, with `anonymous`, a signed-out) page at 1280 px with the suite's generous
 *  timeouts; close its `context` when done. */
async function newPage(browser, opts, { anonymous = false, width = 1280 } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'fr-FR' });
  context.setDefaultTimeout(120_000);
  context.setDefaultNavigationTimeout(120_000);
  const page = await context.newPage();
  if (!anonymous) await signIn(page, opts);
  return { context, page };
}

/** The checks of `browser/checks/*.mjs`, in file-name order. Each module's default export is
 *  `async (browser, opts, kit) => {}`; it may also export `shots`, `[name, path]` pairs for
 *  `--screenshots`. One file per feature keeps the suite's parts apart. */
const CHECKS = join(dirname(fileURLToPath(import.meta.url)), 'checks');
const KIT = { check, assert, axe, fits, visit, signIn, newPage, chartText, brokenWords };

async function checkModules() {
  const files = readdirSync(CHECKS).filter((f) => f.endsWith('.mjs')).sort();
  return Promise.all(files.map((f) => import(pathToFileURL(join(CHECKS, f)).href)));
}

async function screenshots(browser, opts) {
  mkdirSync(opts.screenshots, { recursive: true });
  const shots = [
    ['portefeuille', '/'],
    ['produit', `/produits/${opts.product}`],
  ];
  for (const module of await checkModules()) {
    for (const [name, path] of module.shots || []) shots.push([name, path.replace('{product}', opts.product)]);
  }
  if (opts.public) shots.push(['stats', `/produits/${opts.public}/stats`]);
  for (const [device, width] of [['ordinateur', 1920], ['telephone-375', 375], ['telephone-320', 320]]) {
    const context = await browser.newContext({ viewport: { width, height: 1000 }, deviceScaleFactor: 1 });
    context.setDefaultTimeout(120_000);
    context.setDefaultNavigationTimeout(120_000);
    const page = await context.newPage();
    await signIn(page, opts);
    for (const [name, path] of shots) {
      await check(`screenshot ${name}-${device}.png`, async () => {
        await visit(page, `${opts.base}${path}`);
        await page.screenshot({ path: join(opts.screenshots, `${name}-${device}.png`), fullPage: true });
      });
    }
    await context.close();
  }
}

async function main() {
  const opts = options(process.argv.slice(2));
  const browser = await chromium.launch({ executablePath: opts.chromium, args: LAUNCH_ARGS });
  try {
    if (opts.screenshots) {
      await screenshots(browser, opts);
    } else {
      await suite(browser, opts);
      for (const module of await checkModules()) await module.default(browser, opts, KIT);
    }
  } finally {
    await browser.close();
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exitCode = results.failed === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(error && error.stack || error);
  process.exitCode = 2;
});
