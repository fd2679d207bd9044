// Loading the demo administration into a new database, as the first `npm start` does: registry,
// users, bills of materials, a month of declarations through the services with their postings,
// bills, stock reports and reconciliations. Beside it, in the same run, the fixed cost every start
// pays before the demo: opening a new database, migrating it and building the services.
import { performance } from 'node:perf_hooks';
import { loadDemo } from '../src/demo/demo.ts';
import { result, type Benchmark, type Result, type Target } from './benchmark.ts';
import { choosePostgres, startBenchApp, type BenchDatabase } from './support/bench-app.ts';

/*
 * Targets, and why:
 * - ≤ 30 s: the quick start's first command shows a working console with data within half a
 *   minute on a two-core machine; beyond that a new user wonders whether it hangs.
 * - Within 40× a fresh start without the demo: the demo writes a month of a small zone's traffic
 *   (some 300 declarations with their lines, steps, movements and bills) through the same services
 *   the API calls; much more means a slow path in one of them, not more data.
 */
const TARGET: Target = { max: 30, ratioMax: 40 };

async function measure(database: BenchDatabase): Promise<Result[]> {
  const startedEmpty = performance.now();
  const empty = await startBenchApp(database);
  const emptySeconds = (performance.now() - startedEmpty) / 1000;
  await empty.close();

  const app = await startBenchApp(database);
  try {
    const started = performance.now();
    await loadDemo(app.ctx);
    const seconds = (performance.now() - started) / 1000;
    const [counted] = await app.ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM declarations');
    process.stderr.write(`bench: ${database.kind} demo holds ${counted?.n ?? 0} declarations\n`);
    return [result({ name: `demo.${database.kind}.load`, value: seconds, unit: 's', baseline: emptySeconds, target: TARGET })];
  } finally {
    await app.close();
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'demo.pglite', run: () => measure({ kind: 'pglite' }) },
  { name: 'demo.postgres', run: async () => measure(await choosePostgres()) },
];
