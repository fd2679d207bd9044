// Declarations submitted per second over HTTP, five lines each, with p50 and p99 latency, on PGlite
// and on PostgreSQL, beside the rate of plain single-row INSERTs into the same database from the
// same process. The server is real and listening; requests go through fetch, as a client's would,
// set up through the public API as an admin and sent as an enterprise user.
import { randomUUID } from 'node:crypto';
import type { Db } from '../src/platform/db/db.ts';
import { percentile, result, type Benchmark, type Result, type Target } from './benchmark.ts';
import { choosePostgres, startBenchApp, type BenchDatabase } from './support/bench-app.ts';
import { httpClient, login, stringField, type HttpClient } from './support/http-client.ts';
import { runLoad } from './support/load.ts';

const WARMUP = 50;
const MEASURED = 1000;
/** A slow machine measures fewer declarations instead of running for minutes. */
const MAX_SECONDS = 20;
/** A handful of clients at once, like the brokers of a busy zone at a cut-off; enough to reach both cores. */
const CONCURRENCY = 8;

/*
 * Targets, and why:
 * - Rate ≥ 100 declarations/s on either database. A large free zone lodges tens of thousands of
 *   declarations a day, about one a second on average; 100/s on a small machine leaves two orders
 *   of magnitude for the peaks at cut-off times and for the other work the server does meanwhile.
 * - Ratio to plain INSERTs: a five-line declaration runs some twenty statements (session, zone and
 *   enterprise reads, header, five lines, the per-zone counter, the state history, the outbox event,
 *   the idempotency record) plus HTTP, validation and response shaping. On PGlite everything (client,
 *   server, database) shares one thread and an INSERT commits without a disk flush, so the budget is
 *   a hundred INSERTs' worth (≥ 0.01). On PostgreSQL every plain INSERT pays its own commit while a
 *   declaration pays one for all its statements, and requests overlap on both cores, so the budget
 *   is twenty INSERTs' worth (≥ 0.05). Falling below means queries per line, a lock held too long or
 *   per-request work that should have been done once.
 * - Latency with 8 in flight: by Little's law p50 ≈ 8 ÷ rate, so p50 ≤ 100 ms is the latency side of
 *   the rate target; p99 ≤ 500 ms keeps pauses (garbage collection, checkpoints, waits on the
 *   per-zone counter) under half a second for the client waiting on the answer.
 */
const TARGETS: Record<BenchDatabase['kind'], { rate: Target; p50: Target; p99: Target }> = {
  pglite: { rate: { min: 100, ratioMin: 0.01 }, p50: { max: 100 }, p99: { max: 500 } },
  postgres: { rate: { min: 100, ratioMin: 0.05 }, p50: { max: 100 }, p99: { max: 500 } },
};

const LINE = {
  hsCode: '851713',
  description: 'Smartphones',
  originCountry: 'CN',
  quantity: '100',
  unit: 'H87',
  netMass: '20.5',
  grossMass: '25',
  customsValue: '25000.00',
};

export function declarationBody(zoneId: string) {
  return {
    type: 'ADMISSION',
    zoneId,
    currency: 'USD',
    transport: {
      mode: 'SEA',
      containers: ['CSQU3054383'],
      seals: ['SEAL123'],
      transportDocument: { type: 'BILL_OF_LADING', number: 'BL-1' },
    },
    lines: Array.from({ length: 5 }, () => ({ ...LINE })),
  };
}

/** Every declaration released as soon as it is assessed: nothing sent to inspection at random, no rules. */
export async function releaseEverythingAtOnce(admin: HttpClient): Promise<void> {
  const current = (await admin.expect('GET', '/api/v1/administration')) as Record<string, unknown>;
  const { version: _v, updatedAt: _u, ...settings } = current;
  await admin.expect('PUT', '/api/v1/administration', {
    ...settings,
    selectivity: { ...(current.selectivity as object), randomRedShare: '0', randomYellowShare: '0', autoReleaseGreen: true, rules: [] },
  });
}

