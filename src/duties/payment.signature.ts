// The bank signs each payment confirmation with HMAC-SHA256 over the exact bytes of the body, keyed
// with the shared CORDON_PAYMENT_SECRET, and sends `X-Cordon-Signature: sha256=<hex>`. Verifying the
// raw bytes (not re-serialised JSON) is what makes the signature mean "these bytes came from the bank".
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-cordon-signature';

export function signPayment(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `header` is the signature of `body`; compared in constant time. */
export function verifyPaymentSignature(secret: string, body: string | Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match?.[1]) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
