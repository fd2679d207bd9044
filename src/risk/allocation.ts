// From a declaration's risk score to its lane. The administration sets the share of declarations
// each lane should take (say RED 3 %, YELLOW 7 %); the score thresholds that give those shares are
// read from the scores of recent assessments, so the lanes keep their shares as traffic and models
// change. Forced lanes (rules) and the random control draws come on top.
import type { Lane } from '../declarations/selectivity.schema.ts';

export interface LaneRates {
  red: number;
  yellow: number;
}

export interface Thresholds {
  /** A score at or above this is RED. */
  red: number;
  /** A score at or above this (and below red) is YELLOW. */
  yellow: number;
  /** How many scores they were read from. */
  basis: number;
}

export const SEVERITY: Record<Lane, number> = { GREEN: 0, YELLOW: 1, RED: 2 };

export function severer(a: Lane, b: Lane): Lane {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/**
 * The thresholds at which the top `rates.red` share of `scores` is RED and the next `rates.yellow`
 * share YELLOW. A share of 0 gives an unreachable threshold. Scores tied at a threshold go to the
 * severer lane (a lane is not refused to a score equal to one that got it), unless the tie would
 * take more than twice the lane's share: then only the scores above the tie do. Without that cap,
 * a month of equal scores (no model yet, every enterprise new) would send everything to RED.
 */
export function thresholdsFor(scores: readonly number[], rates: LaneRates): Thresholds {
  if (scores.length === 0) return { red: Number.POSITIVE_INFINITY, yellow: Number.POSITIVE_INFINITY, basis: 0 };
  const sorted = Float64Array.from(scores).sort().reverse();
  const at = (share: number) => {
    const count = Math.round(share * sorted.length);
    if (count <= 0) return Number.POSITIVE_INFINITY;
    const boundary = sorted[Math.min(count, sorted.length) - 1] as number;
    let tied = count;
    while (tied < sorted.length && sorted[tied] === boundary) tied++;
    if (tied <= 2 * count) return boundary;
    // The smallest score above the tie, or none.
    let above = count - 1;
    while (above >= 0 && sorted[above] === boundary) above--;
    return above >= 0 ? (sorted[above] as number) : Number.POSITIVE_INFINITY;
  };
  return { red: at(rates.red), yellow: at(rates.red + rates.yellow), basis: sorted.length };
}

export function laneOfScore(score: number, thresholds: Thresholds): Lane {
  if (score >= thresholds.red) return 'RED';
  if (score >= thresholds.yellow) return 'YELLOW';
  return 'GREEN';
}

/** Points for what is known of the enterprise beyond the declaration, with why. */
export function enterprisePoints(record: {
  aeoStatus: string;
  enterpriseAgeDays: number;
  priorInspections: number;
  priorFindings: number;
  bookDiscrepancies: number;
  /** Trucks of the enterprise held at a gate in the last year because what passed was not what was declared. */
  gateMismatches: number;
  /** Alerts on the enterprise's trips under seal in the last year (tampering, detours, stops ...; not low batteries). */
  trackingAlerts: number;
}): { points: number; reasons: string[] } {
  let points = 0;
  const reasons: string[] = [];
  if (record.aeoStatus !== 'NONE') {
    points -= 10;
    reasons.push(`Authorised economic operator (${record.aeoStatus}): −10`);
  }
  if (record.enterpriseAgeDays < 90) {
    points += 5;
    reasons.push(`Enterprise registered ${record.enterpriseAgeDays} days ago: +5`);
  }
  if (record.priorFindings > 0) {
    // Smoothed toward none, so one finding in one inspection weighs less than ten in twenty.
    const rate = record.priorFindings / (record.priorInspections + 2);
    const added = Math.round(30 * rate);
    if (added > 0) {
      points += added;
      reasons.push(`${record.priorFindings} of ${record.priorInspections} earlier inspections found something: +${added}`);
    }
  }
  if (record.bookDiscrepancies > 0) {
    const added = Math.min(10, 2 * record.bookDiscrepancies);
    points += added;
    reasons.push(`${record.bookDiscrepancies} flagged stock discrepancies in the last year: +${added}`);
  }
  if (record.gateMismatches > 0) {
    const added = Math.min(15, 3 * record.gateMismatches);
    points += added;
    reasons.push(`${record.gateMismatches} trucks held at the gate in the last year for a plate, container, seal or weight mismatch: +${added}`);
  }
  if (record.trackingAlerts > 0) {
    const added = Math.min(20, 4 * record.trackingAlerts);
    points += added;
    reasons.push(`${record.trackingAlerts} alerts on trips under seal in the last year (seal opened or tampered, route deviation, unauthorised stop, signal lost, late or wrong arrival): +${added}`);
  }
  return { points, reasons };
}
