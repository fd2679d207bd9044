// Replies of the gates API (src/gates/gates.schemas.ts): gate passes issued for released goods,
// and the passages the gate readers report, each opened or held against the passes.

export type GateDirection = 'IN' | 'OUT';

export const PASS_STATUSES = ['ISSUED', 'USED', 'CANCELLED'] as const;
export type PassStatus = (typeof PASS_STATUSES)[number];

export interface GatePassLine {
  lineNo: number;
  quantity: string;
  unit: string;
}

export interface GatePass {
  id: string;
  number: string;
  declarationId: string;
  declarationReference: string;
  /** Issued by the release for the goods not on another pass; it gives them up to later passes. */
  automatic: boolean;
  zoneId: string;
  enterpriseId: string;
  direction: GateDirection;
  /** Empty: any gate of the zone in the pass's direction. */
  gateIds: string[];
  vehiclePlate: string | null;
  containers: string[];
  seals: string[];
  expectedGrossKg: string;
  toleranceKg: string;
  validFrom: string;
  validTo: string;
  status: PassStatus;
  lines: GatePassLine[];
  usedAt: string | null;
  passageId: string | null;
  cancelledAt: string | null;
  cancellationReason: string | null;
  createdAt: string;
}

export interface GatePassInput {
  declarationId: string;
  vehiclePlate?: string;
  containers?: string[];
  seals?: string[];
  lines: Array<{ lineNo: number; quantity: string }>;
}

export const PASSAGE_STATUSES = ['HELD', 'OPENED', 'OVERRIDDEN'] as const;
export type PassageStatus = (typeof PASSAGE_STATUSES)[number];

export const HOLD_REASONS = [
  'NO_PASS',
  'PLATE_MISMATCH',
  'CONTAINER_MISMATCH',
  'SEAL_MISMATCH',
  'LOW_CONFIDENCE',
  'WEIGHT_OUT_OF_TOLERANCE',
  'PASS_EXPIRED',
  'NOT_RELEASED',
  'WRONG_GATE',
] as const;

/** Each reason a gate holds a truck, in the words of the desk. */
export const HOLD_REASON_NAMES: Record<string, string> = {
  NO_PASS: 'No gate pass for this truck',
  PLATE_MISMATCH: 'Plate does not match the pass',
  CONTAINER_MISMATCH: 'Container not on the pass',
  SEAL_MISMATCH: 'Seal does not match the pass',
  LOW_CONFIDENCE: 'Reading too uncertain to trust',
  WEIGHT_OUT_OF_TOLERANCE: 'Weight outside the pass’s tolerance',
  PASS_EXPIRED: 'Gate pass expired',
  NOT_RELEASED: 'Goods not released by customs',
  WRONG_GATE: 'Pass not valid at this gate',
};

export interface Reading {
  value: string;
  confidence: number;
}

export interface PassageEvidence {
  plate: Reading | null;
  containers: Array<{ number: string; confidence: number }>;
  /** Null when the lane has no seal reader. */
  seals: string[] | null;
  weightKg: string | null;
}

/** What the matched pass allowed, as it stood when the truck came. */
export interface PassageExpectation {
  vehiclePlate: string | null;
  containers: string[];
  seals: string[];
  expectedGrossKg: string;
  toleranceKg: string;
}

export interface GatePassage {
  id: string;
  gateId: string;
  gateCode: string;
  zoneId: string;
  /** The reader's lane label, when the gate has more than one. */
  lane: string | null;
  readerEventId: string;
  at: string;
  decision: 'OPEN' | 'HOLD';
  status: PassageStatus;
  reasons: Array<{ code: string; message: string }>;
  passId: string | null;
  passNumber: string | null;
  declarationId: string | null;
  declarationReference: string | null;
  evidence: PassageEvidence;
  expected: PassageExpectation | null;
  /** This passage took the declaration's last goods through. */
  declarationCompleted: boolean;
  overriddenBy: string | null;
  overrideReason: string | null;
  overriddenAt: string | null;
}
