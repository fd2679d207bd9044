import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyBinaryWriter } from './copy-binary.ts';
import { openDb, type Db } from './db.ts';

const databaseUrl = process.env.DATABASE_URL ?? null;
const COLUMNS = ['id', 'at', 'n', 'small'] as const;

interface StoredRow extends Record<string, unknown> {
  id: string;
  at_ms: string | null;
  n: number | null;
  small: number | null;
}

describe(`binary COPY on ${databaseUrl ? 'PostgreSQL' : 'PGlite'}`, () => {
  let db: Db;
  let schema: string | undefined;

  beforeAll(async () => {
    if (databaseUrl) {
      schema = `test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
    }
    db = await openDb({ databaseUrl, dataDir: null, ...(schema ? { schema } : {}), poolSize: 2 });
    await db.exec('CREATE TABLE copied (id uuid NOT NULL, at timestamptz, n integer, small smallint, PRIMARY KEY (id, at))');
  });

  afterAll(async () => {
    if (schema) await db.exec(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  });

  const stored = (ids: readonly string[]) =>
    db.query<StoredRow>(
      `SELECT id, (extract(epoch FROM at) * 1000)::bigint::text AS at_ms, n, small FROM copied WHERE id = ANY($1::uuid[]) ORDER BY id, at`,
      [ids],
    );
  const uuid = () => {
    const hex = randomBytes(16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };

  it('starts with the signature, a zero flags field and no header extension, and ends with a field count of -1', () => {
    const data = new CopyBinaryWriter().row(1).int32(7).finish();
    expect([...data.subarray(0, 11)]).toEqual([...Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')]);
    expect(data.readInt32BE(11)).toBe(0);
    expect(data.readInt32BE(15)).toBe(0);
    // One row: 1 field, 4 bytes long, the value 7.
    expect([data.readInt16BE(19), data.readInt32BE(21), data.readInt32BE(25)]).toEqual([1, 4, 7]);
    expect(data.readInt16BE(data.length - 2)).toBe(-1);
    expect(data.length).toBe(31);
  });

  it('stores uuids, timestamps, integers and NULLs as the server reads them, at the ends of their ranges too', async () => {
    const id = uuid();
    const times = [
      Date.UTC(2000, 0, 1),
      Date.UTC(2000, 0, 1) - 1,
      0,
      -1,
      Date.UTC(1901, 11, 13, 20, 45, 52, 123),
      Date.parse('2026-03-01T10:15:30.999Z'),
      Date.UTC(2199, 11, 31, 23, 59, 59, 999),
    ];
    const rows = new CopyBinaryWriter(64);
    times.forEach((at, index) => {
      rows.row(4).uuid(index % 2 === 0 ? id : id.toUpperCase()).timestamptz(at);
      rows.int32([-2_147_483_648, 2_147_483_647, 0, -1, null, 123_456_789, 1][index] ?? null);
      rows.int16([-32_768, 32_767, 0, null, -1, 400, 12][index] ?? null);
    });
    await db.copyBinary('copied', COLUMNS, rows.finish());

    const read = await stored([id]);
    expect(read.map((row) => row.id)).toEqual(times.map(() => id));
    expect(read.map((row) => Number(row.at_ms))).toEqual([...times].sort((a, b) => a - b));
    const byTime = new Map(read.map((row) => [Number(row.at_ms), row]));
    expect(times.map((at) => [byTime.get(at)?.n, byTime.get(at)?.small])).toEqual([
      [-2_147_483_648, -32_768],
      [2_147_483_647, 32_767],
      [0, 0],
      [-1, null],
      [null, -1],
      [123_456_789, 400],
      [1, 12],
    ]);
  });

  it('grows past the size it was given for as many rows as it is handed', async () => {
    const ids = Array.from({ length: 50 }, uuid);
    const rows = new CopyBinaryWriter(64);
    for (const id of ids) for (let k = 0; k < 40; k++) rows.row(4).uuid(id).timestamptz(Date.UTC(2026, 0, 1) + k * 5000).int32(k).null();
    await db.copyBinary('copied', COLUMNS, rows.finish());
    const read = await stored(ids);
    expect(read).toHaveLength(2000);
    expect(read.filter((row) => row.small === null)).toHaveLength(2000);
    expect(read.filter((row) => row.id === ids[17]).map((row) => row.n)).toEqual(Array.from({ length: 40 }, (_, k) => k));
  });

  it('fails on a key already taken as an INSERT would, and stores none of the rows of its transaction', async () => {
    const [taken, fresh] = [uuid(), uuid()];
    const at = Date.UTC(2026, 5, 1);
    await db.copyBinary('copied', COLUMNS, new CopyBinaryWriter().row(4).uuid(taken).timestamptz(at).int32(1).int16(1).finish());
    const again = new CopyBinaryWriter().row(4).uuid(fresh).timestamptz(at).int32(2).int16(2).row(4).uuid(taken).timestamptz(at).int32(3).int16(3).finish();
    const failure = await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO copied (id, at, n) VALUES ($1, now(), 9)', [fresh]);
        await tx.copyBinary('copied', COLUMNS, again);
      })
      .catch((error: unknown) => error);
    expect((failure as { code?: unknown }).code).toBe('23505');
    expect(await stored([taken, fresh])).toEqual([{ id: taken, at_ms: String(at), n: 1, small: 1 }]);
    // The connection serves the next statement.
    expect(await db.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
  });

  it('refuses, before anything is sent, what the column types cannot hold', () => {
    const writer = new CopyBinaryWriter();
    expect(() => writer.uuid('not-a-uuid')).toThrow(/not a uuid/);
    expect(() => writer.uuid('0193b6a0-7c4e-7000-8000-00000000000')).toThrow(/not a uuid/);
    expect(() => writer.int16(32_768)).toThrow(RangeError);
    expect(() => writer.int32(2_147_483_648)).toThrow(RangeError);
    expect(() => writer.int32(1.5)).toThrow(RangeError);
    expect(() => writer.timestamptz(1.5)).toThrow(/whole milliseconds/);
    expect(() => writer.timestamptz(Number.MAX_SAFE_INTEGER)).toThrow(/out of range/);
  });
});