/** Creates a zone, an enterprise trading in it and one of its users, all through the API; returns the user's client. */
export async function setUp(url: string, adminPassword: string): Promise<{ trader: HttpClient; zoneId: string; username: string; password: string }> {
  const admin = await login(url, 'admin', adminPassword);
  const zone = await admin.expect('POST', '/api/v1/zones', {
    code: 'BENCH1',
    name: 'Benchmark Free Zone',
    locode: 'USNYC',
    zoneType: 'FREE_ZONE',
    territorialPattern: 1,
    perimeter: {
      type: 'Polygon',
      coordinates: [
        [
          [-74.05, 40.66],
          [-74.0, 40.66],
          [-74.0, 40.7],
          [-74.05, 40.7],
          [-74.05, 40.66],
        ],
      ],
    },
  });
  const zoneId = stringField(zone, 'id', 'POST /api/v1/zones');
  const enterprise = await admin.expect('POST', '/api/v1/enterprises', {
    identifier: 'USBENCH0001',
    name: 'Benchmark Trading Inc.',
    country: 'US',
    roles: ['TRADER'],
    zoneIds: [zoneId],
    aeoStatus: 'NONE',
  });
  const enterpriseId = stringField(enterprise, 'id', 'POST /api/v1/enterprises');
  // Admissions post to the enterprise's open book in the zone.
  await admin.expect('POST', '/api/v1/books', { enterpriseId, zoneId, code: 'WH1', kind: 'STORAGE', name: 'Warehouse 1' });
  const password = `bench-${randomUUID()}`;
  await admin.expect('POST', '/api/v1/users', {
    username: 'bench-trader',
    displayName: 'Benchmark Trader',
    role: 'enterprise_user',
    password,
    enterpriseId,
  });
  return { trader: await login(url, 'bench-trader', password), zoneId, username: 'bench-trader', password };
}

async function submitDeclarations(trader: HttpClient, zoneId: string, count: number, maxSeconds: number) {
  const body = declarationBody(zoneId);
  return runLoad({ count, concurrency: CONCURRENCY, maxSeconds }, async () => {
    await trader.expect('POST', '/api/v1/declarations', body, {
      status: 201,
      headers: { 'idempotency-key': `bench-${randomUUID()}` },
    });
  });
}

/** Plain single-row INSERTs, one after another, through the same database handle the server uses. */
async function measureInserts(db: Db, rows: number): Promise<number> {
  await db.exec(`CREATE TABLE bench_insert_baseline (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seq integer NOT NULL,
    payload text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  try {
    const insert = (seq: number) => db.query('INSERT INTO bench_insert_baseline (seq, payload) VALUES ($1, $2)', [seq, 'baseline']);
    for (let seq = 0; seq < WARMUP; seq++) await insert(seq);
    const started = performance.now();
    for (let seq = 0; seq < rows; seq++) await insert(seq);
    return rows / ((performance.now() - started) / 1000);
  } finally {
    await db.exec('DROP TABLE bench_insert_baseline');
  }
}

async function measure(database: BenchDatabase): Promise<Result[]> {
  const server = await startBenchApp(database);
  try {
    // Nothing is measured until the server answers at all.
    await httpClient(server.url).expect('GET', '/health');
    const { trader, zoneId } = await setUp(server.url, server.adminPassword);
    await submitDeclarations(trader, zoneId, WARMUP, MAX_SECONDS);
    const run = await submitDeclarations(trader, zoneId, MEASURED, MAX_SECONDS);
    const rate = run.completed / run.seconds;
    // As many rows as declarations were measured, so both sides run for a comparable stretch.
    const insertRate = await measureInserts(server.ctx.db, run.completed);

    const prefix = `declarations.${database.kind}`;
    const targets = TARGETS[database.kind];
    return [
      result({ name: `${prefix}.submit`, value: rate, unit: 'declarations/s', baseline: insertRate, target: targets.rate }),
      result({ name: `${prefix}.p50`, value: percentile(run.latenciesMs, 50), unit: 'ms', baseline: null, target: targets.p50 }),
      result({ name: `${prefix}.p99`, value: percentile(run.latenciesMs, 99), unit: 'ms', baseline: null, target: targets.p99 }),
    ];
  } finally {
    await server.close();
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'declarations.pglite', run: () => measure({ kind: 'pglite' }) },
  { name: 'declarations.postgres', run: async () => measure(await choosePostgres()) },
];
