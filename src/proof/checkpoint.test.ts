import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import {
  formatCheckpoint,
  MAX_SIGNATURES,
  noteKeyId,
  parseSignedCheckpoint,
  parseSignedNote,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  verifierKey,
  verifyCheckpoint,
  verifyNote,
} from './checkpoint.ts';
import { EMPTY_ROOT, leafHash, rootOf } from './merkle.ts';

const ORIGIN = 'cordon.example/transparency-log';
const logKey = generateKeyPairSync('ed25519');
const signer = { name: ORIGIN, privateKey: logKey.privateKey };
const rootHash = rootOf(['a', 'b', 'c'].map((text) => leafHash(Buffer.from(text))));
const rootBase64 = Buffer.from(rootHash).toString('base64');

const signedCheckpoint = (size = 3, extensions: string[] = []): string => signCheckpoint(formatCheckpoint({ origin: ORIGIN, size, rootHash, extensions }), signer);

/** The error a call throws, which must be a validation error. */
function validationError(call: () => unknown): AppError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('VALIDATION_FAILED');
    return error as AppError;
  }
  throw new Error('expected a validation error');
}

/** The raw Ed25519 private key of a Go `PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>` string, as PKCS #8. */
function privateKeyFromGoSignerKey(skey: string): KeyObject {
  const seed = Buffer.from(skey.split('+').slice(4).join('+'), 'base64').subarray(1);
  const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: 'der', type: 'pkcs8' });
}

