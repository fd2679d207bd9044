// Coverage gaps and retention on a controlled clock: warehouses holding goods of different classes
// watched by cameras with the same snapshots, the scheduled check's alerts, and the deletion of old
// snapshot metadata except what a customs hold keeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createTestApp, SESSIONS_OUTLAST_THE_TEST, type ApiClient, type ApiResponse, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone, declarationBody } from '../../test/support/factories.ts';
import { listAll, unique } from '../../test/support/access.ts';
import { readEvents } from '../platform/events/outbox.ts';
import { bookOf, setSelectivity } from '../books/books.fixtures.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function expectStatus(response: ApiResponse, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
}

/** Takes goods into the enterprise's book in the zone: an admission taken through to the gate. */
async function admit(admin: ApiClient, zoneId: string, enterpriseId: string, line: Record<string, string>): Promise<void> {
  const submitted = await admin.post('/api/v1/declarations', declarationBody(zoneId, { enterpriseId, lines: [line] }));
  expectStatus(submitted, 201);
  const { id } = submitted.body;
  const decide = async (action: string) => expectStatus(await admin.post(`/api/v1/declarations/${id}/decisions`, { action }), 200);
  if (submitted.body.state === 'ASSESSED') {
    if (submitted.body.lane === 'RED') await decide('START_INSPECTION');
    await decide('RELEASE');
  }
  await decide('COMPLETE');
}

const line = (hsCode: string, description: string, unit: string) => ({
  hsCode,
  description,
  originCountry: 'GB',
  quantity: '120',
  unit,
  netMass: '180',
  grossMass: '200',
  customsValue: '3600.00',
});

