// Inspections in the console, against a real server: an officer takes a RED declaration's scan task
// from the queue, starts it, uploads the X-ray image (a file that is no image refused with 415 and
// one too large with 413, each said at the file's field), sees the image, records a SUSPECT
// reading and a finding that corrects a line's quantity (refused first without a note, at the
// note), and releases with corrections; the declaration's page then shows the new version. A trader
// is offered no inspection page. Screenshots go to test-results/screenshots.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { containerCheckDigit } from '../../src/reference/validators.ts';
import type { ApiClient } from '../support/test-app.ts';
import { LAPTOP, launchBrowser, openPage, screenshot, signIn, type WatchedPage } from './support/browser.ts';
import { startConsoleServer, type ConsoleServer } from './support/console-server.ts';

/** A container number of an owner code the demo never uses, with its ISO 6346 check digit. */
function container(serial: number): string {
  const base = `ZINU${String(serial).padStart(6, '0')}`;
  return `${base}${containerCheckDigit(base)}`;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real greyscale PNG the browser draws: dark cargo with a bright block, as an X-ray shows it. */
function xrayPng(width = 160, height = 96): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(width + 1);
    for (let x = 0; x < width; x++) row[x + 1] = x > 90 && x < 130 && y > 30 && y < 70 ? 235 : 40 + ((x * 3 + y * 5) % 60);
    rows.push(row);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(Buffer.concat(rows))), pngChunk('IEND', Buffer.alloc(0))]);
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

