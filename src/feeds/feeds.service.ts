// Partner feeds: the administrator subscribes a partner's API key to kinds of items in some zones,
// optionally pushed to a webhook; the partner pulls its items by cursor; the projector and the
// delivery worker run on the schedule (`project`, `deliverDue`).
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import type { Principal, Role } from '../platform/auth/principal.ts';
import type { SigningKey } from '../platform/keys/signing-key.ts';
import { randomSecret } from '../platform/auth/secrets.ts';
import { AppError, FieldErrors, notFound } from '../platform/errors.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import { feedsRepository as repo, type ApiKeyFactsRow, type AttemptRow, type DeliveryRow, type SubscriptionRow } from './feeds.repository.ts';
import { createFeedProjector } from './feeds.projector.ts';
import { createFeedDelivery } from './feeds.delivery.ts';
import { signedItem } from './feeds.signature.ts';
import type {
  Delivery,
  DeliveryListQuery,
  FeedKind,
  FeedPullQuery,
  Subscription,
  SubscriptionInput,
  SubscriptionListQuery,
  SubscriptionPatch,
} from './feeds.schemas.ts';

/** Partners read the feed, each its own subscriptions' items; nobody else does. */
export const FEED_READERS: readonly Role[] = ['partner'];
/** The administrator decides who is told what. */
export const SUBSCRIPTION_MANAGERS: readonly Role[] = ['admin'];
/** The scope a partner's API key holds to read the feed. */
export const FEED_SCOPE = 'feeds:read';

const SECRET_PREFIX = 'whsec_';

function presentSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    apiKeyId: row.api_key_id,
    name: row.name,
    kinds: row.kinds as FeedKind[],
    zoneIds: row.zone_ids,
    webhookUrl: row.webhook_url,
    active: row.active,
    startCursor: Number(row.start_after),
    deliveredThrough: Number(row.delivered_through),
    failedDeliveries: row.failed_deliveries,
    lastFailure:
      row.last_failure_at && row.last_failure_delivery_id
        ? { deliveryId: row.last_failure_delivery_id, at: row.last_failure_at.toISOString(), reason: row.last_failure_reason ?? '' }
        : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function presentDelivery(row: DeliveryRow, attempts: readonly AttemptRow[]): Delivery {
  return {
    id: row.id,
    status: row.status,
    itemIds: row.item_ids,
    attempts: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({ attempt: attempt.attempt, at: attempt.at.toISOString(), statusCode: attempt.status_code, error: attempt.error, durationMs: attempt.duration_ms })),
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    failedAt: row.failed_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** A webhook is an absolute http(s) URL without credentials or fragment. */
function checkWebhookUrl(url: string | null | undefined, errors: FieldErrors): void {
  if (url === null || url === undefined) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return errors.add('/webhookUrl', 'must be an absolute http or https URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') errors.add('/webhookUrl', 'must use http or https');
  else if (parsed.username || parsed.password) errors.add('/webhookUrl', 'must not carry credentials; the requests are signed instead');
  else if (parsed.hash) errors.add('/webhookUrl', 'must not have a fragment');
}

export interface FeedsDeps {
  db: Db;
  clock: Clock;
  signingKey: SigningKey;
  publicUrl: string;
  /** Jitter of webhook retries; random unless given. */
  random?: () => number;
}

export function createFeedsService(deps: FeedsDeps) {
  const { db, clock, signingKey } = deps;
  const projector = createFeedProjector(deps);
  const delivery = createFeedDelivery({ db, clock, ...(deps.random ? { random: deps.random } : {}) });

  /** The subscriber must be a partner's valid key holding the feed's scope. */
  async function checkSubscriber(tx: Db, apiKeyId: string, errors: FieldErrors): Promise<ApiKeyFactsRow | null> {
    const key = await repo.apiKey(tx, apiKeyId);
    if (!key) errors.add('/apiKeyId', 'no such API key');
    else if (key.role !== 'partner') errors.add('/apiKeyId', 'must be the API key of a partner (role partner)');
    else if (!key.scopes.includes(FEED_SCOPE)) errors.add('/apiKeyId', `must hold the scope ${FEED_SCOPE}`);
    else if (key.revoked_at || (key.expires_at && key.expires_at <= clock.now())) errors.add('/apiKeyId', 'is revoked or expired');
    return key;
  }

  /** Zones that exist, within the zones of the partner's key when it has a restriction. */
  async function checkZones(tx: Db, key: ApiKeyFactsRow | null, zoneIds: readonly string[], errors: FieldErrors): Promise<void> {
    const missing = await repo.missingZones(tx, zoneIds);
    zoneIds.forEach((zoneId, index) => {
      if (missing.includes(zoneId)) errors.add(`/zoneIds/${index}`, 'no such zone');
      else if (key?.zone_ids && !key.zone_ids.includes(zoneId)) errors.add(`/zoneIds/${index}`, "is outside the zones of the partner's API key");
    });
  }

  async function visibleSubscription(on: Db, id: string, forUpdate = false): Promise<SubscriptionRow> {
    const row = await repo.subscription(on, id, forUpdate);
    if (!row) throw notFound('Feed subscription');
    return row;
  }

  return {
    /** Records the items of every outbox event written so far (the schedule runs it every few seconds). */
    project: () => projector.project(),
    /** Sends the webhook batches due now; the schedule runs it, tests call it with their clock. */
    deliverDue: () => delivery.deliverDue(),

    async createSubscription(tx: Db, principal: Principal, input: SubscriptionInput) {
      const errors = new FieldErrors();
      await checkZones(tx, await checkSubscriber(tx, input.apiKeyId, errors), input.zoneIds, errors);
      checkWebhookUrl(input.webhookUrl, errors);
      errors.throwIfAny('The subscription cannot be created');
      const webhookSecret = `${SECRET_PREFIX}${randomSecret()}`;
      const row = await repo.insertSubscription(tx, {
        id: uuidv7(),
        apiKeyId: input.apiKeyId,
        name: input.name.trim(),
        kinds: input.kinds,
        zoneIds: input.zoneIds,
        webhookUrl: input.webhookUrl ?? null,
        webhookSecret,
        active: input.active ?? true,
        // A subscription carries what is recorded from now on, not the zones' past.
        startAfter: await repo.head(tx),
        createdBy: principal.id,
        at: clock.now(),
      });
      return { ...presentSubscription(row), webhookSecret };
    },

    async listSubscriptions(query: SubscriptionListQuery) {
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''));
      const rows = await repo.listSubscriptions(db, { apiKeyId: query.apiKeyId, beforeId: cursor?.[0] ?? null, limit });
      return toPage(rows, limit, (row) => [row.id], presentSubscription);
    },

    async getSubscription(id: string): Promise<Subscription> {
      return presentSubscription(await visibleSubscription(db, id));
    },

    async updateSubscription(tx: Db, id: string, patch: SubscriptionPatch): Promise<Subscription> {
      const current = await visibleSubscription(tx, id, true);
      const errors = new FieldErrors();
      if (patch.zoneIds) await checkZones(tx, await repo.apiKey(tx, current.api_key_id), patch.zoneIds, errors);
      checkWebhookUrl(patch.webhookUrl, errors);
      errors.throwIfAny('The subscription cannot be changed');
      const row = await repo.updateSubscription(tx, id, {
        name: patch.name?.trim() ?? current.name,
        kinds: patch.kinds ?? current.kinds,
        zoneIds: patch.zoneIds ?? current.zone_ids,
        webhookUrl: patch.webhookUrl !== undefined ? patch.webhookUrl : current.webhook_url,
        active: patch.active ?? current.active,
        at: clock.now(),
      });
      return presentSubscription(row);
    },

    /** Ends the subscription: no more items by pull or webhook; its deliveries stay on record. */
    async deleteSubscription(tx: Db, id: string): Promise<Subscription> {
      await visibleSubscription(tx, id, true);
      return presentSubscription(await repo.deleteSubscription(tx, id, clock.now()));
    },

    async listDeliveries(id: string, query: DeliveryListQuery) {
      await visibleSubscription(db, id);
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, 1, ([deliveryId]) => UUID_PATTERN.test(deliveryId ?? ''));
      const rows = await repo.listDeliveries(db, { subscriptionId: id, status: query.status, beforeId: cursor?.[0] ?? null, limit });
      const page = toPage(rows, limit, (row) => [row.id], (row) => row);
      const attempts = await repo.attemptsOf(db, page.items.map((row) => row.id));
      return { items: page.items.map((row) => presentDelivery(row, attempts)), nextCursor: page.nextCursor };
    },

    /** The calling partner's items after a cursor, oldest first, each with its signature. */
    async pull(principal: Principal, query: FeedPullQuery) {
      if (principal.kind !== 'api_key') throw new AppError('FORBIDDEN', 'The feed is read with a partner’s API key');
      const after = query.after ?? 0;
      const limit = query.limit ?? 100;
      const { rows, head } = await repo.itemsForKey(db, principal.id, after, limit);
      const last = rows[rows.length - 1];
      // A short page holds every item of the caller's up to the head, so the next read starts there.
      const nextCursor = rows.length === limit && last ? last.id : Math.max(after, head);
      return { items: rows.map((row) => signedItem(row.body, row.signature)), nextCursor };
    },

    /** The public key that verifies every item's signature, as a JWK Set. */
    keys() {
      const { x, kid } = signingKey.publicJwk;
      return { keys: [{ kty: 'OKP' as const, crv: 'Ed25519' as const, x: x as string, kid: kid ?? signingKey.keyId, alg: 'EdDSA' as const, use: 'sig' as const }] };
    },
  };
}

export type FeedsService = ReturnType<typeof createFeedsService>;
