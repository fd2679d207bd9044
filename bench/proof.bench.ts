// The transparency log on PostgreSQL:
// - append: transactions per second that write a declaration transition and its log entry, beside
//   the same transactions writing the transition alone (8 in flight each);
// - inclusion: inclusion proofs served per second over HTTP in a tree of 1,000,000 leaves, beside
//   `GET /health` sent the same way;
// - audit: the full audit of a log of 1,000,000 leaves (every leaf read, its hash and its record
//   checked against the table, the root recomputed), beside reading the same leaves alone.
// The million leaves are written with bulk SQL here (transitions of one declaration and their
// entries) and sequenced by the log's own sequencer.
import { percentile, result, type Benchmark, type Result } from './benchmark.ts';
import { choosePostgres, startBenchApp } from './support/bench-app.ts';
import { httpClient, login, stringField } from './support/http-client.ts';
import { runLoad } from './support/load.ts';
import { setUp } from './declarations.bench.ts';
import { LEAF_KINDS, recordLeaves } from '../src/proof/leaves.ts';

const APPENDS = 3000;
const LEAVES = 1_000_000;
const PROOFS = 3000;
const CONCURRENCY = 8;

/*
 * Targets, and why:
 * - append ≥ 0.6 of the bare transaction: the entry is one INSERT … SELECT beside the change it
 *   records, in the same transaction and commit; more would mean the log costs more than the change.
 * - audit ≤ 10 s for a million leaves: an auditor checks a year of a busy zone's records while they
 *   wait; ≤ 8 × reading the leaves: the checks are one indexed lookup and two hashes per leaf.
 * - inclusion ≥ 500 proofs/s: a partner checking every movement of a book gets them at once; ≥ 0.3
 *   of /health: a proof is one query for at most 40 node hashes.
 */
const TARGETS = { append: { ratioMin: 0.6 }, audit: { max: 10_000, ratioMax: 8 }, inclusion: { min: 500, ratioMin: 0.3 } };

async function measure(): Promise<Result[]> {
  const server = await startBenchApp(await choosePostgres());
  const { db, log } = server.ctx;
  try {
    const { trader, zoneId } = await setUp(server.url, server.adminPassword);
    const submitted = await trader.expect('POST', '/api/v1/declarations', {
      type: 'ADMISSION',
      zoneId,
      currency: 'USD',
      transport: { mode: 'ROAD', vehiclePlate: 'BNLOG1' },
      lines: [{ hsCode: '851713', description: 'Smartphones', originCountry: 'CN', quantity: '1', unit: 'H87', netMass: '1', grossMass: '1', customsValue: '10.00' }],
    });
    const declarationId = stringField(submitted, 'id', 'POST /api/v1/declarations');

    const transition = `INSERT INTO declaration_transitions (declaration_id, action, from_state, to_state, actor_role, reason, at)
                        VALUES ($1, 'AMEND', 'SUBMITTED', 'SUBMITTED', 'enterprise_user', 'bench', now()) RETURNING id`;
    const bare = await runLoad({ count: APPENDS, concurrency: CONCURRENCY, maxSeconds: 60 }, async () => {
      await db.transaction(async (tx) => void (await tx.query(transition, [declarationId])));
    });
    const logged = await runLoad({ count: APPENDS, concurrency: CONCURRENCY, maxSeconds: 60 }, async () => {
      await db.transaction(async (tx) => {
        const [row] = await tx.query<{ id: number }>(transition, [declarationId]);
        await recordLeaves(tx, 'declaration.transition', [row?.id as number]);
      });
    });

    // A million leaves: transitions written in bulk with their entries, then sequenced.
    const kind = LEAF_KINDS['declaration.transition'];
    const existing = Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM log_entries'))[0]?.n ?? 0);
    for (let written = existing; written < LEAVES; written += 100_000) {
      const count = Math.min(100_000, LEAVES - written);
      await db.query(
        `WITH t AS (
           INSERT INTO declaration_transitions (declaration_id, action, from_state, to_state, actor_role, reason, at)
           SELECT $1, 'AMEND', 'SUBMITTED', 'SUBMITTED', 'enterprise_user', 'bench ' || g, now() FROM generate_series(1, $2) g RETURNING *
         )
         INSERT INTO log_entries (kind, subject_id, record) SELECT 'declaration.transition', id::text, ${kind.projection} FROM t ORDER BY id`,
        [declarationId, count],
      );
    }
    await log.sequence();
    await db.query('ANALYZE');
    const checkpoint = await log.publish();

    const readStarted = performance.now();
    for (let from = 0; from < checkpoint.size; from += 20_000) {
      await db.query('SELECT leaf, leaf_hash FROM log_entries WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index', [from, from + 20_000]);
    }
    const readMs = performance.now() - readStarted;
    const auditStarted = performance.now();
    const report = await log.audit(checkpoint.note);
    const auditMs = performance.now() - auditStarted;
    if (!report.ok || report.leavesChecked !== checkpoint.size) throw new Error(`the audit of an honest log failed: ${JSON.stringify(report)}`);

    const admin = await login(server.url, 'admin', server.adminPassword);
    const proofs = await runLoad({ count: PROOFS, concurrency: CONCURRENCY, maxSeconds: 60 }, async (n) => {
      const leafIndex = (n * 7919) % checkpoint.size;
      await admin.expect('GET', `/api/v1/transparency/proofs/inclusion?leafIndex=${leafIndex}&treeSize=${checkpoint.size}`);
    });
    const health = httpClient(server.url);
    const healthRate = await runLoad({ count: PROOFS, concurrency: CONCURRENCY, maxSeconds: 60 }, async () => void (await health.expect('GET', '/health')));

    return [
      result({ name: 'proof.postgres.append', value: logged.completed / logged.seconds, unit: 'tx/s', baseline: bare.completed / bare.seconds, target: TARGETS.append }),
      result({ name: 'proof.postgres.append.p99', value: percentile(logged.latenciesMs, 99), unit: 'ms', baseline: percentile(bare.latenciesMs, 99), target: null }),
      result({ name: 'proof.postgres.inclusion', value: proofs.completed / proofs.seconds, unit: 'proofs/s', baseline: healthRate.completed / healthRate.seconds, target: TARGETS.inclusion }),
      result({ name: 'proof.postgres.audit.1m', value: auditMs, unit: 'ms', baseline: readMs, target: TARGETS.audit }),
    ];
  } finally {
    await server.close();
  }
}

export const benchmarks: Benchmark[] = [{ name: 'proof.postgres', run: measure }];
