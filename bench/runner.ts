// Runs the benchmarks of every `bench/*.bench.ts` module (each exports `benchmarks`, a list of
// `{ name, run }`) and prints what they measured beside their baselines and targets: one aligned
// table, or with --json one JSON object per line. Progress, skips and failures go to stderr, so
// stdout holds only results. `cordon bench` (npm run bench) calls it.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BenchmarkSkipped, missedTarget, type Benchmark, type Result, type Target } from './benchmark.ts';
import { UnexpectedReply } from './support/http-client.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface RunOptions {
  json: boolean;
  /** Benchmark names or dotted prefixes (`declarations` selects `declarations.pglite` …); null for all. */
  only: string[] | null;
}

class UsageError extends Error {}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

async function loadBenchmarks(): Promise<Benchmark[]> {
  const files = readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith('.bench.ts'))
    .sort();
  const all: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(BENCH_DIR, file)).href)) as { benchmarks?: unknown };
    if (!Array.isArray(module.benchmarks)) throw new Error(`bench/${file} must export \`benchmarks\`, a list of { name, run }`);
    all.push(...(module.benchmarks as Benchmark[]));
  }
  const names = all.map((benchmark) => benchmark.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`two benchmarks are named ${duplicate}`);
  return all;
}

function matches(name: string, wanted: string): boolean {
  return name === wanted || name.startsWith(`${wanted}.`);
}

function select(all: Benchmark[], only: string[] | null): Benchmark[] {
  if (only === null) return all;
  const wanted = only.map((name) => name.trim()).filter((name) => name !== '');
  const unknown = wanted.filter((name) => !all.some((benchmark) => matches(benchmark.name, name)));
  if (unknown.length > 0) {
    throw new UsageError(`no benchmark named ${unknown.join(', ')}; there are: ${all.map((b) => b.name).join(', ')}`);
  }
  return all.filter((benchmark) => wanted.some((name) => matches(benchmark.name, name)));
}

function describeMachine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() || 'unknown CPU';
  const memory = (os.totalmem() / 2 ** 30).toFixed(1);
  return `machine: ${model}, ${cpus.length} cores, ${memory} GiB, ${os.platform()} ${os.arch()}, node ${process.version}`;
}

function formatNumber(value: number | null): string {
  if (value === null) return '-';
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toString();
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return Number(value.toPrecision(3)).toString();
}

function formatTarget(target: Target | null): string {
  if (!target) return '-';
  const parts: string[] = [];
  if (target.min !== undefined) parts.push(`>= ${target.min}`);
  if (target.max !== undefined) parts.push(`<= ${target.max}`);
  if (target.ratioMin !== undefined) parts.push(`ratio >= ${target.ratioMin}`);
  if (target.ratioMax !== undefined) parts.push(`ratio <= ${target.ratioMax}`);
  return parts.join(', ') || '-';
}

function formatTable(results: Result[]): string {
  const header = ['name', 'value', 'unit', 'baseline', 'ratio', 'target'];
  const rows = results.map((r) => {
    const missed = missedTarget(r);
    return [
      r.name,
      formatNumber(r.value),
      r.unit,
      formatNumber(r.baseline),
      formatNumber(r.ratio),
      formatTarget(r.target) + (missed ? `  MISSED (${missed})` : ''),
    ];
  });
  const numeric = new Set([1, 3, 4]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        if (column === cells.length - 1) return cell;
        return numeric.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** The fields of a result in their documented order, and nothing else. */
function toJsonLine(r: Result): string {
  return JSON.stringify({ name: r.name, value: r.value, unit: r.unit, baseline: r.baseline, ratio: r.ratio, target: r.target });
}

export async function runBenchmarks(options: RunOptions): Promise<void> {
  let selected: Benchmark[];
  try {
    selected = select(await loadBenchmarks(), options.only);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    log(error.message);
    process.exitCode = 2;
    return;
  }

  const results: Result[] = [];
  const skipped: string[] = [];
  const failed: string[] = [];
  for (const benchmark of selected) {
    log(`${benchmark.name}: running`);
    const started = performance.now();
    try {
      const measured = await benchmark.run();
      results.push(...measured);
      if (options.json) for (const r of measured) process.stdout.write(`${toJsonLine(r)}\n`);
      log(`${benchmark.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      if (error instanceof BenchmarkSkipped) {
        skipped.push(benchmark.name);
        log(`${benchmark.name}: skipped: ${error.message}`);
      } else {
        failed.push(benchmark.name);
        // A reply the benchmark did not expect explains itself; anything else needs its stack.
        const detail = error instanceof UnexpectedReply || !(error instanceof Error) ? String(error) : (error.stack ?? String(error));
        log(`${benchmark.name}: FAILED: ${detail}`);
      }
    }
  }

  if (!options.json && results.length > 0) process.stdout.write(`${describeMachine()}\n\n${formatTable(results)}\n`);

  const missed = results.filter((r) => missedTarget(r) !== null).map((r) => r.name);
  const summary = [`${results.length} results`];
  if (missed.length > 0) summary.push(`${missed.length} missed their target (${missed.join(', ')})`);
  if (skipped.length > 0) summary.push(`skipped: ${skipped.join(', ')}`);
  if (failed.length > 0) summary.push(`FAILED: ${failed.join(', ')}`);
  log(summary.join('; '));
  if (failed.length > 0) process.exitCode = 1;
}