describe('a checkpoint signed by the log', () => {
  it('is written in the C2SP layout and reads back the same', () => {
    const note = signedCheckpoint();
    const [body, signatureLine] = note.split('\n\n') as [string, string];
    expect(body).toBe(`${ORIGIN}\n3\n${rootBase64}`);
    expect(signatureLine.startsWith(`\u2014 ${ORIGIN} `)).toBe(true);
    expect(signatureLine.endsWith('\n')).toBe(true);

    // The key id, recomputed here from the specification's formula, heads the 68-byte signature.
    const publicKey = Buffer.from(logKey.publicKey.export({ format: 'jwk' }).x as string, 'base64url');
    const expectedId = createHash('sha256').update(`${ORIGIN}\n`).update(Uint8Array.of(0x01)).update(publicKey).digest().subarray(0, 4);
    const signature = Buffer.from(signatureLine.trimEnd().split(' ')[2]!, 'base64');
    expect(signature).toHaveLength(68);
    expect(signature.subarray(0, 4).toString('hex')).toBe(expectedId.toString('hex'));
    expect(noteKeyId(ORIGIN, logKey.publicKey)).toBe(expectedId.readUInt32BE(0));

    const parsed = parseSignedCheckpoint(note);
    expect(parsed.checkpoint).toEqual({ origin: ORIGIN, size: 3, rootHash: new Uint8Array(rootHash), extensions: [] });
    expect(parsed.text).toBe(`${body}\n`);
    expect(parsed.signatures).toHaveLength(1);
    expect(parsed.signatures[0]).toMatchObject({ keyName: ORIGIN, keyId: expectedId.readUInt32BE(0) });
  });

  it('verifies against the vkey string, the parsed key, or the name and public key, and the expected origin', () => {
    const note = signedCheckpoint();
    const vkey = verifierKey(ORIGIN, logKey.publicKey);
    expect(verifyCheckpoint(note, vkey)).toBe(true);
    expect(verifyCheckpoint(note, parseVerifierKey(vkey))).toBe(true);
    expect(verifyCheckpoint(note, { name: ORIGIN, publicKey: logKey.publicKey })).toBe(true);
    expect(verifyCheckpoint(note, vkey, { origin: ORIGIN })).toBe(true);
    expect(verifyCheckpoint(note, vkey, { origin: 'another.example/log' })).toBe(false);
    expect(verifyCheckpoint(Buffer.from(note, 'utf8'), vkey)).toBe(true);
  });

  it('keeps extension lines and an empty tree', () => {
    const withExtensions = signedCheckpoint(3, ['witnessed by two', 'timestamp 1718000000']);
    expect(parseSignedCheckpoint(withExtensions).checkpoint.extensions).toEqual(['witnessed by two', 'timestamp 1718000000']);
    expect(verifyCheckpoint(withExtensions, { name: ORIGIN, publicKey: logKey.publicKey })).toBe(true);

    const empty = signCheckpoint(formatCheckpoint({ origin: ORIGIN, size: 0, rootHash: EMPTY_ROOT }), signer);
    expect(empty.startsWith(`${ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n`)).toBe(true);
    expect(parseSignedCheckpoint(empty).checkpoint.size).toBe(0);
  });

  it('fails once its origin, size, root or signature is changed', () => {
    const note = signedCheckpoint();
    const vkey = verifierKey(ORIGIN, logKey.publicKey);
    const otherRoot = Buffer.from(rootOf([leafHash(Buffer.from('x'))])).toString('base64');
    const tampered = [
      note.replace(`${ORIGIN}\n`, 'cordon.example/other-log\n'),
      note.replace('\n3\n', '\n4\n'),
      note.replace('\n3\n', '\n2\n'),
      note.replace(rootBase64, otherRoot),
      signedCheckpoint(3, ['added later']).split('\n\n')[0] + '\n\n' + note.split('\n\n')[1],
    ];
    for (const changed of tampered) {
      expect(changed).not.toBe(note);
      expect(verifyCheckpoint(changed, vkey)).toBe(false);
    }
    // One bit of the signature itself.
    const [body, line] = note.split('\n\n') as [string, string];
    const signature = Buffer.from(line.trimEnd().split(' ')[2]!, 'base64');
    signature[40]! ^= 0x01;
    expect(verifyCheckpoint(`${body}\n\n\u2014 ${ORIGIN} ${signature.toString('base64')}\n`, vkey)).toBe(false);
  });

  it('fails for a signature by another key, even under the log\'s name', () => {
    const impostor = generateKeyPairSync('ed25519');
    const forged = signCheckpoint(formatCheckpoint({ origin: ORIGIN, size: 3, rootHash }), { name: ORIGIN, privateKey: impostor.privateKey });
    expect(verifyCheckpoint(forged, verifierKey(ORIGIN, logKey.publicKey))).toBe(false);
    expect(verifyCheckpoint(forged, verifierKey(ORIGIN, impostor.publicKey))).toBe(true);
    // The log's key under another name is another key too.
    expect(verifyCheckpoint(signedCheckpoint(), verifierKey('someone.else/log', logKey.publicKey))).toBe(false);
  });

  it('ignores signatures by unknown keys, and is refused when the known key\'s own signature is bad', () => {
    const note = signedCheckpoint();
    const [body, logLine] = note.split('\n\n') as [string, string];
    const witness = generateKeyPairSync('ed25519');
    const witnessLine = signNote(`${body}\n`, { name: 'witness.example/w1', privateKey: witness.privateKey }).split('\n\n')[1]!;
    // Same name as the log, another key: an unknown key (the id differs), to be ignored.
    const sameNameLine = signNote(`${body}\n`, { name: ORIGIN, privateKey: witness.privateKey }).split('\n\n')[1]!;
    const vkey = verifierKey(ORIGIN, logKey.publicKey);
    for (const lines of [
      [witnessLine, logLine],
      [logLine, witnessLine],
      [sameNameLine, logLine, witnessLine],
    ]) {
      expect(verifyCheckpoint(`${body}\n\n${lines.join('')}`, vkey)).toBe(true);
    }
    expect(verifyCheckpoint(`${body}\n\n${witnessLine}`, vkey)).toBe(false);
    expect(verifyCheckpoint(`${body}\n\n${witnessLine}${sameNameLine}`, verifierKey('witness.example/w1', witness.publicKey))).toBe(true);

    // A second line claiming the log's name and id with a broken signature condemns the note.
    const bytes = Buffer.from(logLine.trimEnd().split(' ')[2]!, 'base64');
    bytes[10]! ^= 0x80;
    const brokenLine = `\u2014 ${ORIGIN} ${bytes.toString('base64')}\n`;
    expect(verifyCheckpoint(`${body}\n\n${logLine}${brokenLine}`, vkey)).toBe(false);
  });
});

