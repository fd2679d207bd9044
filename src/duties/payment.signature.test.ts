// The bank's signature: HMAC-SHA256 of the exact body, compared in constant time; and the secret's
// configuration.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { signPayment, verifyPaymentSignature } from './payment.signature.ts';

const SECRET = 'a-shared-secret-of-at-least-32-characters';

describe('payment signatures', () => {
  it('signs the bytes with HMAC-SHA256 and accepts exactly that signature', () => {
    const body = '{"paymentReference":"RF18539007547034","amount":"10.00"}';
    const expected = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(signPayment(SECRET, body)).toBe(`sha256=${expected}`);
    expect(verifyPaymentSignature(SECRET, body, `sha256=${expected}`)).toBe(true);
    expect(verifyPaymentSignature(SECRET, body, `sha256=${expected.toUpperCase()}`)).toBe(true);
    expect(verifyPaymentSignature(SECRET, Buffer.from(body), `sha256=${expected}`)).toBe(true);
  });

  it('refuses another body, another key, a malformed or missing header', () => {
    const body = '{"amount":"10.00"}';
    const signature = signPayment(SECRET, body);
    expect(verifyPaymentSignature(SECRET, '{"amount": "10.00"}', signature)).toBe(false);
    expect(verifyPaymentSignature(`${SECRET}!`, body, signature)).toBe(false);
    expect(verifyPaymentSignature(SECRET, body, signature.replace('sha256=', 'sha1='))).toBe(false);
    expect(verifyPaymentSignature(SECRET, body, signature.slice(0, -2))).toBe(false);
    expect(verifyPaymentSignature(SECRET, body, undefined)).toBe(false);
    expect(verifyPaymentSignature(SECRET, body, [signature, signature])).toBe(false);
  });

  it('takes the secret from CORDON_PAYMENT_SECRET, at least 32 characters, or none', () => {
    expect(loadConfig({}).paymentSecret).toBeNull();
    expect(loadConfig({ CORDON_PAYMENT_SECRET: SECRET }).paymentSecret).toBe(SECRET);
    expect(() => loadConfig({ CORDON_PAYMENT_SECRET: 'too-short' })).toThrow(ConfigError);
    expect(() => loadConfig({ CORDON_PAYMENT_SECRET: 'too-short' })).toThrow('CORDON_PAYMENT_SECRET must be at least 32 characters long');
  });
});
