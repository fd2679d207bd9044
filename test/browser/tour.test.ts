// A tour of every main page as an officer and as a trader, on a laptop and on a tablet screen:
// each page loads its data without a console error, and leaves a screenshot for review in
// test-results/screenshots. Keyboard use of the shell and of the HS code search is checked on the way.
// The administration's pages (users, settings, tariff, enterprises, the stock-report upload), the
// alerts, the gate desk, the inspection queue and CCTV are shown to an administrator on a 1366×768
// laptop and a 768×1024 tablet held upright, and must fit the screen's width.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { LAPTOP, launchBrowser, openPage, screenshot, signIn, TABLET, type WatchedPage } from './support/browser.ts';
import { startConsoleServer, type ConsoleServer } from './support/console-server.ts';

interface Ids {
  redDeclaration: string;
  book: string;
  tracedLot: string;
  reconciliation: string;
}

async function findIds(server: ConsoleServer): Promise<Ids> {
  const officer = await server.api('officer');
  const red = await officer.get('/api/v1/declarations?state=ASSESSED&lane=RED&limit=1');
  const books = (await officer.get('/api/v1/books?limit=200')).body.items as Array<{ id: string; kind: string }>;
  let reconciliation: string | null = null;
  let tracedLot: string | null = null;
  let book: string | null = null;
  for (const candidate of books) {
    const reconciliations = (await officer.get(`/api/v1/books/${candidate.id}/reconciliations`)).body.items as Array<{ id: string; flaggedCount: number }>;
    const flagged = reconciliations.find((r) => r.flaggedCount > 0);
    if (flagged && !reconciliation) {
      reconciliation = flagged.id;
      book = candidate.id;
    }
    if (!tracedLot) {
      const lots = (await officer.get(`/api/v1/books/${candidate.id}/lots?limit=200`)).body.items as Array<{ id: string; sourceLotIds: string[] }>;
      tracedLot = lots.find((lot) => lot.sourceLotIds.length > 0)?.id ?? null;
    }
  }
  if (!reconciliation || !tracedLot || !book) throw new Error('the demo has no flagged reconciliation or traced lot');
  return { redDeclaration: red.body.items[0].id as string, book, tracedLot, reconciliation };
}

async function settle(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().waitFor();
  await page.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => undefined);
}

/** The page needs no sideways scrolling: wide tables scroll inside their own frame. */
async function expectFitsWidth(page: Page, name: string): Promise<void> {
  const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
  expect(overflow, `${name} is wider than the screen`).toBeLessThanOrEqual(0);
}

const ADMIN_SCREENS = [
  ['laptop-1366', { width: 1366, height: 768 }],
  ['tablet-768', { width: 768, height: 1024 }],
] as const;

