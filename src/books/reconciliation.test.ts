import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestApp, SESSIONS_OUTLAST_THE_TEST, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone } from '../../test/support/factories.ts';
import { bookOf, declareAndPass, expectStatus, line, setSelectivity } from './books.fixtures.ts';

describe('reconciliation of stock reports with the books', () => {
  let t: TestApp;
  // A controlled clock ahead of the database's: goods arrive on two days, and a report as of the
  // first must not see the second day's.
  const dayMs = 86_400_000;
  const day1Start = Math.ceil(Date.now() / dayMs) * dayMs;
  const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const [day1, day2] = [dayOf(day1Start), dayOf(day1Start + dayMs)];
  let now = new Date(day1Start + 10 * 3_600_000);
  const clock = { now: () => new Date(now.getTime()) };

  let book: { id: string };
  let trader1: ApiClient;
  let trader2: ApiClient;
  let officer: ApiClient;
  let auditor: ApiClient;
  let report: { id: string; reconciliation: any };

  const phone = { partNumber: 'PHONE', hsCode: '851713', description: 'Smartphone', unit: 'H87' };
  const cover = { partNumber: 'CASE', hsCode: '420232', description: 'Phone case', unit: 'H87' };
  const cable = { partNumber: 'CABLE', hsCode: '854442', description: 'USB cable', unit: 'H87' };

  const discrepancyEvents = (reconciliationId: string) =>
    t.ctx.db.query<{ aggregate_id: string; enterprise_id: string; payload: Record<string, unknown> }>(
      `SELECT aggregate_id, enterprise_id, payload FROM outbox WHERE event_type = 'book.discrepancy' AND payload->>'reconciliationId' = $1 ORDER BY id`,
      [reconciliationId],
    );

  beforeAll(async () => {
    t = await createTestApp({ clock, config: SESSIONS_OUTLAST_THE_TEST });
    const zone = await createZone(t.admin);
    const e1 = await createEnterprise(t.admin, [zone.id]);
    const e2 = await createEnterprise(t.admin, [zone.id]);
    book = await bookOf(t, e1.id, zone.id);
    trader1 = await createUser(t, 'enterprise_user', { enterpriseId: e1.id });
    trader2 = await createUser(t, 'enterprise_user', { enterpriseId: e2.id });
    officer = await createUser(t, 'customs_officer');
    auditor = await createUser(t, 'auditor');
    const operator = await createUser(t, 'zone_operator', { zoneIds: [zone.id] });
    await setSelectivity(t);
    const actors = { trader: trader1, officer, operator };
    // Day 1: 100 phones at 250 and 100 at 300 (average 275), 1000 cases at 2, 20 cables at 5.
    await declareAndPass(actors, zone.id, 'ADMISSION', [line(100, 25000, phone), line(1000, 2000, cover), line(20, 100, cable)]);
    await declareAndPass(actors, zone.id, 'ADMISSION', [line(100, 30000, phone)]);
    // Day 2: 50 more cables.
    now = new Date(day1Start + dayMs + 9 * 3_600_000);
    await declareAndPass(actors, zone.id, 'ADMISSION', [line(50, 250, cable)]);
  });
  afterAll(() => t.close());

  it('lists shortages and overages as of the report date, valued at the average unit value, flagged over the thresholds', async () => {
    const response = await trader1.post(`/api/v1/books/${book.id}/stock-reports`, {
      asOf: day1,
      lines: [
        { partNumber: 'PHONE', quantity: '195', unit: 'H87' },
        { partNumber: 'CASE', quantity: '1003', unit: 'H87' },
        { partNumber: 'CABLE', quantity: '20', unit: 'H87' },
        { partNumber: 'GADGET', hsCode: '850760', customsStatus: 'FOREIGN', quantity: '10', unit: 'H87', value: '100' },
      ],
    });
    expectStatus(response, 201);
    report = response.body;
    const reconciliation = report.reconciliation;
    expect(reconciliation).toMatchObject({
      bookId: book.id,
      asOf: day1,
      shareThreshold: '0.01',
      valueThreshold: '1000.00',
      currency: 'USD',
      matchedCount: 1,
      shortageCount: 1,
      overageCount: 2,
      flaggedCount: 2,
      shortageValue: '1375.00',
      overageValue: '106.00',
    });
    expect(reconciliation.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'OVERAGE',
        partNumber: 'CASE',
        hsCode: '420232',
        customsStatus: 'FOREIGN',
        bookQuantity: '1000',
        reportedQuantity: '1003',
        quantity: '3',
        share: '0.003',
        unitValue: '2',
        value: '6.00',
        flagged: false,
        flagReasons: [],
      }),
      expect.objectContaining({
        kind: 'OVERAGE',
        partNumber: 'GADGET',
        itemId: null,
        bookQuantity: '0',
        quantity: '10',
        share: null,
        value: '100.00',
        flagged: true,
        flagReasons: ['NOT_IN_BOOK'],
      }),
      expect.objectContaining({
        kind: 'SHORTAGE',
        partNumber: 'PHONE',
        hsCode: '851713',
        customsStatus: 'FOREIGN',
        unit: 'H87',
        description: 'Smartphone',
        bookQuantity: '200',
        reportedQuantity: '195',
        quantity: '5',
        share: '0.025',
        unitValue: '275',
        value: '1375.00',
        currency: 'USD',
        flagged: true,
        flagReasons: ['SHARE', 'VALUE'],
      }),
    ]);
  });

  it('writes one book.discrepancy event per flagged line, with the reconciliation', async () => {
    const events = await discrepancyEvents(report.reconciliation.id);
    expect(events.map((event) => event.payload.partNumber)).toEqual(['GADGET', 'PHONE']);
    expect(events[1]).toMatchObject({
      aggregate_id: book.id,
      payload: { stockReportId: report.id, asOf: day1, kind: 'SHORTAGE', quantity: '5', value: '1375.00', flagReasons: ['SHARE', 'VALUE'] },
    });
  });

  it('takes the book as it stood at the end of the report date', async () => {
    const later = await trader1.post(`/api/v1/books/${book.id}/stock-reports`, {
      asOf: day2,
      lines: [
        { partNumber: 'PHONE', quantity: '200', unit: 'H87' },
        { partNumber: 'CASE', quantity: '1000', unit: 'H87' },
        { partNumber: 'CABLE', quantity: '20', unit: 'H87' },
      ],
    });
    expectStatus(later, 201);
    expect(later.body.reconciliation).toMatchObject({ matchedCount: 2, shortageCount: 1, flaggedCount: 1 });
    expect(later.body.reconciliation.discrepancies).toEqual([
      expect.objectContaining({ partNumber: 'CABLE', bookQuantity: '70', reportedQuantity: '20', quantity: '50', share: '0.714286' }),
    ]);
  });

  it('applies the thresholds the admin sets when a report is reconciled again', async () => {
    expectStatus(await officer.put('/api/v1/reconciliation/settings', { shareThreshold: '0.03', valueThreshold: '2000' }), 403);
    const bad = await t.admin.put('/api/v1/reconciliation/settings', { shareThreshold: '1.5', valueThreshold: '-1' });
    expectStatus(bad, 400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['/shareThreshold', '/valueThreshold']);
    const put = await t.admin.put('/api/v1/reconciliation/settings', { shareThreshold: '0.03', valueThreshold: '2000' });
    expectStatus(put, 200);
    expect(put.body).toMatchObject({ shareThreshold: '0.03', valueThreshold: '2000.00', currency: 'USD', version: 2 });
    expect((await trader1.get('/api/v1/reconciliation/settings')).body).toEqual(put.body);

    expectStatus(await auditor.post(`/api/v1/stock-reports/${report.id}/reconciliation`), 403);
    expectStatus(await trader2.post(`/api/v1/stock-reports/${report.id}/reconciliation`), 404);
    const again = await officer.post(`/api/v1/stock-reports/${report.id}/reconciliation`);
    expectStatus(again, 201);
    // 5 of 200 phones (2.5 %, 1,375) is now within the tolerance; goods the book never held are not.
    expect(again.body).toMatchObject({ shareThreshold: '0.03', valueThreshold: '2000.00', flaggedCount: 1, shortageCount: 1, overageCount: 2 });
    expect(again.body.discrepancies.find((d: { partNumber: string }) => d.partNumber === 'PHONE')).toMatchObject({ flagged: false, flagReasons: [] });
    expect((await discrepancyEvents(again.body.id)).map((event) => event.payload.partNumber)).toEqual(['GADGET']);
    expect((await auditor.get(`/api/v1/stock-reports/${report.id}`)).body.latestReconciliationId).toBe(again.body.id);

    expectStatus(await t.admin.put('/api/v1/reconciliation/settings', { shareThreshold: '0.01', valueThreshold: '1000' }), 200);
  });

  it("lists a book's reconciliations and exports one as CSV", async () => {
    const listed = await auditor.get(`/api/v1/books/${book.id}/reconciliations`);
    expectStatus(listed, 200);
    expect(listed.body.items).toHaveLength(3);
    expect(listed.body.items[2].id).toBe(report.reconciliation.id);
    const detail = await auditor.get(`/api/v1/reconciliations/${report.reconciliation.id}`);
    expectStatus(detail, 200);
    expect(detail.body).toEqual(report.reconciliation);

    const csv = await trader1.get(`/api/v1/reconciliations/${report.reconciliation.id}?format=csv`);
    expectStatus(csv, 200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="reconciliation-/);
    const rows = parse<Record<string, string>>(csv.body as string, { columns: true });
    expect(rows.map((row) => [row.kind, row.partNumber, row.quantity, row.value, row.flagged, row.flagReasons])).toEqual([
      ['OVERAGE', 'CASE', '3', '6.00', 'false', ''],
      ['OVERAGE', 'GADGET', '10', '100.00', 'true', 'NOT_IN_BOOK'],
      ['SHORTAGE', 'PHONE', '5', '1375.00', 'true', 'SHARE VALUE'],
    ]);
  });

  it("keeps another enterprise's reconciliations from it", async () => {
    expectStatus(await trader2.get(`/api/v1/reconciliations/${report.reconciliation.id}`), 404);
    expectStatus(await trader2.get(`/api/v1/reconciliations/${report.reconciliation.id}?format=csv`), 404);
    expectStatus(await trader2.get(`/api/v1/books/${book.id}/reconciliations`), 404);
  });
});
