// A complete Cordon application on a fresh database for one test file: PGlite in memory, or a
// fresh schema on the PostgreSQL server when DATABASE_URL is set. Requests go through `app.inject`,
// that is through routing, validation, access control and error handling, as a client's would.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { openDb } from '../../src/platform/db/db.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import type { App } from '../../src/platform/http/types.ts';
import type { Clock } from '../../src/platform/clock.ts';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
/**
 * For a test whose clock jumps days or years ahead: sessions expire by the service's clock, and these
 * outlast the jumps, so that the accounts a test signed in at the start stay signed in.
 */
export const SESSIONS_OUTLAST_THE_TEST = { tokenTtlSeconds: 10 * 366 * 24 * 3600 };
/** The key with which tests sign payment confirmations as the bank would. */
export const PAYMENT_SECRET = 'payment-secret-for-tests-0123456789abcdef';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface ApiClient {
  get<T = any>(url: string): Promise<ApiResponse<T>>;
  post<T = any>(url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  patch<T = any>(url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  put<T = any>(url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  delete<T = any>(url: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
}

export interface TestApp {
  app: App;
  ctx: AppContext;
  /** A client without credentials. */
  anonymous: ApiClient;
  /** A client logged in as the first admin. */
  admin: ApiClient;
  client(token: string): ApiClient;
  login(username: string, password: string): Promise<ApiClient>;
  close(): Promise<void>;
}

export const usingPostgres = Boolean(process.env.DATABASE_URL);

export async function createTestApp(options: { clock?: Clock; config?: Pick<Partial<Config>, 'trustProxy' | 'tokenTtlSeconds'> } = {}): Promise<TestApp> {
  const databaseUrl = process.env.DATABASE_URL ?? null;
  const schema = databaseUrl ? `test_${randomBytes(6).toString('hex')}` : undefined;
  if (databaseUrl && schema) {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
  }
  const db = await openDb({ databaseUrl, dataDir: null, schema, poolSize: 5 });
  await migrate(db);
  // Scan images of a test go to a directory of its own, never into the working tree's data directory.
  const objectDir = mkdtempSync(path.join(tmpdir(), 'cordon-objects-'));
  const config = { ...loadConfig({}), demo: false, simulate: false, databaseUrl, paymentSecret: PAYMENT_SECRET, objectDir, ...options.config };
  const ctx = await createContext(config, db, options.clock);
  await ctx.identity.ensureFirstAdmin(ADMIN_PASSWORD);
  const app = await buildApp(ctx);

  const client = (token: string | null): ApiClient => {
    const send = async (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const response = await app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      const text = response.body;
      const type = String(response.headers['content-type'] ?? '');
      return {
        status: response.statusCode,
        body: type.includes('json') && text ? JSON.parse(text) : text,
        headers: response.headers,
      };
    };
    return {
      get: (url) => send('GET', url),
      post: (url, body, headers) => send('POST', url, body ?? {}, headers),
      patch: (url, body, headers) => send('PATCH', url, body ?? {}, headers),
      put: (url, body, headers) => send('PUT', url, body ?? {}, headers),
      delete: (url, headers) => send('DELETE', url, undefined, headers),
    };
  };

  const login = async (username: string, password: string) => {
    const response = await client(null).post('/api/v1/auth/login', { username, password });
    if (response.status !== 200) throw new Error(`login of ${username} failed: ${JSON.stringify(response.body)}`);
    return client(response.body.token as string);
  };

  return {
    app,
    ctx,
    anonymous: client(null),
    admin: await login('admin', ADMIN_PASSWORD),
    client,
    login,
    async close() {
      await app.close();
      await db.close();
      rmSync(objectDir, { recursive: true, force: true });
      if (databaseUrl && schema) {
        const admin = new pg.Client({ connectionString: databaseUrl });
        await admin.connect();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      }
    },
  };
}
