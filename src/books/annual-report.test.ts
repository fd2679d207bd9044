import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { Decimal } from 'decimal.js';
import { createTestApp, SESSIONS_OUTLAST_THE_TEST, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone } from '../../test/support/factories.ts';
import { bookOf, declareAndPass, expectStatus, line, lotsOf, setSelectivity } from './books.fixtures.ts';

type Amount = { quantity: string; value: string };
type Balances = Record<'opening' | 'receipts' | 'removals' | 'adjustments' | 'closing', Amount>;

/** opening + receipts − removals + adjustments = closing, in quantity and in value. */
function expectIdentity(row: Balances): void {
  for (const measure of ['quantity', 'value'] as const) {
    const computed = new Decimal(row.opening[measure]).plus(row.receipts[measure]).minus(row.removals[measure]).plus(row.adjustments[measure]);
    expect(computed.equals(row.closing[measure]), `${measure}: ${JSON.stringify(row)}`).toBe(true);
  }
}

describe('annual reconciliation report', () => {
  let t: TestApp;
  // The clock runs ahead of the database's, over the turn of two years.
  const year = new Date().getUTCFullYear() + 1;
  const at = (iso: string) => new Date(iso);
  let now = at(`${year}-12-30T10:00:00Z`);
  const clock = { now: () => new Date(now.getTime()) };

  let book: { id: string };
  let trader1: ApiClient;
  let trader2: ApiClient;
  let auditor: ApiClient;
  let lots: Record<string, string>;

  const phone = { partNumber: 'PHONE', hsCode: '851713', description: 'Smartphone', unit: 'H87' };
  const cover = { partNumber: 'CASE', hsCode: '420232', description: 'Phone case', unit: 'H87' };
  const cable = { partNumber: 'CABLE', hsCode: '854442', description: 'USB cable', unit: 'H87' };

  beforeAll(async () => {
    t = await createTestApp({ clock, config: SESSIONS_OUTLAST_THE_TEST });
    const zone = await createZone(t.admin);
    const e1 = await createEnterprise(t.admin, [zone.id]);
    const e2 = await createEnterprise(t.admin, [zone.id]);
    book = await bookOf(t, e1.id, zone.id);
    trader1 = await createUser(t, 'enterprise_user', { enterpriseId: e1.id });
    trader2 = await createUser(t, 'enterprise_user', { enterpriseId: e2.id });
    const officer = await createUser(t, 'customs_officer');
    auditor = await createUser(t, 'auditor');
    const operator = await createUser(t, 'zone_operator', { zoneIds: [zone.id] });
    await setSelectivity(t);
    const actors = { trader: trader1, officer, operator };
    const exportOf = (quantity: number, value: number) =>
      declareAndPass(actors, zone.id, 'EXPORT', [line(quantity, value, phone)], { destinationCountry: 'DE' });

    // The year before: 100 phones at 250 and 1000 cases at 2 come in, 10 phones leave.
    await declareAndPass(actors, zone.id, 'ADMISSION', [line(100, 25000, phone), line(1000, 2000, cover)]);
    now = at(`${year}-12-31T23:00:00Z`);
    await exportOf(10, 2500);
    // The year: 50 cables at 5 come in; 20 phones are exported, 100 cases transferred, 5 cases written off.
    now = at(`${year + 1}-01-10T09:00:00Z`);
    await declareAndPass(actors, zone.id, 'ADMISSION', [line(50, 250, cable)]);
    now = at(`${year + 1}-02-01T09:00:00Z`);
    await exportOf(20, 5000);
    await declareAndPass(actors, zone.id, 'TRANSFER', [line(100, 200, cover)], { destination: { zoneId: zone.id, enterpriseId: e2.id } });
    lots = Object.fromEntries((await lotsOf(auditor, book.id)).map((lot) => [lot.partNumber as string, lot.id]));
    expectStatus(await officer.post(`/api/v1/books/${book.id}/adjustments`, { lotId: lots.CASE, quantity: '-5', reason: 'Damaged in the warehouse' }), 201);
    // The year after: 5 more phones leave; they do not belong to the year's report.
    now = at(`${year + 2}-01-05T09:00:00Z`);
    await exportOf(5, 1250);
  });
  afterAll(() => t.close());

  it('gives each lot its opening balance, receipts, removals, adjustments and closing balance, and the identity holds', async () => {
    const response = await auditor.get(`/api/v1/books/${book.id}/annual-report?year=${year + 1}`);
    expectStatus(response, 200);
    const report = response.body;
    expect(report).toMatchObject({ bookId: book.id, year: year + 1, from: `${year + 1}-01-01`, to: `${year + 1}-12-31` });
    const byPart = Object.fromEntries(report.lots.map((lot: { partNumber: string }) => [lot.partNumber, lot]));
    expect(Object.keys(byPart).sort()).toEqual(['CABLE', 'CASE', 'PHONE']);
    expect(byPart.PHONE).toMatchObject({
      lotId: lots.PHONE,
      customsStatus: 'FOREIGN',
      unit: 'H87',
      currency: 'USD',
      opening: { quantity: '90', value: '22500.00' },
      receipts: { quantity: '0', value: '0.00' },
      removals: { quantity: '20', value: '5000.00' },
      adjustments: { quantity: '0', value: '0.00' },
      closing: { quantity: '70', value: '17500.00' },
      balanced: true,
    });
    expect(byPart.CASE).toMatchObject({
      opening: { quantity: '1000', value: '2000.00' },
      removals: { quantity: '100', value: '200.00' },
      adjustments: { quantity: '-5', value: '-10.00' },
      closing: { quantity: '895', value: '1790.00' },
    });
    expect(byPart.CABLE).toMatchObject({
      opening: { quantity: '0', value: '0.00' },
      receipts: { quantity: '50', value: '250.00' },
      closing: { quantity: '50', value: '250.00' },
    });
    for (const lot of report.lots) expectIdentity(lot);
    expect(report.totals).toEqual([
      {
        unit: 'H87',
        currency: 'USD',
        lotCount: 3,
        opening: { quantity: '1090', value: '24500.00' },
        receipts: { quantity: '50', value: '250.00' },
        removals: { quantity: '120', value: '5200.00' },
        adjustments: { quantity: '-5', value: '-10.00' },
        closing: { quantity: '1015', value: '19540.00' },
      },
    ]);
    expectIdentity(report.totals[0]);
  });

  it('reports the year before from nothing, leaving out lots that did not exist yet', async () => {
    const response = await trader1.get(`/api/v1/books/${book.id}/annual-report?year=${year}`);
    expectStatus(response, 200);
    expect(response.body.lots.map((lot: { partNumber: string; opening: Amount; receipts: Amount; removals: Amount; closing: Amount }) => [
      lot.partNumber,
      lot.opening.quantity,
      lot.receipts.quantity,
      lot.removals.quantity,
      lot.closing.quantity,
    ])).toEqual([
      ['PHONE', '0', '100', '10', '90'],
      ['CASE', '0', '1000', '0', '1000'],
    ]);
    for (const lot of response.body.lots) expectIdentity(lot);
  });

  it('exports the report as CSV, one row per lot and one per total', async () => {
    const response = await trader1.get(`/api/v1/books/${book.id}/annual-report?year=${year + 1}&format=csv`);
    expectStatus(response, 200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = parse<Record<string, string>>(response.body as string, { columns: true });
    expect(rows.map((row) => row.lotNumber === 'TOTAL' ? 'TOTAL' : row.partNumber)).toEqual(['PHONE', 'CASE', 'CABLE', 'TOTAL']);
    for (const row of rows) {
      const amount = (part: string): Amount => ({ quantity: row[`${part}Quantity`] as string, value: row[`${part}Value`] as string });
      expectIdentity({ opening: amount('opening'), receipts: amount('receipts'), removals: amount('removals'), adjustments: amount('adjustments'), closing: amount('closing') });
    }
    expect(rows[3]).toMatchObject({ unit: 'H87', currency: 'USD', closingQuantity: '1015', closingValue: '19540.00' });
  });

  it('is for those who may see the book, and for years that have begun', async () => {
    expectStatus(await trader2.get(`/api/v1/books/${book.id}/annual-report?year=${year + 1}`), 404);
    const future = await auditor.get(`/api/v1/books/${book.id}/annual-report?year=${year + 3}`);
    expectStatus(future, 400);
    expect(future.body.error.details).toEqual([{ path: '/querystring/year', message: `must not be after ${year + 2}` }]);
    const missing = await auditor.get(`/api/v1/books/${book.id}/annual-report`);
    expectStatus(missing, 400);
    expect(missing.body.error.details).toEqual([{ path: '/querystring/year', message: 'is required' }]);
  });
});
