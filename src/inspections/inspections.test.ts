// Inspection tasks through the API: opened by the lane at assessment, closed by amendment and
// cancellation, assigned to officers of the zone, started, worked from a queue; and who may see and
// touch them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presentLiveEvent } from '../live/live.events.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { containerNumber, createInspectionWorld, declare, expectStatus, laneTask, smartphones, tasksOf, toys, tshirts, type InspectionWorld, WORLD_TIMEOUT_MS } from './inspections.fixtures.ts';

describe('inspection tasks', () => {
  let w: InspectionWorld;

  beforeAll(async () => {
    w = await createInspectionWorld();
  }, WORLD_TIMEOUT_MS);
  afterAll(() => w?.t.close());

  const road = { mode: 'ROAD', vehiclePlate: 'AB 1234' };

  describe('opened by the lane', () => {
    it('opens a scan for a RED declaration naming containers, a physical examination without, a document check for YELLOW, and nothing for GREEN', async () => {
      const red = await declare(w, { lines: [smartphones] });
      expect(red).toMatchObject({ lane: 'RED', state: 'ASSESSED' });
      const scanTask = await laneTask(w, red.id);
      expect(scanTask).toMatchObject({ kind: 'NON_INTRUSIVE_SCAN', status: 'OPEN', origin: 'LANE', assignee: null });

      const redByRoad = await declare(w, { lines: [smartphones], transport: road });
      expect(await laneTask(w, redByRoad.id)).toMatchObject({ kind: 'PHYSICAL_EXAMINATION', status: 'OPEN' });

      const yellow = await declare(w, { lines: [toys] });
      expect(yellow.lane).toBe('YELLOW');
      expect(await laneTask(w, yellow.id)).toMatchObject({ kind: 'DOCUMENT_CHECK', status: 'OPEN' });

      const green = await declare(w, { lines: [tshirts] });
      expect(green).toMatchObject({ lane: 'GREEN', state: 'RELEASED' });
      expect(await tasksOf(w, green.id)).toEqual([]);

      const detail = await w.officer.client.get(`/api/v1/inspections/${scanTask.id}`);
      expectStatus(detail, 200);
      expect(detail.body).toMatchObject({
        declarationId: red.id,
        declarationReference: red.reference,
        lane: 'RED',
        declarationVersion: 1,
        declaration: { id: red.id, state: 'ASSESSED', lane: 'RED', transport: { containers: ['CSQU3054383'] }, lines: [{ lineNo: 1, hsCode: '851713', quantity: '100.000000' }] },
        scans: [],
        findings: [],
        outcome: null,
      });
    });

    it('cancels open tasks when the declaration is amended, opens new ones at its new assessment, and cancels them with the declaration', async () => {
      const yellow = await declare(w, { lines: [toys] });
      const first = await laneTask(w, yellow.id);
      const amended = await w.trader.client.post(`/api/v1/declarations/${yellow.id}/amendments`, {
        reason: 'one more line',
        declaration: { currency: 'USD', transport: { mode: 'SEA', containers: [containerNumber('TOY', 1)] }, lines: [toys, { ...smartphones, quantity: '5' }] },
      });
      expectStatus(amended, 200);
      expect(amended.body).toMatchObject({ lane: 'RED', version: 2 });
      const [second, cancelled] = await tasksOf(w, yellow.id);
      expect(cancelled).toMatchObject({ id: first.id, status: 'CANCELLED' });
      expect(second).toMatchObject({ kind: 'NON_INTRUSIVE_SCAN', status: 'OPEN' });
      expect((await w.officer.client.get(`/api/v1/inspections/${first.id}`)).body).toMatchObject({ cancelReason: expect.stringContaining('amended'), declarationVersion: 1 });
      expect((await w.officer.client.get(`/api/v1/inspections/${second?.id}`)).body.declarationVersion).toBe(2);

      expectStatus(await w.trader.client.post(`/api/v1/declarations/${yellow.id}/cancellation`, { reason: 'order cancelled' }), 200);
      expect((await tasksOf(w, yellow.id)).map((task) => task.status)).toEqual(['CANCELLED', 'CANCELLED']);
    });

    it('closes the open task of a declaration an officer releases by a decision outside the inspection', async () => {
      const yellow = await declare(w, { lines: [toys] });
      expectStatus(await w.officer.client.post(`/api/v1/declarations/${yellow.id}/decisions`, { action: 'RELEASE' }), 200);
      expect(await laneTask(w, yellow.id)).toMatchObject({ status: 'CANCELLED' });
    });
  });

  describe('assignment, start and the queue', () => {
    it('lets an officer take a task and an admin assign it to another officer of the zone, and no one else', async () => {
      const red = await declare(w, { lines: [smartphones], transport: road });
      const task = await laneTask(w, red.id);

      const taken = await w.officer.client.post(`/api/v1/inspections/${task.id}/assignment`, {});
      expectStatus(taken, 200);
      expect(taken.body.assignee).toEqual({ id: w.officer.id, name: expect.stringContaining('customs_officer') });

      const reassigned = await w.admin.post(`/api/v1/inspections/${task.id}/assignment`, { assigneeId: w.colleague.id });
      expectStatus(reassigned, 200);
      expect(reassigned.body.assignee.id).toBe(w.colleague.id);

      for (const assigneeId of [w.auditor.id, w.officerElsewhere.id, w.trader.id]) {
        const refused = await w.admin.post(`/api/v1/inspections/${task.id}/assignment`, { assigneeId });
        expectStatus(refused, 400);
        expect(refused.body.error.details).toEqual([{ path: '/assigneeId', message: 'must be an active customs officer who works in the zone of the task' }]);
      }
      // An admin is no officer: it assigns, it does not take.
      expect((await w.admin.post(`/api/v1/inspections/${task.id}/assignment`, {})).body.error.details[0].path).toBe('/assigneeId');
      expect((await w.officer.client.get(`/api/v1/inspections/${task.id}`)).body.assignee.id).toBe(w.colleague.id);

      const mine = await w.colleague.client.get('/api/v1/inspections?assignee=me&status=OPEN');
      expect(mine.body.items.map((item: { id: string }) => item.id)).toContain(task.id);
      expect((await w.officer.client.get('/api/v1/inspections?assignee=me')).body.items.map((item: { id: string }) => item.id)).not.toContain(task.id);
      expect((await w.officer.client.get(`/api/v1/inspections?assignee=${w.colleague.id}`)).body.items.map((item: { id: string }) => item.id)).toContain(task.id);
      expect((await w.officer.client.get('/api/v1/inspections?assignee=none')).body.items.map((item: { id: string }) => item.id)).not.toContain(task.id);
    });

    it("keeps another officer's task theirs, and starting a RED task puts its declaration under inspection", async () => {
      const red = await declare(w, { lines: [smartphones], transport: road });
      const task = await laneTask(w, red.id);
      expectStatus(await w.admin.post(`/api/v1/inspections/${task.id}/assignment`, { assigneeId: w.colleague.id }), 200);

      const notTheirs = await w.officer.client.post(`/api/v1/inspections/${task.id}/start`);
      expectStatus(notTheirs, 403);
      expect(notTheirs.body.error.message).toMatch(/assigned to/);

      const started = await w.colleague.client.post(`/api/v1/inspections/${task.id}/start`);
      expectStatus(started, 200);
      expect(started.body).toMatchObject({ status: 'IN_PROGRESS', declarationState: 'UNDER_INSPECTION', declaration: { state: 'UNDER_INSPECTION' } });
      const history = (await w.officer.client.get(`/api/v1/declarations/${red.id}`)).body.history;
      expect(history.at(-1)).toMatchObject({ action: 'START_INSPECTION', actorId: w.colleague.id });
      expectStatus(await w.colleague.client.post(`/api/v1/inspections/${task.id}/start`), 409);
    });

    it('starts an unassigned task for the officer who starts it, and a YELLOW declaration stays assessed', async () => {
      const yellow = await declare(w, { lines: [toys] });
      const task = await laneTask(w, yellow.id);
      const started = await w.officer.client.post(`/api/v1/inspections/${task.id}/start`);
      expectStatus(started, 200);
      expect(started.body).toMatchObject({ status: 'IN_PROGRESS', assignee: { id: w.officer.id }, declaration: { state: 'ASSESSED' } });
    });

    it('lets officers change the kind of a task and open another one, saying why', async () => {
      const red = await declare(w, { lines: [smartphones] });
      const task = await laneTask(w, red.id);
      const changed = await w.officer.client.put(`/api/v1/inspections/${task.id}/kind`, { kind: 'PHYSICAL_EXAMINATION', reason: 'scanner out of order' });
      expectStatus(changed, 200);
      expect(changed.body.kind).toBe('PHYSICAL_EXAMINATION');
      const same = await w.officer.client.put(`/api/v1/inspections/${task.id}/kind`, { kind: 'PHYSICAL_EXAMINATION', reason: 'again' });
      expectStatus(same, 400);
      expect(same.body.error.details).toEqual([{ path: '/kind', message: 'is the kind of the task already' }]);

      const extra = await w.officer.client.post('/api/v1/inspections', { declarationId: red.id, kind: 'DOCUMENT_CHECK', reason: 'certificate of origin to verify' });
      expectStatus(extra, 201);
      expect(extra.body).toMatchObject({ origin: 'OFFICER', kind: 'DOCUMENT_CHECK', status: 'OPEN', reason: 'certificate of origin to verify', openedBy: w.officer.id });
      expect(await tasksOf(w, red.id)).toHaveLength(2);

      const missing = await w.officer.client.post('/api/v1/inspections', { declarationId: red.id, kind: 'X-RAY', reason: '' });
      expectStatus(missing, 400);
      expect(missing.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['/kind', '/reason']);
      const released = await declare(w, { lines: [tshirts] });
      const refused = await w.officer.client.post('/api/v1/inspections', { declarationId: released.id, kind: 'DOCUMENT_CHECK', reason: 'late doubt' });
      expectStatus(refused, 409);
      expect(refused.body.error.details).toEqual([{ path: '/declarationId', message: 'the declaration is RELEASED' }]);
    });

    it('pages the queue newest first with a cursor', async () => {
      const first = await w.officer.client.get('/api/v1/inspections?limit=2');
      expectStatus(first, 200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await w.officer.client.get(`/api/v1/inspections?limit=2&cursor=${first.body.nextCursor}`);
      expectStatus(second, 200);
      const ids = [...first.body.items, ...second.body.items].map((item: { id: string }) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort().reverse()).toEqual(ids);
      expectStatus(await w.officer.client.get('/api/v1/inspections?cursor=garbage'), 400);
      expectStatus(await w.officer.client.get('/api/v1/inspections?status=DONE'), 400);
    });
  });

  describe('access', () => {
    it('keeps tasks from traders and zone operators (403) and hides them from officers of other zones (404); auditors and analysts read but do not write', async () => {
      const red = await declare(w, { lines: [smartphones] });
      const task = await laneTask(w, red.id);
      for (const outsider of [w.trader, w.operator]) expectStatus(await outsider.client.get(`/api/v1/inspections/${task.id}`), 403);
      const elsewhere = await w.officerElsewhere.client.get(`/api/v1/inspections/${task.id}`);
      expectStatus(elsewhere, 404);
      expect(elsewhere.body.error.code).toBe('NOT_FOUND');
      expectStatus(await w.trader.client.get('/api/v1/inspections'), 403);
      expect((await w.officerElsewhere.client.get('/api/v1/inspections')).body.items).toEqual([]);
      expectStatus(await w.officerElsewhere.client.post(`/api/v1/inspections/${task.id}/assignment`, {}), 404);
      expectStatus(await w.officerElsewhere.client.post('/api/v1/inspections', { declarationId: red.id, kind: 'DOCUMENT_CHECK', reason: 'curious' }), 400);

      for (const reader of [w.auditor, w.analyst]) expectStatus(await reader.client.get(`/api/v1/inspections/${task.id}`), 200);
      expectStatus(await w.auditor.client.post(`/api/v1/inspections/${task.id}/start`), 403);
      expectStatus(await w.auditor.client.post(`/api/v1/inspections/${task.id}/findings`, { lineNo: 1, kind: 'QUANTITY', note: 'short' }), 403);
      expectStatus(await w.analyst.client.post(`/api/v1/inspections/${task.id}/outcome`, { outcome: 'REJECT', reason: 'no' }), 403);
      expectStatus(await w.trader.client.put(`/api/v1/inspections/${task.id}/kind`, { kind: 'DOCUMENT_CHECK', reason: 'please' }), 403);
      expect((await w.officer.client.get(`/api/v1/inspections/${task.id}`)).body.status).toBe('OPEN');
    });

    it('streams inspection events to the staff of the zone only, never to the trader', async () => {
      const red = await declare(w, { lines: [smartphones] });
      const [stored] = await w.t.ctx.db.query<{ id: number; event_type: string; aggregate_id: string; zone_id: string; enterprise_id: string; payload: Record<string, unknown>; occurred_at: Date }>(
        `SELECT * FROM outbox WHERE event_type = 'inspection.opened' AND payload->>'declarationId' = $1`,
        [red.id],
      );
      expect(stored).toBeDefined();
      const event = {
        id: Number(stored?.id),
        type: 'inspection.opened',
        aggregateType: 'inspection',
        aggregateId: stored?.aggregate_id as string,
        zoneId: stored?.zone_id as string,
        enterpriseId: stored?.enterprise_id as string,
        payload: stored?.payload as Record<string, unknown>,
        occurredAt: stored?.occurred_at as Date,
      };
      const viewer = (role: Principal['role'], scope: Partial<Principal> = {}): Principal => ({ kind: 'user', id: 'x', name: 'x', role, enterpriseId: null, zoneIds: null, scopes: [], ...scope });
      expect(presentLiveEvent(viewer('enterprise_user', { enterpriseId: w.enterprise.id }), event)).toBeNull();
      expect(presentLiveEvent(viewer('zone_operator', { zoneIds: [w.zone.id] }), event)).toBeNull();
      expect(presentLiveEvent(viewer('customs_officer', { zoneIds: [w.otherZone.id] }), event)).toBeNull();
      expect(presentLiveEvent(viewer('customs_officer', { zoneIds: [w.zone.id] }), event)?.data).toMatchObject({ declarationId: red.id, reference: red.reference, kind: 'NON_INTRUSIVE_SCAN', origin: 'LANE' });
    });
  });
});
