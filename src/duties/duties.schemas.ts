// Request and reply schemas of the duties API: tariff, exchange rates, duty settings, bills and
// payments. One TypeBox schema each gives validation, the TypeScript type and the OpenAPI entry.
import { Type, type Static, type TSchema } from 'typebox';
import { Decimal, IsoDate, IsoDateTime, StringEnum, Uuid } from '../platform/http/schemas.ts';

const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' });
const UnitCode = Type.String({ pattern: '^[A-Z0-9]{2,3}$', description: 'UN/ECE Recommendation 20 unit code, e.g. LTR' });
/** A share of a value between 0 and 1 ("0.085" is 8.5%), up to 6 decimals. */
export const Share = Type.String({ pattern: '^(0(\\.[0-9]{1,6})?|1(\\.0{1,6})?)$', description: 'Share between 0 and 1, e.g. "0.085" for 8.5%' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

// --- tariff ------------------------------------------------------------------------------------------

export const TariffCodeParams = Type.Object({
  code: Type.String({ pattern: '^[0-9]{6}([0-9]{2}){0,2}$', description: 'HS subheading (6 digits) or national tariff line (8 or 10 digits)' }),
});

export const TariffRate = Type.Object({
  text: Type.String({ description: 'The General rate as the schedule writes it' }),
  computable: Type.Boolean({ description: 'Whether Cordon computes duty from it' }),
  reason: Nullable(Type.String({ description: 'Why it is not computable' })),
  components: Type.Array(
    Type.Object({
      kind: StringEnum(['AD_VALOREM', 'SPECIFIC'] as const),
      text: Type.String(),
      percent: Type.Optional(Type.String()),
      amount: Type.Optional(Type.String({ description: 'Per unit, in the schedule currency' })),
      chargedOn: Type.Optional(Type.String({ description: 'What a specific rate is charged on' })),
    }),
  ),
});

export const TariffLineView = Type.Object({
  code: Type.String(),
  hsCode: Type.String(),
  /** The line whose rate applies: the line itself, or the 8-digit line above a statistical line. */
  rateLine: Type.String(),
  description: Type.String(),
  context: Type.Array(Type.String(), { description: 'Headings and grouping texts above the line, outermost first' }),
  units: Type.Array(Type.String()),
  rate: Nullable(TariffRate),
});

export const TariffLookup = Type.Object({
  code: Type.String(),
  currency: Type.String({ description: 'Currency of the specific rates' }),
  lines: Type.Array(TariffLineView, { description: 'The line named, or the national lines under a 6-digit subheading' }),
});

export const TariffSchedule = Type.Object({
  source: Type.String(),
  currency: Type.String(),
  sha256: Type.String(),
  lineCount: Type.Integer(),
  loadedAt: IsoDateTime,
  loadedBy: Nullable(Uuid),
});
export type TariffSchedule = Static<typeof TariffSchedule>;

export const TariffUploadQuery = Type.Object({
  currency: Type.Optional(CurrencyCode),
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

// --- exchange rates ------------------------------------------------------------------------------

export const ExchangeRate = Type.Object(
  {
    currency: CurrencyCode,
    validFrom: IsoDate,
    rateToNational: Type.String({
      pattern: '^(0|[1-9][0-9]{0,13})(\\.[0-9]{1,10})?$',
      description: 'Units of the administration currency for one unit of `currency`',
      examples: ['1.0842'],
    }),
  },
  { additionalProperties: false },
);
export type ExchangeRate = Static<typeof ExchangeRate>;

export const ExchangeRatesInput = Type.Object(
  { rates: Type.Array(ExchangeRate, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export type ExchangeRatesInput = Static<typeof ExchangeRatesInput>;

export const ExchangeRateQuery = Type.Object(
  {
    currency: Type.Optional(CurrencyCode),
    on: Type.Optional(Type.String({ format: 'date', description: 'Only the rate valid on this date, per currency' })),
  },
  { additionalProperties: false },
);
export type ExchangeRateQuery = Static<typeof ExchangeRateQuery>;

export const ExchangeRateList = Type.Object({
  nationalCurrency: Type.String(),
  items: Type.Array(ExchangeRate),
});

// --- duty settings -------------------------------------------------------------------------------

export const ExciseRate = Type.Object(
  {
    hsPrefix: Type.String({ pattern: '^[0-9]{2,10}$', description: 'Tariff code prefix (2 to 10 digits); the longest match applies' }),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    adValorem: Type.Optional(Share),
    specific: Type.Optional(
      Type.Object(
        { amount: Decimal, per: UnitCode },
        { additionalProperties: false, description: 'Amount in the administration currency per unit (KGM and TNE: of net mass)' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ExciseRate = Static<typeof ExciseRate>;

export const EXCISE_BASES = ['CUSTOMS_VALUE', 'DUTY_PAID_VALUE'] as const;

export const DutySettingsInput = Type.Object(
  {
    exciseBasis: StringEnum(EXCISE_BASES, { description: 'What an ad valorem excise is a share of: customs value, or customs value plus duty' }),
    excise: Type.Array(ExciseRate, { maxItems: 500 }),
  },
  { additionalProperties: false },
);
export type DutySettingsInput = Static<typeof DutySettingsInput>;

export const DutySettings = Type.Intersect([
  DutySettingsInput,
  Type.Object({ version: Type.Integer(), updatedAt: IsoDateTime }),
]);
export type DutySettings = Static<typeof DutySettings>;

// --- bills and payments --------------------------------------------------------------------------

export const BILL_STATUSES = ['UNPAID', 'PAID', 'GUARANTEED', 'CANCELLED'] as const;
export type BillStatus = (typeof BILL_STATUSES)[number];

export const Tax = Type.Object({
  amount: Type.String(),
  rate: Type.String({ description: 'The rate applied, as written' }),
  basis: Type.String({ description: 'What the rate is applied to' }),
  formula: Type.String({ description: 'The computation in words' }),
});

export const BillLine = Type.Object({
  lineNo: Type.Integer(),
  hsCode: Type.String(),
  tariffCode: Type.String({ description: 'The national tariff line whose rate applies' }),
  customsValue: Type.Object({
    declared: Type.String(),
    declaredCurrency: Type.String(),
    amount: Type.String({ description: 'In the bill currency' }),
    formula: Type.String(),
  }),
  duty: Tax,
  excise: Tax,
  vat: Tax,
  total: Type.String(),
});

export const Bill = Type.Object({
  id: Uuid,
  number: Type.String(),
  declarationId: Uuid,
  enterpriseId: Uuid,
  zoneId: Uuid,
  status: StringEnum(BILL_STATUSES),
  currency: Type.String(),
  duty: Type.String(),
  excise: Type.String(),
  vat: Type.String(),
  total: Type.String(),
  assessmentDate: IsoDate,
  paymentReference: Type.String({ description: 'ISO 11649 RF creditor reference, electronic format' }),
  qrPayload: Type.String({ description: 'CORDON-PAY|1|number|RF reference|currency|amount|administration; see src/duties/PAYMENTS.md' }),
  createdAt: IsoDateTime,
  paidAt: Nullable(IsoDateTime),
  guaranteeReference: Nullable(Type.String()),
  guaranteedAt: Nullable(IsoDateTime),
  cancelledAt: Nullable(IsoDateTime),
  supplements: Type.Union([Uuid, Type.Null()], {
    description: 'A supplementary bill: the bill whose duties inspection corrections raised; its amounts are the difference, its lines the corrected assessment',
  }),
});

export const BillDetail = Type.Intersect([
  Bill,
  Type.Object({
    lines: Type.Array(BillLine),
    assessment: Type.Object({
      vatRate: Type.String(),
      tariff: Type.String({ description: 'The tariff schedule the duty was computed from' }),
      exciseBasis: StringEnum(EXCISE_BASES),
      exchangeRates: Type.Array(ExchangeRate),
    }),
  }),
]);

export const BillQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    declarationId: Type.Optional(Uuid),
    status: Type.Optional(StringEnum(BILL_STATUSES)),
  },
  { additionalProperties: false },
);
export type BillQuery = Static<typeof BillQuery>;

export const GuaranteeInput = Type.Object(
  { guaranteeReference: Type.String({ minLength: 1, maxLength: 100, description: 'Reference of the guarantee (bond, bank guarantee) covering the duties' }) },
  { additionalProperties: false },
);

export const PaymentConfirmation = Type.Object(
  {
    paymentReference: Type.String({ minLength: 5, maxLength: 40, description: 'RF creditor reference of the bill, with or without spaces' }),
    amount: Decimal,
    currency: CurrencyCode,
    bankReference: Type.String({ minLength: 1, maxLength: 100, description: "The bank's own reference of the payment; confirmations are idempotent on it" }),
    paidAt: IsoDateTime,
  },
  { additionalProperties: false },
);
export type PaymentConfirmation = Static<typeof PaymentConfirmation>;

export const PaymentReceipt = Type.Object({
  bankReference: Type.String(),
  paymentReference: Type.String(),
  billNumber: Type.String(),
  billStatus: StringEnum(BILL_STATUSES),
  amount: Type.String(),
  currency: Type.String(),
  paidAt: IsoDateTime,
  receivedAt: IsoDateTime,
});
export type PaymentReceipt = Static<typeof PaymentReceipt>;
