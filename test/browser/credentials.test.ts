// Verifiable documents in the console, against a real server with the demo administration: the
// exporter issues a certificate of origin for its released export from the declaration page
// (choosing each line's origin criterion), a stranger opens the verification page the QR code
// leads to and sees VALID; an officer revokes it and the same page says REVOKED; a copy of the
// document with one field changed, pasted at /verify, is INVALID. Screenshots go to
// test-results/screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ApiClient } from '../support/test-app.ts';
import { launchBrowser, openPage, screenshot, signIn, TABLET, type WatchedPage } from './support/browser.ts';
import { startConsoleServer, type ConsoleServer } from './support/console-server.ts';

describe('verifiable documents in the console', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let officerApi: ApiClient;
  let traderApi: ApiClient;
  let zoneId: string;
  const pages: WatchedPage[] = [];
  const open = async (viewport?: { width: number; height: number }) => {
    const watched = await openPage(browser, viewport);
    pages.push(watched);
    return watched;
  };

  /** Takes a declaration of Bay Ridge Apparel to RELEASED, inspecting it first if its lane asks. */
  async function release(id: string): Promise<void> {
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
  }

  /** T-shirts admitted into FTZ1 and past the gate, then exported to Germany: a released EXPORT. */
  async function releasedExport() {
    const tshirts = { partNumber: 'VC-TEE-1', hsCode: '610910', description: "Men's cotton T-shirts, knitted", originCountry: 'BD', unit: 'H87' };
    const admitted = await traderApi.post('/api/v1/declarations', {
      type: 'ADMISSION',
      zoneId,
      currency: 'USD',
      transport: { mode: 'ROAD', vehiclePlate: 'BRW8120' },
      lines: [{ ...tshirts, quantity: '1200', netMass: '216', grossMass: '240', customsValue: '3600.00' }],
    });
    expect(admitted.status, JSON.stringify(admitted.body)).toBe(201);
    await release(admitted.body.id as string);
    const completed = await server.t.admin.post(`/api/v1/declarations/${admitted.body.id as string}/decisions`, { action: 'COMPLETE' });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);

    const exported = await traderApi.post('/api/v1/declarations', {
      type: 'EXPORT',
      zoneId,
      currency: 'USD',
      destinationCountry: 'DE',
      transport: { mode: 'ROAD', vehiclePlate: 'BRW8121' },
      lines: [{ ...tshirts, quantity: '1200', netMass: '216', grossMass: '240', customsValue: '4200.00' }],
    });
    expect(exported.status, JSON.stringify(exported.body)).toBe(201);
    await release(exported.body.id as string);
    return { id: exported.body.id as string, reference: exported.body.reference as string };
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    [officerApi, traderApi] = await Promise.all([server.api('officer'), server.api('trader.bayridge')]);
    const zones = (await officerApi.get('/api/v1/zones')).body.items as Array<{ id: string; code: string }>;
    const ftz1 = zones.find((z) => z.code === 'FTZ1');
    if (!ftz1) throw new Error('the demo has no FTZ1');
    zoneId = ftz1.id;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a certificate issued by the exporter verifies VALID by its QR link, REVOKED once revoked, and a changed copy is INVALID', async () => {
    const declaration = await releasedExport();

    // The exporter asks for the certificate on its declaration's page.
    const trader = await open(TABLET);
    await signIn(trader.page, server.url, 'trader.bayridge', server.password('trader.bayridge'));
    await trader.page.goto(`${server.url}/declarations/${declaration.id}`);
    const documents = trader.page.locator('#documents');
    await documents.getByText('No document has been issued for this declaration yet.').waitFor();
    await documents.getByRole('button', { name: 'Issue certificate of origin' }).click();
    const dialog = trader.page.getByRole('dialog', { name: 'Issue a certificate of origin' });
    await dialog.waitFor();
    expect(await dialog.getByLabel(/^Importing country/).inputValue()).toBe('DE');
    await dialog.getByLabel('Line 1: origin criterion').selectOption('CTH');
    await screenshot(trader.page, 'trader-certificate-of-origin-dialog');
    await dialog.getByRole('button', { name: 'Issue certificate' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = documents.locator('li.document');
    await row.getByText('In force').waitFor();
    expect(await row.textContent()).toContain('Certificate of origin');
    const qr = row.getByRole('img', { name: 'QR code of the verification page of the certificate of origin' });
    await qr.waitFor();
    await expect.poll(() => qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    const link = await row.getAttribute('data-verification-url');
    const credentialId = await row.getAttribute('data-credential-id');
    expect(link).toMatch(new RegExp(`/verify/${credentialId}$`));
    expect(await row.textContent()).toContain(link);
    // Traders do not revoke.
    expect(await row.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
    await documents.scrollIntoViewIfNeeded();
    await screenshot(trader.page, 'trader-declaration-documents');

    // A stranger follows the QR code's link, without signing in.
    const stranger = await open();
    const verificationPath = new URL(link ?? '').pathname;
    await stranger.page.goto(`${server.url}${verificationPath}`);
    const verdict = stranger.page.locator('.verdict');
    await verdict.getByRole('heading', { name: 'VALID', exact: true }).waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('VALID');
    const contents = stranger.page.getByRole('region', { name: /^Certificate of origin for export/ });
    expect(await contents.textContent()).toContain('Bay Ridge Apparel Imports LLC');
    expect(await contents.textContent()).toContain(declaration.reference);
    const goods = contents.getByRole('table', { name: 'Goods and their origin' });
    expect(await goods.textContent()).toContain('Change of tariff heading');
    expect(await goods.textContent()).toContain('1,200 H87');
    await screenshot(stranger.page, 'public-verify-valid');

    // An officer revokes it from the declaration page.
    const officer = await open();
    await signIn(officer.page, server.url, 'officer', server.password('officer'));
    await officer.page.goto(`${server.url}/declarations/${declaration.id}`);
    const officerRow = officer.page.locator('#documents li.document');
    await officerRow.getByRole('button', { name: 'Revoke the certificate of origin' }).click();
    const revoke = officer.page.getByRole('dialog', { name: 'Revoke the certificate of origin?' });
    await revoke.waitFor();
    await revoke.getByLabel(/^Reason/).fill('Verification found the yarn of non-originating Chinese cotton; the heading rule is not met');
    await revoke.getByRole('button', { name: 'Revoke' }).click();
    await revoke.waitFor({ state: 'hidden' });
    await officerRow.getByText('Revoked', { exact: true }).waitFor();
    expect(await officerRow.textContent()).toContain('heading rule is not met');

    // The same link now says REVOKED.
    await stranger.page.reload();
    await verdict.getByRole('heading', { name: 'REVOKED', exact: true }).waitFor();
    expect(await verdict.textContent()).toContain('revoked by the issuing customs administration');
    await screenshot(stranger.page, 'public-verify-revoked');

    // A copy of a document in force with one field changed, pasted at /verify, is INVALID.
    const note = await traderApi.post('/api/v1/credentials/release-notes', { declarationId: declaration.id });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    const [header, payload, signature] = (note.body.token as string).split('.');
    const changed = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    changed.credentialSubject.lines[0].quantity = '12000';
    const tampered = [header, Buffer.from(JSON.stringify(changed)).toString('base64url'), signature].join('.');
    await stranger.page.goto(`${server.url}/verify`);
    await stranger.page.getByLabel('The document as you received it').fill(tampered);
    await stranger.page.getByRole('button', { name: 'Verify' }).click();
    await verdict.getByRole('heading', { name: 'INVALID', exact: true }).waitFor();
    expect(await verdict.textContent()).toContain('The signature does not match the content');
    await screenshot(stranger.page, 'public-verify-pasted-invalid');
    // The untouched copy is VALID.
    await stranger.page.getByLabel('The document as you received it').fill(note.body.token as string);
    await stranger.page.getByRole('button', { name: 'Verify' }).click();
    await verdict.getByRole('heading', { name: 'VALID', exact: true }).waitFor();

    for (const watched of [trader, stranger, officer]) expect(watched.problems()).toEqual([]);
  }, 180_000);
});
