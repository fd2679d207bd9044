import { describe, expect, it } from 'vitest';
import { precisionRecallAtTop, rocAuc, selectionScores, topCount } from './metrics.ts';

describe('ROC AUC', () => {
  it('matches scikit-learn’s documented example', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });

  it('counts a tie between a fraud and a clean declaration as half', () => {
    // Pairs (fraud, clean): (0.4, 0.1) 1, (0.4, 0.4) ½, (0.8, 0.1) 1, (0.8, 0.4) 1 → 3.5 / 4.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.4, 0.8])).toBe(0.875);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, ½ with one class only', () => {
    expect(rocAuc([0, 1, 0, 1], [1, 4, 2, 3])).toBe(1);
    expect(rocAuc([1, 0], [1, 2])).toBe(0);
    expect(rocAuc([1, 1], [1, 2])).toBe(0.5);
  });
});

describe('precision and recall at the top k %', () => {
  // Ten declarations, three frauds; by score: row 9 (fraud), 8, 7 (fraud), 6 … 0 (fraud).
  const labels = [1, 0, 0, 0, 0, 0, 0, 1, 0, 1];
  const scores = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

  it('selects the rounded share of the rows, at least one', () => {
    expect(topCount(10, 10)).toBe(1);
    expect(topCount(10, 1)).toBe(1);
    expect(topCount(1000, 5)).toBe(50);
    expect(topCount(8134, 5)).toBe(407);
  });

  it('counts the frauds among them', () => {
    expect(precisionRecallAtTop(labels, scores, 10)).toEqual({ precision: 1, recall: 1 / 3 });
    expect(precisionRecallAtTop(labels, scores, 30)).toEqual({ precision: 2 / 3, recall: 2 / 3 });
    expect(precisionRecallAtTop(labels, scores, 100)).toEqual({ precision: 0.3, recall: 1 });
  });

  it('breaks ties by row order, the same on every run', () => {
    // All four tie: the top half is rows 0 and 1, whatever their labels.
    expect(precisionRecallAtTop([0, 1, 1, 1], [5, 5, 5, 5], 50)).toEqual({ precision: 0.5, recall: 1 / 3 });
    expect(precisionRecallAtTop([1, 1, 0, 0], [5, 5, 5, 5], 50)).toEqual({ precision: 1, recall: 1 });
  });

  it('gathers every figure of a score', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i);
    const frauds = hundred.map((i) => (i >= 90 || i % 10 === 0 ? 1 : 0)); // 19 frauds, the top ten among them
    const all = selectionScores(frauds, hundred);
    expect(all).toMatchObject({ p1: 1, p2: 1, p5: 1, p10: 1, r1: 1 / 19, r10: 10 / 19 });
    expect(all.auc).toBeGreaterThan(0.7);
  });
});
