// The console's main journeys in Chromium against a real server: a trader declares (a bad container
// number is refused at its field, then corrected), an officer sees the declaration arrive live,
// opens it and releases it, and the dashboard's counts follow; an auditor reads but cannot act;
// a trader cannot open another enterprise's declaration; a trader amends a declaration before
// inspection; an administrator declares on an enterprise's behalf. Screenshots go to
// test-results/screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, screenshot, signIn, type WatchedPage } from './support/browser.ts';
import { startConsoleServer, type ConsoleServer } from './support/console-server.ts';

// ISO 6346: the same owner, category and serial, with the right and a wrong check digit.
const GOOD_CONTAINER = 'CSQU3054383';
const BAD_CONTAINER = 'CSQU3054384';

/** Fills the first line with Bay Ridge's cotton T-shirts and the transport with a vessel. */
async function fillTeeShirtLine(page: Page): Promise<void> {
  const itemSelect = page.locator('#field-lines-0-itemId');
  const option = itemSelect.locator('option', { hasText: 'BRA-TEE-CTN' });
  await option.waitFor({ state: 'attached' });
  await itemSelect.selectOption((await option.getAttribute('value')) ?? '');
  expect(await page.locator('#field-lines-0-hsCode').inputValue()).toBe('610910');
  await page.locator('#field-lines-0-hsCode-hint').filter({ hasText: /T-shirts/i }).waitFor();
  await page.locator('#field-lines-0-originCountry').selectOption('BD');
  await page.locator('#field-lines-0-quantity').fill('6000');
  await page.locator('#field-lines-0-netMass').fill('1080');
  await page.locator('#field-lines-0-grossMass').fill('1190');
  await page.locator('#field-lines-0-customsValue').fill('18000.00');
  await page.getByLabel('Vessel or flight').fill('MSC ALINA 412W');
}

