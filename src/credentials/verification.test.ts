// The verification function alone, with keys made here: what makes a credential VALID, REVOKED or
// INVALID, for Cordon's Ed25519 credentials and a partner administration's ES256 ones.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { bitstringWith, encodeStatusList } from './bitstring-status-list.ts';
import { buildDidDocument, didDocumentPaths, didWebFromUrl } from './did-web.ts';
import { signAsVcJwt, verifyCredential } from './verification.ts';

const NOW = new Date('2026-03-02T10:00:00Z');
const ISSUER_URL = 'https://customs.example';
const DID = didWebFromUrl(ISSUER_URL);
const LIST = `${ISSUER_URL}/api/v1/public/status-lists/1`;

function ed25519() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, jwk: publicKey.export({ format: 'jwk' }) };
}

const administration = ed25519();
const didDocument = buildDidDocument(DID, administration.jwk, 'key-1');
const KID = `${DID}#key-1`;

function certificate(overrides: Record<string, unknown> = {}, issuer = DID, list = LIST) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: 'urn:uuid:7b0d6c4e-1f0a-4a8e-9a53-2f1b9c3d4e5f',
    type: ['VerifiableCredential', 'CertificateOfOrigin'],
    issuer,
    validFrom: '2026-03-01T08:00:00Z',
    credentialSubject: {
      type: 'CertificateOfOriginSubject',
      declaration: { reference: 'FZ1-2026-000042', declarationType: 'EXPORT' },
      exporter: { id: 'urn:uuid:0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', name: 'Bay Ridge Apparel', identifier: 'EIN-12-3456789', country: 'US' },
      importingCountry: 'DE',
      zone: { code: 'FTZ1', name: 'Brooklyn Navy Yard', locode: 'USNYC' },
      goods: [{ lineNo: 1, hsCode: '610910', description: 'Cotton T-shirts', quantity: '6000', unit: 'H87', originCountry: 'US', originCriterion: 'PE' }],
    },
    credentialSchema: { id: `${ISSUER_URL}/api/v1/public/credential-schemas/CertificateOfOrigin`, type: 'JsonSchema' },
    credentialStatus: { id: `${list}#5`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '5', statusListCredential: list },
    ...overrides,
  };
}