describe('strict reading', () => {
  const note = signedCheckpoint();
  const [body, line] = note.split('\n\n') as [string, string];
  const withBody = (text: string): string => `${text}\n\n${line}`;
  /** The same bytes, spelled with an unused low bit of the last character before the padding set. */
  const withPaddingBitSet = (base64: string): string => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = base64.indexOf('=') - 1;
    const spelled = `${base64.slice(0, last)}${alphabet[alphabet.indexOf(base64[last]!) + 1]}${base64.slice(last + 1)}`;
    expect(spelled).not.toBe(base64);
    expect(Buffer.from(spelled, 'base64')).toEqual(Buffer.from(base64, 'base64'));
    return spelled;
  };
  const signatureBase64 = line.trimEnd().split(' ')[2]!;

  it.each([
    ['a size with a leading zero', withBody(`${ORIGIN}\n03\n${rootBase64}`)],
    ['a signed size', withBody(`${ORIGIN}\n+3\n${rootBase64}`)],
    ['a negative size', withBody(`${ORIGIN}\n-3\n${rootBase64}`)],
    ['a size with a space', withBody(`${ORIGIN}\n3 \n${rootBase64}`)],
    ['a size in hex', withBody(`${ORIGIN}\n0x3\n${rootBase64}`)],
    ['a size beyond 2^53', withBody(`${ORIGIN}\n9007199254740993\n${rootBase64}`)],
    ['a root without padding', withBody(`${ORIGIN}\n3\n${rootBase64.replace('=', '')}`)],
    ['a root in base64url', withBody(`${ORIGIN}\n3\n${Buffer.from(rootHash).toString('base64url')}=`)],
    ['a root of 31 bytes', withBody(`${ORIGIN}\n3\n${Buffer.from(rootHash).subarray(1).toString('base64')}`)],
    ['a root of 33 bytes', withBody(`${ORIGIN}\n3\n${Buffer.concat([rootHash, Uint8Array.of(0)]).toString('base64')}`)],
    ['a root spelled with non-zero padding bits', withBody(`${ORIGIN}\n3\n${withPaddingBitSet(rootBase64)}`)],
    ['no root line', withBody(`${ORIGIN}\n3`)],
    ['an empty origin', withBody(`\n3\n${rootBase64}`)],
    ['an empty extension line', `${body}\n\nextra\n\n${line}`],
    ['no blank line before the signature', `${body}\n${line}`],
    ['no signature', `${body}\n\n`],
    ['no final newline', note.slice(0, -1)],
    ['text after the signatures', `${note}Unexpected line.\n`],
    ['a hyphen instead of the em dash', note.replace('\u2014 ', '- ')],
    ['a key name with a plus', note.replace(`\u2014 ${ORIGIN} `, `\u2014 a+b `)],
    ['a signature spelled with non-zero padding bits', note.replace(signatureBase64, withPaddingBitSet(signatureBase64))],
    ['a signature that is not base64', note.replace(/ [A-Za-z0-9+/=]+\n$/, ' not base64!\n')],
    ['a signature too short to hold a key id', note.replace(/ [A-Za-z0-9+/=]+\n$/, ' AAAA\n')],
    ['carriage returns', note.replace(/\n/g, '\r\n')],
    ['a control character', note.replace(ORIGIN, `${ORIGIN}\u0007`)],
    ['too many signatures', `${body}\n\n${line.repeat(MAX_SIGNATURES + 1)}`],
  ])('refuses %s', (_what, text) => {
    expect(text).not.toBe(note);
    const error = validationError(() => parseSignedCheckpoint(text));
    expect(error.details[0]?.path).toBe('/checkpoint');
    expect(verifyCheckpoint(text, { name: ORIGIN, publicKey: logKey.publicKey })).toBe(false);
  });

  it('refuses bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xff]), Buffer.from(note, 'utf8')]);
    expect(validationError(() => parseSignedCheckpoint(bytes)).message).toMatch(/UTF-8/);
    expect(verifyCheckpoint(bytes, { name: ORIGIN, publicKey: logKey.publicKey })).toBe(false);
  });

  it('accepts up to the maximum number of signatures', () => {
    expect(parseSignedCheckpoint(`${body}\n\n${line.repeat(MAX_SIGNATURES)}`).signatures).toHaveLength(MAX_SIGNATURES);
  });

  it('writes nothing it could not read back', () => {
    const fields = (call: () => unknown): string[] => validationError(call).details.map((detail) => detail.path);
    expect(fields(() => formatCheckpoint({ origin: 'two\nlines', size: 3, rootHash }))).toEqual(['/origin']);
    expect(fields(() => formatCheckpoint({ origin: '', size: -1, rootHash: rootHash.subarray(1) }))).toEqual(['/origin', '/size', '/rootHash']);
    expect(fields(() => formatCheckpoint({ origin: ORIGIN, size: 1.5, rootHash, extensions: ['ok', ''] }))).toEqual(['/size', '/extensions/1']);
    expect(fields(() => signCheckpoint(`${ORIGIN}\n03\n${rootBase64}\n`, signer))).toEqual(['/body']);
    expect(fields(() => signNote('no newline', signer))).toEqual(['/text']);
    expect(fields(() => signNote('ends with a blank line\n\n', signer))).toEqual(['/text']);
    expect(fields(() => signNote('fine\n', { name: 'has space', privateKey: logKey.privateKey }))).toEqual(['/name']);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(validationError(() => signNote('fine\n', { name: 'rsa', privateKey: rsa.privateKey })).message).toMatch(/Ed25519/);
  });
});