describe('console journeys', () => {
  let server: ConsoleServer;
  let browser: Browser;
  const pages: WatchedPage[] = [];

  const open = async () => {
    const watched = await openPage(browser);
    pages.push(watched);
    return watched;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a trader declares, an officer sees it arrive live and releases it, and the dashboard follows', async () => {
    // The officer watches the dashboard in one tab and the declarations in another.
    const dashboard = await open();
    await signIn(dashboard.page, server.url, 'officer', server.password('officer'));
    const submittedToday = dashboard.page.getByTestId('tiles').locator('.tile').filter({ hasText: 'Submitted today' }).locator('.tile-value');
    const yellowToday = dashboard.page.getByTestId('today-lane-YELLOW');
    const before = { submitted: Number(await submittedToday.textContent()), yellow: Number(await yellowToday.textContent()) };
    await screenshot(dashboard.page, 'officer-dashboard');

    const officer = await open();
    await signIn(officer.page, server.url, 'officer', server.password('officer'));
    await officer.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Declarations' }).click();
    await officer.page.locator('table tbody tr').first().waitFor();
    await screenshot(officer.page, 'officer-declarations');

    // The trader fills in the form; the container number is mistyped.
    const trader = await open();
    trader.allowHttpError(400, '/api/v1/declarations');
    await signIn(trader.page, server.url, 'trader.bayridge', server.password('trader.bayridge'));
    await trader.page.getByRole('link', { name: 'New declaration' }).first().click();
    const form = trader.page.getByRole('form', { name: 'New declaration' });
    await form.waitFor();
    await fillTeeShirtLine(trader.page);
    await trader.page.getByLabel('Your reference').fill('PO-BROWSER-1');

    const container = trader.page.locator('#field-transport-containers-0');
    await container.fill(BAD_CONTAINER);
    // Checked as it is typed…
    await trader.page.locator('#field-transport-containers-0-check').filter({ hasText: '✗' }).waitFor();
    // …and refused by the server at that field when sent anyway.
    await trader.page.getByRole('button', { name: 'Submit declaration' }).click();
    const fieldError = trader.page.locator('#field-transport-containers-0-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toContain('not a valid ISO 6346 container number');
    expect(await container.getAttribute('aria-invalid')).toBe('true');
    await expect(trader.page.locator('#form-errors').textContent()).resolves.toContain('Container 1');
    await screenshot(trader.page, 'trader-declaration-form-error');

    await container.fill(GOOD_CONTAINER);
    await trader.page.locator('#field-transport-containers-0-check').filter({ hasText: '✓' }).waitFor();
    expect(await fieldError.count()).toBe(0);
    await trader.page.getByRole('button', { name: 'Submit declaration' }).click();
    await trader.page.waitForURL(/\/declarations\/[0-9a-f-]{36}$/);
    const heading = trader.page.getByRole('heading', { level: 1 });
    await heading.filter({ hasText: 'YELLOW' }).waitFor();
    const reference = (await heading.locator('.mono').textContent()) ?? '';
    expect(reference).toMatch(/^FTZ1-\d{4}-\d{6}$/);
    // The trader learns the lane, never why it was chosen.
    await trader.page.getByText('The reasons for the lane are kept by customs.').waitFor();
    await screenshot(trader.page, 'trader-declaration-submitted');

    // The officer's list shows it without a reload, with a notice.
    const row = officer.page.locator('table tbody tr', { hasText: reference });
    await row.waitFor({ timeout: 15_000 });
    await officer.page.locator('.toast', { hasText: reference }).first().waitFor();
    await screenshot(officer.page, 'officer-declarations-live');

    // The officer opens it, sees why it is YELLOW, and releases it.
    await row.getByRole('link', { name: reference }).click();
    await officer.page.getByRole('list', { name: 'Lane reasons' }).filter({ hasText: 'Apparel valuation' }).waitFor();
    await officer.page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Release' }).click();
    const dialog = officer.page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel(/Reason/).fill('Invoice and proof of payment checked');
    await screenshot(officer.page, 'officer-release-dialog');
    await dialog.getByRole('button', { name: 'Release' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await officer.page.getByRole('heading', { level: 1 }).filter({ hasText: 'Released' }).waitFor();
    await officer.page.locator('.timeline', { hasText: 'Invoice and proof of payment checked' }).waitFor();
    await screenshot(officer.page, 'officer-declaration-released');

    // The trader's page follows the decision live.
    await trader.page.getByRole('heading', { level: 1 }).filter({ hasText: 'Released' }).waitFor({ timeout: 15_000 });

    // The dashboard counted the new declaration without a reload.
    await expect.poll(async () => Number(await submittedToday.textContent()), { timeout: 15_000 }).toBe(before.submitted + 1);
    await expect.poll(async () => Number(await yellowToday.textContent()), { timeout: 15_000 }).toBe(before.yellow + 1);
    await screenshot(dashboard.page, 'officer-dashboard-after');

    for (const watched of [dashboard, officer, trader]) expect(watched.problems()).toEqual([]);
  }, 180_000);

  it('an auditor reads a declaration but is offered no action', async () => {
    const officerApi = await server.api('officer');
    const red = await officerApi.get('/api/v1/declarations?state=ASSESSED&lane=RED&limit=1');
    const id: string = red.body.items[0].id;

    const auditor = await open();
    await signIn(auditor.page, server.url, 'auditor', server.password('auditor'));
    expect(await auditor.page.getByRole('link', { name: 'New declaration' }).count()).toBe(0);
    await auditor.page.goto(`${server.url}/declarations/${id}`);
    await auditor.page.getByRole('heading', { level: 1 }).filter({ hasText: 'RED' }).waitFor();
    await auditor.page.getByTestId('no-actions').waitFor();
    expect(await auditor.page.getByRole('group', { name: 'Actions' }).count()).toBe(0);
    // An auditor may read the targeting: the lane reasons are shown.
    await auditor.page.getByRole('list', { name: 'Lane reasons' }).waitFor();
    await screenshot(auditor.page, 'auditor-declaration');
    expect(auditor.problems()).toEqual([]);
  }, 60_000);

  it('a trader cannot open another enterprise’s declaration', async () => {
    const otherApi = await server.api('trader.harborpoint');
    const theirs = await otherApi.get('/api/v1/declarations?limit=1');
    const id: string = theirs.body.items[0].id;
    const reference: string = theirs.body.items[0].reference;

    const trader = await open();
    trader.allowHttpError(404, `/api/v1/declarations/${id}`);
    await signIn(trader.page, server.url, 'trader.meridian', server.password('trader.meridian'));
    await trader.page.goto(`${server.url}/declarations/${id}`);
    await trader.page.getByText('Declaration not found.').waitFor();
    expect(await trader.page.getByText(reference).count()).toBe(0);
    // Nor does it show in the trader's own list.
    await trader.page.goto(`${server.url}/declarations?q=${encodeURIComponent(reference)}`);
    await trader.page.getByText('No declaration matches these filters.').waitFor();
    await screenshot(trader.page, 'trader-other-enterprise-declaration');
    expect(trader.problems()).toEqual([]);
  }, 60_000);

  it('a trader amends a declaration before inspection, with a reason, and it is assessed again', async () => {
    // A YELLOW declaration of its own (the apparel valuation rule), so it waits for an officer.
    const traderApi = await server.api('trader.bayridge');
    const zones = (await traderApi.get('/api/v1/zones')).body.items as Array<{ id: string; code: string }>;
    const submitted = await traderApi.post('/api/v1/declarations', {
      type: 'ADMISSION',
      zoneId: zones.find((zone) => zone.code === 'FTZ1')?.id,
      currency: 'USD',
      transport: { mode: 'SEA', vesselOrFlight: 'MSC ALINA 412W', containers: [GOOD_CONTAINER] },
      lines: [{ hsCode: '610910', description: "Men's cotton T-shirts, knitted", originCountry: 'BD', quantity: '6000', unit: 'H87', netMass: '1080', grossMass: '1190', customsValue: '18000.00' }],
    });
    expect(submitted.body).toMatchObject({ state: 'ASSESSED', lane: 'YELLOW' });
    const target = { id: submitted.body.id as string, reference: submitted.body.reference as string, value: '18000.00' };
    const newValue = '19234.50';

    const trader = await open();
    await signIn(trader.page, server.url, 'trader.bayridge', server.password('trader.bayridge'));
    await trader.page.goto(`${server.url}/declarations/${target.id}`);
    await trader.page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Amend' }).click();
    const form = trader.page.getByRole('form', { name: `Amend ${target.reference}` });
    await form.waitFor();
    const value = trader.page.locator('#field-lines-0-customsValue');
    await expect.poll(() => value.inputValue()).toBe(target.value);
    await value.fill(newValue);

    // No reason: refused at the reason field, nothing sent.
    await trader.page.getByRole('button', { name: 'Amend declaration' }).click();
    await trader.page.locator('#field-reason-error').filter({ hasText: 'Give the reason for the amendment' }).waitFor();
    await screenshot(trader.page, 'trader-amendment-no-reason');
    await trader.page.getByRole('textbox', { name: 'Reason' }).fill('Supplier corrected the invoice value');
    await trader.page.getByRole('button', { name: 'Amend declaration' }).click();

    await trader.page.waitForURL(new RegExp(`/declarations/${target.id}$`));
    await trader.page.locator('.timeline', { hasText: 'Supplier corrected the invoice value' }).waitFor();
    await trader.page.getByRole('heading', { level: 1 }).filter({ hasText: target.reference }).waitFor();
    await screenshot(trader.page, 'trader-declaration-amended');

    const after = (await traderApi.get(`/api/v1/declarations/${target.id}`)).body;
    expect(after.lines[0].customsValue).toBe(newValue);
    // Assessed again right after the amendment.
    const actions = (after.history as Array<{ action: string }>).map((step) => step.action);
    expect(actions).toContain('AMEND');
    expect(actions[actions.lastIndexOf('AMEND') + 1]).toBe('ASSESS');
    // The declaration as it stood before is kept.
    const versions = (await traderApi.get(`/api/v1/declarations/${target.id}/versions`)).body.items as Array<{ reason: string; snapshot: { lines: Array<{ customsValue: string }> } }>;
    expect(versions.at(-1)).toMatchObject({ reason: 'Supplier corrected the invoice value' });
    expect(versions.at(-1)?.snapshot.lines[0]?.customsValue).toBe(target.value);
    expect(trader.problems()).toEqual([]);
  }, 90_000);

  it('an administrator declares on an enterprise’s behalf', async () => {
    const admin = await open();
    await signIn(admin.page, server.url, 'admin', server.password('admin'));
    // Customs declares now and then: the form is under "More".
    await admin.page.getByRole('button', { name: 'More' }).click();
    await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New declaration' }).click();
    await admin.page.getByRole('form', { name: 'New declaration' }).waitFor();
    await admin.page.getByLabel(/^Enterprise declared for/).selectOption({ label: 'Bay Ridge Apparel Imports LLC' });
    await fillTeeShirtLine(admin.page);
    await admin.page.getByLabel('Your reference').fill('PO-ON-BEHALF-1');
    await admin.page.locator('#field-transport-containers-0').fill(GOOD_CONTAINER);
    await screenshot(admin.page, 'admin-declaration-on-behalf');
    await admin.page.getByRole('button', { name: 'Submit declaration' }).click();
    await admin.page.waitForURL(/\/declarations\/[0-9a-f-]{36}$/);
    const id = admin.page.url().split('/').at(-1) ?? '';

    // The declaration is the enterprise's: its own user reads it.
    const traderApi = await server.api('trader.bayridge');
    const declared = await traderApi.get(`/api/v1/declarations/${id}`);
    expect(declared.status).toBe(200);
    expect(declared.body.traderReference).toBe('PO-ON-BEHALF-1');
    expect(declared.body.history[0].actorRole).toBe('admin');
    expect(admin.problems()).toEqual([]);
  }, 90_000);
});
