// Checkpoints of the transparency log in the C2SP tlog-checkpoint format (https://c2sp.org/tlog-checkpoint),
// signed as C2SP signed notes (https://c2sp.org/signed-note) with Ed25519, and the C2SP verifier
// key string (`<name>+<key id>+<base64 key>`, as golang.org/x/mod/sumdb/note writes it) that lets
// anyone keep the log's key as one line and check a checkpoint offline.
//
//   example.org/log             <- origin
//   42                          <- tree size, decimal, no leading zeros
//   qINS1GRFhWHw...=            <- root hash, standard base64
//                               <- blank line
//   — example.org/log AbCd...=  <- em dash, key name, base64(4-byte key id || signature)
//
// Parsing is strict: anything that is not exactly this shape is refused, because two parties
// must never read different trees out of the same signed bytes.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { AppError, FieldErrors } from '../platform/errors.ts';
import { type Hash, HASH_SIZE, hashFromBase64, hashToBase64, isHash } from './merkle.ts';

/** Signature type byte of Ed25519 among the signed-note signature types. */
const ED25519_SIGNATURE_TYPE = 0x01;
const ED25519_PUBLIC_KEY_SIZE = 32;
const KEY_ID_SIZE = 4;
const SIGNATURE_PREFIX = '\u2014 ';
/** The specification asks verifiers to accept at least 16 signatures; more is a malformed note. */
export const MAX_SIGNATURES = 100;
/** Room for that many post-quantum signatures and a few extension lines; nothing legitimate is larger. */
export const MAX_NOTE_BYTES = 1024 * 1024;
const MAX_VERIFIER_KEY_LENGTH = 1024;

export interface Checkpoint {
  /** The log's identity, e.g. `example.org/log`. */
  origin: string;
  /** Number of leaves in the tree. */
  size: number;
  /** MTH of those leaves (RFC 9162 2.1.1). */
  rootHash: Hash;
  /** Opaque lines after the root hash, if any. */
  extensions: string[];
}

export interface NoteSignature {
  keyName: string;
  /** The first four bytes of the signature, big-endian. */
  keyId: number;
  /** The signature proper, after the key id. */
  signature: Uint8Array;
}

export interface SignedNote {
  /** The signed text: every line before the blank line, each with its newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface SignedCheckpoint extends SignedNote {
  checkpoint: Checkpoint;
}

/** Who signs: the key name written in the signature line, and the Ed25519 private key. */
export interface NoteSigner {
  name: string;
  privateKey: KeyObject;
}

/** Who may be trusted: a key name, the key's id and the Ed25519 public key. */
export interface NoteVerifier {
  name: string;
  keyId: number;
  publicKey: KeyObject;
}

/** A trusted key given as a verifier key string, as a parsed one, or as a name and a public key. */
export type TrustedKey = string | NoteVerifier | { name: string; publicKey: KeyObject };

// ---------------------------------------------------------------------------------------------
// Keys

/** Key names: non-empty, without Unicode spaces or '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s\u0085+]/u.test(name) && !hasForbiddenControl(name);
}

function ed25519PublicKeyBytes(key: KeyObject): Uint8Array {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new AppError('VALIDATION_FAILED', `note keys must be Ed25519, not ${publicKey.asymmetricKeyType ?? 'symmetric'}`);
  }
  const { x } = publicKey.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(x as string, 'base64url'));
}

/** key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4], big-endian. */
export function noteKeyId(name: string, publicKey: KeyObject): number {
  return keyIdOf(name, ed25519PublicKeyBytes(publicKey));
}

function keyIdOf(name: string, publicKeyBytes: Uint8Array): number {
  const digest = createHash('sha256')
    .update(Buffer.from(name, 'utf8'))
    .update(Uint8Array.of(0x0a, ED25519_SIGNATURE_TYPE))
    .update(publicKeyBytes)
    .digest();
  return digest.readUInt32BE(0);
}

/** The verifier key string `<name>+<8 hex digits of key id>+<base64(0x01 || public key)>`. */
export function verifierKey(name: string, publicKey: KeyObject): string {
  if (!isValidKeyName(name)) throw invalidField('/name', 'must be non-empty, without spaces or "+"');
  const keyBytes = ed25519PublicKeyBytes(publicKey);
  const id = keyIdOf(name, keyBytes).toString(16).padStart(8, '0');
  return `${name}+${id}+${Buffer.concat([Uint8Array.of(ED25519_SIGNATURE_TYPE), keyBytes]).toString('base64')}`;
}

/** Reads a verifier key string, checking that its key id is the one its name and key give. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const refuse = (reason: string): AppError => invalidField('/verifierKey', reason);
  if (vkey.length > MAX_VERIFIER_KEY_LENGTH) throw refuse('is too long');
  // Names hold no '+', ids are hex, so the first two '+' split it; base64 may hold more.
  const firstPlus = vkey.indexOf('+');
  const secondPlus = vkey.indexOf('+', firstPlus + 1);
  if (firstPlus < 0 || secondPlus < 0) throw refuse('must read <name>+<key id>+<key>');
  const name = vkey.slice(0, firstPlus);
  const idText = vkey.slice(firstPlus + 1, secondPlus);
  const key = decodeCanonicalBase64(vkey.slice(secondPlus + 1));
  if (!isValidKeyName(name)) throw refuse('has an invalid key name');
  if (!/^[0-9a-fA-F]{8}$/.test(idText)) throw refuse('must have a key id of 8 hex digits');
  if (key === undefined) throw refuse('must end with a base64 key');
  if (key[0] !== ED25519_SIGNATURE_TYPE) throw refuse('must hold an Ed25519 key (type 0x01)');
  if (key.length !== 1 + ED25519_PUBLIC_KEY_SIZE) throw refuse(`must hold a ${ED25519_PUBLIC_KEY_SIZE}-byte Ed25519 key`);
  const keyBytes = key.subarray(1);
  const keyId = Number.parseInt(idText, 16);
  if (keyIdOf(name, keyBytes) !== keyId) throw refuse('has a key id that does not match its name and key');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(keyBytes).toString('base64url') }, format: 'jwk' });
  return { name, keyId, publicKey };
}

function toVerifier(trusted: TrustedKey): NoteVerifier {
  if (typeof trusted === 'string') return parseVerifierKey(trusted);
  if ('keyId' in trusted) return trusted;
  if (!isValidKeyName(trusted.name)) throw invalidField('/name', 'must be non-empty, without spaces or "+"');
  return { name: trusted.name, keyId: noteKeyId(trusted.name, trusted.publicKey), publicKey: trusted.publicKey };
}

// ---------------------------------------------------------------------------------------------
// Signed notes

/** ASCII control characters other than newline, which notes must not contain. */
function hasForbiddenControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return true;
  }
  return false;
}

