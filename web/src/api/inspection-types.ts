// Replies of the inspections API (src/inspections/inspections.schemas.ts): the tasks a lane or an
// officer opens on a declaration, the scanner images taken for them with the analyst's reading, the
// findings per line and the outcome that decides the declaration.
import type { DeclarationLine, DeclarationState, DeclarationType, Lane, Transport } from './types.ts';

export const TASK_KINDS = ['DOCUMENT_CHECK', 'NON_INTRUSIVE_SCAN', 'PHYSICAL_EXAMINATION'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export const TASK_STATUSES = ['OPEN', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const OUTCOMES = ['RELEASE_AS_DECLARED', 'RELEASE_WITH_CORRECTIONS', 'SEIZE', 'REJECT'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type Label = 'NOTHING_FOUND' | 'FOUND' | 'CRITICAL';
export const FINDING_KINDS = ['QUANTITY', 'HS_MISCLASSIFICATION', 'UNDERVALUATION', 'ORIGIN', 'PROHIBITED', 'RESTRICTED', 'IPR'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
export const SCAN_KINDS = ['XRAY', 'CT'] as const;
export type ScanKind = (typeof SCAN_KINDS)[number];
export const READINGS = ['CLEAR', 'SUSPECT'] as const;
export type Reading = (typeof READINGS)[number];

export const CORRECTION_FIELDS = ['quantity', 'netMass', 'grossMass', 'hsCode', 'tariffCode', 'customsValue', 'originCountry'] as const;
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];
export type Corrections = Partial<Record<CorrectionField, string>>;

/** The values of a line each kind of finding may correct, as the server allows them. */
export const CORRECTABLE: Record<FindingKind, readonly CorrectionField[]> = {
  QUANTITY: ['quantity', 'netMass', 'grossMass'],
  HS_MISCLASSIFICATION: ['hsCode', 'tariffCode'],
  UNDERVALUATION: ['customsValue'],
  ORIGIN: ['originCountry'],
  PROHIBITED: [],
  RESTRICTED: [],
  IPR: [],
};

export const TASK_KIND_NAMES: Record<TaskKind, string> = {
  DOCUMENT_CHECK: 'Document check',
  NON_INTRUSIVE_SCAN: 'Non-intrusive scan',
  PHYSICAL_EXAMINATION: 'Physical examination',
};

export const TASK_STATUS_NAMES: Record<TaskStatus, string> = {
  OPEN: 'Waiting',
  IN_PROGRESS: 'In progress',
  COMPLETED: 'Decided',
  CANCELLED: 'Cancelled',
};

export const OUTCOME_NAMES: Record<Outcome, string> = {
  RELEASE_AS_DECLARED: 'Release as declared',
  RELEASE_WITH_CORRECTIONS: 'Release with corrections',
  SEIZE: 'Seize',
  REJECT: 'Reject',
};

export const LABEL_NAMES: Record<Label, string> = { NOTHING_FOUND: 'Nothing found', FOUND: 'Found', CRITICAL: 'Critical' };

export const FINDING_KIND_NAMES: Record<FindingKind, string> = {
  QUANTITY: 'Quantity or mass',
  HS_MISCLASSIFICATION: 'HS misclassification',
  UNDERVALUATION: 'Undervaluation',
  ORIGIN: 'Origin',
  PROHIBITED: 'Prohibited goods',
  RESTRICTED: 'Restricted goods',
  IPR: 'IPR infringement',
};

export const SCAN_KIND_NAMES: Record<ScanKind, string> = { XRAY: 'X-ray', CT: 'CT' };

export const CORRECTION_NAMES: Record<CorrectionField, string> = {
  quantity: 'Quantity',
  netMass: 'Net mass (kg)',
  grossMass: 'Gross mass (kg)',
  hsCode: 'HS code',
  tariffCode: 'Tariff line',
  customsValue: 'Customs value',
  originCountry: 'Origin country',
};

export interface Person {
  id: string;
  name: string | null;
}

export interface TaskSummary {
  id: string;
  declarationId: string;
  declarationReference: string;
  declarationState: DeclarationState;
  enterpriseName: string;
  zoneId: string;
  kind: TaskKind;
  status: TaskStatus;
  origin: 'LANE' | 'OFFICER';
  lane: Lane | null;
  reason: string | null;
  openedAt: string;
  assignee: Person | null;
  assignedAt: string | null;
  startedAt: string | null;
  outcome: Outcome | null;
  decidedAt: string | null;
  updatedAt: string;
}

export interface Scan {
  id: string;
  taskId: string | null;
  zoneId: string;
  kind: ScanKind;
  scannerId: string;
  containerNumber: string | null;
  scannedAt: string;
  image: { sha256: string; size: number; type: string; url: string };
  recordedBy: string;
  recordedAt: string;
  attachedAt: string | null;
  reading: { reading: Reading; note: string | null; readBy: Person | null; readAt: string } | null;
}

export interface Finding {
  id: string;
  taskId: string;
  lineNo: number;
  kind: FindingKind;
  note: string;
  corrections: Corrections;
  recordedBy: Person | null;
  recordedAt: string;
}

export interface TaskDetail extends TaskSummary {
  declarationVersion: number;
  openedBy: string | null;
  startedBy: string | null;
  outcomeReason: string | null;
  label: Label | null;
  decidedBy: Person | null;
  releaseWaitingFor: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  declaration: {
    id: string;
    reference: string;
    type: DeclarationType;
    state: DeclarationState;
    lane: Lane | null;
    version: number;
    enterpriseId: string;
    enterpriseName: string;
    currency: string;
    totalValue: string;
    totalGrossMass: string;
    transport: Transport;
    lines: DeclarationLine[];
  };
  scans: Scan[];
  findings: Finding[];
}

export interface FindingInput {
  lineNo: number;
  kind: FindingKind;
  note: string;
  corrections?: Corrections;
}