describe('console tour', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let ids: Ids;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    ids = await findIds(server);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [size, viewport] of [
    ['laptop', LAPTOP],
    ['tablet', TABLET],
  ] as const) {
    it(`shows every page to an officer on a ${size}`, async () => {
      const officer: WatchedPage = await openPage(browser, viewport);
      const { page } = officer;
      await page.goto(`${server.url}/login`);
      await page.getByLabel('Username').waitFor();
      await screenshot(page, `${size}-login`);
      await signIn(page, server.url, 'officer', server.password('officer'));

      await settle(page, '[data-testid="tiles"]');
      await page.locator('#time-release canvas').first().waitFor();
      await screenshot(page, `${size}-dashboard`);

      await page.goto(`${server.url}/declarations`);
      await settle(page, 'table tbody tr');
      await screenshot(page, `${size}-declarations`);

      await page.getByLabel('Lane').selectOption('RED');
      await page.getByLabel('State').selectOption('ASSESSED');
      await expect.poll(() => page.url()).toMatch(/lane=RED.*state=ASSESSED|state=ASSESSED.*lane=RED/);
      await expect.poll(() => page.locator('table tbody tr').count()).toBeGreaterThan(0);
      await expect.poll(async () => (await page.locator('table tbody tr .lane').allTextContents()).every((text) => text.includes('RED'))).toBe(true);
      await screenshot(page, `${size}-declarations-filtered`);

      await page.goto(`${server.url}/declarations/${ids.redDeclaration}`);
      await settle(page, '.timeline li');
      await screenshot(page, `${size}-declaration`);

      await page.goto(`${server.url}/books`);
      await settle(page, 'table tbody tr');
      await screenshot(page, `${size}-books`);

      await page.goto(`${server.url}/books/${ids.book}`);
      await settle(page, 'table tbody tr');
      await screenshot(page, `${size}-book-stock`);
      // The CSV comes through the API with the session's token, as a file.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download stock (CSV)' }).click()]);
      expect(download.suggestedFilename()).toMatch(/-stock\.csv$/);
      const csv = await readFile((await download.path()) ?? '', 'utf8');
      expect(csv.split('\n').length).toBeGreaterThan(1);

      await page.getByRole('tab', { name: 'Lots' }).click();
      await settle(page, 'table tbody tr');
      await screenshot(page, `${size}-book-lots`);

      await page.getByRole('tab', { name: 'Reconciliations' }).click();
      await settle(page, 'table tbody tr');
      await screenshot(page, `${size}-book-reconciliations`);

      await page.goto(`${server.url}/reconciliations/${ids.reconciliation}`);
      await settle(page, 'tr.row-flagged');
      await screenshot(page, `${size}-reconciliation`);

      await page.goto(`${server.url}/lots/${ids.tracedLot}`);
      await settle(page, '.trace-node');
      await page.locator('.trace .trace .trace-node').first().waitFor();
      await screenshot(page, `${size}-lot-trace`);

      await page.goto(`${server.url}/alerts`);
      await settle(page, '#alerts-open h2');
      await screenshot(page, `${size}-alerts`);

      await page.goto(`${server.url}/gates`);
      await settle(page, '#held h2');
      await screenshot(page, `${size}-gate-desk`);

      await page.goto(`${server.url}/inspections`);
      await settle(page, 'table[aria-label="Inspection tasks"] tbody tr');
      await screenshot(page, `${size}-inspections`);
      await page.locator('table[aria-label="Inspection tasks"] tbody tr a').first().click();
      await settle(page, '#scans h2');
      await screenshot(page, `${size}-inspection`);

      await page.goto(`${server.url}/cctv`);
      await settle(page, 'table[aria-label="Coverage by area"] tbody tr');
      await screenshot(page, `${size}-cctv`);

      await page.goto(`${server.url}/zones`);
      await page.locator('[data-testid="map"][data-basemap="ready"][data-state="idle"]').waitFor({ timeout: 60_000 });
      await screenshot(page, `${size}-zones-map`);
      await page.getByRole('button', { name: /FTZ1/ }).click();
      await page.locator('.gate-list li').first().waitFor();
      await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 60_000 });
      await screenshot(page, `${size}-zones-map-ftz1`);

      // Keyboard: the first Tab offers to skip to the content, which then has the focus.
      await page.goto(`${server.url}/books`);
      await settle(page, 'table tbody tr');
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
      await page.keyboard.press('Enter');
      expect(await page.evaluate('document.activeElement?.id')).toBe('main');

      expect(officer.problems()).toEqual([]);
    }, 180_000);
  }

  for (const [size, viewport] of ADMIN_SCREENS) {
    it(`shows the administration's pages to an administrator on a ${size} (${viewport.width}×${viewport.height})`, async () => {
      const admin = await openPage(browser, viewport);
      const { page } = admin;
      await signIn(page, server.url, 'admin', server.password('admin'));
      const visit = async (path: string, ready: string, name: string) => {
        await page.goto(`${server.url}${path}`);
        await settle(page, ready);
        await expectFitsWidth(page, name);
        await screenshot(page, `${size}-${name}`);
      };

      // Every page is one click away: under "More" on a laptop, under "Menu" when the bar is full.
      await page.locator('.nav-more-button').click();
      await page.locator('#nav-more-list a').first().waitFor();
      await screenshot(page, `${size}-admin-menu`);
      expect(await page.locator('#nav-more-list a').allTextContents()).toEqual(
        expect.arrayContaining(['Enterprises', 'Tariff', 'Settings', 'Users and API keys']),
      );
      await page.keyboard.press('Escape');
      expect(await page.locator('#nav-more-list').count()).toBe(0);

      await visit('/alerts', '#alerts-open h2', 'alerts');
      await visit('/gates', '#held h2', 'gate-desk');
      await visit('/inspections', 'table[aria-label="Inspection tasks"] tbody tr', 'inspections');
      await visit('/cctv', 'table[aria-label="Coverage by area"] tbody tr', 'cctv');

      await visit('/users', 'table[aria-label="Users"] tbody tr', 'users');
      await page.getByRole('button', { name: 'New user' }).click();
      await page.getByRole('dialog', { name: 'New user' }).waitFor();
      await screenshot(page, `${size}-users-new`);
      await page.keyboard.press('Escape');

      await visit('/settings', 'form[aria-label="Administration"] input', 'settings');
      await visit('/settings?tab=selectivity', 'table[aria-label="Selectivity rules"] tbody tr', 'settings-selectivity');
      await page.getByRole('button', { name: /^Change the rule/ }).first().click();
      await page.getByRole('dialog', { name: /Change the rule/ }).waitFor();
      await screenshot(page, `${size}-settings-rule`);
      await page.keyboard.press('Escape');
      await visit('/settings?tab=reconciliation', 'form[aria-label="Reconciliation thresholds"] input', 'settings-reconciliation');
      await visit('/settings?tab=excise', 'form[aria-label="Excise"] select', 'settings-excise');
      await visit('/settings?tab=exchange-rates', 'table[aria-label="Exchange rates"]', 'settings-exchange-rates');

      // The tariff: words find the subheading, which shows its national lines and rates.
      await visit('/tariff', '#tariff-search-input', 'tariff');
      await page.getByLabel('HS code or words').fill('smartphones');
      await page.getByRole('list', { name: 'HS codes found' }).getByRole('button', { name: /8517\.13/ }).click();
      await settle(page, 'table[aria-label^="National tariff lines"] tbody tr');
      expect(page.url()).toMatch(/code=851713/);
      await expectFitsWidth(page, 'tariff-lines');
      await screenshot(page, `${size}-tariff-lines`);

      await visit('/enterprises', 'table[aria-label="Enterprises"] tbody tr', 'enterprises');
      await page.locator('table[aria-label="Enterprises"] tbody tr a').first().click();
      await settle(page, 'table[aria-label="Items"] tbody tr');
      await page.locator('#enterprise-history .timeline li').first().waitFor();
      await expectFitsWidth(page, 'enterprise');
      await screenshot(page, `${size}-enterprise`);

      await visit(`/books/${ids.book}`, 'table tbody tr', 'book-stock-admin');
      await page.getByRole('button', { name: 'Upload stock report' }).click();
      await page.getByRole('dialog', { name: 'Upload a stock report' }).waitFor();
      await screenshot(page, `${size}-book-stock-report-upload`);
      await page.keyboard.press('Escape');
      // The dialog gives the focus back to the button that opened it.
      expect(await page.evaluate('document.activeElement?.textContent')).toBe('Upload stock report');

      expect(admin.problems()).toEqual([]);
    }, 180_000);
  }

  it('shows a trader its own declarations and a form whose HS search works from the keyboard', async () => {
    const trader = await openPage(browser, LAPTOP);
    const { page } = trader;
    await signIn(page, server.url, 'trader.meridian', server.password('trader.meridian'));
    await settle(page, '[data-testid="tiles"]');
    await screenshot(page, 'trader-dashboard');

    await page.goto(`${server.url}/declarations`);
    await settle(page, 'table tbody tr');
    // A trader's list has no enterprise column: every row is its own.
    expect(await page.locator('table thead th', { hasText: 'Enterprise' }).count()).toBe(0);
    await screenshot(page, 'trader-declarations');

    await page.goto(`${server.url}/declarations/new`);
    const hs = page.locator('#field-lines-0-hsCode');
    await hs.fill('printed circuits');
    await page.getByRole('listbox', { name: 'HS codes' }).getByRole('option').first().waitFor();
    await page.evaluate("document.querySelector('#field-lines-0-hsCode').scrollIntoView({ block: 'center' })");
    await screenshot(page, 'trader-declaration-form-hs-search');
    await hs.press('ArrowDown');
    await hs.press('Enter');
    await expect.poll(() => hs.inputValue()).toMatch(/^\d{6}$/);
    await page.locator('#field-lines-0-hsCode-hint').filter({ hasText: /circuit/i }).waitFor();
    await screenshot(page, 'trader-declaration-form');

    await page.goto(`${server.url}/books`);
    await settle(page, 'table tbody tr');
    await screenshot(page, 'trader-books');

    // "Your enterprise" is the enterprise's own page, with its books and items.
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('link', { name: 'Your enterprise' }).click();
    await settle(page, 'table[aria-label="Items"] tbody tr');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Meridian');
    expect(await page.getByRole('button', { name: 'Change AEO status' }).count()).toBe(0);
    await screenshot(page, 'trader-enterprise');

    // An enterprise user has no zone to choose: it sees its own enterprise.
    expect(await page.getByLabel('Zone shown').count()).toBe(0);
    // Signing out ends the session: the console asks for a sign-in again, even on a reload.
    await page.getByRole('button', { name: /Anita Kowalski/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${server.url}/declarations`);
    await page.waitForURL(/\/login$/);
    expect(trader.problems()).toEqual([]);
  }, 120_000);
});
