import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import type { ApiClient } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone, pathsOf, readAll, square, zoneBody } from './registry.fixtures.ts';
import type { Zone } from './registry.schemas.ts';

const gate = { code: 'G1', name: 'North gate', kind: 'ROAD', direction: 'BOTH', latitude: 40.69, longitude: -74.15 };

describe('zones and gates', () => {
  let t: TestApp;
  let north: Zone;
  let south: Zone;
  let northOperator: ApiClient;
  beforeAll(async () => {
    t = await createTestApp();
    north = await createZone(t.admin, { name: 'North' });
    south = await createZone(t.admin, { name: 'South', locode: 'USNYC', perimeter: { type: 'MultiPolygon', coordinates: [[square(-74, 40.7)], [square(-74.1, 40.6)]] } });
    northOperator = await createUser(t, 'zone_operator', { zoneIds: [north.id] });
  });
  afterAll(() => t.close());

  it('registers a zone, reads it back with its gates, and changes only the fields sent', async () => {
    const body = zoneBody({ name: 'Bayonne FTZ 49' });
    const created = await t.admin.post('/api/v1/zones', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, active: true, version: 1, gates: [] });

    const read = await t.admin.get(`/api/v1/zones/${created.body.id}`);
    expect(read.body).toEqual(created.body);
    expect(await t.ctx.registry.findZone(t.ctx.db, created.body.id)).toEqual(created.body);

    const patched = await t.admin.patch(`/api/v1/zones/${created.body.id}`, { name: 'Bayonne FTZ 49 (site 2)', territorialPattern: 3 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ ...body, name: 'Bayonne FTZ 49 (site 2)', territorialPattern: 3, version: 2 });

    const history = await t.admin.get(`/api/v1/history/zone/${created.body.id}`);
    expect(history.body.items.map((e: { version: number; action: string }) => `${e.version} ${e.action}`)).toEqual(['2 UPDATED', '1 CREATED']);
    expect(history.body.items[1].data.name).toBe('Bayonne FTZ 49');
    expect(history.body.items[0].data).not.toHaveProperty('gates');
  });

  it('names each bad field of a zone and stores nothing', async () => {
    const before = (await readAll<Zone>(t.admin, '/api/v1/zones', 200)).items.length;
    const shape = await t.admin.post('/api/v1/zones', zoneBody({ code: 'lower case', zoneType: 'FREE_SPACE', territorialPattern: 5, extra: true }));
    expect(shape.status).toBe(400);
    expect(pathsOf(shape)).toEqual(expect.arrayContaining(['/code', '/zoneType', '/territorialPattern', '/extra']));

    const ring = square(-74.15, 40.69);
    ring[2] = [-74.14, 95];
    const rules = await t.admin.post(
      '/api/v1/zones',
      zoneBody({ code: north.code, locode: 'ZZZZZ', perimeter: { type: 'Polygon', coordinates: [square(-74, 40).slice(0, 4), ring] } }),
    );
    expect(rules.status).toBe(400);
    expect(rules.body.error.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(rules)).toEqual(['/locode', '/perimeter/coordinates/0', '/perimeter/coordinates/1/2/1', '/code']);
    expect((await readAll<Zone>(t.admin, '/api/v1/zones', 200)).items.length).toBe(before);

    const patch = await t.admin.patch(`/api/v1/zones/${north.id}`, { perimeter: { type: 'Polygon', coordinates: [[[0, 0], [1, 1]]] } });
    expect(pathsOf(patch)).toEqual(['/perimeter/coordinates/0']);
    expect((await t.admin.patch(`/api/v1/zones/${north.id}`, {})).status).toBe(400);
  });

  it('lets only admins register zones', async () => {
    const officer = await createUser(t, 'customs_officer');
    expect((await officer.post('/api/v1/zones', zoneBody())).status).toBe(403);
    expect((await northOperator.patch(`/api/v1/zones/${north.id}`, { name: 'Mine' })).status).toBe(403);
  });

  it('lets admins and the zone operator add gates, and no one else', async () => {
    const added = await t.admin.post(`/api/v1/zones/${north.id}/gates`, gate);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ ...gate, zoneId: north.id, active: true, version: 1 });

    const byOperator = await northOperator.post(`/api/v1/zones/${north.id}/gates`, { ...gate, code: 'G2', kind: 'RAIL', direction: 'IN' });
    expect(byOperator.status).toBe(201);
    // Another zone's operator does not see this zone; an auditor may not write.
    expect((await northOperator.post(`/api/v1/zones/${south.id}/gates`, gate)).status).toBe(404);
    const auditor = await createUser(t, 'auditor');
    expect((await auditor.post(`/api/v1/zones/${north.id}/gates`, { ...gate, code: 'G9' })).status).toBe(403);

    const duplicate = await t.admin.post(`/api/v1/zones/${north.id}/gates`, { ...gate, latitude: 91, kind: 'BOAT' });
    expect(duplicate.status).toBe(400);
    expect(pathsOf(duplicate)).toEqual(expect.arrayContaining(['/latitude', '/kind']));
    expect(pathsOf(await t.admin.post(`/api/v1/zones/${north.id}/gates`, gate))).toEqual(['/code']);
    // The same code is free in another zone.
    expect((await t.admin.post(`/api/v1/zones/${south.id}/gates`, gate)).status).toBe(201);

    const zone = await t.admin.get(`/api/v1/zones/${north.id}`);
    expect(zone.body.gates.map((g: { code: string }) => g.code)).toEqual(['G1', 'G2']);

    const patched = await northOperator.patch(`/api/v1/gates/${added.body.id}`, { direction: 'OUT', active: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ direction: 'OUT', active: false, version: 2 });
    expect(pathsOf(await northOperator.patch(`/api/v1/gates/${added.body.id}`, { code: 'G2' }))).toEqual(['/code']);
    const history = await auditor.get(`/api/v1/history/gate/${added.body.id}`);
    expect(history.body.items.map((e: { version: number }) => e.version)).toEqual([2, 1]);
    expect(history.body.items[0].changedBy.name).toMatch(/^zone-operator-/);
  });

  it('shows zone-scoped staff their zones, and enterprise users the zones of their enterprise', async () => {
    const operatorZones = (await readAll<Zone>(northOperator, '/api/v1/zones', 50)).items.map((z) => z.id);
    expect(operatorZones).toEqual([north.id]);
    expect((await northOperator.get(`/api/v1/zones/${south.id}`)).status).toBe(404);
    expect((await northOperator.get(`/api/v1/history/zone/${south.id}`)).status).toBe(404);

    const enterprise = await createEnterprise(t.admin, [south.id]);
    const trader = await createUser(t, 'enterprise_user', { enterpriseId: enterprise.id });
    expect((await readAll<Zone>(trader, '/api/v1/zones', 50)).items.map((z) => z.id)).toEqual([south.id]);
    expect((await trader.get(`/api/v1/zones/${north.id}`)).status).toBe(404);
    expect((await trader.get(`/api/v1/zones/${south.id}`)).body.gates).toHaveLength(1);
  });

  it('pages through zones in code order and refuses a forged cursor', async () => {
    for (let i = 0; i < 3; i += 1) await createZone(t.admin);
    const all = await readAll<Zone>(t.admin, '/api/v1/zones', 2);
    const codes = all.items.map((z) => z.code);
    expect(all.pages).toBeGreaterThan(2);
    expect(codes).toEqual([...codes].sort());
    expect(new Set(codes).size).toBe(codes.length);
    expect(all.items.find((z) => z.id === north.id)?.gates).toHaveLength(2);
    expect((await t.admin.get('/api/v1/zones?cursor=not-a-cursor')).status).toBe(400);
  });

  it('pages through the history of a zone, newest first', async () => {
    const zone = await createZone(t.admin);
    for (const name of ['Second', 'Third', 'Fourth']) await t.admin.patch(`/api/v1/zones/${zone.id}`, { name });
    const history = await readAll<{ version: number; data: { name: string } }>(t.admin, `/api/v1/history/zone/${zone.id}`, 3);
    expect(history.pages).toBe(2);
    expect(history.items.map((e) => e.version)).toEqual([4, 3, 2, 1]);
    expect(history.items[0]?.data.name).toBe('Fourth');
    expect((await t.admin.get(`/api/v1/history/zone/${zone.id}?cursor=bad`)).status).toBe(400);
    expect((await t.admin.get('/api/v1/history/zone/not-a-uuid')).status).toBe(404);
    expect((await t.admin.get(`/api/v1/history/spaceship/${zone.id}`)).status).toBe(400);
  });

  it('lets one of two concurrent registrations of a code win', async () => {
    const body = zoneBody();
    const answers = await Promise.all([t.admin.post('/api/v1/zones', body), t.admin.post('/api/v1/zones', body)]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses[0]).toBe(201);
    // PGlite runs the second after the first (a field error); PostgreSQL may run them side by side (a conflict).
    expect([400, 409]).toContain(statuses[1]);
  });

  it('answers a retried creation with the first zone', async () => {
    const body = zoneBody();
    const first = await t.admin.post('/api/v1/zones', body, { 'idempotency-key': 'zone-retry' });
    const retry = await t.admin.post('/api/v1/zones', body, { 'idempotency-key': 'zone-retry' });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });
});
