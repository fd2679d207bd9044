// Request and reply schemas of the declarations API: one TypeBox schema each gives validation,
// the TypeScript type and the OpenAPI entry.
import { Type, type Static } from 'typebox';
import { Decimal, IsoDateTime, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { ACTIONS, STATES } from './lifecycle.ts';
import { DECLARATION_TYPES, LANES } from './selectivity.schema.ts';
import { PROCESSING_ROLES } from './declaration.hooks.ts';

/** WCO / UN Recommendation 19 modes of transport, by name. */
export const TRANSPORT_MODES = ['SEA', 'RAIL', 'ROAD', 'AIR', 'POSTAL', 'MULTIMODAL', 'FIXED_INSTALLATION', 'INLAND_WATERWAY'] as const;
export const TRANSPORT_DOCUMENT_TYPES = ['BILL_OF_LADING', 'SEA_WAYBILL', 'AIR_WAYBILL', 'CMR', 'RAIL_CONSIGNMENT_NOTE', 'MANIFEST', 'OTHER'] as const;

const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' });
const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' });
const Locode = Type.String({ pattern: '^[A-Z]{2}[A-Z2-9]{3}$', description: 'UN/LOCODE, e.g. USNYC' });

export const Transport = Type.Object(
  {
    mode: StringEnum(TRANSPORT_MODES),
    vehiclePlate: Type.Optional(Type.String({ pattern: '^[A-Z0-9][A-Z0-9 -]{0,14}$', description: 'Upper-case licence plate' })),
    vesselOrFlight: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    containers: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 100, description: 'ISO 6346 container numbers' })),
    seals: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9-]{1,35}$' }), { maxItems: 100 })),
    transportDocument: Type.Optional(
      Type.Object(
        { type: StringEnum(TRANSPORT_DOCUMENT_TYPES), number: Type.String({ minLength: 1, maxLength: 50 }) },
        { additionalProperties: false },
      ),
    ),
    portOfLoading: Type.Optional(Locode),
    portOfDischarge: Type.Optional(Locode),
  },
  { additionalProperties: false },
);
export type Transport = Static<typeof Transport>;

export const LineInput = Type.Object(
  {
    itemId: Type.Optional(Uuid),
    partNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    hsCode: Type.String({ pattern: '^[0-9]{6}$', description: 'HS subheading, 6 digits' }),
    description: Type.String({ minLength: 1, maxLength: 500 }),
    originCountry: CountryCode,
    quantity: Decimal,
    unit: Type.String({ pattern: '^[A-Z0-9]{2,3}$', description: 'UN/ECE Recommendation 20 unit code' }),
    netMass: Decimal,
    grossMass: Decimal,
    customsValue: Decimal,
    lotId: Type.Optional(Uuid),
    tariffCode: Type.Optional(
      Type.String({ pattern: '^[0-9]{6,10}$', description: 'National tariff line (8 or 10 digits) beginning with the HS code' }),
    ),
    processingRole: Type.Optional(StringEnum(PROCESSING_ROLES, { description: 'Required on PROCESSING declarations' })),
  },
  { additionalProperties: false },
);
export type LineInput = Static<typeof LineInput>;

const declarationFields = {
  bookId: Type.Optional(Uuid),
  traderReference: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  destination: Type.Optional(
    Type.Object(
      { zoneId: Uuid, enterpriseId: Type.Optional(Uuid), bookId: Type.Optional(Uuid) },
      { additionalProperties: false, description: 'Where a TRANSFER goes' },
    ),
  ),
  destinationCountry: Type.Optional(CountryCode),
  currency: CurrencyCode,
  transport: Transport,
  lines: Type.Array(LineInput, { minItems: 1, maxItems: 999 }),
};

export const SubmitDeclaration = Type.Object(
  {
    type: StringEnum(DECLARATION_TYPES),
    zoneId: Uuid,
    /** Required when staff declare on an enterprise's behalf; an enterprise user declares for its own. */
    enterpriseId: Type.Optional(Uuid),
    ...declarationFields,
  },
  { additionalProperties: false },
);
export type SubmitDeclaration = Static<typeof SubmitDeclaration>;

