import { Type, type Static } from 'typebox';
import { IsoDateTime, Nullable, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';

export const SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_STATUSES = ['OPEN', 'ACKNOWLEDGED'] as const;

export const Alert = Type.Object({
  id: Uuid,
  kind: Type.String({ description: 'GATE_HOLD, CCTV_GAP, ...' }),
  severity: StringEnum(SEVERITIES),
  status: StringEnum(ALERT_STATUSES),
  zoneId: Nullable(Uuid),
  enterpriseId: Nullable(Uuid),
  declarationId: Nullable(Uuid),
  subjectType: Type.String(),
  subjectId: Type.String(),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  occurrences: Type.Integer({ minimum: 1, description: 'How often the condition was seen while the alert was open' }),
  raisedAt: IsoDateTime,
  lastSeenAt: IsoDateTime,
  acknowledgedBy: Nullable(Uuid),
  acknowledgedAt: Nullable(IsoDateTime),
  acknowledgementNote: Nullable(Type.String()),
});
export type Alert = Static<typeof Alert>;

export const AlertListQuery = Type.Object({
  status: Type.Optional(StringEnum(ALERT_STATUSES)),
  kind: Type.Optional(Type.String({ pattern: '^[A-Z_]{2,40}$' })),
  zoneId: Type.Optional(Uuid),
  declarationId: Type.Optional(Uuid),
  ...PageQuery,
});
export type AlertListQuery = Static<typeof AlertListQuery>;

export const AcknowledgementInput = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000, description: 'What the officer found or did' }) },
  { additionalProperties: false },
);
