// The tariff through the API and the command line: the shipped sample loaded at first use, lookups
// by line and by subheading, and an administration's own schedule replacing it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_PASSWORD, createTestApp, type ApiResponse, type TestApp } from '../../test/support/test-app.ts';
import { createUser } from '../../test/support/factories.ts';
import { loadConfig } from '../platform/config.ts';
import { runTariffLoad } from './tariff.cli.ts';

/** A schedule of two headings in the layout Cordon ships. */
const OWN_SCHEDULE = [
  'code,indent,description,units,general_rate',
  '6109,0,"T-shirts, singlets, tank tops and similar garments, knitted or crocheted:",,',
  '61091000,1,Of cotton,,12%',
  '6109100010,2,Men\'s,doz.;kg,',
  '6109100020,2,Women\'s,doz.;kg,',
  '8517,0,Telephone sets:,,',
  '85171300,1,Smartphones,No.,2% + 50¢ each',
].join('\n');

describe('tariff', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  function expectStatus(response: ApiResponse, status: number) {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
  }

  it('loads the shipped US HTS sample at first use', async () => {
    const trader = await createUser(t, 'auditor');
    const schedule = await trader.get('/api/v1/tariff');
    expectStatus(schedule, 200);
    expect(schedule.body).toMatchObject({ currency: 'USD', lineCount: 22_916, loadedBy: null, source: expect.stringContaining('US Harmonized Tariff Schedule 2025') });
  });

  it('answers a line with its rate, a statistical line with its 8-digit line’s rate, and a subheading with its national lines', async () => {
    const line = await t.admin.get('/api/v1/tariff/61091000');
    expectStatus(line, 200);
    expect(line.body).toEqual({
      code: '61091000',
      currency: 'USD',
      lines: [
        {
          code: '61091000',
          hsCode: '610910',
          rateLine: '61091000',
          description: 'Of cotton',
          context: ['T-shirts, singlets, tank tops and similar garments, knitted or crocheted'],
          units: expect.arrayContaining(['doz.', 'kg']),
          rate: { text: '16.5%', computable: true, reason: null, components: [{ kind: 'AD_VALOREM', text: '16.5%', percent: '16.5' }] },
        },
      ],
    });
    const statistical = await t.admin.get('/api/v1/tariff/6109100004');
    expect(statistical.body.lines[0]).toMatchObject({ code: '6109100004', rateLine: '61091000', rate: { text: '16.5%' } });

    const subheading = await t.admin.get('/api/v1/tariff/940541');
    expect(subheading.body.lines.map((l: { code: string }) => l.code)).toEqual(['9405414000', '9405416000', '9405418200', '94054184']);
    // An 8-digit code without its own row: the 10-digit line that carries the rate.
    const milk = await t.admin.get('/api/v1/tariff/04014002');
    expect(milk.body.lines[0]).toMatchObject({
      code: '0401400200',
      rate: { text: '3.2¢/liter', components: [{ kind: 'SPECIFIC', amount: '0.032', chargedOn: 'quantity in LTR, MLT or MTQ' }] },
    });
    const compound = await t.admin.get('/api/v1/tariff/0709510100');
    expect(compound.body.lines[0].rate.components).toEqual([
      { kind: 'SPECIFIC', text: '8.8¢/kg', amount: '0.088', chargedOn: 'net mass (kg)' },
      { kind: 'AD_VALOREM', text: '20%', percent: '20' },
    ]);
    const olives = await t.admin.get('/api/v1/tariff/0711204000');
    expect(olives.body.lines[0].rate).toMatchObject({ text: '8.6¢/kg on drained weight', computable: false, reason: expect.any(String), components: [] });

    expectStatus(await t.admin.get('/api/v1/tariff/999999'), 404);
    expectStatus(await t.admin.get('/api/v1/tariff/6109100099'), 404);
    expectStatus(await t.admin.get('/api/v1/tariff/12345'), 400);
  });

  it('is replaced by the admin with a CSV file; a bad file replaces nothing', async () => {
    const officer = await createUser(t, 'customs_officer');
    const adminToken = (await t.anonymous.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.token as string;
    const send = (body: string, query = '', type = 'text/csv') =>
      t.app.inject({ method: 'PUT', url: `/api/v1/tariff${query}`, headers: { 'content-type': type, authorization: `Bearer ${adminToken}` }, payload: body });

    const before = (await t.admin.get('/api/v1/tariff')).body;
    expectStatus(await officer.put('/api/v1/tariff', OWN_SCHEDULE), 403);

    const bad = await send('code,indent,description,units,general_rate\n61091000,one,Of cotton,,12%\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual([{ path: '/rows/2/indent', message: 'must be a whole number from 0 to 99' }]);
    expect((await send(OWN_SCHEDULE, '?currency=ABC')).statusCode).toBe(400);
    expect((await send(JSON.stringify({ csv: OWN_SCHEDULE }), '', 'application/json')).statusCode).toBe(400);
    expect((await t.admin.get('/api/v1/tariff')).body).toEqual(before);

    const loaded = await send(OWN_SCHEDULE, '?source=Our%20schedule%202027');
    expect(loaded.statusCode, loaded.body).toBe(200);
    expect(loaded.json()).toMatchObject({ source: 'Our schedule 2027', currency: 'USD', lineCount: 4, loadedBy: expect.any(String) });
    expect((await t.admin.get('/api/v1/tariff/610910')).body.lines.map((l: { code: string; rate: { text: string } }) => [l.code, l.rate.text])).toEqual([['61091000', '12%']]);
    expect((await t.admin.get('/api/v1/tariff/85171300')).body.lines[0].rate.text).toBe('2% + 50¢ each');
    expectStatus(await t.admin.get('/api/v1/tariff/940541'), 404);
    const events = await t.ctx.db.query<{ payload: { lineCount: number } }>("SELECT payload FROM outbox WHERE event_type = 'tariff.loaded'");
    expect(events.map((event) => event.payload.lineCount)).toEqual([4]);
  });

  it('describes its routes in the OpenAPI document, the upload as text/csv', async () => {
    const document = (await t.anonymous.get('/openapi.json')).body;
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/tariff', '/api/v1/tariff/{code}', '/api/v1/exchange-rates', '/api/v1/duties/settings', '/api/v1/bills', '/api/v1/bills/{id}', '/api/v1/bills/{id}/guarantee', '/api/v1/payments/confirmations']),
    );
    expect(Object.keys(document.paths['/api/v1/tariff'].put.requestBody.content)).toEqual(['text/csv']);
    expect(document.paths['/api/v1/payments/confirmations'].post.security).toBeUndefined();
  });
});

describe('cordon tariff load', () => {
  it('replaces the schedule of the configured database from a file, and refuses a bad one saying why', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cordon-tariff-'));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const config = { ...loadConfig({}), dataDir: dir, databaseUrl: null };
      const good = path.join(dir, 'own.csv');
      writeFileSync(good, OWN_SCHEDULE);
      expect(await runTariffLoad(config, good, { currency: 'USD' })).toBe(0);
      expect(out.mock.calls.map(([text]) => String(text)).join('')).toMatch(/^tariff loaded: 4 lines, specific rates in USD, sha256 [0-9a-f]{64}\n$/);

      const bad = path.join(dir, 'bad.csv');
      writeFileSync(bad, 'code,description\n61091000,Of cotton\n');
      expect(await runTariffLoad(config, bad, {})).toBe(1);
      expect(err.mock.calls.map(([text]) => String(text)).join('')).toContain('/header/indent: the column indent is missing');
      expect(await runTariffLoad(config, path.join(dir, 'missing.csv'), {})).toBe(1);
    } finally {
      out.mockRestore();
      err.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
