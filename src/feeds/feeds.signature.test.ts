// The signatures of partner feeds as a partner checks them: an item's JWS against the
// administration's public key, a webhook request's HMAC against the subscription's secret; and the
// waits between webhook attempts.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { signingKeyFrom } from '../platform/keys/signing-key.ts';
import { canonicalJson, signFeedItem, signedItem, verifyFeedItem, verifyWebhookSignature, webhookSignature } from './feeds.signature.ts';
import { retryDelayMs } from './feeds.delivery.ts';
import type { UnsignedFeedItem } from './feeds.schemas.ts';

const administration = signingKeyFrom(generateKeyPairSync('ed25519').privateKey);
const impostor = signingKeyFrom(generateKeyPairSync('ed25519').privateKey);

const released: UnsignedFeedItem = {
  id: 7,
  kind: 'container.status',
  occurredAt: '2026-03-02T10:15:00.000Z',
  zone: 'USNYC',
  status: 'RELEASED',
  containers: ['CSQU3054383'],
  declarationReference: 'FZ1-2026-000042',
  exporterName: 'Meridian Apparel',
  gate: null,
};

describe('feed item signatures', () => {
  it('signs the canonical JSON of the item, with the key id and the feed item type in the header', async () => {
    const { body, signature } = await signFeedItem(released, administration);
    expect(body).toBe(canonicalJson(released));
    // RFC 8785: members sorted by name, no spaces.
    expect(body.startsWith('{"containers":["CSQU3054383"],"declarationReference":"FZ1-2026-000042","exporterName":"Meridian Apparel","gate":null,"id":7,')).toBe(true);
    expect(decodeProtectedHeader(signature)).toEqual({ alg: 'EdDSA', typ: 'feed-item+jwt', kid: administration.keyId });
    expect(Buffer.from(signature.split('.')[1] as string, 'base64url').toString('utf8')).toBe(body);
  });

  it("verifies with the administration's public key, and fails for a changed item, another key or another item's signature", async () => {
    const { body, signature } = await signFeedItem(released, administration);
    const item = signedItem(body, signature);
    expect(await verifyFeedItem(item, administration.publicJwk)).toBe(true);
    expect(await verifyFeedItem(item, administration.publicKey)).toBe(true);
    // The same item with its members in another order is the same item.
    expect(await verifyFeedItem(Object.fromEntries(Object.entries(item).reverse()), administration.publicJwk)).toBe(true);

    expect(await verifyFeedItem({ ...item, status: 'GATED_OUT' }, administration.publicJwk)).toBe(false);
    expect(await verifyFeedItem({ ...item, containers: ['MSCU1234565'] }, administration.publicJwk)).toBe(false);
    expect(await verifyFeedItem({ ...item, extra: 'added' }, administration.publicJwk)).toBe(false);
    expect(await verifyFeedItem(item, impostor.publicJwk)).toBe(false);
    const forged = await signFeedItem(released, impostor);
    expect(await verifyFeedItem(signedItem(forged.body, forged.signature), administration.publicJwk)).toBe(false);
    const other = await signFeedItem({ ...released, id: 8 }, administration);
    expect(await verifyFeedItem({ ...item, signature: other.signature }, administration.publicJwk)).toBe(false);
    const { signature: _signature, ...unsigned } = item;
    expect(await verifyFeedItem(unsigned, administration.publicJwk)).toBe(false);
  });
});

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret';
  const body = '{"items":[]}';

  it('is the hex HMAC-SHA256 of "<t>.<body>" under the secret, as the header says', () => {
    const expected = createHmac('sha256', secret).update(`1767225600.${body}`).digest('hex');
    expect(webhookSignature(secret, 1_767_225_600, body)).toBe(`t=1767225600,v1=${expected}`);
  });

  it('is accepted for the same body within five minutes, refused for another body, secret or an old request', () => {
    const header = webhookSignature(secret, 1_767_225_600, body);
    expect(verifyWebhookSignature(header, secret, body, 1_767_225_600 + 299)).toBe(true);
    expect(verifyWebhookSignature(header, secret, '{"items":[1]}', 1_767_225_600)).toBe(false);
    expect(verifyWebhookSignature(header, 'whsec_other', body, 1_767_225_600)).toBe(false);
    expect(verifyWebhookSignature(header, secret, body, 1_767_225_600 + 301)).toBe(false);
    expect(verifyWebhookSignature('t=1767225600,v1=nothex', secret, body, 1_767_225_600)).toBe(false);
    expect(verifyWebhookSignature('', secret, body, 1_767_225_600)).toBe(false);
  });
});

describe('webhook retries', () => {
  it('wait 10 s, 30 s, 2 min … up to 8 h between attempts, before jitter', () => {
    const waits = Array.from({ length: 11 }, (_, index) => retryDelayMs(index + 1, () => 0.5) / 1000);
    expect(waits).toEqual([10, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800, 28800]);
  });

  it('keep growing whatever the jitter draws (±10 %), until the last wait', () => {
    for (let failed = 1; failed < 9; failed += 1) {
      expect(retryDelayMs(failed, () => 0.999)).toBeLessThan(retryDelayMs(failed + 1, () => 0));
    }
    expect(retryDelayMs(1, () => 0)).toBe(9_000);
    expect(retryDelayMs(1, () => 0.999)).toBeLessThanOrEqual(11_000);
  });
});
