// The whole product sheet (issue 21 item 3): an administrator opens the sheet's form from the
// product page, saves a thematique and an accessibility status, sees them on the product
// page, then filters the portfolio by that thematique; axe finds nothing at 320 and 1920 px.

export const shots = [['fiche-complete', '/produits/{product}/fiche']];

const field = (page, id) => page.locator(`[id="${id}"]`);

export default async function (browser, opts, { check, assert, axe, fits, visit, newPage }) {
  const thematique = `Navigation ${Date.now()}`;
  await check('the whole sheet is edited through its page', async () => {
    const { context, page } = await newPage(browser, opts);
    await visit(page, `${opts.base}/produits/${opts.product}`);
    await Promise.all([
      page.waitForURL(`${opts.base}/produits/${opts.product}/fiche`),
      page.click(`main a[href="/produits/${opts.product}/fiche"]`),
    ]);
    for (const width of [320, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      await axe(page);
      await fits(page);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    // A bad address first: its error next to the field, and axe still passes.
    await field(page, 'contacts_dinum').fill('pas-une-adresse');
    await page.click('main form button[type=submit]');
    await page.waitForSelector('#erreur-contacts_dinum');
    await axe(page);
    await field(page, 'contacts_dinum').fill('dinum@beta.gouv.fr');
    await field(page, 'thematiques').fill(thematique);
    await field(page, 'accessibility_status').selectOption('partially_compliant');
    await Promise.all([
      page.waitForURL(`${opts.base}/produits/${opts.product}`),
      page.click('main form button[type=submit]'),
    ]);
    const shown = await page.textContent('main');
    assert(shown.includes(thematique), 'the thematique on the product page');
    await context.close();
  });

  await check('the portfolio filters by thematique', async () => {
    const { context, page } = await newPage(browser, opts);
    await visit(page, `${opts.base}/`);
    await field(page, 'thematique').selectOption(thematique);
    await Promise.all([
      page.waitForURL(/thematique=/),
      page.locator('#thematique').evaluate((select) => select.form.requestSubmit()),
    ]);
    const rows = await page.locator('main table tbody tr').count();
    assert(rows >= 1, 'at least the edited product');
    assert((await page.textContent('main')).includes(thematique), 'the chosen thematique');
    for (const width of [320, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      await axe(page);
    }
    await context.close();
  });
}
