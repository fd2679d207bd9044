// The database seam. Repositories take a `Db` (the pool or an open transaction) and run SQL through it;
// services open transactions with `db.transaction`. Nothing outside this folder imports a driver, so the
// embedded PGlite database and a PostgreSQL server swap here and nowhere else.
import { mkdirSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type Row = Record<string, unknown>;

export interface Db {
  readonly dialect: 'pglite' | 'postgres';
  /** True when this handle is bound to an open transaction. */
  readonly inTransaction: boolean;
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Adds rows given in PostgreSQL's binary COPY format (a `CopyBinaryWriter`'s) to `table`'s `columns`:
   * for batches of many small rows, which the server then neither parses nor inserts one statement at
   * a time. Fails as an INSERT of the rows would (a key already taken: SQLSTATE 23505), and like one
   * in a transaction, rolls back with it. `table` and `columns` are the code's, never input.
   */
  copyBinary(table: string, columns: readonly string[], data: Buffer): Promise<void>;
  /**
   * Runs `fn` in a transaction and commits when it resolves, rolls back when it throws.
   * Called on a handle already in a transaction, it joins that transaction, so a service can
   * open its own transaction and still run inside a caller's unit of work.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// PostgreSQL's int8 (counts, sums of integers) comes back as a JavaScript number: they stay far below 2^53.
// NUMERIC stays a string in both drivers; it is converted to a decimal type in code, never to a float.
pg.types.setTypeParser(20, (value) => Number(value));

function copyStatement(table: string, columns: readonly string[], source: string): string {
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} (FORMAT binary)`;
}

/** COPY over the connection: resolves once the server has stored the rows and is ready for the next statement. */
async function copyInto(client: pg.PoolClient, table: string, columns: readonly string[], data: Buffer): Promise<void> {
  const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN')));
  stream.end(data);
  await finished(stream);
}

class PostgresTx implements Db {
  readonly dialect = 'postgres' as const;
  readonly inTransaction = true;
  constructor(private readonly client: pg.PoolClient) {}

  async query<R extends Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    const result = await this.client.query(sql, params as unknown[]);
    return result.rows as R[];
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  copyBinary(table: string, columns: readonly string[], data: Buffer): Promise<void> {
    return copyInto(this.client, table, columns, data);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;
  readonly inTransaction = false;
  constructor(readonly pool: pg.Pool) {}

  async query<R extends Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows as R[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  copyBinary(table: string, columns: readonly string[], data: Buffer): Promise<void> {
    return this.transaction((tx) => tx.copyBinary(table, columns, data));
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection that breaks between two statements (its server crashed) emits an error no query
    // is waiting for; unheard, it would end the process. The next statement fails with it instead,
    // and the connection is discarded rather than handed out again.
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await fn(new PostgresTx(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken ??= rollbackFailed));
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

interface PgliteQueryable {
  query<T>(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
}

/** PGlite's COPY reads the file given with the query, under the name /dev/blob. */
async function pgliteCopy(db: PgliteQueryable, table: string, columns: readonly string[], data: Buffer): Promise<void> {
  await db.query(copyStatement(table, columns, "'/dev/blob'"), [], { blob: new Blob([data]) });
}

class PgliteTx implements Db {
  readonly dialect = 'pglite' as const;
  readonly inTransaction = true;
  constructor(private readonly tx: PgliteQueryable) {}

  async query<R extends Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    const result = await this.tx.query<R>(sql, params as unknown[]);
    return result.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.tx.exec(sql);
  }

  copyBinary(table: string, columns: readonly string[], data: Buffer): Promise<void> {
    return pgliteCopy(this.tx, table, columns, data);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class PgliteDb implements Db {
  readonly dialect = 'pglite' as const;
  readonly inTransaction = false;
  constructor(private readonly pglite: PGlite) {}

  async query<R extends Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    const result = await this.pglite.query<R>(sql, params as unknown[]);
    return result.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.pglite.exec(sql);
  }

  copyBinary(table: string, columns: readonly string[], data: Buffer): Promise<void> {
    return pgliteCopy(this.pglite, table, columns, data);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.pglite.transaction((tx) => fn(new PgliteTx(tx)));
  }

  close(): Promise<void> {
    return this.pglite.close();
  }
}

export interface OpenDbOptions {
  /** PostgreSQL connection string; when null, PGlite is used. */
  databaseUrl: string | null;
  /** PGlite data directory; null keeps the database in memory (tests). */
  dataDir: string | null;
  /** PostgreSQL schema to use instead of `public` (isolated test runs). */
  schema?: string;
  poolSize?: number;
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const db = new PostgresDb(pool);
    await db.query('SELECT 1');
    return db;
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  await pglite.waitReady;
  return new PgliteDb(pglite);
}
