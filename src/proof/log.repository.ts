// SQL of the transparency log: entries and their leaves, the hashes of perfect subtrees, the tree's
// state and the signed checkpoints, and the audit's read of every leaf beside its record today.
import type { Db } from '../platform/db/db.ts';
import { LEAF_KINDS } from './leaves.ts';

export interface LogStateRow extends Record<string, unknown> {
  size: number;
  root_hash: Buffer;
  edge: unknown;
  updated_at: Date;
}

export interface UnsequencedRow extends Record<string, unknown> {
  id: number;
  kind: string;
  subject_id: string;
  record: Record<string, unknown>;
}

export interface CheckpointRow extends Record<string, unknown> {
  size: number;
  root_hash: Buffer;
  note: string;
  created_at: Date;
}

export interface EntryRow extends Record<string, unknown> {
  leaf_index: number | null;
  kind: string;
  subject_id: string;
  record: Record<string, unknown>;
  leaf: string | null;
  recorded_at: Date;
}

/** One leaf as the audit streams it. */
export interface AuditLeafRow extends Record<string, unknown> {
  leaf_index: number;
  leaf: string;
  leaf_hash: Buffer;
}

/** Leaves whose records the audit compares with their tables in one query per kind. */
const AUDIT_RANGE = 250_000;

// The record of a leaf's kind as its source table holds it today (null when the row is gone).
const CURRENT_RECORD = `CASE e.kind ${Object.entries(LEAF_KINDS)
  .map(([kind, k]) => `WHEN '${kind}' THEN (SELECT ${k.projection} FROM ${k.table} WHERE ${k.key} = e.subject_id::${k.keyType})`)
  .join(' ')} END`;

