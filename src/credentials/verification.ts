// Securing and verifying credentials as W3C VC-JOSE-COSE compact JWS (`typ` vc+jwt), and checking
// their revocation in a Bitstring Status List. Verification is pure: everything it needs (the
// issuer's DID document, the status list token, the time) is given, so the public endpoint, the
// check of a partner administration's documents and the offline `cordon verify-credential` command
// come to the same verdict for the same inputs.
//
// VALID: the signature holds under a key the DID document lists for assertion, the credential is
// well formed, of its schema when the schema is known, within its validity period, and not revoked
// in the status list when one is given. REVOKED: all that, but the status bit is set. INVALID:
// anything else; once the signature fails nothing of the payload is trusted or shown.
import { isUtf8 } from 'node:buffer';
import type { KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, type CompactJWSHeaderParameters, type JWK } from 'jose';
import { decodeStatusList, getBit, MIN_STATUS_LIST_BITS, StatusListError } from './bitstring-status-list.ts';
import { bundledSchemaType, schemaViolations } from './credential-kinds.ts';
import { CREDENTIALS_V2_CONTEXT } from './credential.model.ts';

export const VC_JWT_TYPE = 'vc+jwt';
export const VC_JWT_MEDIA_TYPE = 'application/vc+jwt';
/** The largest credential token accepted. */
export const MAX_TOKEN_LENGTH = 64 * 1024;
/** The largest status list token accepted (a list of millions of entries, compressed). */
export const MAX_STATUS_LIST_TOKEN_LENGTH = 512 * 1024;
/** What a verifier accepts: Ed25519 (as EdDSA or its fully specified name) and ECDSA on P-256 and P-384. */
export const ACCEPTED_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'ES384'] as const;
const KEY_METHOD_TYPES = ['JsonWebKey', 'JsonWebKey2020'];

export const VERDICTS = ['VALID', 'REVOKED', 'INVALID'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface VerificationReason {
  /** Stable code: SIGNATURE_INVALID, UNKNOWN_ISSUER, SCHEMA_INVALID, EXPIRED, REVOKED, STATUS_NOT_CHECKED... */
  code: string;
  message: string;
  /** An error makes the verdict; a notice says what could not be checked. */
  severity: 'error' | 'notice';
  /** JSON pointer into the credential, for schema errors. */
  path?: string;
}

export interface CredentialVerification {
  verdict: Verdict;
  reasons: VerificationReason[];
  /** The credential as signed; null when the signature does not hold. */
  credential: Record<string, unknown> | null;
  /** The issuer's DID, once the signature holds. */
  issuer: string | null;
  checkedAt: string;
}

export interface VerifyOptions {
  /** The issuer's DID document (did:web: fetched from its host, or given by whoever checks offline). */
  didDocument: unknown;
  /** The BitstringStatusListCredential (vc+jwt) the credential's status entry names. */
  statusListToken?: string | null | undefined;
  now: Date;
}

/** Secures `document` (a credential or status list) as a compact JWS with the administration's Ed25519 key. */
export async function signAsVcJwt(document: object, privateKey: KeyObject, kid: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(document)))
    .setProtectedHeader({ alg: 'EdDSA', typ: VC_JWT_TYPE, cty: 'vc', kid })
    .sign(privateKey);
}

// --- key discovery and the signature ---------------------------------------------------------------

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const error = (code: string, message: string, path?: string): VerificationReason => ({ code, message, severity: 'error', ...(path ? { path } : {}) });
const notice = (code: string, message: string): VerificationReason => ({ code, message, severity: 'notice' });
/** A value of an untrusted document, for a message: strings as they are, anything else as JSON. */
export const shown = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'nothing'));

class Refused extends Error {
  constructor(readonly reason: VerificationReason) {
    super(reason.message);
  }
}

/** `id` made absolute: a fragment (`#key-1`) is relative to the document's DID. */
const absoluteIn = (did: string, id: string): string => (id.startsWith('#') ? `${did}${id}` : id);

