// From declarations to the risk model's feature matrix, for any source of declarations: a row names
// its categorical and numeric fields, and a specification says which fields to derive (HS code
// prefixes, value per kilogram), which to target-encode alone or crossed (HS6 × origin), and which
// numeric fields to compare with their history in a group (value per kilogram against earlier rows of
// the same HS6 and origin). Everything drawn from other rows comes from strictly earlier instants
// while fitting, so a training row's features never see its own label or anything later.
import type { FeatureMatrix } from './gbdt.ts';
import { encodeExpanding, encodeWithHistory, timeOrder, type TargetHistory, type TimeOrder } from './target-encoding.ts';

export interface FeatureRow {
  time: Date | number;
  categorical: Record<string, string | null>;
  numeric: Record<string, number | null>;
  label?: 0 | 1;
}

export interface FeatureSpec {
  /** Categorical fields cut from the start of another: `{ field: 'hs6', lengths: [2, 4] }` gives hs6:2, hs6:4. */
  prefixes: { field: string; lengths: number[] }[];
  /** Numeric fields computed as a quotient (value per kilogram); NaN when the denominator is not positive. */
  ratios: { name: string; numerator: string; denominator: string }[];
  /** Numeric fields (given or ratios) fed to the model as they are. */
  numeric: string[];
  /** Categorical fields (given or prefixes) fed as an ordinal code: for the few-valued ones. */
  codes: string[];
  /** Categorical fields, or crossings of several, fed as their leak-free target rate and prior count. */
  encoded: string[][];
  /**
   * Numeric fields compared with their mean over earlier rows of a group: the difference (how far
   * below or above the usual), NaN without history. On the 'log' scale (for prices and masses) the
   * difference is a ratio: the mean is of logarithms.
   */
  deviations: { field: string; groupBy: string[]; scale: 'log' | 'linear' }[];
  /** Weight, in rows, of the overall rate in a key's target rate. */
  smoothing: number;
}

/** What fitting learnt from the training rows, to build the same features for new rows. */
export interface FittedFeatures {
  spec: FeatureSpec;
  featureNames: string[];
  codes: Map<string, Map<string, number>>;
  targets: Map<string, TargetHistory>;
  deviations: Map<string, Map<string, RunningMean>>;
}

interface RunningMean {
  count: number;
  sum: number;
}

export function timeOf(row: FeatureRow): number {
  return typeof row.time === 'number' ? row.time : row.time.getTime();
}

const encodedName = (fields: string[]) => fields.join('×');
const deviationName = (deviation: FeatureSpec['deviations'][number]) => `${deviation.field}:${deviation.scale}-deviation|${deviation.groupBy.join('×')}`;

export function featureNamesOf(spec: FeatureSpec): string[] {
  return [
    ...spec.numeric,
    ...spec.codes.map((field) => `${field}:code`),
    ...spec.encoded.flatMap((fields) => [`${encodedName(fields)}:rate`, `${encodedName(fields)}:count`]),
    ...spec.deviations.map(deviationName),
  ];
}

/** A row's categorical fields with the derived ones added. */
function categoricalOf(row: FeatureRow, spec: FeatureSpec): Record<string, string | null> {
  if (spec.prefixes.length === 0) return row.categorical;
  const fields = { ...row.categorical };
  for (const { field, lengths } of spec.prefixes) {
    const value = row.categorical[field];
    for (const length of lengths) fields[`${field}:${length}`] = value === null || value === undefined || value.length < length ? null : value.slice(0, length);
  }
  return fields;
}

/** A row's numeric fields with the ratios added; missing values are NaN. */
function numericOf(row: FeatureRow, spec: FeatureSpec): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const [name, value] of Object.entries(row.numeric)) fields[name] = value ?? Number.NaN;
  for (const { name, numerator, denominator } of spec.ratios) {
    const top = fields[numerator] ?? Number.NaN;
    const bottom = fields[denominator] ?? Number.NaN;
    fields[name] = bottom > 0 ? top / bottom : Number.NaN;
  }
  return fields;
}

/** The key of a crossing of fields, or null when any of them is missing. */
function keyOf(categorical: Record<string, string | null>, fields: string[]): string | null {
  if (fields.length === 1) return categorical[fields[0] as string] ?? null;
  const parts: string[] = [];
  for (const field of fields) {
    const value = categorical[field];
    if (value === null || value === undefined) return null;
    parts.push(value);
  }
  return parts.join('\u0001');
}

interface PreparedRows {
  categorical: Record<string, string | null>[];
  numeric: Record<string, number>[];
  time: TimeOrder;
}

function prepare(rows: readonly FeatureRow[], spec: FeatureSpec): PreparedRows {
  return {
    categorical: rows.map((row) => categoricalOf(row, spec)),
    numeric: rows.map((row) => numericOf(row, spec)),
    time: timeOrder(Float64Array.from(rows, timeOf)),
  };
}

/** Fills the columns that do not depend on other rows: the numeric fields and the codes. */
function fillRowwise(prepared: PreparedRows, spec: FeatureSpec, codes: Map<string, Map<string, number>>, matrix: FeatureMatrix): void {
  const stride = matrix.featureNames.length;
  for (let row = 0; row < matrix.rowCount; row++) {
    let column = row * stride;
    const numeric = prepared.numeric[row] as Record<string, number>;
    for (const field of spec.numeric) matrix.values[column++] = numeric[field] ?? Number.NaN;
    const categorical = prepared.categorical[row] as Record<string, string | null>;
    for (const field of spec.codes) {
      const value = categorical[field];
      matrix.values[column++] = (value === null || value === undefined ? undefined : codes.get(field)?.get(value)) ?? Number.NaN;
    }
  }
}