export const AmendDeclaration = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
    declaration: Type.Object(declarationFields, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type AmendDeclaration = Static<typeof AmendDeclaration>;

export const Decision = Type.Object(
  {
    action: StringEnum(['START_INSPECTION', 'RELEASE', 'REJECT', 'COMPLETE'] as const),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type Decision = Static<typeof Decision>;

export const Cancellation = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false });

export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    type: Type.Optional(StringEnum(DECLARATION_TYPES)),
    state: Type.Optional(StringEnum(STATES)),
    lane: Type.Optional(StringEnum(LANES)),
    enterpriseId: Type.Optional(Uuid),
    zoneId: Type.Optional(Uuid),
    hsCode: Type.Optional(Type.String({ pattern: '^[0-9]{2,6}$', description: 'HS code or prefix on any line' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Submitted at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Submitted before' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Reference or trader reference contains' })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const Line = Type.Object({
  lineNo: Type.Integer(),
  itemId: Type.Union([Uuid, Type.Null()]),
  partNumber: Type.Union([Type.String(), Type.Null()]),
  hsCode: Type.String(),
  description: Type.String(),
  originCountry: Type.String(),
  quantity: Type.String(),
  unit: Type.String(),
  netMass: Type.String(),
  grossMass: Type.String(),
  customsValue: Type.String(),
  currency: Type.String(),
  lotId: Type.Union([Uuid, Type.Null()]),
  tariffCode: Type.Union([Type.String(), Type.Null()]),
  processingRole: Type.Union([StringEnum(PROCESSING_ROLES), Type.Null()]),
});

export const DeclarationSummary = Type.Object({
  id: Uuid,
  reference: Type.String(),
  type: StringEnum(DECLARATION_TYPES),
  state: StringEnum(STATES),
  lane: Type.Union([StringEnum(LANES), Type.Null()]),
  zoneId: Uuid,
  enterpriseId: Uuid,
  enterpriseName: Type.String(),
  traderReference: Type.Union([Type.String(), Type.Null()]),
  currency: Type.String(),
  totalValue: Type.String(),
  totalGrossMass: Type.String(),
  lineCount: Type.Integer(),
  submittedAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

export const Transition = Type.Object({
  action: StringEnum(ACTIONS),
  fromState: Type.Union([StringEnum(STATES), Type.Null()]),
  toState: StringEnum(STATES),
  lane: Type.Union([StringEnum(LANES), Type.Null()]),
  actorId: Type.Union([Uuid, Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  actorRole: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  at: IsoDateTime,
});

export const DeclarationDetail = Type.Intersect([
  DeclarationSummary,
  Type.Object({
    laneReasons: Type.Array(Type.String(), { description: 'Why the lane was chosen; empty for callers who may not read targeting' }),
    riskScore: Type.Union([Type.String(), Type.Null()]),
    bookId: Type.Union([Uuid, Type.Null()]),
    destination: Type.Union([
      Type.Object({ zoneId: Uuid, enterpriseId: Uuid, bookId: Type.Union([Uuid, Type.Null()]) }),
      Type.Null(),
    ]),
    originCountry: Type.Union([Type.String(), Type.Null()]),
    destinationCountry: Type.Union([Type.String(), Type.Null()]),
    transport: Transport,
    lines: Type.Array(Line),
    version: Type.Integer(),
    submittedBy: Uuid,
    assessedAt: Type.Union([IsoDateTime, Type.Null()]),
    releasedAt: Type.Union([IsoDateTime, Type.Null()]),
    decidedAt: Type.Union([IsoDateTime, Type.Null()]),
    completedAt: Type.Union([IsoDateTime, Type.Null()]),
    history: Type.Array(Transition),
    allowedActions: Type.Array(StringEnum(ACTIONS), { description: 'What the caller may do now' }),
  }),
]);

export const VersionSnapshot = Type.Object({
  version: Type.Integer(),
  reason: Type.String(),
  amendedBy: Uuid,
  at: IsoDateTime,
  snapshot: Type.Unknown(),
});
