// The risk engine through the API, as an analyst, an officer, a trader and an administrator use it:
// rules that hit and their hit rates, forced lanes, inspection results, models trained on the
// shipped data and on inspection results, activation, the score and reasons of an assessment, and
// who may see and do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone, declarationBody } from '../../test/support/factories.ts';
import { DEFAULT_SELECTIVITY } from '../declarations/selectivity.schema.ts';

const today = () => new Date().toISOString().slice(0, 10);
const shirts = { hsCode: '610910', description: 'Cotton T-shirts', originCountry: 'BD', quantity: '5000', unit: 'H87', netMass: '900', grossMass: '1000', customsValue: '15000.00' };
const batteries = { hsCode: '850760', description: 'Lithium-ion batteries', originCountry: 'CN', quantity: '200', unit: 'H87', netMass: '400', grossMass: '450', customsValue: '24000.00' };

describe('risk engine', () => {
  let t: TestApp;
  let zone: { id: string };
  let trader: ApiClient;
  let analyst: ApiClient;
  let officer: ApiClient;
  let operator: ApiClient;

  const submit = async (lines: unknown[], transport?: Record<string, unknown>) => {
    const response = await trader.post('/api/v1/declarations', declarationBody(zone.id, { lines, ...(transport ? { transport } : {}) }));
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; lane: string; state: string };
  };
  const inspect = async (id: string, outcome: 'FOUND' | 'NOTHING_FOUND' | 'CRITICAL') => {
    expect((await officer.post(`/api/v1/declarations/${id}/decisions`, { action: 'START_INSPECTION', reason: 'X-ray' })).status).toBe(200);
    const recorded = await officer.post(`/api/v1/declarations/${id}/inspection-result`, { outcome, findings: outcome === 'NOTHING_FOUND' ? 'as declared' : 'undeclared goods' });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
  };

  beforeAll(async () => {
    t = await createTestApp();
    zone = await createZone(t.admin);
    const enterprise = await createEnterprise(t.admin, [zone.id]);
    trader = await createUser(t, 'enterprise_user', { enterpriseId: enterprise.id });
    analyst = await createUser(t, 'risk_analyst');
    officer = await createUser(t, 'customs_officer');
    operator = await createUser(t, 'zone_operator', { zoneIds: [zone.id] });
    // No administration rules and no random draws: the lanes come from the risk engine alone.
    const { version: _v, updatedAt: _u, ...settings } = (await t.admin.get('/api/v1/administration')).body;
    const put = await t.admin.put('/api/v1/administration', { ...settings, selectivity: { ...DEFAULT_SELECTIVITY, randomRedShare: '0', randomYellowShare: '0', autoReleaseGreen: false, rules: [] } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  });
  afterAll(() => t.close());

  describe('rules', () => {
    it('refuses an unsound rule, naming the field and the rule, and saves nothing', async () => {
      const bad = await analyst.post('/api/v1/risk/rules', {
        name: 'Bad',
        reason: 'x',
        conditions: [{ field: 'hsCode', op: 'gt', value: '61' }],
        weight: 10,
        validFrom: today(),
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toEqual([{ path: '/conditions/0/op', message: 'hsCode is a text: use one of in, notIn, startsWith' }]);
      const both = await analyst.post('/api/v1/risk/rules', { name: 'Both', reason: 'x', conditions: [{ field: 'zone', op: 'in', value: ['X'] }], weight: 5, forcedLane: 'RED', validFrom: today() });
      expect(both.status).toBe(400);
      expect(both.body.error.details).toEqual([{ path: '/weight', message: 'give either a weight or a forced lane, not both' }]);
      expect((await analyst.get('/api/v1/risk/rules')).body.items).toEqual([]);
    });

    it('lets an analyst add a rule that hits the next declaration, with its reason, and counts its hit rate', async () => {
      const created = await analyst.post('/api/v1/risk/rules', {
        name: 'Apparel from BD',
        reason: 'Undervaluation seen on recent seizures',
        conditions: [
          { field: 'hsCode', op: 'startsWith', value: ['61', '62'] },
          { field: 'originCountry', op: 'in', value: ['BD'] },
        ],
        weight: 30,
        validFrom: today(),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ name: 'Apparel from BD', weight: 30, forcedLane: null, active: true, hits: { declarations: 0, hitRate: null } });

      const hit = await submit([shirts]);
      const missed = await submit([{ ...shirts, originCountry: 'VN' }]);
      const risk = (await officer.get(`/api/v1/declarations/${hit.id}/risk`)).body;
      expect(risk.assessments).toHaveLength(1);
      expect(risk.assessments[0].points.rules).toBe('30.00');
      expect(risk.assessments[0].reasons).toContain('Rule “Apparel from BD”: Undervaluation seen on recent seizures (+30)');
      expect((await officer.get(`/api/v1/declarations/${missed.id}/risk`)).body.assessments[0].points.rules).toBe('0.00');

      // Inspected and something found: the rule's hit rate is 1 of 1.
      await inspect(hit.id, 'FOUND');
      const rule = (await analyst.get(`/api/v1/risk/rules/${created.body.id}`)).body;
      expect(rule.hits).toMatchObject({ declarations: 1, inspected: 1, found: 1, hitRate: 1 });
      expect(rule.recentHits).toEqual([expect.objectContaining({ declarationId: hit.id, outcome: 'FOUND' })]);
    });

    it('tests a line’s duty rate from the tariff schedule', async () => {
      // Cotton T-shirts (HS 6109.10) bear 16.5 % in the shipped schedule; smartphones are free.
      const created = await analyst.post('/api/v1/risk/rules', {
        name: 'High duty',
        reason: 'Undervaluation pays where duty is high',
        conditions: [{ field: 'taxRate', op: 'gte', value: '10' }],
        weight: 7,
        validFrom: today(),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const shirtsAssessed = (await officer.get(`/api/v1/declarations/${(await submit([{ ...shirts, originCountry: 'KH' }])).id}/risk`)).body.assessments[0];
      expect(shirtsAssessed.reasons).toContain('Rule “High duty”: Undervaluation pays where duty is high (+7)');
      const phones = { hsCode: '851713', description: 'Smartphones', originCountry: 'CN', quantity: '10', unit: 'H87', netMass: '2', grossMass: '3', customsValue: '2000.00' };
      expect((await officer.get(`/api/v1/declarations/${(await submit([phones])).id}/risk`)).body.assessments[0].points.rules).toBe('0.00');
      // Retired, so the later tests see only their own rules' points.
      const retired = { name: 'High duty', reason: 'Undervaluation pays where duty is high', conditions: [{ field: 'taxRate', op: 'gte', value: '10' }], weight: 7, validFrom: today(), active: false };
      expect((await analyst.put(`/api/v1/risk/rules/${created.body.id}`, retired)).status).toBe(200);
    });

    it('forces a lane, and stops hitting once deactivated', async () => {
      const rule = {
        name: 'Batteries by air',
        reason: 'Dangerous goods check',
        conditions: [
          { field: 'hsCode', op: 'startsWith', value: ['850760'] },
          { field: 'transportMode', op: 'in', value: ['AIR'] },
        ],
        forcedLane: 'RED',
        validFrom: today(),
      };
      const created = await analyst.post('/api/v1/risk/rules', rule);
      expect(created.status).toBe(201);
      const air = { mode: 'AIR', vesselOrFlight: 'KE 081', transportDocument: { type: 'AIR_WAYBILL', number: '180-12345675' } };
      const byAir = await submit([batteries], air);
      expect(byAir.lane).toBe('RED');
      expect((await officer.get(`/api/v1/declarations/${byAir.id}/risk`)).body.assessments[0].reasons).toContain('Rule “Batteries by air”: Dangerous goods check (forces RED)');
      expect((await submit([batteries])).lane).toBe('GREEN');

      expect((await analyst.put(`/api/v1/risk/rules/${created.body.id}`, { ...rule, active: false })).status).toBe(200);
      expect((await submit([batteries], air)).lane).toBe('GREEN');
    });
  });

  describe('inspection results', () => {
    it('are recorded once, after an inspection, by an officer', async () => {
      const d = await submit([{ ...shirts, originCountry: 'PK' }]);
      const early = await officer.post(`/api/v1/declarations/${d.id}/inspection-result`, { outcome: 'FOUND' });
      expect(early.status).toBe(409);
      expect(early.body.error.details).toEqual([{ path: '/outcome', message: 'not while the declaration is ASSESSED' }]);
      expect((await analyst.post(`/api/v1/declarations/${d.id}/inspection-result`, { outcome: 'FOUND' })).status).toBe(403);
      expect((await officer.post(`/api/v1/declarations/${d.id}/inspection-result`, { outcome: 'MAYBE' })).status).toBe(400);
      await inspect(d.id, 'NOTHING_FOUND');
      expect((await officer.post(`/api/v1/declarations/${d.id}/inspection-result`, { outcome: 'FOUND' })).status).toBe(409);
      expect((await officer.get(`/api/v1/declarations/${d.id}/risk`)).body.inspectionResult).toMatchObject({ outcome: 'NOTHING_FOUND', findings: 'as declared' });
    });
  });

  describe('who may see targeting', () => {
    it('keeps scores, reasons and rules from traders and zone operators', async () => {
      const d = await submit([shirts]);
      expect((await trader.get(`/api/v1/declarations/${d.id}/risk`)).status).toBe(403);
      expect((await operator.get(`/api/v1/declarations/${d.id}/risk`)).status).toBe(403);
      expect((await trader.get('/api/v1/risk/rules')).status).toBe(403);
      expect((await trader.post('/api/v1/risk/rules', {})).status).toBe(403);
      expect((await officer.post('/api/v1/risk/models')).status).toBe(403);
      expect((await trader.get(`/api/v1/declarations/${d.id}`)).body.laneReasons).toEqual([]);
    });

    it('lets the administrator alone set the lane targets, within bounds', async () => {
      const body = { redRate: '0.03', yellowRate: '0.07', retrainEveryDays: 7 };
      expect((await analyst.put('/api/v1/risk/settings', body)).status).toBe(403);
      const tooMuch = await t.admin.put('/api/v1/risk/settings', { ...body, redRate: '0.6', yellowRate: '0.5' });
      expect(tooMuch.status).toBe(400);
      expect(tooMuch.body.error.details).toEqual([{ path: '/yellowRate', message: 'redRate + yellowRate must be at most 1' }]);
      const saved = await t.admin.put('/api/v1/risk/settings', { ...body, redRate: '0.05' });
      expect(saved.body).toMatchObject({ redRate: '0.05', yellowRate: '0.07', retrainEveryDays: 7 });
      // As read, so accepted as it is.
      expect((await t.admin.get('/api/v1/risk/settings')).body).toMatchObject({ redRate: '0.05', yellowRate: '0.07' });
    });
  });

  describe('models', () => {
    let first: { id: string; version: number; training: { labels: { own: number } } };

    it('trains a model on the shipped data, judged on its latest period, and puts it to work when activated', async () => {
      const trained = await analyst.post('/api/v1/risk/models');
      expect(trained.status, JSON.stringify(trained.body)).toBe(201);
      first = trained.body;
      expect(trained.body.status).toBe('TRAINED');
      expect(trained.body.training.rows.shipped).toBe(37_385 + 8_134);
      expect(trained.body.metrics.auc).toBeGreaterThan(0.8);
      // Not active yet: a declaration is assessed without it.
      const before = await submit([shirts]);
      expect((await officer.get(`/api/v1/declarations/${before.id}/risk`)).body.assessments[0].model).toBeNull();

      expect((await analyst.post(`/api/v1/risk/models/${first.id}/activation`)).body.status).toBe('ACTIVE');
      const after = await submit([shirts]);
      const assessment = (await officer.get(`/api/v1/declarations/${after.id}/risk`)).body.assessments[0];
      expect(assessment.model).toEqual({ id: first.id, version: first.version });
      const probability = Number(assessment.modelProbability);
      expect(probability).toBeGreaterThan(0);
      expect(probability).toBeLessThan(1);
      expect(assessment.points.model).toBe((Math.round(probability * 10_000) / 100).toFixed(2));
      expect(assessment.reasons.some((r: string) => r.startsWith(`Model v${first.version}: `))).toBe(true);
    }, 120_000);

    it('learns from inspection results: the next model trains on them and scores differently', async () => {
      // Five more of the same goods inspected, all with findings.
      for (let i = 0; i < 5; i++) await inspect((await submit([{ ...shirts, quantity: String(5000 + i) }])).id, 'CRITICAL');
      const next = await analyst.post('/api/v1/risk/models');
      expect(next.status).toBe(201);
      expect(next.body.version).toBe(first.version + 1);
      expect(next.body.training.labels.own).toBeGreaterThan(first.training.labels.own);
      expect(next.body.training.labels.ownFound).toBeGreaterThanOrEqual(6);

      const probe = await submit([shirts]);
      const oldProbability = Number((await officer.get(`/api/v1/declarations/${probe.id}/risk`)).body.assessments[0].modelProbability);
      await analyst.post(`/api/v1/risk/models/${next.body.id}/activation`);
      const models = (await analyst.get('/api/v1/risk/models')).body.items;
      expect(models.map((m: { version: number; status: string }) => [m.version, m.status])).toEqual([
        [next.body.version, 'ACTIVE'],
        [first.version, 'RETIRED'],
      ]);
      const again = await submit([shirts]);
      const newProbability = Number((await officer.get(`/api/v1/declarations/${again.id}/risk`)).body.assessments[0].modelProbability);
      // This enterprise's goods were found wanting every time: the model thinks worse of them now.
      expect(newProbability).toBeGreaterThan(oldProbability);

      const quality = (await analyst.get('/api/v1/risk/quality')).body;
      expect(quality.models.map((m: { version: number }) => m.version)).toEqual([first.version, next.body.version]);
      expect(quality.weeks.at(-1).all.inspected).toBeGreaterThanOrEqual(7);
    }, 180_000);
  });
});
