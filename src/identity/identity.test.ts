import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createTestApp, type TestApp } from '../../test/support/test-app.ts';

describe('identity', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('documents every identity route with a summary in the OpenAPI document', async () => {
    const document = (await t.anonymous.get('/openapi.json')).body as { paths: Record<string, Record<string, { tags?: string[]; summary?: string }>> };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.tags?.includes('identity'))
        .map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, summary: operation.summary ?? '' })),
    );
    expect(operations.map((o) => o.route)).toEqual(expect.arrayContaining(['GET /api/v1/users', 'GET /api/v1/users/{id}', 'GET /api/v1/api-keys']));
    expect(operations.filter((o) => o.summary.trim() === '').map((o) => o.route)).toEqual([]);
  });

  it('logs in the first admin and tells who the token belongs to', async () => {
    const me = await t.admin.get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'user', name: 'admin', role: 'admin', zoneIds: null });
  });

  it('rejects a wrong password with 401 and the error shape', async () => {
    const response = await t.anonymous.post('/api/v1/auth/login', { username: 'admin', password: 'not-the-password' });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a request without a token and one with a made-up token', async () => {
    expect((await t.anonymous.get('/api/v1/users')).status).toBe(401);
    expect((await t.client('cdn_s_madeupmadeupmadeup').get('/api/v1/users')).status).toBe(401);
  });

  it('creates a user who can log in, and names each bad field of a bad one', async () => {
    const created = await t.admin.post('/api/v1/users', {
      username: 'analyst.one',
      displayName: 'Analyst One',
      role: 'risk_analyst',
      password: 'a-long-enough-password',
    });
    expect(created.status).toBe(201);
    const analyst = await t.login('analyst.one', 'a-long-enough-password');
    expect((await analyst.get('/api/v1/auth/me')).body.role).toBe('risk_analyst');
    // Not an admin: may not manage users.
    expect((await analyst.get('/api/v1/users')).status).toBe(403);

    const bad = await t.admin.post('/api/v1/users', { username: 'X', role: 'wizard', password: 'short', extra: 1 });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['/username', '/role', '/password', '/displayName', '/extra']));
  });

  it('requires an enterprise for an enterprise user', async () => {
    const response = await t.admin.post('/api/v1/users', {
      username: 'trader.nobody',
      displayName: 'Trader',
      role: 'enterprise_user',
      password: 'a-long-enough-password',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toContainEqual({ path: '/enterpriseId', message: 'is required for the enterprise_user role' });
  });

  it('ends a session at logout and when the password changes', async () => {
    await t.admin.post('/api/v1/users', { username: 'officer.a', displayName: 'Officer A', role: 'customs_officer', password: 'officer-password-1' });
    const first = await t.login('officer.a', 'officer-password-1');
    expect((await first.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await first.get('/api/v1/auth/me')).status).toBe(401);

    const second = await t.login('officer.a', 'officer-password-1');
    const user = (await second.get('/api/v1/auth/me')).body;
    const patched = await t.admin.patch(`/api/v1/users/${user.id}`, { password: 'officer-password-2' });
    expect(patched.status).toBe(200);
    expect((await second.get('/api/v1/auth/me')).status).toBe(401);
    await t.login('officer.a', 'officer-password-2');
  });

  it('locks an account after repeated failed logins', async () => {
    await t.admin.post('/api/v1/users', { username: 'auditor.a', displayName: 'Auditor', role: 'auditor', password: 'auditor-password-1' });
    for (let i = 0; i < 5; i += 1) {
      expect((await t.anonymous.post('/api/v1/auth/login', { username: 'auditor.a', password: 'wrong-password-xx' })).status).toBe(401);
    }
    const locked = await t.anonymous.post('/api/v1/auth/login', { username: 'auditor.a', password: 'auditor-password-1' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(200);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(300);
  });

  it('refuses logins from an address after 20 failed ones across accounts, with Retry-After, while other addresses log in', async () => {
    const login = (username: string, password: string, remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });
    for (let i = 0; i < 20; i += 1) {
      expect((await login(`guess.${i}`, 'wrong-password-xx', '203.0.113.7')).statusCode).toBe(401);
    }
    const refused = await login('admin', ADMIN_PASSWORD, '203.0.113.7');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('this address') });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(500);
    expect((await login('admin', ADMIN_PASSWORD, '203.0.113.8')).statusCode).toBe(200);
  });

  it('issues an API key shown once, which authenticates with its role until revoked', async () => {
    const created = await t.admin.post('/api/v1/api-keys', { name: 'gate reader 1', role: 'zone_operator', scopes: ['gate-events:write'] });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^cdn_k_[0-9a-f]{32}_/);
    const machine = t.client(created.body.key);
    expect((await machine.get('/api/v1/auth/me')).body).toMatchObject({ kind: 'api_key', role: 'zone_operator', scopes: ['gate-events:write'] });
    const listed = await t.admin.get('/api/v1/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect((await t.admin.delete(`/api/v1/api-keys/${created.body.id}`)).status).toBe(200);
    expect((await machine.get('/api/v1/auth/me')).status).toBe(401);
    // A key with a valid shape but a wrong secret is refused.
    const forged = created.body.key.slice(0, -4) + 'AAAA';
    expect((await t.client(forged).get('/api/v1/auth/me')).status).toBe(401);
  });

  it('answers a retried write with the first result, and a reused key for another request with 422', async () => {
    const body = { username: 'broker.x', displayName: 'Broker', role: 'auditor', password: 'auditor-password-2' };
    const first = await t.admin.post('/api/v1/users', body, { 'idempotency-key': 'create-broker-x' });
    const retry = await t.admin.post('/api/v1/users', body, { 'idempotency-key': 'create-broker-x' });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const other = await t.admin.post('/api/v1/users', { ...body, username: 'broker.y' }, { 'idempotency-key': 'create-broker-x' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('pages through users with a cursor and rejects a forged cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { username: string }[]; nextCursor: string | null } } = await t.admin.get(
        `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((u) => u.username));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain('admin');
    expect((await t.admin.get('/api/v1/users?cursor=garbage')).status).toBe(400);
  });

  it('serves health and an OpenAPI 3.1 document in which every API route requires a bearer token or is public', async () => {
    expect((await t.anonymous.get('/health')).body).toMatchObject({ status: 'ok' });
    const doc = await t.anonymous.get('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/api/v1/users'].get.security).toEqual([{ bearer: [] }]);
    expect((await t.anonymous.get('/docs')).status).toBeLessThan(400);
  });
});

describe('identity over time', () => {
  const clock = { ms: Date.now(), now: () => new Date(clock.ms) };
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  it('ends a session when its lifetime has passed', async () => {
    const session = await t.login('admin', ADMIN_PASSWORD);
    const me = await session.get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    clock.ms += (t.ctx.config.tokenTtlSeconds - 60) * 1000;
    expect((await session.get('/api/v1/auth/me')).status).toBe(200);
    clock.ms += 61_000;
    const expired = await session.get('/api/v1/auth/me');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an API key from its expiry on, and an expiry in the past at creation', async () => {
    const admin = await t.login('admin', ADMIN_PASSWORD);
    const expiresAt = new Date(clock.ms + 3_600_000).toISOString();
    const created = await admin.post('/api/v1/api-keys', { name: 'gate reader 2', role: 'zone_operator', scopes: ['gate-events:write'], expiresAt });
    expect(created.status).toBe(201);
    const machine = t.client(created.body.key);
    expect((await machine.get('/api/v1/auth/me')).status).toBe(200);
    clock.ms += 3_600_000;
    expect((await machine.get('/api/v1/auth/me')).status).toBe(401);
    const past = await admin.post('/api/v1/api-keys', { name: 'late', role: 'zone_operator', scopes: ['gate-events:write'], expiresAt: new Date(clock.ms - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.error.details).toContainEqual({ path: '/expiresAt', message: 'must be in the future' });
  });

  it("keeps an API key's last use to the minute", async () => {
    const admin = await t.login('admin', ADMIN_PASSWORD);
    const created = await admin.post('/api/v1/api-keys', { name: 'gate reader 3', role: 'zone_operator', scopes: ['gate-events:write'] });
    const machine = t.client(created.body.key);
    const lastUse = async () => ((await admin.get('/api/v1/api-keys')).body.items as { id: string; lastUsedAt: string | null }[]).find((key) => key.id === created.body.id)?.lastUsedAt;
    expect(await lastUse()).toBeNull();
    const first = new Date(clock.ms).toISOString();
    await machine.get('/api/v1/auth/me');
    expect(await lastUse()).toBe(first);
    clock.ms += 30_000;
    await machine.get('/api/v1/auth/me');
    expect(await lastUse()).toBe(first);
    clock.ms += 31_000;
    await machine.get('/api/v1/auth/me');
    expect(await lastUse()).toBe(new Date(clock.ms).toISOString());
  });
});

describe('identity behind a reverse proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { trustProxy: ['10.0.0.0/8'] } });
  });
  afterAll(() => t.close());

  const login = (password: string, forwardedFor: string, remoteAddress: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password }, remoteAddress, headers: { 'x-forwarded-for': forwardedFor } });

  it('counts failed logins per client the trusted proxy names, and ignores what an untrusted peer claims', async () => {
    const failures = (forwardedFor: string, remoteAddress: string, count: number) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: `nobody.${i}`, password: 'wrong-password-xx' }, remoteAddress, headers: { 'x-forwarded-for': forwardedFor } }),
        ),
      );
    expect((await failures('198.51.100.1', '10.0.0.5', 20)).map((response) => response.statusCode)).toEqual(Array(20).fill(401));
    expect((await login(ADMIN_PASSWORD, '198.51.100.1', '10.0.0.5')).statusCode).toBe(429);
    // Another client behind the same proxy is not held back.
    expect((await login(ADMIN_PASSWORD, '198.51.100.2', '10.0.0.5')).statusCode).toBe(200);
    // A peer that is not a trusted proxy is counted as itself, whatever it forwards.
    expect((await failures('198.51.100.9', '192.0.2.10', 20)).map((response) => response.statusCode)).toEqual(Array(20).fill(401));
    expect((await login(ADMIN_PASSWORD, '198.51.100.3', '192.0.2.10')).statusCode).toBe(429);
  });
});
