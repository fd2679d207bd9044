// The risk engine in the console: an analyst adds a rule (a bad value refused at its field), a
// trader's declaration hits it, an officer sees its score and reasons, inspects and records what
// was found, the rule's hit rate follows, and the analyst trains a new model on that result and
// activates it. A trader is kept out. Screenshots go to test-results/screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, screenshot, signIn, TABLET, type WatchedPage } from './support/browser.ts';
import { startConsoleServer, type ConsoleServer } from './support/console-server.ts';

const RULE_NAME = 'Bangladeshi T-shirts, browser';
const RULE_REASON = 'Seizures of mis-declared knitwear from Bangladesh this quarter';

describe('risk in the console', () => {
  let server: ConsoleServer;
  let browser: Browser;
  const pages: WatchedPage[] = [];
  const open = async (viewport?: { width: number; height: number }) => {
    const watched = await openPage(browser, viewport);
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

  it('an analyst adds a rule, a declaration hits it, an officer records the finding, and the next model learns from it', async () => {
    const analyst = await open();
    analyst.allowHttpError(400, '/api/v1/risk/rules');
    await signIn(analyst.page, server.url, 'analyst', server.password('analyst'));
    await analyst.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Risk' }).click();
    const models = analyst.page.getByRole('table', { name: 'Models' });
    // The demo's model, trained on the shipped declarations, is at work.
    await models.locator('tr', { hasText: 'Active' }).waitFor();
    const versionsBefore = await models.locator('tbody tr').count();
    await analyst.page.getByRole('table', { name: 'Risk rules' }).getByRole('link', { name: 'Young importer of phones' }).waitFor();
    await screenshot(analyst.page, 'analyst-risk');

    // A new rule: first with a value that is not a number, refused at that field.
    await analyst.page.getByRole('link', { name: 'Add a rule' }).click();
    const form = analyst.page.getByRole('form', { name: 'New risk rule' });
    await form.waitFor();
    await analyst.page.getByLabel('Name').fill(RULE_NAME);
    await analyst.page.getByLabel(/^Reason, shown to officers/).fill(RULE_REASON);
    await analyst.page.locator('#field-conditions-0-field').selectOption('hsCode');
    await analyst.page.locator('#field-conditions-0-op').selectOption('startsWith');
    await analyst.page.locator('#field-conditions-0-value').fill('6109');
    await analyst.page.getByRole('button', { name: 'Add a condition' }).click();
    await analyst.page.locator('#field-conditions-1-field').selectOption('customsValue');
    await analyst.page.locator('#field-conditions-1-op').selectOption('gte');
    await analyst.page.locator('#field-conditions-1-value').fill('a lot');
    await analyst.page.getByLabel('Points (−100 to 100)').fill('60');
    await analyst.page.getByRole('button', { name: 'Add rule' }).click();
    const valueError = analyst.page.locator('#field-conditions-1-value-error');
    await valueError.waitFor();
    expect(await valueError.textContent()).toContain('must be a decimal number');
    await screenshot(analyst.page, 'analyst-rule-error');
    // Corrected: the second condition becomes the origin.
    await analyst.page.locator('#field-conditions-1-field').selectOption('originCountry');
    await analyst.page.locator('#field-conditions-1-value').fill('BD');
    await analyst.page.getByRole('button', { name: 'Add rule' }).click();
    await analyst.page.waitForURL(/\/risk\/rules\/[0-9a-f-]{36}$/);
    await analyst.page.getByText('No declaration has hit this rule yet.').waitFor();
    const ruleUrl = analyst.page.url();

    // The trader declares T-shirts from Bangladesh.
    const traderApi = await server.api('trader.bayridge');
    const zones = (await traderApi.get('/api/v1/zones')).body.items as Array<{ id: string; code: string }>;
    const submitted = await traderApi.post('/api/v1/declarations', {
      type: 'ADMISSION',
      zoneId: zones.find((zone) => zone.code === 'FTZ1')?.id,
      currency: 'USD',
      transport: { mode: 'SEA', vesselOrFlight: 'MSC ALINA 412W', containers: ['CSQU3054383'], portOfLoading: 'BDCGP' },
      lines: [{ hsCode: '610910', description: "Men's cotton T-shirts, knitted", originCountry: 'BD', quantity: '6000', unit: 'H87', netMass: '1080', grossMass: '1190', customsValue: '18000.00' }],
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const declarationId = submitted.body.id as string;

    // The officer sees the score and why, inspects, and records what was found.
    const officer = await open(TABLET);
    await signIn(officer.page, server.url, 'officer', server.password('officer'));
    await officer.page.goto(`${server.url}/declarations/${declarationId}`);
    const risk = officer.page.locator('#risk');
    await officer.page.getByRole('list', { name: 'Lane reasons' }).getByText(`Rule “${RULE_NAME}”: ${RULE_REASON} (+60)`).waitFor();
    await risk.getByTestId('risk-score').filter({ hasText: 'rules +60' }).waitFor();
    await risk.getByRole('list', { name: 'Model drivers' }).or(risk.getByText(/likelihood of a finding/)).first().waitFor();
    await screenshot(officer.page, 'officer-declaration-risk');
    const actions = officer.page.getByRole('group', { name: 'Actions' });
    if (await actions.getByRole('button', { name: 'Start inspection' }).count()) {
      await actions.getByRole('button', { name: 'Start inspection' }).click();
      const dialog = officer.page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Start inspection' }).click();
      await dialog.waitFor({ state: 'hidden' });
    } else {
      // A YELLOW declaration is inspected on the way to its release.
      const started = await (await server.api('officer')).post(`/api/v1/declarations/${declarationId}/decisions`, { action: 'START_INSPECTION', reason: 'Physical check' });
      expect(started.status).toBe(200);
      await officer.page.reload();
    }
    const resultForm = officer.page.getByRole('form', { name: 'Inspection result' });
    await resultForm.waitFor();
    await resultForm.getByLabel('Found: goods not as declared').check();
    await resultForm.getByLabel('Findings').fill('Polyester shirts declared as cotton; 40 % more pieces than declared');
    await screenshot(officer.page, 'officer-inspection-result-form');
    await resultForm.getByRole('button', { name: 'Record result' }).click();
    await officer.page.getByTestId('inspection-result').filter({ hasText: 'Polyester shirts declared as cotton' }).waitFor();

    // The rule's hit rate follows.
    await analyst.page.goto(ruleUrl);
    const hits = analyst.page.locator('#hits');
    await hits.getByRole('list', { name: 'Latest hits' }).getByText(submitted.body.reference as string).waitFor();
    expect(await hits.textContent()).toContain('100 %');
    await screenshot(analyst.page, 'analyst-rule-hits');

    // A new model trained on every inspection result so far, then activated.
    await analyst.page.goto(`${server.url}/risk`);
    await analyst.page.getByRole('button', { name: 'Train a new model' }).click();
    await expect.poll(() => models.locator('tbody tr').count(), { timeout: 120_000 }).toBe(versionsBefore + 1);
    const newest = models.locator('tbody tr').first();
    const version = ((await newest.locator('td').first().textContent()) ?? '').trim();
    await newest.getByRole('button', { name: `Activate ${version}` }).click();
    const dialog = analyst.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Activate' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await newest.getByText('Active').waitFor();
    await screenshot(analyst.page, 'analyst-new-model-active');
    const active = (await (await server.api('analyst')).get('/api/v1/risk/models')).body.items.find((m: { status: string }) => m.status === 'ACTIVE');
    expect(`v${active.version}`).toBe(version);
    expect(active.training.labels.ownFound).toBeGreaterThan(0);

    for (const watched of [analyst, officer]) expect(watched.problems()).toEqual([]);
  }, 240_000);

  it('keeps a trader away from targeting', async () => {
    const trader = await open();
    await signIn(trader.page, server.url, 'trader.bayridge', server.password('trader.bayridge'));
    expect(await trader.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Risk' }).count()).toBe(0);
    await trader.page.goto(`${server.url}/risk`);
    await trader.page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(trader.problems()).toEqual([]);
  }, 60_000);
});