function statusList(revoked: number[], { id = LIST, issuer = DID, size = 131_072 } = {}) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer,
    validFrom: '2026-03-01T00:00:00Z',
    credentialSubject: { id: `${id}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: encodeStatusList(bitstringWith(size, revoked)) },
  };
}

const sign = (document: object, key: KeyObject = administration.privateKey, kid = KID) => signAsVcJwt(document, key, kid);
const verify = (token: string, statusListToken?: string, document: unknown = didDocument) => verifyCredential(token, { didDocument: document, statusListToken: statusListToken ?? null, now: NOW });
const codes = (result: { reasons: Array<{ code: string; severity: string }> }, severity = 'error') => result.reasons.filter((r) => r.severity === severity).map((r) => r.code);

describe('did:web', () => {
  it('derives the DID from the public address: port colon percent-encoded, path segments as colons', () => {
    expect(didWebFromUrl('https://customs.example')).toBe('did:web:customs.example');
    expect(didWebFromUrl('http://localhost:3000')).toBe('did:web:localhost%3A3000');
    expect(didWebFromUrl('https://Customs.Example:8443/zones/ftz1')).toBe('did:web:customs.example%3A8443:zones:ftz1');
  });

  it('serves the document at /.well-known/did.json, and at <path>/did.json for a DID with a path', () => {
    expect(didDocumentPaths('https://customs.example')).toEqual(['/.well-known/did.json']);
    expect(didDocumentPaths('https://customs.example/cordon')).toEqual(['/.well-known/did.json', '/cordon/did.json']);
  });

  it('lists the key as a JsonWebKey verification method used for assertion', () => {
    expect(didDocument).toMatchObject({
      id: DID,
      verificationMethod: [{ id: KID, type: 'JsonWebKey', controller: DID, publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: administration.jwk.x } }],
      assertionMethod: [KID],
    });
    expect(JSON.stringify(didDocument)).not.toContain('"d"');
  });
});

describe('verifying a credential', () => {
  it('is VALID when signed by the listed key, of its schema and in its validity period; revocation unchecked without a list', async () => {
    const result = await verify(await sign(certificate()));
    expect(result.verdict).toBe('VALID');
    expect(result.issuer).toBe(DID);
    expect(result.credential).toMatchObject({ type: ['VerifiableCredential', 'CertificateOfOrigin'] });
    expect(codes(result)).toEqual([]);
    expect(codes(result, 'notice')).toEqual(['STATUS_NOT_CHECKED']);
  });

  it('is VALID against a list whose bit is clear, REVOKED when it is set', async () => {
    const token = await sign(certificate());
    expect((await verify(token, await sign(statusList([4, 6])))).verdict).toBe('VALID');
    const revoked = await verify(token, await sign(statusList([5])));
    expect(revoked.verdict).toBe('REVOKED');
    expect(codes(revoked)).toEqual(['REVOKED']);
    expect(revoked.credential).not.toBeNull();
  });

  it('is INVALID when one field of the payload is changed after signing', async () => {
    const [header, payload, signature] = (await sign(certificate())).split('.');
    const changed = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    changed.credentialSubject.goods[0].quantity = '60000';
    const result = await verify([header, Buffer.from(JSON.stringify(changed)).toString('base64url'), signature].join('.'));
    expect(result).toMatchObject({ verdict: 'INVALID', credential: null, issuer: null });
    expect(codes(result)).toEqual(['SIGNATURE_INVALID']);
  });

  it('is INVALID when signed by another key under the administration’s key id', async () => {
    const result = await verify(await sign(certificate(), ed25519().privateKey));
    expect(codes(result)).toEqual(['SIGNATURE_INVALID']);
  });

  it('is INVALID when the signer is not the DID whose document is given, or its key is not listed for assertion', async () => {
    expect(codes(await verify(await sign(certificate(), administration.privateKey, 'did:web:forger.example#key-1')))).toEqual(['UNKNOWN_ISSUER']);
    expect(codes(await verify(await sign(certificate(), administration.privateKey, `${DID}#key-2`)))).toEqual(['UNKNOWN_KEY']);
    const notForAssertion = { ...didDocument, assertionMethod: [] };
    expect(codes(await verify(await sign(certificate()), undefined, notForAssertion))).toEqual(['KEY_NOT_FOR_ASSERTION']);
  });

  it('is INVALID when the credential names another issuer than the signer', async () => {
    const result = await verify(await sign(certificate({}, 'did:web:other.example')));
    expect(result.verdict).toBe('INVALID');
    expect(codes(result)).toContain('ISSUER_MISMATCH');
  });

  it('is INVALID when the credential breaks its schema, naming the field', async () => {
    const bad = certificate();
    (bad.credentialSubject.goods[0] as { originCriterion: string }).originCriterion = 'XX';
    const result = await verify(await sign(bad));
    expect(result.verdict).toBe('INVALID');
    expect(result.reasons.filter((r) => r.code === 'SCHEMA_INVALID').map((r) => r.path)).toEqual(['/credentialSubject/goods/0/originCriterion']);
  });

  it('is INVALID once validUntil has passed, and before validFrom', async () => {
    expect(codes(await verify(await sign(certificate({ validUntil: '2026-03-01T12:00:00Z' }))))).toEqual(['EXPIRED']);
    expect(codes(await verify(await sign(certificate({ validFrom: '2026-04-01T00:00:00Z' }))))).toEqual(['NOT_YET_VALID']);
  });

  it('is INVALID when the JOSE header is not a vc+jwt, or the token is not a JWS at all', async () => {
    const plainJwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(certificate())))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: KID })
      .sign(administration.privateKey);
    expect(codes(await verify(plainJwt))).toEqual(['MALFORMED']);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'vc+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify(certificate())).toString('base64url')}.`;
    expect(codes(await verify(unsigned))).toEqual(['MALFORMED']);
    expect(codes(await verify('x'.repeat(70_000)))).toEqual(['TOO_LARGE']);
  });

  it('is INVALID when the status list given is another list, too short, or signed by someone else', async () => {
    const token = await sign(certificate());
    expect(codes(await verify(token, await sign(statusList([], { id: `${ISSUER_URL}/api/v1/public/status-lists/2` }))))).toEqual(['STATUS_LIST_MISMATCH']);
    expect(codes(await verify(token, await sign(statusList([], { size: 1024 }))))).toEqual(['STATUS_LIST_LENGTH_ERROR']);
    expect(codes(await verify(token, await sign(statusList([]), ed25519().privateKey)))).toEqual(['STATUS_LIST_INVALID']);
  });
});

describe("verifying a partner administration's ES256 credential", () => {
  const partnerUrl = 'https://douane.partner.example';
  const partnerDid = didWebFromUrl(partnerUrl);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const partnerDocument = buildDidDocument(partnerDid, publicKey.export({ format: 'jwk' }), 'p256-2026');
  const partnerList = `${partnerUrl}/status/3`;
  const signEs256 = (document: object) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(document))).setProtectedHeader({ alg: 'ES256', typ: 'vc+jwt', kid: `${partnerDid}#p256-2026` }).sign(privateKey);

  it('resolves the kid in its DID document and verifies the ES256 signature, then its status list', async () => {
    const token = await signEs256(certificate({}, partnerDid, partnerList));
    const valid = await verify(token, await signEs256(statusList([], { id: partnerList, issuer: partnerDid })), partnerDocument);
    expect(valid.verdict).toBe('VALID');
    expect(valid.issuer).toBe(partnerDid);
    const revoked = await verify(token, await signEs256(statusList([5], { id: partnerList, issuer: partnerDid })), partnerDocument);
    expect(revoked.verdict).toBe('REVOKED');
  });

  it("is INVALID against Cordon's own DID document", async () => {
    const result = await verify(await signEs256(certificate({}, partnerDid, partnerList)));
    expect(codes(result)).toEqual(['UNKNOWN_ISSUER']);
  });
});
