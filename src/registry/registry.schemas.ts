// The registry's shapes, written once: each TypeBox schema is the route validator, the TypeScript
// type other modules use (`Zone`, `Enterprise`, ...) and the OpenAPI entry.
import { Type, type Static, type TSchema } from 'typebox';
import { IsoDate, IsoDateTime, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { AEO_STATUSES, SelectivitySettings } from '../declarations/selectivity.schema.ts';
import { Perimeter, PerimeterInput } from './geojson.ts';

export { Perimeter, PerimeterInput } from './geojson.ts';

export const HS_EDITIONS = ['HS2022', 'HS2017'] as const;
export const STATUS_MODELS = ['STANDARD', 'US_FTZ'] as const;
export const ZONE_TYPES = [
  'FREE_ZONE',
  'FREE_TRADE_PORT',
  'FOREIGN_TRADE_ZONE',
  'BONDED_LOGISTICS_CENTRE',
  'EXPORT_PROCESSING_ZONE',
  'SPECIAL_ECONOMIC_ZONE',
] as const;
export const GATE_KINDS = ['ROAD', 'RAIL', 'PEDESTRIAN', 'QUAY', 'AIR'] as const;
export const GATE_DIRECTIONS = ['IN', 'OUT', 'BOTH'] as const;
export const ENTERPRISE_ROLES = ['OPERATOR', 'WAREHOUSE', 'MANUFACTURER', 'TRADER', 'BROKER', 'CARRIER', 'LOGISTICS'] as const;
export const BOOK_KINDS = ['STORAGE', 'PROCESSING'] as const;
export const ENTITY_TYPES = ['administration', 'zone', 'gate', 'enterprise', 'book', 'item'] as const;
export const HISTORY_ACTIONS = ['CREATED', 'UPDATED'] as const;

export type ZoneType = (typeof ZONE_TYPES)[number];
export type EnterpriseRole = (typeof ENTERPRISE_ROLES)[number];
export type BookKind = (typeof BOOK_KINDS)[number];
export type EntityType = (typeof ENTITY_TYPES)[number];
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' });
const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' });
const Locode = Type.String({ pattern: '^[A-Z]{2}[A-Z2-9]{3}$', description: 'UN/LOCODE, e.g. USNYC' });
const Code = (maxLength: number, description: string) =>
  Type.String({ pattern: `^[A-Z0-9][A-Z0-9_-]{0,${maxLength - 1}}$`, description });
const ZoneCode = Code(16, 'Short upper-case identifier, e.g. FTZ49');
const GateCode = Code(16, 'Upper-case identifier, unique in its zone, e.g. G1');
const BookCode = Code(32, 'Upper-case identifier, unique for the enterprise, e.g. MAIN');
const Identifier = Type.String({
  pattern: '^[A-Z0-9][A-Z0-9./-]{1,49}$',
  description: 'Tax or trader identifier (e.g. EORI), upper-case letters, digits, ".", "/", "-"',
});
const PartNumber = Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S(.*\\S)?$', description: 'The enterprise part number (SKU)' });
const HsCode = Type.String({ pattern: '^[0-9]{6}$', description: 'HS subheading, 6 digits' });
const UnitCode = Type.String({ pattern: '^[A-Z0-9]{2,3}$', description: 'UN/ECE Recommendation 20 unit code, e.g. KGM' });
const Version = Type.Integer({ minimum: 1 });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const UuidOf = (description: string) => Type.String({ format: 'uuid', description });

/** A share between 0 and 1 with up to 4 decimals, e.g. "0.05" for 5 %. */
export const VatRate = Type.String({
  pattern: '^(0(\\.[0-9]{1,4})?|1(\\.0{1,4})?)$',
  description: 'Rate between 0 and 1 as a decimal string, e.g. "0.05"',
});

// --- administration --------------------------------------------------------------------------

const administrationFields = {
  name: Name,
  country: CountryCode,
  currency: CurrencyCode,
  hsEdition: StringEnum(HS_EDITIONS),
  vatRate: VatRate,
  statusModel: StringEnum(STATUS_MODELS, { description: 'US_FTZ uses the US foreign-trade-zone statuses' }),
  selectivity: SelectivitySettings,
};

export const Administration = Type.Object({ ...administrationFields, version: Version, updatedAt: IsoDateTime });

/** The settings as a caller sees them: the selectivity rules only for those who may read targeting. */
export const AdministrationView = Type.Object({
  ...administrationFields,
  selectivity: Type.Optional(SelectivitySettings),
  version: Version,
  updatedAt: IsoDateTime,
});
export type AdministrationView = Static<typeof AdministrationView>;
export type Administration = Static<typeof Administration>;

export const AdministrationInput = Type.Object(administrationFields, { additionalProperties: false });
export type AdministrationInput = Static<typeof AdministrationInput>;

// --- zones and gates ---------------------------------------------------------------------------

export const Gate = Type.Object({
  id: Uuid,
  zoneId: Uuid,
  code: Type.String(),
  name: Type.String(),
  kind: StringEnum(GATE_KINDS),
  direction: StringEnum(GATE_DIRECTIONS),
  latitude: Type.Number(),
  longitude: Type.Number(),
  active: Type.Boolean(),
  version: Version,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Gate = Static<typeof Gate>;

const gateInputFields = {
  code: GateCode,
  name: Name,
  kind: StringEnum(GATE_KINDS),
  direction: StringEnum(GATE_DIRECTIONS),
  latitude: Type.Number({ minimum: -90, maximum: 90 }),
  longitude: Type.Number({ minimum: -180, maximum: 180 }),
};

export const GateInput = Type.Object(
  { ...gateInputFields, active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type GateInput = Static<typeof GateInput>;

export const GatePatch = Type.Partial(Type.Object({ ...gateInputFields, active: Type.Boolean() }), {
  additionalProperties: false,
  minProperties: 1,
});
export type GatePatch = Static<typeof GatePatch>;

const zoneRecordFields = {
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  locode: Type.String(),
  zoneType: StringEnum(ZONE_TYPES),
  territorialPattern: Type.Integer({ minimum: 1, maximum: 4 }),
  perimeter: Perimeter,
  active: Type.Boolean(),
  version: Version,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
};

/** A zone without its gates: what the zone's history records. */
export const ZoneRecord = Type.Object(zoneRecordFields);
export type ZoneRecord = Static<typeof ZoneRecord>;

export const Zone = Type.Object({ ...zoneRecordFields, gates: Type.Array(Gate) });
export type Zone = Static<typeof Zone>;

const zoneInputFields = {
  code: ZoneCode,
  name: Name,
  locode: Locode,
  zoneType: StringEnum(ZONE_TYPES),
  territorialPattern: Type.Integer({
    minimum: 1,
    maximum: 4,
    description: 'WCO territorial pattern: 1 whole territory, 2 separate area, 3 area within a port, 4 single-enterprise site',
  }),
  perimeter: PerimeterInput,
};

export const ZoneInput = Type.Object(
  { ...zoneInputFields, active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type ZoneInput = Static<typeof ZoneInput>;

export const ZonePatch = Type.Partial(Type.Object({ ...zoneInputFields, active: Type.Boolean() }), {
  additionalProperties: false,
  minProperties: 1,
});
export type ZonePatch = Static<typeof ZonePatch>;

// --- enterprises -------------------------------------------------------------------------------

export const Enterprise = Type.Object({
  id: Uuid,
  identifier: Type.String(),
  name: Type.String(),
  country: Type.String(),
  roles: Type.Array(StringEnum(ENTERPRISE_ROLES)),
  zoneIds: Type.Array(Uuid),
  licenceNumber: Nullable(Type.String()),
  licenceValidFrom: Nullable(IsoDate),
  licenceValidTo: Nullable(IsoDate),
  aeoStatus: StringEnum(AEO_STATUSES),
  active: Type.Boolean(),
  version: Version,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Enterprise = Static<typeof Enterprise>;

const enterpriseInputFields = {
  identifier: Identifier,
  name: Name,
  country: CountryCode,
  roles: Type.Array(StringEnum(ENTERPRISE_ROLES), { minItems: 1, maxItems: ENTERPRISE_ROLES.length, uniqueItems: true }),
  zoneIds: Type.Array(Uuid, { maxItems: 100, uniqueItems: true, description: 'Zones the enterprise is registered in' }),
  licenceNumber: Nullable(Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' })),
  licenceValidFrom: Nullable(IsoDate),
  licenceValidTo: Nullable(IsoDate),
  aeoStatus: StringEnum(AEO_STATUSES, { description: 'Authorised Economic Operator status' }),
  active: Type.Boolean(),
};

export const EnterpriseInput = Type.Object(
  {
    identifier: enterpriseInputFields.identifier,
    name: enterpriseInputFields.name,
    country: enterpriseInputFields.country,
    roles: enterpriseInputFields.roles,
    zoneIds: Type.Optional(enterpriseInputFields.zoneIds),
    licenceNumber: Type.Optional(enterpriseInputFields.licenceNumber),
    licenceValidFrom: Type.Optional(enterpriseInputFields.licenceValidFrom),
    licenceValidTo: Type.Optional(enterpriseInputFields.licenceValidTo),
    aeoStatus: Type.Optional(enterpriseInputFields.aeoStatus),
    active: Type.Optional(enterpriseInputFields.active),
  },
  { additionalProperties: false },
);
export type EnterpriseInput = Static<typeof EnterpriseInput>;

export const EnterprisePatch = Type.Partial(Type.Object(enterpriseInputFields), { additionalProperties: false, minProperties: 1 });
export type EnterprisePatch = Static<typeof EnterprisePatch>;

// --- books -------------------------------------------------------------------------------------

export const Book = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  zoneId: Uuid,
  code: Type.String(),
  kind: StringEnum(BOOK_KINDS),
  name: Type.String(),
  openedOn: IsoDate,
  active: Type.Boolean(),
  version: Version,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Book = Static<typeof Book>;

export const BookInput = Type.Object(
  {
    enterpriseId: Uuid,
    zoneId: UuidOf('A zone the enterprise is registered in'),
    code: BookCode,
    kind: StringEnum(BOOK_KINDS, { description: 'STORAGE keeps goods as they are; PROCESSING also records inputs turned into outputs' }),
    name: Name,
    openedOn: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
export type BookInput = Static<typeof BookInput>;

/** The enterprise, zone and kind of a book are fixed: its movements depend on them. */
export const BookPatch = Type.Partial(Type.Object({ code: BookCode, name: Name, active: Type.Boolean() }), {
  additionalProperties: false,
  minProperties: 1,
});
export type BookPatch = Static<typeof BookPatch>;

// --- items -------------------------------------------------------------------------------------

export const Item = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  partNumber: Type.String(),
  hsCode: Type.String(),
  description: Type.String(),
  unit: Type.String(),
  active: Type.Boolean(),
  version: Version,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Item = Static<typeof Item>;

const itemInputFields = {
  partNumber: PartNumber,
  hsCode: HsCode,
  description: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }),
  unit: UnitCode,
};

export const ItemInput = Type.Object(
  {
    enterpriseId: Type.Optional(UuidOf("Defaults to the enterprise user's own enterprise")),
    ...itemInputFields,
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ItemInput = Static<typeof ItemInput>;

export const ItemPatch = Type.Partial(Type.Object({ ...itemInputFields, active: Type.Boolean() }), {
  additionalProperties: false,
  minProperties: 1,
});
export type ItemPatch = Static<typeof ItemPatch>;

// --- history -----------------------------------------------------------------------------------

export const HistoryEntry = Type.Object({
  version: Version,
  action: StringEnum(HISTORY_ACTIONS),
  changedBy: Nullable(Type.Object({ id: Uuid, name: Nullable(Type.String()) })),
  changedAt: IsoDateTime,
  data: Type.Unknown({ description: 'The record as it became, as the API presents it' }),
});
export type HistoryEntry = Static<typeof HistoryEntry>;
