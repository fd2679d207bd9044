// The transactional outbox: a domain event is written by the same transaction as the change it
// describes, so no change is published without its event and no event without its change.
import type { Db } from '../db/db.ts';

export interface DomainEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  zoneId?: string | null;
  enterpriseId?: string | null;
  actorId?: string | null;
  payload: Record<string, unknown>;
  /**
   * When it happened on the service's clock (the time its change records); the database's time
   * when omitted. Alerts and live events show this time, so it must agree with the record's.
   */
  at?: Date;
}

export async function appendEvent(db: Db, event: DomainEvent): Promise<void> {
  await db.query(
    `INSERT INTO outbox (event_type, aggregate_type, aggregate_id, zone_id, enterprise_id, actor_id, payload, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, COALESCE($8::timestamptz, now()))`,
    [
      event.type,
      event.aggregateType,
      event.aggregateId,
      event.zoneId ?? null,
      event.enterpriseId ?? null,
      event.actorId ?? null,
      JSON.stringify(event.payload),
      event.at ?? null,
    ],
  );
}

export interface StoredEvent {
  id: number;
  type: string;
  aggregateType: string;
  aggregateId: string;
  zoneId: string | null;
  enterpriseId: string | null;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

/** An outbox row as SQL returns it. */
export interface OutboxRow extends Record<string, unknown> {
  id: number;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  zone_id: string | null;
  enterprise_id: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

export function storedEventOf(row: OutboxRow): StoredEvent {
  return {
    id: Number(row.id),
    type: row.event_type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    zoneId: row.zone_id,
    enterpriseId: row.enterprise_id,
    payload: row.payload,
    occurredAt: row.occurred_at,
  };
}

/** Events after `afterId`, oldest first: the read side of the outbox for its consumers. */
export async function readEvents(db: Db, afterId: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db.query<OutboxRow>('SELECT * FROM outbox WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit]);
  return rows.map(storedEventOf);
}
