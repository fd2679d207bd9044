// Devices, trips and settings through the HTTP API: registration and retirement, the checks made
// when a trip is planned, starting, completing and aborting by hand (with their log entries), the
// live map, and what each enterprise and zone sees; the retention of positions last.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createUser, declarationBody } from '../../test/support/factories.ts';
import { expectForbidden, expectNotFound, listAll, unique } from '../../test/support/access.ts';
import {
  along,
  buildWorld,
  CONTAINER,
  expectStatus,
  fix,
  MINUTE,
  ORIGIN,
  planTrip,
  registerDevice,
  releasedDeclaration,
  ROAD,
  seal,
  send,
  testClock,
  tripBody,
  type PlannedTrip,
  type World,
} from './tracking.fixtures.ts';

describe('tracking', () => {
  const clock = testClock();
  let t: TestApp;
  let w: World;
  let officer: ApiClient;
  let operatorA: ApiClient;
  let operatorC: ApiClient;
  let trader1: ApiClient;
  let trader2: ApiClient;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    w = await buildWorld(t);
    officer = await createUser(t, 'customs_officer', { zoneIds: [w.zoneA] });
    operatorA = await createUser(t, 'zone_operator', { zoneIds: [w.zoneA] });
    operatorC = await createUser(t, 'zone_operator', { zoneIds: [w.zoneC] });
    trader1 = await createUser(t, 'enterprise_user', { enterpriseId: w.e1 });
    trader2 = await createUser(t, 'enterprise_user', { enterpriseId: w.e2 });
  }, 60_000);
  afterAll(() => t.close());

  describe('devices', () => {
    it('registers a device in one of the operator’s zones, once, and names what is wrong otherwise', async () => {
      const deviceId = `ELOCK-${unique()}`;
      const created = await operatorA.post('/api/v1/devices', { deviceId, type: 'E_LOCK', zoneId: w.zoneA, ownerEnterpriseId: w.e1 });
      expectStatus(created, 201);
      expect(created.body).toMatchObject({ deviceId, type: 'E_LOCK', zoneId: w.zoneA, ownerEnterpriseId: w.e1, status: 'ACTIVE', batteryPercent: null, lastSeenAt: null, lastPosition: null });

      const again = await t.admin.post('/api/v1/devices', { deviceId, type: 'E_SEAL', zoneId: w.zoneA });
      expectStatus(again, 409);
      expect(again.body.error.details).toEqual([{ path: '/deviceId', message: 'is already registered' }]);
      const elsewhere = await operatorA.post('/api/v1/devices', { deviceId: `ELOCK-${unique()}`, type: 'E_LOCK', zoneId: w.zoneC });
      expectStatus(elsewhere, 400);
      expect(elsewhere.body.error.details).toEqual([{ path: '/zoneId', message: 'is not a zone you work in' }]);
      const badId = await t.admin.post('/api/v1/devices', { deviceId: 'no spaces allowed', type: 'E_SEAL', zoneId: w.zoneA });
      expectStatus(badId, 400);
      expect(badId.body.error.details[0].path).toBe('/deviceId');
      const noOwner = await t.admin.post('/api/v1/devices', { deviceId: `ESEAL-${unique()}`, type: 'E_SEAL', zoneId: w.zoneA, ownerEnterpriseId: '00000000-0000-4000-8000-000000000001' });
      expectStatus(noOwner, 400);
      expect(noOwner.body.error.details).toEqual([{ path: '/ownerEnterpriseId', message: 'no enterprise with this id' }]);
      expectForbidden(await officer.post('/api/v1/devices', { deviceId: `ESEAL-${unique()}`, type: 'E_SEAL', zoneId: w.zoneA }));
    });

    it('retires a device only when no open trip holds it', async () => {
      const trip = await planTrip(t, w, clock.ms);
      const busy = await operatorA.post(`/api/v1/devices/${trip.device.id}/retirement`, { reason: 'battery swollen' });
      expectStatus(busy, 409);
      expect(busy.body.error.message).toContain(trip.reference);
      expectStatus(await t.admin.post(`/api/v1/trips/${trip.id}/abortion`, { reason: 'device faulty' }), 200);
      const retired = await operatorA.post(`/api/v1/devices/${trip.device.id}/retirement`, { reason: 'battery swollen' });
      expectStatus(retired, 200);
      expect(retired.body).toMatchObject({ status: 'RETIRED', retirementReason: 'battery swollen' });
      expectStatus(await operatorA.post(`/api/v1/devices/${trip.device.id}/retirement`, { reason: 'again' }), 409);
      // A retired device takes no new trip.
      const declaration = await releasedDeclaration(t, w.zoneA, w.e1);
      const refused = await t.admin.post('/api/v1/trips', tripBody(w, declaration.id, trip.device.id, clock.ms));
      expectStatus(refused, 400);
      expect(refused.body.error.details).toEqual([{ path: '/deviceId', message: 'the device is RETIRED' }]);
    });
  });

  describe('planning a trip', () => {
    let declaration: { id: string; reference: string };
    let device: { id: string; deviceId: string };

    beforeAll(async () => {
      declaration = await releasedDeclaration(t, w.zoneA, w.e1);
      device = await registerDevice(t.admin, w.zoneA);
    });

    it('binds a device (by its maker’s id or its id) to a released declaration’s container, with a yearly reference', async () => {
      const body = tripBody(w, declaration.id, device.deviceId, clock.ms, 3, { containerNumber: 'csqu 305438 3', allowedStops: [{ name: 'Rest area', center: along(0.5), radiusMeters: 200 }] });
      const created = await officer.post('/api/v1/trips', body);
      expectStatus(created, 201);
      expect(created.body).toMatchObject({
        declarationId: declaration.id,
        declarationReference: declaration.reference,
        enterpriseId: w.e1,
        deviceId: device.id,
        deviceCode: device.deviceId,
        deviceType: 'E_SEAL',
        containerNumber: CONTAINER,
        originGateId: w.originGate,
        destinationGateId: w.destinationGate,
        originZoneId: w.zoneA,
        destinationZoneId: w.zoneB,
        corridor: { type: 'route', widthMeters: 200 },
        allowedStops: [{ name: 'Rest area', radiusMeters: 200 }],
        status: 'PLANNED',
        startedAt: null,
        tampered: false,
        lastPosition: null,
        positions: 0,
      });
      expect(created.body.reference).toMatch(new RegExp(`^TRP-${new Date(clock.ms).getUTCFullYear()}-\\d{6}$`));

      // One open trip per device.
      const second = await officer.post('/api/v1/trips', tripBody(w, declaration.id, device.id, clock.ms));
      expectStatus(second, 409);
      expect(second.body.error.details).toEqual([{ path: '/deviceId', message: `is bound to open trip ${created.body.reference}` }]);
    });

    it('refuses a declaration that is not released, or that the planner may not see', async () => {
      const submitted = await t.admin.post('/api/v1/declarations', declarationBody(w.zoneA, { enterpriseId: w.e1, lines: [{ hsCode: '620342', description: 'Trousers', originCountry: 'BD', quantity: '5', unit: 'H87', netMass: '2', grossMass: '3', customsValue: '50.00' }] }));
      expectStatus(submitted, 201);
      expectStatus(await t.admin.post(`/api/v1/declarations/${submitted.body.id}/cancellation`, { reason: 'withdrawn' }), 200);
      const other = await registerDevice(t.admin, w.zoneA);
      const cancelled = await t.admin.post('/api/v1/trips', tripBody(w, submitted.body.id, other.deviceId, clock.ms));
      expectStatus(cancelled, 409);
      expect(cancelled.body.error).toMatchObject({ code: 'INVALID_TRANSITION', details: [{ path: '/declarationId', message: 'is CANCELLED' }] });
      const unseen = await operatorC.post('/api/v1/trips', tripBody(w, declaration.id, other.deviceId, clock.ms));
      expectStatus(unseen, 400);
      expect(unseen.body.error.details).toEqual([{ path: '/declarationId', message: 'no declaration with this id that you may see' }]);
    });

    it('names every unsound field: container, device, gates, window, corridor and stops', async () => {
      const body = {
        ...tripBody(w, declaration.id, 'NO-SUCH-DEVICE', clock.ms),
        containerNumber: 'MSCU1234565',
        originGateId: w.gateC,
        destinationGateId: w.gateC,
        window: { departFrom: new Date(clock.ms - 3 * 24 * 60 * MINUTE).toISOString(), arriveBy: new Date(clock.ms - 3 * 24 * 60 * MINUTE - MINUTE).toISOString() },
        corridor: { type: 'route', line: [ORIGIN, [200, 40.7]], widthMeters: 10 },
        allowedStops: [{ name: 'Nowhere', center: [0, 100], radiusMeters: 100 }],
      };
      const refused = await officer.post('/api/v1/trips', body);
      expectStatus(refused, 400);
      expect(refused.body.error.details).toEqual([
        { path: '/containerNumber', message: `is not a container of declaration ${declaration.reference}` },
        { path: '/deviceId', message: 'no device with this id in your zones' },
        { path: '/originGateId', message: 'is not an active gate of your zones' },
        { path: '/destinationGateId', message: 'must differ from the origin gate' },
        { path: '/window/departFrom', message: 'must not be more than a day in the past' },
        { path: '/window/arriveBy', message: 'must be after departFrom' },
        { path: '/corridor/widthMeters', message: 'must be between 50 and 5000 metres' },
        { path: '/corridor/line/1', message: 'must be [longitude, latitude] with longitude -180..180 and latitude -90..90' },
        { path: '/allowedStops/0/center', message: 'must be [longitude, latitude] with longitude -180..180 and latitude -90..90' },
      ]);

      const free = await registerDevice(t.admin, w.zoneA);
      const area = (polygon: unknown) => officer.post('/api/v1/trips', tripBody(w, declaration.id, free.deviceId, clock.ms, 2, { corridor: { type: 'area', polygon } }));
      const open = await area([[ORIGIN, along(0.5, 1000), along(1), along(0.5, -1000)]]);
      expectStatus(open, 400);
      expect(open.body.error.details).toEqual([{ path: '/corridor/polygon/0', message: 'must be closed: its last position must repeat its first' }]);
      const mixed = await officer.post('/api/v1/trips', tripBody(w, declaration.id, free.deviceId, clock.ms, 2, { corridor: { type: 'area', line: ROAD } }));
      expectStatus(mixed, 400);
      expect(mixed.body.error.details).toEqual([
        { path: '/corridor/line', message: 'is not a field of an area corridor' },
        { path: '/corridor/polygon', message: 'is required for an area corridor' },
      ]);
      const tooLong = await officer.post('/api/v1/trips', tripBody(w, declaration.id, free.deviceId, clock.ms, 2, { corridor: { type: 'route', line: Array.from({ length: 5001 }, (_, i) => along(i / 5001)), widthMeters: 100 } }));
      expectStatus(tooLong, 400);
      expect(tooLong.body.error.details[0].path).toBe('/corridor/line');
      const tooLate = await officer.post('/api/v1/trips', tripBody(w, declaration.id, free.deviceId, clock.ms, 31 * 24));
      expectStatus(tooLate, 400);
      expect(tooLate.body.error.details).toEqual([{ path: '/window/arriveBy', message: 'must be within 30 days of departFrom' }]);
      // An area corridor that is sound is taken.
      const ring = [along(0, -1000), along(1, -1000), along(1, 1000), along(0, 1000), along(0, -1000)];
      expectStatus(await area([ring]), 201);
      // Traders do not plan trips.
      expectForbidden(await trader1.post('/api/v1/trips', tripBody(w, declaration.id, free.deviceId, clock.ms)));
    });
  });

  describe('by hand', () => {
    let trip: PlannedTrip;

    beforeAll(async () => {
      trip = await planTrip(t, w, clock.ms);
    });

    it('lets an officer start a PLANNED trip and abort it with the reason, each on the record', async () => {
      expectForbidden(await operatorA.post(`/api/v1/trips/${trip.id}/start`, {}));
      expectStatus(await officer.post(`/api/v1/trips/${trip.id}/completion`, { note: 'not yet' }), 409);
      const started = await officer.post(`/api/v1/trips/${trip.id}/start`, { note: 'seal reader at the gate is down' });
      expectStatus(started, 200);
      expect(started.body).toMatchObject({ status: 'ACTIVE', startedAt: clock.now().toISOString() });
      expectStatus(await officer.post(`/api/v1/trips/${trip.id}/start`, {}), 409);
      expectStatus(await officer.post(`/api/v1/trips/${trip.id}/abortion`, {}), 400);

      // The device's telemetry now belongs to an ACTIVE trip (the ingest sees the officer's start).
      clock.to(clock.ms + MINUTE);
      expect(await send(w, trip.device.deviceId, [fix(clock.ms - 30_000, ORIGIN, { speed: 0 })])).toEqual({ accepted: 1, dropped: {} });
      expect((await officer.get('/api/v1/trips/live')).body.items.find((item: { id: string }) => item.id === trip.id)).toMatchObject({
        status: 'ACTIVE',
        lastPosition: { lon: ORIGIN[0], lat: ORIGIN[1], speedKmh: 0 },
        openAlerts: 0,
      });

      const aborted = await officer.post(`/api/v1/trips/${trip.id}/abortion`, { reason: 'truck broke down' });
      expectStatus(aborted, 200);
      expect(aborted.body).toMatchObject({ status: 'ABORTED', endNote: 'truck broke down', endedAt: clock.now().toISOString() });
      expectStatus(await officer.post(`/api/v1/trips/${trip.id}/abortion`, { reason: 'again' }), 409);
      // The live map drops it at once, though its device (held by the ingest) has said nothing since.
      expect((await officer.get('/api/v1/trips/live')).body.items.map((item: { id: string }) => item.id)).not.toContain(trip.id);
      // The ingest sees the abortion too: the device's fixes belong to no trip any more.
      clock.to(clock.ms + MINUTE);
      expect(await send(w, trip.device.deviceId, [fix(clock.ms - 30_000, ORIGIN, { speed: 0 })])).toEqual({ accepted: 0, dropped: { NO_TRIP: 1 } });

      const leaves = await t.ctx.db.query<{ record: Record<string, unknown> }>(`SELECT record FROM log_entries WHERE kind = 'trip.transition' AND record ->> 'trip' = $1 ORDER BY id`, [trip.id]);
      expect(leaves.map((leaf) => [leaf.record.status, leaf.record.note, leaf.record.gate])).toEqual([
        ['ACTIVE', 'seal reader at the gate is down', null],
        ['ABORTED', 'truck broke down', null],
      ]);
      const timeline = (await trader1.get(`/api/v1/trips/${trip.id}/timeline`)).body.items as Array<{ kind: string; message: string }>;
      expect(timeline.map((item) => item.message)).toEqual([
        `Trip ${trip.reference} planned`,
        'Started by an officer: seal reader at the gate is down',
        'Aborted by an officer: truck broke down',
      ]);
    });

    it('keeps the transparency log auditable with trip transitions in it', async () => {
      await t.ctx.log.sequence();
      const checkpoint = await t.ctx.log.publish();
      const audit = await t.ctx.log.audit(checkpoint.note);
      expect(audit).toMatchObject({ ok: true, problem: null });
      expect(audit.leavesChecked).toBe(checkpoint.size);
    });
  });

  describe('who sees what', () => {
    let own: PlannedTrip;
    let theirs: PlannedTrip;

    beforeAll(async () => {
      own = await planTrip(t, w, clock.ms);
      theirs = await planTrip(t, w, clock.ms, { enterpriseId: w.e2 });
    });

    it('shows an enterprise user its own trips and devices only', async () => {
      expectStatus(await trader1.get(`/api/v1/trips/${own.id}`), 200);
      expectNotFound(await trader1.get(`/api/v1/trips/${theirs.id}`));
      expectNotFound(await trader1.get(`/api/v1/trips/${theirs.id}/track`));
      expectNotFound(await trader1.get(`/api/v1/trips/${theirs.id}/timeline`));
      expectNotFound(await trader1.get(`/api/v1/devices/${theirs.device.id}`));
      const trips = await listAll(trader1, '/api/v1/trips');
      expect(trips.map((trip) => trip.id)).toContain(own.id);
      for (const trip of trips) expect(trip.enterpriseId).toBe(w.e1);
      const devices = await listAll(trader1, '/api/v1/devices');
      expect(devices.map((device) => device.id)).toContain(own.device.id);
      for (const device of devices) expect(device.ownerEnterpriseId).toBe(w.e1);
      const live = (await trader2.get('/api/v1/trips/live')).body.items as Array<{ id: string; enterpriseId: string; openAlerts: number | null }>;
      expect(live.map((item) => item.id)).toEqual([theirs.id]);
      // Customs' alerts are not the trader's to read.
      expect(live[0]?.openAlerts).toBeNull();
    });

    it('shows a zone operator the trips and devices of its zones only', async () => {
      expectStatus(await operatorA.get(`/api/v1/trips/${own.id}`), 200);
      expectNotFound(await operatorC.get(`/api/v1/trips/${own.id}`));
      expectNotFound(await operatorC.get(`/api/v1/devices/${own.device.id}`));
      expect(await listAll(operatorC, '/api/v1/trips')).toEqual([]);
      expect(await listAll(operatorC, '/api/v1/devices')).toEqual([]);
      expect((await operatorC.get('/api/v1/trips/live')).body.items).toEqual([]);
      const live = (await operatorA.get('/api/v1/trips/live')).body.items as Array<{ id: string; status: string; openAlerts: number | null }>;
      expect(live.map((item) => item.id)).toEqual(expect.arrayContaining([own.id, theirs.id]));
      expect(live.every((item) => item.status === 'PLANNED' || item.status === 'ACTIVE')).toBe(true);
      expect(live.find((item) => item.id === own.id)?.openAlerts).toBe(0);
      // A zone's gateway key sends for the devices of its zones only.
      const key = await t.admin.post('/api/v1/api-keys', { name: `gateway C ${unique()}`, role: 'zone_operator', zoneIds: [w.zoneC], scopes: ['telemetry:write'] });
      const gatewayC = t.client(key.body.key as string);
      expectNotFound(await gatewayC.post('/api/v1/telemetry', { deviceId: own.device.deviceId, messages: [fix(clock.ms, ORIGIN)] }));
      const noScope = await t.admin.post('/api/v1/api-keys', { name: `camera ${unique()}`, role: 'zone_operator', zoneIds: [w.zoneA], scopes: ['cctv:write'] });
      expectForbidden(await t.client(noScope.body.key as string).post('/api/v1/telemetry', { deviceId: own.device.deviceId, messages: [fix(clock.ms, ORIGIN)] }));
    });

    it('lists trips newest first, a page at a time', async () => {
      const first = await t.admin.get('/api/v1/trips?limit=1');
      expectStatus(first, 200);
      expect(first.body.items.map((trip: { id: string }) => trip.id)).toEqual([theirs.id]);
      const second = await t.admin.get(`/api/v1/trips?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect(second.body.items.map((trip: { id: string }) => trip.id)).toEqual([own.id]);
      const byDeclaration = await t.admin.get(`/api/v1/trips?declarationId=${own.declarationId}`);
      expect(byDeclaration.body.items.map((trip: { id: string }) => trip.id)).toEqual([own.id]);
      expectStatus(await t.admin.get('/api/v1/trips?cursor=not-a-cursor'), 400);
    });
  });

  describe('settings and retention', () => {
    it('reads the settings for staff and lets the admin change them', async () => {
      const current = await officer.get('/api/v1/tracking-settings');
      expectStatus(current, 200);
      expect(current.body).toMatchObject({ deviationMeters: 100, deviationSeconds: 120, stopMinutes: 20, signalLostMinutes: 15, gateFenceRadiusMeters: 150, maxSpeedKmh: 160, retentionDays: 400 });
      expectForbidden(await trader1.get('/api/v1/tracking-settings'));
      const { version: _version, updatedAt: _updatedAt, ...settings } = current.body;
      expectForbidden(await officer.put('/api/v1/tracking-settings', settings));
      const invalid = await t.admin.put('/api/v1/tracking-settings', { ...settings, gateFenceRadiusMeters: 5 });
      expectStatus(invalid, 400);
      expect(invalid.body.error.details[0].path).toBe('/gateFenceRadiusMeters');
      const updated = await t.admin.put('/api/v1/tracking-settings', { ...settings, maxSpeedKmh: 120 });
      expectStatus(updated, 200);
      expect(updated.body).toMatchObject({ maxSpeedKmh: 120, version: current.body.version + 1 });
      // The ingest uses the new limit at once: 8.4 km in 4 minutes (126 km/h) is now impossible.
      const trip = await planTrip(t, w, clock.ms);
      clock.to(clock.ms + 4 * MINUTE);
      expect(await send(w, trip.device.deviceId, [fix(clock.ms - 4 * MINUTE, ORIGIN), fix(clock.ms, along(1))])).toEqual({ accepted: 1, dropped: { IMPOSSIBLE_SPEED: 1 } });
      expectStatus(await t.admin.put('/api/v1/tracking-settings', { ...settings, maxSpeedKmh: 160 }), 200);
    });

    it('deletes the positions of trips ended past the retention period, keeping the trip and its events', async () => {
      const trip = await planTrip(t, w, clock.ms);
      const t0 = clock.ms;
      clock.to(t0 + MINUTE);
      expect(await send(w, trip.device.deviceId, [fix(t0, ORIGIN, { speed: 0 }), seal(t0 + 30_000, 'SEALED'), fix(t0 + MINUTE, along(0.05))])).toEqual({ accepted: 3, dropped: {} });
      expectStatus(await officer.post(`/api/v1/trips/${trip.id}/completion`, { note: 'arrived; seal checked by hand' }), 200);
      const { version: _version, updatedAt: _updatedAt, ...settings } = (await t.admin.get('/api/v1/tracking-settings')).body;
      expectStatus(await t.admin.put('/api/v1/tracking-settings', { ...settings, retentionDays: 1 }), 200);
      const positions = async () => Number((await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM trip_positions WHERE trip_id = $1', [trip.id]))[0]?.n);

      expect((await t.ctx.tracking.service.applyRetention()).trips).toBe(0);
      expect(await positions()).toBe(2);
      // A day and a bit later (the last test: sessions are not used after this).
      clock.to(clock.ms + 25 * 60 * MINUTE);
      const run = await t.ctx.tracking.service.applyRetention();
      expect(run.trips).toBeGreaterThanOrEqual(1);
      expect(await positions()).toBe(0);
      const kept = await t.ctx.db.query<{ status: string; positions: number }>('SELECT status, positions FROM trips WHERE id = $1', [trip.id]);
      expect(kept).toEqual([{ status: 'COMPLETED', positions: 2 }]);
      const events = await t.ctx.db.query<{ kind: string }>('SELECT kind FROM trip_events WHERE trip_id = $1 ORDER BY kind', [trip.id]);
      expect(events.map((row) => row.kind)).toEqual(['COMPLETED', 'SEAL_SEALED', 'STARTED']);
    });
  });
});
