// Request and reply schemas of bills of materials and of expected consumption.
import { Type, type Static, type TSchema } from 'typebox';
import { Decimal, IsoDate, IsoDateTime, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';

/** The schema with its own description (for OpenAPI). */
export const described = <T extends TSchema>(schema: T, description: string): T => ({ ...schema, description });

/** A share between 0 and 1 as a decimal string ("0.95"). */
const Share = Type.String({
  pattern: '^(0(\\.[0-9]{1,6})?|1(\\.0{1,6})?)$',
  description: 'Share between 0 and 1 as a decimal string, up to 6 decimals',
  examples: ['0.95'],
});

export const BomInputInput = Type.Object(
  {
    itemId: Uuid,
    quantityPerOutput: described(Decimal, 'Gross input per unit of output, in the input item’s unit, including waste and scrap'),
    wasteShare: Type.Optional(described(Share, 'Share of the input that ends as waste (default 0)')),
    scrapShare: Type.Optional(described(Share, 'Share of the input that ends as scrap (default 0)')),
    wasteItemId: Type.Optional(described(Uuid, 'Item the waste is booked as (same unit); default the input item')),
    scrapItemId: Type.Optional(described(Uuid, 'Item the scrap is booked as (same unit); default the input item')),
  },
  { additionalProperties: false },
);

export const BomInput = Type.Object(
  {
    outputItemId: Uuid,
    yield: described(Share, 'Share of production that comes out as good output: 0 < yield ≤ 1'),
    validFrom: IsoDate,
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    inputs: Type.Array(BomInputInput, { minItems: 1, maxItems: 200 }),
  },
  { additionalProperties: false },
);
export type BomInput = Static<typeof BomInput>;

const ItemSummary = Type.Object({ id: Uuid, partNumber: Type.String(), description: Type.String(), unit: Type.String() });

export const Bom = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  outputItem: ItemSummary,
  version: Type.Integer({ description: 'Versions count up per output item; earlier ones are kept' }),
  yield: Type.String(),
  validFrom: IsoDate,
  note: Type.Union([Type.String(), Type.Null()]),
  inputs: Type.Array(
    Type.Object({
      item: ItemSummary,
      quantityPerOutput: Type.String(),
      wasteShare: Type.String(),
      scrapShare: Type.String(),
      wasteItem: Type.Union([ItemSummary, Type.Null()]),
      scrapItem: Type.Union([ItemSummary, Type.Null()]),
    }),
  ),
  createdBy: Type.Union([Uuid, Type.Null()]),
  createdAt: IsoDateTime,
});
export type Bom = Static<typeof Bom>;

export const BomListQuery = Type.Object(
  { ...PageQuery, outputItemId: Type.Optional(Uuid), enterpriseId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export type BomListQuery = Static<typeof BomListQuery>;

const Comparison = {
  expected: Type.String(),
  declared: Type.String(),
  difference: Type.String({ description: 'declared − expected' }),
  differenceShare: Type.Union([Type.String(), Type.Null()], { description: 'difference ÷ expected; null when nothing was expected' }),
  flagged: Type.Boolean({ description: 'The difference share is above the reconciliation threshold, or nothing was expected' }),
};

export const ConsumptionRow = Type.Object({
  role: StringEnum(['INPUT', 'WASTE', 'SCRAP'] as const),
  itemId: Type.Union([Uuid, Type.Null()]),
  partNumber: Type.Union([Type.String(), Type.Null()]),
  description: Type.String(),
  unit: Type.String(),
  ...Comparison,
});

export const OutputUse = Type.Object({
  lineNo: Type.Integer(),
  itemId: Type.Union([Uuid, Type.Null()]),
  partNumber: Type.Union([Type.String(), Type.Null()]),
  quantity: Type.String(),
  unit: Type.String(),
  bom: Type.Union([
    Type.Object({ id: Uuid, version: Type.Integer(), validFrom: IsoDate, yieldShare: Type.String() }),
    Type.Null(),
  ], { description: 'The bill of materials in force on the declaration date; null when there is none' }),
});

export const DeclarationConsumption = Type.Object({
  declarationId: Uuid,
  reference: Type.String(),
  state: Type.String(),
  bookId: Type.Union([Uuid, Type.Null()]),
  date: IsoDate,
  shareThreshold: Type.String(),
  outputs: Type.Array(OutputUse),
  lines: Type.Array(ConsumptionRow),
  flaggedCount: Type.Integer(),
});

export const BookConsumptionQuery = Type.Object(
  {
    from: Type.Optional(described(IsoDate, 'Declarations submitted on or after this date')),
    to: Type.Optional(described(IsoDate, 'Declarations submitted on or before this date')),
  },
  { additionalProperties: false },
);
export type BookConsumptionQuery = Static<typeof BookConsumptionQuery>;

export const BookConsumption = Type.Object({
  bookId: Uuid,
  from: Type.Union([IsoDate, Type.Null()]),
  to: Type.Union([IsoDate, Type.Null()]),
  shareThreshold: Type.String(),
  declarations: Type.Array(
    Type.Object({
      id: Uuid,
      reference: Type.String(),
      state: Type.String(),
      date: IsoDate,
      outputsWithoutBom: Type.Integer(),
      flaggedCount: Type.Integer(),
    }),
  ),
  lines: Type.Array(ConsumptionRow, { description: 'Expected against declared over all the declarations, by role and item' }),
  flaggedCount: Type.Integer(),
});
