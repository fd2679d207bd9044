// Replies of the credentials API (src/credentials/credentials.schemas.ts): trade documents issued as
// verifiable credentials, and the verdict of a verification.

export const CREDENTIAL_TYPES = ['CertificateOfOrigin', 'ReleaseNote', 'TripCustodyRecord'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

export const CREDENTIAL_TYPE_NAMES: Record<string, string> = {
  CertificateOfOrigin: 'Certificate of origin',
  ReleaseNote: 'Release note',
  TripCustodyRecord: 'Trip custody record',
};

export const ORIGIN_CRITERIA = ['WO', 'PE', 'CC', 'CTH', 'CTSH', 'VA', 'SP'] as const;
export type OriginCriterion = (typeof ORIGIN_CRITERIA)[number];

/** Short names of the origin criteria, as the certificate's schema explains them. */
export const ORIGIN_CRITERION_NAMES: Record<OriginCriterion, string> = {
  WO: 'Wholly obtained',
  PE: 'Produced exclusively from originating materials',
  CC: 'Change of chapter',
  CTH: 'Change of tariff heading',
  CTSH: 'Change of tariff subheading',
  VA: 'Value added threshold met',
  SP: 'Specific process',
};

export type CredentialStatus = 'ACTIVE' | 'REVOKED';

/** The signed document: a W3C Verifiable Credential, whose subject its type's schema describes. */
export interface VerifiableCredential {
  '@context': string[];
  id: string;
  type: string[];
  name?: string;
  description?: string;
  issuer: string | { id: string; name?: string };
  validFrom?: string;
  validUntil?: string;
  credentialSubject: Record<string, unknown>;
  [property: string]: unknown;
}

export interface Credential {
  id: string;
  type: CredentialType;
  declarationId: string | null;
  declarationReference: string | null;
  /** The trip a custody record attests to. */
  tripId: string | null;
  tripReference: string | null;
  enterpriseId: string;
  zoneId: string;
  status: CredentialStatus;
  issuedAt: string;
  /** Null when Cordon issued it by itself (a custody record when its trip completed). */
  issuedBy: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  revocationReason: string | null;
  /** The public page its QR code leads to. */
  verificationUrl: string;
  credential: VerifiableCredential;
  token: string;
}

export interface PublicCredential {
  id: string;
  type: CredentialType;
  token: string;
  status: CredentialStatus;
  revokedAt: string | null;
  verificationUrl: string;
}

export type Verdict = 'VALID' | 'REVOKED' | 'INVALID';

export interface VerificationReason {
  code: string;
  message: string;
  severity: 'error' | 'notice';
  path?: string;
}

export interface Verification {
  verdict: Verdict;
  reasons: VerificationReason[];
  credential: VerifiableCredential | null;
  issuer: { id: string; name: string | null } | null;
  checkedAt: string;
}
