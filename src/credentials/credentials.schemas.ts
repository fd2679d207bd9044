// Request and reply schemas of the credentials API: issuing trade documents, reading and revoking
// them, and verifying a credential, Cordon's own or a partner administration's.
import { Type, type Static } from 'typebox';
import { IsoDateTime, Nullable, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { ORIGIN_CRITERIA, ORIGIN_CRITERION_MEANINGS } from './certificate-of-origin.ts';
import { CREDENTIAL_TYPES } from './credential-kinds.ts';
import { MAX_STATUS_LIST_TOKEN_LENGTH, MAX_TOKEN_LENGTH, VERDICTS } from './verification.ts';

export const CREDENTIAL_STATUSES = ['ACTIVE', 'REVOKED'] as const;

export const CertificateOfOriginInput = Type.Object(
  {
    declarationId: Uuid,
    importingCountry: Type.String({ pattern: '^[A-Z]{2}$', description: 'The country the goods are exported to (ISO 3166-1 alpha-2)' }),
    lines: Type.Array(
      Type.Object(
        {
          lineNo: Type.Integer({ minimum: 1, maximum: 999 }),
          originCriterion: StringEnum(ORIGIN_CRITERIA, {
            description: ORIGIN_CRITERIA.map((code) => `${code}: ${ORIGIN_CRITERION_MEANINGS[code]}`).join('; '),
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 999, description: 'The origin criterion of every line of the declaration' },
    ),
  },
  { additionalProperties: false },
);
export type CertificateOfOriginInput = Static<typeof CertificateOfOriginInput>;

export const ReleaseNoteInput = Type.Object({ declarationId: Uuid }, { additionalProperties: false });

export const TripCustodyRecordInput = Type.Object({ tripId: Uuid }, { additionalProperties: false });

export const RevocationInput = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S', description: 'Why the document no longer holds' }) },
  { additionalProperties: false },
);

export const CredentialListQuery = Type.Object(
  {
    declarationId: Type.Optional(Uuid),
    tripId: Type.Optional(Uuid),
    type: Type.Optional(StringEnum(CREDENTIAL_TYPES)),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type CredentialListQuery = Static<typeof CredentialListQuery>;

export const TypeParams = Type.Object({ type: StringEnum(CREDENTIAL_TYPES) });
export const ListIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

/** A credential as signed: JSON whose shape its own schema gives. */
const CredentialDocument = Type.Record(Type.String(), Type.Unknown(), { description: 'The verifiable credential (the JWS payload)' });

export const Credential = Type.Object({
  id: Uuid,
  type: StringEnum(CREDENTIAL_TYPES),
  declarationId: Nullable(Uuid),
  declarationReference: Nullable(Type.String()),
  tripId: Nullable(Uuid),
  tripReference: Nullable(Type.String()),
  enterpriseId: Uuid,
  zoneId: Uuid,
  status: StringEnum(CREDENTIAL_STATUSES),
  issuedAt: IsoDateTime,
  /** Null when Cordon issued it by itself (a custody record at the end of its trip). */
  issuedBy: Nullable(Uuid),
  revokedAt: Nullable(IsoDateTime),
  revokedBy: Nullable(Uuid),
  revocationReason: Nullable(Type.String()),
  verificationUrl: Type.String({ description: 'The public page the QR code leads to' }),
  credential: CredentialDocument,
  token: Type.String({ description: 'The credential secured as a compact JWS (application/vc+jwt)' }),
});
export type Credential = Static<typeof Credential>;

export const PublicCredential = Type.Object({
  id: Uuid,
  type: StringEnum(CREDENTIAL_TYPES),
  token: Type.String({ description: 'The credential secured as a compact JWS (application/vc+jwt)' }),
  status: StringEnum(CREDENTIAL_STATUSES),
  revokedAt: Nullable(IsoDateTime),
  verificationUrl: Type.String(),
});

const Token = Type.String({ minLength: 1, maxLength: MAX_TOKEN_LENGTH, description: 'A credential as a compact JWS (vc+jwt)' });

export const VerificationInput = Type.Object({ token: Token }, { additionalProperties: false });

export const ExternalVerificationInput = Type.Object(
  {
    token: Token,
    didDocument: Type.Record(Type.String(), Type.Unknown(), { maxProperties: 50, description: "The issuing administration's DID document" }),
    statusList: Type.Optional(
      Type.String({ minLength: 1, maxLength: MAX_STATUS_LIST_TOKEN_LENGTH, description: 'The BitstringStatusListCredential (vc+jwt) the credential names' }),
    ),
  },
  { additionalProperties: false },
);
export type ExternalVerificationInput = Static<typeof ExternalVerificationInput>;

export const Verification = Type.Object({
  verdict: StringEnum(VERDICTS),
  reasons: Type.Array(
    Type.Object({
      code: Type.String(),
      message: Type.String(),
      severity: StringEnum(['error', 'notice'] as const),
      path: Type.Optional(Type.String()),
    }),
  ),
  credential: Nullable(CredentialDocument),
  issuer: Nullable(Type.Object({ id: Type.String(), name: Nullable(Type.String()) })),
  checkedAt: IsoDateTime,
});
export type Verification = Static<typeof Verification>;