/** Standard padded base64 in its one canonical spelling; undefined for anything else. */
function decodeCanonicalBase64(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
}

function invalidField(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${path.slice(1)} ${message}`, [{ path, message }]);
}

function malformedNote(field: string, reason: string): AppError {
  return new AppError('VALIDATION_FAILED', `The signed note is malformed: ${reason}`, [{ path: field, message: reason }]);
}

/** The note as text, refusing bytes that are not UTF-8 and strings that cannot be encoded as UTF-8. */
function noteText(note: string | Uint8Array, field: string): string {
  if (typeof note === 'string') {
    if (note.length > MAX_NOTE_BYTES) throw malformedNote(field, `is larger than ${MAX_NOTE_BYTES} bytes`);
    const encoded = Buffer.from(note, 'utf8');
    if (encoded.length > MAX_NOTE_BYTES) throw malformedNote(field, `is larger than ${MAX_NOTE_BYTES} bytes`);
    if (encoded.toString('utf8') !== note) throw malformedNote(field, 'is not valid Unicode text');
    return note;
  }
  if (note.length > MAX_NOTE_BYTES) throw malformedNote(field, `is larger than ${MAX_NOTE_BYTES} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
  } catch {
    throw malformedNote(field, 'is not valid UTF-8');
  }
}

/**
 * Splits a signed note into its text and signature lines, checking the shape only: the text
 * ends at the last blank line, and every line after it is a signature line.
 */
