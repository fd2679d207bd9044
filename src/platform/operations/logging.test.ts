// No secret in the log: a real application with the server's logger, at its most talkative level,
// logs in (right and wrong passwords), creates a user and an API key, calls routes with the key,
// receives a signed payment confirmation and a stream ticket; then the whole log is searched for
// every one of those secrets.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { createContext } from '../../context.ts';
import { signPayment } from '../../duties/payment.signature.ts';
import { loadConfig } from '../config.ts';
import { openDb, type Db } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import type { App } from '../http/types.ts';
import { loggableUrl, loggerOptions } from './logging.ts';

const ADMIN_PASSWORD = 'admin-password-never-logged-7Q2';
const PAYMENT_SECRET = 'payment-secret-never-logged-0123456789abcdef';

describe('the server log', () => {
  const lines: string[] = [];
  let db: Db;
  let app: App;
  /** Every secret the requests below carry or receive. */
  const secrets: Record<string, string> = { adminPassword: ADMIN_PASSWORD, paymentSecret: PAYMENT_SECRET };

  const call = async (method: 'GET' | 'POST', url: string, options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) => {
    const response = await app.inject({
      method,
      url,
      headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.raw ? { 'content-type': 'application/json' } : {}), ...options.headers },
      ...(options.raw !== undefined ? { payload: options.raw } : options.body === undefined ? {} : { payload: options.body as object }),
    });
    return { status: response.statusCode, body: response.headers['content-type']?.toString().includes('json') ? response.json<any>() : response.body };
  };

  beforeAll(async () => {
    db = await openDb({ databaseUrl: null, dataDir: null });
    await migrate(db);
    const config = { ...loadConfig({}), demo: false, simulate: false, paymentSecret: PAYMENT_SECRET, logLevel: 'trace' as const };
    const ctx = await createContext(config, db);
    await ctx.identity.ensureFirstAdmin(ADMIN_PASSWORD);
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    app = await buildApp(ctx, { logger: { ...loggerOptions(config.logLevel), stream } });

    const wrong = 'wrong-password-never-logged-9Z';
    secrets.wrongPassword = wrong;
    expect((await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: wrong } })).status).toBe(401);
    const login = await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    const session = login.body.token as string;
    secrets.session = session;

    secrets.userPassword = 'user-password-never-logged-4K8';
    const user = await call('POST', '/api/v1/users', { token: session, body: { username: 'auditor-log', displayName: 'Auditor', role: 'auditor', password: secrets.userPassword } });
    expect(user.status).toBe(201);
    expect((await call('POST', '/api/v1/auth/login', { body: { username: 'auditor-log', password: secrets.userPassword } })).status).toBe(200);

    const created = await call('POST', '/api/v1/api-keys', { token: session, body: { name: 'scraper', role: 'auditor', scopes: ['metrics:read'] } });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    secrets.apiKey = key;
    expect((await call('GET', '/api/v1/auth/me', { token: key })).status).toBe(200);
    expect((await call('GET', '/metrics', { token: key })).status).toBe(200);
    expect((await call('GET', '/api/v1/zones', { token: key, headers: { 'x-api-key': key, cookie: `session=${session}` } })).status).toBe(200);
    // A request that fails validation after authentication is logged too.
    expect((await call('GET', '/api/v1/zones?limit=0', { token: key })).status).toBe(400);

    const ticket = await call('POST', '/api/v1/events/tickets', { token: key });
    expect(ticket.status).toBe(201);
    secrets.ticket = ticket.body.ticket as string;
    // A bad resume position is refused before the stream opens, after the URL with its ticket has been logged.
    expect((await call('GET', `/api/v1/events/stream?ticket=${encodeURIComponent(secrets.ticket)}&lastEventId=minus-one`)).status).toBe(400);

    const confirmation = JSON.stringify({ paymentReference: 'RF18539007547034', amount: '10.00', currency: 'USD', bankReference: 'BANK-LOG-1', paidAt: new Date().toISOString() });
    const signature = signPayment(PAYMENT_SECRET, confirmation);
    secrets.paymentSignature = signature.slice('sha256='.length);
    const confirmed = await call('POST', '/api/v1/payments/confirmations', { raw: confirmation, headers: { 'x-cordon-signature': signature } });
    expect(confirmed.status).toBe(404);

    expect((await call('POST', '/api/v1/auth/logout', { token: session })).status).toBe(204);
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('logged every request, with its method, URL and status', () => {
    const entries = lines.map((line) => JSON.parse(line) as { msg?: string; req?: { method: string; url: string }; res?: { statusCode: number } });
    const requests = entries.filter((entry) => entry.msg === 'incoming request').map((entry) => `${entry.req?.method} ${entry.req?.url}`);
    expect(requests).toContain('POST /api/v1/auth/login');
    expect(requests).toContain('POST /api/v1/api-keys');
    expect(requests).toContain('GET /metrics');
    expect(requests).toContain('POST /api/v1/payments/confirmations');
    expect(requests).toContain('GET /api/v1/events/stream?ticket=[Redacted]&lastEventId=minus-one');
    expect(entries.filter((entry) => entry.msg === 'request completed').map((entry) => entry.res?.statusCode)).toEqual(expect.arrayContaining([200, 201, 204, 400, 401, 404]));
  });

  it('holds none of the passwords, session tokens, API keys, payment signatures or tickets', () => {
    const text = lines.join('');
    expect(Object.keys(secrets)).toEqual(['adminPassword', 'paymentSecret', 'wrongPassword', 'session', 'userPassword', 'apiKey', 'ticket', 'paymentSignature']);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(10);
      expect(text.includes(secret), `${name} is in the log`).toBe(false);
      expect(text.includes(encodeURIComponent(secret)), `${name} is in the log, URL-encoded`).toBe(false);
    }
  });

  it('censors the usual places of a secret if code ever logs a request, a body or the config', () => {
    const before = lines.length;
    app.log.info(
      {
        req: { method: 'POST', url: `/x?token=${secrets.session}`, headers: { authorization: `Bearer ${secrets.apiKey}` } },
        headers: { authorization: `Bearer ${secrets.session}`, 'x-api-key': secrets.apiKey, 'x-cordon-signature': secrets.paymentSignature, cookie: secrets.session },
        body: { username: 'admin', password: ADMIN_PASSWORD, key: secrets.apiKey },
        config: { adminPassword: ADMIN_PASSWORD, paymentSecret: PAYMENT_SECRET },
      },
      'careless',
    );
    const logged = lines.slice(before).join('');
    expect(logged).toContain('careless');
    expect(logged).toContain('"username":"admin"');
    for (const [name, secret] of Object.entries(secrets)) expect(logged.includes(secret), `${name} is in the log`).toBe(false);
  });

  it('keeps URLs readable: only credential-bearing query values are replaced', () => {
    expect(loggableUrl('/api/v1/zones?limit=5&cursor=abc')).toBe('/api/v1/zones?limit=5&cursor=abc');
    expect(loggableUrl('/api/v1/events/stream?ticket=t1&lastEventId=4')).toBe('/api/v1/events/stream?ticket=[Redacted]&lastEventId=4');
    expect(loggableUrl('/x?a=1&Token=abc#f')).toBe('/x?a=1&Token=[Redacted]#f');
  });
});
