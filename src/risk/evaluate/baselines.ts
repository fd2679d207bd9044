// What the risk model must beat, each a score per declaration (higher is riskier):
// - random: a seeded uniform draw, what inspecting blindly finds (precision ≈ the fraud rate);
// - highestValue: the item price, what a "check the big ones" policy finds;
// - rules: how many of three rules an analyst would write from the training period fire:
//   1. high-risk origin × tax type: the pair's training fraud rate is at least 1.5 × the overall rate,
//      over at least 30 declarations;
//   2. undervaluation: value per kilogram below a tenth of the training median for the same HS6 code
//      (at least 5 declarations of it);
//   3. risky route for the goods: the same HS6 code, origin and country of departure had a training
//      fraud rate of at least 2 × the overall rate, over at least 3 declarations.
//   Declarations firing as many rules keep their file order (the metrics break ties by row).
//   (A "known offender" rule on the importer's record was tried and dropped: it found no more fraud
//   than chance on the KCS files.)
import type { FeatureRow } from '../model/features.ts';
import { seededRandom } from '../model/random.ts';

export type Baseline = (train: readonly FeatureRow[], test: readonly FeatureRow[]) => Float64Array;

const HIGH_RISK_PAIR = { rateFactor: 1.5, minDeclarations: 30 };
const UNDERVALUED = { shareOfMedian: 0.1, minDeclarations: 5 };
const RISKY_ROUTE = { rateFactor: 2, minDeclarations: 3 };

const field = (row: FeatureRow, name: string) => row.categorical[name] ?? null;

function valuePerKg(row: FeatureRow): number {
  const price = row.numeric.itemPrice ?? Number.NaN;
  const mass = row.numeric.netMass ?? Number.NaN;
  return mass > 0 ? price / mass : Number.NaN;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Fraud counts per key over the training rows; rows without the key are left out. */
function fraudByKey(train: readonly FeatureRow[], keyOf: (row: FeatureRow) => string | null): Map<string, { declarations: number; frauds: number }> {
  const counts = new Map<string, { declarations: number; frauds: number }>();
  for (const row of train) {
    const key = keyOf(row);
    if (key === null) continue;
    const entry = counts.get(key) ?? { declarations: 0, frauds: 0 };
    entry.declarations++;
    entry.frauds += row.label ?? 0;
    counts.set(key, entry);
  }
  return counts;
}

/** The fields' values joined, or null when one is missing. */
const keyOf =
  (...names: string[]) =>
  (row: FeatureRow): string | null => {
    const values = names.map((name) => field(row, name));
    return values.includes(null) ? null : values.join('|');
  };
const originTaxType = keyOf('originCountry', 'taxType');
const goodsRoute = keyOf('hs6', 'originCountry', 'departureCountry');

/** Whether the key's training record reaches the fraud rate over enough declarations. */
function risky(
  counts: Map<string, { declarations: number; frauds: number }>,
  key: string | null,
  threshold: { rateFactor: number; minDeclarations: number },
  overallRate: number,
): boolean {
  const record = key === null ? undefined : counts.get(key);
  return record !== undefined && record.declarations >= threshold.minDeclarations && record.frauds / record.declarations >= threshold.rateFactor * overallRate;
}

export const rulesBaseline: Baseline = (train, test) => {
  const overallRate = train.reduce((sum, row) => sum + (row.label ?? 0), 0) / Math.max(train.length, 1);
  const pairs = fraudByKey(train, originTaxType);
  const routes = fraudByKey(train, goodsRoute);
  const valuesByHs6 = new Map<string, number[]>();
  for (const row of train) {
    const hs6 = field(row, 'hs6');
    const value = valuePerKg(row);
    if (hs6 === null || !Number.isFinite(value)) continue;
    const values = valuesByHs6.get(hs6) ?? [];
    values.push(value);
    valuesByHs6.set(hs6, values);
  }
  const medianByHs6 = new Map(
    [...valuesByHs6].filter(([, values]) => values.length >= UNDERVALUED.minDeclarations).map(([hs6, values]) => [hs6, median(values)]),
  );

  return Float64Array.from(test, (row) => {
    let fired = 0;
    if (risky(pairs, originTaxType(row), HIGH_RISK_PAIR, overallRate)) fired++;
    const hs6 = field(row, 'hs6');
    const usual = hs6 === null ? undefined : medianByHs6.get(hs6);
    if (usual !== undefined && valuePerKg(row) < UNDERVALUED.shareOfMedian * usual) fired++;
    if (risky(routes, goodsRoute(row), RISKY_ROUTE, overallRate)) fired++;
    return fired;
  });
};

export const randomBaseline =
  (seed: number): Baseline =>
  (_train, test) => {
    const random = seededRandom(seed);
    return Float64Array.from(test, () => random());
  };

export const highestValueBaseline: Baseline = (_train, test) => Float64Array.from(test, (row) => row.numeric.itemPrice ?? Number.NEGATIVE_INFINITY);

export function baselines(seed: number): Record<string, Baseline> {
  return { random: randomBaseline(seed), highestValue: highestValueBaseline, rules: rulesBaseline };
}