function setColumn(matrix: FeatureMatrix, column: number, values: Float64Array): void {
  const stride = matrix.featureNames.length;
  for (let row = 0; row < matrix.rowCount; row++) matrix.values[row * stride + column] = values[row] as number;
}

/**
 * The log-deviation of each row from its group's earlier rows (strictly earlier instants): those in
 * `base` (read only: the training rows, when scoring) and those added to `history` as it goes.
 */
function encodeDeviation(
  prepared: PreparedRows,
  deviation: FeatureSpec['deviations'][number],
  history: Map<string, RunningMean>,
  base?: ReadonlyMap<string, RunningMean>,
): Float64Array {
  const pastOf = (key: string): RunningMean | undefined => {
    const trained = base?.get(key);
    const added = history.get(key);
    if (!trained || !added) return added ?? trained;
    return { count: trained.count + added.count, sum: trained.sum + added.sum };
  };
  const result = new Float64Array(prepared.numeric.length).fill(Number.NaN);
  const { order, groupStarts } = prepared.time;
  const scaled = (row: number) => {
    const value = (prepared.numeric[row] as Record<string, number>)[deviation.field] ?? Number.NaN;
    return deviation.scale === 'log' ? Math.log(value) : value;
  };
  for (let g = 0; g + 1 < groupStarts.length; g++) {
    const start = groupStarts[g] as number;
    const end = groupStarts[g + 1] as number;
    for (let i = start; i < end; i++) {
      const row = order[i] as number;
      const key = keyOf(prepared.categorical[row] as Record<string, string | null>, deviation.groupBy);
      const past = key === null ? undefined : pastOf(key);
      if (past && past.count > 0) result[row] = scaled(row) - past.sum / past.count;
    }
    for (let i = start; i < end; i++) {
      const row = order[i] as number;
      const value = scaled(row);
      const key = keyOf(prepared.categorical[row] as Record<string, string | null>, deviation.groupBy);
      if (key === null || !Number.isFinite(value)) continue;
      const past = history.get(key);
      if (past) {
        past.count++;
        past.sum += value;
      } else history.set(key, { count: 1, sum: value });
    }
  }
  return result;
}

function emptyMatrix(featureNames: string[], rowCount: number): FeatureMatrix {
  return { featureNames, rowCount, values: new Float64Array(rowCount * featureNames.length) };
}

/**
 * Builds the training matrix (leak-free, in the rows' order) and what is needed to build the same
 * features for later rows. Every row must carry a label.
 */
export function fitFeatures(spec: FeatureSpec, rows: readonly FeatureRow[]): { fitted: FittedFeatures; matrix: FeatureMatrix; labels: Uint8Array } {
  const labels = Uint8Array.from(rows, (row, index) => {
    if (row.label === undefined) throw new Error(`training row ${index} has no label`);
    return row.label;
  });
  const featureNames = featureNamesOf(spec);
  const prepared = prepare(rows, spec);
  const codes = new Map(
    spec.codes.map((field) => {
      const values = [...new Set(prepared.categorical.map((row) => row[field]).filter((value): value is string => value !== null && value !== undefined))];
      return [field, new Map(values.sort().map((value, index) => [value, index]))] as const;
    }),
  );
  const matrix = emptyMatrix(featureNames, rows.length);
  fillRowwise(prepared, spec, codes, matrix);

  let column = spec.numeric.length + spec.codes.length;
  const targets = new Map<string, TargetHistory>();
  for (const fields of spec.encoded) {
    const keys = prepared.categorical.map((row) => keyOf(row, fields));
    const { encoding, history } = encodeExpanding(keys, labels, prepared.time, spec.smoothing);
    targets.set(encodedName(fields), history);
    setColumn(matrix, column++, encoding.rate);
    setColumn(matrix, column++, encoding.count);
  }
  const deviations = new Map<string, Map<string, RunningMean>>();
  for (const deviation of spec.deviations) {
    const history = new Map<string, RunningMean>();
    setColumn(matrix, column++, encodeDeviation(prepared, deviation, history));
    deviations.set(deviationName(deviation), history);
  }
  return { fitted: { spec, featureNames, codes, targets, deviations }, matrix, labels };
}

/** The features of new rows, from every training row and the batch's own earlier rows (labels unused). */
export function transformFeatures(fitted: FittedFeatures, rows: readonly FeatureRow[]): FeatureMatrix {
  const { spec } = fitted;
  const prepared = prepare(rows, spec);
  const matrix = emptyMatrix(fitted.featureNames, rows.length);
  fillRowwise(prepared, spec, fitted.codes, matrix);
  let column = spec.numeric.length + spec.codes.length;
  for (const fields of spec.encoded) {
    const keys = prepared.categorical.map((row) => keyOf(row, fields));
    const encoding = encodeWithHistory(keys, fitted.targets.get(encodedName(fields)) as TargetHistory, prepared.time, spec.smoothing);
    setColumn(matrix, column++, encoding.rate);
    setColumn(matrix, column++, encoding.count);
  }
  for (const deviation of spec.deviations) {
    // The batch's own rows go to a map of its own: scoring must not change what the next batch is compared with.
    setColumn(matrix, column++, encodeDeviation(prepared, deviation, new Map(), fitted.deviations.get(deviationName(deviation))));
  }
  return matrix;
}
