// Gate decision latency over HTTP against PostgreSQL: reader events arrive at 200 a second from a
// thread of their own (open loop: each is sent at its scheduled time whatever the answers before it),
// nine in ten for a truck whose pass matches (the gate opens and the pass is used) and one in ten for
// a truck with a wrong container (held, with an alert). Latency counts from the scheduled send time,
// so a stall shows in every event that waited behind it. The baseline is `GET /health` sent the same
// way: the floor HTTP itself sets. Then how fast the books catch up with what went through (the
// declarations complete and post once the gate is quiet), and last the rate the gate sustains with
// 8 events in flight, beside the rate of `GET /health` sent the same way.
import { randomUUID } from 'node:crypto';
import { containerCheckDigit } from '../src/reference/validators.ts';
import { percentile, result, type Benchmark, type Result } from './benchmark.ts';
import { choosePostgres, startBenchApp } from './support/bench-app.ts';
import { httpClient, login, stringField } from './support/http-client.ts';
import { openLoop, type ScheduledRequest } from './support/open-loop.ts';
import { runLoad } from './support/load.ts';
import { releaseEverythingAtOnce, setUp } from './declarations.bench.ts';

const RATE = 200;
const WARMUP = 200;
const MEASURED = 2000;
/** Trucks sent as fast as answers come back, 8 at a time: the rate the gate sustains. */
const CAPACITY = 600;
const TRUCKS = WARMUP + MEASURED + CAPACITY;

/*
 * Targets, and why:
 * - p99 ≤ 20 ms: a truck at the barrier waits for the answer; twenty milliseconds is far below what
 *   a driver notices and leaves the reader time to retry a lost answer within a second.
 * - p50 ≤ 10 ms: the decision is a handful of indexed reads and writes in one transaction; the
 *   median is what every lane sees all day.
 * - capacity ≥ 200 events/s: below the arrival rate, the open loop's queue grows without bound and
 *   the latencies above measure the queue, not the decision.
 */
const TARGETS = { p50: { max: 10 }, p99: { max: 20 }, capacity: { min: RATE } };

const container = (n: number) => {
  const body = `BNCU${String(n).padStart(6, '0')}`;
  return `${body}${containerCheckDigit(body)}`;
};
const plate = (n: number) => `BN${String(n).padStart(6, '0')}`;

async function measure(): Promise<Result[]> {
  const server = await startBenchApp(await choosePostgres());
  try {
    await httpClient(server.url).expect('GET', '/health');
    const { trader, zoneId } = await setUp(server.url, server.adminPassword);
    const admin = await login(server.url, 'admin', server.adminPassword);
    await releaseEverythingAtOnce(admin);
    const gate = await admin.expect('POST', `/api/v1/zones/${zoneId}/gates`, { code: 'BG1', name: 'Bench gate', kind: 'ROAD', direction: 'BOTH', latitude: 40.68, longitude: -74.02 });
    const gateId = stringField(gate, 'id', 'POST gate');
    const key = await admin.expect('POST', '/api/v1/api-keys', { name: 'Bench gate readers', role: 'zone_operator', zoneIds: [zoneId], scopes: ['gate-events:write'] });
    const readerKey = stringField(key, 'key', 'POST /api/v1/api-keys');
    const reader = httpClient(server.url, readerKey);

    // One released declaration per truck, each with its plate, container and seal.
    await runLoad({ count: TRUCKS, concurrency: 8, maxSeconds: 600 }, async (n) => {
      await trader.expect(
        'POST',
        '/api/v1/declarations',
        {
          type: 'ADMISSION',
          zoneId,
          currency: 'USD',
          transport: { mode: 'ROAD', vehiclePlate: plate(n), containers: [container(n)], seals: [`BS${n}`] },
          lines: [{ hsCode: '851713', description: 'Smartphones', originCountry: 'CN', quantity: '100', unit: 'H87', netMass: '2000', grossMass: '2400', customsValue: '25000.00' }],
        },
        { status: 201, headers: { 'idempotency-key': `gate-bench-${randomUUID()}` } },
      );
    });

    const event = (n: number): ScheduledRequest => ({
      method: 'POST',
      path: '/api/v1/gate-events',
      stampAt: true,
      status: 201,
      body: {
        gateId,
        lane: 'L1',
        readerEventId: `bench-${n}`,
      plate: { value: plate(n), confidence: 0.98 },
      // One truck in ten carries a container of another truck: held.
        containers: [{ number: container(n % 10 === 9 ? n + TRUCKS : n), confidence: 0.96 }],
        seals: [`BS${n}`],
        weightKg: '2430',
      },
    });
    const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);
    const atRate = (requests: ScheduledRequest[], token: string | null) => openLoop({ baseUrl: server.url, token, rate: RATE, warmup: WARMUP, requests });
    const latencies = await atRate(range(0, WARMUP + MEASURED).map(event), readerKey);
    // The books catch up once the gate is quiet: used passes settled (declarations completed and
    // posted) per second of that.
    const [backlog] = await server.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM gate_passes WHERE status = 'USED' AND settled_at IS NULL`);
    const settling = performance.now();
    await server.ctx.gates.settle();
    const settleRate = (backlog?.n ?? 0) / ((performance.now() - settling) / 1000);
    const closed = await runLoad({ count: CAPACITY, concurrency: 8, maxSeconds: 60 }, async (n) => {
      const { body } = event(n + WARMUP + MEASURED);
      await reader.expect('POST', '/api/v1/gate-events', { ...body, at: new Date().toISOString() }, { status: 201 });
    });
    const health = httpClient(server.url);
    const baseline = await atRate(range(0, WARMUP + MEASURED).map(() => ({ method: 'GET', path: '/health', status: 200 })), null);
    const passages = await server.ctx.db.query<{ decision: string; n: number }>('SELECT decision, count(*)::int AS n FROM gate_passages GROUP BY decision');
    const opened = passages.find((row) => row.decision === 'OPEN')?.n ?? 0;
    const healthRate = await runLoad({ count: CAPACITY, concurrency: 8, maxSeconds: 60 }, async () => {
      await health.expect('GET', '/health');
    });
    if (opened < (TRUCKS * 8) / 10) {
      const reasons = await server.ctx.db.query("SELECT r->>'code' AS code, count(*)::int AS n FROM gate_passages, jsonb_array_elements(reasons) r GROUP BY 1");
      const lanes = await server.ctx.db.query('SELECT lane, state, count(*)::int AS n FROM declarations GROUP BY 1, 2');
      throw new Error(`only ${opened} of ${TRUCKS} trucks were let through: ${JSON.stringify({ reasons, lanes })}`);
    }
    return [
      result({ name: 'gates.postgres.decision.p50', value: percentile(latencies, 50), unit: 'ms', baseline: percentile(baseline, 50), target: TARGETS.p50 }),
      result({ name: 'gates.postgres.decision.p99', value: percentile(latencies, 99), unit: 'ms', baseline: percentile(baseline, 99), target: TARGETS.p99 }),
      result({ name: 'gates.postgres.capacity', value: closed.completed / closed.seconds, unit: 'events/s', baseline: healthRate.completed / healthRate.seconds, target: TARGETS.capacity }),
      // Beside the gate's rate: how fast the books catch up with what the gate let through.
      result({ name: 'gates.postgres.settlement', value: settleRate, unit: 'passes/s', baseline: closed.completed / closed.seconds, target: null }),
    ];
  } finally {
    await server.close();
  }
}

export const benchmarks: Benchmark[] = [{ name: 'gates.postgres', run: measure }];
