// SQL for users, sessions and API keys.
import type { Db } from '../platform/db/db.ts';
import type { Role } from '../platform/auth/principal.ts';

export interface UserRow extends Record<string, unknown> {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  enterprise_id: string | null;
  zone_ids: string[] | null;
  password_hash: string;
  active: boolean;
  failed_logins: number;
  locked_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface ApiKeyRow extends Record<string, unknown> {
  id: string;
  name: string;
  role: Role;
  enterprise_id: string | null;
  zone_ids: string[] | null;
  scopes: string[];
  secret_hash: string;
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  enterpriseId: string | null;
  zoneIds: string[] | null;
  passwordHash: string;
}

export const identityRepository = {
  async missingZones(db: Db, zoneIds: string[]): Promise<string[]> {
    if (zoneIds.length === 0) return [];
    const rows = await db.query<{ id: string }>('SELECT id FROM zones WHERE id = ANY($1::uuid[])', [zoneIds]);
    const found = new Set(rows.map((row) => row.id));
    return zoneIds.filter((id) => !found.has(id));
  },

  async enterpriseExists(db: Db, enterpriseId: string): Promise<boolean> {
    const rows = await db.query('SELECT 1 FROM enterprises WHERE id = $1', [enterpriseId]);
    return rows.length > 0;
  },

  async countUsers(db: Db): Promise<number> {
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    return row?.n ?? 0;
  },

  async insertUser(db: Db, user: NewUser): Promise<UserRow> {
    const [row] = await db.query<UserRow>(
      `INSERT INTO users (username, display_name, role, enterprise_id, zone_ids, password_hash)
       VALUES ($1, $2, $3, $4, $5::uuid[], $6) RETURNING *`,
      [user.username, user.displayName, user.role, user.enterpriseId, user.zoneIds, user.passwordHash],
    );
    return row as UserRow;
  },

  async findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
    const [row] = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
    return row;
  },

  async findUser(db: Db, id: string): Promise<UserRow | undefined> {
    const [row] = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return row;
  },

  async listUsers(db: Db, afterUsername: string | null, limit: number): Promise<UserRow[]> {
    return db.query<UserRow>(
      'SELECT * FROM users WHERE ($1::text IS NULL OR username > $1) ORDER BY username LIMIT $2',
      [afterUsername, limit],
    );
  },

  async updateUser(
    db: Db,
    id: string,
    patch: { displayName?: string; role?: Role; enterpriseId?: string | null; zoneIds?: string[] | null; passwordHash?: string; active?: boolean },
  ): Promise<UserRow | undefined> {
    const [row] = await db.query<UserRow>(
      `UPDATE users SET
         display_name = COALESCE($2, display_name),
         role = COALESCE($3, role),
         enterprise_id = CASE WHEN $4 THEN $5::uuid ELSE enterprise_id END,
         zone_ids = CASE WHEN $6 THEN $7::uuid[] ELSE zone_ids END,
         password_hash = COALESCE($8, password_hash),
         active = COALESCE($9, active),
         failed_logins = CASE WHEN $8::text IS NULL THEN failed_logins ELSE 0 END,
         locked_until = CASE WHEN $8::text IS NULL THEN locked_until ELSE NULL END,
         updated_at = now()
       WHERE id = $1 RETURNING *`,
      [
        id,
        patch.displayName ?? null,
        patch.role ?? null,
        patch.enterpriseId !== undefined,
        patch.enterpriseId ?? null,
        patch.zoneIds !== undefined,
        patch.zoneIds ?? null,
        patch.passwordHash ?? null,
        patch.active ?? null,
      ],
    );
    return row;
  },

  async recordFailedLogin(db: Db, id: string, lockAfter: number, lockUntil: Date): Promise<void> {
    await db.query(
      `UPDATE users SET failed_logins = failed_logins + 1,
         locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
       WHERE id = $1`,
      [id, lockAfter, lockUntil],
    );
  },

  async recordSuccessfulLogin(db: Db, id: string): Promise<void> {
    await db.query('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [id]);
  },

  async insertSession(db: Db, tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
    await db.query('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [tokenHash, userId, expiresAt]);
  },

  async findActiveSessionUser(db: Db, tokenHash: string, now: Date): Promise<UserRow | undefined> {
    const [row] = await db.query<UserRow>(
      `SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.active`,
      [tokenHash, now],
    );
    return row;
  },

  async revokeSession(db: Db, tokenHash: string): Promise<void> {
    await db.query('UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash]);
  },

  async revokeUserSessions(db: Db, userId: string): Promise<void> {
    await db.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  },

  async insertApiKey(
    db: Db,
    key: { id: string; name: string; role: Role; enterpriseId: string | null; zoneIds: string[] | null; scopes: string[]; secretHash: string; createdBy: string; expiresAt: Date | null },
  ): Promise<ApiKeyRow> {
    const [row] = await db.query<ApiKeyRow>(
      `INSERT INTO api_keys (id, name, role, enterprise_id, zone_ids, scopes, secret_hash, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5::uuid[], $6::text[], $7, $8, $9) RETURNING *`,
      [key.id, key.name, key.role, key.enterpriseId, key.zoneIds, key.scopes, key.secretHash, key.createdBy, key.expiresAt],
    );
    return row as ApiKeyRow;
  },

  async findApiKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
    const [row] = await db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
    return row;
  },

  async listApiKeys(db: Db, afterId: string | null, limit: number): Promise<ApiKeyRow[]> {
    return db.query<ApiKeyRow>(
      'SELECT * FROM api_keys WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2',
      [afterId, limit],
    );
  },

  async revokeApiKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
    const [row] = await db.query<ApiKeyRow>(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *',
      [id],
    );
    return row;
  },

  async purgeExpiredSessions(db: Db): Promise<void> {
    await db.query(`DELETE FROM sessions WHERE expires_at < now() - interval '1 day'`);
  },

  async touchApiKey(db: Db, id: string, at: Date): Promise<void> {
    // At most one write a minute per key, even when several requests find it stale at once.
    await db.query(
      `UPDATE api_keys SET last_used_at = $2
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $2::timestamptz - interval '1 minute')`,
      [id, at],
    );
  },
};
