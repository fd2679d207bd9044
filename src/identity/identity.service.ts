// Users, sessions and API keys: login with throttling, bearer authentication, and the admin's
// management of accounts. Secrets are shown once, at creation, and stored only as hashes.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError, FieldErrors, notFound } from '../platform/errors.ts';
import type { Principal, Role } from '../platform/auth/principal.ts';
import { hashPassword, randomPassword, randomSecret, sha256Hex, verifyPassword } from '../platform/auth/secrets.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import { identityRepository as repo, type ApiKeyRow, type UserRow } from './identity.repository.ts';
import { createLoginThrottle } from './login-throttle.ts';

const SESSION_PREFIX = 'cdn_s_';
const KEY_PREFIX = 'cdn_k_';
/** Failed logins in a row before an account is locked for LOCK_SECONDS. */
const LOCK_AFTER = 5;
const LOCK_SECONDS = 300;
/** Partners are other administrations' machine clients: an API key, never a person's account. */
const PARTNER_IS_A_KEY = 'partner is a role for API keys of partner administrations, not for users';

export const API_KEY_SCOPES = [
  'declarations:write',
  'stock-reports:write',
  'gate-events:write',
  'telemetry:write',
  'cctv:write',
  'payments:write',
  'scans:write',
  'feeds:read',
  'metrics:read',
] as const;

