import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone, enterpriseBody, pathsOf, readAll } from './registry.fixtures.ts';
import type { Enterprise, Zone } from './registry.schemas.ts';

const ids = (list: { id: string }[]) => list.map((e) => e.id).sort();

describe('enterprises', () => {
  let t: TestApp;
  let north: Zone;
  let south: Zone;
  let northOfficer: ApiClient;
  let inNorth: Enterprise;
  let inSouth: Enterprise;
  beforeAll(async () => {
    t = await createTestApp();
    north = await createZone(t.admin);
    south = await createZone(t.admin);
    northOfficer = await createUser(t, 'customs_officer', { zoneIds: [north.id] });
    inNorth = await createEnterprise(t.admin, [north.id], { name: 'Acme Northern Logistics' });
    inSouth = await createEnterprise(t.admin, [south.id], { name: 'Bolt Southern Trading' });
  });
  afterAll(() => t.close());

  it('registers an enterprise with its licence and changes only the fields sent', async () => {
    const body = enterpriseBody([north.id, south.id], {
      identifier: 'DE123456789012345',
      country: 'DE',
      roles: ['MANUFACTURER'],
      licenceNumber: 'FTZ-49-0007',
      licenceValidFrom: '2024-01-01',
      licenceValidTo: '2028-12-31',
      aeoStatus: 'AEO_F',
    });
    const created = await t.admin.post('/api/v1/enterprises', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, active: true, version: 1 });
    expect(await t.ctx.registry.findEnterprise(t.ctx.db, created.body.id)).toEqual(created.body);

    const patched = await northOfficer.patch(`/api/v1/enterprises/${created.body.id}`, { aeoStatus: 'AEO_C', licenceValidTo: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ ...body, aeoStatus: 'AEO_C', licenceValidTo: null, version: 2 });
    // Nothing changed, no new version.
    expect((await t.admin.patch(`/api/v1/enterprises/${created.body.id}`, { aeoStatus: 'AEO_C' })).body.version).toBe(2);

    const history = await t.admin.get(`/api/v1/history/enterprise/${created.body.id}`);
    expect(history.body.items.map((e: { version: number; action: string }) => `${e.version} ${e.action}`)).toEqual(['2 UPDATED', '1 CREATED']);
    expect(history.body.items[0].changedBy.name).toMatch(/^customs-officer-/);
    expect(history.body.items[1].data.licenceValidTo).toBe('2028-12-31');
  });

  it('names each bad field and stores nothing', async () => {
    const shape = await t.admin.post('/api/v1/enterprises', {
      identifier: 'x',
      name: '',
      country: 'usa',
      roles: ['SMUGGLER'],
      licenceValidFrom: '2024-02-30',
    });
    expect(shape.status).toBe(400);
    expect(pathsOf(shape)).toEqual(expect.arrayContaining(['/identifier', '/name', '/country', '/roles/0', '/licenceValidFrom']));

    const missingZone = '3f0a9d4e-8c1b-4d2e-9f3a-5b6c7d8e9f00';
    const rules = await t.admin.post(
      '/api/v1/enterprises',
      enterpriseBody([north.id, missingZone], {
        identifier: inNorth.identifier,
        country: 'XX',
        licenceValidFrom: '2025-06-01',
        licenceValidTo: '2025-05-31',
      }),
    );
    expect(rules.status).toBe(400);
    expect(pathsOf(rules).sort()).toEqual(['/country', '/identifier', '/licenceValidTo', '/zoneIds/1']);
    const stored = await readAll<Enterprise>(t.admin, '/api/v1/enterprises', 200);
    expect(stored.items.filter((e) => e.identifier === inNorth.identifier)).toHaveLength(1);

    // The licence dates are checked together when only one of them changes.
    const patch = await t.admin.patch(`/api/v1/enterprises/${inNorth.id}`, { licenceValidFrom: '2030-01-01', licenceValidTo: '2029-01-01' });
    expect(pathsOf(patch)).toEqual(['/licenceValidTo']);
    expect(pathsOf(await t.admin.patch(`/api/v1/enterprises/${inNorth.id}`, { identifier: inSouth.identifier }))).toEqual(['/identifier']);
  });

  it('shows zone-scoped officers the enterprises of their zones and keeps them to those zones', async () => {
    const seen = ids((await readAll<Enterprise>(northOfficer, '/api/v1/enterprises', 50)).items);
    expect(seen).toContain(inNorth.id);
    expect(seen).not.toContain(inSouth.id);
    expect((await northOfficer.get(`/api/v1/enterprises/${inSouth.id}`)).status).toBe(404);
    expect((await northOfficer.patch(`/api/v1/enterprises/${inSouth.id}`, { name: 'Taken over' })).status).toBe(404);

    const outside = await northOfficer.post('/api/v1/enterprises', enterpriseBody([south.id]));
    expect(outside.status).toBe(400);
    expect(outside.body.error.details).toEqual(
      expect.arrayContaining([
        { path: '/zoneIds/0', message: 'is not one of your zones' },
        { path: '/zoneIds', message: 'must include one of your zones' },
      ]),
    );
    const inside = await northOfficer.post('/api/v1/enterprises', enterpriseBody([north.id]));
    expect(inside.status).toBe(201);
  });

  it('shows an enterprise user its own enterprise only, and lets it change none', async () => {
    const trader = await createUser(t, 'enterprise_user', { enterpriseId: inNorth.id });
    expect(ids((await readAll<Enterprise>(trader, '/api/v1/enterprises', 50)).items)).toEqual([inNorth.id]);
    expect((await trader.get(`/api/v1/enterprises/${inNorth.id}`)).status).toBe(200);
    const other = await trader.get(`/api/v1/enterprises/${inSouth.id}`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    expect((await trader.get(`/api/v1/history/enterprise/${inSouth.id}`)).status).toBe(404);
    expect((await trader.post('/api/v1/enterprises', enterpriseBody([north.id]))).status).toBe(403);
    expect((await trader.patch(`/api/v1/enterprises/${inNorth.id}`, { aeoStatus: 'AEO_F' })).status).toBe(403);
  });

  it('lets auditors and risk analysts read but never write', async () => {
    for (const role of ['auditor', 'risk_analyst'] as const) {
      const reader = await createUser(t, role);
      expect((await reader.get(`/api/v1/enterprises/${inSouth.id}`)).status).toBe(200);
      expect((await reader.post('/api/v1/enterprises', enterpriseBody([north.id]))).status).toBe(403);
      expect((await reader.patch(`/api/v1/enterprises/${inSouth.id}`, { name: 'x' })).status).toBe(403);
    }
  });

  it('filters by name or identifier and by zone, and pages in name order', async () => {
    const byName = await t.admin.get('/api/v1/enterprises?q=northern');
    expect(ids(byName.body.items)).toEqual([inNorth.id]);
    const byIdentifier = await t.admin.get(`/api/v1/enterprises?q=${inSouth.identifier.slice(2)}`);
    expect(ids(byIdentifier.body.items)).toEqual([inSouth.id]);
    // LIKE wildcards in q are taken literally.
    expect((await t.admin.get('/api/v1/enterprises?q=%25')).body.items).toEqual([]);
    const bySouth = await readAll<Enterprise>(t.admin, `/api/v1/enterprises?zoneId=${south.id}`, 50);
    expect(bySouth.items.every((e) => e.zoneIds.includes(south.id))).toBe(true);

    for (let i = 0; i < 3; i += 1) await createEnterprise(t.admin, [north.id], { name: 'Same Name Inc' });
    const all = await readAll<Enterprise>(t.admin, '/api/v1/enterprises', 2);
    const names = all.items.map((e) => e.name);
    expect(all.pages).toBeGreaterThan(2);
    expect(names).toEqual([...names].sort());
    expect(new Set(all.items.map((e) => e.id)).size).toBe(all.items.length);
    expect(names.filter((n) => n === 'Same Name Inc')).toHaveLength(3);
  });

  it('answers a retried registration with the first enterprise', async () => {
    const body = enterpriseBody([north.id]);
    const first = await t.admin.post('/api/v1/enterprises', body, { 'idempotency-key': 'enterprise-retry' });
    const retry = await t.admin.post('/api/v1/enterprises', body, { 'idempotency-key': 'enterprise-retry' });
    expect(first.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });
});
