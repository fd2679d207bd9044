// The administration's pages in Chromium against a real server: an administrator creates an
// enterprise user (a bad username is refused at its field, then corrected) who can then sign in;
// issues an API key shown once, and revokes it; changes the random RED share, which is still there
// after a reload, and adds an exchange rate; registers an enterprise and changes its AEO status;
// an officer is offered no Users page and is told plainly when opening its address;
// a trader uploads an ERP stock report (a bad line named by its line and column, then a good file)
// and opens the reconciliation. Screenshots go to test-results/screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, screenshot, signIn, type WatchedPage } from './support/browser.ts';
import { startConsoleServer, type ConsoleServer } from './support/console-server.ts';

describe('administration pages', () => {
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

  it('an administrator creates an enterprise user, corrected at the field the server names, who then signs in', async () => {
    const admin = await open();
    admin.allowHttpError(400, '/api/v1/users');
    const { page } = admin;
    await signIn(page, server.url, 'admin', server.password('admin'));
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users and API keys' }).click();
    await page.waitForURL(/\/users$/);
    await page.locator('table[aria-label="Users"] tbody tr').first().waitFor();

    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.waitFor();
    // Upper case and a space: the username's pattern refuses both.
    await dialog.getByLabel(/^Username/).fill('Nadia Okoro');
    await dialog.getByLabel(/^Name/).fill('Nadia Okoro (Meridian Devices)');
    await dialog.getByLabel(/^Role/).selectOption('enterprise_user');
    const enterprise = dialog.getByLabel(/^Enterprise/);
    await enterprise.selectOption({ label: (await enterprise.locator('option', { hasText: 'Meridian' }).textContent()) ?? '' });
    const password = 'harbour-crane-4417';
    await dialog.getByLabel(/^Initial password/).fill(password);
    await dialog.getByRole('button', { name: 'Create user' }).click();

    const username = page.locator('#field-user-username');
    const fieldError = page.locator('#field-user-username-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toContain('invalid format');
    expect(await username.getAttribute('aria-invalid')).toBe('true');
    // The summary names the field, and takes the user to it.
    await dialog.getByRole('alert').getByRole('button', { name: 'Username' }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('field-user-username');
    await screenshot(page, 'admin-user-form-error');

    await username.fill('nadia.okoro');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.locator('tr[data-username="nadia.okoro"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Meridian Devices');
    await screenshot(page, 'admin-users');

    // The new user signs in, in a browser of their own, and sees their enterprise's books.
    const nadia = await open();
    await signIn(nadia.page, server.url, 'nadia.okoro', password);
    await nadia.page.goto(`${server.url}/books`);
    await nadia.page.locator('table tbody tr').first().waitFor();
    expect(await nadia.page.locator('table thead th', { hasText: 'Enterprise' }).count()).toBe(0);

    expect(admin.problems()).toEqual([]);
    expect(nadia.problems()).toEqual([]);
  });

  it('an administrator creates an API key, shown once with a warning, and revokes it after confirming', async () => {
    const admin = await open();
    const { page } = admin;
    await signIn(page, server.url, 'admin', server.password('admin'));
    await page.goto(`${server.url}/users`);
    await page.getByRole('button', { name: 'New API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API key' });
    await dialog.getByLabel(/^Name/).fill('Meridian SAP EWM connector');
    const enterprise = dialog.getByLabel(/^Enterprise/);
    await enterprise.selectOption({ label: (await enterprise.locator('option', { hasText: 'Meridian' }).textContent()) ?? '' });
    await dialog.getByRole('checkbox', { name: /stock-reports:write/ }).check();
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const created = page.getByRole('dialog', { name: /API key “Meridian SAP EWM connector” created/ });
    await created.waitFor();
    await created.getByText('it is shown only this once').waitFor();
    const key = await created.getByLabel('API key').inputValue();
    expect(key).toMatch(/^cdn_k_/);
    await screenshot(page, 'admin-api-key-created');
    // The key works, within its scope.
    const reply = await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await reply.json()) as { scopes: string[] }).scopes).toEqual(['stock-reports:write']);

    await created.getByRole('button', { name: 'I have stored the key' }).click();
    const keys = page.locator('table[aria-label="API keys"]');
    const row = keys.locator('tbody tr', { hasText: 'Meridian SAP EWM connector' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Revoke Meridian SAP EWM connector' }).click();
    const confirm = page.getByRole('dialog', { name: /Revoke the key/ });
    await confirm.getByText('cannot be undone').waitFor();
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('Show revoked keys').check();
    await keys.locator('tbody tr', { hasText: 'Meridian SAP EWM connector' }).getByText('Revoked').waitFor();
    const refused = await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(refused.status).toBe(401);
    expect(admin.problems()).toEqual([]);
  });

  it('an administrator changes the random RED share, still there after a reload, and adds an exchange rate', async () => {
    const admin = await open();
    const { page } = admin;
    await signIn(page, server.url, 'admin', server.password('admin'));
    await page.goto(`${server.url}/settings`);
    await page.getByRole('tab', { name: 'Selectivity' }).click();
    const share = page.getByLabel(/Random RED share/);
    await share.waitFor();
    expect(await share.inputValue()).toBe('0');
    await share.fill('0.05');
    await page.getByText(/^5\s%$/).first().waitFor();
    await page.getByRole('button', { name: 'Save selectivity' }).click();
    await page.locator('.toast', { hasText: 'Selectivity saved' }).waitFor();

    await page.reload();
    await page.getByLabel(/Random RED share/).waitFor();
    expect(await page.getByLabel(/Random RED share/).inputValue()).toBe('0.05');
    expect(page.url()).toMatch(/tab=selectivity/);
    await screenshot(page, 'admin-settings-selectivity-saved');
    // Sent as the text typed: the server holds exactly that decimal.
    const stored = await (await server.api('admin')).get('/api/v1/administration');
    expect(stored.body.selectivity.randomRedShare).toBe('0.05');

    // An exchange rate, valid from a day, keeps every digit given.
    await page.getByRole('tab', { name: 'Exchange rates' }).click();
    const form = page.getByRole('form', { name: 'Add an exchange rate' });
    await form.getByLabel(/^Currency/).selectOption('EUR');
    await form.getByLabel(/^Valid from/).fill('2026-01-01');
    await form.getByLabel(/for one unit/).fill('1.0842000001');
    await form.getByRole('button', { name: 'Store the rate' }).click();
    const row = page.locator('table[aria-label="Exchange rates"] tbody tr', { hasText: 'EUR' });
    await row.waitFor();
    expect(await row.textContent()).toContain('1.0842000001');
    await screenshot(page, 'admin-settings-exchange-rate');
    expect(admin.problems()).toEqual([]);
  });

  it('an administrator registers an enterprise, then changes its AEO status, which its history shows', async () => {
    const admin = await open();
    admin.allowHttpError(400, '/api/v1/enterprises');
    const { page } = admin;
    await signIn(page, server.url, 'admin', server.password('admin'));
    await page.goto(`${server.url}/enterprises`);
    await page.locator('table[aria-label="Enterprises"] tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'Register an enterprise' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register an enterprise' });
    await dialog.getByLabel(/^Name/).fill('Hudson Precision Optics LLC');
    await dialog.getByLabel(/^Identifier/).fill('us-77-1234567');
    await dialog.getByRole('checkbox', { name: /FTZ49/ }).check();
    // No role chosen: the server names the field.
    await dialog.getByRole('button', { name: 'Register' }).click();
    await dialog.locator('fieldset', { hasText: 'Roles' }).locator('.field-error').waitFor();
    await dialog.getByRole('checkbox', { name: 'Manufacturer' }).check();
    await dialog.getByRole('button', { name: 'Register' }).click();
    await page.waitForURL(/\/enterprises\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: /Hudson Precision Optics/ }).waitFor();
    expect(await page.locator('h1 + .page-subtitle').textContent()).toContain('US-77-1234567');

    await page.getByRole('button', { name: 'Change AEO status' }).click();
    const aeo = page.getByRole('dialog', { name: /AEO status of/ });
    await aeo.getByLabel('AEO status').selectOption('AEO_C');
    await aeo.getByRole('button', { name: 'Change the status' }).click();
    await aeo.waitFor({ state: 'hidden' });
    await page.getByTestId('aeo-status').filter({ hasText: 'AEO-C' }).waitFor();
    const history = page.locator('#enterprise-history .timeline');
    await history.locator('li', { hasText: 'version 2' }).filter({ hasText: /AEO status: None → AEO-C/ }).waitFor();
    await screenshot(page, 'admin-enterprise-aeo-changed');
    expect(admin.problems()).toEqual([]);
  });

  it('an officer is offered no Users page, and is told plainly when opening its address', async () => {
    const officer = await open();
    const { page } = officer;
    await signIn(page, server.url, 'officer', server.password('officer'));
    await page.getByRole('button', { name: 'More' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Settings' }).waitFor();
    expect(await nav.getByRole('link', { name: /Users/ }).count()).toBe(0);

    await page.goto(`${server.url}/users`);
    await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
    expect(await page.getByTestId('not-allowed').textContent()).toContain('may not manage users');
    await screenshot(page, 'officer-users-not-allowed');
    // The settings are there to read, not to change.
    await page.goto(`${server.url}/settings`);
    await page.getByText('Read only: only administrators change these settings.').waitFor();
    expect(await page.getByRole('button', { name: /Save/ }).count()).toBe(0);
    expect(officer.problems()).toEqual([]);
  });

  it('a trader uploads a stock report: a bad line is named by line and column, a good file is reconciled', async () => {
    const trader = await open();
    trader.allowHttpError(400, '/stock-reports');
    const { page } = trader;
    const api = await server.api('trader.meridian');
    type StockLine = { kind: string; partNumber: string | null; customsStatus: string; quantity: string; unit: string };
    // A book whose stock all has part numbers: the ERP file can then give every line. The ERP knows
    // goods by part number, status and unit, so the scrap and the waste of one part are one line to it.
    let book: { id: string } | undefined;
    let lines: StockLine[] = [];
    for (const candidate of (await api.get('/api/v1/books?limit=200')).body.items as Array<{ id: string }>) {
      const stock = (await api.get(`/api/v1/books/${candidate.id}/stock`)).body.items as StockLine[];
      if (stock.length > 0 && stock.every((line) => line.partNumber)) {
        book = candidate;
        const byKey = new Map<string, StockLine>();
        for (const line of stock) {
          const key = `${line.partNumber}|${line.customsStatus}|${line.unit}`;
          const same = byKey.get(key);
          byKey.set(key, same ? { ...same, quantity: String(Number(same.quantity) + Number(line.quantity)) } : line);
        }
        lines = [...byKey.values()];
        break;
      }
    }
    const first = lines.find((line) => Number(line.quantity) >= 10);
    if (!book || !first) throw new Error('Meridian has no book of goods with part numbers');
    // The ERP counts 3 fewer of the first goods than the book holds: one shortage.
    const short = (Number(first.quantity) - 3).toString();
    const csv = (quantityOfFirst: string) =>
      ['partNumber,customsStatus,quantity,unit', ...lines.map((l) => `${l.partNumber},${l.customsStatus},${l === first ? quantityOfFirst : l.quantity},${l.unit}`)].join('\n');

    await signIn(page, server.url, 'trader.meridian', server.password('trader.meridian'));
    await page.goto(`${server.url}/books/${book.id}`);
    await page.getByRole('button', { name: 'Upload stock report' }).click();
    const dialog = page.getByRole('dialog', { name: 'Upload a stock report' });
    await dialog.waitFor();
    await dialog.getByLabel(/Stock at the end of/).fill(new Date().toISOString().slice(0, 10));
    await dialog.getByLabel(/Source/).fill('SAP EWM');

    // A unit typed into a quantity: the file names it by its line (the header is line 1).
    const badLine = lines.indexOf(first) + 2;
    await page.setInputFiles('#stock-report-file', { name: 'meridian-stock.csv', mimeType: 'text/csv', buffer: Buffer.from(csv('1200 pcs')) });
    await dialog.getByRole('button', { name: 'Upload and reconcile' }).click();
    const problem = page.getByTestId('stock-report-error');
    await problem.waitFor();
    const text = (await problem.textContent()) ?? '';
    expect(text).toContain(`Line ${badLine}, column quantity`);
    await screenshot(page, 'trader-stock-report-error');

    await page.setInputFiles('#stock-report-file', { name: 'meridian-stock.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(short)) });
    await dialog.getByRole('button', { name: 'Upload and reconcile' }).click();
    const result = page.getByRole('dialog', { name: /Stock report of .* reconciled/ });
    await result.waitFor();
    const tiles = result.getByTestId('stock-report-result');
    expect(await tiles.locator('.tile', { hasText: 'Shortages' }).locator('.tile-value').textContent()).toBe('1');
    expect(await tiles.locator('.tile', { hasText: 'Matched' }).locator('.tile-value').textContent()).toBe(String(lines.length - 1));
    await screenshot(page, 'trader-stock-report-reconciled');

    await result.getByRole('link', { name: 'Open the reconciliation' }).click();
    await page.waitForURL(/\/reconciliations\/[0-9a-f-]{36}$/);
    await page.locator('table tbody tr', { hasText: first.partNumber ?? '' }).waitFor();
    await screenshot(page, 'trader-stock-report-reconciliation');
    // The book lists it with its other reconciliations.
    await page.getByRole('link', { name: 'Back to the book' }).click();
    await page.locator('table tbody tr').first().waitFor();
    expect(trader.problems()).toEqual([]);
  });
  it('an administrator replaces the tariff schedule: a bad row is named and nothing changes, a good file is loaded', async () => {
    const admin = await open();
    admin.allowHttpError(400, '/api/v1/tariff');
    const { page } = admin;
    await signIn(page, server.url, 'admin', server.password('admin'));
    await page.goto(`${server.url}/tariff`);
    const before = (await (await server.api('admin')).get('/api/v1/tariff')).body as { sha256: string };
    const upload = page.getByRole('form', { name: 'Replace the tariff schedule' });
    const header = 'code,indent,description,units,general_rate';
    const rows = ['8517,0,"Telephone sets, including smartphones:",,', '85171300,1,Smartphones,No.,Free'];

    await page.setInputFiles('#tariff-file', { name: 'tariff.csv', mimeType: 'text/csv', buffer: Buffer.from([header, rows[0], '85171300,one,Smartphones,No.,Free'].join('\n')) });
    await upload.getByLabel('Source').fill('Browser test schedule');
    await upload.getByRole('button', { name: 'Replace the schedule' }).click();
    const problem = page.getByTestId('tariff-upload-error');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('Line 3, column indent');
    expect(((await (await server.api('admin')).get('/api/v1/tariff')).body as { sha256: string }).sha256).toBe(before.sha256);
    await screenshot(page, 'admin-tariff-upload-error');

    await page.setInputFiles('#tariff-file', { name: 'tariff.csv', mimeType: 'text/csv', buffer: Buffer.from([header, ...rows].join('\n')) });
    await upload.getByRole('button', { name: 'Replace the schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'The schedule in force is now Browser test schedule' }).waitFor();
    await page.locator('#tariff-schedule').getByText('Browser test schedule').waitFor();
    expect(admin.problems()).toEqual([]);
  });
});
