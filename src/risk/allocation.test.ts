import { describe, expect, it } from 'vitest';
import { enterprisePoints, laneOfScore, thresholdsFor } from './allocation.ts';
import { seededRandom } from '../platform/random.ts';

describe('lane allocation at target rates', () => {
  it('gives the lanes their target shares of later declarations scored like the recent ones', () => {
    const random = seededRandom(7);
    // Skewed like a model's probabilities: most low, a long tail of high ones.
    const draw = () => random() ** 3 * 100;
    const recent = Array.from({ length: 20_000 }, draw);
    const thresholds = thresholdsFor(recent, { red: 0.03, yellow: 0.07 });
    const later = Array.from({ length: 20_000 }, draw);
    const lanes = { GREEN: 0, YELLOW: 0, RED: 0 };
    for (const score of later) lanes[laneOfScore(score, thresholds)]++;
    // Sampling error of a share p over 20,000 is √(p(1−p)/n): 0.12 % for 3 %, 0.18 % for 7 %.
    expect(lanes.RED / later.length).toBeCloseTo(0.03, 2);
    expect(lanes.YELLOW / later.length).toBeCloseTo(0.07, 2);
    expect(thresholds.basis).toBe(20_000);
  });

  it('takes exactly the top shares of the scores it was read from', () => {
    const scores = Array.from({ length: 100 }, (_, i) => i + 1);
    const thresholds = thresholdsFor(scores, { red: 0.03, yellow: 0.07 });
    expect(thresholds).toEqual({ red: 98, yellow: 91, basis: 100 });
    expect(scores.filter((s) => laneOfScore(s, thresholds) === 'RED')).toEqual([98, 99, 100]);
    expect(scores.filter((s) => laneOfScore(s, thresholds) === 'YELLOW')).toHaveLength(7);
  });

  it('sends tied scores at a threshold to the severer lane, up to twice its share, and none anywhere for a zero share', () => {
    const small = thresholdsFor([5, 5, 1, 1, 1, 1, 1, 1, 1, 1], { red: 0.1, yellow: 0 });
    expect(laneOfScore(5, small)).toBe('RED');
    expect(laneOfScore(1, small)).toBe('GREEN');
    // Four tied for a share of one: only what scores above the tie is RED, here nothing.
    const wide = thresholdsFor([5, 5, 5, 5, 1, 1, 1, 1, 1, 1], { red: 0.1, yellow: 0 });
    expect(laneOfScore(5, wide)).toBe('GREEN');
    const above = thresholdsFor([9, 5, 5, 5, 5, 5, 1, 1, 1, 1], { red: 0.2, yellow: 0 });
    expect(above.red).toBe(9);
    expect(laneOfScore(5, above)).toBe('GREEN');
    // No model yet and every enterprise alike: equal scores keep everything GREEN.
    const equal = thresholdsFor(Array.from({ length: 500 }, () => 5), { red: 0.03, yellow: 0.07 });
    expect(laneOfScore(5, equal)).toBe('GREEN');
    const none = thresholdsFor([1, 2, 3], { red: 0, yellow: 0 });
    expect(laneOfScore(3, none)).toBe('GREEN');
    expect(laneOfScore(50, thresholdsFor([], { red: 0.5, yellow: 0.5 }))).toBe('GREEN');
  });
});

describe('enterprise points', () => {
  it('lowers an AEO and raises a new enterprise, past findings and stock discrepancies, saying why', () => {
    expect(enterprisePoints({ aeoStatus: 'AEO_F', enterpriseAgeDays: 2000, priorInspections: 10, priorFindings: 0, bookDiscrepancies: 0, gateMismatches: 0, trackingAlerts: 0 })).toEqual({
      points: -10,
      reasons: ['Authorised economic operator (AEO_F): −10'],
    });
    const risky = enterprisePoints({ aeoStatus: 'NONE', enterpriseAgeDays: 30, priorInspections: 8, priorFindings: 5, bookDiscrepancies: 7, gateMismatches: 2, trackingAlerts: 0 });
    // 5 + round(30 × 5/10) + min(10, 14) + min(15, 6)
    expect(risky.points).toBe(5 + 15 + 10 + 6);
    expect(risky.reasons).toHaveLength(4);
    expect(risky.reasons[3]).toBe('2 trucks held at the gate in the last year for a plate, container, seal or weight mismatch: +6');
    expect(enterprisePoints({ aeoStatus: 'NONE', enterpriseAgeDays: 400, priorInspections: 0, priorFindings: 0, bookDiscrepancies: 0, gateMismatches: 9, trackingAlerts: 0 }).points).toBe(15);
  });

  it('raises an enterprise whose trips under seal raised alerts, 4 points each and at most 20', () => {
    const quiet = { aeoStatus: 'NONE', enterpriseAgeDays: 400, priorInspections: 0, priorFindings: 0, bookDiscrepancies: 0, gateMismatches: 0 };
    expect(enterprisePoints({ ...quiet, trackingAlerts: 0 })).toEqual({ points: 0, reasons: [] });
    const two = enterprisePoints({ ...quiet, trackingAlerts: 2 });
    expect(two.points).toBe(8);
    expect(two.reasons).toEqual([
      '2 alerts on trips under seal in the last year (seal opened or tampered, route deviation, unauthorised stop, signal lost, late or wrong arrival): +8',
    ]);
    expect(enterprisePoints({ ...quiet, trackingAlerts: 5 }).points).toBe(20);
    expect(enterprisePoints({ ...quiet, trackingAlerts: 40 }).points).toBe(20);
  });
});
