// SQL of partner feeds: the projector's position in the outbox, the items, the facts an item is made
// of, subscriptions, and webhook deliveries with their attempts.
import type { Db } from '../platform/db/db.ts';
import { storedEventOf, type OutboxRow, type StoredEvent } from '../platform/events/outbox.ts';

export interface ProjectionRow extends Record<string, unknown> {
  last_event_id: number;
  last_item_id: number;
}

export interface ItemRow extends Record<string, unknown> {
  id: number;
  body: string;
  signature: string;
}

export interface DeclarationFactsRow extends Record<string, unknown> {
  id: string;
  reference: string;
  type: string;
  zone_id: string;
  destination_zone_id: string | null;
  container_numbers: string[];
  enterprise_name: string;
}

export interface PassageFactsRow extends Record<string, unknown> {
  id: string;
  zone_id: string;
  gate_code: string;
  declaration_id: string | null;
  read_containers: Array<{ number: string }>;
  pass_id: string | null;
  pass_direction: 'IN' | 'OUT' | null;
  pass_containers: string[] | null;
  /** The passage that used the pass: this one when the goods went through on it. */
  pass_used_by: string | null;
}

export interface ApiKeyFactsRow extends Record<string, unknown> {
  id: string;
  role: string;
  scopes: string[];
  zone_ids: string[] | null;
  revoked_at: Date | null;
  expires_at: Date | null;
}

