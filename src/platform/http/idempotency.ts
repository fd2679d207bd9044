// Idempotent writes. With an `Idempotency-Key` header, the key, the request's fingerprint and the
// answer are stored in the same transaction as the write itself: a retry gets the first answer back,
// a concurrent duplicate waits for the first to commit and then gets its answer, and a failed
// write stores nothing, so it can be retried as new.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { sha256Hex } from '../auth/secrets.ts';
import { principalOf } from './access.ts';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

interface StoredAnswer extends Record<string, unknown> {
  request_hash: string;
  status_code: number;
  response: unknown;
}

export async function idempotent<T>(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  write: (tx: Db) => Promise<T>,
): Promise<T> {
  const header = request.headers['idempotency-key'];
  if (header === undefined) {
    const result = await db.transaction(write);
    reply.code(status);
    return result;
  }
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined || !KEY_PATTERN.test(key)) {
    throw new AppError('VALIDATION_FAILED', 'Invalid Idempotency-Key header', [
      { path: '/headers/idempotency-key', message: 'must be 1 to 200 printable ASCII characters' },
    ]);
  }
  const principal = principalOf(request);
  const fingerprint = sha256Hex(
    JSON.stringify([request.method, request.routeOptions.url, request.params, request.body ?? null]),
  );
  const outcome = await db.transaction(async (tx) => {
    const claimed = await tx.query(
      `INSERT INTO idempotency_keys (principal_id, idempotency_key, request_hash, status_code, response)
       VALUES ($1, $2, $3, 0, 'null') ON CONFLICT DO NOTHING RETURNING 1`,
      [principal.id, key, fingerprint],
    );
    if (claimed.length === 0) {
      const [stored] = await tx.query<StoredAnswer>(
        'SELECT request_hash, status_code, response FROM idempotency_keys WHERE principal_id = $1 AND idempotency_key = $2',
        [principal.id, key],
      );
      if (!stored) throw new AppError('CONFLICT', 'The idempotency key is being used by a concurrent request; retry');
      if (stored.request_hash !== fingerprint) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request', [
          { path: '/headers/idempotency-key', message: 'must be unique per distinct request' },
        ]);
      }
      return { replayed: true as const, status: stored.status_code, body: stored.response as T };
    }
    const body = await write(tx);
    await tx.query(
      'UPDATE idempotency_keys SET status_code = $3, response = $4::jsonb WHERE principal_id = $1 AND idempotency_key = $2',
      [principal.id, key, status, JSON.stringify(body ?? null)],
    );
    return { replayed: false as const, status, body };
  });
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  reply.code(outcome.status);
  return outcome.body;
}

/** Keys are kept for a day: long enough for any client's retries, short enough to keep the table small. */
export async function purgeIdempotencyKeys(db: Db, olderThanHours = 24): Promise<void> {
  await db.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`, [olderThanHours]);
}
