// The HTTP contract every route shares: error shape for malformed requests, size limits, headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app.ts';

describe('HTTP contract', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    const login = await t.anonymous.post('/api/v1/auth/login', { username: 'admin', password: 'admin-password-for-tests' });
    token = login.body.token;
  });
  afterAll(() => t.close());

  const raw = (payload: string | Buffer, headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/users', payload, headers: { authorization: `Bearer ${token}`, ...headers } });

  it('answers an unknown route with 404 in the error shape', async () => {
    const response = await t.admin.get('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), details: [] } });
  });

  it('answers malformed JSON with 400 and an oversized body with 413, storing nothing', async () => {
    const before = (await t.admin.get('/api/v1/users?limit=200')).body.items.length;
    const malformed = await raw('{"username": "x",', { 'content-type': 'application/json' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('VALIDATION_FAILED');
    const huge = await raw(JSON.stringify({ username: 'big', displayName: 'x'.repeat(2_000_000), role: 'auditor', password: 'long-enough-password' }), {
      'content-type': 'application/json',
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const wrongType = await raw('username=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.statusCode).toBe(415);
    expect((await t.admin.get('/api/v1/users?limit=200')).body.items.length).toBe(before);
  });

  it('refuses a JSON body with invalid UTF-8 inside a string, naming the body, and stores nothing', async () => {
    const before = (await t.admin.get('/api/v1/users?limit=200')).body.items.length;
    const text = JSON.stringify({ username: 'utf.user', displayName: 'Ana MARKER', role: 'auditor', password: 'long-enough-password' });
    const [head, tail] = text.split('MARKER') as [string, string];
    const response = await raw(Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(tail)]), { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'The request body is not valid UTF-8', details: [{ path: '/body', message: 'must be UTF-8 text' }] } });
    expect((await t.admin.get('/api/v1/users?limit=200')).body.items.length).toBe(before);
    // The same body in valid UTF-8 (with a non-ASCII name) is taken.
    const valid = await raw(JSON.stringify({ username: 'utf.user', displayName: 'Ana Ñúñez 张', role: 'auditor', password: 'long-enough-password' }), { 'content-type': 'application/json' });
    expect(valid.statusCode).toBe(201);
    expect(valid.json().displayName).toBe('Ana Ñúñez 张');
  });

  it('answers a path the router cannot read (too long a parameter, bad percent-encoding) with 400 in the error shape', async () => {
    // A GET of such a path falls to the console's catch-all (404); other methods meet the router's limits.
    for (const url of [`/api/v1/api-keys/${'x'.repeat(5000)}`, '/api/v1/api-keys/%E0%A4%A']) {
      const response = await t.app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${token}` } });
      expect(response.statusCode, url.slice(0, 40)).toBe(400);
      expect(response.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'The request path is invalid', details: [{ path: '/params', message: expect.any(String) }] } });
    }
  });

  it('rejects an invalid Idempotency-Key header', async () => {
    const response = await t.admin.post('/api/v1/users', { username: 'idem.user', displayName: 'x', role: 'auditor', password: 'long-enough-password' }, { 'idempotency-key': 'has spaces in it' });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].path).toBe('/headers/idempotency-key');
  });

  it('sends security headers and no CORS permission', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://elsewhere.example' } });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('carries a request id back to the client', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-123' } });
    expect(response.headers['x-request-id']).toBe('trace-123');
    const generated = await t.app.inject({ method: 'GET', url: '/health' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
