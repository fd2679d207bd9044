// Request and reply schemas of the account books API: lots, movements, stock, traces, adjustments.
// One TypeBox schema each gives validation, the TypeScript type and the OpenAPI entry.
import { Type, type Static, type TSchema } from 'typebox';
import { IsoDate, IsoDateTime, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { DECLARATION_TYPES } from '../declarations/selectivity.schema.ts';
import type { Administration } from '../registry/registry.service.ts';

export type StatusModel = Administration['statusModel'];

export const CUSTOMS_STATUS_VALUES = ['FOREIGN', 'DOMESTIC', 'PRIVILEGED_FOREIGN', 'NON_PRIVILEGED_FOREIGN', 'ZONE_RESTRICTED'] as const;
export type CustomsStatus = (typeof CUSTOMS_STATUS_VALUES)[number];
export const LOT_KINDS = ['GOODS', 'WASTE', 'SCRAP'] as const;
export type LotKind = (typeof LOT_KINDS)[number];
export const MOVEMENT_KINDS = ['RECEIPT', 'REMOVAL', 'TRANSFER_IN', 'TRANSFER_OUT', 'CONSUMPTION', 'PRODUCTION', 'ADJUSTMENT'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
export const EXPORTS = ['stock', 'movements', 'lots'] as const;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A signed decimal written as a string ("-2.5"): adjustments add or take away. */
export const SignedDecimal = Type.String({
  pattern: '^-?(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$',
  description: 'Signed decimal number as a string, up to 12 integer and 6 fraction digits',
  examples: ['-2.5'],
});

const DeclarationRef = Type.Object(
  { id: Uuid, reference: Type.String(), type: StringEnum(DECLARATION_TYPES) },
  { description: 'The declaration behind a lot or movement' },
);

export const Lot = Type.Object(
  {
    id: Uuid,
    bookId: Uuid,
    enterpriseId: Uuid,
    zoneId: Uuid,
    lotNumber: Type.String({ description: '<book code>-<number>, unique in the book' }),
    kind: StringEnum(LOT_KINDS),
    itemId: Nullable(Uuid),
    partNumber: Nullable(Type.String()),
    hsCode: Type.String(),
    description: Type.String(),
    customsStatus: StringEnum(CUSTOMS_STATUS_VALUES),
    originCountry: Type.String(),
    unit: Type.String(),
    receivedQuantity: Type.String(),
    quantity: Type.String({ description: 'Balance: the sum of the lot’s movements' }),
    reserved: Type.String({ description: 'Held for released declarations whose goods have not yet passed the gate' }),
    available: Type.String({ description: 'quantity − reserved' }),
    unitValue: Type.String({ description: 'Customs value of one unit, in currency' }),
    currency: Type.String(),
    value: Type.String({ description: 'quantity × unitValue, to the cent' }),
    location: Nullable(Type.String()),
    receivingDeclaration: Nullable(DeclarationRef),
    receivingLineNo: Nullable(Type.Integer()),
    receiptDate: IsoDate,
    firstAdmission: Type.Object({ declarationId: Nullable(Uuid), reference: Nullable(Type.String()), date: Nullable(IsoDate) }),
    sourceLotIds: Type.Array(Uuid, { description: 'The lots these goods came from (transfer source, processing inputs)' }),
    createdAt: IsoDateTime,
  },
  { title: 'Lot' },
);
export type Lot = Static<typeof Lot>;

export const Movement = Type.Object(
  {
    id: Type.String({ description: 'Sequence number of the movement' }),
    lotId: Uuid,
    lotNumber: Type.String(),
    bookId: Uuid,
    kind: StringEnum(MOVEMENT_KINDS),
    quantity: Type.String({ description: 'Signed: receipts add, removals subtract' }),
    value: Type.String({ description: 'Signed quantity × the lot’s unit value, to the cent' }),
    currency: Type.String(),
    declaration: Nullable(DeclarationRef),
    lineNo: Nullable(Type.Integer()),
    reason: Nullable(Type.String()),
    approvedBy: Nullable(Uuid),
    at: IsoDateTime,
  },
  { title: 'Movement' },
);
export type Movement = Static<typeof Movement>;

export const Reservation = Type.Object({ declaration: DeclarationRef, lineNo: Type.Integer(), quantity: Type.String() });

export const LotDetail = Type.Intersect([Lot, Type.Object({ movements: Type.Array(Movement), reservations: Type.Array(Reservation) })], {
  title: 'LotDetail',
});

export const TraceNode = Type.Object(
  {
    depth: Type.Integer({ description: '0 for the lot asked about, 1 for its sources, …' }),
    lotId: Uuid,
    visible: Type.Boolean({ description: 'False for a lot of another enterprise or zone the caller may not see' }),
    lot: Nullable(Lot),
    movements: Type.Array(Movement),
    sourceLotIds: Type.Array(Uuid),
    admission: Type.Boolean({ description: 'The lot was received by an ADMISSION or DOMESTIC_ADMISSION: the trail ends here' }),
  },
  { title: 'TraceNode' },
);

export const Trace = Type.Object(
  {
    lotId: Uuid,
    complete: Type.Boolean({ description: 'Every branch ends at a visible admission lot within the depth bound' }),
    maxDepth: Type.Integer(),
    nodes: Type.Array(TraceNode),
  },
  { title: 'Trace' },
);

export const StockLine = Type.Object(
  {
    kind: StringEnum(LOT_KINDS),
    itemId: Nullable(Uuid),
    partNumber: Nullable(Type.String()),
    hsCode: Type.String(),
    description: Type.String(),
    customsStatus: StringEnum(CUSTOMS_STATUS_VALUES),
    unit: Type.String(),
    currency: Type.String(),
    lots: Type.Integer({ description: 'Lots holding these goods' }),
    quantity: Type.String(),
    reserved: Nullable(Type.String()),
    available: Nullable(Type.String()),
    value: Type.String(),
  },
  { title: 'StockLine' },
);

export const Stock = Type.Object(
  {
    bookId: Uuid,
    asOf: Nullable(IsoDate),
    items: Type.Array(StockLine, { description: 'Reserved and available are given for the current stock only' }),
  },
  { title: 'Stock' },
);

export const StockQuery = Type.Object(
  {
    asOf: Type.Optional(Type.String({ format: 'date', description: 'Stock at the end of this day (UTC), from the movements' })),
    itemId: Type.Optional(Uuid),
    status: Type.Optional(StringEnum(CUSTOMS_STATUS_VALUES)),
    hsCode: Type.Optional(Type.String({ pattern: '^[0-9]{2,6}$', description: 'HS code or prefix' })),
  },
  { additionalProperties: false },
);
export type StockQuery = Static<typeof StockQuery>;

export const LotsQuery = Type.Object(
  {
    ...PageQuery,
    itemId: Type.Optional(Uuid),
    status: Type.Optional(StringEnum(CUSTOMS_STATUS_VALUES)),
    open: Type.Optional(Type.Boolean({ description: 'true: lots with a balance; false: emptied lots' })),
  },
  { additionalProperties: false },
);
export type LotsQuery = Static<typeof LotsQuery>;

export const MovementsQuery = Type.Object(
  {
    ...PageQuery,
    from: Type.Optional(Type.String({ format: 'date-time', description: 'At or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Before' })),
  },
  { additionalProperties: false },
);
export type MovementsQuery = Static<typeof MovementsQuery>;

export const ExportQuery = Type.Object({ what: StringEnum(EXPORTS) }, { additionalProperties: false });

export const AdjustmentInput = Type.Object(
  {
    lotId: Uuid,
    quantity: SignedDecimal,
    reason: Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S' }),
  },
  { additionalProperties: false },
);
export type AdjustmentInput = Static<typeof AdjustmentInput>;

export const AdjustmentResult = Type.Object({ lot: Lot, movement: Movement }, { title: 'AdjustmentResult' });
