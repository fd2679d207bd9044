import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import { DEFAULT_SELECTIVITY } from '../declarations/selectivity.schema.ts';
import { createEnterprise, createUser, pathsOf } from './registry.fixtures.ts';

const settings = {
  name: 'Customs and Border Protection',
  country: 'US',
  currency: 'USD',
  hsEdition: 'HS2022',
  vatRate: '0.0500',
  statusModel: 'US_FTZ',
  selectivity: {
    ...DEFAULT_SELECTIVITY,
    rules: [{ name: 'Smartphones from CN', lane: 'YELLOW', reason: 'IPR watch list', hsPrefixes: ['8517'], originCountries: ['CN', 'DE'] }],
  },
};

describe('administration settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('starts with the defaults of migration 004, readable by every role', async () => {
    const auditor = await createUser(t, 'auditor');
    const response = await auditor.get('/api/v1/administration');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'Customs administration',
      country: 'US',
      currency: 'USD',
      hsEdition: 'HS2022',
      vatRate: '0',
      statusModel: 'STANDARD',
      selectivity: DEFAULT_SELECTIVITY,
      version: 1,
    });
    // Other modules read the same settings through the service.
    expect(await t.ctx.registry.getAdministration(t.ctx.db)).toEqual(response.body);
  });

  it('is replaced by an admin only, with the version bumped and the history kept', async () => {
    const auditor = await createUser(t, 'auditor');
    const officer = await createUser(t, 'customs_officer');
    expect((await auditor.put('/api/v1/administration', settings)).status).toBe(403);
    expect((await officer.put('/api/v1/administration', settings)).status).toBe(403);

    const updated = await t.admin.put('/api/v1/administration', settings);
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ ...settings, vatRate: '0.05', version: 2 });

    // The same settings again change nothing and make no new version.
    const again = await t.admin.put('/api/v1/administration', { ...settings, vatRate: '0.05' });
    expect(again.body.version).toBe(2);

    const history = await auditor.get('/api/v1/history/administration/1');
    expect(history.status).toBe(200);
    expect(history.body.items.map((entry: { version: number; action: string }) => [entry.version, entry.action])).toEqual([
      [2, 'UPDATED'],
      [1, 'CREATED'],
    ]);
    expect(history.body.items[0].changedBy.name).toBe('admin');
    expect(history.body.items[0].data).toEqual(updated.body);
    expect(history.body.items[1].changedBy).toBeNull();
    expect((await auditor.get('/api/v1/history/administration/2')).status).toBe(404);
  });

  it('names every bad field, schema or reference, and stores nothing', async () => {
    const before = (await t.admin.get('/api/v1/administration')).body;
    const shape = await t.admin.put('/api/v1/administration', {
      ...settings,
      vatRate: '1.5',
      hsEdition: 'HS1996',
      selectivity: { ...settings.selectivity, randomRedShare: '2' },
    });
    expect(shape.status).toBe(400);
    expect(shape.body.error.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(shape)).toEqual(expect.arrayContaining(['/vatRate', '/hsEdition', '/selectivity/randomRedShare']));

    // The shares of lanes by risk score are the risk engine's settings, not the administration's.
    const target = await t.admin.put('/api/v1/administration', { ...settings, selectivity: { ...settings.selectivity, targetRedShare: '0.03' } });
    expect(target.status).toBe(400);
    expect(target.body.error.details).toEqual([expect.objectContaining({ path: '/selectivity/targetRedShare' })]);

    const reference = await t.admin.put('/api/v1/administration', {
      ...settings,
      country: 'XX',
      currency: 'ABC',
      selectivity: {
        ...settings.selectivity,
        randomRedShare: '0.6',
        randomYellowShare: '0.5',
        rules: [
          { name: 'ok', lane: 'RED', reason: 'r', originCountries: ['CN', 'ZZ'] },
          { name: 'ghost', lane: 'RED', reason: 'r', enterpriseIds: ['7b0c3f1e-2a4d-4c1b-9e55-0a1b2c3d4e5f'] },
        ],
      },
    });
    expect(reference.status).toBe(400);
    expect(pathsOf(reference).sort()).toEqual([
      '/country',
      '/currency',
      '/selectivity/randomYellowShare',
      '/selectivity/rules/0/originCountries/1',
      '/selectivity/rules/1/enterpriseIds/0',
    ]);
    expect((await t.admin.get('/api/v1/administration')).body).toEqual(before);
  });

  it('accepts selectivity rules naming real enterprises, and answers a retry with the first result', async () => {
    const enterprise = await createEnterprise(t.admin, []);
    const body = {
      ...settings,
      currency: 'EUR',
      selectivity: { ...settings.selectivity, rules: [{ name: 'watch', lane: 'RED', reason: 'intelligence', enterpriseIds: [enterprise.id] }] },
    };
    const first = await t.admin.put('/api/v1/administration', body, { 'idempotency-key': 'admin-settings-1' });
    const retry = await t.admin.put('/api/v1/administration', body, { 'idempotency-key': 'admin-settings-1' });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect((await t.admin.get('/api/v1/administration')).body.version).toBe(first.body.version);
  });

  it('shows the selectivity rules to those who target and audit, not to zone operators or traders', async () => {
    const analyst = await createUser(t, 'risk_analyst');
    const operator = await createUser(t, 'zone_operator');
    const enterprise = await createEnterprise(t.admin, []);
    const trader = await createUser(t, 'enterprise_user', { enterpriseId: enterprise.id });
    expect((await analyst.get('/api/v1/administration')).body.selectivity).toBeDefined();
    for (const client of [operator, trader]) {
      const view = await client.get('/api/v1/administration');
      expect(view.status).toBe(200);
      expect(view.body.currency).toBeDefined();
      expect(view.body).not.toHaveProperty('selectivity');
      const history = await client.get('/api/v1/history/administration/1');
      expect(history.body.items.every((entry: { data: object }) => !('selectivity' in entry.data))).toBe(true);
    }
  });
});