export function presentUser(row: UserRow) {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    enterpriseId: row.enterprise_id,
    zoneIds: row.zone_ids,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function presentApiKey(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    enterpriseId: row.enterprise_id,
    zoneIds: row.zone_ids,
    scopes: row.scopes,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

function principalFromKey(key: ApiKeyRow): Principal {
  return {
    kind: 'api_key',
    id: key.id,
    name: key.name,
    role: key.role,
    enterpriseId: key.enterprise_id,
    zoneIds: key.zone_ids,
    scopes: key.scopes,
  };
}

/** The key id of a well-formed API key, in UUID form, with its secret. */
function parseApiKey(token: string): { id: string; secret: string } | null {
  const match = /^cdn_k_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2]) return null;
  return { id: match[1].replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'), secret: match[2] };
}

function principalFromUser(row: UserRow): Principal {
  return {
    kind: 'user',
    id: row.id,
    name: row.username,
    role: row.role,
    enterpriseId: row.enterprise_id,
    zoneIds: row.zone_ids,
    scopes: [],
  };
}

export interface UserInput {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  enterpriseId?: string | null;
  zoneIds?: string[] | null;
}

async function checkScope(db: Db, role: Role, enterpriseId: string | null, zoneIds: string[] | null, errors: FieldErrors) {
  if (role === 'enterprise_user' && !enterpriseId) errors.add('/enterpriseId', 'is required for the enterprise_user role');
  if (role !== 'enterprise_user' && enterpriseId) errors.add('/enterpriseId', 'is allowed only for the enterprise_user role');
  if (enterpriseId && !(await repo.enterpriseExists(db, enterpriseId))) errors.add('/enterpriseId', 'no such enterprise');
  if (zoneIds) {
    for (const missing of await repo.missingZones(db, zoneIds)) {
      errors.add(`/zoneIds/${zoneIds.indexOf(missing)}`, 'no such zone');
    }
  }
}

export function createIdentityService(deps: { db: Db; clock: Clock; tokenTtlSeconds: number }) {
  const { db, clock } = deps;
  const throttle = createLoginThrottle(clock);

  async function createUser(tx: Db, input: UserInput) {
    const errors = new FieldErrors();
    await checkScope(tx, input.role, input.enterpriseId ?? null, input.zoneIds ?? null, errors);
    if (input.role === 'partner') errors.add('/role', PARTNER_IS_A_KEY);
    if (await repo.findUserByUsername(tx, input.username)) errors.add('/username', 'is already taken');
    errors.throwIfAny();
    const row = await repo.insertUser(tx, {
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      enterpriseId: input.enterpriseId ?? null,
      zoneIds: input.zoneIds ?? null,
      passwordHash: await hashPassword(input.password),
    });
    return presentUser(row);
  }

  return {
    createUser,

    /** Creates the first admin on a new database; returns the password when it was generated. */
    async ensureFirstAdmin(password: string | null): Promise<{ created: boolean; password: string | null }> {
      if ((await repo.countUsers(db)) > 0) return { created: false, password: null };
      const chosen = password ?? randomPassword();
      await db.transaction((tx) =>
        createUser(tx, { username: 'admin', displayName: 'Administrator', role: 'admin', password: chosen }),
      );
      return { created: true, password: password === null ? chosen : null };
    },

    /** `address` is the client's network address, whose failed logins are counted across accounts. */
    async login(username: string, password: string, address: string) {
      const throttled = throttle.retryAfterSeconds(address);
      if (throttled > 0) throw new AppError('RATE_LIMITED', 'Too many failed logins from this address; try again later', [], throttled);
      const user = await repo.findUserByUsername(db, username);
      const now = clock.now();
      if (user?.locked_until && user.locked_until > now) {
        const seconds = Math.ceil((user.locked_until.getTime() - now.getTime()) / 1000);
        throw new AppError('RATE_LIMITED', 'Too many failed logins; the account is locked for a few minutes', [], seconds);
      }
      // Verify even for an unknown user so that response time does not reveal which usernames exist.
      const ok = await verifyPassword(password, user?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA');
      if (!user || !ok || !user.active) {
        throttle.recordFailure(address);
        if (user) await repo.recordFailedLogin(db, user.id, LOCK_AFTER, new Date(now.getTime() + LOCK_SECONDS * 1000));
        throw new AppError('UNAUTHENTICATED', 'Wrong username or password');
      }
      const token = SESSION_PREFIX + randomSecret();
      const expiresAt = new Date(now.getTime() + deps.tokenTtlSeconds * 1000);
      await db.transaction(async (tx) => {
        await repo.recordSuccessfulLogin(tx, user.id);
        await repo.insertSession(tx, sha256Hex(token), user.id, expiresAt);
      });
      return { token, expiresAt: expiresAt.toISOString(), user: presentUser(user) };
    },

    purgeExpiredSessions(): Promise<void> {
      return repo.purgeExpiredSessions(db);
    },

    async logout(token: string): Promise<void> {
      await repo.revokeSession(db, sha256Hex(token));
    },

    async authenticate(token: string): Promise<Principal | null> {
      if (token.startsWith(SESSION_PREFIX)) {
        const user = await repo.findActiveSessionUser(db, sha256Hex(token), clock.now());
        return user ? principalFromUser(user) : null;
      }
      if (token.startsWith(KEY_PREFIX)) {
        const parsed = parseApiKey(token);
        if (!parsed) return null;
        const key = await repo.findApiKey(db, parsed.id);
        if (!key || key.revoked_at || (key.expires_at && key.expires_at <= clock.now())) return null;
        const expected = Buffer.from(key.secret_hash, 'hex');
        const actual = Buffer.from(sha256Hex(parsed.secret), 'hex');
        if (!timingSafeEqual(expected, actual)) return null;
        // Last use is kept to the minute: a busy reader's requests do not each cost a write.
        const now = clock.now();
        if (!key.last_used_at || now.getTime() - key.last_used_at.getTime() >= 60_000) await repo.touchApiKey(db, key.id, now);
        return principalFromKey(key);
      }
      return null;
    },

    /**
     * A reference to the credential behind an authenticated bearer token that holds no secret: the
     * session's stored hash, or the API key's id. Long-lived consumers (the event stream) keep it to
     * check later that the session or key is still valid.
     */
    credentialOf(token: string): string | null {
      if (token.startsWith(SESSION_PREFIX)) return `session:${sha256Hex(token)}`;
      const key = token.startsWith(KEY_PREFIX) ? parseApiKey(token) : null;
      return key ? `api_key:${key.id}` : null;
    },

    /** The principal of a credential reference while its session or API key is valid; null once it is not. */
    async authenticateCredential(credential: string): Promise<Principal | null> {
      const [kind, reference] = credential.split(':', 2);
      if (kind === 'session' && reference) {
        const user = await repo.findActiveSessionUser(db, reference, clock.now());
        return user ? principalFromUser(user) : null;
      }
      if (kind === 'api_key' && reference && UUID_PATTERN.test(reference)) {
        const key = await repo.findApiKey(db, reference);
        if (!key || key.revoked_at || (key.expires_at && key.expires_at <= clock.now())) return null;
        return principalFromKey(key);
      }
      return null;
    },

    async getUser(id: string) {
      const row = await repo.findUser(db, id);
      if (!row) throw notFound('User');
      return presentUser(row);
    },

    async listUsers(limit: number, cursor: string | undefined) {
      const after = decodeCursor(cursor, 1)?.[0] ?? null;
      const rows = await repo.listUsers(db, after, limit + 1);
      return toPage(rows, limit, (row) => [row.username], presentUser);
    },

    async updateUser(
      tx: Db,
      id: string,
      patch: { displayName?: string; role?: Role; enterpriseId?: string | null; zoneIds?: string[] | null; password?: string; active?: boolean },
    ) {
      const current = await repo.findUser(tx, id);
      if (!current) throw notFound('User');
      const errors = new FieldErrors();
      const role = patch.role ?? current.role;
      const enterpriseId = patch.enterpriseId !== undefined ? patch.enterpriseId : current.enterprise_id;
      const zoneIds = patch.zoneIds !== undefined ? patch.zoneIds : current.zone_ids;
      await checkScope(tx, role, enterpriseId, zoneIds, errors);
      if (patch.role === 'partner') errors.add('/role', PARTNER_IS_A_KEY);
      errors.throwIfAny();
      const row = await repo.updateUser(tx, id, {
        ...patch,
        enterpriseId,
        passwordHash: patch.password ? await hashPassword(patch.password) : undefined,
      });
      // A change of rights or password ends the user's sessions: they must log in again.
      if (patch.role || patch.password || patch.active === false || patch.zoneIds !== undefined || patch.enterpriseId !== undefined) {
        await repo.revokeUserSessions(tx, id);
      }
      return presentUser(row as UserRow);
    },

    async createApiKey(
      tx: Db,
      createdBy: Principal,
      input: { name: string; role: Role; enterpriseId?: string | null; zoneIds?: string[] | null; scopes: string[]; expiresAt?: string | null },
    ) {
      const errors = new FieldErrors();
      await checkScope(tx, input.role, input.enterpriseId ?? null, input.zoneIds ?? null, errors);
      if (input.expiresAt && new Date(input.expiresAt) <= clock.now()) errors.add('/expiresAt', 'must be in the future');
      errors.throwIfAny();
      const id = randomUUID();
      const secret = randomSecret();
      const row = await repo.insertApiKey(tx, {
        id,
        name: input.name,
        role: input.role,
        enterpriseId: input.enterpriseId ?? null,
        zoneIds: input.zoneIds ?? null,
        scopes: input.scopes,
        secretHash: sha256Hex(secret),
        createdBy: createdBy.id,
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      });
      return { ...presentApiKey(row), key: `${KEY_PREFIX}${id.replaceAll('-', '')}_${secret}` };
    },

    async listApiKeys(limit: number, cursor: string | undefined) {
      const after = decodeCursor(cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''))?.[0] ?? null;
      const rows = await repo.listApiKeys(db, after, limit + 1);
      return toPage(rows, limit, (row) => [row.id], presentApiKey);
    },

    async revokeApiKey(tx: Db, id: string) {
      const row = await repo.revokeApiKey(tx, id);
      if (!row) throw notFound('API key');
      return presentApiKey(row);
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