/** The verification method `kid` names in the DID document: listed, and allowed to assert (sign credentials). */
function findKey(didDocument: unknown, kid: string): JWK {
  if (!isObject(didDocument) || typeof didDocument.id !== 'string' || !didDocument.id.startsWith('did:')) {
    throw new Refused(error('DID_DOCUMENT_INVALID', 'The DID document has no DID as its id'));
  }
  const did = didDocument.id;
  const methodId = absoluteIn(did, kid);
  const signer = methodId.split('#')[0] ?? '';
  if (signer !== did) {
    throw new Refused(error('UNKNOWN_ISSUER', `Signed with a key of ${signer}, not of ${did}, whose DID document was given`));
  }
  const listed = Array.isArray(didDocument.verificationMethod) ? didDocument.verificationMethod : [];
  const assertion = Array.isArray(didDocument.assertionMethod) ? didDocument.assertionMethod : [];
  const embedded = assertion.filter(isObject);
  const method = [...listed.filter(isObject), ...embedded].find((candidate) => typeof candidate.id === 'string' && absoluteIn(did, candidate.id) === methodId);
  if (!method) throw new Refused(error('UNKNOWN_KEY', `The DID document of ${did} lists no key ${methodId}`));
  const asserts = assertion.some((entry) => (typeof entry === 'string' ? absoluteIn(did, entry) : isObject(entry) && typeof entry.id === 'string' ? absoluteIn(did, entry.id) : null) === methodId);
  if (!asserts) throw new Refused(error('KEY_NOT_FOR_ASSERTION', `Key ${methodId} is not one ${did} uses to issue credentials (assertionMethod)`));
  if (typeof method.controller === 'string' && method.controller !== did) {
    throw new Refused(error('KEY_CONTROLLER_MISMATCH', `Key ${methodId} is controlled by ${method.controller}, not by ${did}`));
  }
  if (typeof method.type !== 'string' || !KEY_METHOD_TYPES.includes(method.type) || !isObject(method.publicKeyJwk)) {
    throw new Refused(error('UNSUPPORTED_KEY_TYPE', `Key ${methodId} is not a JsonWebKey with publicKeyJwk`));
  }
  if ('d' in method.publicKeyJwk) throw new Refused(error('KEY_INVALID', `Key ${methodId} exposes private key material`));
  return method.publicKeyJwk;
}

interface ResolvedKey {
  jwk: JWK;
  /** The signer's DID. */
  did: string;
}

// What each key id resolves to in a DID document, found once per document: a verifier holds one
// issuer's document for a stream of its credentials. A document given here is taken as it is at
// its first use (callers pass parsed JSON they do not change afterwards).
const keysByDocument = new WeakMap<object, Map<string, ResolvedKey | Refused>>();

function resolveKey(didDocument: unknown, kid: string): ResolvedKey {
  if (!isObject(didDocument)) throw new Refused(error('DID_DOCUMENT_INVALID', 'The DID document is not a JSON object'));
  let resolved = keysByDocument.get(didDocument);
  if (!resolved) keysByDocument.set(didDocument, (resolved = new Map<string, ResolvedKey | Refused>()));
  let key = resolved.get(kid);
  if (!key) {
    try {
      key = { jwk: findKey(didDocument, kid), did: didDocument.id as string };
    } catch (caught) {
      if (!(caught instanceof Refused)) throw caught;
      key = caught;
    }
    if (resolved.size < 64) resolved.set(kid, key);
  }
  if (key instanceof Refused) throw key;
  return key;
}

/** Bounded memo: the oldest entry goes when it is full. */
class Memo<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: V): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
  }
}