export interface SubscriptionRow extends Record<string, unknown> {
  id: string;
  api_key_id: string;
  name: string;
  kinds: string[];
  zone_ids: string[];
  webhook_url: string | null;
  webhook_secret: string;
  active: boolean;
  start_after: number;
  delivered_through: number;
  failed_deliveries: number;
  last_failure_at: Date | null;
  last_failure_delivery_id: string | null;
  last_failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryRow extends Record<string, unknown> {
  id: string;
  subscription_id: string;
  item_ids: number[];
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  next_attempt_at: Date | null;
  first_attempt_at: Date | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  created_at: Date;
}

export interface AttemptRow extends Record<string, unknown> {
  delivery_id: string;
  attempt: number;
  at: Date;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** A subscription's filter, as both the pull and the webhook apply it. */
const MATCHES_SUBSCRIPTION = `i.id > s.start_after AND i.kind = ANY(s.kinds) AND i.zone_id = ANY(s.zone_ids)
  AND (k.zone_ids IS NULL OR i.zone_id = ANY(k.zone_ids))`;

const numbers = (ids: readonly (number | string)[]) => ids.map(Number);

export const feedsRepository = {
  // --- the projector --------------------------------------------------------------------------

  /** The projector's position, locked until the transaction ends: one projector at a time. */
  async lockProjection(db: Db): Promise<ProjectionRow> {
    const [row] = await db.query<ProjectionRow>('SELECT last_event_id, last_item_id FROM feed_projection WHERE id = 1 FOR UPDATE');
    if (!row) throw new Error('the feed projection row is missing');
    return { last_event_id: Number(row.last_event_id), last_item_id: Number(row.last_item_id) };
  },

  async saveProjection(db: Db, lastEventId: number, lastItemId: number): Promise<void> {
    await db.query('UPDATE feed_projection SET last_event_id = $1, last_item_id = $2 WHERE id = 1', [lastEventId, lastItemId]);
  },

  async addGaps(db: Db, eventIds: readonly number[], at: Date): Promise<void> {
    if (eventIds.length === 0) return;
    await db.query('INSERT INTO feed_projection_gaps (event_id, noticed_at) SELECT unnest($1::bigint[]), $2 ON CONFLICT DO NOTHING', [eventIds, at]);
  },

  async removeGaps(db: Db, eventIds: readonly number[]): Promise<void> {
    if (eventIds.length === 0) return;
    await db.query('DELETE FROM feed_projection_gaps WHERE event_id = ANY($1::bigint[])', [eventIds]);
  },

  async forgetGapsNoticedBefore(db: Db, before: Date): Promise<void> {
    await db.query('DELETE FROM feed_projection_gaps WHERE noticed_at < $1', [before]);
  },

  /** Events the projector once found missing that have committed since. */
  async lateEvents(db: Db, limit: number): Promise<StoredEvent[]> {
    const rows = await db.query<OutboxRow>(
      `SELECT o.id, o.event_type, o.aggregate_type, o.aggregate_id, o.zone_id, o.enterprise_id, o.payload, o.occurred_at
       FROM feed_projection_gaps g JOIN outbox o ON o.id = g.event_id ORDER BY o.id LIMIT $1`,
      [limit],
    );
    return rows.map(storedEventOf);
  },

  async insertItem(db: Db, item: { id: number; eventId: number; kind: string; zoneId: string; occurredAt: Date; body: string; signature: string; at: Date }): Promise<void> {
    await db.query(
      `INSERT INTO feed_items (id, event_id, kind, zone_id, occurred_at, body, signature, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [item.id, item.eventId, item.kind, item.zoneId, item.occurredAt, item.body, item.signature, item.at],
    );
  },

  async declarationFacts(db: Db, id: string): Promise<DeclarationFactsRow | null> {
    const [row] = await db.query<DeclarationFactsRow>(
      `SELECT d.id, d.reference, d.type, d.zone_id, d.destination_zone_id, d.container_numbers, e.name AS enterprise_name
       FROM declarations d JOIN enterprises e ON e.id = d.enterprise_id WHERE d.id = $1`,
      [id],
    );
    return row ?? null;
  },

  async passageFacts(db: Db, id: string): Promise<PassageFactsRow | null> {
    const [row] = await db.query<PassageFactsRow>(
      `SELECT ps.id, ps.zone_id, g.code AS gate_code, ps.declaration_id, ps.containers AS read_containers,
              p.id AS pass_id, p.direction AS pass_direction, p.containers AS pass_containers, p.passage_id AS pass_used_by
       FROM gate_passages ps JOIN gates g ON g.id = ps.gate_id LEFT JOIN gate_passes p ON p.id = ps.pass_id
       WHERE ps.id = $1`,
      [id],
    );
    return row ?? null;
  },

  /** Whether any of the declaration's goods went through a gate on a pass. */
  async passedAGate(db: Db, declarationId: string): Promise<boolean> {
    const rows = await db.query(`SELECT 1 FROM gate_passes WHERE declaration_id = $1 AND status = 'USED' AND passage_id IS NOT NULL LIMIT 1`, [declarationId]);
    return rows.length > 0;
  },

  /** How partners name a zone: its UN/LOCODE, or its code when it has none. */
  async zoneName(db: Db, id: string): Promise<string | null> {
    const [row] = await db.query<{ name: string }>(`SELECT COALESCE(NULLIF(trim(locode), ''), code) AS name FROM zones WHERE id = $1`, [id]);
    return row?.name ?? null;
  },

  // --- reading the feed -----------------------------------------------------------------------

  /** The newest item's cursor. */
  async head(db: Db): Promise<number> {
    const [row] = await db.query<{ head: number }>('SELECT last_item_id AS head FROM feed_projection WHERE id = 1');
    return Number(row?.head ?? 0);
  },

  /**
   * A partner's items after a cursor, oldest first: those of its active subscriptions (their kinds
   * and zones) within its key's zones. `head` is read in the same statement, so a short page can
   * say that nothing up to it was left out.
   */
  async itemsForKey(db: Db, apiKeyId: string, after: number, limit: number): Promise<{ rows: ItemRow[]; head: number }> {
    const rows = await db.query<ItemRow & { head: number | null }>(
      `WITH head AS (SELECT COALESCE(max(id), 0) AS head FROM feed_items),
       page AS (
         SELECT i.id, i.body, i.signature FROM feed_items i
         WHERE i.id > $2 AND EXISTS (
           SELECT 1 FROM feed_subscriptions s JOIN api_keys k ON k.id = s.api_key_id
           WHERE s.api_key_id = $1 AND s.active AND s.deleted_at IS NULL AND ${MATCHES_SUBSCRIPTION})
         ORDER BY i.id LIMIT $3)
       SELECT page.id, page.body, page.signature, head.head FROM head LEFT JOIN page ON true ORDER BY page.id`,
      [apiKeyId, after, limit],
    );
    const head = Number(rows[0]?.head ?? 0);
    return { rows: rows.filter((row) => row.id !== null).map((row) => ({ id: Number(row.id), body: row.body, signature: row.signature })), head };
  },

  async itemsByIds(db: Db, ids: readonly number[]): Promise<ItemRow[]> {
    const rows = await db.query<ItemRow>('SELECT id, body, signature FROM feed_items WHERE id = ANY($1::bigint[]) ORDER BY id', [ids]);
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  },

  // --- subscriptions --------------------------------------------------------------------------

  async apiKey(db: Db, id: string): Promise<ApiKeyFactsRow | null> {
    const [row] = await db.query<ApiKeyFactsRow>('SELECT id, role, scopes, zone_ids, revoked_at, expires_at FROM api_keys WHERE id = $1', [id]);
    return row ?? null;
  },

  async missingZones(db: Db, ids: readonly string[]): Promise<string[]> {
    const rows = await db.query<{ id: string }>('SELECT id FROM unnest($1::uuid[]) AS wanted(id) WHERE NOT EXISTS (SELECT 1 FROM zones z WHERE z.id = wanted.id)', [ids]);
    return rows.map((row) => row.id);
  },

  async insertSubscription(
    db: Db,
    s: { id: string; apiKeyId: string; name: string; kinds: string[]; zoneIds: string[]; webhookUrl: string | null; webhookSecret: string; active: boolean; startAfter: number; createdBy: string; at: Date },
  ): Promise<SubscriptionRow> {
    const [row] = await db.query<SubscriptionRow>(
      `INSERT INTO feed_subscriptions (id, api_key_id, name, kinds, zone_ids, webhook_url, webhook_secret, active, start_after, delivered_through, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4::text[], $5::uuid[], $6, $7, $8, $9, $9, $10, $11, $11) RETURNING *`,
      [s.id, s.apiKeyId, s.name, s.kinds, s.zoneIds, s.webhookUrl, s.webhookSecret, s.active, s.startAfter, s.createdBy, s.at],
    );
    return row as SubscriptionRow;
  },

  async subscription(db: Db, id: string, forUpdate = false): Promise<SubscriptionRow | null> {
    const [row] = await db.query<SubscriptionRow>(`SELECT * FROM feed_subscriptions WHERE id = $1 AND deleted_at IS NULL${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row ?? null;
  },

  async listSubscriptions(db: Db, filter: { apiKeyId?: string | undefined; beforeId: string | null; limit: number }): Promise<SubscriptionRow[]> {
    return db.query<SubscriptionRow>(
      `SELECT * FROM feed_subscriptions
       WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR api_key_id = $1) AND ($2::uuid IS NULL OR id < $2)
       ORDER BY id DESC LIMIT $3`,
      [filter.apiKeyId ?? null, filter.beforeId, filter.limit + 1],
    );
  },

  async updateSubscription(
    db: Db,
    id: string,
    s: { name: string; kinds: string[]; zoneIds: string[]; webhookUrl: string | null; active: boolean; at: Date },
  ): Promise<SubscriptionRow> {
    const [row] = await db.query<SubscriptionRow>(
      `UPDATE feed_subscriptions SET name = $2, kinds = $3::text[], zone_ids = $4::uuid[], webhook_url = $5, active = $6, updated_at = $7, version = version + 1
       WHERE id = $1 RETURNING *`,
      [id, s.name, s.kinds, s.zoneIds, s.webhookUrl, s.active, s.at],
    );
    return row as SubscriptionRow;
  },

  async deleteSubscription(db: Db, id: string, at: Date): Promise<SubscriptionRow> {
    const [row] = await db.query<SubscriptionRow>('UPDATE feed_subscriptions SET deleted_at = $2, active = false, updated_at = $2 WHERE id = $1 RETURNING *', [id, at]);
    return row as SubscriptionRow;
  },

  // --- webhook deliveries ---------------------------------------------------------------------

  /**
   * Subscriptions with something to send now: active, pushing to a webhook, of a valid key, free of
   * another worker, and with a batch due for another attempt or (none under way) items newer than
   * those delivered. Read only: an idle subscription costs no write.
   */
  async webhookSubscriptionsDue(db: Db, now: Date): Promise<string[]> {
    const rows = await db.query<{ id: string }>(
      `SELECT s.id FROM feed_subscriptions s JOIN api_keys k ON k.id = s.api_key_id
       WHERE s.deleted_at IS NULL AND s.active AND s.webhook_url IS NOT NULL AND (s.lease_until IS NULL OR s.lease_until <= $1)
         AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $1)
         AND (EXISTS (SELECT 1 FROM feed_deliveries d WHERE d.subscription_id = s.id AND d.status = 'PENDING' AND d.next_attempt_at <= $1)
              OR (NOT EXISTS (SELECT 1 FROM feed_deliveries d WHERE d.subscription_id = s.id AND d.status = 'PENDING')
                  AND s.delivered_through < (SELECT last_item_id FROM feed_projection WHERE id = 1)))
       ORDER BY s.id`,
      [now],
    );
    return rows.map((row) => row.id);
  },

  /**
   * Takes the subscription's delivery lease until `until`, unless another worker holds it: one
   * worker at a time sends a subscription's items, so they arrive in order and once per attempt.
   */
  async takeLease(db: Db, id: string, now: Date, until: Date): Promise<SubscriptionRow | null> {
    const [row] = await db.query<SubscriptionRow>(
      `UPDATE feed_subscriptions SET lease_until = $3
       WHERE id = $1 AND deleted_at IS NULL AND active AND webhook_url IS NOT NULL AND (lease_until IS NULL OR lease_until <= $2)
       RETURNING *`,
      [id, now, until],
    );
    return row ?? null;
  },

  async releaseLease(db: Db, id: string): Promise<void> {
    await db.query('UPDATE feed_subscriptions SET lease_until = NULL WHERE id = $1', [id]);
  },

  async pendingDelivery(db: Db, subscriptionId: string): Promise<DeliveryRow | null> {
    const [row] = await db.query<DeliveryRow>(`SELECT * FROM feed_deliveries WHERE subscription_id = $1 AND status = 'PENDING'`, [subscriptionId]);
    return row ? { ...row, item_ids: numbers(row.item_ids) } : null;
  },

  /**
   * The next items the subscription's webhook has not had, oldest first; with the newest item's
   * number read in the same statement, up to which, when none is found, nothing is left to send.
   */
  async undeliveredItemIds(db: Db, subscriptionId: string, limit: number): Promise<{ ids: number[]; head: number }> {
    const rows = await db.query<{ id: number | null; head: number }>(
      `WITH head AS (SELECT COALESCE(max(id), 0) AS head FROM feed_items),
       page AS (
         SELECT i.id FROM feed_subscriptions s JOIN api_keys k ON k.id = s.api_key_id
         JOIN feed_items i ON i.id > s.delivered_through AND ${MATCHES_SUBSCRIPTION}
         WHERE s.id = $1 AND s.deleted_at IS NULL ORDER BY i.id LIMIT $2)
       SELECT page.id, head.head FROM head LEFT JOIN page ON true ORDER BY page.id`,
      [subscriptionId, limit],
    );
    return { ids: numbers(rows.flatMap((row) => (row.id === null ? [] : [row.id]))), head: Number(rows[0]?.head ?? 0) };
  },

  /** Nothing of the subscription's up to `head`: the next look starts after it. */
  async skipTo(db: Db, subscriptionId: string, head: number): Promise<void> {
    await db.query('UPDATE feed_subscriptions SET delivered_through = GREATEST(delivered_through, $2) WHERE id = $1', [subscriptionId, head]);
  },

  async insertDelivery(db: Db, d: { id: string; subscriptionId: string; itemIds: number[]; at: Date }): Promise<DeliveryRow> {
    const [row] = await db.query<DeliveryRow>(
      `INSERT INTO feed_deliveries (id, subscription_id, item_ids, status, next_attempt_at, created_at)
       VALUES ($1, $2, $3::bigint[], 'PENDING', $4, $4) RETURNING *`,
      [d.id, d.subscriptionId, d.itemIds, d.at],
    );
    const inserted = row as DeliveryRow;
    return { ...inserted, item_ids: numbers(inserted.item_ids) };
  },

  async recordAttempt(db: Db, a: { deliveryId: string; attempt: number; at: Date; statusCode: number | null; error: string | null; durationMs: number }): Promise<void> {
    await db.query(
      `INSERT INTO feed_delivery_attempts (delivery_id, attempt, at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
      [a.deliveryId, a.attempt, a.at, a.statusCode, a.error, a.durationMs],
    );
    await db.query(
      `UPDATE feed_deliveries SET attempts = $2, first_attempt_at = COALESCE(first_attempt_at, $3), last_attempt_at = $3 WHERE id = $1`,
      [a.deliveryId, a.attempt, a.at],
    );
  },

  async markDelivered(db: Db, delivery: { id: string; subscriptionId: string; lastItemId: number }, at: Date): Promise<void> {
    await db.query(`UPDATE feed_deliveries SET status = 'DELIVERED', delivered_at = $2, next_attempt_at = NULL WHERE id = $1`, [delivery.id, at]);
    await db.query('UPDATE feed_subscriptions SET delivered_through = GREATEST(delivered_through, $2) WHERE id = $1', [delivery.subscriptionId, delivery.lastItemId]);
  },

  async scheduleRetry(db: Db, id: string, at: Date): Promise<void> {
    await db.query('UPDATE feed_deliveries SET next_attempt_at = $2 WHERE id = $1', [id, at]);
  },

  /** Gives the delivery up; the subscription shows the failure and goes on with later items. */
  async markFailed(db: Db, delivery: { id: string; subscriptionId: string; lastItemId: number }, at: Date, reason: string): Promise<void> {
    await db.query(`UPDATE feed_deliveries SET status = 'FAILED', failed_at = $2, next_attempt_at = NULL WHERE id = $1`, [delivery.id, at]);
    await db.query(
      `UPDATE feed_subscriptions SET delivered_through = GREATEST(delivered_through, $2), failed_deliveries = failed_deliveries + 1,
         last_failure_at = $3, last_failure_delivery_id = $4, last_failure_reason = $5
       WHERE id = $1`,
      [delivery.subscriptionId, delivery.lastItemId, at, delivery.id, reason],
    );
  },

  async listDeliveries(db: Db, filter: { subscriptionId: string; status?: string | undefined; beforeId: string | null; limit: number }): Promise<DeliveryRow[]> {
    const rows = await db.query<DeliveryRow>(
      `SELECT * FROM feed_deliveries
       WHERE subscription_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR id < $3)
       ORDER BY id DESC LIMIT $4`,
      [filter.subscriptionId, filter.status ?? null, filter.beforeId, filter.limit + 1],
    );
    return rows.map((row) => ({ ...row, item_ids: numbers(row.item_ids) }));
  },

  async attemptsOf(db: Db, deliveryIds: readonly string[]): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    return db.query<AttemptRow>('SELECT * FROM feed_delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id, attempt', [deliveryIds]);
  },
};
