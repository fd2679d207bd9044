import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone } from '../../test/support/factories.ts';
import { bookOf, declareAndPass, expectStatus, line, setSelectivity } from './books.fixtures.ts';

const CSV = { 'content-type': 'text/csv' };

describe('stock reports', () => {
  let t: TestApp;
  let zone: { id: string };
  let e1: { id: string };
  let book: { id: string };
  let otherBook: { id: string };
  let trader1: ApiClient;
  let trader2: ApiClient;
  let officer: ApiClient;
  let auditor: ApiClient;
  let today: string;

  const phone = { partNumber: 'PHONE-X', hsCode: '851713', unit: 'H87', description: 'Smartphone X' };
  const reportsOf = async (bookId: string) => (await auditor.get(`/api/v1/books/${bookId}/stock-reports`)).body.items as unknown[];

  beforeAll(async () => {
    t = await createTestApp();
    zone = await createZone(t.admin);
    e1 = await createEnterprise(t.admin, [zone.id]);
    const e2 = await createEnterprise(t.admin, [zone.id]);
    book = await bookOf(t, e1.id, zone.id);
    otherBook = await bookOf(t, e2.id, zone.id);
    trader1 = await createUser(t, 'enterprise_user', { enterpriseId: e1.id });
    trader2 = await createUser(t, 'enterprise_user', { enterpriseId: e2.id });
    officer = await createUser(t, 'customs_officer');
    auditor = await createUser(t, 'auditor');
    const operator = await createUser(t, 'zone_operator', { zoneIds: [zone.id] });
    await setSelectivity(t);
    expectStatus(await trader1.post('/api/v1/items', phone), 201);
    await declareAndPass({ trader: trader1, officer, operator }, zone.id, 'ADMISSION', [line(100, 25000, { ...phone, itemId: undefined })]);
    today = new Date().toISOString().slice(0, 10);
  });
  afterAll(() => t.close());

  it('takes a JSON report, completes its lines from the catalogue and the book, and reconciles it at once', async () => {
    const response = await trader1.post(`/api/v1/books/${book.id}/stock-reports`, {
      asOf: today,
      source: 'SAP EWM',
      lines: [
        { partNumber: 'PHONE-X', quantity: '100', unit: 'H87', value: '25000' },
        { partNumber: 'CASE-9', hsCode: '420232', customsStatus: 'DOMESTIC', quantity: '12.5', unit: 'H87' },
      ],
    });
    expectStatus(response, 201);
    expect(response.body).toMatchObject({
      bookId: book.id,
      enterpriseId: e1.id,
      asOf: today,
      source: 'SAP EWM',
      format: 'JSON',
      lineCount: 2,
      latestReconciliationId: response.body.reconciliation.id,
      reconciliation: { stockReportId: response.body.id, matchedCount: 1, shortageCount: 0, overageCount: 1 },
    });
    const stored = await auditor.get(`/api/v1/stock-reports/${response.body.id}`);
    expectStatus(stored, 200);
    expect(stored.body.lines).toEqual([
      { lineNo: 1, partNumber: 'PHONE-X', hsCode: '851713', customsStatus: 'FOREIGN', quantity: '100', unit: 'H87', value: '25000' },
      { lineNo: 2, partNumber: 'CASE-9', hsCode: '420232', customsStatus: 'DOMESTIC', quantity: '12.5', unit: 'H87', value: null },
    ]);
  });

  it('takes a CSV report with its date in the query', async () => {
    const csv = 'partNumber,quantity,unit,value\r\nPHONE-X,99,H87,24750.00\r\n';
    const response = await trader1.post(`/api/v1/books/${book.id}/stock-reports?asOf=${today}&source=WMS`, csv, CSV);
    expectStatus(response, 201);
    expect(response.body).toMatchObject({ format: 'CSV', source: 'WMS', lineCount: 1, reconciliation: { shortageCount: 1 } });
    const missingDate = await trader1.post(`/api/v1/books/${book.id}/stock-reports`, csv, CSV);
    expectStatus(missingDate, 400);
    expect(missingDate.body.error.details).toEqual([{ path: '/querystring/asOf', message: 'is required with a CSV body' }]);
  });

  it('names the bad lines of a JSON report and stores nothing', async () => {
    const before = (await reportsOf(book.id)).length;
    const lines = Array.from({ length: 13 }, () => ({ partNumber: 'PHONE-X', quantity: '1', unit: 'H87' }));
    lines[12] = { partNumber: 'PHONE-X', quantity: '-1', unit: 'H87' };
    const schema = await trader1.post(`/api/v1/books/${book.id}/stock-reports`, { asOf: today, lines });
    expectStatus(schema, 400);
    expect(schema.body.error.details).toEqual([{ path: '/lines/12/quantity', message: 'has an invalid format' }]);

    lines[12] = { partNumber: 'PHONE-X', quantity: '1', unit: 'XXX' };
    lines[3] = { partNumber: 'NEVER-SEEN', quantity: '1', unit: 'H87' };
    lines[5] = { partNumber: 'PHONE-X', hsCode: '999999', quantity: '1', unit: 'H87' } as never;
    const rules = await trader1.post(`/api/v1/books/${book.id}/stock-reports`, { asOf: '2999-01-01', lines });
    expectStatus(rules, 400);
    expect(rules.body.error.details.map((d: { path: string }) => d.path)).toEqual(['/asOf', '/lines/3/hsCode', '/lines/5/hsCode', '/lines/12/unit']);
    expect(await reportsOf(book.id)).toHaveLength(before);
  });

  it('names the bad rows of a CSV report by their line in the file and stores nothing', async () => {
    const before = (await reportsOf(book.id)).length;
    const rows = Array.from({ length: 13 }, (_, index) => (index === 11 ? 'PHONE-X,851713,FOREIGN,1O,H87' : 'PHONE-X,851713,FOREIGN,1,H87'));
    const csv = `partNumber,hsCode,customsStatus,quantity,unit\n${rows.join('\n')}\nMYSTERY,,,2,H87\n`;
    const response = await trader1.post(`/api/v1/books/${book.id}/stock-reports?asOf=${today}`, csv, CSV);
    expectStatus(response, 400);
    // The header is line 1, so the twelfth row is line 13.
    expect(response.body.error.details).toEqual([{ path: '/rows/13/quantity', message: 'has an invalid format' }]);
    const unknown = await trader1.post(`/api/v1/books/${book.id}/stock-reports?asOf=${today}`, csv.replace('1O', '10'), CSV);
    expectStatus(unknown, 400);
    expect(unknown.body.error.details).toEqual([
      { path: '/rows/15/hsCode', message: 'is required: the part number is neither in the catalogue nor in the book' },
    ]);
    expect(await reportsOf(book.id)).toHaveLength(before);
  });

  it('bounds the size of a report', async () => {
    const lines = Array.from({ length: 10_001 }, () => ({ partNumber: 'P', quantity: '1', unit: 'H87' }));
    const response = await trader1.post(`/api/v1/books/${book.id}/stock-reports`, { asOf: today, lines });
    expectStatus(response, 400);
    expect(response.body.error.details).toEqual([{ path: '/lines', message: expect.stringContaining('10000') }]);
    const text = await trader1.post(`/api/v1/books/${book.id}/stock-reports?asOf=${today}`, 'x'.repeat(5 * 1024 * 1024), CSV);
    expectStatus(text, 413);
    const plain = await trader1.post(`/api/v1/books/${book.id}/stock-reports?asOf=${today}`, 'a,b', { 'content-type': 'text/plain' });
    expectStatus(plain, 415);
    // The CSV parser belongs to the upload route alone.
    expectStatus(await trader1.post('/api/v1/items', 'partNumber\nX', CSV), 415);
  });

  it('replays an upload sent twice with the same Idempotency-Key', async () => {
    const body = { asOf: today, lines: [{ partNumber: 'PHONE-X', quantity: '100', unit: 'H87' }] };
    const first = await trader1.post(`/api/v1/books/${book.id}/stock-reports`, body, { 'idempotency-key': 'upload-1' });
    const again = await trader1.post(`/api/v1/books/${book.id}/stock-reports`, body, { 'idempotency-key': 'upload-1' });
    expectStatus(again, 201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it("lets the enterprise upload to its own books only, auditors read, and keys upload with the scope", async () => {
    const body = { asOf: today, lines: [] };
    expectStatus(await trader2.post(`/api/v1/books/${book.id}/stock-reports`, body), 404);
    expectStatus(await auditor.post(`/api/v1/books/${book.id}/stock-reports`, body), 403);
    expectStatus(await officer.post(`/api/v1/books/${book.id}/stock-reports`, body), 403);
    expectStatus(await t.admin.post(`/api/v1/books/${otherBook.id}/stock-reports`, body), 201);

    const listed = await auditor.get(`/api/v1/books/${book.id}/stock-reports?limit=1`);
    expectStatus(listed, 200);
    expect(listed.body.nextCursor).toEqual(expect.any(String));
    const [latest] = listed.body.items;
    expectStatus(await trader2.get(`/api/v1/stock-reports/${latest.id}`), 404);
    expectStatus(await trader2.get(`/api/v1/books/${book.id}/stock-reports`), 404);
    expectStatus(await officer.get(`/api/v1/stock-reports/${latest.id}`), 200);

    const key = async (scopes: string[]) => {
      const created = await t.admin.post('/api/v1/api-keys', { name: `ERP ${scopes.length}`, role: 'enterprise_user', enterpriseId: e1.id, scopes });
      expectStatus(created, 201);
      return t.client(created.body.key as string);
    };
    expectStatus(await (await key([])).post(`/api/v1/books/${book.id}/stock-reports`, body), 403);
    expectStatus(await (await key(['stock-reports:write'])).post(`/api/v1/books/${book.id}/stock-reports`, body), 201);
  });
});
