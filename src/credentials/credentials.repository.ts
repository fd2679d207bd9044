// SQL of credentials and their status lists: issue (allocating a random list index never reused),
// list within a scope, revoke, and the revoked indexes and signed token of a list. Credential rows
// are never deleted.
import type { Db } from '../platform/db/db.ts';
import { recordLeaves } from '../proof/leaves.ts';

export interface CredentialRow extends Record<string, unknown> {
  id: string;
  type: string;
  declaration_id: string | null;
  declaration_reference: string | null;
  trip_id: string | null;
  trip_reference: string | null;
  enterprise_id: string;
  zone_id: string;
  status_list_id: number;
  status_list_index: number;
  credential: Record<string, unknown>;
  token: string;
  issued_at: Date;
  issued_by: string | null;
  revoked_at: Date | null;
  /** Null when Cordon revoked it by itself (its declaration cancelled). */
  revoked_by: string | null;
  revocation_reason: string | null;
}

export interface StatusListRow extends Record<string, unknown> {
  id: number;
  purpose: string;
  size: number;
  next_index: number;
  token: string | null;
  signed_as: string | null;
  signed_at: Date | null;
  revision: number;
}

export interface NewCredentialRow {
  id: string;
  type: string;
  declarationId: string | null;
  tripId: string | null;
  enterpriseId: string;
  zoneId: string;
  statusListId: number;
  statusListIndex: number;
  credential: object;
  token: string;
  issuedAt: Date;
  /** Null when Cordon issued it by itself. */
  issuedBy: string | null;
}

export interface CredentialFilter {
  declarationId?: string | undefined;
  tripId?: string | undefined;
  type?: string | undefined;
  /** Only this enterprise's (a trader's own); null for any. */
  enterpriseId: string | null;
  /** Only these zones; null for all. */
  zoneIds: string[] | null;
  after: { issuedAt: string; id: string } | null;
  limit: number;
}

const SELECT = `SELECT c.*, d.reference AS declaration_reference, t.reference AS trip_reference
  FROM credentials c LEFT JOIN declarations d ON d.id = c.declaration_id LEFT JOIN trips t ON t.id = c.trip_id`;

