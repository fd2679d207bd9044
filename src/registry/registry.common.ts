// What every registry write shares: the history row and outbox event written with the change,
// conflict detection on unique keys, and the shaping of database values.
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { AppError, type FieldErrors } from '../platform/errors.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { UUID_PATTERN } from '../platform/http/pagination.ts';
import { historyRepository } from './history.repository.ts';
import type { EntityType, HistoryAction } from './registry.schemas.ts';

export interface Change {
  entityType: EntityType;
  entityId: string;
  version: number;
  action: HistoryAction;
  actor: Principal;
  at: Date;
  /** The record as it became, as the API presents it. */
  data: Record<string, unknown>;
  zoneId?: string | null;
  enterpriseId?: string | null;
}

/** Keeps the new version in the history and announces it, in the caller's transaction. */
export async function recordChange(db: Db, change: Change): Promise<void> {
  const actorId = UUID_PATTERN.test(change.actor.id) ? change.actor.id : null;
  await historyRepository.insert(db, {
    entityType: change.entityType,
    entityId: change.entityId,
    version: change.version,
    action: change.action,
    changedBy: actorId,
    changedAt: change.at,
    data: change.data,
  });
  await appendEvent(db, {
    type: `${change.entityType}.${change.action === 'CREATED' ? 'created' : 'updated'}`,
    aggregateType: change.entityType,
    aggregateId: change.entityId,
    zoneId: change.zoneId ?? null,
    enterpriseId: change.enterpriseId ?? null,
    actorId,
    payload: { version: change.version, record: change.data },
  });
}

/**
 * Runs an insert or update whose unique key was checked just before: a concurrent writer that took
 * the key in between gets 409 CONFLICT instead of a database error.
 */
export async function guardUnique<T>(path: string, message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if ((error as { code?: unknown }).code === '23505') throw new AppError('CONFLICT', message, [{ path, message }]);
    throw error;
  }
}

/** The error for collected field errors, for callers that must throw where TypeScript can see it. */
export function invalid(errors: FieldErrors): AppError {
  return new AppError('VALIDATION_FAILED', 'The request has invalid fields', errors.details);
}

/** JSON with object keys sorted, so that values compare equal whatever order jsonb gave their keys. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The fields of `patch` whose value differs from `current`: an unchanged PATCH makes no new version. */
export function changedKeys<P extends object>(current: object, patch: P): (keyof P & string)[] {
  const before = current as Record<string, unknown>;
  const after = patch as Record<string, unknown>;
  return Object.keys(after).filter(
    (key) => after[key] !== undefined && canonical(after[key]) !== canonical(before[key]),
  ) as (keyof P & string)[];
}

/** "0.0500" → "0.05", "0.0000" → "0": NUMERIC text without its padding, never through a float. */
export function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

/** A LIKE pattern matching values that contain `text` literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}
