// Webhook deliveries: each subscription with a webhook gets its new items POSTed in small batches,
// in feed order. A 2xx answer delivers a batch; anything else (or no answer within the timeout) is
// tried again later, ever less often (10 s, 30 s, 2 min … 8 h, with jitter), for about a day, after
// which the batch is given up, the subscription shows the failure and the next items follow. A later
// batch never overtakes one still being retried. Delivery is at least once: a receiver that answered
// but whose answer was lost sees the same `Cordon-Delivery` id again and can skip it.
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { feedsRepository as repo, type DeliveryRow, type SubscriptionRow } from './feeds.repository.ts';
import { signedItem, webhookSignature } from './feeds.signature.ts';

/** Items per request: small enough to retry cheaply, large enough to catch up after a pause. */
const BATCH = 10;
export const ATTEMPT_TIMEOUT_MS = 5_000;
/** The wait after the n-th failed attempt (the last repeats), before jitter. */
const BACKOFF_SECONDS = [10, 30, 120, 600, 1_800, 3_600, 7_200, 14_400, 28_800] as const;
/** A batch whose next attempt would come later than this after its first is given up. */
const GIVE_UP_AFTER_MS = 24 * 3_600_000;
/** How long a worker holds a subscription; well beyond one turn's attempts and their timeouts. */
const LEASE_MS = 5 * 60_000;
/** Batches sent to one subscription per turn, so that a partner catching up does not hold the worker. */
const BATCHES_PER_TURN = 20;
/** Subscriptions served at once: one slow receiver does not hold up the others. */
const PARALLEL = 4;

/** The wait before attempt `failed + 1`, ±10 % so that receivers coming back are not all hit at once. */
export function retryDelayMs(failed: number, random: () => number = Math.random): number {
  const base = BACKOFF_SECONDS[Math.min(failed, BACKOFF_SECONDS.length) - 1] ?? BACKOFF_SECONDS[0];
  return Math.round(base * 1000 * (0.9 + 0.2 * random()));
}

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  random?: () => number;
  timeoutMs?: number;
}

export interface DeliveryOutcome {
  attempted: number;
  delivered: number;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return `could not connect (${cause.code})`;
  return error instanceof Error ? error.message : String(error);
}

export function createFeedDelivery(deps: DeliveryDeps) {
  const { db, clock } = deps;
  const random = deps.random ?? Math.random;
  const timeoutMs = deps.timeoutMs ?? ATTEMPT_TIMEOUT_MS;

  /** One POST of a batch, recorded with its outcome; true when the receiver took it. */
  async function attempt(subscription: SubscriptionRow, delivery: DeliveryRow): Promise<boolean> {
    const items = (await repo.itemsByIds(db, delivery.item_ids)).map((row) => signedItem(row.body, row.signature));
    const body = JSON.stringify({ subscriptionId: subscription.id, deliveryId: delivery.id, items });
    const sentAt = clock.now();
    const timestamp = Math.floor(sentAt.getTime() / 1000);
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(subscription.webhook_url as string, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Cordon-Feeds/1',
          'cordon-delivery': delivery.id,
          'cordon-signature': webhookSignature(subscription.webhook_secret, timestamp, body),
        },
        body,
        // A redirect is not an answer: the subscription's URL is the one the administrator checked.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (statusCode < 200 || statusCode > 299) error = `answered ${statusCode}`;
    } catch (failure) {
      error = describeFailure(failure, timeoutMs);
    }
    const durationMs = Math.max(0, Math.round(performance.now() - started));
    const number = delivery.attempts + 1;
    const lastItemId = delivery.item_ids[delivery.item_ids.length - 1] ?? 0;
    const key = { id: delivery.id, subscriptionId: subscription.id, lastItemId };
    await db.transaction(async (tx) => {
      await repo.recordAttempt(tx, { deliveryId: delivery.id, attempt: number, at: sentAt, statusCode, error, durationMs });
      if (error === null) return repo.markDelivered(tx, key, sentAt);
      const firstAt = delivery.first_attempt_at ?? sentAt;
      const next = new Date(sentAt.getTime() + retryDelayMs(number, random));
      if (next.getTime() - firstAt.getTime() > GIVE_UP_AFTER_MS) {
        return repo.markFailed(tx, key, sentAt, `given up after ${number} attempts; the last: ${error}`);
      }
      return repo.scheduleRetry(tx, delivery.id, next);
    });
    return error === null;
  }

  /** Sends a subscription's due batches, in order, until one fails or nothing is due. */
  async function serve(subscriptionId: string, outcome: DeliveryOutcome): Promise<void> {
    const now = clock.now();
    const subscription = await repo.takeLease(db, subscriptionId, now, new Date(now.getTime() + LEASE_MS));
    if (!subscription) return;
    try {
      for (let turn = 0; turn < BATCHES_PER_TURN; turn += 1) {
        let delivery = await repo.pendingDelivery(db, subscriptionId);
        if (!delivery) {
          const { ids, head } = await repo.undeliveredItemIds(db, subscriptionId, BATCH);
          if (ids.length === 0) return repo.skipTo(db, subscriptionId, head);
          delivery = await repo.insertDelivery(db, { id: uuidv7(), subscriptionId, itemIds: ids, at: clock.now() });
        }
        if (delivery.next_attempt_at && delivery.next_attempt_at > clock.now()) return;
        outcome.attempted += 1;
        if (!(await attempt(subscription, delivery))) return;
        outcome.delivered += 1;
      }
    } finally {
      await repo.releaseLease(db, subscriptionId);
    }
  }

  return {
    /** Sends every batch that is due now; resolves when the attempts of this turn have ended. */
    async deliverDue(): Promise<DeliveryOutcome> {
      const outcome: DeliveryOutcome = { attempted: 0, delivered: 0 };
      const queue = await repo.webhookSubscriptionsDue(db, clock.now());
      const failures: unknown[] = [];
      const workers = Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          // One subscription's trouble (its lease is released) does not keep the others waiting.
          await serve(id, outcome).catch((error: unknown) => failures.push(error));
        }
      });
      await Promise.all(workers);
      if (failures.length > 0) throw failures[0];
      return outcome;
    },
  };
}
