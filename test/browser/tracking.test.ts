// Cargo tracking in the console, against a real server whose e-seal reports through a zone
// operator's API key: the operator of FTZ1 registers an e-seal (a bad id refused at its field); an
// officer creates a trip for a released declaration's container from Port Newark's quay to FTZ1's
// in-gate, watches it on the monitoring map, where its marker moves as the seal reports and a seal
// opened on the road appears in the alert feed; from the alert the officer opens the trip, reads its
// timeline, replays its track and aborts it with a reason. Screenshots go to test-results/screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { containerCheckDigit } from '../../src/reference/validators.ts';
import { distanceMeters } from '../../src/tracking/geo.ts';
import type { ApiClient } from '../support/test-app.ts';
import { LAPTOP, launchBrowser, openPage, screenshot, signIn, type WatchedPage } from './support/browser.ts';
import { startConsoleServer, type ConsoleServer } from './support/console-server.ts';

interface Zone {
  id: string;
  code: string;
  gates: Array<{ id: string; code: string; latitude: number; longitude: number }>;
}

const DEVICE = 'ESEAL-BR-0042';

/** A container number of an owner code the demo never uses, with its ISO 6346 check digit. */
function container(serial: number): string {
  const base = `TRKU${String(serial).padStart(6, '0')}`;
  return `${base}${containerCheckDigit(base)}`;
}

/** Follows a link of the main navigation, from under "More" or "Menu" when it is there (retried while the bar settles). */
async function navigate(page: Page, name: string, path: RegExp): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const link = nav.getByRole('link', { name, exact: true });
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

/** Lets the wall clock reach `at`: telemetry reported ahead of its receipt would be refused as from the future. */
const waitUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/** A point `share` of the way from a to b. */
const along = (a: Zone['gates'][number], b: Zone['gates'][number], share: number) => ({
  lat: a.latitude + (b.latitude - a.latitude) * share,
  lon: a.longitude + (b.longitude - a.longitude) * share,
});

