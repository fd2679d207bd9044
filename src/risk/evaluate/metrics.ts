// How well a score selects declarations for inspection: precision and recall among the top k % by
// score (an administration inspects a fixed share of its traffic) and ROC AUC over all of them.

export const TOP_PERCENTS = [1, 2, 5, 10] as const;

export interface SelectionScores {
  p1: number;
  p2: number;
  p5: number;
  p10: number;
  r1: number;
  r2: number;
  r5: number;
  r10: number;
  auc: number;
}

/**
 * Row indices from the highest score to the lowest; equal scores keep their row order, so a
 * selection among ties is the same on every run (and favours no label).
 */
function rankByScore(scores: ArrayLike<number>): Uint32Array {
  return Uint32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

/** How many rows the top `percent` % holds: rounded, at least one. */
export function topCount(rowCount: number, percent: number): number {
  return Math.min(rowCount, Math.max(1, Math.round((rowCount * percent) / 100)));
}

export interface TopSelection {
  precision: number;
  recall: number;
}

export function precisionRecallAtTop(labels: ArrayLike<number>, scores: ArrayLike<number>, percent: number): TopSelection {
  return precisionRecallAtTops(labels, scores, [percent])[0] as TopSelection;
}

function precisionRecallAtTops(labels: ArrayLike<number>, scores: ArrayLike<number>, percents: readonly number[]): TopSelection[] {
  if (labels.length !== scores.length) throw new Error(`${labels.length} labels for ${scores.length} scores`);
  if (labels.length === 0) throw new Error('no rows to select from');
  const order = rankByScore(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  return percents.map((percent) => {
    const count = topCount(labels.length, percent);
    let found = 0;
    for (let i = 0; i < count; i++) found += labels[order[i] as number] === 1 ? 1 : 0;
    return { precision: found / count, recall: positives === 0 ? 0 : found / positives };
  });
}

/** ROC AUC as the Mann–Whitney statistic, tied scores sharing their average rank; 0.5 with one class only. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  if (labels.length !== scores.length) throw new Error(`${labels.length} labels for ${scores.length} scores`);
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1] as number] === scores[order[start] as number]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) {
      if (labels[order[i] as number] === 1) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function selectionScores(labels: ArrayLike<number>, scores: ArrayLike<number>): SelectionScores {
  const [top1, top2, top5, top10] = precisionRecallAtTops(labels, scores, TOP_PERCENTS) as [TopSelection, TopSelection, TopSelection, TopSelection];
  return {
    p1: top1.precision,
    p2: top2.precision,
    p5: top5.precision,
    p10: top10.precision,
    r1: top1.recall,
    r2: top2.recall,
    r5: top5.recall,
    r10: top10.recall,
    auc: rocAuc(labels, scores),
  };
}
