import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { loadSigningKey } from './signing-key.ts';

describe('the administration signing key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is generated once and kept: a second load (another process) gets the same key', async () => {
    const first = await loadSigningKey(t.ctx.db, null);
    const second = await loadSigningKey(t.ctx.db, null);
    expect(second.keyId).toBe(first.keyId);
    expect(first.publicKeyBytes).toHaveLength(32);
    const signature = sign(null, Buffer.from('checkpoint'), first.privateKey);
    expect(verify(null, Buffer.from('checkpoint'), second.publicKey, signature)).toBe(true);
    expect(first.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: first.keyId });
  });

  it('uses the configured key when there is one', async () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const configured = await loadSigningKey(t.ctx.db, pem);
    const stored = await loadSigningKey(t.ctx.db, null);
    expect(configured.keyId).not.toBe(stored.keyId);
    await expect(loadSigningKey(t.ctx.db, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())).rejects.toThrow(/Ed25519/);
  });
});
