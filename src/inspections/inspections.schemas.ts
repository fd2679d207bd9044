// Request and reply schemas of the inspections API: tasks, scans, findings and outcomes.
import { Type, type Static } from 'typebox';
import { Decimal, IsoDateTime, Nullable, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { Line, Transport } from '../declarations/declaration.schemas.ts';
import { DECLARATION_TYPES, LANES } from '../declarations/selectivity.schema.ts';
import { STATES } from '../declarations/lifecycle.ts';

export const TASK_KINDS = ['DOCUMENT_CHECK', 'NON_INTRUSIVE_SCAN', 'PHYSICAL_EXAMINATION'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export const TASK_STATUSES = ['OPEN', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const OUTCOMES = ['RELEASE_AS_DECLARED', 'RELEASE_WITH_CORRECTIONS', 'SEIZE', 'REJECT'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** The risk engine's labels (see src/risk): what the inspection found. */
export const LABELS = ['NOTHING_FOUND', 'FOUND', 'CRITICAL'] as const;
export type Label = (typeof LABELS)[number];
export const FINDING_KINDS = ['QUANTITY', 'HS_MISCLASSIFICATION', 'UNDERVALUATION', 'ORIGIN', 'PROHIBITED', 'RESTRICTED', 'IPR'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
export const SCAN_KINDS = ['XRAY', 'CT'] as const;
export type ScanKind = (typeof SCAN_KINDS)[number];
export const READINGS = ['CLEAR', 'SUSPECT'] as const;
export type Reading = (typeof READINGS)[number];

export const CORRECTION_FIELDS = ['quantity', 'netMass', 'grossMass', 'hsCode', 'tariffCode', 'customsValue', 'originCountry'] as const;
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];

/** The values of a line each kind of finding may correct; the others only describe what was found. */
export const CORRECTABLE: Record<FindingKind, readonly CorrectionField[]> = {
  QUANTITY: ['quantity', 'netMass', 'grossMass'],
  HS_MISCLASSIFICATION: ['hsCode', 'tariffCode'],
  UNDERVALUATION: ['customsValue'],
  ORIGIN: ['originCountry'],
  PROHIBITED: [],
  RESTRICTED: [],
  IPR: [],
};

const ContainerNumber = Type.String({ minLength: 11, maxLength: 20, description: 'ISO 6346, e.g. CSQU3054383' });
const Reason = Type.String({ minLength: 1, maxLength: 1000 });
const Person = Nullable(Type.Object({ id: Uuid, name: Nullable(Type.String()) }));

export const TaskListQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(TASK_STATUSES)),
    kind: Type.Optional(StringEnum(TASK_KINDS)),
    assignee: Type.Optional(Type.String({ pattern: '^(me|none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$', description: '"me", "none" (unassigned) or a user id' })),
    zoneId: Type.Optional(Uuid),
    declarationId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type TaskListQuery = Static<typeof TaskListQuery>;

export const OpenTaskInput = Type.Object(
  { declarationId: Uuid, kind: StringEnum(TASK_KINDS), reason: Reason },
  { additionalProperties: false },
);
export type OpenTaskInput = Static<typeof OpenTaskInput>;

export const KindChangeInput = Type.Object({ kind: StringEnum(TASK_KINDS), reason: Reason }, { additionalProperties: false });
export type KindChangeInput = Static<typeof KindChangeInput>;

export const AssignmentInput = Type.Object(
  { assigneeId: Type.Optional(Type.String({ format: 'uuid', description: 'A customs officer of the zone; omitted: the caller takes the task' })) },
  { additionalProperties: false },
);
export type AssignmentInput = Static<typeof AssignmentInput>;

const scanFields = {
  kind: StringEnum(SCAN_KINDS),
  scannerId: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$', description: "The scanner's own identifier" }),
  scannedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the image was taken; now when omitted' })),
};

export const TaskScanQuery = Type.Object({ ...scanFields, containerNumber: Type.Optional(ContainerNumber) }, { additionalProperties: false });
export type TaskScanQuery = Static<typeof TaskScanQuery>;

export const AdvanceScanQuery = Type.Object(
  { ...scanFields, zoneId: Uuid, containerNumber: ContainerNumber },
  { additionalProperties: false },
);
export type AdvanceScanQuery = Static<typeof AdvanceScanQuery>;

export const ReadingInput = Type.Object(
  { reading: StringEnum(READINGS), note: Type.String({ minLength: 1, maxLength: 2000, description: 'What the analyst sees in the image' }) },
  { additionalProperties: false },
);
export type ReadingInput = Static<typeof ReadingInput>;

export const Corrections = Type.Object(
  {
    quantity: Type.Optional(Decimal),
    netMass: Type.Optional(Decimal),
    grossMass: Type.Optional(Decimal),
    hsCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: 'HS subheading, 6 digits' })),
    tariffCode: Type.Optional(Type.String({ pattern: '^[0-9]{8,10}$', description: 'National tariff line beginning with the HS code' })),
    customsValue: Type.Optional(Decimal),
    originCountry: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' })),
  },
  { additionalProperties: false, description: 'Corrected values of the line, where the kind of finding applies to them' },
);
export type Corrections = Static<typeof Corrections>;

