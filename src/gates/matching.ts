// The gate's decision on one reader event: which pass the truck is presenting, and every reason to
// hold it. Pure, so that each reason can be tested on its own and the decision is the same wherever
// it is taken.
import { Decimal } from 'decimal.js';
import { checkContainerNumber } from '../reference/validators.ts';

export const HOLD_REASONS = [
  'NO_PASS',
  'NOT_RELEASED',
  'PASS_EXPIRED',
  'WRONG_GATE',
  'PLATE_MISMATCH',
  'CONTAINER_MISMATCH',
  'SEAL_MISMATCH',
  'LOW_CONFIDENCE',
  'WEIGHT_OUT_OF_TOLERANCE',
] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export interface Reason {
  code: HoldReason;
  message: string;
}

/** What the gate's readers saw. A field the lane has no reader for is null (not checked). */
export interface Reading {
  at: Date;
  plate: { value: string; confidence: number } | null;
  containers: Array<{ number: string; confidence: number }>;
  /** RFID seals and e-lock ids read; null when the lane has no seal reader. */
  seals: string[] | null;
  weightKg: string | null;
}

export interface PassToMatch {
  id: string;
  direction: 'IN' | 'OUT';
  gateIds: string[];
  vehiclePlate: string | null;
  containers: string[];
  seals: string[];
  expectedGrossKg: string;
  toleranceKg: string;
  validFrom: Date;
  validTo: Date;
  declarationState: string;
}

export interface GateToMatch {
  id: string;
  code: string;
  direction: 'IN' | 'OUT' | 'BOTH';
}

/** Plates are compared without spaces, hyphens or case: "AB 123-CD" is AB123CD. */
export function normalizePlate(plate: string): string {
  return plate.replace(/[\s-]/g, '').toUpperCase();
}

export function normalizeContainer(number: string): string {
  return number.replace(/\s/g, '').toUpperCase();
}

/**
 * The pass the truck most likely presents: the most agreeing plate and containers among the
 * candidates (passes of the zone sharing its plate or a container), or null when none agrees.
 */
export function pickPass<P extends PassToMatch>(reading: Reading, candidates: readonly P[]): P | null {
  const plate = reading.plate ? normalizePlate(reading.plate.value) : null;
  const read = new Set(reading.containers.map((c) => normalizeContainer(c.number)));
  let best: P | null = null;
  let bestScore = 0;
  for (const pass of candidates) {
    const score =
      (plate !== null && pass.vehiclePlate !== null && normalizePlate(pass.vehiclePlate) === plate ? 2 : 0) +
      pass.containers.filter((container) => read.has(container)).length;
    // On a tie the pass that expires first goes first: the goods released earliest leave first.
    if (score > bestScore || (score === bestScore && best !== null && score > 0 && pass.validTo < best.validTo)) {
      best = pass;
      bestScore = score;
    }
  }
  return best;
}

/** Every reason to hold the truck presenting `pass` at `gate`; empty means open. */
export function judge(reading: Reading, pass: PassToMatch, gate: GateToMatch, settings: { minConfidence: number }): Reason[] {
  const reasons: Reason[] = [];
  const hold = (code: HoldReason, message: string) => reasons.push({ code, message });

  if (pass.declarationState !== 'RELEASED') hold('NOT_RELEASED', `the declaration is ${pass.declarationState}, not released`);
  if (reading.at < pass.validFrom) hold('PASS_EXPIRED', `the pass is valid only from ${pass.validFrom.toISOString()}`);
  if (reading.at > pass.validTo) hold('PASS_EXPIRED', `the pass expired at ${pass.validTo.toISOString()}`);
  if (pass.gateIds.length > 0 && !pass.gateIds.includes(gate.id)) hold('WRONG_GATE', `the pass is not valid at gate ${gate.code}`);
  else if (gate.direction !== 'BOTH' && gate.direction !== pass.direction) {
    hold('WRONG_GATE', `gate ${gate.code} is for ${gate.direction === 'IN' ? 'entry' : 'exit'}, the pass is for ${pass.direction === 'IN' ? 'entry' : 'exit'}`);
  }

  if (pass.vehiclePlate !== null) {
    if (reading.plate === null) hold('LOW_CONFIDENCE', 'no licence plate was read');
    else if (reading.plate.confidence < settings.minConfidence) {
      hold('LOW_CONFIDENCE', `the plate ${reading.plate.value} was read with confidence ${reading.plate.confidence} (below ${settings.minConfidence})`);
    } else if (normalizePlate(reading.plate.value) !== normalizePlate(pass.vehiclePlate)) {
      hold('PLATE_MISMATCH', `plate ${normalizePlate(reading.plate.value)} read, the pass is for ${pass.vehiclePlate}`);
    }
  }

  // A read below the confidence threshold, or one failing the ISO 6346 check digit, is not
  // evidence either way: it holds the truck for a look, but does not count as a mismatch.
  const confident = new Set<string>();
  const doubtful: string[] = [];
  for (const read of reading.containers) {
    const number = normalizeContainer(read.number);
    if (read.confidence < settings.minConfidence) doubtful.push(`${number} (confidence ${read.confidence})`);
    else if (!checkContainerNumber(number).valid) doubtful.push(`${number} (fails the ISO 6346 check digit)`);
    else confident.add(number);
  }
  if (doubtful.length > 0) hold('LOW_CONFIDENCE', `container read not trusted: ${doubtful.join(', ')}`);
  const unexpected = [...confident].filter((number) => !pass.containers.includes(number));
  const missing = pass.containers.filter((number) => !confident.has(number));
  if (unexpected.length > 0) hold('CONTAINER_MISMATCH', `container ${unexpected.join(', ')} is not on the pass`);
  if (missing.length > 0 && doubtful.length === 0) hold('CONTAINER_MISMATCH', `container ${missing.join(', ')} of the pass was not seen`);

  if (reading.seals !== null && pass.seals.length > 0) {
    const seen = new Set(reading.seals.map((seal) => seal.toUpperCase()));
    const expected = new Set(pass.seals.map((seal) => seal.toUpperCase()));
    const missingSeals = [...expected].filter((seal) => !seen.has(seal));
    const otherSeals = [...seen].filter((seal) => !expected.has(seal));
    if (missingSeals.length > 0) hold('SEAL_MISMATCH', `seal ${missingSeals.join(', ')} of the pass was not read`);
    if (otherSeals.length > 0) hold('SEAL_MISMATCH', `seal ${otherSeals.join(', ')} is not on the pass`);
  }

  if (reading.weightKg !== null) {
    const difference = new Decimal(reading.weightKg).minus(pass.expectedGrossKg);
    if (difference.abs().greaterThan(pass.toleranceKg)) {
      hold(
        'WEIGHT_OUT_OF_TOLERANCE',
        `weighed ${new Decimal(reading.weightKg).toFixed()} kg, the pass expects ${new Decimal(pass.expectedGrossKg).toFixed()} kg ± ${new Decimal(pass.toleranceKg).toFixed()} kg (${difference.isPositive() ? '+' : ''}${difference.toFixed(0)} kg)`,
      );
    }
  }
  return reasons;
}

/** The tolerance for an expected weight: a share of it, at least a minimum. */
export function weightTolerance(expectedKg: Decimal.Value, settings: { weightTolerancePercent: string; minWeightToleranceKg: string }): Decimal {
  return Decimal.max(new Decimal(expectedKg).times(settings.weightTolerancePercent).dividedBy(100), settings.minWeightToleranceKg).toDecimalPlaces(3);
}
