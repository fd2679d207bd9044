// The administration's Ed25519 signing key: it signs the transparency log's checkpoints and the
// verifiable credentials Cordon issues. Configured (CORDON_SIGNING_KEY), or generated once and kept
// in the database; the first of several processes starting together wins and the others read it.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Db } from '../db/db.ts';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The raw 32-byte Ed25519 public key. */
  publicKeyBytes: Buffer;
  /** The public key as a JWK (kty OKP, crv Ed25519), with `kid` set to `keyId`. */
  publicJwk: JWK;
  /** A stable id of the public key: base64url of the first 16 bytes of its SHA-256. */
  keyId: string;
}

export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key must be Ed25519, not ${privateKey.asymmetricKeyType ?? 'symmetric'}`);
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const publicKeyBytes = Buffer.from(jwk.x as string, 'base64url');
  const keyId = createHash('sha256').update(publicKeyBytes).digest().subarray(0, 16).toString('base64url');
  return { privateKey, publicKey, publicKeyBytes, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: keyId }, keyId };
}

export async function loadSigningKey(db: Db, configuredPem: string | null): Promise<SigningKey> {
  if (configuredPem) return signingKeyFrom(createPrivateKey(configuredPem));
  const generated = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  await db.query(`INSERT INTO signing_keys (id, algorithm, private_key_pem) VALUES ('administration', 'Ed25519', $1) ON CONFLICT (id) DO NOTHING`, [generated]);
  const [row] = await db.query<{ private_key_pem: string }>(`SELECT private_key_pem FROM signing_keys WHERE id = 'administration'`);
  return signingKeyFrom(createPrivateKey((row as { private_key_pem: string }).private_key_pem));
}
