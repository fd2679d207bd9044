// The hub on a real database with short intervals and in-memory sinks: outbox order, heartbeats that
// carry the position, resuming, ending streams whose credential has ended or whose client lags, and
// (on PostgreSQL) waiting for an event whose transaction commits after a later one's.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, usingPostgres, type TestApp } from '../../test/support/test-app.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { createLiveHub, type LiveHub, type StreamSink } from './live.hub.ts';

const admin: Principal = { kind: 'user', id: '00000000-0000-4000-8000-000000000001', name: 'admin', role: 'admin', enterpriseId: null, zoneIds: null, scopes: [] };

class Sink implements StreamSink {
  text = '';
  ended = false;
  accept = true;
  write(text: string): boolean {
    this.text += text;
    return this.accept;
  }
  end(): void {
    this.ended = true;
  }
  /** The ids of the domain events received, in order. */
  ids(): number[] {
    return [...this.text.matchAll(/^id: (\d+)\ndata: \{"id"/gm)].map((match) => Number(match[1]));
  }
}

describe('live hub', () => {
  let t: TestApp;
  let hub: LiveHub;
  let valid = true;
  const errors: unknown[] = [];

  const event = (n: number) =>
    appendEvent(t.ctx.db, { type: 'test.happened', aggregateType: 'test', aggregateId: String(n), payload: { secret: 'never sent' } });
  const newest = async () => Number((await t.ctx.db.query<{ id: number }>('SELECT max(id) AS id FROM outbox'))[0]?.id ?? 0);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await hub.close();
    valid = true;
    expect(errors).toEqual([]);
  });
  afterAll(() => t.close());

  function start() {
    hub = createLiveHub({
      db: t.ctx.db,
      revalidate: () => Promise.resolve(valid ? admin : null),
      onError: (error) => errors.push(error),
      pollMs: 20,
      heartbeatMs: 50,
      revalidateMs: 50,
    });
    return hub;
  }

  it('sends new events in outbox order, with nothing of their payload that is not named for their type', async () => {
    const sink = new Sink();
    await start().subscribe(admin, 'c', null, sink).ready;
    const before = await newest();
    for (let n = 0; n < 3; n++) await event(n);
    await expect.poll(() => sink.ids().length).toBe(3);
    expect(sink.ids()).toEqual([before + 1, before + 2, before + 3]);
    expect(sink.text).not.toContain('never sent');
    expect(sink.text).toContain('"data":{}');
  });

  it('sends heartbeats that carry the position reached', async () => {
    const sink = new Sink();
    await start().subscribe(admin, 'c', null, sink).ready;
    await event(1);
    const position = await newest();
    await expect.poll(() => sink.text.includes(`: heartbeat\nid: ${position}\n\n`)).toBe(true);
  });

  it('replays what a resuming stream missed before it goes live, and tells one too far behind to reload', async () => {
    const from = await newest();
    for (let n = 0; n < 4; n++) await event(n);
    const sink = new Sink();
    await start().subscribe(admin, 'c', from + 1, sink).ready;
    expect(sink.ids()).toEqual([from + 2, from + 3, from + 4]);
    expect(sink.text).toMatch(new RegExp(`event: ready\\nid: ${from + 4}\\n`));

    // Ids run far ahead (a busy server): a stream resuming from long ago is not replayed 10,000 events.
    await t.ctx.db.query(`SELECT setval(pg_get_serial_sequence('outbox', 'id'), $1)`, [from + 20_000]);
    await event(5);
    // The hub passes the gap at once on PGlite, after waiting for it on PostgreSQL.
    await expect.poll(() => sink.ids().at(-1), { timeout: 5000 }).toBe(from + 20_001);
    const late = new Sink();
    await hub.subscribe(admin, 'c', from, late).ready;
    expect(late.text).toContain('event: reset\ndata: {"reason":"too-far-behind"');
    expect(late.ids()).toEqual([]);
  });

  it('ends the streams of a credential that is no longer valid', async () => {
    const sink = new Sink();
    await start().subscribe(admin, 'c', null, sink).ready;
    valid = false;
    await expect.poll(() => sink.ended).toBe(true);
    expect(sink.text).toContain('event: end\ndata: {"reason":"signed-out"}\n\n');
  });

  it('drops a stream whose client has fallen behind', async () => {
    const sink = new Sink();
    await start().subscribe(admin, 'c', null, sink).ready;
    sink.accept = false;
    await event(1);
    await expect.poll(() => sink.ended).toBe(true);
    expect(sink.text).toContain('event: end\ndata: {"reason":"too-slow"}');
  });

  it('counts the streams of a principal until they close', async () => {
    start();
    const first = hub.subscribe(admin, 'c', null, new Sink());
    const second = hub.subscribe(admin, 'c', null, new Sink());
    expect(hub.streamsOf(admin)).toBe(2);
    first.close();
    expect(hub.streamsOf(admin)).toBe(1);
    await Promise.all([first.ready, second.ready]);
  });

  it.runIf(usingPostgres)('waits for an event whose transaction commits after a later event’s, and keeps the order', async () => {
    const sink = new Sink();
    await start().subscribe(admin, 'c', null, sink).ready;
    let commit: () => void = () => undefined;
    let appended: () => void = () => undefined;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    const taken = new Promise<void>((resolve) => (appended = resolve));
    // This transaction takes its outbox id first and commits last.
    const slow = t.ctx.db.transaction(async (tx) => {
      await appendEvent(tx, { type: 'test.slow', aggregateType: 'test', aggregateId: 'slow', payload: {} });
      appended();
      await committed;
    });
    await taken;
    await event(2);
    const later = await newest();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.ids()).toEqual([]);
    commit();
    await slow;
    await expect.poll(() => sink.ids()).toEqual([later - 1, later]);
  });
});
