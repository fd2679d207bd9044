import { Type, type Static } from 'typebox';
import { Decimal, IsoDateTime, Nullable, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { HOLD_REASONS } from './matching.ts';

const Plate = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 -]{0,14}$', description: 'Licence plate as read or written' });
const ContainerNumber = Type.String({ minLength: 4, maxLength: 20, description: 'ISO 6346 container number' });
const Seal = Type.String({ pattern: '^[A-Za-z0-9-]{1,35}$' });
const Confidence = Type.Number({ minimum: 0, maximum: 1, description: 'The reader\'s confidence, 0 to 1' });
const Reason = Type.Object({ code: StringEnum(HOLD_REASONS), message: Type.String() });

export const PASS_STATUSES = ['ISSUED', 'USED', 'CANCELLED'] as const;
export const PASSAGE_STATUSES = ['OPENED', 'HELD', 'OVERRIDDEN'] as const;
export const DECISIONS = ['OPEN', 'HOLD'] as const;

export const GatePass = Type.Object({
  id: Uuid,
  number: Type.String(),
  declarationId: Uuid,
  declarationReference: Type.String(),
  automatic: Type.Boolean({ description: 'Issued by the release for the goods not on another pass' }),
  zoneId: Uuid,
  enterpriseId: Uuid,
  direction: StringEnum(['IN', 'OUT'] as const),
  gateIds: Type.Array(Uuid, { description: 'Empty: any gate of the zone open in this direction' }),
  vehiclePlate: Nullable(Type.String()),
  containers: Type.Array(Type.String()),
  seals: Type.Array(Type.String()),
  expectedGrossKg: Decimal,
  toleranceKg: Decimal,
  validFrom: IsoDateTime,
  validTo: IsoDateTime,
  status: StringEnum(PASS_STATUSES),
  lines: Type.Array(Type.Object({ lineNo: Type.Integer(), quantity: Decimal, unit: Type.String() })),
  usedAt: Nullable(IsoDateTime),
  passageId: Nullable(Uuid),
  cancelledAt: Nullable(IsoDateTime),
  cancellationReason: Nullable(Type.String()),
  createdAt: IsoDateTime,
});
export type GatePass = Static<typeof GatePass>;

export const GatePassInput = Type.Object(
  {
    declarationId: Uuid,
    lines: Type.Array(Type.Object({ lineNo: Type.Integer({ minimum: 1, maximum: 999 }), quantity: Decimal }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 999,
    }),
    vehiclePlate: Type.Optional(Plate),
    containers: Type.Optional(Type.Array(ContainerNumber, { maxItems: 100 })),
    seals: Type.Optional(Type.Array(Seal, { maxItems: 100 })),
    gateIds: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
    validTo: Type.Optional(IsoDateTime),
  },
  { additionalProperties: false },
);
export type GatePassInput = Static<typeof GatePassInput>;

export const GatePassListQuery = Type.Object({
  declarationId: Type.Optional(Uuid),
  zoneId: Type.Optional(Uuid),
  status: Type.Optional(StringEnum(PASS_STATUSES)),
  ...PageQuery,
});
export type GatePassListQuery = Static<typeof GatePassListQuery>;

export const ReasonInput = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });

export const GateEventInput = Type.Object(
  {
    gateId: Uuid,
    lane: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    readerEventId: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$', description: "The reader's own id of the event; a retry sends the same" }),
    at: IsoDateTime,
    plate: Type.Optional(Type.Object({ value: Plate, confidence: Confidence }, { additionalProperties: false })),
    containers: Type.Optional(Type.Array(Type.Object({ number: ContainerNumber, confidence: Confidence }, { additionalProperties: false }), { maxItems: 10 })),
    seals: Type.Optional(Type.Array(Seal, { maxItems: 20, description: 'RFID seals and e-lock ids read; omit when the lane has no seal reader' })),
    weightKg: Type.Optional({ ...Decimal, description: 'Weighbridge: weight of the load (laden minus tare), kg' }),
  },
  { additionalProperties: false },
);
export type GateEventInput = Static<typeof GateEventInput>;

export const GatePassage = Type.Object({
  id: Uuid,
  gateId: Uuid,
  gateCode: Type.String(),
  zoneId: Uuid,
  lane: Nullable(Type.String()),
  readerEventId: Type.String(),
  at: IsoDateTime,
  decision: StringEnum(DECISIONS),
  status: StringEnum(PASSAGE_STATUSES),
  reasons: Type.Array(Reason),
  passId: Nullable(Uuid),
  passNumber: Nullable(Type.String()),
  declarationId: Nullable(Uuid),
  declarationReference: Nullable(Type.String()),
  evidence: Type.Object({
    plate: Nullable(Type.Object({ value: Type.String(), confidence: Type.Number() })),
    containers: Type.Array(Type.Object({ number: Type.String(), confidence: Type.Number() })),
    seals: Nullable(Type.Array(Type.String())),
    weightKg: Nullable(Decimal),
  }),
  expected: Nullable(
    Type.Object({ vehiclePlate: Nullable(Type.String()), containers: Type.Array(Type.String()), seals: Type.Array(Type.String()), expectedGrossKg: Decimal, toleranceKg: Decimal }),
  ),
  declarationCompleted: Type.Boolean({ description: 'This passage took the last goods of the declaration through' }),
  overriddenBy: Nullable(Uuid),
  overrideReason: Nullable(Type.String()),
  overriddenAt: Nullable(IsoDateTime),
});
export type GatePassage = Static<typeof GatePassage>;

export const GatePassageListQuery = Type.Object({
  zoneId: Type.Optional(Uuid),
  gateId: Type.Optional(Uuid),
  declarationId: Type.Optional(Uuid),
  status: Type.Optional(StringEnum(PASSAGE_STATUSES)),
  decision: Type.Optional(StringEnum(DECISIONS)),
  ...PageQuery,
});
export type GatePassageListQuery = Static<typeof GatePassageListQuery>;

export const GateSettings = Type.Object({
  minConfidence: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Reads below this confidence hold the truck' }),
  weightTolerancePercent: Decimal,
  minWeightToleranceKg: Decimal,
  passValidityHours: Type.Integer({ minimum: 1, maximum: 720 }),
  version: Type.Integer(),
  updatedAt: IsoDateTime,
});
export type GateSettings = Static<typeof GateSettings>;

export const GateSettingsInput = Type.Object(
  {
    minConfidence: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    weightTolerancePercent: Decimal,
    minWeightToleranceKg: Decimal,
    passValidityHours: Type.Integer({ minimum: 1, maximum: 720 }),
  },
  { additionalProperties: false },
);
export type GateSettingsInput = Static<typeof GateSettingsInput>;
