// The transparency log in the console, against a real server holding the demo's month of records:
// an auditor signs a checkpoint, copies its note from the page and audits the log against it (all
// match); a book movement then changed behind Cordon's back in the database is named by the next
// audit, field by field, and the audit passes again once it is put back. A trader downloads a
// book's proof bundle, which verifies offline with the published key. Staff who only read see the
// log without its actions; traders are kept off it. Screenshots go to test-results/screenshots.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { verifyBookBundle, type BookBundleFile } from '../../src/proof/bundle.ts';
import type { ApiClient } from '../support/test-app.ts';
import { launchBrowser, openPage, screenshot, signIn, type WatchedPage } from './support/browser.ts';
import { startConsoleServer, type ConsoleServer } from './support/console-server.ts';

interface BookRef {
  id: string;
  code: string;
}

/** Every page the main navigation offers, those under "More" or "Menu" included. */
async function navLabels(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.locator('.nav-more-button').click();
  await nav.locator('#nav-more-list a').first().waitFor();
  const labels = await nav.getByRole('link').allTextContents();
  await page.keyboard.press('Escape');
  return labels;
}

/** Follows an entry under "More" (or "Menu" when the bar is narrow). */
async function openFromMore(page: Page, name: string, path: RegExp): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.locator('.nav-more-button').click();
  await nav.locator('#nav-more-list').getByRole('link', { name }).click();
  await page.waitForURL((url) => path.test(url.pathname));
}