export const logRepository = {
  async state(db: Db, forUpdate = false): Promise<LogStateRow> {
    const rows = await db.query<LogStateRow>(`SELECT size, root_hash, edge, updated_at FROM log_state WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`);
    return rows[0] as LogStateRow;
  },

  async unsequenced(db: Db, limit: number): Promise<UnsequencedRow[]> {
    return db.query<UnsequencedRow>('SELECT id, kind, subject_id, record FROM log_entries WHERE leaf_index IS NULL ORDER BY id LIMIT $1', [limit]);
  },

  async assignLeaves(db: Db, ids: number[], indexes: number[], leaves: string[], hashes: Uint8Array[]): Promise<void> {
    await db.query(
      `UPDATE log_entries e SET leaf_index = v.leaf_index, leaf = v.leaf, leaf_hash = v.leaf_hash
       FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bytea[]) AS v(id, leaf_index, leaf, leaf_hash)
       WHERE e.id = v.id`,
      [ids, indexes, leaves, hashes],
    );
  },

  async insertNodes(db: Db, levels: number[], indexes: number[], hashes: Uint8Array[]): Promise<void> {
    await db.query('INSERT INTO log_nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])', [levels, indexes, hashes]);
  },

  async saveState(db: Db, size: number, rootHash: Uint8Array, edge: unknown, at: Date): Promise<void> {
    await db.query('UPDATE log_state SET size = $1, root_hash = $2, edge = $3::jsonb, updated_at = $4 WHERE id = 1', [size, rootHash, JSON.stringify(edge), at]);
  },

  /** Hashes of perfect subtrees, keyed `level:idx`. */
  async nodes(db: Db, wanted: ReadonlyArray<{ level: number; idx: number }>): Promise<Map<string, Buffer>> {
    if (wanted.length === 0) return new Map();
    const rows = await db.query<{ level: number; idx: number; hash: Buffer }>(
      `SELECT n.level, n.idx, n.hash FROM log_nodes n
       JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx`,
      [wanted.map((node) => node.level), wanted.map((node) => node.idx)],
    );
    return new Map(rows.map((row) => [`${row.level}:${Number(row.idx)}`, row.hash]));
  },

  async insertCheckpoint(db: Db, c: { size: number; rootHash: Uint8Array; note: string; at: Date }): Promise<CheckpointRow> {
    const rows = await db.query<CheckpointRow>(
      `INSERT INTO log_checkpoints (size, root_hash, note, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (size) DO UPDATE SET size = log_checkpoints.size RETURNING *`,
      [c.size, c.rootHash, c.note, c.at],
    );
    return rows[0] as CheckpointRow;
  },

  async latestCheckpoint(db: Db): Promise<CheckpointRow | null> {
    const rows = await db.query<CheckpointRow>('SELECT * FROM log_checkpoints ORDER BY size DESC LIMIT 1');
    return rows[0] ?? null;
  },

  async checkpoints(db: Db, limit: number, beforeSize: number | null): Promise<CheckpointRow[]> {
    return db.query<CheckpointRow>('SELECT * FROM log_checkpoints WHERE ($2::bigint IS NULL OR size < $2) ORDER BY size DESC LIMIT $1', [limit, beforeSize]);
  },

  async entriesOf(db: Db, kind: string, subjectId: string): Promise<EntryRow[]> {
    return db.query<EntryRow>('SELECT leaf_index, kind, subject_id, record, leaf, recorded_at FROM log_entries WHERE kind = $1 AND subject_id = $2 ORDER BY id', [kind, subjectId]);
  },

  async book(db: Db, id: string): Promise<{ id: string; code: string; enterprise_id: string; zone_id: string } | null> {
    const rows = await db.query<{ id: string; code: string; enterprise_id: string; zone_id: string }>('SELECT id, code, enterprise_id, zone_id FROM books WHERE id = $1', [id]);
    return rows[0] ?? null;
  },

  /** A book's movements in the log below `size`, oldest first. */
  async bookLeaves(db: Db, bookId: string, size: number): Promise<Array<{ leaf_index: number; leaf: string }>> {
    return db.query<{ leaf_index: number; leaf: string }>(
      `SELECT leaf_index, leaf FROM log_entries
       WHERE kind = 'book.movement' AND record ->> 'book' = $1 AND leaf_index < $2 ORDER BY leaf_index`,
      [bookId, size],
    );
  },

  /**
   * The hashes of leaves [from, to) in leaf order, each with whether it is still the hash of its
   * leaf's text (computed where the text is, so that only the hashes travel; pg_catalog's own
   * SHA-256, which no function created in another schema can stand in for).
   */
  async leafHashRange(db: Db, from: number, to: number): Promise<Array<{ leaf_index: number; leaf_hash: Buffer; intact: boolean }>> {
    return db.query(
      `SELECT leaf_index, leaf_hash, leaf_hash = pg_catalog.sha256('\\x00'::bytea || convert_to(leaf, 'UTF8')) AS intact
       FROM log_entries WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`,
      [from, to],
    );
  },

  /** Leaves [from, to) in leaf order, as stored. */
  async leafRange(db: Db, from: number, to: number): Promise<AuditLeafRow[]> {
    return db.query<AuditLeafRow>('SELECT leaf_index, leaf, leaf_hash FROM log_entries WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index', [from, to]);
  },

  /**
   * The first leaf below `size` whose record, as its leaf carries it, is not what its table holds
   * today (the row changed or is gone): one join per kind rather than a lookup per leaf, over ranges
   * of leaves two at a time (each on its own connection, so a server's two cores share the work),
   * stopping at the first range with a difference.
   */
  async firstChangedRecord(db: Db, size: number): Promise<{ leaf_index: number; kind: string; subject_id: string } | null> {
    const firstIn = async (from: number, to: number) => {
      let first: { leaf_index: number; kind: string; subject_id: string } | null = null;
      for (const [kind, k] of Object.entries(LEAF_KINDS)) {
        const rows = await db.query<{ leaf_index: number; kind: string; subject_id: string }>(
          `SELECT e.leaf_index, e.kind, e.subject_id
           FROM log_entries e
           LEFT JOIN (SELECT ${k.key} AS subject_key, ${k.projection} AS current FROM ${k.table}) s ON s.subject_key = e.subject_id::${k.keyType}
           WHERE e.kind = $1 AND e.leaf_index >= $2 AND e.leaf_index < $3 AND (s.current IS NULL OR s.current IS DISTINCT FROM (e.leaf::jsonb -> 'record'))
           ORDER BY e.leaf_index LIMIT 1`,
          [kind, from, to],
        );
        const row = rows[0];
        if (row && (first === null || Number(row.leaf_index) < Number(first.leaf_index))) first = row;
      }
      return first;
    };
    const ranges: Array<[number, number]> = [];
    for (let from = 0; from < size; from += AUDIT_RANGE) ranges.push([from, Math.min(size, from + AUDIT_RANGE)]);
    for (let i = 0; i < ranges.length; i += 2) {
      const found = (await Promise.all(ranges.slice(i, i + 2).map(([from, to]) => firstIn(from, to)))).find((row) => row !== null);
      if (found) return found;
    }
    return null;
  },

  /** The record a leaf's source row projects to today, to name what differs. */
  async currentRecord(db: Db, leafIndex: number): Promise<Record<string, unknown> | null> {
    const rows = await db.query<{ current: Record<string, unknown> | null }>(`SELECT ${CURRENT_RECORD} AS current FROM log_entries e WHERE e.leaf_index = $1`, [leafIndex]);
    return rows[0]?.current ?? null;
  },
};
