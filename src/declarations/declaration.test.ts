import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone, declarationBody } from '../../test/support/factories.ts';
import { DEFAULT_SELECTIVITY } from './selectivity.schema.ts';

describe('declarations', () => {
  let t: TestApp;
  let zoneA: { id: string; code: string };
  let zoneB: { id: string; code: string };
  let e1: { id: string };
  let e2: { id: string };
  let trader1: ApiClient;
  let trader2: ApiClient;
  let officer: ApiClient;
  let officerB: ApiClient;
  let auditor: ApiClient;
  let operator: ApiClient;

  beforeAll(async () => {
    t = await createTestApp();
    zoneA = await createZone(t.admin);
    zoneB = await createZone(t.admin, { locode: 'USEWR' });
    e1 = await createEnterprise(t.admin, [zoneA.id, zoneB.id]);
    e2 = await createEnterprise(t.admin, [zoneA.id]);
    trader1 = await createUser(t, 'enterprise_user', { enterpriseId: e1.id });
    trader2 = await createUser(t, 'enterprise_user', { enterpriseId: e2.id });
    officer = await createUser(t, 'customs_officer');
    officerB = await createUser(t, 'customs_officer', { zoneIds: [zoneB.id] });
    auditor = await createUser(t, 'auditor');
    operator = await createUser(t, 'zone_operator', { zoneIds: [zoneA.id] });
    // Lanes are set by rules alone in these tests: no random selection.
    const settings = await t.admin.get('/api/v1/administration');
    const put = await t.admin.put('/api/v1/administration', {
      name: settings.body.name,
      country: settings.body.country,
      currency: settings.body.currency,
      hsEdition: settings.body.hsEdition,
      vatRate: settings.body.vatRate,
      statusModel: settings.body.statusModel,
      selectivity: {
        ...DEFAULT_SELECTIVITY,
        randomRedShare: '0',
        randomYellowShare: '0',
        rules: [
          { name: 'Arms and ammunition', lane: 'RED', reason: 'prohibited and restricted goods', hsPrefixes: ['93'] },
          { name: 'Apparel from BD', lane: 'YELLOW', reason: 'valuation check', hsPrefixes: ['62'], originCountries: ['BD'] },
        ],
      },
    });
    expect(put.status).toBe(200);
  });
  afterAll(() => t.close());

  const redLine = { hsCode: '930200', description: 'Revolvers and pistols', originCountry: 'CZ', quantity: '10', unit: 'H87', netMass: '9', grossMass: '12', customsValue: '8000.00' };
  const yellowLine = { hsCode: '620342', description: "Men's cotton trousers", originCountry: 'BD', quantity: '500', unit: 'H87', netMass: '250', grossMass: '270', customsValue: '3500.00' };

  it('releases a GREEN declaration at once and shows its full history', async () => {
    const response = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id));
    expect(response.status).toBe(201);
    const d = response.body;
    expect(d.reference).toMatch(new RegExp(`^${zoneA.code}-\\d{4}-\\d{6}$`));
    expect(d).toMatchObject({ state: 'RELEASED', lane: 'GREEN', enterpriseId: e1.id, totalValue: '25000.00', totalGrossMass: '25.000' });
    expect(d.history.map((h: { action: string }) => h.action)).toEqual(['SUBMIT', 'ASSESS', 'RELEASE']);
    expect(d.history[0]).toMatchObject({ fromState: null, toState: 'SUBMITTED', actorRole: 'enterprise_user' });
    expect(d.history[2]).toMatchObject({ actorRole: 'system', reason: 'GREEN lane: released without intervention' });
    expect(d.lines[0]).toMatchObject({ lineNo: 1, hsCode: '851713', quantity: '100.000000', customsValue: '25000.00' });
  });

  it('takes a RED declaration through inspection, release and completion, refusing shortcuts', async () => {
    const submitted = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { lines: [redLine] }));
    // The trader learns the lane, never why: targeting must not be gamed.
    expect(submitted.body).toMatchObject({ state: 'ASSESSED', lane: 'RED', laneReasons: [], riskScore: null });
    expect(submitted.body.history[1]).toMatchObject({ action: 'ASSESS', reason: null });
    const id = submitted.body.id as string;
    const analystView = await auditor.get(`/api/v1/declarations/${id}`);
    // The administration's rule sets the lane; the risk engine adds what it knows (a new enterprise: +5 points).
    expect(analystView.body.laneReasons).toEqual(['Arms and ammunition: prohibited and restricted goods', 'Enterprise registered 0 days ago: +5']);
    expect(analystView.body.riskScore).toBe('5.00');
    expect((await operator.get(`/api/v1/declarations/${id}`)).body.laneReasons).toEqual([]);
    expect(submitted.body.allowedActions.sort()).toEqual(['AMEND', 'CANCEL']);

    const early = await officer.post(`/api/v1/declarations/${id}/decisions`, { action: 'RELEASE' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('INVALID_TRANSITION');

    const officerView = await officer.get(`/api/v1/declarations/${id}`);
    expect(officerView.body.allowedActions.sort()).toEqual(['AMEND', 'CANCEL', 'REJECT', 'START_INSPECTION']);

    expect((await officer.post(`/api/v1/declarations/${id}/decisions`, { action: 'START_INSPECTION', reason: 'X-ray scan' })).body.state).toBe('UNDER_INSPECTION');
    // Under inspection the trader can no longer amend or cancel.
    expect((await trader1.post(`/api/v1/declarations/${id}/cancellation`, { reason: 'changed my mind' })).status).toBe(409);
    expect((await officer.post(`/api/v1/declarations/${id}/decisions`, { action: 'RELEASE', reason: 'scan matches' })).body.state).toBe('RELEASED');
    const done = await operator.post(`/api/v1/declarations/${id}/decisions`, { action: 'COMPLETE' });
    expect(done.status).toBe(200);
    expect(done.body.state).toBe('COMPLETED');
    expect(done.body.completedAt).not.toBeNull();
    expect(done.body.history.map((h: { action: string; toState: string }) => `${h.action}:${h.toState}`)).toEqual([
      'SUBMIT:SUBMITTED',
      'ASSESS:ASSESSED',
      'START_INSPECTION:UNDER_INSPECTION',
      'RELEASE:RELEASED',
      'COMPLETE:COMPLETED',
    ]);
    expect(done.body.history[2].reason).toBe('X-ray scan');
    expect(done.body.history[2].actorName).toBeTruthy();
    expect((await officer.post(`/api/v1/declarations/${id}/decisions`, { action: 'REJECT', reason: 'too late' })).status).toBe(409);
  });

  it('rejects with a reason only', async () => {
    const { body } = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { lines: [yellowLine] }));
    expect(body.lane).toBe('YELLOW');
    const noReason = await officer.post(`/api/v1/declarations/${body.id}/decisions`, { action: 'REJECT' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details).toContainEqual({ path: '/reason', message: 'is required' });
    const rejected = await officer.post(`/api/v1/declarations/${body.id}/decisions`, { action: 'REJECT', reason: 'invoice does not match' });
    expect(rejected.body).toMatchObject({ state: 'REJECTED' });
    expect(rejected.body.decidedAt).not.toBeNull();
  });

  it('amends a declaration, keeps the old version, and assesses it again', async () => {
    const { body } = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { lines: [yellowLine] }));
    const { type: _type, zoneId: _zone, ...fields } = declarationBody(zoneA.id, { lines: [{ ...yellowLine, originCountry: 'VN' }] });
    const amended = await trader1.post(`/api/v1/declarations/${body.id}/amendments`, { reason: 'origin corrected per certificate', declaration: fields });
    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({ version: 2, lane: 'GREEN', state: 'RELEASED' });
    expect(amended.body.history.map((h: { action: string }) => h.action)).toEqual(['SUBMIT', 'ASSESS', 'AMEND', 'ASSESS', 'RELEASE']);
    const versions = await trader1.get(`/api/v1/declarations/${body.id}/versions`);
    expect(versions.body.items).toHaveLength(1);
    expect(versions.body.items[0]).toMatchObject({ version: 1, reason: 'origin corrected per certificate' });
    expect(versions.body.items[0].snapshot.lines[0].originCountry).toBe('BD');
  });

  it('lets the trader cancel before release and only customs after release', async () => {
    const yellow = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { lines: [yellowLine] }));
    expect((await trader1.post(`/api/v1/declarations/${yellow.body.id}/cancellation`, { reason: 'order cancelled' })).body.state).toBe('CANCELLED');
    const green = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id));
    expect((await trader1.post(`/api/v1/declarations/${green.body.id}/cancellation`, { reason: 'order cancelled' })).status).toBe(409);
    expect((await officer.post(`/api/v1/declarations/${green.body.id}/cancellation`, { reason: 'release invalidated' })).body.state).toBe('CANCELLED');
  });

  it('names every bad field and stores nothing', async () => {
    const before = (await officer.get('/api/v1/declarations?limit=200')).body.items.length;
    const bad = declarationBody(zoneA.id, {
      currency: 'XYZ',
      transport: { mode: 'SEA', containers: ['CSQU3054384', 'NOTACONTAINER'], portOfLoading: 'ZZZZZ' },
      lines: [
        { ...yellowLine, hsCode: '999999', originCountry: 'QQ', unit: 'ZZZ' },
        { ...yellowLine, netMass: '300', grossMass: '270', quantity: '0' },
      ],
    });
    const response = await trader1.post('/api/v1/declarations', bad);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    const paths = response.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(
      [
        '/currency',
        '/transport/containers/0',
        '/transport/containers/1',
        '/transport/portOfLoading',
        '/lines/0/hsCode',
        '/lines/0/originCountry',
        '/lines/0/unit',
        '/lines/1/netMass',
        '/lines/1/quantity',
      ].sort(),
    );
    const container = response.body.error.details.find((d: { path: string }) => d.path === '/transport/containers/0');
    expect(container.message).toContain('check digit');
    const schemaBad = await trader1.post('/api/v1/declarations', { ...declarationBody(zoneA.id), type: 'SMUGGLING', lines: [{ ...yellowLine, quantity: 12.5 }] });
    expect(schemaBad.status).toBe(400);
    expect(schemaBad.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['/type', '/lines/0/quantity']));
    expect((await officer.get('/api/v1/declarations?limit=200')).body.items.length).toBe(before);
  });

  it('requires a destination for a TRANSFER and a destination country for an EXPORT', async () => {
    const transfer = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { type: 'TRANSFER' }));
    expect(transfer.body.error.details).toContainEqual({ path: '/destination', message: 'is required for a TRANSFER' });
    // Goods can be transferred only once they are in the book: admit them first.
    const admitted = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id));
    expect((await operator.post(`/api/v1/declarations/${admitted.body.id}/decisions`, { action: 'COMPLETE' })).body.state).toBe('COMPLETED');
    const ok = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { type: 'TRANSFER', destination: { zoneId: zoneB.id } }));
    expect(ok.status).toBe(201);
    expect(ok.body.destination).toMatchObject({ zoneId: zoneB.id, enterpriseId: e1.id });
    const exportNoCountry = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { type: 'EXPORT' }));
    expect(exportNoCountry.body.error.details).toContainEqual({ path: '/destinationCountry', message: 'is required for EXPORT' });
    // E2 is not registered in zone B.
    const wrongZone = await trader2.post('/api/v1/declarations', declarationBody(zoneB.id));
    expect(wrongZone.body.error.details).toContainEqual({ path: '/zoneId', message: 'the enterprise is not registered in this zone' });
  });

  it('keeps each enterprise to its own declarations and each role to its own actions', async () => {
    const { body } = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { lines: [yellowLine] }));
    const url = `/api/v1/declarations/${body.id}`;
    expect((await trader2.get(url)).status).toBe(404);
    expect((await trader2.post(`${url}/cancellation`, { reason: 'mischief' })).status).toBe(404);
    expect((await trader2.post(`${url}/amendments`, { reason: 'x', declaration: { currency: 'USD', transport: { mode: 'SEA' }, lines: [yellowLine] } })).status).toBe(404);
    expect((await trader1.post(`${url}/decisions`, { action: 'RELEASE' })).status).toBe(403);
    expect((await auditor.get(url)).status).toBe(200);
    expect((await auditor.post(`${url}/decisions`, { action: 'RELEASE' })).status).toBe(403);
    // A zone-B officer does not see zone A's declarations.
    expect((await officerB.get(url)).status).toBe(404);
    const listed = (await trader2.get('/api/v1/declarations?limit=200')).body.items;
    expect(listed.every((d: { enterpriseId: string }) => d.enterpriseId === e2.id)).toBe(true);
    const listedB = (await officerB.get('/api/v1/declarations?limit=200')).body.items;
    expect(listedB.some((d: { id: string }) => d.id === body.id)).toBe(false);
    // An enterprise user cannot declare for another enterprise.
    const forOther = await trader1.post('/api/v1/declarations', { ...declarationBody(zoneA.id), enterpriseId: e2.id });
    expect(forOther.body.error.details).toContainEqual({ path: '/enterpriseId', message: 'you may declare only for your own enterprise' });
  });

  it('filters and pages the list', async () => {
    await trader2.post('/api/v1/declarations', declarationBody(zoneA.id, { type: 'DOMESTIC_ADMISSION', lines: [{ ...yellowLine, originCountry: 'US' }] }));
    const byType = await officer.get('/api/v1/declarations?type=DOMESTIC_ADMISSION');
    expect(byType.body.items.length).toBeGreaterThan(0);
    expect(byType.body.items.every((d: { type: string }) => d.type === 'DOMESTIC_ADMISSION')).toBe(true);
    const red = await officer.get('/api/v1/declarations?lane=RED');
    expect(red.body.items.every((d: { lane: string }) => d.lane === 'RED')).toBe(true);
    const arms = await officer.get('/api/v1/declarations?hsCode=93');
    expect(arms.body.items.length).toBeGreaterThan(0);
    const byEnterprise = await officer.get(`/api/v1/declarations?enterpriseId=${e2.id}&state=RELEASED`);
    expect(byEnterprise.body.items.every((d: { enterpriseId: string; state: string }) => d.enterpriseId === e2.id && d.state === 'RELEASED')).toBe(true);
    const future = await officer.get(`/api/v1/declarations?from=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`);
    expect(future.body.items).toEqual([]);

    const all = (await officer.get('/api/v1/declarations?limit=200')).body.items.map((d: { id: string }) => d.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await officer.get(`/api/v1/declarations?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.body.items.map((d) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
    expect(all.length).toBeGreaterThan(6);
  });

  it('does not duplicate a submission retried with the same Idempotency-Key', async () => {
    const body = declarationBody(zoneA.id);
    const first = await trader1.post('/api/v1/declarations', body, { 'idempotency-key': 'po-4711' });
    const again = await trader1.post('/api/v1/declarations', body, { 'idempotency-key': 'po-4711' });
    expect(again.body.id).toBe(first.body.id);
    const found = await officer.get(`/api/v1/declarations?q=${encodeURIComponent(body.traderReference)}`);
    expect(found.body.items).toHaveLength(1);
  });

  it('writes each transition to the outbox in the same transaction', async () => {
    const { body } = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id));
    const events = await t.ctx.db.query<{ event_type: string }>(
      "SELECT event_type FROM outbox WHERE aggregate_type = 'declaration' AND aggregate_id = $1 ORDER BY id",
      [body.id],
    );
    expect(events.map((e) => e.event_type)).toEqual(['declaration.submit', 'declaration.assess', 'declaration.release']);
  });

  it("posts to the enterprise's open book in the zone, or names the missing book", async () => {
    const { body } = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id));
    const books = await trader1.get(`/api/v1/books?enterpriseId=${e1.id}&zoneId=${zoneA.id}`);
    expect(body.bookId).toBe(books.body.items[0].id);
    const bookless = await createEnterprise(t.admin, []);
    await t.admin.patch(`/api/v1/enterprises/${bookless.id}`, { zoneIds: [zoneA.id] });
    const trader3 = await createUser(t, 'enterprise_user', { enterpriseId: bookless.id });
    const refused = await trader3.post('/api/v1/declarations', declarationBody(zoneA.id));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toContainEqual({ path: '/bookId', message: 'the enterprise has no open account book in this zone' });
  });

  it('requires processing roles on PROCESSING lines only, and a tariff code under the HS code', async () => {
    const processing = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { type: 'PROCESSING', lines: [yellowLine] }));
    expect(processing.status).toBe(400);
    expect(processing.body.error.details).toEqual(
      expect.arrayContaining([
        { path: '/lines/0/processingRole', message: 'is required on a PROCESSING declaration' },
        { path: '/bookId', message: 'the enterprise has no open PROCESSING account book in this zone' },
      ]),
    );
    const misplaced = await trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { lines: [{ ...yellowLine, processingRole: 'INPUT', tariffCode: '85171300' }] }));
    expect(misplaced.body.error.details).toEqual(
      expect.arrayContaining([
        { path: '/lines/0/processingRole', message: 'is only for PROCESSING declarations' },
        { path: '/lines/0/tariffCode', message: 'must begin with the HS code 620342' },
      ]),
    );
  });
});