// Keys imported once per key and algorithm; a status list verified once per token and key: a verifier
// going through many credentials of one issuer checks the list's signature and inflates it once.
const importedKeys = new Memo<Awaited<ReturnType<typeof importJWK>>>(64);
interface OpenedList {
  list: Json;
  bits: Uint8Array | StatusListError;
  kid: string;
  alg: string;
  keyId: string;
}
// Keyed by the token itself: a string's hash is computed once, so a list checked again is found at once.
const verifiedLists = new Memo<OpenedList>(16);

interface Envelope {
  header: CompactJWSHeaderParameters;
  alg: string;
  jwk: JWK;
  /** The signer's DID. */
  did: string;
  /** The key and algorithm, as a memo key. */
  keyId: string;
}

/** Checks the JOSE header and finds the key it names in the DID document: everything but the signature. */
function envelopeOf(header: CompactJWSHeaderParameters, didDocument: unknown): Envelope {
  if (header.typ !== VC_JWT_TYPE) throw new Refused(error('MALFORMED', `The JOSE header's typ is ${shown(header.typ)}, not ${VC_JWT_TYPE}`));
  const alg = header.alg;
  if (typeof alg !== 'string' || !(ACCEPTED_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new Refused(error('UNSUPPORTED_ALGORITHM', `Algorithm ${shown(alg)} is not accepted; accepted: ${ACCEPTED_ALGORITHMS.join(', ')}`));
  }
  if (typeof header.kid !== 'string' || header.kid === '') throw new Refused(error('NO_KEY_ID', 'The JOSE header names no key (kid)'));
  const { jwk, did } = resolveKey(didDocument, header.kid);
  return { header, alg, jwk, did, keyId: keyIdOf(alg, jwk) };
}

const isCompactJws = (token: string): boolean => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
const NOT_COMPACT_JWS = error('MALFORMED', 'Not a compact JWS (three base64url parts separated by dots)');

// The memo key of a key and algorithm, computed once per key object the DID document holds.
const keyIds = new WeakMap<JWK, Map<string, string>>();
function keyIdOf(alg: string, jwk: JWK): string {
  let byAlgorithm = keyIds.get(jwk);
  if (!byAlgorithm) keyIds.set(jwk, (byAlgorithm = new Map<string, string>()));
  let id = byAlgorithm.get(alg);
  if (id === undefined) {
    const { kty, crv, x, y, n, e } = jwk;
    byAlgorithm.set(alg, (id = JSON.stringify([alg, kty, crv, x, y, n, e])));
  }
  return id;
}

async function importKey(envelope: Envelope): Promise<Awaited<ReturnType<typeof importJWK>>> {
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = await importJWK({ ...envelope.jwk, alg: undefined }, envelope.alg);
  } catch {
    throw new Refused(error('KEY_INVALID', `Key ${String(envelope.header.kid)} cannot verify ${envelope.alg} signatures`));
  }
  importedKeys.set(envelope.keyId, key);
  return key;
}

/**
 * The signed payload and its envelope, once the header is acceptable, names a key of the DID
 * document, and the signature holds under that key. jose reads the header once and hands it to the
 * key lookup; the token is examined again only to say why jose refused it.
 */
async function openSigned(token: string, didDocument: unknown, maxLength: number): Promise<{ payload: Uint8Array; envelope: Envelope }> {
  if (token.length > maxLength) throw new Refused(error('TOO_LARGE', `The token is longer than ${maxLength} characters`));
  let envelope: Envelope | undefined;
  try {
    const { payload } = await compactVerify(token, (header: CompactJWSHeaderParameters) => {
      envelope = envelopeOf(header, didDocument);
      return importedKeys.get(envelope.keyId) ?? importKey(envelope);
    });
    return { payload, envelope: envelope as Envelope };
  } catch (caught) {
    if (!isCompactJws(token)) throw new Refused(NOT_COMPACT_JWS);
    if (caught instanceof Refused) throw caught;
    if (envelope) {
      throw new Refused(error('SIGNATURE_INVALID', 'The signature does not match the content: the document was changed, or not signed with this key'));
    }
    // jose refused the header before asking for a key: say what in it is wrong.
    let header: CompactJWSHeaderParameters;
    try {
      header = decodeProtectedHeader(token) as CompactJWSHeaderParameters;
    } catch {
      throw new Refused(error('MALFORMED', 'The JOSE header cannot be read'));
    }
    envelopeOf(header, didDocument);
    throw new Refused(error('MALFORMED', `The JOSE header is not acceptable: ${caught instanceof Error ? caught.message : String(caught)}`));
  }
}

