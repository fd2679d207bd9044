// CCTV in the console, against a real server whose camera system posts snapshots through a zone
// operator's API key: the operator of FTZ1 registers a camera over a warehouse (a bad code refused
// at the code field first); the coverage report of the last 6 hours then lists that warehouse, and
// once its camera has sent nothing for hours, shows the gap. An officer keeps the camera's
// snapshots of a period with a hold; neither role is offered what the other does.
// Screenshots go to test-results/screenshots.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ApiClient } from '../support/test-app.ts';
import { LAPTOP, launchBrowser, openPage, screenshot, signIn, type WatchedPage } from './support/browser.ts';
import { startConsoleServer, type ConsoleServer } from './support/console-server.ts';

const HOUR = 3_600_000;
const CODE = 'CAM-WH-7';

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

/** "2025-11-27T08:05" as a datetime-local field of a browser on UTC takes it. */
const localInput = (at: Date) => at.toISOString().slice(0, 16);

describe('CCTV in the console', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let operatorApi: ApiClient;
  let cameraSystem: ApiClient;
  let zone: { id: string; code: string };
  let book: { id: string; code: string; enterpriseId: string };
  let enterpriseName: string;
  let snapshotAt: Date;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    operatorApi = await server.api('operator.fz1');
    const zones = (await operatorApi.get('/api/v1/zones')).body.items as Array<{ id: string; code: string }>;
    const ftz1 = zones.find((z) => z.code === 'FTZ1');
    if (!ftz1) throw new Error('the demo has no FTZ1');
    zone = ftz1;
    // A warehouse of the zone that no camera watches yet.
    const cameras = (await operatorApi.get(`/api/v1/cameras?zoneId=${zone.id}&limit=200`)).body.items as Array<{ bookId: string | null }>;
    const watched = new Set(cameras.map((camera) => camera.bookId));
    const books = (await operatorApi.get(`/api/v1/books?zoneId=${zone.id}&active=true&limit=200`)).body.items as Array<{ id: string; code: string; enterpriseId: string }>;
    const unwatched = books.find((candidate) => !watched.has(candidate.id));
    if (!unwatched) throw new Error('every book of FTZ1 has a camera');
    book = unwatched;
    enterpriseName = (await operatorApi.get(`/api/v1/enterprises/${book.enterpriseId}`)).body.name as string;
    // The operator's camera system, with the one scope it needs.
    const key = await server.t.admin.post('/api/v1/api-keys', { name: 'FTZ1 camera system', role: 'zone_operator', zoneIds: [zone.id], scopes: ['cctv:write'] });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    cameraSystem = server.t.client(key.body.key as string);
    // Loading the demo's month of traffic takes a while on a busy machine.
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a zone operator registers a camera over a warehouse, and the coverage report shows its gap', async () => {
    const operator = await openPage(browser, LAPTOP);
    pages.push(operator);
    operator.allowHttpError(400, '/api/v1/cameras');
    const { page } = operator;
    await signIn(page, server.url, 'operator.fz1', server.password('operator.fz1'));
    await navigate(page, 'CCTV', /^\/cctv$/);
    const coverage = page.locator('#coverage');
    await coverage.getByRole('table', { name: 'Coverage by area' }).waitFor();
    expect(await coverage.locator('h2').textContent()).toMatch(/^Coverage \(\d+ areas?, \d+ with gaps\)$/);
    expect(await page.getByRole('form', { name: 'Coverage period' }).getByLabel('Period').inputValue()).toBe('6');
    // An operator neither holds evidence nor sets the policy.
    expect(await page.getByRole('button', { name: /^Place a hold/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Change the policy' }).count()).toBe(0);
    await page.locator('#policy').getByText('every 15 min').waitFor();

    // Escape closes the form and gives the focus back to the button that opened it.
    const register = page.getByRole('button', { name: 'Register a camera' });
    await register.click();
    const dialog = page.getByRole('dialog', { name: 'Register a camera' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Register a camera');
    await register.click();
    await dialog.waitFor();
    // The operator works in one zone: it is chosen already.
    expect(await dialog.getByLabel(/^Zone/).inputValue()).toBe(zone.id);
    await dialog.getByLabel(/^Code/).fill('cam wh 7');
    await dialog.getByLabel(/^Name/).fill('Bonded store: loading bay camera');
    await dialog.getByLabel(/^Area watched/).selectOption('WAREHOUSE');
    const bookSelect = dialog.getByLabel(/^Account book/);
    await bookSelect.locator(`option[value="${book.id}"]`).waitFor({ state: 'attached' });
    await bookSelect.selectOption(book.id);
    await dialog.getByLabel(/^Latitude/).fill('40.6655');
    await dialog.getByLabel(/^Longitude/).fill('-74.0818');
    await dialog.getByRole('button', { name: 'Register camera' }).click();
    await page.locator('#field-code-error').waitFor();
    expect(await page.locator('#field-code').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('alert').getByRole('button', { name: 'Code' }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('field-code');
    await screenshot(page, 'operator-camera-error');
    await page.locator('#field-code').fill(CODE);
    await dialog.getByRole('button', { name: 'Register camera' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = page.getByRole('table', { name: 'Cameras' }).locator(`tr[data-camera-code="${CODE}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(`Book ${book.code} · ${enterpriseName}`);
    await row.getByText('Active').waitFor();
    // The new area is watched from now: no gap yet.
    const area = coverage.locator(`tr[data-area-id="${book.id}"]`);
    await area.waitFor();
    expect(await area.textContent()).toContain(CODE);
    expect(await area.textContent()).toContain('None');

    // Its camera system sent one snapshot seven hours ago, and nothing since.
    snapshotAt = new Date(Math.floor((Date.now() - 7 * HOUR) / 60_000) * 60_000);
    const registered = (await operatorApi.get(`/api/v1/cameras?zoneId=${zone.id}&limit=200`)).body.items as Array<{ id: string; code: string }>;
    const camera = registered.find((c) => c.code === CODE);
    if (!camera) throw new Error('the camera was not registered');
    const storageUri = `s3://ftz1-cctv/${CODE.toLowerCase()}/${snapshotAt.toISOString()}.jpg`;
    const sent = await cameraSystem.post('/api/v1/cctv/snapshots', {
      snapshots: [{ cameraId: camera.id, capturedAt: snapshotAt.toISOString(), imageSha256: createHash('sha256').update(storageUri).digest('hex'), storageUri }],
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);

    await page.getByRole('form', { name: 'Coverage period' }).getByRole('button', { name: 'Refresh' }).click();
    const gaps = area.getByRole('list', { name: /^Gaps of / });
    await gaps.waitFor();
    expect(await gaps.locator('li').count()).toBe(1);
    expect(await area.getAttribute('class')).toContain('row-flagged');
    // The gap runs from that snapshot, before the period, with none in the period.
    const from = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(snapshotAt);
    expect(await gaps.textContent()).toContain(from);
    expect((await area.locator('td').nth(2).textContent())?.trim()).toBe('0');
    expect(await area.textContent()).toContain('Every 60 min');
    expect(await coverage.locator('h2').textContent()).toMatch(/[1-9]\d* with gaps/);
    await area.scrollIntoViewIfNeeded();
    await screenshot(page, 'operator-cctv-coverage-gap');

    const report = (await operatorApi.get(`/api/v1/cctv/coverage?zoneId=${zone.id}&from=${new Date(Date.now() - 6 * HOUR).toISOString()}&to=${new Date().toISOString()}`)).body;
    const stored = report.areas.find((a: { areaId: string }) => a.areaId === book.id);
    expect(stored).toMatchObject({ areaKind: 'WAREHOUSE', snapshots: 0, requiredIntervalMinutes: 60 });
    expect(stored.gaps).toHaveLength(1);
    expect(stored.gaps[0].from).toBe(snapshotAt.toISOString());

    // The page fits a tablet held upright.
    await page.setViewportSize({ width: 768, height: 1024 });
    expect(Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'))).toBeLessThanOrEqual(0);
    await screenshot(page, 'tablet-768-cctv');

    expect(operator.problems()).toEqual([]);
  }, 180_000);

  it("an officer keeps a camera's snapshots of a period with a hold", async () => {
    const officer = await openPage(browser, LAPTOP);
    pages.push(officer);
    const { page } = officer;
    await signIn(page, server.url, 'officer', server.password('officer'));
    await page.goto(`${server.url}/cctv`);
    const row = page.getByRole('table', { name: 'Cameras' }).locator(`tr[data-camera-code="${CODE}"]`);
    await row.waitFor();
    expect(await page.getByRole('button', { name: 'Register a camera' }).count()).toBe(0);
    expect(await row.getByRole('button', { name: `Change camera ${CODE}` }).count()).toBe(0);

    await row.getByRole('button', { name: `Place a hold on the snapshots of ${CODE}` }).click();
    const dialog = page.getByRole('dialog', { name: `Keep the snapshots of ${CODE}` });
    await dialog.waitFor();
    await dialog.getByLabel(/^From/).fill(localInput(new Date(snapshotAt.getTime() - HOUR)));
    await dialog.getByLabel(/^To/).fill(localInput(new Date(snapshotAt.getTime() + HOUR)));
    await dialog.getByLabel(/^Reason/).fill('Suspected diversion of bonded goods: keep the loading bay footage for the investigation');
    await screenshot(page, 'officer-cctv-hold');
    await dialog.getByRole('button', { name: 'Place hold' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const toast = page.getByRole('status').filter({ hasText: `Hold placed on ${CODE}` });
    await toast.waitFor();
    expect(await toast.textContent()).toContain('1 snapshot kept for 90 days');
    expect(officer.problems()).toEqual([]);
  }, 120_000);
});
