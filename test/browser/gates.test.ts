// Gates and alerts in the console, against a real server whose gate readers post through a zone
// operator's API key: an officer watches the gate desk, sees a truck held live with the reason in
// words and the evidence against its pass, and lets it through with a reason; a hold's alert arrives
// on the Alerts page, is refused without a note and acknowledged with one; a trader splits a
// released declaration's goods with a pass for one truck (a quantity too large refused at its line),
// then cancels it. Screenshots go to test-results/screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { containerCheckDigit } from '../../src/reference/validators.ts';
import type { ApiClient } from '../support/test-app.ts';
import { launchBrowser, openPage, screenshot, signIn, TABLET, type WatchedPage } from './support/browser.ts';
import { startConsoleServer, type ConsoleServer } from './support/console-server.ts';

interface Zone {
  id: string;
  code: string;
  gates: Array<{ id: string; code: string; direction: string }>;
}

/** A container number of an owner code the demo never uses, with its ISO 6346 check digit. */
function container(serial: number): string {
  const base = `ZGTU${String(serial).padStart(6, '0')}`;
  return `${base}${containerCheckDigit(base)}`;
}

let readerEvents = 0;

/** Every page the main navigation offers, those under "More" or "Menu" included. */
async function navLabels(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.locator('.nav-more-button').click();
  await nav.locator('#nav-more-list a').first().waitFor();
  const labels = await nav.getByRole('link').allTextContents();
  await page.keyboard.press('Escape');
  return labels;
}

/**
 * Follows a link of the main navigation, from under "Menu" when the bar is too narrow for all.
 * The bar may fold into "Menu" while the page loads (the open alerts' count widens it): retried.
 */
async function navigate(page: Page, name: string | RegExp, path: RegExp): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const link = nav.getByRole('link', { name });
  const more = nav.locator('.nav-more-button');
  await expect
    .poll(
      async () => {
        if (!(await link.isVisible()) && (await more.getAttribute('aria-expanded')) !== 'true') await more.click();
        await link.click({ timeout: 1000 }).catch(() => undefined);
        return page
          .waitForURL((url) => path.test(url.pathname), { timeout: 1000 })
          .then(() => true)
          .catch(() => false);
      },
      { timeout: 20_000 },
    )
    .toBe(true);
}

