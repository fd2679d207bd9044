// A real Cordon server for a benchmark: a fresh database (PGlite in a temporary data directory, as
// `cordon start` keeps it on disk, or a fresh schema on a PostgreSQL server), migrated, with the
// first admin, listening on a free local port. Closing it removes everything it created.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openDb } from '../../src/platform/db/db.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { BenchmarkSkipped } from '../benchmark.ts';

/** Where the benchmarks look for PostgreSQL when DATABASE_URL is not set: the CI machine's server. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export type BenchDatabase = { kind: 'pglite' } | { kind: 'postgres'; url: string };

export interface BenchApp {
  /** Base URL of the listening server, e.g. http://127.0.0.1:40123 */
  url: string;
  ctx: AppContext;
  adminPassword: string;
  close(): Promise<void>;
}

/**
 * The PostgreSQL server to measure: DATABASE_URL when set (it must answer), otherwise the default
 * local server if it answers; skips the benchmark when there is none.
 */
export async function choosePostgres(): Promise<BenchDatabase> {
  const configured = loadConfig().databaseUrl;
  const url = configured ?? DEFAULT_POSTGRES_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (configured) throw new Error(`DATABASE_URL does not answer: ${reason}`, { cause: error });
    throw new BenchmarkSkipped(`no DATABASE_URL and no PostgreSQL at ${url} (${reason})`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return { kind: 'postgres', url };
}

async function onAdminConnection(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function startBenchApp(database: BenchDatabase): Promise<BenchApp> {
  const cleanups: Array<() => Promise<void>> = [];
  // Newest first, every step even when one fails, and only once.
  const cleanUp = async () => {
    const failures: unknown[] = [];
    for (let step = cleanups.pop(); step; step = cleanups.pop()) {
      await step().catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw new AggregateError(failures, 'cleaning up after the benchmark failed');
  };
  try {
    let databaseUrl: string | null = null;
    let schema: string | undefined;
    let dataDir: string | null = null;
    if (database.kind === 'postgres') {
      databaseUrl = database.url;
      schema = `bench_${randomBytes(6).toString('hex')}`;
      await onAdminConnection(databaseUrl, `CREATE SCHEMA ${schema}`);
      const url = databaseUrl;
      const dropped = schema;
      cleanups.push(() => onAdminConnection(url, `DROP SCHEMA ${dropped} CASCADE`));
    } else {
      dataDir = mkdtempSync(path.join(tmpdir(), 'cordon-bench-'));
      const dir = dataDir;
      cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    }

    const db = await openDb({ databaseUrl, dataDir, schema, poolSize: 10 });
    cleanups.push(() => db.close());
    await migrate(db);

    const config = { ...loadConfig(), demo: false, simulate: false, databaseUrl };
    const ctx = await createContext(config, db);
    const adminPassword = randomBytes(18).toString('base64url');
    await ctx.identity.ensureFirstAdmin(adminPassword);

    // Errors only, and on stderr: a 500 during a run shows its cause without mixing into --json output.
    const app = await buildApp(ctx, { logger: { level: 'error', stream: process.stderr } });
    cleanups.push(() => app.close());
    const url = await app.listen({ port: 0, host: '127.0.0.1' });

    return { url, ctx, adminPassword, close: cleanUp };
  } catch (error) {
    // The setup's own error says what went wrong; a failing cleanup after it would only hide it.
    await cleanUp().catch(() => undefined);
    throw error;
  }
}
