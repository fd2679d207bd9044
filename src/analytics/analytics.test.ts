// The dashboard and the time-release figures through the API, on a small set of declarations whose
// every step happens at a moment set by hand, so that each median and 90th percentile below is
// worked out on paper (percentile_cont: linear interpolation at position p × (n − 1) of the sorted
// values). Then the scoping: a zone's officer sees that zone's figures, an enterprise its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { createTestApp, SESSIONS_OUTLAST_THE_TEST, PAYMENT_SECRET, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone, declarationBody } from '../../test/support/factories.ts';
import { DEFAULT_SELECTIVITY } from '../declarations/selectivity.schema.ts';
import { signPayment } from '../duties/payment.signature.ts';
import { decide, expectStatus, line, submit } from '../books/books.fixtures.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

const phone = { partNumber: 'PHONE', hsCode: '851713', description: 'Smartphones' };
/** YELLOW by the rule below. */
const trousers = { partNumber: 'TROUSERS', hsCode: '620342', description: "Men's cotton trousers", originCountry: 'BD' };
/** RED by the rule below. */
const shotguns = { partNumber: 'SHOTGUN', hsCode: '930320', description: 'Sporting shotguns', originCountry: 'IT' };

describe('operations dashboard', () => {
  let t: TestApp;
  // Every step happens on the day after the database's today, from 01:00 UTC; `at(m)` moves it to m
  // minutes past 01:00.
  const day0 = Math.ceil(Date.now() / DAY) * DAY;
  const start = day0 + 60 * MINUTE;
  let now = new Date(start);
  const clock = { now: () => new Date(now.getTime()) };
  const at = (minutes: number) => {
    now = new Date(start + minutes * MINUTE);
  };
  const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const today = dayOf(day0);
  // The period: the database's today and the day after it, where the steps happen.
  const period = `from=${dayOf(day0 - DAY)}&to=${today}`;

  let zoneA: { id: string };
  let zoneB: { id: string };
  let trader1: ApiClient;
  let trader2: ApiClient;
  let officer: ApiClient;
  let officerB: ApiClient;
  let operatorA: ApiClient;
  let bills: { total: string; currency: string }[];

  beforeAll(async () => {
    t = await createTestApp({ clock, config: SESSIONS_OUTLAST_THE_TEST });
    zoneA = await createZone(t.admin);
    zoneB = await createZone(t.admin, { locode: 'USEWR' });
    const e1 = await createEnterprise(t.admin, [zoneA.id]);
    const e2 = await createEnterprise(t.admin, [zoneA.id, zoneB.id]);
    trader1 = await createUser(t, 'enterprise_user', { enterpriseId: e1.id });
    trader2 = await createUser(t, 'enterprise_user', { enterpriseId: e2.id });
    officer = await createUser(t, 'customs_officer');
    officerB = await createUser(t, 'customs_officer', { zoneIds: [zoneB.id] });
    operatorA = await createUser(t, 'zone_operator', { zoneIds: [zoneA.id] });
    const current = (await t.admin.get('/api/v1/administration')).body;
    expectStatus(
      await t.admin.put('/api/v1/administration', {
        name: current.name,
        country: current.country,
        currency: 'USD',
        hsEdition: current.hsEdition,
        // Domestic releases owe VAT, so that their bills wait for payment.
        vatRate: '0.05',
        statusModel: current.statusModel,
        selectivity: {
          ...DEFAULT_SELECTIVITY,
          randomRedShare: '0',
          randomYellowShare: '0',
          rules: [
            { name: 'Apparel', lane: 'YELLOW', reason: 'valuation check', hsPrefixes: ['62'] },
            { name: 'Firearms', lane: 'RED', reason: 'licence check', hsPrefixes: ['9303'] },
          ],
        },
      }),
      200,
    );

    const admit = (trader: ApiClient, zoneId: string, goods: object, quantity = 100, value = 25000) =>
      submit(trader, zoneId, 'ADMISSION', [line(quantity, value, goods)]);
    const act = async (id: string, action: string, reason?: string) => expectStatus(await decide(officer, id, action, reason), 200);
    const complete = async (id: string) => expectStatus(await decide(operatorA, id, 'COMPLETE'), 200);

    // Submission → lane is immediate unless amended (Y3); lane → release is 0 for GREEN, released at once.
    at(0);
    const g1 = await admit(trader1, zoneA.id, phone);
    at(5);
    await complete(g1.id); // exit 300 s
    at(10);
    const g2 = await admit(trader1, zoneA.id, phone);
    at(20);
    await admit(trader1, zoneA.id, phone); // G3: stays RELEASED
    at(25);
    await complete(g2.id); // exit 900 s
    at(30);
    const y1 = await admit(trader1, zoneA.id, trousers, 500, 3500);
    at(40);
    await act(y1.id, 'RELEASE'); // 600 s
    at(50);
    await complete(y1.id); // exit 600 s
    at(60);
    const y2 = await admit(trader1, zoneA.id, trousers, 500, 3500);
    at(80);
    await act(y2.id, 'RELEASE'); // 1200 s
    at(100);
    await complete(y2.id); // exit 1200 s
    at(120);
    const y3 = await admit(trader1, zoneA.id, trousers, 500, 3500);
    at(150);
    // Amended: assessed again 1800 s after submission; released 1800 s after that.
    const { type: _type, zoneId: _zoneId, ...amended } = declarationBody(zoneA.id, { lines: [line(400, 2800, trousers)] });
    expectStatus(await trader1.post(`/api/v1/declarations/${y3.id}/amendments`, { reason: 'quantity corrected', declaration: amended }), 200);
    at(180);
    await act(y3.id, 'RELEASE');
    at(200);
    const y4 = await admit(trader1, zoneA.id, trousers, 500, 3500);
    at(260);
    await act(y4.id, 'RELEASE'); // 3600 s
    at(290);
    await complete(y4.id); // exit 1800 s
    at(300);
    const y5 = await admit(trader1, zoneA.id, trousers, 500, 3500);
    at(420);
    await act(y5.id, 'RELEASE'); // 7200 s
    at(430);
    await admit(trader1, zoneA.id, trousers, 500, 3500); // Y6: waits, ASSESSED YELLOW, since 430
    at(440);
    const r1 = await admit(trader1, zoneA.id, shotguns, 10, 8000);
    at(450);
    await act(r1.id, 'START_INSPECTION');
    const r2 = await admit(trader1, zoneA.id, shotguns, 10, 8000);
    at(460);
    await act(r2.id, 'START_INSPECTION'); // waits UNDER_INSPECTION since 460
    at(470);
    const r3 = await admit(trader1, zoneA.id, shotguns, 10, 8000);
    at(480);
    await act(r3.id, 'REJECT', 'licence missing');
    at(500);
    const x1 = await submit(trader1, zoneA.id, 'EXPORT', [line(10, 2500, phone)], { destinationCountry: 'DE' });
    at(510);
    await submit(trader1, zoneA.id, 'DOMESTIC_RELEASE', [line(1, 250, phone)]); // DR1: waits for payment since 510
    at(515);
    const dr2 = await submit(trader1, zoneA.id, 'DOMESTIC_RELEASE', [line(2, 500, phone)]);
    at(520);
    const bill2 = (await trader1.get(`/api/v1/bills?declarationId=${dr2.id}`)).body.items[0];
    const raw = JSON.stringify({
      paymentReference: bill2.paymentReference,
      amount: bill2.total,
      currency: bill2.currency,
      bankReference: 'BANK-DR2',
      paidAt: now.toISOString(),
    });
    expectStatus(
      await t.anonymous.post('/api/v1/payments/confirmations', raw, { 'content-type': 'application/json', 'x-cordon-signature': signPayment(PAYMENT_SECRET, raw) }),
      200,
    ); // DR2 released 300 s after its lane
    at(530);
    await complete(x1.id); // exit 1800 s
    at(540);
    await act(r1.id, 'RELEASE'); // 6000 s after its lane
    at(560);
    await complete(r1.id); // exit 1200 s
    // E2: one declaration in zone B, one in zone A.
    at(600);
    const b1 = await admit(trader2, zoneB.id, trousers, 500, 3500);
    at(610);
    expectStatus(await decide(officerB, b1.id, 'RELEASE'), 200); // 600 s
    at(620);
    await admit(trader2, zoneA.id, phone);
    // E1's ERP counts far fewer goods than its book holds: flagged discrepancies, the dashboard's alerts.
    at(625);
    const book = (await trader1.get('/api/v1/books')).body.items[0];
    expectStatus(await trader1.post(`/api/v1/books/${book.id}/stock-reports`, { asOf: today, lines: [{ partNumber: 'PHONE', quantity: '1', unit: 'H87' }] }), 201);
    bills = (await t.admin.get('/api/v1/bills')).body.items;
    at(630);
  }, 120_000);
  afterAll(() => t.close());

  describe('as an administrator, over the period', () => {
    let dashboard: any;
    beforeAll(async () => {
      const response = await t.admin.get(`/api/v1/analytics/dashboard?${period}`);
      expectStatus(response, 200);
      dashboard = response.body;
    });

    it('names the period, its scope and the moment', () => {
      expect(dashboard.period).toEqual({ from: dayOf(day0 - DAY), to: today, days: 2, timeZone: 'UTC' });
      expect(dashboard.scope).toEqual({ zoneId: null, enterpriseId: null, zoneIds: null });
      expect(dashboard.generatedAt).toBe(now.toISOString());
    });

    it('counts the declarations of today and of the period by state, lane and type', () => {
      const expected = {
        submitted: 17,
        byState: { SUBMITTED: 0, ASSESSED: 2, UNDER_INSPECTION: 1, RELEASED: 6, REJECTED: 1, COMPLETED: 7, CANCELLED: 0 },
        byLane: { GREEN: 7, YELLOW: 7, RED: 3, NONE: 0 },
        byType: { ADMISSION: 14, EXPORT: 1, DOMESTIC_RELEASE: 2, DOMESTIC_ADMISSION: 0, TRANSFER: 0, PROCESSING: 0, DESTRUCTION: 0 },
      };
      expect(dashboard.declarations).toEqual(expected);
      expect(dashboard.today).toEqual({ date: today, ...expected });
    });

    it('shows what waits for an officer now, with the oldest wait', () => {
      expect(dashboard.queues).toEqual({
        assessed: {
          YELLOW: { count: 1, oldestSince: new Date(start + 430 * MINUTE).toISOString(), oldestWaitSeconds: 200 * 60 },
          RED: { count: 0, oldestSince: null, oldestWaitSeconds: null },
        },
        underInspection: { count: 1, oldestSince: new Date(start + 460 * MINUTE).toISOString(), oldestWaitSeconds: 170 * 60 },
        awaitingPayment: { count: 1, oldestSince: new Date(start + 510 * MINUTE).toISOString(), oldestWaitSeconds: 120 * 60 },
      });
    });

    it('sums the bills: billed and paid in the period, outstanding now', () => {
      expect(bills).toHaveLength(2);
      const paid = bills.find((bill: any) => bill.status === 'PAID') as any;
      const unpaid = bills.find((bill: any) => bill.status === 'UNPAID') as any;
      expect(dashboard.revenue).toEqual({
        currencies: [
          {
            currency: 'USD',
            billed: new Decimal(paid.total).plus(unpaid.total).toFixed(2),
            billedCount: 2,
            paid: paid.total,
            paidCount: 1,
            outstanding: unpaid.total,
            outstandingCount: 1,
            guaranteed: '0.00',
            guaranteedCount: 0,
          },
        ],
      });
    });

    it("lists the flagged discrepancies of E1's reconciliation as alerts, newest first", async () => {
      const events = await t.ctx.db.query<{ id: number }>(`SELECT id FROM outbox WHERE event_type = 'book.discrepancy' ORDER BY id DESC`);
      expect(events.length).toBeGreaterThan(0);
      expect(dashboard.alerts.count).toBe(events.length);
      expect(dashboard.alerts.byType).toEqual({ 'book.discrepancy': events.length });
      // At the time of the reconciliation on the service's clock, as its record says.
      expect(dashboard.alerts.latest[0]).toMatchObject({
        eventId: Number(events[0]?.id),
        type: 'book.discrepancy',
        zoneId: zoneA.id,
        kind: 'SHORTAGE',
        at: new Date(start + 625 * MINUTE).toISOString(),
      });
      expect(dashboard.alerts.latest.length).toBe(Math.min(events.length, 10));
    });

    it('gives the time-release figures overall, by lane and by type', () => {
      const { overall, byLane, byType } = dashboard.timeRelease;
      // Lane → release of the 13 released, sorted: 0 ×5, 300, 600, 600, 1200, 1800, 3600, 6000, 7200.
      // Median at position 6: 600. P90 at 10.8: 3600 + 0.8 × (6000 − 3600) = 5520.
      // Release → exit of the 7 that left: 300, 600, 900, 1200, 1200, 1800, 1800: median 1200, p90 at 5.4: 1800.
      // Submission → lane: 16 × 0 and Y3's 1800: both percentiles 0.
      // Submission → release: as lane → release, but Y3 took 3600 in all (same sorted list): 600 and 5520.
      expect(overall).toEqual({
        declarations: 17,
        submissionToLane: { count: 17, median: 0, p90: 0 },
        laneToRelease: { count: 13, median: 600, p90: 5520 },
        releaseToExit: { count: 7, median: 1200, p90: 1800 },
        submissionToRelease: { count: 13, median: 600, p90: 5520 },
      });
      const lane = (name: string) => byLane.find((row: any) => row.lane === name);
      expect(byLane.map((row: any) => row.lane)).toEqual(['GREEN', 'YELLOW', 'RED']);
      // GREEN: to release 0 ×5 and DR2's 300 (p90 at 4.5: 150); exits 300, 900, 1800 (p90 at 1.8: 1620).
      expect(lane('GREEN')).toEqual({
        lane: 'GREEN',
        declarations: 7,
        submissionToLane: { count: 7, median: 0, p90: 0 },
        laneToRelease: { count: 6, median: 0, p90: 150 },
        releaseToExit: { count: 3, median: 900, p90: 1620 },
        submissionToRelease: { count: 6, median: 0, p90: 150 },
      });
      // YELLOW: to lane 0 ×6 and 1800 (p90 at 5.4: 720); to release 600, 600, 1200, 1800, 3600, 7200
      // (median at 2.5: 1500, p90 at 4.5: 5400); exits 600, 1200, 1800 (p90 at 1.8: 1680).
      // Submission → release: 600, 600, 1200, 3600, 3600, 7200 (median 2400, p90 at 4.5: 5400).
      expect(lane('YELLOW')).toEqual({
        lane: 'YELLOW',
        declarations: 7,
        submissionToLane: { count: 7, median: 0, p90: 720 },
        laneToRelease: { count: 6, median: 1500, p90: 5400 },
        releaseToExit: { count: 3, median: 1200, p90: 1680 },
        submissionToRelease: { count: 6, median: 2400, p90: 5400 },
      });
      expect(lane('RED')).toEqual({
        lane: 'RED',
        declarations: 3,
        submissionToLane: { count: 3, median: 0, p90: 0 },
        laneToRelease: { count: 1, median: 6000, p90: 6000 },
        releaseToExit: { count: 1, median: 1200, p90: 1200 },
        submissionToRelease: { count: 1, median: 6000, p90: 6000 },
      });
      const type = (name: string) => byType.find((row: any) => row.type === name);
      expect(byType).toHaveLength(7);
      expect(type('EXPORT')).toMatchObject({ declarations: 1, laneToRelease: { count: 1, median: 0, p90: 0 }, releaseToExit: { count: 1, median: 1800, p90: 1800 } });
      expect(type('DOMESTIC_RELEASE')).toMatchObject({ declarations: 2, laneToRelease: { count: 1, median: 300, p90: 300 }, releaseToExit: { count: 0, median: null, p90: null } });
      expect(type('TRANSFER')).toEqual({
        type: 'TRANSFER',
        declarations: 0,
        submissionToLane: { count: 0, median: null, p90: null },
        laneToRelease: { count: 0, median: null, p90: null },
        releaseToExit: { count: 0, median: null, p90: null },
        submissionToRelease: { count: 0, median: null, p90: null },
      });
    });

    it('reads moments that agree with the transitions they were stamped from', async () => {
      const disagreeing = await t.ctx.db.query(
        `SELECT d.reference FROM declarations d
         JOIN (SELECT declaration_id,
                      min(at) FILTER (WHERE action = 'SUBMIT') AS submitted, max(at) FILTER (WHERE action = 'ASSESS') AS assessed,
                      max(at) FILTER (WHERE action = 'RELEASE') AS released, max(at) FILTER (WHERE action = 'COMPLETE') AS completed
               FROM declaration_transitions GROUP BY declaration_id) t ON t.declaration_id = d.id
         WHERE d.submitted_at IS DISTINCT FROM t.submitted OR d.assessed_at IS DISTINCT FROM t.assessed
            OR d.released_at IS DISTINCT FROM t.released OR d.completed_at IS DISTINCT FROM t.completed`,
      );
      expect(disagreeing).toEqual([]);
      expect((await t.ctx.db.query('SELECT 1 FROM declarations')).length).toBe(17);
    });

    it('gives the same time-release figures on their own route', async () => {
      const response = await t.admin.get(`/api/v1/analytics/time-release?${period}`);
      expectStatus(response, 200);
      const { period: p, scope, ...figures } = response.body;
      expect(p).toEqual(dashboard.period);
      expect(scope).toEqual(dashboard.scope);
      expect(figures).toEqual(dashboard.timeRelease);
    });
  });

  describe('scope', () => {
    it("gives zone B's officer zone B's figures only", async () => {
      const response = await officerB.get(`/api/v1/analytics/dashboard?${period}`);
      expectStatus(response, 200);
      const { scope, declarations, queues, revenue, alerts, timeRelease } = response.body;
      expect(scope).toEqual({ zoneId: null, enterpriseId: null, zoneIds: [zoneB.id] });
      expect(declarations).toMatchObject({ submitted: 1, byState: { RELEASED: 1 }, byLane: { YELLOW: 1, GREEN: 0 } });
      expect(queues.assessed.YELLOW.count + queues.underInspection.count + queues.awaitingPayment.count).toBe(0);
      expect(revenue).toEqual({ currencies: [] });
      expect(alerts).toEqual({ count: 0, byType: { 'book.discrepancy': 0 }, latest: [] });
      expect(timeRelease.overall).toMatchObject({ declarations: 1, laneToRelease: { count: 1, median: 600, p90: 600 } });
    });

    it("refuses zone B's officer the figures of zone A as a zone not found", async () => {
      const response = await officerB.get(`/api/v1/analytics/dashboard?zoneId=${zoneA.id}`);
      expectStatus(response, 404);
      expect(response.body.error.code).toBe('NOT_FOUND');
    });

    it('narrows an administrator to the zone asked for', async () => {
      const response = await t.admin.get(`/api/v1/analytics/dashboard?${period}&zoneId=${zoneB.id}`);
      expectStatus(response, 200);
      expect(response.body.scope).toEqual({ zoneId: zoneB.id, enterpriseId: null, zoneIds: null });
      expect(response.body.declarations.submitted).toBe(1);
    });

    it("gives an enterprise user its own enterprise's figures, bills and alerts", async () => {
      const own = (await trader1.get(`/api/v1/analytics/dashboard?${period}`)).body;
      expect(own.scope.enterpriseId).not.toBeNull();
      expect(own.declarations.submitted).toBe(15);
      expect(own.revenue.currencies[0]).toMatchObject({ billedCount: 2, outstandingCount: 1 });
      expect(own.alerts.count).toBeGreaterThan(0);
      // Lane → release without E2's two (600 and 0): 0 ×4, 300, 600, 1200, 1800, 3600, 6000, 7200:
      // median at 5: 600; p90 at 9: 6000.
      expect(own.timeRelease.overall.laneToRelease).toEqual({ count: 11, median: 600, p90: 6000 });

      const other = (await trader2.get(`/api/v1/analytics/dashboard?${period}`)).body;
      expect(other.declarations.submitted).toBe(2);
      expect(other.queues.awaitingPayment.count).toBe(0);
      expect(other.revenue).toEqual({ currencies: [] });
      expect(other.alerts.count).toBe(0);
    });

    it('leaves revenue out for a zone operator, who reads no bills', async () => {
      const response = await operatorA.get(`/api/v1/analytics/dashboard?${period}`);
      expectStatus(response, 200);
      expect(response.body.revenue).toBeNull();
      expect(response.body.declarations.submitted).toBe(16);
    });
  });

  describe('the period', () => {
    it('is the 30 days up to today when none is given', async () => {
      const response = await officer.get('/api/v1/analytics/dashboard');
      expectStatus(response, 200);
      expect(response.body.period).toEqual({ from: dayOf(day0 - 29 * DAY), to: today, days: 30, timeZone: 'UTC' });
      expect(response.body.declarations.submitted).toBe(17);
    });

    it('excludes declarations submitted after it', async () => {
      const response = await officer.get(`/api/v1/analytics/time-release?from=${dayOf(day0 - 3 * DAY)}&to=${dayOf(day0 - DAY)}`);
      expectStatus(response, 200);
      expect(response.body.overall.declarations).toBe(0);
      expect(response.body.overall.laneToRelease).toEqual({ count: 0, median: null, p90: null });
    });

    it.each([
      ['from after to', `from=${today}&to=${dayOf(day0 - DAY)}`, '/querystring/from', `must not be after ${dayOf(day0 - DAY)}`],
      ['longer than 366 days', `from=${dayOf(day0 - 366 * DAY)}&to=${today}`, '/querystring/from', 'must be at most 366 days before to (the period has 367)'],
      ['a date that is not one', 'from=2026-02-30', '/querystring/from', 'must match format "date"'],
      ['a zone that is not an id', 'zoneId=zone-a', '/querystring/zoneId', 'must match format "uuid"'],
      ['an unknown parameter', 'since=2026-01-01', '/querystring/since', 'is not a known field'],
    ])('refuses %s with 400 naming the field', async (_name, query, path, message) => {
      const response = await t.admin.get(`/api/v1/analytics/dashboard?${query}`);
      expectStatus(response, 400);
      expect(response.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path, message }] });
    });
  });
});