function parsePayload(payload: Uint8Array): Json {
  try {
    if (!isUtf8(payload)) throw new Error('not UTF-8');
    const parsed: unknown = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
    if (isObject(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw new Refused(error('MALFORMED', 'The signed content is not a JSON object'));
}

const issuerOf = (credential: Json): string | null =>
  typeof credential.issuer === 'string' ? credential.issuer : isObject(credential.issuer) && typeof credential.issuer.id === 'string' ? credential.issuer.id : null;

const listOf = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function checkValidity(document: Json, now: Date, what: string, reasons: VerificationReason[]): void {
  const from = typeof document.validFrom === 'string' ? Date.parse(document.validFrom) : Number.NaN;
  if (document.validFrom !== undefined && Number.isNaN(from)) reasons.push(error('VALIDITY_INVALID', `The ${what}'s validFrom is not a date-time`));
  else if (from > now.getTime()) reasons.push(error('NOT_YET_VALID', `The ${what} is valid only from ${shown(document.validFrom)}`));
  if (document.validUntil !== undefined) {
    const until = typeof document.validUntil === 'string' ? Date.parse(document.validUntil) : Number.NaN;
    if (Number.isNaN(until)) reasons.push(error('VALIDITY_INVALID', `The ${what}'s validUntil is not a date-time`));
    else if (until < now.getTime()) reasons.push(error('EXPIRED', `The ${what} expired at ${shown(document.validUntil)}`));
  }
}

// --- the credential ------------------------------------------------------------------------------

function checkCredential(credential: Json, signer: string, now: Date, reasons: VerificationReason[]): void {
  const context = credential['@context'];
  if (!Array.isArray(context) || context[0] !== CREDENTIALS_V2_CONTEXT) {
    reasons.push(error('CONTEXT_INVALID', `The credential's @context does not begin with ${CREDENTIALS_V2_CONTEXT}`));
  }
  const types = listOf(credential.type);
  if (!types.includes('VerifiableCredential')) reasons.push(error('TYPE_INVALID', 'The credential is not of type VerifiableCredential'));
  const issuer = issuerOf(credential);
  if (issuer !== signer) reasons.push(error('ISSUER_MISMATCH', `The credential says it is issued by ${String(issuer)}, but ${signer} signed it`));
  if (credential.iss !== undefined && credential.iss !== issuer) reasons.push(error('ISSUER_MISMATCH', `The iss claim ${shown(credential.iss)} is not the issuer ${String(issuer)}`));
  checkValidity(credential, now, 'credential', reasons);

  const schemas = listOf(credential.credentialSchema);
  if (schemas.length === 0) reasons.push(notice('SCHEMA_NOT_CHECKED', 'The credential names no schema'));
  for (const schema of schemas) {
    if (!isObject(schema) || schema.type !== 'JsonSchema' || typeof schema.id !== 'string') {
      reasons.push(notice('SCHEMA_NOT_CHECKED', 'A credentialSchema of a type other than JsonSchema was ignored'));
      continue;
    }
    const type = bundledSchemaType(schema.id, types.filter((t): t is string => typeof t === 'string'));
    if (type === null) {
      reasons.push(notice('SCHEMA_NOT_CHECKED', `Schema ${schema.id} is not one this verifier holds`));
      continue;
    }
    for (const violation of schemaViolations(type, credential)) {
      reasons.push(error('SCHEMA_INVALID', `${violation.path} ${violation.message} (schema ${type})`, violation.path));
    }
  }
}

// --- the status list -----------------------------------------------------------------------------

const asListInvalid = (caught: unknown): unknown =>
  caught instanceof Refused ? new Refused(error('STATUS_LIST_INVALID', `The status list does not verify: ${caught.reason.message}`)) : caught;

/** The status list as opened before, when the same token is given under the same key. */
function knownStatusList(listToken: string, didDocument: unknown): OpenedList | undefined {
  const known = verifiedLists.get(listToken);
  if (!known) return undefined;
  // The same token under the same key: its signature holds as before, and its bits are as read.
  try {
    return keyIdOf(known.alg, resolveKey(didDocument, known.kid).jwk) === known.keyId ? known : undefined;
  } catch (caught) {
    throw asListInvalid(caught);
  }
}

/** The status list, its signature checked (under the credential's DID document) and its bits read; memoized. */
async function openStatusList(listToken: string, didDocument: unknown): Promise<OpenedList> {
  let envelope: Envelope;
  let payload: Uint8Array;
  try {
    ({ envelope, payload } = await openSigned(listToken, didDocument, MAX_STATUS_LIST_TOKEN_LENGTH));
  } catch (caught) {
    throw asListInvalid(caught);
  }
  const list = parsePayload(payload);
  const subject = list.credentialSubject;
  let bits: Uint8Array | StatusListError = new StatusListError('The status list has no encodedList');
  if (isObject(subject) && typeof subject.encodedList === 'string') {
    try {
      bits = decodeStatusList(subject.encodedList);
    } catch (caught) {
      if (!(caught instanceof StatusListError)) throw caught;
      bits = caught;
    }
  }
  const opened = { list, bits, kid: String(envelope.header.kid), alg: envelope.alg, keyId: envelope.keyId };
  verifiedLists.set(listToken, opened);
  return opened;
}

/** Checks one BitstringStatusListEntry against the given list: whether its bit is set. */
function statusBitSet(entry: Json, { list, bits }: OpenedList, issuer: string, now: Date): boolean {
  if (!listOf(list.type).includes('BitstringStatusListCredential')) throw new Refused(error('STATUS_LIST_INVALID', 'The status list is not a BitstringStatusListCredential'));
  if (issuerOf(list) !== issuer) throw new Refused(error('STATUS_LIST_INVALID', `The status list is issued by ${shown(issuerOf(list))}, not by the credential's issuer`));
  if (list.id !== entry.statusListCredential) {
    throw new Refused(error('STATUS_LIST_MISMATCH', `The credential's status is in ${shown(entry.statusListCredential)}, but the status list given is ${shown(list.id)}`));
  }
  const validity: VerificationReason[] = [];
  checkValidity(list, now, 'status list', validity);
  if (validity[0]) throw new Refused(error('STATUS_LIST_INVALID', validity[0].message));
  const subject = list.credentialSubject;
  if (!isObject(subject) || subject.type !== 'BitstringStatusList' || typeof subject.encodedList !== 'string') {
    throw new Refused(error('STATUS_LIST_INVALID', 'The status list has no BitstringStatusList subject with an encodedList'));
  }
  if (subject.statusPurpose !== entry.statusPurpose) {
    throw new Refused(error('STATUS_VERIFICATION_ERROR', `The status list is for ${shown(subject.statusPurpose)}, the entry for ${shown(entry.statusPurpose)}`));
  }
  if ((entry.statusSize ?? 1) !== 1) throw new Refused(error('STATUS_SIZE_UNSUPPORTED', 'Only status entries of one bit are read'));
  if (bits instanceof StatusListError) throw new Refused(error('STATUS_LIST_INVALID', bits.message));
  if (bits.length * 8 < MIN_STATUS_LIST_BITS) {
    throw new Refused(error('STATUS_LIST_LENGTH_ERROR', `The status list holds ${bits.length * 8} entries, fewer than the ${MIN_STATUS_LIST_BITS} required`));
  }
  const index = typeof entry.statusListIndex === 'string' && /^(0|[1-9][0-9]{0,9})$/.test(entry.statusListIndex) ? Number(entry.statusListIndex) : Number.NaN;
  if (Number.isNaN(index)) throw new Refused(error('STATUS_INDEX_INVALID', 'The statusListIndex is not a base-10 integer'));
  if (index >= bits.length * 8) throw new Refused(error('STATUS_RANGE_ERROR', `Index ${index} is outside the status list of ${bits.length * 8} entries`));
  return getBit(bits, index);
}

async function checkStatus(credential: Json, options: VerifyOptions, issuer: string, reasons: VerificationReason[]): Promise<boolean> {
  let revoked = false;
  for (const entry of listOf(credential.credentialStatus)) {
    if (!isObject(entry) || entry.type !== 'BitstringStatusListEntry') {
      reasons.push(notice('STATUS_NOT_CHECKED', 'A credentialStatus of a type other than BitstringStatusListEntry was ignored'));
      continue;
    }
    const purpose = entry.statusPurpose;
    if (purpose !== 'revocation' && purpose !== 'suspension') {
      reasons.push(notice('STATUS_NOT_CHECKED', `A status entry for ${String(purpose)} was not read`));
      continue;
    }
    if (!options.statusListToken) {
      reasons.push(notice('STATUS_NOT_CHECKED', `Whether the credential is revoked was not checked: no status list was given (${String(entry.statusListCredential)})`));
      continue;
    }
    try {
      const list = knownStatusList(options.statusListToken, options.didDocument) ?? (await openStatusList(options.statusListToken, options.didDocument));
      if (statusBitSet(entry, list, issuer, options.now)) {
        revoked = true;
        reasons.push(
          purpose === 'revocation'
            ? error('REVOKED', 'The issuer has revoked the credential')
            : error('SUSPENDED', 'The issuer has suspended the credential'),
        );
      }
    } catch (caught) {
      if (!(caught instanceof Refused)) throw caught;
      reasons.push(caught.reason);
    }
  }
  return revoked;
}

// --- the verdict ---------------------------------------------------------------------------------

export async function verifyCredential(token: string, options: VerifyOptions): Promise<CredentialVerification> {
  const checkedAt = options.now.toISOString();
  let credential: Json;
  let signer: string;
  try {
    const trimmed = token.trim();
    const { envelope, payload } = await openSigned(trimmed, options.didDocument, MAX_TOKEN_LENGTH);
    if (envelope.header.cty !== undefined && envelope.header.cty !== 'vc') {
      throw new Refused(error('MALFORMED', `The JOSE header's cty is ${shown(envelope.header.cty)}, not vc`));
    }
    credential = parsePayload(payload);
    signer = envelope.did;
  } catch (caught) {
    if (!(caught instanceof Refused)) throw caught;
    return { verdict: 'INVALID', reasons: [caught.reason], credential: null, issuer: null, checkedAt };
  }

  const reasons: VerificationReason[] = [];
  checkCredential(credential, signer, options.now, reasons);
  const revoked = await checkStatus(credential, options, signer, reasons);
  const fatal = reasons.some((reason) => reason.severity === 'error' && reason.code !== 'REVOKED' && reason.code !== 'SUSPENDED');
  const verdict: Verdict = fatal ? 'INVALID' : revoked ? 'REVOKED' : 'VALID';
  return { verdict, reasons, credential, issuer: signer, checkedAt };
}

/** The status entries of a credential not yet verified: which status list to fetch before verifying it. */
export function statusListAddresses(token: string): string[] {
  try {
    const [, payload] = token.trim().split('.');
    const credential: unknown = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    if (!isObject(credential)) return [];
    return listOf(credential.credentialStatus)
      .filter(isObject)
      .map((entry) => entry.statusListCredential)
      .filter((address): address is string => typeof address === 'string');
  } catch {
    return [];
  }
}
