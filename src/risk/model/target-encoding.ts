// Target encoding of high-cardinality identifiers (declarant, importer, seller, HS code …): a value
// becomes its past fraud rate, smoothed toward the overall rate, and how often it was seen before.
//
// Leakage is what makes target encoding dangerous: a training row encoded with its own label teaches
// the model that the encoding is more certain than it will ever be on new declarations. So training
// rows are encoded in time order from the labels of strictly earlier instants only (an expanding
// mean): rows of the same instant never see one another, and nothing later is read. New rows are
// encoded from every training label, which is what a deployed model knows; their counts also include
// the earlier rows of the batch being scored (unlabelled: declarations are seen before they are inspected).

export interface KeyStats {
  /** Rows with this key seen so far, labelled or not. */
  seen: number;
  labelled: number;
  positives: number;
}

/** What one categorical field's labels taught: per key and overall. */
export interface TargetHistory {
  keys: Map<string, KeyStats>;
  labelled: number;
  positives: number;
}

export interface TargetEncoding {
  /** Smoothed fraud rate of the row's key; NaN when the key is missing. */
  rate: Float64Array;
  /** Rows with the row's key seen before it; NaN when the key is missing. */
  count: Float64Array;
}

/** Rows sorted by time (ties in row order), cut into runs of equal time. */
export interface TimeOrder {
  order: Uint32Array;
  /** `order[groupStarts[g] .. groupStarts[g + 1])` share one instant; the last entry is the row count. */
  groupStarts: Uint32Array;
}

export function timeOrder(times: ArrayLike<number>): TimeOrder {
  const order = Uint32Array.from({ length: times.length }, (_, i) => i).sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  const starts: number[] = [];
  for (let i = 0; i < order.length; i++) {
    if (i === 0 || times[order[i] as number] !== times[order[i - 1] as number]) starts.push(i);
  }
  starts.push(order.length);
  return { order, groupStarts: Uint32Array.from(starts) };
}

/** The overall rate, itself pulled toward ½ by one pseudo-row so that it exists before the first label. */
function priorOf(history: TargetHistory): number {
  return (history.positives + 0.5) / (history.labelled + 1);
}

function smoothedRate(stats: KeyStats | undefined, prior: number, smoothing: number): number {
  if (!stats) return prior;
  return (stats.positives + smoothing * prior) / (stats.labelled + smoothing);
}

export function emptyHistory(): TargetHistory {
  return { keys: new Map(), labelled: 0, positives: 0 };
}

/**
 * Encodes training rows leak-free (see the module comment) and returns the history of all their
 * labels for encoding later rows. `smoothing` is the weight, in rows, of the prior in a key's rate.
 */
export function encodeExpanding(
  keys: readonly (string | null)[],
  labels: ArrayLike<number>,
  time: TimeOrder,
  smoothing: number,
): { encoding: TargetEncoding; history: TargetHistory } {
  const history = emptyHistory();
  const rate = new Float64Array(keys.length);
  const count = new Float64Array(keys.length);
  const { order, groupStarts } = time;
  for (let g = 0; g + 1 < groupStarts.length; g++) {
    const start = groupStarts[g] as number;
    const end = groupStarts[g + 1] as number;
    const prior = priorOf(history);
    for (let i = start; i < end; i++) {
      const row = order[i] as number;
      const key = keys[row];
      if (key === null || key === undefined) {
        rate[row] = Number.NaN;
        count[row] = Number.NaN;
        continue;
      }
      const stats = history.keys.get(key);
      rate[row] = smoothedRate(stats, prior, smoothing);
      count[row] = stats?.seen ?? 0;
    }
    // Only now, after the whole instant is encoded, do its labels join the history.
    for (let i = start; i < end; i++) {
      const row = order[i] as number;
      const label = labels[row] as number;
      history.labelled++;
      history.positives += label;
      const key = keys[row];
      if (key === null || key === undefined) continue;
      const stats = history.keys.get(key);
      if (stats) {
        stats.seen++;
        stats.labelled++;
        stats.positives += label;
      } else history.keys.set(key, { seen: 1, labelled: 1, positives: label });
    }
  }
  return { encoding: { rate, count }, history };
}

/** Encodes new rows from a training history (left unchanged): every training label, no label of theirs. */
export function encodeWithHistory(keys: readonly (string | null)[], history: TargetHistory, time: TimeOrder, smoothing: number): TargetEncoding {
  const prior = priorOf(history);
  const rate = new Float64Array(keys.length);
  const count = new Float64Array(keys.length);
  const seenInBatch = new Map<string, number>();
  const { order, groupStarts } = time;
  for (let g = 0; g + 1 < groupStarts.length; g++) {
    const start = groupStarts[g] as number;
    const end = groupStarts[g + 1] as number;
    for (let i = start; i < end; i++) {
      const row = order[i] as number;
      const key = keys[row];
      if (key === null || key === undefined) {
        rate[row] = Number.NaN;
        count[row] = Number.NaN;
        continue;
      }
      const stats = history.keys.get(key);
      rate[row] = smoothedRate(stats, prior, smoothing);
      count[row] = (stats?.seen ?? 0) + (seenInBatch.get(key) ?? 0);
    }
    for (let i = start; i < end; i++) {
      const key = keys[order[i] as number];
      if (key !== null && key !== undefined) seenInBatch.set(key, (seenInBatch.get(key) ?? 0) + 1);
    }
  }
  return { rate, count };
}
