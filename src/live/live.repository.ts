// SQL of the live stream: stream tickets, and the outbox read by id.
import type { Db } from '../platform/db/db.ts';
import { storedEventOf, type OutboxRow, type StoredEvent } from '../platform/events/outbox.ts';

export const liveRepository = {
  async insertTicket(db: Db, ticket: { hash: string; credential: string; principalId: string; expiresAt: Date }): Promise<void> {
    await db.query('INSERT INTO stream_tickets (ticket_hash, credential, principal_id, expires_at) VALUES ($1, $2, $3, $4)', [
      ticket.hash,
      ticket.credential,
      ticket.principalId,
      ticket.expiresAt,
    ]);
  },

  /** Takes the ticket out (so it serves once) and returns it if it had not expired by `now`. */
  async takeTicket(db: Db, hash: string, now: Date): Promise<{ credential: string } | undefined> {
    const [row] = await db.query<{ credential: string; expires_at: Date }>(
      'DELETE FROM stream_tickets WHERE ticket_hash = $1 RETURNING credential, expires_at',
      [hash],
    );
    return row && row.expires_at > now ? { credential: row.credential } : undefined;
  },

  async purgeExpiredTickets(db: Db, now: Date): Promise<void> {
    await db.query('DELETE FROM stream_tickets WHERE expires_at <= $1', [now]);
  },

  /** The id of the newest event: where a stream without Last-Event-ID begins. */
  async newestEventId(db: Db): Promise<number> {
    const [row] = await db.query<{ id: number | null }>('SELECT max(id) AS id FROM outbox');
    return Number(row?.id ?? 0);
  },

  /** Events with afterId < id <= upTo, oldest first, at most `limit`. */
  async eventsBetween(db: Db, afterId: number, upTo: number, limit: number): Promise<StoredEvent[]> {
    const rows = await db.query<OutboxRow>(
      `SELECT id, event_type, aggregate_type, aggregate_id, zone_id, enterprise_id, payload, occurred_at
       FROM outbox WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3`,
      [afterId, upTo, limit],
    );
    return rows.map(storedEventOf);
  },
};