describe('the transparency log in the console', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let officerApi: ApiClient;
  let traderApi: ApiClient;
  /** A book of Bay Ridge Apparel that the demo's declarations posted movements to. */
  let book: BookRef;
  const pages: WatchedPage[] = [];
  const open = async () => {
    const watched = await openPage(browser);
    pages.push(watched);
    return watched;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    [officerApi, traderApi] = await Promise.all([server.api('officer'), server.api('trader.bayridge')]);
    const books = (await traderApi.get('/api/v1/books?limit=50')).body.items as BookRef[];
    for (const candidate of books) {
      const movements = (await traderApi.get(`/api/v1/books/${candidate.id}/movements?limit=1`)).body.items as unknown[];
      if (movements.length > 0) {
        book = candidate;
        break;
      }
    }
    if (!book) throw new Error('the demo posted no movement to a book of Bay Ridge Apparel');
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an auditor signs a checkpoint, keeps its note, and the audit finds a movement changed in the database', async () => {
    const auditor = await open();
    const { page, context } = auditor;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signIn(page, server.url, 'auditor', server.password('auditor'));
    await openFromMore(page, 'Transparency log', /^\/transparency$/);
    await page.getByRole('heading', { level: 1, name: 'Transparency log' }).waitFor();
    expect(await page.locator('.section-intro').first().textContent()).toContain('Every book movement, declaration step, gate decision, alert and inspection outcome');
    const note = page.getByRole('textbox', { name: 'Signed checkpoint', exact: true });
    await expect.poll(() => note.inputValue()).toMatch(/\n\d+\n/);
    const sizeBefore = Number(/\n(\d+)\n/.exec(await note.inputValue())?.[1]);

    // An officer corrects a lot of the book: a new movement, so a new leaf for the next checkpoint.
    const lots = (await officerApi.get(`/api/v1/books/${book.id}/lots?open=true&limit=1`)).body.items as Array<{ id: string }>;
    const lot = lots[0];
    if (!lot) throw new Error(`book ${book.code} has no open lot`);
    const adjusted = await officerApi.post(`/api/v1/books/${book.id}/adjustments`, { lotId: lot.id, quantity: '2', reason: 'Two cartons found at the stocktake' });
    expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(201);
    const movementId = adjusted.body.movement.id as string;

    await page.getByRole('button', { name: 'Sign a checkpoint now' }).click();
    await page.locator('.toast').getByText(/^Checkpoint of [\d,]+ leaves signed$/).waitFor();
    const signed = (await officerApi.get('/api/v1/transparency/checkpoint')).body as { size: number; note: string };
    expect(signed.size).toBeGreaterThan(sizeBefore);
    await expect.poll(() => note.inputValue()).toBe(signed.note);
    await page.locator('#checkpoint-history').locator(`tr[data-checkpoint-size="${signed.size}"]`).waitFor();

    // The note is copied from the page, exactly, and downloaded as a text file.
    await page.getByRole('button', { name: 'Copy the signed checkpoint' }).click();
    await page.locator('#latest-checkpoint').getByText('Copied to the clipboard').waitFor();
    const copied = String(await page.evaluate('navigator.clipboard.readText()'));
    expect(copied).toBe(signed.note);
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the signed checkpoint' }).click()]);
    expect(saved.suggestedFilename()).toBe(`checkpoint-${signed.size}.txt`);
    expect(await readFile(await saved.path(), 'utf8')).toBe(signed.note);
    const vkey = (await server.t.anonymous.get('/api/v1/transparency/key')).body.vkey as string;
    expect(await page.getByRole('textbox', { name: 'Verifier key', exact: true }).inputValue()).toBe(vkey);
    await screenshot(page, 'auditor-transparency-checkpoint');

    // The audit against the kept note: the log and the records match.
    const form = page.getByRole('form', { name: 'Audit the log' });
    await form.getByLabel(/^Checkpoint you kept/).fill(copied);
    await form.getByLabel(/^Verifier key/).fill(vkey);
    await form.getByRole('button', { name: 'Run the audit' }).click();
    const result = page.getByTestId('audit-result');
    await result.and(page.locator('[data-ok="true"]')).waitFor();
    expect(await result.textContent()).toContain(`The log and the records match the checkpoint of ${signed.size.toLocaleString('en-US')} leaves.`);
    await screenshot(page, 'auditor-transparency-audit-ok');

    // Someone with access to the database rewrites the movement's quantity.
    const db = server.t.ctx.db;
    const [original] = await db.query<{ quantity: string }>('SELECT quantity::text AS quantity FROM movements WHERE id = $1', [movementId]);
    if (!original) throw new Error(`movement ${movementId} is not in the table`);
    const [changed] = await db.query<{ quantity: string }>('UPDATE movements SET quantity = quantity + 40 WHERE id = $1 RETURNING quantity::text AS quantity', [movementId]);
    if (!changed) throw new Error(`movement ${movementId} was not changed`);

    await form.getByRole('button', { name: 'Run the audit' }).click();
    await result.and(page.locator('[data-ok="false"]')).waitFor();
    const failure = (await result.textContent()) ?? '';
    expect(failure).toContain('The audit found a difference');
    expect(failure).toContain(`book.movement ${movementId}`);
    const quantityRow = result.getByRole('table', { name: 'Fields that differ' }).locator('tr[data-field="quantity"]');
    expect(await quantityRow.locator('th, td').allTextContents()).toEqual(['quantity', original.quantity, changed.quantity]);
    expect(await result.getByRole('table', { name: 'Fields that differ' }).locator('tbody tr').count()).toBe(1);
    await screenshot(page, 'auditor-transparency-audit-difference');

    // Put back as it was logged, the record matches its leaf again.
    await db.query('UPDATE movements SET quantity = $2::numeric WHERE id = $1', [movementId, original.quantity]);
    await form.getByRole('button', { name: 'Run the audit' }).click();
    await result.and(page.locator('[data-ok="true"]')).waitFor();

    expect(auditor.problems()).toEqual([]);
  }, 180_000);

  it('a trader downloads the proof bundle of a book, which verifies offline with the published key', async () => {
    const trader = await open();
    const { page } = trader;
    await signIn(page, server.url, 'trader.bayridge', server.password('trader.bayridge'));
    await page.goto(`${server.url}/books/${book.id}`);
    const bundleBar = page.getByTestId('proof-bundle');
    await bundleBar.waitFor();
    expect(await bundleBar.textContent()).toContain(`cordon log verify-bundle book-${book.code}-proofs.json --vkey <key>`);
    expect(await bundleBar.getByRole('link', { name: 'Transparency log' }).count()).toBe(0);

    const [download] = await Promise.all([page.waitForEvent('download'), bundleBar.getByRole('button', { name: 'Proof bundle' }).click()]);
    expect(download.suggestedFilename()).toBe(`book-${book.code}-proofs.json`);
    const bundle = JSON.parse(await readFile(await download.path(), 'utf8')) as BookBundleFile;
    expect(bundle.book).toEqual({ id: book.id, code: book.code });
    const shown = (await traderApi.get(`/api/v1/books/${book.id}/movements?limit=200`)).body.items as Array<{ id: string }>;
    expect(bundle.movements.length).toBeGreaterThanOrEqual(shown.length);
    const logged = new Set(bundle.movements.map((m) => (JSON.parse(m.leaf) as { id: string }).id));
    expect(shown.filter((m) => !logged.has(m.id))).toEqual([]);
    await page.locator('.toast').getByText('Proof bundle saved').waitFor();
    await screenshot(page, 'trader-book-proof-bundle');

    const published = (await server.t.anonymous.get('/api/v1/transparency/key')).body.vkey as string;
    const verdict = verifyBookBundle(bundle, published);
    expect(verdict.problems).toEqual([]);
    expect(verdict.movementsChecked).toBe(bundle.movements.length);

    expect(trader.problems()).toEqual([]);
  }, 120_000);

  it('shows an analyst the log without its actions, and keeps a trader off it', async () => {
    const analyst = await open();
    await signIn(analyst.page, server.url, 'analyst', server.password('analyst'));
    await openFromMore(analyst.page, 'Transparency log', /^\/transparency$/);
    await analyst.page.getByRole('textbox', { name: 'Signed checkpoint', exact: true }).waitFor();
    await analyst.page.locator('#checkpoint-history tbody tr').first().waitFor();
    expect(await analyst.page.getByRole('button', { name: 'Sign a checkpoint now' }).count()).toBe(0);
    expect(await analyst.page.getByRole('form', { name: 'Audit the log' }).count()).toBe(0);
    expect(analyst.problems()).toEqual([]);

    const trader = await open();
    await signIn(trader.page, server.url, 'trader.bayridge', server.password('trader.bayridge'));
    expect(await navLabels(trader.page)).not.toContain('Transparency log');
    await trader.page.goto(`${server.url}/transparency`);
    await trader.page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(trader.problems()).toEqual([]);
  }, 60_000);
});
