// What every verifiable document Cordon issues has in common: the W3C Verifiable Credentials 2.0
// envelope (context, id, type, issuer, validity, schema, status), the parts of a subject several
// kinds share, the declaration facts a document is built from, and what one kind of document must
// provide. A new kind is one more CredentialKind (its subject schema and builder) in credential-kinds.ts.
import { Type, type TSchema } from 'typebox';
import type { FieldErrors } from '../platform/errors.ts';

export const CREDENTIALS_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const STATUS_PURPOSES = ['revocation', 'suspension'] as const;

// --- subject parts ---------------------------------------------------------------------------------

export const COUNTRY_PATTERN = '^[A-Z]{2}$';
export const CountryCode = Type.String({ pattern: COUNTRY_PATTERN, description: 'ISO 3166-1 alpha-2 country code' });
export const HsCode = Type.String({ pattern: '^[0-9]{6}$', description: 'Harmonized System subheading (6 digits)' });
export const Quantity = Type.String({
  pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,6})?$',
  description: 'A decimal number written as a string, never a float',
});
export const UnitCode = Type.String({ pattern: '^[A-Z0-9]{2,3}$', description: 'UN/ECE Recommendation 20 unit code' });

export const DeclarationRef = Type.Object(
  {
    reference: Type.String({ minLength: 1, maxLength: 40, description: "The declaration's reference at the administration" }),
    declarationType: Type.String({ pattern: '^[A-Z_]{3,30}$', description: 'EXPORT, ADMISSION, ...' }),
  },
  { additionalProperties: false },
);

export const ZoneRef = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 20 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    locode: Type.Optional(Type.String({ pattern: '^[A-Z]{2}[A-Z2-9]{3}$', description: 'UN/LOCODE of the zone' })),
  },
  { additionalProperties: false, description: 'The free zone the goods are declared in' },
);

export const Party = Type.Object(
  {
    id: Type.String({ pattern: '^urn:uuid:[0-9a-f-]{36}$', description: "The enterprise's id in the administration's registry" }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    identifier: Type.String({ minLength: 1, maxLength: 100, description: 'Registration or tax number' }),
    country: CountryCode,
  },
  { additionalProperties: false },
);

// --- the envelope ----------------------------------------------------------------------------------

const StatusEntry = Type.Object(
  {
    id: Type.String({ format: 'uri' }),
    type: Type.Literal('BitstringStatusListEntry'),
    statusPurpose: Type.Union(STATUS_PURPOSES.map((purpose) => Type.Literal(purpose))),
    statusListIndex: Type.String({ pattern: '^(0|[1-9][0-9]*)$', description: 'The position in the list, a base-10 integer as a string' }),
    statusListCredential: Type.String({ format: 'uri', description: 'Where the BitstringStatusListCredential is published' }),
  },
  { additionalProperties: false },
);

/** The whole credential of one kind, as its published JSON Schema describes it. */
export function credentialDocumentSchema(type: string, subject: TSchema): TSchema {
  return Type.Object({
    '@context': Type.Unsafe<string[]>({
      type: 'array',
      minItems: 1,
      prefixItems: [{ const: CREDENTIALS_V2_CONTEXT }],
      items: { type: 'string' },
      description: 'The VC 2.0 context first',
    }),
    id: Type.String({ pattern: '^urn:uuid:[0-9a-f-]{36}$' }),
    type: Type.Unsafe<string[]>({
      type: 'array',
      items: { type: 'string' },
      allOf: [{ contains: { const: 'VerifiableCredential' } }, { contains: { const: type } }],
    }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    issuer: Type.String({ pattern: '^did:[a-z0-9]+:.+$', description: "The issuing administration's DID" }),
    validFrom: Type.String({ format: 'date-time' }),
    validUntil: Type.Optional(Type.String({ format: 'date-time' })),
    credentialSubject: subject,
    credentialSchema: Type.Object({ id: Type.String({ format: 'uri' }), type: Type.Literal('JsonSchema') }),
    credentialStatus: StatusEntry,
  });
}

// --- what a document is built from -----------------------------------------------------------------

/** A declaration as a document needs it, with its enterprise and zone. */
export interface DeclarationFacts {
  id: string;
  reference: string;
  type: string;
  state: string;
  enterprise: { id: string; name: string; identifier: string; country: string };
  zone: { id: string; code: string; name: string; locode: string | null };
  destinationCountry: string | null;
  transport: { mode: string; vehiclePlate?: string | undefined; containers?: string[] | undefined };
  lines: Array<{ lineNo: number; hsCode: string; description: string; originCountry: string; quantity: string; unit: string }>;
  /** When the goods were released: the last transition into RELEASED; null before. */
  releasedAt: string | null;
}

/** Why a declaration cannot carry a document: of the wrong kind (never), or not yet. */
export interface Refusal {
  reason: 'type' | 'state';
  message: string;
}

export interface CredentialKind<Input> {
  /** The credential type, also the last segment of its schema's address. */
  type: string;
  title: string;
  description: string;
  /** The JSON Schema of `credentialSubject`. */
  subject: TSchema;
  refusal(declaration: DeclarationFacts): Refusal | null;
  /** Adds a field error for each thing wrong in `input` for this declaration. */
  check(declaration: DeclarationFacts, input: Input, errors: FieldErrors, reference: { isCountry(code: string): boolean }): void;
  buildSubject(declaration: DeclarationFacts, input: Input): Record<string, unknown>;
  /** The credential's `name`, for people. */
  name(declaration: DeclarationFacts, input: Input): string;
}

export const STATES_WITH_RELEASED_GOODS: readonly string[] = ['RELEASED', 'COMPLETED'];

/** "100.000000" → "100": quantities as people write them, still exact. */
export function plainDecimal(value: string): string {
  if (!/^\d+(\.\d+)?$/.test(value)) return value;
  const [whole = '0', fraction = ''] = value.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed ? `${whole}.${trimmed}` : whole;
}

export const partyOf = (enterprise: DeclarationFacts['enterprise']) => ({
  id: `urn:uuid:${enterprise.id}`,
  name: enterprise.name,
  identifier: enterprise.identifier,
  country: enterprise.country,
});

export const zoneOf = (zone: DeclarationFacts['zone']) => ({
  code: zone.code,
  name: zone.name,
  ...(zone.locode && /^[A-Z]{2}[A-Z2-9]{3}$/.test(zone.locode) ? { locode: zone.locode } : {}),
});