describe('cargo tracking in the console', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let seal: ApiClient;
  let ftz1: Zone;
  let quay: Zone['gates'][number];
  let inGate: Zone['gates'][number];
  let declaration: { id: string; reference: string };
  const containerNumber = container(4217);
  const pages: WatchedPage[] = [];

  /** What the e-seal reports, as its gateway would post it. */
  async function report(messages: Array<Record<string, unknown>>) {
    const posted = await seal.post('/api/v1/telemetry', { deviceId: DEVICE, messages });
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    return posted.body as { accepted: number; dropped: Record<string, number> };
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    const [officerApi, traderApi] = await Promise.all([server.api('officer'), server.api('trader.bayridge')]);
    const zones = (await officerApi.get('/api/v1/zones')).body.items as Zone[];
    const newark = zones.find((z) => z.code === 'FTZ49');
    const brooklyn = zones.find((z) => z.code === 'FTZ1');
    if (!newark || !brooklyn) throw new Error('the demo has no FTZ49 or FTZ1');
    ftz1 = brooklyn;
    const q1 = newark.gates.find((g) => g.code === 'Q1');
    const g1 = brooklyn.gates.find((g) => g.code === 'G1');
    if (!q1 || !g1) throw new Error('the demo has no FTZ49 Q1 or FTZ1 G1');
    [quay, inGate] = [q1, g1];

    // Bay Ridge Apparel's container, landed at Port Newark, admitted to FTZ1 by road and released.
    const submitted = await traderApi.post('/api/v1/declarations', {
      type: 'ADMISSION',
      zoneId: ftz1.id,
      currency: 'USD',
      transport: { mode: 'ROAD', vehiclePlate: 'NJ-TRK-42', containers: [containerNumber], seals: [DEVICE], portOfLoading: 'BDCGP', portOfDischarge: 'USEWR' },
      lines: [{ hsCode: '610910', description: "Men's cotton T-shirts, knitted", originCountry: 'BD', quantity: '4000', unit: 'H87', netMass: '720', grossMass: '800', customsValue: '12000.00' }],
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    declaration = { id: submitted.body.id as string, reference: submitted.body.reference as string };
    let state = (await officerApi.get(`/api/v1/declarations/${declaration.id}`)).body;
    if (state.state === 'ASSESSED' && state.lane === 'RED') {
      state = (await officerApi.post(`/api/v1/declarations/${declaration.id}/decisions`, { action: 'START_INSPECTION' })).body;
    }
    if (state.state !== 'RELEASED') {
      const released = await officerApi.post(`/api/v1/declarations/${declaration.id}/decisions`, { action: 'RELEASE' });
      expect(released.status, JSON.stringify(released.body)).toBe(200);
    }

    // FTZ1's seal gateway, with the one scope it needs.
    const key = await server.t.admin.post('/api/v1/api-keys', { name: 'FTZ1 e-seal gateway', role: 'zone_operator', zoneIds: [ftz1.id], scopes: ['telemetry:write'] });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    seal = server.t.client(key.body.key as string);
    // Loading the demo's month of traffic takes a while on a busy machine.
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a zone operator registers an e-seal', async () => {
    const operator = await openPage(browser, LAPTOP);
    pages.push(operator);
    operator.allowHttpError(400, '/api/v1/devices');
    const { page } = operator;
    await signIn(page, server.url, 'operator.fz1', server.password('operator.fz1'));
    await navigate(page, 'Tracking devices', /^\/devices$/);
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Register a device' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register a device' });
    await dialog.waitFor();
    // The operator works in one zone: it is chosen already.
    expect(await dialog.getByLabel(/^Zone/).inputValue()).toBe(ftz1.id);
    await dialog.getByLabel(/^Device id/).fill('e seal 42');
    await dialog.getByRole('button', { name: 'Register device' }).click();
    await page.locator('#field-deviceId-error').waitFor();
    expect(await page.locator('#field-deviceId').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('alert').getByRole('button', { name: 'Device id' }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('field-deviceId');
    await page.locator('#field-deviceId').fill(DEVICE);
    await dialog.getByRole('button', { name: 'Register device' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('table', { name: 'Devices' }).locator(`tr[data-device-id="${DEVICE}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('E-seal (single use)');
    expect(await row.textContent()).toContain('Customs');
    expect(await row.textContent()).toContain('Never');
    await screenshot(page, 'operator-devices');
    expect(operator.problems()).toEqual([]);
  }, 120_000);

  it('an officer follows a trip on the monitoring map, sees a seal opened on the road, and replays the track', async () => {
    const officer = await openPage(browser, LAPTOP);
    pages.push(officer);
    officer.allowHttpError(400, '/abortion');
    const { page } = officer;
    await signIn(page, server.url, 'officer', server.password('officer'));

    // The trip, created for the released declaration's container.
    await navigate(page, 'Trips', /^\/trips$/);
    await page.getByRole('button', { name: 'Create a trip' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a trip' });
    await dialog.waitFor();
    await dialog.getByLabel(/^Find a released declaration/).fill(declaration.reference);
    const declarationSelect = dialog.getByLabel(/^Declaration/);
    await declarationSelect.locator(`option[value="${declaration.id}"]`).waitFor({ state: 'attached' });
    await declarationSelect.selectOption(declaration.id);
    const containerSelect = dialog.getByLabel(/^Container/);
    await containerSelect.locator(`option[value="${containerNumber}"]`).waitFor({ state: 'attached' });
    await containerSelect.selectOption(containerNumber);
    const deviceSelect = dialog.getByLabel(/^Device/);
    await deviceSelect.locator('option', { hasText: DEVICE }).waitFor({ state: 'attached' });
    await deviceSelect.selectOption({ label: `${DEVICE} · e-seal` });
    await dialog.getByLabel(/^Origin gate/).selectOption(quay.id);
    await dialog.getByLabel(/^Destination gate/).selectOption(inGate.id);
    await dialog.getByLabel(/^Corridor width/).fill('800');
    await screenshot(page, 'officer-trip-create');
    await dialog.getByRole('button', { name: 'Create trip' }).click();
    await page.waitForURL(/\/trips\/[0-9a-f-]{36}$/);
    const tripId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const heading = page.getByRole('heading', { level: 1 });
    await heading.getByText('Planned').waitFor();
    const reference = /TRP-\d{4}-\d{6}/.exec((await heading.textContent()) ?? '')?.[0];
    expect(reference).toBeDefined();

    // On the monitoring map: listed, not seen yet, so without a marker.
    await navigate(page, 'Monitoring', /^\/monitoring$/);
    const map = page.getByTestId('map');
    await page.locator('[data-testid="map"][data-basemap="ready"]').waitFor({ timeout: 60_000 });
    const listed = page.getByRole('list', { name: 'Trips under way' }).locator(`li[data-trip-id="${tripId}"]`);
    await listed.waitFor();
    expect(await listed.textContent()).toContain('Not seen yet');
    expect(await listed.textContent()).toContain(containerNumber);
    const marker = page.locator(`.trip-marker[data-trip-id="${tripId}"]`);
    expect(await marker.count()).toBe(0);

    // The seal is armed at the quay: the trip starts, its marker appears there.
    const armedAt = Date.now();
    const atQuay = along(quay, inGate, 0);
    await report([
      { type: 'position', time: new Date(armedAt - 1000).toISOString(), lat: atQuay.lat, lon: atQuay.lon, speed: 0, accuracy: 8, battery: 91 },
      { type: 'seal', time: new Date(armedAt).toISOString(), state: 'ARMED' },
    ]);
    await marker.waitFor();
    await expect.poll(async () => Number(await marker.getAttribute('data-lon'))).toBeCloseTo(atQuay.lon, 5);
    await listed.getByRole('button', { name: reference }).click();
    await map.and(page.locator('[data-state="idle"]')).waitFor({ timeout: 60_000 });
    await screenshot(page, 'officer-monitoring-start');

    // On the road at 60 km/h (fixes are never reported ahead of time: the test waits for them).
    const metresPerSecond = 60 / 3.6;
    const length = distanceMeters([quay.longitude, quay.latitude], [inGate.longitude, inGate.latitude]);
    const onTheWay = (seconds: number) => along(quay, inGate, (metresPerSecond * seconds) / length);
    const onRoad = onTheWay(16);
    await waitUntil(armedAt + 16_000);
    const accepted = await report([
      { type: 'position', time: new Date(armedAt + 8_000).toISOString(), lat: onTheWay(8).lat, lon: onTheWay(8).lon, speed: 60, accuracy: 6 },
      { type: 'position', time: new Date(armedAt + 16_000).toISOString(), lat: onRoad.lat, lon: onRoad.lon, speed: 60, accuracy: 6 },
    ]);
    expect(accepted).toEqual({ accepted: 2, dropped: {} });
    await expect.poll(async () => Number(await marker.getAttribute('data-lon')), { timeout: 10_000 }).toBeCloseTo(onRoad.lon, 5);
    expect(Number(await marker.getAttribute('data-lat'))).toBeCloseTo(onRoad.lat, 5);
    expect(await marker.getAttribute('data-state')).toBe('moving');
    expect(await marker.getAttribute('aria-label')).toBe(`${reference}, container ${containerNumber}: moving`);
    expect(await listed.textContent()).toMatch(/Last seen .* · 60 km\/h/);

    // The seal is opened on the road, well outside the quay's fence: a critical alert arrives in the feed.
    const feed = page.getByRole('list', { name: 'Tracking alerts, newest first' });
    expect(await feed.locator('li[data-alert-kind="SEAL_OPENED_OUTSIDE_GATE"]').count()).toBe(0);
    await waitUntil(armedAt + 20_000);
    await report([
      { type: 'position', time: new Date(armedAt + 18_000).toISOString(), lat: onRoad.lat, lon: onRoad.lon, speed: 0, accuracy: 6 },
      { type: 'seal', time: new Date(armedAt + 20_000).toISOString(), state: 'OPENED' },
    ]);
    const alert = feed.locator('li[data-alert-kind="SEAL_OPENED_OUTSIDE_GATE"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Seal opened outside a gate');
    expect(await alert.textContent()).toContain('Critical');
    await expect.poll(() => marker.getAttribute('data-state')).toBe('alert');
    await expect.poll(async () => listed.textContent()).toContain('1 open alert');
    await screenshot(page, 'officer-monitoring-alert');

    // From the alert to the trip: its timeline tells what happened, in order.
    await alert.getByRole('link', { name: reference }).click();
    await page.waitForURL(new RegExp(`/trips/${tripId}$`));
    await heading.getByText('Active').waitFor();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.locator('li[data-kind="SEAL_OPENED_OUTSIDE_GATE"]').waitFor();
    const kinds = await timeline.locator('li').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));
    expect(kinds[0]).toBe('CREATED');
    expect(kinds.indexOf('STARTED')).toBeGreaterThan(0);
    expect(kinds.indexOf('SEAL_OPENED')).toBeGreaterThan(kinds.indexOf('SEAL_ARMED'));
    expect(kinds).toContain('SEAL_OPENED_OUTSIDE_GATE');
    const facts = page.locator('#trip-facts');
    expect(await facts.textContent()).toContain(declaration.reference);
    expect(await facts.textContent()).toContain('Opened');

    // The replay: from the first fix, played in real time, then fast to the last.
    await map.and(page.locator('[data-state="idle"]')).waitFor({ timeout: 60_000 });
    const replay = page.getByRole('group', { name: 'Replay' });
    const slider = replay.getByRole('slider', { name: 'Time' });
    await slider.waitFor();
    const replayMarker = page.getByTestId('replay-marker');
    await replayMarker.waitFor();
    expect(Number(await replayMarker.getAttribute('data-lon'))).toBeCloseTo(onRoad.lon, 5);
    await slider.fill(String(await slider.getAttribute('min')));
    await expect.poll(async () => Number(await replayMarker.getAttribute('data-lon'))).toBeCloseTo(atQuay.lon, 5);
    expect(await page.getByTestId('replay-time').textContent()).toContain('0 s after the first fix');
    await replay.getByLabel('Speed').selectOption('1');
    await replay.getByRole('button', { name: 'Play' }).click();
    await replay.getByRole('button', { name: 'Pause' }).waitFor();
    // The 19 seconds of track take 19 seconds at 1×: paused soon after, the marker is between the quay and the road.
    await expect.poll(async () => Number(await replayMarker.getAttribute('data-lon')), { timeout: 10_000 }).not.toBeCloseTo(atQuay.lon, 5);
    await replay.getByRole('button', { name: 'Pause' }).click();
    const share = (Number(await replayMarker.getAttribute('data-lon')) - atQuay.lon) / (onRoad.lon - atQuay.lon);
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(1);
    await screenshot(page, 'officer-trip-replay');
    await replay.getByLabel('Speed').selectOption('60');
    await replay.getByRole('button', { name: 'Play' }).click();
    // At the end the replay stops by itself, where the device last was.
    await replay.getByRole('button', { name: 'Play' }).waitFor({ timeout: 10_000 });
    expect(Number(await replayMarker.getAttribute('data-lon'))).toBeCloseTo(onRoad.lon, 5);

    // The officer ends the trip: a reason is required.
    await page.getByRole('button', { name: 'Abort…' }).click();
    const abort = page.getByRole('dialog', { name: `Abort the trip ${reference}` });
    await abort.waitFor();
    await abort.getByRole('button', { name: 'Abort trip' }).click();
    await page.locator('#field-reason-error').waitFor();
    await abort.getByLabel(/^Reason/).fill('Seal opened on the New Jersey Turnpike: container held for examination at the port');
    await abort.getByRole('button', { name: 'Abort trip' }).click();
    await abort.waitFor({ state: 'hidden' });
    await heading.getByText('Aborted').waitFor();
    await timeline.locator('li[data-kind="ABORTED"]').waitFor();
    expect(await facts.textContent()).toContain('Seal opened on the New Jersey Turnpike');
    expect(await page.getByRole('button', { name: 'Abort…' }).count()).toBe(0);
    expect(kinds.length).toBeLessThan(await timeline.locator('li').count());
    expect(await timeline.locator('li').last().getAttribute('data-kind')).toBe('ABORTED');
    await map.and(page.locator('[data-state="idle"]')).waitFor({ timeout: 60_000 });
    await screenshot(page, 'officer-trip-aborted');

    // Ended, the trip leaves the monitoring map; the page fits a tablet held upright.
    await page.setViewportSize({ width: 768, height: 1024 });
    await navigate(page, 'Monitoring', /^\/monitoring$/);
    await page.getByRole('heading', { name: /^Trips under way \(\d+\)$/ }).waitFor();
    expect(await page.locator(`li[data-trip-id="${tripId}"]`).count()).toBe(0);
    expect(await page.locator(`.trip-marker[data-trip-id="${tripId}"]`).count()).toBe(0);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'))).toBeLessThanOrEqual(0);
    await map.and(page.locator('[data-basemap="ready"][data-state="idle"]')).waitFor({ timeout: 60_000 });
    await screenshot(page, 'tablet-768-monitoring');
    expect(officer.problems()).toEqual([]);
  }, 240_000);

  it('a trader reads the custody record of a trip completed at the destination gate, and anyone verifies it by its link', async () => {
    // Another e-seal of FTZ1's on the same container: armed at the quay, opened at FTZ1's in-gate 25 minutes later.
    const deviceId = 'ESEAL-BR-0043';
    const officerApi = await server.api('officer');
    const registered = await server.t.admin.post('/api/v1/devices', { deviceId, type: 'E_SEAL', zoneId: ftz1.id });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const t0 = Date.now() - 30 * 60_000;
    const planned = await officerApi.post('/api/v1/trips', {
      declarationId: declaration.id,
      deviceId,
      containerNumber,
      originGateId: quay.id,
      destinationGateId: inGate.id,
      corridor: { type: 'route', line: [[quay.longitude, quay.latitude], [inGate.longitude, inGate.latitude]], widthMeters: 1000 },
      window: { departFrom: new Date(t0 - 60_000).toISOString(), arriveBy: new Date(t0 + 3 * 3_600_000).toISOString() },
    });
    expect(planned.status, JSON.stringify(planned.body)).toBe(201);
    const { id: tripId, reference } = planned.body as { id: string; reference: string };
    const position = (at: number, point: { lat: number; lon: number }, speed: number) => ({ type: 'position', time: new Date(at).toISOString(), ...point, speed });
    const reported = await seal.post('/api/v1/telemetry', {
      deviceId,
      messages: [
        position(t0, { lat: quay.latitude, lon: quay.longitude }, 0),
        { type: 'seal', time: new Date(t0 + 10_000).toISOString(), state: 'SEALED' },
        ...[0.25, 0.5, 0.75].map((share, i) => position(t0 + (i + 1) * 6 * 60_000, along(quay, inGate, share), 40)),
        position(t0 + 25 * 60_000, { lat: inGate.latitude, lon: inGate.longitude }, 0),
        { type: 'seal', time: new Date(t0 + 25 * 60_000 + 10_000).toISOString(), state: 'OPENED' },
      ],
    });
    expect(reported.status, JSON.stringify(reported.body)).toBe(202);
    expect((await officerApi.get(`/api/v1/trips/${tripId}`)).body.status).toBe('COMPLETED');
    // What the server's schedule does within seconds of a completion.
    await server.t.ctx.credentials.issuePendingCustodyRecords();

    const trader = await openPage(browser, LAPTOP);
    pages.push(trader);
    const { page } = trader;
    await signIn(page, server.url, 'trader.bayridge', server.password('trader.bayridge'));
    await page.goto(`${server.url}/trips/${tripId}`);
    const section = page.locator('#trip-documents');
    const record = section.getByRole('list', { name: 'Custody records' }).locator('li.document');
    await record.waitFor();
    expect(await record.count()).toBe(1);
    expect(await record.textContent()).toContain('Trip custody record');
    expect(await record.textContent()).toContain('In force');
    expect(await record.textContent()).toContain('by Cordon');
    // Issued already: the trader is not offered another.
    expect(await section.getByRole('button', { name: 'Issue custody record' }).count()).toBe(0);
    await screenshot(page, 'trader-trip-custody-record');

    await record.getByRole('link', { name: 'Verification page' }).click();
    const verdict = page.locator('.verdict');
    await verdict.getByRole('heading', { name: 'VALID', exact: true }).waitFor();
    const contents = (await page.locator('main').textContent()) ?? '';
    expect(contents).toContain(reference);
    expect(contents).toContain(containerNumber);
    expect(contents).toContain(deviceId);
    expect(contents).toContain('Seal opened at the destination gate');
    expect(contents).toContain('Intact all the way');
    await screenshot(page, 'verify-trip-custody-record');
    expect(trader.problems()).toEqual([]);
  }, 120_000);

  it('keeps a trader off the monitoring map', async () => {
    const trader = await openPage(browser, LAPTOP);
    pages.push(trader);
    await signIn(trader.page, server.url, 'trader.bayridge', server.password('trader.bayridge'));
    await trader.page.goto(`${server.url}/monitoring`);
    await trader.page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(trader.problems()).toEqual([]);
  }, 60_000);
});
