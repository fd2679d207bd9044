// What the risk engine adds to a declaration's submission: five-line declarations submitted in turn
// through the declaration service with the risk engine (an active model trained on the shipped data,
// an analyst's rules, the enterprise's record, the lane thresholds) and through one without it (the
// administration's selectivity alone), on the same database from the same process; the difference
// of the median submission times. Setup goes through the public API, then the services are called
// directly, as the routes call them, so that HTTP does not blur a millisecond.
import { createDeclarationStack } from '../src/context.ts';
import type { SubmitDeclaration } from '../src/declarations/declaration.schemas.ts';
import { percentile, result, type Benchmark, type Result, type Target } from './benchmark.ts';
import { declarationBody, setUp } from './declarations.bench.ts';
import { choosePostgres, startBenchApp, type BenchDatabase } from './support/bench-app.ts';

const WARMUP = 20;
const MEASURED = 300;

/*
 * Target, and why: the assessment adds under 2 ms to a submission (median), so that the risk engine
 * never becomes what a trader waits for: it reads the enterprise's record in one query, scores the
 * lines with the model in memory, explains the likeliest line and writes its assessment and hits.
 * The baseline is the median submission without the risk engine.
 */
const TARGET: Target = { max: 2 };

async function measure(database: BenchDatabase): Promise<Result[]> {
  const server = await startBenchApp(database);
  try {
    const { ctx } = server;
    const { zoneId, username, password } = await setUp(server.url, server.adminPassword);
    const { token } = await ctx.identity.login(username, password, '127.0.0.1');
    const trader = await ctx.identity.authenticate(token);
    if (!trader) throw new Error('the benchmark trader could not be authenticated');
    const admin = await ctx.identity.authenticate((await ctx.identity.login('admin', server.adminPassword, '127.0.0.1')).token);
    if (!admin) throw new Error('the benchmark admin could not be authenticated');

    const model = await ctx.risk.train(admin);
    await ctx.db.transaction(async (tx) => {
      await ctx.risk.activate(tx, admin, model.id);
      await ctx.risk.createRule(tx, admin, {
        name: 'Phones from a young importer',
        reason: 'benchmark',
        conditions: [
          { field: 'hsCode', op: 'startsWith', value: ['8517'] },
          { field: 'enterpriseAgeDays', op: 'lt', value: '730' },
        ],
        weight: 15,
        validFrom: '2020-01-01',
      });
    });
    const withoutRisk = createDeclarationStack({ db: ctx.db, clock: ctx.clock, reference: ctx.reference, registry: ctx.registry }).declarations;
    const body = declarationBody(zoneId) as SubmitDeclaration;
    const timed = async (service: typeof withoutRisk) => {
      const started = performance.now();
      await ctx.db.transaction((tx) => service.submit(tx, trader, body));
      return performance.now() - started;
    };

    const withMs: number[] = [];
    const withoutMs: number[] = [];
    for (let i = 0; i < WARMUP + MEASURED; i++) {
      // In turn, so that both see the same database as it grows.
      const a = await timed(ctx.declarations);
      const b = await timed(withoutRisk);
      if (i >= WARMUP) {
        withMs.push(a);
        withoutMs.push(b);
      }
    }
    const baseline = percentile(withoutMs, 50);
    const added = percentile(withMs, 50) - baseline;
    return [result({ name: `risk.assessment.${database.kind}.added`, value: added, unit: 'ms', baseline, target: TARGET })];
  } finally {
    await server.close();
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'risk.assessment.pglite', run: () => measure({ kind: 'pglite' }) },
  { name: 'risk.assessment.postgres', run: async () => measure(await choosePostgres()) },
];
