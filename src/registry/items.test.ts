import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { DEFAULT_SELECTIVITY } from '../declarations/selectivity.schema.ts';
import { createEnterprise, createItem, createUser, createZone, pathsOf, readAll } from './registry.fixtures.ts';
import type { Enterprise, Item, Zone } from './registry.schemas.ts';

describe('items', () => {
  let t: TestApp;
  let north: Zone;
  let south: Zone;
  let acme: Enterprise;
  let bolt: Enterprise;
  let acmeUser: ApiClient;
  let boltUser: ApiClient;
  let boltItem: Item;
  beforeAll(async () => {
    t = await createTestApp();
    north = await createZone(t.admin);
    south = await createZone(t.admin);
    acme = await createEnterprise(t.admin, [north.id]);
    bolt = await createEnterprise(t.admin, [south.id]);
    acmeUser = await createUser(t, 'enterprise_user', { enterpriseId: acme.id });
    boltUser = await createUser(t, 'enterprise_user', { enterpriseId: bolt.id });
    boltItem = await createItem(boltUser, { partNumber: 'BOLT-PHONE-1', hsCode: '851713', description: 'Smartphones' });
  });
  afterAll(() => t.close());

  it("lets an enterprise user add items to its own catalogue, its enterprise taken by default", async () => {
    const body = { partNumber: 'ACME-LAPTOP-14', hsCode: '847130', description: 'Laptop, 14 inch', unit: 'H87' };
    const created = await acmeUser.post('/api/v1/items', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, enterpriseId: acme.id, active: true, version: 1 });
    expect(await t.ctx.registry.findItem(t.ctx.db, created.body.id)).toEqual(created.body);
    expect((await acmeUser.post('/api/v1/items', { ...body, partNumber: 'ACME-2', enterpriseId: acme.id })).status).toBe(201);

    const patched = await acmeUser.patch(`/api/v1/items/${created.body.id}`, { unit: 'KGM', description: 'Laptops, bulk' });
    expect(patched.body).toMatchObject({ ...body, unit: 'KGM', description: 'Laptops, bulk', version: 2 });
    const history = await acmeUser.get(`/api/v1/history/item/${created.body.id}`);
    expect(history.body.items.map((e: { version: number; action: string }) => `${e.version} ${e.action}`)).toEqual(['2 UPDATED', '1 CREATED']);
    expect(history.body.items[1].data.unit).toBe('H87');
  });

  it("hides another enterprise's items from an enterprise user: 404, never 403", async () => {
    const foreign = await acmeUser.post('/api/v1/items', { enterpriseId: bolt.id, partNumber: 'X', hsCode: '847130', description: 'x', unit: 'H87' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    expect((await acmeUser.get(`/api/v1/items/${boltItem.id}`)).status).toBe(404);
    expect((await acmeUser.patch(`/api/v1/items/${boltItem.id}`, { description: 'mine now' })).status).toBe(404);
    expect((await acmeUser.get(`/api/v1/history/item/${boltItem.id}`)).status).toBe(404);
    expect((await acmeUser.get(`/api/v1/items?enterpriseId=${bolt.id}`)).body.items).toEqual([]);
    const own = await readAll<Item>(acmeUser, '/api/v1/items', 50);
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.every((i) => i.enterpriseId === acme.id)).toBe(true);
  });

  it('checks the HS code against the edition in force, the unit and the part number, naming each', async () => {
    const bad = await acmeUser.post('/api/v1/items', { partNumber: 'ACME-LAPTOP-14', hsCode: '851712', description: 'Old phone', unit: 'XYZ' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { path: '/partNumber', message: 'is already used by another item of this enterprise' },
      { path: '/hsCode', message: 'is not a subheading of HS2022' },
      { path: '/unit', message: 'is not a known UN/ECE Recommendation 20 unit code' },
    ]);
    const shape = await acmeUser.post('/api/v1/items', { partNumber: ' padded', hsCode: '8517', description: '', unit: 'kgm' });
    expect(pathsOf(shape)).toEqual(expect.arrayContaining(['/partNumber', '/hsCode', '/description', '/unit']));

    // 8517.12 left the nomenclature in HS 2022; it is valid while the administration applies HS 2017.
    const settings = (await t.admin.get('/api/v1/administration')).body;
    const { version: _v, updatedAt: _u, ...input } = settings;
    expect((await t.admin.put('/api/v1/administration', { ...input, hsEdition: 'HS2017', selectivity: DEFAULT_SELECTIVITY })).status).toBe(200);
    expect((await acmeUser.post('/api/v1/items', { partNumber: 'OLD-PHONE', hsCode: '851712', description: 'Phone', unit: 'H87' })).status).toBe(201);
    expect((await t.admin.put('/api/v1/administration', { ...input, hsEdition: 'HS2022', selectivity: DEFAULT_SELECTIVITY })).status).toBe(200);
  });

  it('lets admins and customs officers add items for an enterprise they see, and others only read', async () => {
    const missing = await t.admin.post('/api/v1/items', { partNumber: 'A', hsCode: '847130', description: 'a', unit: 'H87' });
    expect(missing.body.error.details).toEqual([{ path: '/enterpriseId', message: 'is required' }]);
    expect((await createItem(t.admin, { enterpriseId: acme.id })).enterpriseId).toBe(acme.id);

    const northOfficer = await createUser(t, 'customs_officer', { zoneIds: [north.id] });
    expect((await createItem(northOfficer, { enterpriseId: acme.id })).enterpriseId).toBe(acme.id);
    const outside = await northOfficer.post('/api/v1/items', { enterpriseId: bolt.id, partNumber: 'B', hsCode: '847130', description: 'b', unit: 'H87' });
    expect(outside.body.error.details).toEqual([{ path: '/enterpriseId', message: 'no such enterprise' }]);
    expect((await northOfficer.get(`/api/v1/items/${boltItem.id}`)).status).toBe(404);
    const seen = await readAll<Item>(northOfficer, '/api/v1/items', 50);
    expect(seen.items.every((i) => i.enterpriseId === acme.id)).toBe(true);

    const auditor = await createUser(t, 'auditor');
    expect((await auditor.get(`/api/v1/items/${boltItem.id}`)).status).toBe(200);
    expect((await auditor.post('/api/v1/items', { enterpriseId: acme.id, partNumber: 'C', hsCode: '847130', description: 'c', unit: 'H87' })).status).toBe(403);
    expect((await auditor.patch(`/api/v1/items/${boltItem.id}`, { active: false })).status).toBe(403);
    const operator = await createUser(t, 'zone_operator');
    expect((await operator.post('/api/v1/items', { enterpriseId: acme.id, partNumber: 'D', hsCode: '847130', description: 'd', unit: 'H87' })).status).toBe(403);
  });

  it('searches by part number, description or HS prefix, and pages in part-number order', async () => {
    for (const n of [1, 2, 3, 4, 5]) await createItem(boltUser, { partNumber: `BOLT-CABLE-${n}`, hsCode: '854442', description: 'Cable with connectors', unit: 'MTR' });
    expect((await boltUser.get('/api/v1/items?q=phone-1')).body.items.map((i: Item) => i.id)).toEqual([boltItem.id]);
    expect((await boltUser.get('/api/v1/items?q=connectors&limit=200')).body.items).toHaveLength(5);
    expect((await boltUser.get('/api/v1/items?q=8517')).body.items.map((i: Item) => i.id)).toEqual([boltItem.id]);
    const all = await readAll<Item>(boltUser, '/api/v1/items', 2);
    expect(all.items).toHaveLength(6);
    expect(all.pages).toBe(3);
    const parts = all.items.map((i) => i.partNumber);
    expect(parts).toEqual([...parts].sort());
  });

  it('answers a retried creation with the first item, and a reused key for another body with 422', async () => {
    const body = { partNumber: 'RETRY-1', hsCode: '847130', description: 'r', unit: 'H87' };
    const first = await acmeUser.post('/api/v1/items', body, { 'idempotency-key': 'item-retry' });
    const retry = await acmeUser.post('/api/v1/items', body, { 'idempotency-key': 'item-retry' });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    const reused = await acmeUser.post('/api/v1/items', { ...body, partNumber: 'RETRY-2' }, { 'idempotency-key': 'item-retry' });
    expect(reused.status).toBe(422);
    // A failed write stores no key: the same key can carry the corrected request.
    const failed = await acmeUser.post('/api/v1/items', { ...body, partNumber: 'RETRY-3', unit: 'XYZ' }, { 'idempotency-key': 'item-fix' });
    expect(failed.status).toBe(400);
    expect((await acmeUser.post('/api/v1/items', { ...body, partNumber: 'RETRY-3' }, { 'idempotency-key': 'item-fix' })).status).toBe(201);
  });
});