export const credentialsRepository = {
  /**
   * A free index of an open revocation list, taken for good: a random one (`pick(size)`), so that a
   * position in the published list says nothing of when or in what order documents were issued (the
   * Bitstring Status List's herd privacy). The list stays locked until the transaction ends, so no
   * other issue takes the same index meanwhile; `next_index` counts the indexes taken. When every list
   * is full, a new list (the next id, of the same size) is opened and the index taken there.
   */
  async allocateIndex(db: Db, pick: (size: number) => number): Promise<{ listId: number; index: number }> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const [list] = await db.query<{ id: number; size: number }>(
        `SELECT id, size FROM status_lists WHERE purpose = 'revocation' AND next_index < size ORDER BY id LIMIT 1 FOR UPDATE`,
      );
      if (list) {
        const listId = Number(list.id);
        const size = Number(list.size);
        let index: number | null = null;
        for (let probe = 0; probe < 32 && index === null; probe += 1) {
          const candidate = pick(size);
          const taken = await db.query('SELECT 1 FROM credentials WHERE status_list_id = $1 AND status_list_index = $2', [listId, candidate]);
          if (taken.length === 0) index = candidate;
        }
        // A list nearly full: its lowest free index.
        if (index === null) {
          const [free] = await db.query<{ index: number }>(
            `SELECT g AS index FROM generate_series(0, $2::int - 1) g
             WHERE NOT EXISTS (SELECT 1 FROM credentials WHERE status_list_id = $1 AND status_list_index = g) ORDER BY g LIMIT 1`,
            [listId, size],
          );
          index = free ? Number(free.index) : null;
        }
        if (index !== null) {
          await db.query('UPDATE status_lists SET next_index = next_index + 1 WHERE id = $1', [listId]);
          return { listId, index };
        }
      }
      await db.query(
        `INSERT INTO status_lists (id, purpose, size)
         SELECT COALESCE(MAX(id), 0) + 1, 'revocation', 131072 FROM status_lists
         ON CONFLICT (id) DO NOTHING`,
      );
    }
    throw new Error('no status list index could be allocated');
  },

  async insert(db: Db, row: NewCredentialRow): Promise<void> {
    await db.query(
      `INSERT INTO credentials (id, type, declaration_id, trip_id, enterprise_id, zone_id, status_list_id, status_list_index, credential, token, issued_at, issued_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12)`,
      [
        row.id,
        row.type,
        row.declarationId,
        row.tripId,
        row.enterpriseId,
        row.zoneId,
        row.statusListId,
        row.statusListIndex,
        JSON.stringify(row.credential),
        row.token,
        row.issuedAt,
        row.issuedBy,
      ],
    );
    await recordLeaves(db, 'credential.issued', [row.id]);
  },

  /** The document of this type in force for the declaration (or, for a document about a trip, the trip), if any. */
  async findInForce(db: Db, subject: { declarationId: string; tripId: string | null }, type: string): Promise<CredentialRow | null> {
    const rows = subject.tripId
      ? await db.query<CredentialRow>(`${SELECT} WHERE c.trip_id = $1 AND c.type = $2 AND c.revoked_at IS NULL`, [subject.tripId, type])
      : await db.query<CredentialRow>(`${SELECT} WHERE c.declaration_id = $1 AND c.type = $2 AND c.revoked_at IS NULL AND c.trip_id IS NULL`, [subject.declarationId, type]);
    return rows[0] ?? null;
  },

  /**
   * Trips completed since `since` that never had a custody record (a revoked one counts: it is not
   * issued again by itself), oldest first.
   */
  async tripsAwaitingCustodyRecord(db: Db, since: Date, except: readonly string[], limit: number): Promise<string[]> {
    const rows = await db.query<{ id: string }>(
      `SELECT t.id FROM trips t
       WHERE t.status = 'COMPLETED' AND t.ended_at >= $1 AND t.positions_purged_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.trip_id = t.id AND c.type = 'TripCustodyRecord')
         AND t.id <> ALL($2::uuid[])
       ORDER BY t.ended_at, t.id LIMIT $3`,
      [since, except, limit],
    );
    return rows.map((row) => row.id);
  },

  async get(db: Db, id: string, forUpdate = false): Promise<CredentialRow | null> {
    const rows = await db.query<CredentialRow>(`${SELECT} WHERE c.id = $1${forUpdate ? ' FOR UPDATE OF c' : ''}`, [id]);
    return rows[0] ?? null;
  },

  async list(db: Db, filter: CredentialFilter): Promise<CredentialRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.declarationId) add('c.declaration_id = ?', filter.declarationId);
    if (filter.tripId) add('c.trip_id = ?', filter.tripId);
    if (filter.type) add('c.type = ?', filter.type);
    if (filter.enterpriseId) add('c.enterprise_id = ?', filter.enterpriseId);
    if (filter.zoneIds) add('c.zone_id = ANY(?::uuid[])', filter.zoneIds);
    if (filter.after) {
      params.push(filter.after.issuedAt, filter.after.id);
      where.push(`(c.issued_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(filter.limit + 1);
    return db.query<CredentialRow>(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.issued_at DESC, c.id DESC LIMIT $${params.length}`,
      params,
    );
  },

  /** The declaration's own documents in force (not its trips' custody records), locked. */
  async inForceForDeclaration(db: Db, declarationId: string): Promise<CredentialRow[]> {
    return db.query<CredentialRow>(`${SELECT} WHERE c.declaration_id = $1 AND c.trip_id IS NULL AND c.revoked_at IS NULL ORDER BY c.issued_at, c.id FOR UPDATE OF c`, [declarationId]);
  },

  async revoke(db: Db, id: string, by: string | null, reason: string, at: Date): Promise<void> {
    const revoked = await db.query(`UPDATE credentials SET revoked_at = $2, revoked_by = $3, revocation_reason = $4 WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [id, at, by, reason]);
    if (revoked.length > 0) await recordLeaves(db, 'credential.revoked', [id]);
  },

  /** The list, locked until the transaction ends: whoever signs it again sees every revocation committed before. */
  async lockStatusList(db: Db, id: number): Promise<StatusListRow | null> {
    const rows = await db.query<StatusListRow>('SELECT * FROM status_lists WHERE id = $1 FOR UPDATE', [id]);
    return rows[0] ?? null;
  },

  async getStatusList(db: Db, id: number): Promise<StatusListRow | null> {
    const rows = await db.query<StatusListRow>('SELECT * FROM status_lists WHERE id = $1', [id]);
    return rows[0] ?? null;
  },

  async revokedIndexes(db: Db, listId: number): Promise<number[]> {
    const rows = await db.query<{ status_list_index: number }>(
      'SELECT status_list_index FROM credentials WHERE status_list_id = $1 AND revoked_at IS NOT NULL ORDER BY status_list_index',
      [listId],
    );
    return rows.map((row) => Number(row.status_list_index));
  },

  async storeStatusListToken(db: Db, id: number, token: string, signedAs: string, at: Date): Promise<void> {
    await db.query('UPDATE status_lists SET token = $2, signed_as = $3, signed_at = $4, revision = revision + 1 WHERE id = $1', [id, token, signedAs, at]);
  },
};
