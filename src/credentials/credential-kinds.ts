// The kinds of document Cordon issues, each with the JSON Schema (draft 2020-12) of its whole
// credential: published for anyone at /api/v1/public/credential-schemas/{type}, and checked with
// ajv when a document is issued and again whenever one is verified. A new kind of document is one
// CredentialKind (its subject schema and builder) added to CREDENTIAL_KINDS.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from 'typebox';
import { certificateOfOrigin, type CertificateOfOriginInput } from './certificate-of-origin.ts';
import { credentialDocumentSchema, JSON_SCHEMA_DIALECT, type CredentialKind } from './credential.model.ts';
import { releaseNote } from './release-note.ts';
import { tripCustodyRecord, type TripCustodyFacts } from './trip-custody-record.ts';

export const CREDENTIAL_TYPES = ['CertificateOfOrigin', 'ReleaseNote', 'TripCustodyRecord'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

export interface CredentialInputs {
  CertificateOfOrigin: CertificateOfOriginInput;
  ReleaseNote: Record<string, never>;
  TripCustodyRecord: TripCustodyFacts;
}

export const CREDENTIAL_KINDS: { [T in CredentialType]: CredentialKind<CredentialInputs[T]> } = {
  CertificateOfOrigin: certificateOfOrigin,
  ReleaseNote: releaseNote,
  TripCustodyRecord: tripCustodyRecord,
};

export function isCredentialType(value: unknown): value is CredentialType {
  return typeof value === 'string' && (CREDENTIAL_TYPES as readonly string[]).includes(value);
}

export const SCHEMA_PATH = '/api/v1/public/credential-schemas';

/** The address of a kind's schema on the server that `publicUrl` names. */
export function schemaUrl(publicUrl: string, type: CredentialType): string {
  return `${publicUrl}${SCHEMA_PATH}/${type}`;
}

/**
 * The kind whose bundled schema a `credentialSchema.id` names: any Cordon's schema address (its
 * path), for a credential that says it is of that type. Another issuer's schema is not known here.
 */
export function bundledSchemaType(schemaId: string, credentialTypes: readonly string[]): CredentialType | null {
  const match = /\/api\/v1\/public\/credential-schemas\/([A-Za-z]+)$/.exec(schemaId);
  const type = match?.[1];
  return isCredentialType(type) && credentialTypes.includes(type) ? type : null;
}

const documentSchemas = new Map<CredentialType, TSchema>(CREDENTIAL_TYPES.map((type) => [type, credentialDocumentSchema(type, CREDENTIAL_KINDS[type].subject)]));

/** The schema as published: plain JSON with its dialect, address, title and description. */
export function publishedSchema(type: CredentialType, id: string): Record<string, unknown> {
  const kind = CREDENTIAL_KINDS[type];
  return { $schema: JSON_SCHEMA_DIALECT, $id: id, title: kind.title, description: kind.description, ...(JSON.parse(JSON.stringify(documentSchemas.get(type))) as object) };
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020, options: { mode: 'fast' | 'full' }) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: false, strictNumbers: true });
// The fast formats: a date-time or URI of a credential is matched by shape; validity dates are also read as dates.
addFormats(ajv, { mode: 'fast' });
const validators = new Map<CredentialType, ValidateFunction>();

export interface SchemaViolation {
  /** JSON pointer into the credential. */
  path: string;
  message: string;
}

/** What in `document` breaks the schema of its kind; empty when it conforms. */
export function schemaViolations(type: CredentialType, document: unknown): SchemaViolation[] {
  let validate = validators.get(type);
  if (!validate) {
    validate = ajv.compile(JSON.parse(JSON.stringify(documentSchemas.get(type))) as object);
    validators.set(type, validate);
  }
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => ({
    path:
      error.keyword === 'required'
        ? `${error.instancePath}/${String(error.params.missingProperty)}`
        : error.keyword === 'additionalProperties'
          ? `${error.instancePath}/${String(error.params.additionalProperty)}`
          : error.instancePath || '/',
    message:
      error.keyword === 'enum'
        ? `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`
        : error.keyword === 'additionalProperties'
          ? 'is not a known field'
          : (error.message ?? 'is invalid'),
  }));
}
