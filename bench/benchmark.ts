// What a benchmark is and what it reports. Each `bench/*.bench.ts` module exports `benchmarks`, a list
// of definitions; the runner finds the modules, runs the definitions and prints their results.

/**
 * Bounds a result should stay within. `min`/`max` bound the value in its unit; `ratioMin`/`ratioMax`
 * bound the ratio to the baseline, which carries over between machines better than the value does.
 */
export interface Target {
  min?: number;
  max?: number;
  ratioMin?: number;
  ratioMax?: number;
}

export interface Result {
  /** Dotted and stable, e.g. `declarations.pglite.submit`: scripts compare runs by it. */
  name: string;
  value: number;
  unit: string;
  /**
   * The same quantity for the simplest thing the same database can do from the same process
   * (e.g. plain single-row INSERTs per second), or null when no baseline is meaningful.
   */
  baseline: number | null;
  /** value ÷ baseline, or null without a baseline. */
  ratio: number | null;
  target: Target | null;
}

export interface Benchmark {
  /** Dotted and stable; `--only declarations` selects every benchmark named `declarations.*`. */
  name: string;
  run(): Promise<Result[]>;
}

/** Thrown by a benchmark that cannot run here (e.g. no PostgreSQL server); the runner reports the reason. */
export class BenchmarkSkipped extends Error {
  override name = 'BenchmarkSkipped';
}

export function result(fields: Omit<Result, 'ratio'>): Result {
  const ratio = fields.baseline === null || fields.baseline === 0 ? null : fields.value / fields.baseline;
  return { ...fields, ratio };
}

/** Nearest-rank percentile of `samples` (any order); `p` in 0..100. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Names a target's unmet bound, or returns null when the result meets it. */
export function missedTarget(r: Result): string | null {
  const t = r.target;
  if (!t) return null;
  if (t.min !== undefined && r.value < t.min) return `below ${t.min}`;
  if (t.max !== undefined && r.value > t.max) return `above ${t.max}`;
  if (r.ratio !== null && t.ratioMin !== undefined && r.ratio < t.ratioMin) return `ratio below ${t.ratioMin}`;
  if (r.ratio !== null && t.ratioMax !== undefined && r.ratio > t.ratioMax) return `ratio above ${t.ratioMax}`;
  return null;
}