describe('verifier keys', () => {
  it('round-trip: name, key id and key come back from the string', () => {
    const vkey = verifierKey(ORIGIN, logKey.publicKey);
    expect(vkey).toMatch(/^cordon\.example\/transparency-log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    const parsed = parseVerifierKey(vkey);
    expect(parsed.name).toBe(ORIGIN);
    expect(parsed.keyId).toBe(noteKeyId(ORIGIN, logKey.publicKey));
    expect(parsed.publicKey.equals(logKey.publicKey)).toBe(true);
    expect(verifierKey(ORIGIN, logKey.privateKey)).toBe(vkey); // the private key gives the same public one
  });

  // The verifier key of golang.org/x/mod/sumdb/note's tests: every proper piece of it and every
  // one-character change of it must be refused, as that package's own test requires.
  const PETER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';

  it('reads a published verifier key and refuses every mangling of it', () => {
    const parsed = parseVerifierKey(PETER);
    expect(parsed.name).toBe('PeterNeumann');
    expect(parsed.keyId).toBe(0xc74f20a3);
    expect(verifierKey('PeterNeumann', parsed.publicKey)).toBe(PETER);

    const manglings = new Set<string>();
    for (let i = 0; i <= PETER.length; i++) for (let j = i + 1; j <= PETER.length; j++) if (i !== 0 || j !== PETER.length) manglings.add(PETER.slice(i, j));
    for (let i = 0; i < PETER.length; i++) manglings.add(PETER.slice(0, i) + String.fromCharCode(PETER.charCodeAt(i) + 1) + PETER.slice(i + 1));
    // A wrong-length key and an unknown algorithm, each with a key id adjusted to match (from the same test).
    manglings.add('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==');
    manglings.add('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    const accepted = [...manglings].filter((mangled) => {
      try {
        parseVerifierKey(mangled);
        return true;
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        return false;
      }
    });
    expect(accepted).toEqual([]);
    expect(manglings.size).toBeGreaterThan(2000);
  });

  it('a malformed trusted key is the caller\'s error, not a failed verification', () => {
    expect(validationError(() => verifyCheckpoint(signedCheckpoint(), 'not a key')).details[0]?.path).toBe('/verifierKey');
  });
});

describe('published notes and checkpoints, byte for byte', () => {
  // golang.org/x/mod/sumdb/note, note_test.go: the PeterNeumann and EnochRoot keys and signatures.
  const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
  const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
  const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const PETER_SIGNATURE = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
  const ENOCH_SIGNATURE = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

  it('signs the Go note test text to the very bytes Go wrote', () => {
    const privateKey = privateKeyFromGoSignerKey(PETER_SKEY);
    expect(verifierKey('PeterNeumann', privateKey)).toBe(PETER_VKEY);
    expect(signNote(TEXT, { name: 'PeterNeumann', privateKey })).toBe(`${TEXT}\n${PETER_SIGNATURE}`);
  });

  it('verifies the Go note with either key, ignoring the signature of the other', () => {
    const note = `${TEXT}\n${PETER_SIGNATURE}${ENOCH_SIGNATURE}`;
    expect(parseSignedNote(note).text).toBe(TEXT);
    expect(verifyNote(note, PETER_VKEY)).toBe(true);
    expect(verifyNote(note, ENOCH_VKEY)).toBe(true);
    expect(verifyNote(`${TEXT}\n${ENOCH_SIGNATURE}`, PETER_VKEY)).toBe(false);
    expect(verifyNote(note.replace('problem is', 'problem was'), PETER_VKEY)).toBe(false);
    // Not a checkpoint, so not a verified checkpoint, whatever its signatures.
    expect(verifyCheckpoint(note, PETER_VKEY)).toBe(false);
  });

  // A checkpoint of the Go checksum database, signed by sum.golang.org, with the key the go command
  // ships (transparency-dev/formats, log/checkpoint_test.go, TestSumDBNoteParsing).
  const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
  const SUMDB_CHECKPOINT =
    'go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n' +
    '\u2014 sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n';

  it('verifies a checkpoint of sum.golang.org with its published key', () => {
    expect(verifyCheckpoint(SUMDB_CHECKPOINT, SUMDB_VKEY, { origin: 'go.sum database tree' })).toBe(true);
    expect(parseSignedCheckpoint(SUMDB_CHECKPOINT).checkpoint).toEqual({
      origin: 'go.sum database tree',
      size: 6476701,
      rootHash: new Uint8Array(Buffer.from('mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=', 'base64')),
      extensions: [],
    });
    expect(verifyCheckpoint(SUMDB_CHECKPOINT, SUMDB_VKEY, { origin: 'Go rocks but I might have the wrong ID' })).toBe(false);
    expect(verifyCheckpoint(SUMDB_CHECKPOINT.replace('6476701', '6476702'), SUMDB_VKEY)).toBe(false);
    expect(verifyCheckpoint(SUMDB_CHECKPOINT, PETER_VKEY)).toBe(false);
  });
});
