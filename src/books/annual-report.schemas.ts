// Request and reply schemas of the annual reconciliation report of a book.
import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { described } from './bom.schemas.ts';

export const AnnualReportQuery = Type.Object(
  {
    year: Type.Integer({ minimum: 2000, maximum: 2100, description: 'Calendar year (UTC)' }),
    format: Type.Optional(StringEnum(['json', 'csv'] as const, { description: 'csv: one row per lot, then the totals' })),
  },
  { additionalProperties: false },
);
export type AnnualReportQuery = Static<typeof AnnualReportQuery>;

const Amount = Type.Object({ quantity: Type.String(), value: Type.String() });

const Balances = {
  opening: Amount,
  receipts: described(Amount, 'RECEIPT, TRANSFER_IN and PRODUCTION movements of the year'),
  removals: described(Amount, 'REMOVAL, TRANSFER_OUT and CONSUMPTION movements of the year, as positive amounts'),
  adjustments: described(Amount, 'ADJUSTMENT movements of the year, with their sign'),
  closing: Amount,
};

export const AnnualLot = Type.Object({
  lotId: Uuid,
  lotNumber: Type.String(),
  kind: Type.String(),
  itemId: Type.Union([Uuid, Type.Null()]),
  partNumber: Type.Union([Type.String(), Type.Null()]),
  hsCode: Type.String(),
  description: Type.String(),
  customsStatus: Type.String(),
  originCountry: Type.String(),
  unit: Type.String(),
  currency: Type.String(),
  receiptDate: IsoDate,
  ...Balances,
  balanced: Type.Boolean({ description: 'opening + receipts − removals + adjustments = closing, in quantity and value' }),
});

export const AnnualReport = Type.Object({
  bookId: Uuid,
  year: Type.Integer(),
  from: IsoDate,
  to: IsoDate,
  generatedAt: IsoDateTime,
  lots: Type.Array(AnnualLot),
  totals: Type.Array(
    Type.Object({ unit: Type.String(), currency: Type.String(), lotCount: Type.Integer(), ...Balances }),
    { description: 'Sums over the lots, per unit and currency' },
  ),
});
export type AnnualReport = Static<typeof AnnualReport>;