describe('CCTV coverage and retention', () => {
  let t: TestApp;
  // Ahead of the database's clock and only ever moved forward.
  const start = Math.ceil(Date.now() / MINUTE) * MINUTE + MINUTE;
  let now = start;
  // Milliseconds the clock moves at each reading, as a real one does while a request is served.
  let drift = 0;
  const clock = { now: () => new Date((now += drift)) };
  const at = (minutes: number) => new Date(start + minutes * MINUTE);

  let zone: { id: string };
  let otherZone: { id: string };
  let spiritsBook: string;
  let apparelBook: string;
  let spiritsCamera: string;
  let apparelCamera: string;
  let yardCamera: string;
  let officer: ApiClient;
  let otherOperator: ApiClient;
  let trader: ApiClient;
  let cameraSystem: ApiClient;

  /** The same timeline for both warehouse cameras: every 5 minutes, but 12 minutes between 31 and 43. */
  const timeline = [1, 6, 11, 16, 21, 26, 31, 43, 48, 53, 58, 63, 68, 73, 78, 83, 88];
  const snapshotAt = (cameraId: string, minutes: number) => {
    const uri = `s3://cctv/${cameraId}/${at(minutes).toISOString()}.jpg`;
    return { cameraId, capturedAt: at(minutes).toISOString(), imageSha256: createHash('sha256').update(uri).digest('hex'), storageUri: uri };
  };
  const cctvAlerts = async () => (await listAll(t.admin, '/api/v1/alerts?kind=CCTV_GAP')) as { subjectType: string; subjectId: string; severity: string; status: string; id: string; details: Record<string, unknown> }[];

  beforeAll(async () => {
    t = await createTestApp({ clock, config: SESSIONS_OUTLAST_THE_TEST });
    await setSelectivity(t);
    zone = await createZone(t.admin);
    otherZone = await createZone(t.admin, { locode: 'USEWR' });
    const distiller = await createEnterprise(t.admin, [zone.id]);
    const clothier = await createEnterprise(t.admin, [zone.id]);
    spiritsBook = (await bookOf(t, distiller.id, zone.id)).id;
    apparelBook = (await bookOf(t, clothier.id, zone.id)).id;
    await admit(t.admin, zone.id, distiller.id, line('220830', 'Scotch whisky', 'LTR'));
    await admit(t.admin, zone.id, clothier.id, line('610910', 'Cotton T-shirts', 'H87'));
    officer = await createUser(t, 'customs_officer', { zoneIds: [zone.id] });
    otherOperator = await createUser(t, 'zone_operator', { zoneIds: [otherZone.id] });
    trader = await createUser(t, 'enterprise_user', { enterpriseId: distiller.id });
    const key = await t.admin.post('/api/v1/api-keys', { name: 'camera system', role: 'zone_operator', zoneIds: [zone.id], scopes: ['cctv:write'] });
    cameraSystem = t.client(key.body.key as string);
    const register = async (fields: Record<string, unknown>) => {
      const created = await t.admin.post('/api/v1/cameras', { zoneId: zone.id, code: `CAM-${unique()}`, name: 'Camera', latitude: 40.7, longitude: -74.0, ...fields });
      expectStatus(created, 201);
      return created.body.id as string;
    };
    spiritsCamera = await register({ areaKind: 'WAREHOUSE', bookId: spiritsBook });
    apparelCamera = await register({ areaKind: 'WAREHOUSE', bookId: apparelBook });
    yardCamera = await register({ areaKind: 'YARD' });

    now = at(90).getTime();
    const sent = await cameraSystem.post('/api/v1/cctv/snapshots', {
      snapshots: timeline.flatMap((minutes) => [snapshotAt(spiritsCamera, minutes), snapshotAt(apparelCamera, minutes)]),
    });
    expectStatus(sent, 201);
    expect(sent.body.stored).toBe(timeline.length * 2);
  });
  afterAll(() => t.close());

  describe('gaps', () => {
    it('raises one alert for the 12-minute gap of the warehouse holding spirits, none for the one holding apparel', async () => {
      const check = await t.ctx.cctv.checkCoverage();
      expect(check).toEqual({ areas: 3, gaps: 2, alertsRaised: 2 });
      const alerts = await cctvAlerts();
      const onSpirits = alerts.filter((alert) => alert.subjectId === spiritsBook);
      expect(onSpirits).toHaveLength(1);
      expect(onSpirits[0]).toMatchObject({
        subjectType: 'book',
        severity: 'CRITICAL',
        status: 'OPEN',
        details: { gapFrom: at(31).toISOString(), gapTo: at(43).toISOString(), minutes: 12, goodsClass: 'alcohol', requiredIntervalMinutes: 5, cameraIds: [spiritsCamera] },
      });
      expect(alerts.filter((alert) => alert.subjectId === apparelBook)).toEqual([]);
    });

    it('counts a watched area without any snapshot as one gap, lasting until now', async () => {
      const onYard = (await cctvAlerts()).filter((alert) => alert.subjectId === zone.id);
      expect(onYard).toHaveLength(1);
      expect(onYard[0]).toMatchObject({ subjectType: 'zone', severity: 'WARNING', details: { gapFrom: at(0).toISOString(), gapTo: at(90).toISOString(), ongoing: true, goodsClass: null, cameraIds: [yardCamera] } });
    });

    it('raises nothing again when the check runs again, even once the alert was acknowledged', async () => {
      const before = await cctvAlerts();
      expect(await t.ctx.cctv.checkCoverage()).toMatchObject({ gaps: 2, alertsRaised: 0 });
      const spirits = before.find((alert) => alert.subjectId === spiritsBook);
      expectStatus(await officer.post(`/api/v1/alerts/${spirits?.id}/acknowledgement`, { note: 'Camera rebooted after a power cut' }), 200);
      expect(await t.ctx.cctv.checkCoverage()).toMatchObject({ gaps: 2, alertsRaised: 0 });
      expect((await cctvAlerts()).map((alert) => alert.id).sort()).toEqual(before.map((alert) => alert.id).sort());
    });

    it('raises a camera that stops sending once, from its last snapshot, however often the check runs', async () => {
      now = at(95).getTime();
      expect(await t.ctx.cctv.checkCoverage()).toMatchObject({ gaps: 3, alertsRaised: 1 });
      now = at(100).getTime();
      expect(await t.ctx.cctv.checkCoverage()).toMatchObject({ gaps: 3, alertsRaised: 0 });
      const onSpirits = (await cctvAlerts()).filter((alert) => alert.subjectId === spiritsBook && alert.status === 'OPEN');
      expect(onSpirits).toHaveLength(1);
      expect(onSpirits[0]?.details).toMatchObject({ gapFrom: at(88).toISOString(), gapTo: at(95).toISOString(), ongoing: true });
    });

    it('reports each area with its required interval, its class of goods and its gaps', async () => {
      const report = await officer.get(`/api/v1/cctv/coverage?from=${at(0).toISOString()}&to=${at(90).toISOString()}`);
      expectStatus(report, 200);
      const area = (areaId: string) => report.body.areas.find((a: { areaId: string }) => a.areaId === areaId);
      expect(area(spiritsBook)).toMatchObject({
        areaKind: 'WAREHOUSE',
        cameraIds: [spiritsCamera],
        requiredIntervalMinutes: 5,
        goodsClass: 'alcohol',
        severity: 'CRITICAL',
        hsChapters: ['22'],
        snapshots: timeline.length,
        gaps: [{ from: at(31).toISOString(), to: at(43).toISOString(), minutes: 12, ongoing: false }],
      });
      expect(area(apparelBook)).toMatchObject({ requiredIntervalMinutes: 60, goodsClass: null, severity: 'WARNING', hsChapters: ['61'], snapshots: timeline.length, gaps: [] });
      expect(area(zone.id)).toMatchObject({ areaKind: 'YARD', snapshots: 0, gaps: [{ from: at(0).toISOString(), to: at(90).toISOString(), minutes: 90, ongoing: false }] });
    });

    it('says a gap lasting to the moment of the report is still going on, while the clock moves', async () => {
      drift = 1;
      try {
        const report = await officer.get(`/api/v1/cctv/coverage?from=${at(0).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`);
        expectStatus(report, 200);
        const yard = report.body.areas.find((a: { areaId: string }) => a.areaId === zone.id);
        expect(yard.gaps.at(-1)).toMatchObject({ from: at(0).toISOString(), ongoing: true });
      } finally {
        drift = 0;
      }
    });

    it('follows the policy: apparel watched every 10 minutes makes the same timeline a gap there too', async () => {
      const { version: _v, updatedBy: _b, updatedAt: _a, ...policy } = (await t.admin.get('/api/v1/cctv/policy')).body;
      const tightened = { ...policy, goodsClasses: [...policy.goodsClasses, { name: 'apparel', hsChapters: ['61', '62'], intervalMinutes: 10, severity: 'INFO' }] };
      expectStatus(await t.admin.put('/api/v1/cctv/policy', tightened), 200);
      const report = await officer.get(`/api/v1/cctv/coverage?from=${at(0).toISOString()}&to=${at(90).toISOString()}`);
      const apparel = report.body.areas.find((a: { areaId: string }) => a.areaId === apparelBook);
      expect(apparel).toMatchObject({ requiredIntervalMinutes: 10, goodsClass: 'apparel', severity: 'INFO', gaps: [{ from: at(31).toISOString(), minutes: 12 }] });
      expectStatus(await t.admin.put('/api/v1/cctv/policy', policy), 200);
    });

    it('validates the window, and shows each viewer only the zones they work in', async () => {
      const backwards = await officer.get(`/api/v1/cctv/coverage?from=${at(90).toISOString()}&to=${at(0).toISOString()}`);
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.details).toEqual([{ path: '/to', message: 'must be after from' }]);
      const tooLong = await officer.get(`/api/v1/cctv/coverage?from=${at(-40 * 24 * 60).toISOString()}&to=${at(0).toISOString()}`);
      expect(tooLong.body.error.details).toEqual([{ path: '/from', message: 'the window may span at most 31 days' }]);
      const missing = await officer.get(`/api/v1/cctv/coverage?from=${at(0).toISOString()}`);
      expect(missing.body.error.details).toEqual([{ path: '/querystring/to', message: 'is required' }]);

      const window = `from=${at(0).toISOString()}&to=${at(90).toISOString()}`;
      expect((await otherOperator.get(`/api/v1/cctv/coverage?${window}`)).body.areas).toEqual([]);
      expect((await otherOperator.get(`/api/v1/cctv/coverage?${window}&zoneId=${zone.id}`)).body.areas).toEqual([]);
      expect((await trader.get(`/api/v1/cctv/coverage?${window}`)).status).toBe(403);
    });
  });

  describe('retention', () => {
    it('deletes snapshots past thirty days but keeps those a customs hold covers, and names the images to purge', async () => {
      const hold = await officer.post('/api/v1/cctv/holds', { cameraId: spiritsCamera, from: at(40).toISOString(), to: at(60).toISOString(), reason: 'Suspected diversion of spirits' });
      expectStatus(hold, 201);
      expect(hold.body.snapshotsHeld).toBe(4);

      now = start + 40 * DAY;
      const recent = snapshotAt(apparelCamera, 40 * 24 * 60 - 60);
      expectStatus(await cameraSystem.post('/api/v1/cctv/snapshots', { snapshots: [recent] }), 201);
      const eventsBefore = await readEvents(t.ctx.db, 0, 10_000);
      const lastId = eventsBefore.at(-1)?.id ?? 0;

      const run = await t.ctx.cctv.applyRetention();
      expect(run).toMatchObject({ deleted: timeline.length * 2 - 4, kept: 4 });

      const spiritsLeft = await listAll(officer, `/api/v1/cctv/snapshots?cameraId=${spiritsCamera}`);
      expect(spiritsLeft.map((s) => s.capturedAt).sort()).toEqual([43, 48, 53, 58].map((m) => at(m).toISOString()));
      expect((await listAll(officer, `/api/v1/cctv/snapshots?cameraId=${apparelCamera}`)).map((s) => s.capturedAt)).toEqual([recent.capturedAt]);

      const retention = (await readEvents(t.ctx.db, lastId, 100)).filter((event) => event.type === 'cctv.retention_applied');
      expect(retention).toHaveLength(1);
      expect(retention[0]).toMatchObject({ zoneId: zone.id, payload: { deleted: timeline.length * 2 - 4, kept: 4, retentionDays: 30, extendedRetentionDays: 90 } });
      const purged = retention[0]?.payload.storageUris as string[];
      expect(purged).toHaveLength(timeline.length * 2 - 4);
      expect(purged).toContain(snapshotAt(spiritsCamera, 31).storageUri);
      expect(purged).toContain(snapshotAt(apparelCamera, 48).storageUri);
      expect(purged).not.toContain(snapshotAt(spiritsCamera, 48).storageUri);
    });

    it('deletes nothing more on the next run, and the held snapshots once the extended period has passed', async () => {
      expect(await t.ctx.cctv.applyRetention()).toMatchObject({ deleted: 0, kept: 4 });
      now = start + 91 * DAY;
      expect(await t.ctx.cctv.applyRetention()).toMatchObject({ deleted: 5, kept: 0 });
      expect(await listAll(officer, `/api/v1/cctv/snapshots?cameraId=${spiritsCamera}`)).toEqual([]);
    });
  });
});
