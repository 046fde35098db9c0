// Irritants (issue 24): from the menu, a person signals an irritant through the form (empty
// first: the error on its field), votes it away and back; a manager links it to a product and
// closes it with an answer. axe finds nothing on any of these pages, at 320 px and 1920 px, and
// each fits.

export default async function (browser, opts, { check, assert, axe, fits, visit, newPage }) {
  const title = `Ressaisir chaque mois les mêmes pièces ${Date.now()}`;
  let one;

  /** axe and the fit check at a phone's and a desktop's width. */
  async function bothWidths(page) {
    for (const width of [320, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      await axe(page);
      await fits(page);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  await check('an irritant is signalled and voted through the pages', async () => {
    const { context, page } = await newPage(browser, opts);
    await visit(page, `${opts.base}/irritants`);
    if (!page.url().includes('/incubateurs/')) {
      await bothWidths(page);
      await Promise.all([page.waitForURL(/\/incubateurs\/[^/]+\/irritants$/), page.click('main ul a')]);
    }
    const list = page.url();
    await bothWidths(page);
    await page.click('form[action$="/irritants"] button[type=submit]');
    await page.waitForSelector('#erreurs');
    await axe(page);
    await page.fill('[id="title"]', title);
    await Promise.all([page.waitForURL(list), page.click('form[action$="/irritants"] button[type=submit]')]);
    assert((await page.textContent('main')).includes(title), 'the new irritant is listed');
    const link = page.locator('main a', { hasText: title }).first();
    await Promise.all([page.waitForURL(/\/irritants\/\d+$/), link.click()]);
    one = page.url();
    await bothWidths(page);
    await Promise.all([page.waitForURL(one), page.click('form[action$="/vote"] button[type=submit]')]);
    assert((await page.textContent('main')).includes('0 vote'), 'the vote withdrawn');
    await Promise.all([page.waitForURL(one), page.click('form[action$="/vote"] button[type=submit]')]);
    assert((await page.textContent('main')).includes('1 vote'), 'the vote given back');
    await context.close();
  });

  await check('a manager links the irritant to a product and closes it', async () => {
    const { context, page } = await newPage(browser, opts);
    await visit(page, one);
    // Nothing chosen: the error on the field, axe still clean.
    await page.click('form[action$="/lien"] button[type=submit]');
    await page.waitForSelector('#erreurs');
    await axe(page);
    await page.locator('[id="product_slug"] option').nth(1).waitFor({ state: 'attached' });
    const value = await page.locator('[id="product_slug"] option').nth(1).getAttribute('value');
    await page.selectOption('[id="product_slug"]', value);
    await Promise.all([page.waitForURL(one), page.click('form[action$="/lien"] button[type=submit]')]);
    assert((await page.textContent('main')).includes('Produit qui y répond'), 'linked to the product');
    await page.fill('[id="answer"]', 'Le formulaire est désormais prérempli.');
    await Promise.all([page.waitForURL(one), page.click('form[action$="/cloture"] button[type=submit]')]);
    assert((await page.textContent('main')).includes('Le formulaire est désormais prérempli.'), 'closed with its answer');
    await bothWidths(page);
    await context.close();
  });
}
