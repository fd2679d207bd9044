// Cameras, snapshot metadata, holds and the coverage policy through the HTTP API, with who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { createTestApp, type ApiClient, type ApiResponse, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone } from '../../test/support/factories.ts';
import { expectError, expectForbidden, expectNotFound, listAll, unique } from '../../test/support/access.ts';

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

function expectStatus(response: ApiResponse, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
}

/** The field paths a refusal names. */
const pathsOf = (response: ApiResponse): string[] => (response.body.error.details as { path: string }[]).map((detail) => detail.path);

describe('CCTV cameras and snapshots', () => {
  let t: TestApp;
  let zoneA: { id: string };
  let zoneB: { id: string };
  let gateA: string;
  let gateB: string;
  let bookA: string;
  let bookB: string;
  let operatorA: ApiClient;
  let operatorB: ApiClient;
  let officerA: ApiClient;
  let officerB: ApiClient;
  let auditor: ApiClient;
  let trader: ApiClient;
  /** A camera system's key for zone A, with the scope to post snapshots. */
  let cameraSystemA: ApiClient;
  let gateCamera: { id: string; code: string };
  let warehouseCamera: { id: string };
  let cameraB: { id: string };

  const camera = (zoneId: string, overrides: Record<string, unknown> = {}) => ({
    zoneId,
    code: `CAM-${unique()}`,
    name: 'Camera',
    latitude: 40.7,
    longitude: -74.0,
    areaKind: 'YARD',
    ...overrides,
  });
  const snapshot = (cameraId: string, capturedAt: Date, overrides: Record<string, unknown> = {}) => {
    const name = `${cameraId}/${capturedAt.toISOString()}-${randomBytes(2).toString('hex')}.jpg`;
    return { cameraId, capturedAt: capturedAt.toISOString(), imageSha256: hashOf(name), storageUri: `s3://cctv/${name}`, sizeBytes: 48_213, ...overrides };
  };
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  const snapshotsOf = (client: ApiClient, cameraId: string) => listAll(client, `/api/v1/cctv/snapshots?cameraId=${cameraId}`);

  beforeAll(async () => {
    t = await createTestApp();
    zoneA = await createZone(t.admin);
    zoneB = await createZone(t.admin, { locode: 'USEWR' });
    const gate = (zoneId: string) => t.admin.post(`/api/v1/zones/${zoneId}/gates`, { code: `G${unique()}`, name: 'Main gate', kind: 'ROAD', direction: 'BOTH', latitude: 40.7, longitude: -74.0 });
    gateA = (await gate(zoneA.id)).body.id;
    gateB = (await gate(zoneB.id)).body.id;
    const enterprise = await createEnterprise(t.admin, [zoneA.id, zoneB.id]);
    const books = (await t.admin.get(`/api/v1/books?enterpriseId=${enterprise.id}`)).body.items as { id: string; zoneId: string }[];
    bookA = books.find((book) => book.zoneId === zoneA.id)?.id ?? '';
    bookB = books.find((book) => book.zoneId === zoneB.id)?.id ?? '';
    operatorA = await createUser(t, 'zone_operator', { zoneIds: [zoneA.id] });
    operatorB = await createUser(t, 'zone_operator', { zoneIds: [zoneB.id] });
    officerA = await createUser(t, 'customs_officer', { zoneIds: [zoneA.id] });
    officerB = await createUser(t, 'customs_officer', { zoneIds: [zoneB.id] });
    auditor = await createUser(t, 'auditor');
    trader = await createUser(t, 'enterprise_user', { enterpriseId: enterprise.id });
    const key = await t.admin.post('/api/v1/api-keys', { name: 'camera system A', role: 'zone_operator', zoneIds: [zoneA.id], scopes: ['cctv:write'] });
    expectStatus(key, 201);
    cameraSystemA = t.client(key.body.key as string);
    cameraB = (await t.admin.post('/api/v1/cameras', camera(zoneB.id))).body;
  });
  afterAll(() => t.close());

  describe('registration', () => {
    it("registers a zone's cameras for a gate, a warehouse and the yard, listed for the zone's staff", async () => {
      const atGate = await operatorA.post('/api/v1/cameras', camera(zoneA.id, { name: 'Gate lane 1', areaKind: 'GATE', gateId: gateA, latitude: 40.701, longitude: -74.002 }));
      expectStatus(atGate, 201);
      expect(atGate.body).toMatchObject({ zoneId: zoneA.id, name: 'Gate lane 1', areaKind: 'GATE', gateId: gateA, bookId: null, latitude: 40.701, longitude: -74.002, active: true, version: 1 });
      gateCamera = atGate.body;
      const inWarehouse = await operatorA.post('/api/v1/cameras', camera(zoneA.id, { areaKind: 'WAREHOUSE', bookId: bookA }));
      expectStatus(inWarehouse, 201);
      expect(inWarehouse.body).toMatchObject({ areaKind: 'WAREHOUSE', bookId: bookA, gateId: null });
      warehouseCamera = inWarehouse.body;
      expectStatus(await t.admin.post('/api/v1/cameras', camera(zoneA.id)), 201);

      const seenByOfficer = await listAll(officerA, '/api/v1/cameras');
      expect(seenByOfficer.map((c) => c.zoneId)).toEqual([zoneA.id, zoneA.id, zoneA.id]);
      expect((await listAll(auditor, '/api/v1/cameras')).map((c) => c.id)).toContain(cameraB.id);
      expect((await listAll(officerA, `/api/v1/cameras?areaKind=WAREHOUSE&bookId=${bookA}`)).map((c) => c.id)).toEqual([warehouseCamera.id]);
      expect((await officerA.get(`/api/v1/cameras/${gateCamera.id}`)).body).toEqual(gateCamera);
    });

    it('pages the list with a cursor', async () => {
      const first = await officerA.get('/api/v1/cameras?limit=2');
      expect(first.body.items).toHaveLength(2);
      const second = await officerA.get(`/api/v1/cameras?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body).toMatchObject({ items: [expect.any(Object)], nextCursor: null });
      expectError(await officerA.get('/api/v1/cameras?cursor=bogus'), 400, 'INVALID_CURSOR');
    });

    it('refuses an area that is not of the zone, or does not fit the kind, naming the field and storing nothing', async () => {
      const before = (await listAll(t.admin, '/api/v1/cameras')).length;
      const cases: [Record<string, unknown>, string, string][] = [
        [{ areaKind: 'GATE' }, '/gateId', 'is required for a GATE camera'],
        [{ areaKind: 'GATE', gateId: gateB }, '/gateId', "no such gate in the camera's zone"],
        [{ areaKind: 'WAREHOUSE', bookId: bookB }, '/bookId', "no such account book in the camera's zone"],
        [{ areaKind: 'WAREHOUSE' }, '/bookId', 'is required for a WAREHOUSE camera'],
        [{ areaKind: 'YARD', gateId: gateA }, '/gateId', 'is only for a GATE camera'],
        [{ code: gateCamera.code }, '/code', 'is already used by another camera of this zone'],
      ];
      for (const [overrides, path, message] of cases) {
        const refused = await operatorA.post('/api/v1/cameras', camera(zoneA.id, overrides));
        expectError(refused, 400, 'VALIDATION_FAILED');
        expect(refused.body.error.details, JSON.stringify(overrides)).toEqual([{ path, message }]);
      }
      const badShape = await operatorA.post('/api/v1/cameras', camera(zoneA.id, { latitude: 91, code: 'cam 1', areaKind: 'ROOF' }));
      expectError(badShape, 400, 'VALIDATION_FAILED');
      expect(pathsOf(badShape)).toEqual(expect.arrayContaining(['/latitude', '/code', '/areaKind']));
      expect(await listAll(t.admin, '/api/v1/cameras')).toHaveLength(before);
    });

    it('replaces a camera, with a new version, and keeps its zone', async () => {
      // As a client would: read the camera, change what it needs, send the whole camera back.
      const { id, zoneId: _zoneId, createdAt: _createdAt, updatedAt: _updatedAt, version: _version, ...fields } = (await operatorA.post('/api/v1/cameras', camera(zoneA.id))).body;
      const moved = await operatorA.put(`/api/v1/cameras/${id}`, { ...fields, name: 'Warehouse door', areaKind: 'WAREHOUSE', bookId: bookA });
      expectStatus(moved, 200);
      expect(moved.body).toMatchObject({ id, zoneId: zoneA.id, name: 'Warehouse door', areaKind: 'WAREHOUSE', bookId: bookA, gateId: null, version: 2 });
      const again = await operatorA.put(`/api/v1/cameras/${id}`, { ...fields, name: 'Warehouse door', areaKind: 'WAREHOUSE', bookId: bookA });
      expect(again.body.version).toBe(2);
      const unknownField = await operatorA.put(`/api/v1/cameras/${id}`, { ...fields, zoneId: zoneB.id });
      expectError(unknownField, 400, 'VALIDATION_FAILED');
      expect(pathsOf(unknownField)).toEqual(['/zoneId']);
    });
  });

  describe('access', () => {
    it('keeps cameras from traders entirely', async () => {
      expectForbidden(await trader.get('/api/v1/cameras'));
      expectForbidden(await trader.get(`/api/v1/cameras/${gateCamera.id}`));
      expectForbidden(await trader.post('/api/v1/cameras', camera(zoneA.id)));
      expectForbidden(await trader.get(`/api/v1/cctv/snapshots?cameraId=${gateCamera.id}`));
      expectForbidden(await trader.post('/api/v1/cctv/snapshots', { snapshots: [snapshot(gateCamera.id, minutesAgo(1))] }));
      expectForbidden(await trader.get('/api/v1/cctv/policy'));
      expectForbidden(await trader.get(`/api/v1/cctv/coverage?from=${minutesAgo(60).toISOString()}&to=${new Date().toISOString()}`));
    });

    it("keeps another zone's operator from seeing or changing the zone's cameras", async () => {
      expectNotFound(await operatorB.get(`/api/v1/cameras/${gateCamera.id}`));
      expect((await listAll(operatorB, '/api/v1/cameras')).map((c) => c.id)).toEqual([cameraB.id]);
      expect((await operatorB.get(`/api/v1/cameras?zoneId=${zoneA.id}`)).body).toEqual({ items: [], nextCursor: null });
      const { id: _id, zoneId: _zoneId, createdAt: _c, updatedAt: _u, version: _v, ...fields } = gateCamera as Record<string, unknown>;
      expectNotFound(await operatorB.put(`/api/v1/cameras/${gateCamera.id}`, { ...fields, name: 'Taken over' }));
      const intoOtherZone = await operatorB.post('/api/v1/cameras', camera(zoneA.id));
      expectError(intoOtherZone, 400, 'VALIDATION_FAILED');
      expect(intoOtherZone.body.error.details).toEqual([{ path: '/zoneId', message: 'no such zone' }]);
    });

    it('lets officers, analysts and auditors read but not register', async () => {
      expectForbidden(await officerA.post('/api/v1/cameras', camera(zoneA.id)));
      expectForbidden(await auditor.post('/api/v1/cameras', camera(zoneA.id)));
      expectStatus(await auditor.get(`/api/v1/cameras/${gateCamera.id}`), 200);
    });
  });

  describe('snapshots', () => {
    it('stores one snapshot, and the same snapshot sent again only once', async () => {
      const one = snapshot(gateCamera.id, minutesAgo(30));
      const first = await cameraSystemA.post('/api/v1/cctv/snapshots', { snapshots: [one] });
      expectStatus(first, 201);
      expect(first.body).toEqual({ received: 1, stored: 1, duplicates: 0 });
      // A resend after a timeout, with the hash in capitals: still the same image.
      const resent = await cameraSystemA.post('/api/v1/cctv/snapshots', { snapshots: [{ ...one, imageSha256: one.imageSha256.toUpperCase() }] });
      expectStatus(resent, 201);
      expect(resent.body).toEqual({ received: 1, stored: 0, duplicates: 1 });
      const stored = await snapshotsOf(officerA, gateCamera.id);
      expect(stored).toEqual([
        {
          id: expect.any(String),
          cameraId: gateCamera.id,
          zoneId: zoneA.id,
          capturedAt: one.capturedAt,
          imageSha256: one.imageSha256,
          storageUri: one.storageUri,
          sizeBytes: 48_213,
          receivedAt: expect.any(String),
        },
      ]);
    });

    it('stores a batch, counting what it repeats', async () => {
      const batch = [snapshot(warehouseCamera.id, minutesAgo(20)), snapshot(warehouseCamera.id, minutesAgo(15)), snapshot(gateCamera.id, minutesAgo(10))];
      const sent = await operatorA.post('/api/v1/cctv/snapshots', { snapshots: [...batch, batch[0]] });
      expectStatus(sent, 201);
      expect(sent.body).toEqual({ received: 4, stored: 3, duplicates: 1 });
      const inWarehouse = await snapshotsOf(officerA, warehouseCamera.id);
      expect(inWarehouse.map((s) => s.capturedAt)).toEqual([batch[1]?.capturedAt, batch[0]?.capturedAt]);
      const window = await officerA.get(`/api/v1/cctv/snapshots?zoneId=${zoneA.id}&from=${minutesAgo(12).toISOString()}`);
      expect(window.body.items.map((s: { cameraId: string }) => s.cameraId)).toEqual([gateCamera.id]);
    });

    it('refuses the whole batch for a time ahead of the clock, an unknown or foreign camera, or a bad hash', async () => {
      const before = (await snapshotsOf(officerA, gateCamera.id)).length;
      const refused = await cameraSystemA.post('/api/v1/cctv/snapshots', {
        snapshots: [
          snapshot(gateCamera.id, minutesAgo(1)),
          snapshot(gateCamera.id, new Date(Date.now() + 10 * 60_000)),
          snapshot(cameraB.id, minutesAgo(1)),
          snapshot('0190a000-0000-7000-8000-000000000000', minutesAgo(1)),
        ],
      });
      expectError(refused, 400, 'VALIDATION_FAILED');
      expect(refused.body.error.details).toEqual([
        { path: '/snapshots/1/capturedAt', message: expect.stringContaining('is more than 5 minutes ahead') },
        { path: '/snapshots/2/cameraId', message: 'no such camera in your zones' },
        { path: '/snapshots/3/cameraId', message: 'no such camera in your zones' },
      ]);
      // A camera clock a little ahead is tolerated.
      expectStatus(await cameraSystemA.post('/api/v1/cctv/snapshots', { snapshots: [snapshot(gateCamera.id, new Date(Date.now() + 60_000))] }), 201);
      const badHash = await cameraSystemA.post('/api/v1/cctv/snapshots', { snapshots: [snapshot(gateCamera.id, minutesAgo(1), { imageSha256: 'abc' })] });
      expectError(badHash, 400, 'VALIDATION_FAILED');
      expect(pathsOf(badHash)).toEqual(['/snapshots/0/imageSha256']);
      const tooMany = await cameraSystemA.post('/api/v1/cctv/snapshots', { snapshots: Array.from({ length: 501 }, (_, i) => snapshot(gateCamera.id, minutesAgo(i + 1))) });
      expectError(tooMany, 400, 'VALIDATION_FAILED');
      expect(pathsOf(tooMany)).toEqual(['/snapshots']);
      expect(await snapshotsOf(officerA, gateCamera.id)).toHaveLength(before + 1);
    });

    it("refuses another zone's operator, a key without the scope, and an inactive camera", async () => {
      const refused = await operatorB.post('/api/v1/cctv/snapshots', { snapshots: [snapshot(gateCamera.id, minutesAgo(2))] });
      expectError(refused, 400, 'VALIDATION_FAILED');
      expect(refused.body.error.details).toEqual([{ path: '/snapshots/0/cameraId', message: 'no such camera in your zones' }]);
      expectNotFound(await operatorB.get(`/api/v1/cctv/snapshots?cameraId=${gateCamera.id}`));
      expect((await operatorB.get(`/api/v1/cctv/snapshots?zoneId=${zoneA.id}`)).body.items).toEqual([]);

      const unscoped = await t.admin.post('/api/v1/api-keys', { name: 'reader without scope', role: 'zone_operator', zoneIds: [zoneA.id], scopes: ['gate-events:write'] });
      expectForbidden(await t.client(unscoped.body.key as string).post('/api/v1/cctv/snapshots', { snapshots: [snapshot(gateCamera.id, minutesAgo(2))] }));

      const retired = (await operatorA.post('/api/v1/cameras', camera(zoneA.id, { active: false }))).body;
      const toRetired = await cameraSystemA.post('/api/v1/cctv/snapshots', { snapshots: [snapshot(retired.id, minutesAgo(2))] });
      expectError(toRetired, 400, 'VALIDATION_FAILED');
      expect(toRetired.body.error.details).toEqual([{ path: '/snapshots/0/cameraId', message: 'the camera is inactive' }]);
    });
  });

  describe('holds', () => {
    it('lets a customs officer hold the snapshots of a period, and no one else', async () => {
      const from = minutesAgo(60).toISOString();
      const to = new Date().toISOString();
      const hold = await officerA.post('/api/v1/cctv/holds', { cameraId: warehouseCamera.id, from, to, reason: 'Seizure of spirits, case 2024/117' });
      expectStatus(hold, 201);
      expect(hold.body).toMatchObject({ cameraId: warehouseCamera.id, zoneId: zoneA.id, from, to, snapshotsHeld: 2 });
      expectForbidden(await operatorA.post('/api/v1/cctv/holds', { cameraId: warehouseCamera.id, from, to, reason: 'x' }));
      const foreign = await officerB.post('/api/v1/cctv/holds', { cameraId: warehouseCamera.id, from, to, reason: 'x' });
      expectError(foreign, 400, 'VALIDATION_FAILED');
      expect(foreign.body.error.details).toEqual([{ path: '/cameraId', message: 'no such camera in your zones' }]);
      const backwards = await officerA.post('/api/v1/cctv/holds', { cameraId: warehouseCamera.id, from: to, to: from, reason: 'x' });
      expectError(backwards, 400, 'VALIDATION_FAILED');
      expect(backwards.body.error.details).toEqual([{ path: '/to', message: 'must be after from' }]);
    });
  });

  describe('coverage policy', () => {
    it('ships alcohol and tobacco at five minutes, thirty days of retention and ninety under a hold', async () => {
      const policy = await officerA.get('/api/v1/cctv/policy');
      expectStatus(policy, 200);
      expect(policy.body).toMatchObject({
        defaultIntervalMinutes: 60,
        retentionDays: 30,
        extendedRetentionDays: 90,
        goodsClasses: [
          { name: 'alcohol', hsChapters: ['22'], intervalMinutes: 5, severity: 'CRITICAL' },
          { name: 'tobacco', hsChapters: ['24'], intervalMinutes: 5, severity: 'CRITICAL' },
        ],
        version: 1,
      });
    });

    it('is set by the admin only, and a policy that breaks a rule is refused naming the field', async () => {
      const { version: _version, updatedBy: _updatedBy, updatedAt: _updatedAt, ...current } = (await t.admin.get('/api/v1/cctv/policy')).body;
      expectForbidden(await officerA.put('/api/v1/cctv/policy', current));
      expectForbidden(await operatorA.put('/api/v1/cctv/policy', current));
      const broken = await t.admin.put('/api/v1/cctv/policy', {
        ...current,
        extendedRetentionDays: 10,
        goodsClasses: [...current.goodsClasses, { name: 'unknown', hsChapters: ['77', '22'], intervalMinutes: 5, severity: 'WARNING' }],
      });
      expectError(broken, 400, 'VALIDATION_FAILED');
      expect(broken.body.error.details).toEqual([
        { path: '/extendedRetentionDays', message: expect.stringContaining('must be at least retentionDays (30)') },
        { path: '/goodsClasses/2/hsChapters/0', message: 'is not a chapter of the HS nomenclature' },
        { path: '/goodsClasses/2/hsChapters/1', message: 'chapter 22 is already in the class "alcohol"' },
      ]);
      const badShape = await t.admin.put('/api/v1/cctv/policy', { ...current, defaultIntervalMinutes: 0, defaultSeverity: 'LOUD' });
      expectError(badShape, 400, 'VALIDATION_FAILED');
      expect(pathsOf(badShape)).toEqual(expect.arrayContaining(['/defaultIntervalMinutes', '/defaultSeverity']));
      expect((await t.admin.get('/api/v1/cctv/policy')).body.version).toBe(1);

      const stricter = { ...current, gateIntervalMinutes: 10, goodsClasses: [...current.goodsClasses, { name: 'arms', hsChapters: ['93'], intervalMinutes: 2, severity: 'CRITICAL' }] };
      const saved = await t.admin.put('/api/v1/cctv/policy', stricter);
      expectStatus(saved, 200);
      expect(saved.body).toMatchObject({ ...stricter, version: 2 });
      expect((await auditor.get('/api/v1/cctv/policy')).body).toEqual(saved.body);
    });
  });
});