describe('gates and alerts in the console', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let officerApi: ApiClient;
  let traderApi: ApiClient;
  let reader: ApiClient;
  let zone: Zone;
  let inGate: Zone['gates'][number];
  const pages: WatchedPage[] = [];
  const open = async (viewport?: { width: number; height: number }) => {
    const watched = await openPage(browser, viewport);
    pages.push(watched);
    return watched;
  };

  /** An admission by road of Bay Ridge Apparel into FTZ1, released by the officer. */
  async function releasedDeclaration(truck: { plate: string; containers: string[]; seals: string[] }) {
    const submitted = await traderApi.post('/api/v1/declarations', {
      type: 'ADMISSION',
      zoneId: zone.id,
      currency: 'USD',
      transport: { mode: 'ROAD', vehiclePlate: truck.plate, containers: truck.containers, seals: truck.seals },
      lines: [
        { hsCode: '610910', description: "Men's cotton T-shirts, knitted", originCountry: 'BD', quantity: '6000', unit: 'H87', netMass: '1080', grossMass: '1200', customsValue: '18000.00' },
        { hsCode: '611020', description: 'Cotton pullovers, knitted', originCountry: 'BD', quantity: '1500', unit: 'H87', netMass: '700', grossMass: '800', customsValue: '15000.00' },
      ],
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id = submitted.body.id as string;
    let declaration = (await officerApi.get(`/api/v1/declarations/${id}`)).body;
    if (declaration.state === 'ASSESSED' && declaration.lane === 'RED') {
      const started = await officerApi.post(`/api/v1/declarations/${id}/decisions`, { action: 'START_INSPECTION' });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      declaration = started.body;
    }
    if (declaration.state !== 'RELEASED') {
      const released = await officerApi.post(`/api/v1/declarations/${id}/decisions`, { action: 'RELEASE' });
      expect(released.status, JSON.stringify(released.body)).toBe(200);
    }
    return { id, reference: submitted.body.reference as string };
  }

  /** What gate G1's readers report, as the reader would post it. */
  async function readAtGate(reading: Record<string, unknown>) {
    readerEvents += 1;
    const posted = await reader.post('/api/v1/gate-events', {
      gateId: inGate.id,
      lane: '2',
      readerEventId: `ftz1-g1-browser-${readerEvents}`,
      at: new Date().toISOString(),
      ...reading,
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    return posted.body as { id: string; decision: string; status: string; reasons: Array<{ code: string }> };
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    [officerApi, traderApi] = await Promise.all([server.api('officer'), server.api('trader.bayridge')]);
    const zones = (await officerApi.get('/api/v1/zones')).body.items as Zone[];
    const ftz1 = zones.find((z) => z.code === 'FTZ1');
    if (!ftz1) throw new Error('the demo has no FTZ1');
    zone = ftz1;
    const gate = zone.gates.find((g) => g.code === 'G1' && g.direction === 'IN');
    if (!gate) throw new Error('FTZ1 has no in-gate G1');
    inGate = gate;
    // The zone operator's reader at the gate, with the one scope it needs.
    const key = await server.t.admin.post('/api/v1/api-keys', { name: 'FTZ1 G1 lane reader', role: 'zone_operator', zoneIds: [zone.id], scopes: ['gate-events:write'] });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    reader = server.t.client(key.body.key as string);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an officer sees a truck held at the gate with the reason in words, and lets it through with a reason', async () => {
    const truck = { plate: 'BRW4471', containers: [container(417701)], seals: ['ZS-100001'] };
    const declaration = await releasedDeclaration(truck);

    const officer = await open(TABLET);
    const { page } = officer;
    await signIn(page, server.url, 'officer', server.password('officer'));
    await navigate(page, 'Gates', /^\/gates$/);
    const choose = page.getByRole('form', { name: 'Choose the gate' });
    await choose.getByLabel('Zone').selectOption(zone.id);
    await choose.getByLabel('Gate').selectOption(inGate.id);
    await expect.poll(() => page.url(), { timeout: 5_000 }).toContain(`gate=${inGate.id}`);
    await page.locator('#held h2').filter({ hasText: /Held at the gate \(\d+\)/ }).waitFor();

    // The truck comes with the right plate and container, but another seal and too heavy a load.
    const held = await readAtGate({
      plate: { value: 'BRW4471', confidence: 0.97 },
      containers: [{ number: truck.containers[0], confidence: 0.96 }],
      seals: ['ZS-999999'],
      weightKg: '3100',
    });
    expect(held.decision).toBe('HOLD');
    expect(held.reasons.map((r) => r.code).sort()).toEqual(['SEAL_MISMATCH', 'SEAL_MISMATCH', 'WEIGHT_OUT_OF_TOLERANCE']);

    // It appears on the open desk without a reload, with why in words and what was read.
    const card = page.locator(`article[data-passage-id="${held.id}"]`);
    await card.waitFor();
    const reasons = card.getByRole('list', { name: 'Reasons for the hold' });
    await reasons.getByText('Seal does not match the pass').first().waitFor();
    expect(await reasons.textContent()).toContain('seal ZS-100001 of the pass was not read');
    await reasons.getByText('Weight outside the pass’s tolerance').waitFor();
    const evidence = card.getByRole('definition').filter({ hasText: 'BRW4471' });
    expect(await evidence.textContent()).toContain('97 % sure');
    expect(await card.textContent()).toContain('3,100 kg');
    expect(await card.textContent()).toContain('pass 2,000 kg ± 200 kg; 1,100 kg over');
    expect(await card.getByText(declaration.reference).count()).toBe(1);
    await page.locator('table[aria-label="Passages"]').locator(`tr[data-passage-id="${held.id}"]`).getByText('Held').waitFor();
    await screenshot(page, 'officer-gate-desk-held');
    // On a tablet held upright the desk, the held truck's evidence included, fits the width.
    await page.setViewportSize({ width: 768, height: 1024 });
    expect(Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'))).toBeLessThanOrEqual(0);
    await screenshot(page, 'tablet-768-gate-desk-held');
    await page.setViewportSize(TABLET);

    // Override: the dialog asks for a reason, and the truck is let through.
    await card.getByRole('button', { name: /^Override the hold at G1 lane 2/ }).click();
    const dialog = page.getByRole('dialog', { name: /Let the truck through/ });
    await dialog.waitFor();
    await dialog.getByLabel(/^Reason/).fill('Seal replaced at the port after inspection; weighbridge recalibrated, checked by hand');
    await screenshot(page, 'officer-gate-override');
    await dialog.getByRole('button', { name: 'Override and open' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await card.waitFor({ state: 'detached' });
    const row = page.locator('table[aria-label="Passages"]').locator(`tr[data-passage-id="${held.id}"]`);
    await row.getByText('Overridden', { exact: true }).waitFor();
    expect(await row.textContent()).toContain('Seal replaced at the port');

    // The passage's own page keeps the evidence and the override.
    await row.getByRole('link').first().click();
    await page.waitForURL(new RegExp(`/gates/passages/${held.id}$`));
    await page.getByRole('heading', { level: 1 }).getByText('Overridden').waitFor();
    expect(await page.locator('#decision').textContent()).toContain('checked by hand');
    expect(await page.locator('#evidence').textContent()).toContain('ZS-100001');
    await screenshot(page, 'officer-gate-passage');
    const stored = (await officerApi.get(`/api/v1/gate-passages/${held.id}`)).body;
    expect(stored.status).toBe('OVERRIDDEN');
    expect(stored.overrideReason).toContain('checked by hand');

    expect(officer.problems()).toEqual([]);
  }, 180_000);

  it('an alert raised at the gate arrives on the Alerts page and is acknowledged with a note', async () => {
    const officer = await open();
    officer.allowHttpError(400, '/acknowledgement');
    const { page } = officer;
    await signIn(page, server.url, 'officer', server.password('officer'));
    await navigate(page, /^Alerts/, /^\/alerts$/);
    const openAlerts = page.locator('#alerts-open');
    await openAlerts.locator('h2').waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => undefined);

    // A truck no pass knows of is held; its alert comes in while the page is open.
    const held = await readAtGate({ plate: { value: 'QXZ9051', confidence: 0.93 }, containers: [], weightKg: '9200' });
    expect(held.reasons.map((r) => r.code)).toEqual(['NO_PASS']);
    const alerts = (await officerApi.get(`/api/v1/alerts?status=OPEN&kind=GATE_HOLD&zoneId=${zone.id}`)).body.items as Array<{ id: string; subjectId: string }>;
    const alert = alerts.find((a) => a.subjectId === held.id);
    if (!alert) throw new Error('the hold raised no alert');
    const row = openAlerts.locator(`tr[data-alert-id="${alert.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Gate hold');
    expect(await row.textContent()).toContain('no valid gate pass');
    await row.getByText('Warning').waitFor();
    // The bar counts the open alerts, this one with them (the demo's trucks leave others open).
    const count = page.getByTestId('open-alert-count');
    const countShown = async () => ((await count.count()) > 0 ? ((await count.textContent()) ?? '').replace(/\s*open.*$/, '') : '');
    const countOpen = async () => {
      const reply = (await officerApi.get('/api/v1/alerts?status=OPEN&limit=99')).body as { items: unknown[]; nextCursor: string | null };
      return reply.nextCursor ? '99+' : reply.items.length > 0 ? String(reply.items.length) : '';
    };
    const openBefore = await countOpen();
    expect(openBefore).not.toBe('');
    await expect.poll(countShown, { timeout: 10_000 }).toBe(openBefore);
    await screenshot(page, 'officer-alerts');

    // Its link leads to the held passage.
    await row.getByRole('link', { name: 'Passage at G1' }).click();
    await page.waitForURL(new RegExp(`/gates/passages/${held.id}$`));
    await page.getByRole('list', { name: 'Reasons for the hold' }).getByText('No gate pass for this truck').waitFor();
    await page.goBack();

    // Without a note the acknowledgement is refused, at the note.
    await row.getByRole('button', { name: /^Acknowledge/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Acknowledge: Gate hold' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('#field-note-error').waitFor();
    expect(await page.locator('#field-note').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('alert').getByRole('button', { name: 'Note' }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('field-note');
    await screenshot(page, 'officer-alert-acknowledge-error');
    await page.locator('#field-note').fill('Driver turned back at the gate; the haulier was told to present the pass for QXZ 9051');
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await row.waitFor({ state: 'detached' });
    const acknowledged = page.locator('#alerts-acknowledged').locator(`tr[data-alert-id="${alert.id}"]`);
    await acknowledged.waitFor();
    expect(await acknowledged.textContent()).toContain('Driver turned back at the gate');
    // The count in the bar follows.
    const openAfter = await countOpen();
    expect(openAfter === '99+' || Number(openAfter || 0) === Number(openBefore) - 1).toBe(true);
    await expect.poll(countShown, { timeout: 10_000 }).toBe(openAfter);
    await screenshot(page, 'officer-alert-acknowledged');
    const stored = (await officerApi.get(`/api/v1/alerts/${alert.id}`)).body;
    expect(stored.status).toBe('ACKNOWLEDGED');

    expect(officer.problems()).toEqual([]);
  }, 120_000);

  it('a trader issues a pass for part of the goods from the declaration page, and cancels it', async () => {
    const containers = [container(417702), container(417703)];
    const declaration = await releasedDeclaration({ plate: 'BRW5502', containers, seals: ['ZS-200001', 'ZS-200002'] });

    const trader = await open(TABLET);
    trader.allowHttpError(400, '/api/v1/gate-passes');
    const { page } = trader;
    await signIn(page, server.url, 'trader.bayridge', server.password('trader.bayridge'));
    await page.goto(`${server.url}/declarations/${declaration.id}`);
    const section = page.locator('#gate-passes');
    const passes = section.getByRole('table', { name: 'Gate passes' });
    // The release's own pass carries all the goods.
    const automatic = passes.locator(`tr[data-pass-number="${declaration.reference}/1"]`);
    await automatic.waitFor();
    expect(await automatic.textContent()).toContain('Issued');
    expect(await automatic.textContent()).toContain('Line 1: 6,000 H87');

    await section.getByRole('button', { name: 'Issue a pass for part of the goods' }).click();
    const dialog = page.getByRole('dialog', { name: 'Issue a pass for part of the goods' });
    await dialog.waitFor();
    await dialog.getByLabel(/^Vehicle plate/).fill('BRW 7713');
    await dialog.getByLabel(containers[1] ?? '').check();
    await dialog.getByLabel(/^Seals/).fill('ZS-200002');
    // More than the line holds: refused at that line's quantity.
    await dialog.getByLabel('Line 2: quantity for this pass, in H87').fill('2500');
    await dialog.getByRole('button', { name: 'Issue pass' }).click();
    const lineError = page.locator('#field-lines-1-quantity-error');
    await lineError.waitFor();
    expect(await lineError.textContent()).toContain('at most 1500 H87 remain');
    await screenshot(page, 'trader-gate-pass-error');
    await dialog.getByRole('alert').getByRole('button', { name: 'Line 2: quantity' }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('field-lines-1-quantity');

    await dialog.getByLabel('Line 2: quantity for this pass, in H87').fill('500');
    await dialog.getByLabel('Line 1: quantity for this pass, in H87').fill('2000');
    await dialog.getByRole('button', { name: 'Issue pass' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const partial = passes.locator(`tr[data-pass-number="${declaration.reference}/2"]`);
    await partial.waitFor();
    expect(await partial.textContent()).toContain('BRW7713');
    expect(await partial.textContent()).toContain(containers[1]);
    expect(await partial.textContent()).toContain('Line 1: 2,000 H87');
    expect(await partial.textContent()).toContain('Line 2: 500 H87');
    // The release's pass gave those goods up.
    await automatic.getByText('Line 1: 4,000 H87').waitFor();
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'trader-gate-passes');

    await partial.getByRole('button', { name: `Cancel pass ${declaration.reference}/2` }).click();
    const cancel = page.getByRole('dialog', { name: `Cancel gate pass ${declaration.reference}/2?` });
    await cancel.waitFor();
    await cancel.getByLabel(/^Reason/).fill('The second truck was not available; all goods go on one truck');
    await cancel.getByRole('button', { name: 'Cancel pass' }).click();
    await cancel.waitFor({ state: 'hidden' });
    await partial.getByText('Cancelled').waitFor();
    expect(await partial.getByRole('button', { name: /^Cancel pass/ }).count()).toBe(0);

    const stored = (await traderApi.get(`/api/v1/gate-passes?declarationId=${declaration.id}`)).body.items as Array<{ number: string; status: string }>;
    expect(stored.find((p) => p.number === `${declaration.reference}/2`)?.status).toBe('CANCELLED');

    expect(trader.problems()).toEqual([]);
  }, 120_000);

  it('keeps a trader off the gate desk and the alert feed', async () => {
    const trader = await open();
    await signIn(trader.page, server.url, 'trader.bayridge', server.password('trader.bayridge'));
    const offered = await navLabels(trader.page);
    expect(offered).toContain('Tariff');
    expect(offered.filter((label) => /^(Gates|Alerts)/.test(label))).toEqual([]);
    await trader.page.goto(`${server.url}/gates`);
    await trader.page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await trader.page.goto(`${server.url}/alerts`);
    await trader.page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(trader.problems()).toEqual([]);
  }, 60_000);
});
