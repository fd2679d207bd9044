// Findings and outcomes through the API: findings name lines and correct them where their kind
// applies; each outcome leaves the declaration in its state and gives the risk engine its label;
// corrections make a new version of the declaration whose duties are billed again, and a release held
// for those duties happens when the bank confirms payment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerNumber, createInspectionWorld, declare, expectStatus, images, laneTask, pay, smartphones, toys, tshirts, upload, type InspectionWorld, WORLD_TIMEOUT_MS } from './inspections.fixtures.ts';

interface Bill {
  id: string;
  number: string;
  status: string;
  total: string;
  duty: string;
  vat: string;
  currency: string;
  paymentReference: string;
  supplements: string | null;
}

describe('findings and outcomes', () => {
  let w: InspectionWorld;

  beforeAll(async () => {
    w = await createInspectionWorld();
  }, WORLD_TIMEOUT_MS);
  afterAll(() => w?.t.close());

  const road = { mode: 'ROAD', vehiclePlate: 'AB 1234' };

  /** A declaration of the lane its lines give, its task started by the officer. */
  async function inspecting(overrides: Record<string, unknown>) {
    const declaration = await declare(w, overrides);
    const task = await laneTask(w, declaration.id);
    expectStatus(await w.officer.client.post(`/api/v1/inspections/${task.id}/start`), 200);
    return { declaration, task };
  }

  const decide = (taskId: string, outcome: string, reason = 'inspected') => w.officer.client.post(`/api/v1/inspections/${taskId}/outcome`, { outcome, reason });
  const finding = (taskId: string, body: Record<string, unknown>) => w.officer.client.post(`/api/v1/inspections/${taskId}/findings`, body);
  const labelOf = async (declarationId: string) => (await w.analyst.client.get(`/api/v1/declarations/${declarationId}/risk`)).body.inspectionResult;
  const declarationOf = async (id: string) => (await w.officer.client.get(`/api/v1/declarations/${id}`)).body;

  describe('each outcome', () => {
    it('RELEASE_AS_DECLARED releases the declaration and labels it NOTHING_FOUND', async () => {
      const { declaration, task } = await inspecting({ lines: [toys] });
      const decided = await decide(task.id, 'RELEASE_AS_DECLARED', 'certificates in order');
      expectStatus(decided, 200);
      expect(decided.body).toMatchObject({ status: 'COMPLETED', outcome: 'RELEASE_AS_DECLARED', outcomeReason: 'certificates in order', label: 'NOTHING_FOUND', decidedBy: { id: w.officer.id }, releaseWaitingFor: null });
      const after = await declarationOf(declaration.id);
      expect(after.state).toBe('RELEASED');
      expect(after.history.slice(-2).map((step: { action: string }) => step.action)).toEqual(['START_INSPECTION', 'RELEASE']);
      expect(await labelOf(declaration.id)).toMatchObject({ outcome: 'NOTHING_FOUND', recordedBy: w.officer.id });
      expectStatus(await decide(task.id, 'REJECT'), 409);
    });

    it('REJECT rejects it as FOUND; SEIZE rejects it as CRITICAL', async () => {
      const rejected = await inspecting({ lines: [smartphones], transport: road });
      expectStatus(await decide(rejected.task.id, 'REJECT', 'invoice does not match the goods'), 200);
      expect((await declarationOf(rejected.declaration.id)).state).toBe('REJECTED');
      expect((await labelOf(rejected.declaration.id)).outcome).toBe('FOUND');

      const seized = await inspecting({ lines: [smartphones], transport: road });
      const decided = await decide(seized.task.id, 'SEIZE', 'counterfeit');
      expectStatus(decided, 200);
      expect(decided.body).toMatchObject({ label: 'CRITICAL', declaration: { state: 'REJECTED' } });
      expect((await labelOf(seized.declaration.id)).outcome).toBe('CRITICAL');
    });

    it('makes any PROHIBITED finding CRITICAL, and refuses to release prohibited goods', async () => {
      const { declaration, task } = await inspecting({ lines: [smartphones, toys], transport: road });
      expectStatus(await finding(task.id, { lineNo: 2, kind: 'PROHIBITED', note: 'toy weapons replicas' }), 201);
      const refused = await decide(task.id, 'RELEASE_AS_DECLARED');
      expectStatus(refused, 400);
      expect(refused.body.error.details).toEqual([{ path: '/outcome', message: 'prohibited goods (line 2) are not released: SEIZE or REJECT' }]);
      expect((await declarationOf(declaration.id)).state).toBe('UNDER_INSPECTION');
      expectStatus(await decide(task.id, 'REJECT', 'prohibited goods'), 200);
      expect((await labelOf(declaration.id)).outcome).toBe('CRITICAL');
    });

    it('RELEASE_WITH_CORRECTIONS keeps the declared version, releases the corrected one, labels it FOUND', async () => {
      const { declaration, task } = await inspecting({ lines: [toys] });
      const recorded = await finding(task.id, { lineNo: 1, kind: 'QUANTITY', note: '480 sets counted', corrections: { quantity: '480', netMass: '384', grossMass: '432' } });
      expectStatus(recorded, 201);
      expect(recorded.body.findings).toEqual([
        expect.objectContaining({ lineNo: 1, kind: 'QUANTITY', note: '480 sets counted', corrections: { quantity: '480', netMass: '384', grossMass: '432' }, recordedBy: { id: w.officer.id, name: expect.any(String) } }),
      ]);
      expect((await decide(task.id, 'RELEASE_AS_DECLARED')).body.error.details[0].message).toBe('findings correct line 1: release with corrections');

      const decided = await decide(task.id, 'RELEASE_WITH_CORRECTIONS', 'short shipment');
      expectStatus(decided, 200);
      expect(decided.body).toMatchObject({ label: 'FOUND', declaration: { state: 'RELEASED', version: 2, totalGrossMass: '432.000', lines: [{ quantity: '480.000000', netMass: '384.000', grossMass: '432.000' }] } });
      // The trader sees the corrected declaration, and what it was.
      const seen = await w.trader.client.get(`/api/v1/declarations/${declaration.id}`);
      expect(seen.body).toMatchObject({ version: 2, lines: [{ quantity: '480.000000' }] });
      const versions = (await w.trader.client.get(`/api/v1/declarations/${declaration.id}/versions`)).body.items;
      expect(versions).toEqual([expect.objectContaining({ version: 1, reason: 'inspection corrections', amendedBy: w.officer.id, snapshot: expect.objectContaining({ lines: [expect.objectContaining({ quantity: '500.000000' })] }) })]);
      expect((await labelOf(declaration.id)).outcome).toBe('FOUND');
    });

    it('refuses an outcome when a result was recorded already through the risk route, changing nothing', async () => {
      const declaration = await declare(w, { lines: [smartphones], transport: road });
      const task = await laneTask(w, declaration.id);
      expectStatus(await w.officer.client.post(`/api/v1/declarations/${declaration.id}/decisions`, { action: 'START_INSPECTION' }), 200);
      expectStatus(await w.officer.client.post(`/api/v1/declarations/${declaration.id}/inspection-result`, { outcome: 'NOTHING_FOUND' }), 201);
      expectStatus(await w.officer.client.post(`/api/v1/inspections/${task.id}/start`), 200);
      const refused = await decide(task.id, 'SEIZE', 'drugs');
      expectStatus(refused, 409);
      expect(refused.body.error).toMatchObject({ code: 'CONFLICT', details: [{ path: '/outcome', message: 'the declaration has an inspection result already' }] });
      expect((await w.officer.client.get(`/api/v1/inspections/${task.id}`)).body).toMatchObject({ status: 'IN_PROGRESS', outcome: null });
      expect((await declarationOf(declaration.id)).state).toBe('UNDER_INSPECTION');
      expect((await labelOf(declaration.id)).outcome).toBe('NOTHING_FOUND');
    });

    it('decides a task only once started, a scan only on a read image, and closes the other open tasks', async () => {
      const declaration = await declare(w, { lines: [smartphones], transport: { mode: 'SEA', containers: [containerNumber('OUT', 1)] } });
      const task = await laneTask(w, declaration.id);
      const early = await decide(task.id, 'RELEASE_AS_DECLARED');
      expectStatus(early, 409);
      expect(early.body.error.details).toEqual([{ path: '/outcome', message: 'the task is not started' }]);
      const extra = await w.officer.client.post('/api/v1/inspections', { declarationId: declaration.id, kind: 'DOCUMENT_CHECK', reason: 'licence' });
      expectStatus(await w.officer.client.post(`/api/v1/inspections/${task.id}/start`), 200);
      expect((await decide(task.id, 'RELEASE_AS_DECLARED')).body.error.details[0].message).toMatch(/read image/);

      const scan = await upload(w.officer.client, `/api/v1/inspections/${task.id}/scans?kind=XRAY&scannerId=XR-1`, images.png(), 'image/png');
      expectStatus(await w.officer.client.post(`/api/v1/scans/${scan.body.id}/reading`, { reading: 'CLEAR', note: 'as declared' }), 200);
      expectStatus(await decide(task.id, 'RELEASE_AS_DECLARED', 'scan clear'), 200);
      expect((await w.officer.client.get(`/api/v1/inspections/${extra.body.id}`)).body).toMatchObject({ status: 'CANCELLED', cancelReason: expect.stringContaining('decided by another inspection task') });
      expectStatus(await upload(w.officer.client, `/api/v1/inspections/${task.id}/scans?kind=XRAY&scannerId=XR-1`, images.png(), 'image/png'), 409);
    });
  });

  describe('findings', () => {
    it('names the field and the rule of a bad finding, and records nothing', async () => {
      const { task } = await inspecting({ lines: [smartphones], transport: road });
      const bad = async (body: Record<string, unknown>, details: Array<{ path: string; message: string | RegExp }>) => {
        const response = await finding(task.id, body);
        expectStatus(response, 400);
        expect(response.body.error.details).toEqual(details.map((d) => ({ path: d.path, message: typeof d.message === 'string' ? d.message : expect.stringMatching(d.message) })));
      };
      await bad({ lineNo: 3, kind: 'QUANTITY', note: 'missing', corrections: { quantity: '1' } }, [{ path: '/lineNo', message: 'the declaration has no line 3' }]);
      await bad({ lineNo: 1, kind: 'QUANTITY', note: 'x', corrections: { hsCode: '851714' } }, [{ path: '/corrections/hsCode', message: 'does not apply to findings of kind QUANTITY, which correct quantity, netMass, grossMass' }]);
      await bad({ lineNo: 1, kind: 'IPR', note: 'fake brand', corrections: { quantity: '1' } }, [{ path: '/corrections/quantity', message: 'findings of kind IPR correct no value' }]);
      await bad({ lineNo: 1, kind: 'HS_MISCLASSIFICATION', note: 'x', corrections: { hsCode: '999999' } }, [{ path: '/corrections/hsCode', message: /not a subheading/ }]);
      await bad({ lineNo: 1, kind: 'HS_MISCLASSIFICATION', note: 'x', corrections: { hsCode: '851713' } }, [{ path: '/corrections/hsCode', message: 'is the declared value 851713' }]);
      await bad({ lineNo: 1, kind: 'ORIGIN', note: 'x', corrections: { originCountry: 'XX' } }, [{ path: '/corrections/originCountry', message: /ISO 3166/ }]);
      await bad({ lineNo: 1, kind: 'QUANTITY', note: 'x', corrections: { netMass: '30' } }, [{ path: '/corrections/netMass', message: 'the net mass 30 must not exceed the gross mass 25.000' }]);
      await bad({ lineNo: 1, kind: 'UNDERVALUATION', note: 'x', corrections: { customsValue: '-5' } }, [{ path: '/corrections/customsValue', message: 'has an invalid format' }]);
      await bad({ lineNo: 1, kind: 'THEFT', note: '' }, [
        { path: '/kind', message: 'must be one of QUANTITY, HS_MISCLASSIFICATION, UNDERVALUATION, ORIGIN, PROHIBITED, RESTRICTED, IPR' },
        { path: '/note', message: /fewer than 1|at least 1|shorter/ },
      ]);
      expect((await w.officer.client.get(`/api/v1/inspections/${task.id}`)).body.findings).toEqual([]);
    });
  });

  describe('corrections billed again on a domestic release', () => {
    /** T-shirts admitted and past the gate, then declared for the domestic market: RED, billed 446.50. */
    async function releaseToMarket() {
      const admission = await declare(w, { type: 'ADMISSION', lines: [tshirts], transport: road });
      expect(admission.state).toBe('RELEASED');
      expectStatus(await w.officer.client.post(`/api/v1/declarations/${admission.id}/decisions`, { action: 'COMPLETE' }), 200);
      const declaration = await declare(w, { type: 'DOMESTIC_RELEASE', lines: [tshirts], transport: road });
      expect(declaration).toMatchObject({ lane: 'RED', state: 'ASSESSED' });
      const [bill] = await billsOf(declaration.id);
      // duty 16.5 % × 2,000.00 = 330.00; VAT 5 % × 2,330.00 = 116.50
      expect(bill).toMatchObject({ status: 'UNPAID', total: '446.50' });
      return { declaration, bill: bill as Bill };
    }

    async function billsOf(declarationId: string): Promise<Bill[]> {
      const response = await w.trader.client.get(`/api/v1/bills?declarationId=${declarationId}`);
      expectStatus(response, 200);
      return [...response.body.items].reverse();
    }

    async function correctValue(declarationId: string) {
      const task = await laneTask(w, declarationId);
      expectStatus(await w.officer.client.post(`/api/v1/inspections/${task.id}/start`), 200);
      expectStatus(await finding(task.id, { lineNo: 1, kind: 'UNDERVALUATION', note: 'invoice found at 3,000.00', corrections: { customsValue: '3000.00' } }), 201);
      const decided = await decide(task.id, 'RELEASE_WITH_CORRECTIONS', 'value corrected to the invoice');
      expectStatus(decided, 200);
      return decided.body;
    }

    it('replaces an unpaid bill by one for the corrected duties, and releases the declaration when it is paid', async () => {
      const { declaration, bill } = await releaseToMarket();
      const decided = await correctValue(declaration.id);
      const [cancelled, replacement] = await billsOf(declaration.id);
      expect(cancelled).toMatchObject({ id: bill.id, status: 'CANCELLED' });
      // duty 16.5 % × 3,000.00 = 495.00; VAT 5 % × 3,495.00 = 174.75
      expect(replacement).toMatchObject({ number: `${declaration.reference}-B2`, status: 'UNPAID', duty: '495.00', vat: '174.75', total: '669.75', supplements: null });
      expect(decided).toMatchObject({ releaseWaitingFor: `duties of bill ${declaration.reference}-B2 are not paid`, declaration: { state: 'UNDER_INSPECTION', version: 2, totalValue: '3000.00' } });
      expect((await w.trader.client.get(`/api/v1/declarations/${declaration.id}`)).body).toMatchObject({ state: 'UNDER_INSPECTION', lines: [{ customsValue: '3000.00' }] });

      await pay(w.t, replacement as Bill);
      const released = await declarationOf(declaration.id);
      expect(released.state).toBe('RELEASED');
      expect(released.history.at(-1)).toMatchObject({ action: 'RELEASE', actorRole: 'system', fromState: 'UNDER_INSPECTION', reason: expect.stringContaining('RELEASE_WITH_CORRECTIONS') });
      expect((await w.officer.client.get(`/api/v1/inspections/${decided.id}`)).body.releaseWaitingFor).toBeNull();
    });

    it('adds a supplementary bill for the difference when the duties were paid already', async () => {
      const { declaration, bill } = await releaseToMarket();
      await pay(w.t, bill);
      expect((await declarationOf(declaration.id)).state).toBe('ASSESSED');
      const decided = await correctValue(declaration.id);
      const [paid, supplement] = await billsOf(declaration.id);
      expect(paid).toMatchObject({ id: bill.id, status: 'PAID', total: '446.50' });
      // 669.75 due in all, 446.50 paid: 223.25 more.
      expect(supplement).toMatchObject({ status: 'UNPAID', duty: '165.00', vat: '58.25', total: '223.25', supplements: bill.id });
      expect(decided.declaration.state).toBe('UNDER_INSPECTION');

      await pay(w.t, supplement as Bill);
      expect((await declarationOf(declaration.id)).state).toBe('RELEASED');
    });
  });
});
