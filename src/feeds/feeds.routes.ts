// Partner feeds over HTTP: the administrator's subscriptions and their webhook deliveries, the
// partner's pull of its items, and the public key that verifies them.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import { FEED_READERS, FEED_SCOPE, SUBSCRIPTION_MANAGERS } from './feeds.service.ts';
import {
  CreatedSubscription,
  Delivery,
  DeliveryListQuery,
  FeedKeys,
  FeedPage,
  FeedPullQuery,
  Subscription,
  SubscriptionInput,
  SubscriptionListQuery,
  SubscriptionPatch,
} from './feeds.schemas.ts';

const PULL_DESCRIPTION = `Items of the caller's subscriptions (their kinds and zones, within the API key's zones), oldest
first. Start with ?after=0 (or none) and send each answer's nextCursor as the next ?after=; the numbering is
Cordon's own and never changes, so a cursor stays good across restarts. Each item carries \`signature\`, a
compact JWS (EdDSA, typ feed-item+jwt) whose payload is the RFC 8785 canonical JSON of the item without its
signature; verify it with the key of GET /api/v1/feeds/keys named by the JWS's kid.`;

export function registerFeedRoutes(app: App, ctx: AppContext): void {
  const { feeds, db } = ctx;
  const tags = ['feeds'];
  const managers = { access: { roles: SUBSCRIPTION_MANAGERS } };

  app.post(
    '/api/v1/feed-subscriptions',
    {
      config: managers,
      schema: {
        tags,
        summary: "Subscribe a partner's API key to kinds of items in some zones; the webhook secret is shown only in this answer",
        body: SubscriptionInput,
        response: { 201: CreatedSubscription, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => feeds.createSubscription(tx, principalOf(request), request.body)),
  );

  app.get(
    '/api/v1/feed-subscriptions',
    { config: managers, schema: { tags, summary: 'Feed subscriptions, newest first', querystring: SubscriptionListQuery, response: { 200: Page(Subscription), ...errorResponses } } },
    (request) => feeds.listSubscriptions(request.query),
  );

  app.get(
    '/api/v1/feed-subscriptions/:id',
    { config: managers, schema: { tags, summary: 'One feed subscription, with the last webhook failure', params: IdParams, response: { 200: Subscription, ...errorResponses } } },
    (request) => feeds.getSubscription(request.params.id),
  );

  app.patch(
    '/api/v1/feed-subscriptions/:id',
    {
      config: managers,
      schema: { tags, summary: 'Change the kinds, zones, webhook or name of a subscription, or pause it', params: IdParams, body: SubscriptionPatch, response: { 200: Subscription, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => feeds.updateSubscription(tx, request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/feed-subscriptions/:id',
    { config: managers, schema: { tags, summary: 'End a subscription; its deliveries stay on record', params: IdParams, response: { 200: Subscription, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => feeds.deleteSubscription(tx, request.params.id)),
  );

  app.get(
    '/api/v1/feed-subscriptions/:id/deliveries',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Webhook deliveries of a subscription, newest first, with every attempt',
        params: IdParams,
        querystring: DeliveryListQuery,
        response: { 200: Page(Delivery), ...errorResponses },
      },
    },
    (request) => feeds.listDeliveries(request.params.id, request.query),
  );

  app.get(
    '/api/v1/feeds/items',
    {
      config: { access: { roles: FEED_READERS, keyScope: FEED_SCOPE } },
      schema: { tags, summary: "The partner's feed items after a cursor", description: PULL_DESCRIPTION, querystring: FeedPullQuery, response: { 200: FeedPage, ...errorResponses } },
    },
    (request) => feeds.pull(principalOf(request), request.query),
  );

  app.get(
    '/api/v1/feeds/keys',
    {
      config: { access: 'public' },
      schema: { tags, summary: "The administration's public key that verifies feed items, as a JWK Set", response: { 200: FeedKeys } },
    },
    () => feeds.keys(),
  );
}
