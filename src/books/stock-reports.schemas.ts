// Request and reply schemas of ERP/WMS stock reports.
import { Type, type Static } from 'typebox';
import { Decimal, IsoDate, IsoDateTime, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { described } from './bom.schemas.ts';
import { CUSTOMS_STATUSES } from './reconciliation.rules.ts';
import { ReconciliationDetail } from './reconciliation.schemas.ts';

/** Lines one report may hold: a large warehouse's full stock, and still one transaction. */
export const MAX_REPORT_LINES = 10_000;
/** Bytes one upload may take: MAX_REPORT_LINES lines of JSON with room to spare. */
export const MAX_REPORT_BYTES = 4 * 1024 * 1024;

export const StockReportLine = Type.Object(
  {
    partNumber: Type.String({ minLength: 1, maxLength: 100 }),
    hsCode: Type.Optional(
      Type.String({ pattern: '^[0-9]{6}$', description: "HS subheading; default the catalogue item's, or the book's for this part number" }),
    ),
    customsStatus: Type.Optional(
      StringEnum(CUSTOMS_STATUSES, { description: 'Default: the status the book holds this part number in, when it is one' }),
    ),
    quantity: Decimal,
    unit: Type.String({ pattern: '^[A-Z0-9]{2,3}$', description: 'UN/ECE Recommendation 20 unit code' }),
    value: Type.Optional(described(Decimal, "Value the ERP gives the line, in the administration's currency")),
  },
  { additionalProperties: false },
);
export type StockReportLine = Static<typeof StockReportLine>;

const Source = Type.String({ minLength: 1, maxLength: 100, description: 'The system the stock comes from, e.g. SAP EWM' });

export const StockReportBody = Type.Object(
  {
    asOf: described(IsoDate, 'The day whose closing stock the report gives'),
    source: Type.Optional(Source),
    lines: Type.Array(StockReportLine, { maxItems: MAX_REPORT_LINES }),
  },
  { additionalProperties: false },
);
export type StockReportBody = Static<typeof StockReportBody>;

export const CSV_COLUMNS = ['partNumber', 'hsCode', 'customsStatus', 'quantity', 'unit', 'value'] as const;

export const StockReportCsv = Type.String({
  description:
    `CSV with a header row naming the columns ${CSV_COLUMNS.join(',')} (partNumber, quantity and unit required; any order). ` +
    'Errors name the row by its line in the file: /rows/2/quantity is the first line after the header.',
  examples: ['partNumber,hsCode,customsStatus,quantity,unit,value\nP-100,851713,FOREIGN,95,H87,23750.00\n'],
});

export const UploadQuery = Type.Object(
  {
    asOf: Type.Optional(described(IsoDate, 'Required with a CSV body: the day whose closing stock the report gives')),
    source: Type.Optional(Source),
  },
  { additionalProperties: false },
);
export type UploadQuery = Static<typeof UploadQuery>;

export const StockReportSummary = Type.Object({
  id: Uuid,
  bookId: Uuid,
  enterpriseId: Uuid,
  zoneId: Uuid,
  asOf: IsoDate,
  source: Type.Union([Type.String(), Type.Null()]),
  format: StringEnum(['JSON', 'CSV'] as const),
  lineCount: Type.Integer(),
  uploadedBy: Type.Union([Uuid, Type.Null()]),
  uploadedAt: IsoDateTime,
  latestReconciliationId: Type.Union([Uuid, Type.Null()]),
});

export const StockReportDetail = Type.Object({
  ...StockReportSummary.properties,
  lines: Type.Array(
    Type.Object({
      lineNo: Type.Integer(),
      partNumber: Type.String(),
      hsCode: Type.String(),
      customsStatus: Type.String(),
      quantity: Type.String(),
      unit: Type.String(),
      value: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const UploadReply = Type.Object({
  ...StockReportSummary.properties,
  reconciliation: ReconciliationDetail,
});

export const StockReportListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