export function parseSignedNote(note: string | Uint8Array, field = '/note'): SignedNote {
  const whole = noteText(note, field);
  if (hasForbiddenControl(whole)) throw malformedNote(field, 'contains control characters (only newlines are allowed)');
  if (!whole.endsWith('\n')) throw malformedNote(field, 'must end with a newline');
  const blankLine = whole.lastIndexOf('\n\n');
  if (blankLine < 0) throw malformedNote(field, 'has no blank line before its signatures');
  const text = whole.slice(0, blankLine + 1);
  const signatureLines = whole.slice(blankLine + 2, -1);
  if (signatureLines.length === 0) throw malformedNote(field, 'has no signature');
  const lines = signatureLines.split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformedNote(field, `has more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line, i) => {
    const where = `signature line ${i + 1}`;
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformedNote(field, `${where} must start with an em dash and a space`);
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const keyName = space < 0 ? rest : rest.slice(0, space);
    const bytes = space < 0 ? undefined : decodeCanonicalBase64(rest.slice(space + 1));
    if (!isValidKeyName(keyName)) throw malformedNote(field, `${where} has an invalid key name`);
    if (bytes === undefined || bytes.length <= KEY_ID_SIZE) throw malformedNote(field, `${where} must end with base64 of a key id and a signature`);
    return { keyName, keyId: Buffer.from(bytes).readUInt32BE(0), signature: bytes.subarray(KEY_ID_SIZE) };
  });
  return { text, signatures };
}

/** Signs a note text (non-empty, newline-terminated lines) and returns the signed note. */
export function signNote(text: string, signer: NoteSigner): string {
  const problem =
    text.length === 0 || !text.endsWith('\n')
      ? 'must be non-empty and end with a newline'
      : text.endsWith('\n\n')
        ? 'must not end with a blank line, which would be read as the end of the text'
        : hasForbiddenControl(text)
          ? 'must not contain control characters other than newlines'
          : Buffer.from(text, 'utf8').toString('utf8') !== text
            ? 'must be valid Unicode text'
            : undefined;
  if (problem !== undefined) throw invalidField('/text', problem);
  if (!isValidKeyName(signer.name)) throw invalidField('/name', 'must be non-empty, without spaces or "+"');
  const keyId = noteKeyId(signer.name, signer.privateKey);
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  const keyIdBytes = Buffer.alloc(KEY_ID_SIZE);
  keyIdBytes.writeUInt32BE(keyId);
  const line = `${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([keyIdBytes, signature]).toString('base64')}\n`;
  return `${text}\n${line}`;
}

/**
 * Whether the note carries a valid signature by the trusted key. As the specification requires,
 * signatures by other keys are ignored (even one sharing the name or the id, but not both), and
 * a signature that claims the trusted key but does not verify condemns the whole note.
 * A malformed note is answered false; a malformed trusted key is an error of the caller's.
 */
export function verifyNote(note: string | Uint8Array, trusted: TrustedKey): boolean {
  const verifier = toVerifier(trusted);
  let parsed: SignedNote;
  try {
    parsed = parseSignedNote(note);
  } catch {
    return false;
  }
  return isSignedBy(parsed, verifier);
}

function isSignedBy(note: SignedNote, verifier: NoteVerifier): boolean {
  const claimed = note.signatures.filter((s) => s.keyName === verifier.name && s.keyId === verifier.keyId);
  if (claimed.length === 0) return false;
  const signed = Buffer.from(note.text, 'utf8');
  return claimed.every((s) => verify(null, signed, verifier.publicKey, s.signature));
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

/** The checkpoint's note text: origin, size and root hash lines, then any extension lines. */
export function formatCheckpoint(checkpoint: { origin: string; size: number; rootHash: Hash; extensions?: readonly string[] }): string {
  const problems = new FieldErrors();
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (origin.length === 0 || origin.includes('\n') || hasForbiddenControl(origin)) problems.add('/origin', 'must be one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) problems.add('/size', 'must be a whole number of leaves');
  if (!isHash(rootHash)) problems.add('/rootHash', `must be a ${HASH_SIZE}-byte hash`);
  extensions.forEach((line, i) => {
    if (line.length === 0 || line.includes('\n') || hasForbiddenControl(line)) problems.add(`/extensions/${i}`, 'must be one non-empty line');
  });
  problems.throwIfAny('The checkpoint cannot be written');
  return [origin, String(size), hashToBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/** Reads a checkpoint's note text, strictly. */
export function parseCheckpointText(text: string, field = '/checkpoint'): Checkpoint {
  const refuse = (reason: string): AppError => new AppError('VALIDATION_FAILED', `The checkpoint is malformed: ${reason}`, [{ path: field, message: reason }]);
  if (!text.endsWith('\n')) throw refuse('its text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw refuse('it needs an origin, a tree size and a root hash');
  if (lines.some((line) => line.length === 0)) throw refuse('it must not contain empty lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw refuse('the tree size must be a decimal number without leading zeros');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw refuse(`the tree size must be below 2^53`);
  const rootHash = hashFromBase64(rootText);
  if (rootHash === undefined) throw refuse(`the root hash must be the base64 of ${HASH_SIZE} bytes`);
  return { origin, size, rootHash, extensions };
}

/** Signs a checkpoint text (as formatCheckpoint writes it) and returns the signed note. */
export function signCheckpoint(body: string, signer: NoteSigner): string {
  parseCheckpointText(body, '/body');
  return signNote(body, signer);
}

/** Parses a signed checkpoint without checking any signature: use verifyCheckpoint for that. */
export function parseSignedCheckpoint(note: string | Uint8Array, field = '/checkpoint'): SignedCheckpoint {
  const signed = parseSignedNote(note, field);
  return { ...signed, checkpoint: parseCheckpointText(signed.text, field) };
}

/**
 * Whether the note is a well-formed checkpoint carrying a valid signature by the trusted key
 * (see verifyNote), and, when `origin` is given, is a checkpoint of that log.
 */
export function verifyCheckpoint(note: string | Uint8Array, trusted: TrustedKey, expected: { origin?: string } = {}): boolean {
  const verifier = toVerifier(trusted);
  let parsed: SignedCheckpoint;
  try {
    parsed = parseSignedCheckpoint(note);
  } catch {
    return false;
  }
  if (expected.origin !== undefined && parsed.checkpoint.origin !== expected.origin) return false;
  return isSignedBy(parsed, verifier);
}
