// Request and reply schemas of reconciliations and of the administration's reconciliation thresholds.
import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { FLAG_REASONS } from './reconciliation.rules.ts';

export const ReconciliationSettings = Type.Object({
  shareThreshold: Type.String({ description: 'Share of the book (or expected) quantity above which a difference is flagged; 0.01 = 1 %' }),
  valueThreshold: Type.String({ description: "Value above which a difference is flagged, in the administration's currency" }),
  currency: Type.String({ description: "The administration's currency" }),
  version: Type.Integer(),
  updatedBy: Type.Union([Uuid, Type.Null()]),
  updatedAt: IsoDateTime,
});
export type ReconciliationSettings = Static<typeof ReconciliationSettings>;

export const ReconciliationSettingsInput = Type.Object(
  {
    shareThreshold: Type.String({
      pattern: '^(0(\\.[0-9]{1,6})?|1(\\.0{1,6})?)$',
      description: 'Share between 0 and 1, up to 6 decimals; 0.01 = 1 %',
      examples: ['0.01'],
    }),
    valueThreshold: Type.String({
      pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,2})?$',
      description: "Amount in the administration's currency, up to 2 decimals",
      examples: ['1000.00'],
    }),
  },
  { additionalProperties: false },
);
export type ReconciliationSettingsInput = Static<typeof ReconciliationSettingsInput>;

export const Discrepancy = Type.Object({
  lineNo: Type.Integer(),
  kind: StringEnum(['SHORTAGE', 'OVERAGE'] as const, { description: 'SHORTAGE: the book holds more than reported; OVERAGE: less' }),
  itemId: Type.Union([Uuid, Type.Null()]),
  partNumber: Type.Union([Type.String(), Type.Null()]),
  hsCode: Type.String(),
  customsStatus: Type.String(),
  unit: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  bookQuantity: Type.String(),
  reportedQuantity: Type.String(),
  quantity: Type.String({ description: 'The absolute difference' }),
  share: Type.Union([Type.String(), Type.Null()], { description: 'quantity ÷ book quantity; null when the book holds none' }),
  unitValue: Type.Union([Type.String(), Type.Null()], { description: "Weighted average unit value of the book's lots of these goods" }),
  value: Type.Union([Type.String(), Type.Null()], { description: 'quantity × unit value' }),
  currency: Type.Union([Type.String(), Type.Null()]),
  flagged: Type.Boolean(),
  flagReasons: Type.Array(StringEnum(FLAG_REASONS)),
});

export const ReconciliationSummary = Type.Object({
  id: Uuid,
  stockReportId: Uuid,
  bookId: Uuid,
  enterpriseId: Uuid,
  zoneId: Uuid,
  asOf: IsoDate,
  shareThreshold: Type.String(),
  valueThreshold: Type.String(),
  currency: Type.String(),
  matchedCount: Type.Integer({ description: 'Goods on which book and report agree' }),
  shortageCount: Type.Integer(),
  overageCount: Type.Integer(),
  flaggedCount: Type.Integer(),
  shortageValue: Type.String({ description: "Total value of the shortages valued in the administration's currency" }),
  overageValue: Type.String({ description: "Total value of the overages valued in the administration's currency" }),
  createdBy: Type.Union([Uuid, Type.Null()]),
  createdAt: IsoDateTime,
});

export const ReconciliationDetail = Type.Object({
  ...ReconciliationSummary.properties,
  discrepancies: Type.Array(Discrepancy),
});

export const FormatQuery = Type.Object(
  { format: Type.Optional(StringEnum(['json', 'csv'] as const, { description: 'csv: the same as a spreadsheet' })) },
  { additionalProperties: false },
);

export const ReconciliationListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

/** A JSON reply, or the same as CSV when `?format=csv`. */
export const jsonOrCsv = <T extends object>(json: T) => ({
  content: { 'application/json': { schema: json }, 'text/csv': { schema: Type.String() } },
});