export const FindingInput = Type.Object(
  {
    lineNo: Type.Integer({ minimum: 1 }),
    kind: StringEnum(FINDING_KINDS),
    note: Type.String({ minLength: 1, maxLength: 2000 }),
    corrections: Type.Optional(Corrections),
  },
  { additionalProperties: false },
);
export type FindingInput = Static<typeof FindingInput>;

export const OutcomeInput = Type.Object(
  {
    outcome: StringEnum(OUTCOMES, { description: 'Release outcomes release the declaration; SEIZE and REJECT reject it' }),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type OutcomeInput = Static<typeof OutcomeInput>;

export const Scan = Type.Object({
  id: Uuid,
  taskId: Nullable(Uuid),
  zoneId: Uuid,
  kind: StringEnum(SCAN_KINDS),
  scannerId: Type.String(),
  containerNumber: Nullable(Type.String()),
  scannedAt: IsoDateTime,
  image: Type.Object({
    sha256: Type.String(),
    size: Type.Integer(),
    type: Type.String({ description: 'Media type read from the content itself' }),
    url: Type.String(),
  }),
  recordedBy: Uuid,
  recordedAt: IsoDateTime,
  attachedAt: Nullable(IsoDateTime),
  reading: Nullable(Type.Object({ reading: StringEnum(READINGS), note: Nullable(Type.String()), readBy: Person, readAt: IsoDateTime })),
});

export const Finding = Type.Object({
  id: Uuid,
  taskId: Uuid,
  lineNo: Type.Integer(),
  kind: StringEnum(FINDING_KINDS),
  note: Type.String(),
  corrections: Corrections,
  recordedBy: Person,
  recordedAt: IsoDateTime,
});

export const TaskSummary = Type.Object({
  id: Uuid,
  declarationId: Uuid,
  declarationReference: Type.String(),
  declarationState: StringEnum(STATES),
  enterpriseName: Type.String(),
  zoneId: Uuid,
  kind: StringEnum(TASK_KINDS),
  status: StringEnum(TASK_STATUSES),
  origin: StringEnum(['LANE', 'OFFICER'] as const, { description: "LANE: opened by the assessment's lane; OFFICER: added by an officer" }),
  lane: Nullable(StringEnum(LANES)),
  reason: Nullable(Type.String()),
  openedAt: IsoDateTime,
  assignee: Person,
  assignedAt: Nullable(IsoDateTime),
  startedAt: Nullable(IsoDateTime),
  outcome: Nullable(StringEnum(OUTCOMES)),
  decidedAt: Nullable(IsoDateTime),
  updatedAt: IsoDateTime,
});

export const TaskDetail = Type.Intersect([
  TaskSummary,
  Type.Object({
    declarationVersion: Type.Integer(),
    openedBy: Nullable(Uuid),
    startedBy: Nullable(Uuid),
    outcomeReason: Nullable(Type.String()),
    label: Nullable(StringEnum(LABELS)),
    decidedBy: Person,
    releaseWaitingFor: Nullable(Type.String({ description: 'A release outcome held back, e.g. by unpaid duties: Cordon releases once they are paid' })),
    cancelledAt: Nullable(IsoDateTime),
    cancelReason: Nullable(Type.String()),
    declaration: Type.Object({
      id: Uuid,
      reference: Type.String(),
      type: StringEnum(DECLARATION_TYPES),
      state: StringEnum(STATES),
      lane: Nullable(StringEnum(LANES)),
      version: Type.Integer(),
      enterpriseId: Uuid,
      enterpriseName: Type.String(),
      currency: Type.String(),
      totalValue: Type.String(),
      totalGrossMass: Type.String(),
      transport: Transport,
      lines: Type.Array(Line),
    }),
    scans: Type.Array(Scan),
    findings: Type.Array(Finding),
  }),
]);
