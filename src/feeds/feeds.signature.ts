// The two signatures of partner feeds. Each item is signed once, when it is recorded, with the
// administration's Ed25519 key: a compact JWS over the item's RFC 8785 canonical JSON, so that a
// partner can prove where an item came from even after passing it on. Each webhook request is also
// signed with the subscription's own secret (HMAC-SHA256 over "<t>.<body>", as Stripe does), so that
// the receiver knows the request is Cordon's, meant for it, and recent.
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import type { SigningKey } from '../platform/keys/signing-key.ts';
import type { FeedItem, UnsignedFeedItem } from './feeds.schemas.ts';

export const FEED_ITEM_TYPE = 'feed-item+jwt';

/** The canonical JSON of a value (RFC 8785): the exact bytes that are signed. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('the value has no JSON form');
  return text;
}

export async function signFeedItem(item: UnsignedFeedItem, key: SigningKey): Promise<{ body: string; signature: string }> {
  const body = canonicalJson(item);
  const signature = await new CompactSign(new TextEncoder().encode(body))
    .setProtectedHeader({ alg: 'EdDSA', typ: FEED_ITEM_TYPE, kid: key.keyId })
    .sign(key.privateKey);
  return { body, signature };
}

/** A stored item as partners receive it: the signed body with its signature beside it. */
export function signedItem(body: string, signature: string): FeedItem {
  return { ...(JSON.parse(body) as UnsignedFeedItem), signature };
}

/**
 * Whether a received item is the one the administration signed: the JWS verifies with the public
 * key and its payload is, byte for byte, the canonical JSON of the item without its signature.
 * What a partner runs on each item; kept here so that the tests check it the partner's way.
 */
export async function verifyFeedItem(item: Record<string, unknown>, publicKey: KeyObject | JWK): Promise<boolean> {
  const { signature, ...unsigned } = item;
  if (typeof signature !== 'string') return false;
  try {
    const key = 'kty' in publicKey ? await importJWK(publicKey, 'EdDSA') : publicKey;
    const { payload, protectedHeader } = await compactVerify(signature, key, { algorithms: ['EdDSA'] });
    return protectedHeader.typ === FEED_ITEM_TYPE && new TextDecoder().decode(payload) === canonicalJson(unsigned);
  } catch {
    return false;
  }
}

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The `Cordon-Signature` header of a webhook request sent at `timestamp` (Unix seconds). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/**
 * A receiver's check of `Cordon-Signature`: a v1 signature matches the raw body and the timestamp
 * is within `toleranceSeconds` of `nowSeconds` (an old request replayed is refused).
 */
export function verifyWebhookSignature(header: string, secret: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = header.split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]);
  const timestamp = Number(parts.find(([name]) => name === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  return parts.some(([name, value]) => {
    if (name !== 'v1' || value === undefined || !/^[0-9a-f]{64}$/.test(value)) return false;
    return timingSafeEqual(expected, Buffer.from(value, 'hex'));
  });
}
