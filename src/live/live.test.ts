// The live event stream over real HTTP, as a browser's EventSource or a machine client uses it:
// tickets, what each principal receives (its enterprise, its zones, never targeting), resuming by
// event id, the allowance of streams, and the server's shutdown with streams open.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createZone, declarationBody } from '../../test/support/factories.ts';
import { openEventStream, type EventStream, type SseMessage } from '../../test/support/event-stream.ts';
import { DEFAULT_SELECTIVITY } from '../declarations/selectivity.schema.ts';
import { MAX_STREAMS_PER_PRINCIPAL } from './live.service.ts';

const shotguns = { hsCode: '930320', description: 'Sporting shotguns', originCountry: 'IT', quantity: '10', unit: 'H87', netMass: '30', grossMass: '35', customsValue: '8000.00' };
/** The targeting that no trader and no zone operator may learn. */
const RULE = { name: 'Watch list 7', lane: 'RED', reason: 'intelligence report 4711', hsPrefixes: ['9303'] };

interface Signed {
  client: ApiClient;
  token: string;
}

describe('live event stream', () => {
  let t: TestApp;
  let base: string;
  // The database's time, moved forward by hand to let tickets expire.
  let skew = 0;
  const clock = { now: () => new Date(Date.now() + skew) };
  let zoneA: { id: string };
  let zoneB: { id: string };
  let e1: { id: string };
  let trader1: Signed;
  let trader2: Signed;
  let auditor: Signed;
  let operatorA: Signed;
  let officerB: Signed;
  const open: EventStream[] = [];

  async function signIn(role: string, scope: { enterpriseId?: string; zoneIds?: string[] } = {}): Promise<Signed> {
    const username = `${role.replaceAll('_', '-')}-${randomBytes(3).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    expect((await t.admin.post('/api/v1/users', { username, displayName: username, role, password, ...scope })).status).toBe(201);
    const { body } = await t.anonymous.post('/api/v1/auth/login', { username, password });
    return { client: t.client(body.token as string), token: body.token as string };
  }

  async function ticketOf(who: Signed): Promise<string> {
    const response = await who.client.post('/api/v1/events/tickets');
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.ticket as string;
  }

  /** A live stream of `who`, opened with a ticket as a browser would, once it has caught up. */
  async function streamOf(who: Signed, headers: Record<string, string> = {}, query = ''): Promise<EventStream> {
    const stream = await openEventStream(base, `/api/v1/events/stream?ticket=${await ticketOf(who)}${query}`, headers);
    expect(stream.status, JSON.stringify(stream.body)).toBe(200);
    open.push(stream);
    await stream.next((m) => m.event === 'ready');
    return stream;
  }

  async function submit(who: Signed, zoneId: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; reference: string }> {
    const response = await who.client.post('/api/v1/declarations', declarationBody(zoneId, overrides));
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  const about = (id: string) => (m: SseMessage) => m.event === 'message' && m.data.aggregateId === id;
  const step = (id: string, type: string) => (m: SseMessage) => about(id)(m) && m.data.type === type;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    zoneA = await createZone(t.admin);
    zoneB = await createZone(t.admin, { locode: 'USEWR' });
    e1 = await createEnterprise(t.admin, [zoneA.id]);
    const e2 = await createEnterprise(t.admin, [zoneA.id, zoneB.id]);
    trader1 = await signIn('enterprise_user', { enterpriseId: e1.id });
    trader2 = await signIn('enterprise_user', { enterpriseId: e2.id });
    auditor = await signIn('auditor');
    operatorA = await signIn('zone_operator', { zoneIds: [zoneA.id] });
    officerB = await signIn('customs_officer', { zoneIds: [zoneB.id] });
    const current = (await t.admin.get('/api/v1/administration')).body;
    const { version: _version, updatedAt: _updatedAt, ...settings } = current;
    const put = await t.admin.put('/api/v1/administration', {
      ...settings,
      selectivity: { ...DEFAULT_SELECTIVITY, randomRedShare: '0', randomYellowShare: '0', rules: [RULE] },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  });
  afterAll(async () => {
    for (const stream of open) stream.close();
    await t.close();
  });

  describe('tickets', () => {
    it('refuses a stream without a ticket or a token, or with a ticket that is not one', async () => {
      for (const path of ['/api/v1/events/stream', '/api/v1/events/stream?ticket=nonsense', `/api/v1/events/stream?ticket=cdn_t_${'A'.repeat(43)}`]) {
        const stream = await openEventStream(base, path);
        expect(stream.status).toBe(401);
        expect(stream.body.error.code).toBe('UNAUTHENTICATED');
      }
    });

    it('issues a ticket of one minute to a signed-in caller only', async () => {
      expect((await t.anonymous.post('/api/v1/events/tickets')).status).toBe(401);
      const response = await trader1.client.post('/api/v1/events/tickets');
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        ticket: expect.stringMatching(/^cdn_t_[A-Za-z0-9_-]{43}$/),
        expiresAt: expect.any(String),
        streamUrl: `/api/v1/events/stream?ticket=${response.body.ticket}`,
      });
      const lifetime = new Date(response.body.expiresAt).getTime() - Date.now();
      expect(lifetime).toBeGreaterThan(55_000);
      expect(lifetime).toBeLessThanOrEqual(60_000);
    });

    it('serves a ticket once', async () => {
      const ticket = await ticketOf(trader1);
      const first = await openEventStream(base, `/api/v1/events/stream?ticket=${ticket}`);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      await first.next((m) => m.event === 'ready');
      first.close();
      const again = await openEventStream(base, `/api/v1/events/stream?ticket=${ticket}`);
      expect(again.status).toBe(401);
    });

    it('lets a ticket expire after a minute', async () => {
      const ticket = await ticketOf(trader1);
      skew = 61_000;
      try {
        expect((await openEventStream(base, `/api/v1/events/stream?ticket=${ticket}`)).status).toBe(401);
      } finally {
        skew = 0;
      }
    });

    it('dies with the session that asked for it', async () => {
      const who = await signIn('auditor');
      const ticket = await ticketOf(who);
      expect((await who.client.post('/api/v1/auth/logout')).status).toBe(204);
      expect((await openEventStream(base, `/api/v1/events/stream?ticket=${ticket}`)).status).toBe(401);
    });

    it('accepts a bearer token instead, for clients that can send one', async () => {
      const stream = await openEventStream(base, '/api/v1/events/stream', { authorization: `Bearer ${auditor.token}` });
      open.push(stream);
      expect(stream.status).toBe(200);
      const ready = await stream.next((m) => m.event === 'ready');
      expect(ready.data).toEqual({ lastEventId: expect.any(Number) });
      stream.close();
    });
  });

  describe('what each principal receives', () => {
    let stream1: EventStream;
    let stream2: EventStream;
    let streamAuditor: EventStream;
    let streamOperator: EventStream;
    let streamB: EventStream;
    let mine: { id: string; reference: string };
    let theirs: { id: string; reference: string };
    let red: { id: string; reference: string };
    let inZoneB: { id: string; reference: string };

    beforeAll(async () => {
      [stream1, stream2, streamAuditor, streamOperator, streamB] = await Promise.all([
        streamOf(trader1),
        streamOf(trader2),
        streamOf(auditor),
        streamOf(operatorA),
        streamOf(officerB),
      ]);
      mine = await submit(trader1, zoneA.id);
      red = await submit(trader1, zoneA.id, { lines: [shotguns] });
      theirs = await submit(trader2, zoneA.id);
      inZoneB = await submit(trader2, zoneB.id);
      // Events go out in outbox order: once the last one has arrived, every earlier one has been handled.
      await Promise.all([
        stream1.next(step(red.id, 'declaration.assess')),
        stream2.next(step(inZoneB.id, 'declaration.release')),
        streamAuditor.next(step(inZoneB.id, 'declaration.release')),
        streamOperator.next(step(theirs.id, 'declaration.release')),
        streamB.next(step(inZoneB.id, 'declaration.release')),
      ]);
    });

    it("delivers an enterprise user's own declaration through its steps, with a safe payload", () => {
      const steps = stream1.messages.filter(about(mine.id));
      expect(steps.map((m) => m.data.type)).toEqual(['declaration.submit', 'declaration.assess', 'declaration.release']);
      expect(steps[1]).toEqual({
        id: String(steps[1]?.data.id),
        event: 'message',
        data: {
          id: expect.any(Number),
          type: 'declaration.assess',
          aggregateType: 'declaration',
          aggregateId: mine.id,
          zoneId: zoneA.id,
          enterpriseId: expect.any(String),
          at: expect.any(String),
          data: { reference: mine.reference, declarationType: 'ADMISSION', from: 'SUBMITTED', state: 'ASSESSED', lane: 'GREEN' },
        },
      });
    });

    it("never delivers another enterprise's events", () => {
      expect(stream2.messages.filter(about(mine.id))).toEqual([]);
      expect(stream2.messages.filter(about(red.id))).toEqual([]);
      expect(stream1.messages.filter(about(theirs.id))).toEqual([]);
      expect(stream2.messages.filter(about(theirs.id)).length).toBe(3);
      expect(stream1.raw()).not.toContain(theirs.reference);
    });

    it('never delivers targeting to a trader or a zone operator, and does to an auditor', async () => {
      for (const stream of [stream1, streamOperator]) {
        const assessed = await stream.next(step(red.id, 'declaration.assess'));
        expect(assessed.data.data).toEqual({ reference: red.reference, declarationType: 'ADMISSION', from: 'SUBMITTED', state: 'ASSESSED', lane: 'RED' });
        expect(stream.raw()).not.toContain(RULE.reason);
        expect(stream.raw()).not.toContain(RULE.name);
        expect(stream.raw()).not.toMatch(/riskScore|laneReasons|reason/);
      }
      const assessed = await streamAuditor.next(step(red.id, 'declaration.assess'));
      expect(assessed.data.data.reason).toContain(RULE.reason);
    });

    it("gives a zone's staff their zone's events only", () => {
      expect(streamB.messages.filter(about(inZoneB.id)).length).toBe(3);
      for (const id of [mine.id, red.id, theirs.id]) expect(streamB.messages.filter(about(id))).toEqual([]);
      expect(streamOperator.messages.filter(about(inZoneB.id))).toEqual([]);
      expect(streamOperator.messages.filter(about(theirs.id)).length).toBe(3);
    });

    it('resumes after Last-Event-ID (or ?lastEventId=) with what the stream missed', async () => {
      const first = await stream1.next(step(mine.id, 'declaration.submit'));
      const missed = stream1.messages.filter((m) => m.event === 'message' && Number(m.id) > Number(first.id)).map((m) => m.id);
      // Assessed, released, the gate pass its release issued, and the red declaration's submission and assessment.
      expect(missed.length).toBe(5);
      const resumes: { headers: Record<string, string>; query: string }[] = [
        { headers: { 'last-event-id': String(first.id) }, query: '' },
        { headers: {}, query: `&lastEventId=${first.id}` },
      ];
      for (const resume of resumes) {
        const resumed = await streamOf(trader1, resume.headers, resume.query);
        const replayed = resumed.messages.filter((m) => m.event === 'message').map((m) => m.id);
        expect(replayed).toEqual(missed);
        resumed.close();
      }
    });

    it('refuses a Last-Event-ID that is not an event id', async () => {
      const stream = await openEventStream(base, `/api/v1/events/stream?ticket=${await ticketOf(trader1)}`, { 'last-event-id': 'yesterday' });
      expect(stream.status).toBe(400);
      expect(stream.body.error.details).toEqual([{ path: '/headers/last-event-id', message: 'must be a whole number' }]);
    });
  });

  it("delivers a transfer's steps to its destination zone's staff and destination enterprise as well", async () => {
    const zoneC = await createZone(t.admin, { locode: 'USLAX' });
    const traderC = await signIn('enterprise_user', { enterpriseId: (await createEnterprise(t.admin, [zoneC.id])).id });
    const [destinationTrader, destinationOperator, originOfficer, bystander] = await Promise.all([
      streamOf(trader1),
      streamOf(operatorA),
      streamOf(officerB),
      streamOf(await signIn('customs_officer', { zoneIds: [zoneC.id] })),
    ]);
    // Goods admitted into zone B (where only the second enterprise is) go to the first enterprise in zone A.
    const admitted = await submit(trader2, zoneB.id);
    expect((await t.admin.post(`/api/v1/declarations/${admitted.id}/decisions`, { action: 'COMPLETE' })).status).toBe(200);
    const transfer = await submit(trader2, zoneB.id, { type: 'TRANSFER', destination: { zoneId: zoneA.id, enterpriseId: e1.id } });
    for (const stream of [destinationTrader, destinationOperator, originOfficer]) {
      const submitted = await stream.next(step(transfer.id, 'declaration.submit'));
      expect(submitted.data).toMatchObject({ zoneId: zoneB.id, data: { reference: transfer.reference, declarationType: 'TRANSFER' } });
    }
    // A zone that is neither origin nor destination hears nothing of it: its own later declaration
    // arrives, and events go out in outbox order.
    const later = await submit(traderC, zoneC.id);
    await bystander.next(step(later.id, 'declaration.submit'));
    expect(bystander.messages.filter(about(transfer.id))).toEqual([]);
    expect(bystander.raw()).not.toContain(transfer.reference);
  });

  it(`allows at most ${MAX_STREAMS_PER_PRINCIPAL} streams per principal at once`, async () => {
    const who = await signIn('risk_analyst');
    const streams = [];
    for (let i = 0; i < MAX_STREAMS_PER_PRINCIPAL; i++) streams.push(await streamOf(who));
    const refused = await openEventStream(base, `/api/v1/events/stream?ticket=${await ticketOf(who)}`);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    streams[0]?.close();
    // The server notices the closed connection at once; the next stream is allowed.
    await expect.poll(async () => {
      const stream = await openEventStream(base, `/api/v1/events/stream?ticket=${await ticketOf(who)}`);
      stream.close();
      return stream.status;
    }).toBe(200);
    for (const stream of streams) stream.close();
  });
});

describe('live event stream at shutdown', () => {
  it('ends open streams with a reason and closes the server at once', async () => {
    const t = await createTestApp();
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const ticket = (await t.admin.post('/api/v1/events/tickets')).body.ticket as string;
    const stream = await openEventStream(base, `/api/v1/events/stream?ticket=${ticket}`);
    await stream.next((m) => m.event === 'ready');
    // A connection opened ahead of need, as browsers do (and fetch, after an aborted stream): no request yet.
    const { port } = new URL(base);
    const spare = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => spare.once('connect', resolve));
    const closed = new Promise((resolve) => spare.once('close', resolve));
    const started = Date.now();
    await t.close();
    expect(Date.now() - started).toBeLessThan(3000);
    await stream.ended;
    expect(stream.messages.at(-1)).toEqual({ id: null, event: 'end', data: { reason: 'shutdown' } });
    await closed;
  });
});