describe('inspections in the console', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let officerApi: ApiClient;
  let traderApi: ApiClient;
  const pages: WatchedPage[] = [];
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'cordon-scans-'));
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    [officerApi, traderApi] = await Promise.all([server.api('officer'), server.api('trader.meridian')]);
    // Loading the demo's month of traffic takes a while on a busy machine.
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('an officer takes a RED scan task, reads the X-ray, corrects a quantity and releases with corrections', async () => {
    const zones = (await officerApi.get('/api/v1/zones')).body.items as Array<{ id: string; code: string }>;
    const zone = zones.find((z) => z.code === 'FTZ49');
    if (!zone) throw new Error('the demo has no FTZ49');
    const containerNumber = container(730001);
    // High-value phones go to the RED lane; in a container, the task is a non-intrusive scan.
    const submitted = await traderApi.post('/api/v1/declarations', {
      type: 'ADMISSION',
      zoneId: zone.id,
      currency: 'USD',
      transport: { mode: 'SEA', vesselOrFlight: 'MSC AURORA', containers: [containerNumber], seals: ['ZI-730001'] },
      lines: [
        { hsCode: '851713', description: 'Smartphones, 6.5-inch, 5G', originCountry: 'VN', quantity: '1500', unit: 'H87', netMass: '315', grossMass: '560', customsValue: '300000.00' },
        { hsCode: '850760', description: 'Lithium-ion battery packs, 5000 mAh', originCountry: 'CN', quantity: '2000', unit: 'H87', netMass: '170', grossMass: '240', customsValue: '16000.00' },
      ],
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.body).toMatchObject({ state: 'ASSESSED', lane: 'RED', version: 1 });
    const declaration = { id: submitted.body.id as string, reference: submitted.body.reference as string };
    const tasks = (await officerApi.get(`/api/v1/inspections?declarationId=${declaration.id}`)).body.items as Array<{ id: string; kind: string; status: string }>;
    expect(tasks).toHaveLength(1);
    const task = tasks[0] as { id: string; kind: string; status: string };
    expect(task).toMatchObject({ kind: 'NON_INTRUSIVE_SCAN', status: 'OPEN' });

    const officer = await openPage(browser, LAPTOP);
    pages.push(officer);
    officer.allowHttpError(415, '/scans');
    officer.allowHttpError(413, '/scans');
    officer.allowHttpError(400, '/findings');
    const { page } = officer;
    await signIn(page, server.url, 'officer', server.password('officer'));

    // The queue opens on the waiting tasks; the officer takes this one.
    await navigate(page, 'Inspections', /^\/inspections$/);
    const row = page.locator(`tr[data-task-id="${task.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Non-intrusive scan');
    expect(await row.textContent()).toContain('Nobody yet');
    await row.getByText('RED').waitFor();
    await screenshot(page, 'officer-inspections-queue');
    await row.getByRole('button', { name: `Take ${declaration.reference}` }).click();
    await row.getByText('You', { exact: true }).waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    // "Me" lists the officer's own tasks, this one among them.
    await page.getByRole('search', { name: 'Filter inspection tasks' }).getByLabel('Assigned to').selectOption('me');
    await expect.poll(() => page.url()).toContain('assignee=me');
    await row.waitFor();

    await row.getByRole('link', { name: declaration.reference }).click();
    await page.waitForURL(new RegExp(`/inspections/${task.id}$`));
    const heading = page.getByRole('heading', { level: 1 });
    await heading.getByText('Waiting').waitFor();
    expect(await page.locator('#lines').textContent()).toContain('Smartphones, 6.5-inch, 5G');
    await page.getByRole('button', { name: 'Start inspection' }).click();
    await heading.getByText('In progress').waitFor();
    await page.locator('#declaration').getByText('Under inspection').waitFor();

    // A file that is no image is refused at the file's field, and nothing is stored.
    await page.getByRole('button', { name: 'Upload a scan' }).click();
    const upload = page.getByRole('dialog', { name: 'Upload a scan' });
    await upload.waitFor();
    await upload.getByLabel(/^Image file/).setInputFiles({ name: 'manifest.txt', mimeType: 'text/plain', buffer: Buffer.from('This is the manifest, not an image.\n') });
    await upload.getByLabel(/^Scanner/).fill('QUAY-XR-1');
    expect(await upload.getByLabel(/^Container/).inputValue()).toBe(containerNumber);
    await upload.getByRole('button', { name: 'Upload scan' }).click();
    const fileError = page.locator('#field-body-error');
    await fileError.waitFor();
    expect(await fileError.textContent()).toContain('must be a JPEG, PNG, TIFF or DICOM image');
    expect(await upload.getByRole('alert').textContent()).toContain('not an image Cordon keeps');
    await upload.getByRole('alert').getByRole('button', { name: 'Image file' }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('field-body');
    await screenshot(page, 'officer-scan-upload-wrong-type');

    // One over the upload limit is refused as too large, saying how large it is.
    const limit = server.t.ctx.config.maxUploadBytes;
    const tooLarge = Buffer.alloc(limit + 1024);
    xrayPng().copy(tooLarge);
    // From a file on disk: a buffer this large is slow to hand to the browser.
    const hugeFile = path.join(scratch, 'xray-huge.png');
    await writeFile(hugeFile, tooLarge);
    await upload.getByLabel(/^Image file/).setInputFiles(hugeFile);
    await upload.getByRole('button', { name: 'Upload scan' }).click();
    await expect.poll(async () => (await upload.getByRole('alert').textContent()) ?? '', { timeout: 30_000 }).toContain('too large for the server');
    expect(await fileError.textContent()).toContain(`must be at most ${limit} bytes`);
    expect((await officerApi.get(`/api/v1/inspections/${task.id}`)).body.scans).toEqual([]);

    await upload.getByLabel(/^Image file/).setInputFiles({ name: 'xray-zinu730001.png', mimeType: 'image/png', buffer: xrayPng() });
    await upload.getByRole('button', { name: 'Upload scan' }).click();
    await upload.waitFor({ state: 'hidden' });
    const card = page.locator('#scans article').first();
    await card.waitFor();
    expect(await card.getByRole('heading').textContent()).toContain(containerNumber);
    // The image came through the API with the session's token and is drawn.
    const image = card.getByRole('img', { name: new RegExp(`X-ray image of container ${containerNumber}`) });
    await image.waitFor();
    await expect.poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(160);

    // The analyst's reading.
    await card.getByRole('button', { name: /^Record the reading/ }).click();
    const reading = page.getByRole('dialog', { name: /^Read the X-ray image/ });
    await reading.waitFor();
    await reading.getByLabel(/^Suspect/).check();
    await reading.getByLabel(/^What you see/).fill('Dense block behind the cartons at the rear: fewer phones than declared, the rest of the space filled');
    await reading.getByRole('button', { name: 'Record reading' }).click();
    await reading.waitFor({ state: 'hidden' });
    await card.getByTestId('scan-reading').getByText('Suspect').waitFor();
    await screenshot(page, 'officer-inspection-scan');

    // A finding without a note is refused at the note; with one, it corrects line 1's quantity.
    await page.getByRole('button', { name: 'Record a finding on line 1' }).click();
    const finding = page.getByRole('dialog', { name: 'Record a finding' });
    await finding.waitFor();
    expect(await finding.getByLabel(/^Kind of finding/).inputValue()).toBe('QUANTITY');
    await finding.getByText('Declared: 1,500 H87').waitFor();
    await finding.getByLabel(/^Corrected quantity/).fill('1450');
    await finding.getByRole('button', { name: 'Record finding' }).click();
    await page.locator('#field-note-error').waitFor();
    expect(await page.locator('#field-note').getAttribute('aria-invalid')).toBe('true');
    await finding.getByRole('alert').getByRole('button', { name: 'What was found' }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('field-note');
    await page.locator('#field-note').fill('Counted 1,450 smartphones in the container; 50 cartons declared are missing');
    await finding.getByRole('button', { name: 'Record finding' }).click();
    await finding.waitFor({ state: 'hidden' });
    const findingRow = page.getByRole('table', { name: 'Findings' }).locator('tbody tr').first();
    await findingRow.waitFor();
    expect(await findingRow.textContent()).toContain('Quantity 1,450');
    expect(await findingRow.textContent()).toContain('50 cartons declared are missing');

    // Released with the corrections, after a confirmation with the reason.
    await page.getByRole('group', { name: 'Outcome' }).getByRole('button', { name: 'Release with corrections…' }).click();
    const confirm = page.getByRole('dialog', { name: `Release with corrections: ${declaration.reference}` });
    await confirm.waitFor();
    await confirm.getByLabel(/^Reason/).fill('Quantity corrected to what was counted; the rest of the goods match the declaration');
    await screenshot(page, 'officer-inspection-outcome');
    await confirm.getByRole('button', { name: 'Release with corrections' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await page.locator('#outcome').getByText('Released').waitFor();
    await heading.getByText('Release with corrections').waitFor();
    expect(await page.locator('#outcome').textContent()).toContain('Quantity corrected to what was counted');
    expect(await page.locator('#scans').getByRole('button', { name: 'Upload a scan' }).count()).toBe(0);
    await screenshot(page, 'officer-inspection-decided');

    // The task page fits a tablet held upright.
    await page.setViewportSize({ width: 768, height: 1024 });
    expect(Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'))).toBeLessThanOrEqual(0);
    await screenshot(page, 'tablet-768-inspection');
    await page.setViewportSize(LAPTOP);

    // The declaration is released in its corrected version, and leads back to its inspection.
    await page.locator('#declaration').getByRole('link', { name: 'Open the declaration' }).click();
    await page.waitForURL(new RegExp(`/declarations/${declaration.id}$`));
    await page.getByRole('heading', { level: 1 }).getByText('Released').waitFor();
    const version = page.locator('#summary dl > div').filter({ hasText: 'Version' });
    expect(await version.locator('dd').textContent()).toBe('2');
    expect(await page.locator('#lines').textContent()).toContain('1,450 H87');
    const inspections = page.getByRole('list', { name: 'Inspection tasks' });
    await inspections.getByText('Release with corrections').waitFor();
    await screenshot(page, 'officer-declaration-corrected');
    await inspections.getByRole('link', { name: 'Non-intrusive scan' }).click();
    await page.waitForURL(new RegExp(`/inspections/${task.id}$`));

    const stored = (await officerApi.get(`/api/v1/declarations/${declaration.id}`)).body;
    expect(stored).toMatchObject({ state: 'RELEASED', version: 2 });
    expect(stored.lines[0].quantity).toMatch(/^1450(\.0+)?$/);
    const decided = (await officerApi.get(`/api/v1/inspections/${task.id}`)).body;
    expect(decided).toMatchObject({ status: 'COMPLETED', outcome: 'RELEASE_WITH_CORRECTIONS', label: 'FOUND' });
    expect(decided.scans[0].reading.reading).toBe('SUSPECT');

    expect(officer.problems()).toEqual([]);
  }, 180_000);

  it('offers a trader no inspection page', async () => {
    const trader = await openPage(browser, LAPTOP);
    pages.push(trader);
    await signIn(trader.page, server.url, 'trader.meridian', server.password('trader.meridian'));
    const offered = await navLabels(trader.page);
    expect(offered).toContain('Tariff');
    expect(offered.filter((label) => /^(Inspections|CCTV)$/.test(label))).toEqual([]);
    await trader.page.goto(`${server.url}/inspections`);
    await trader.page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(trader.problems()).toEqual([]);
  }, 60_000);
});
