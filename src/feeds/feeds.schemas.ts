// Request and reply schemas of partner feeds: the items partners read (each signed), the
// subscriptions the administrator keeps for them, and the deliveries to their webhooks.
import { Type, type Static } from 'typebox';
import { IsoDateTime, Nullable, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';

export const FEED_KINDS = ['container.status', 'certificate.issued'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

export const CONTAINER_STATUSES = ['RELEASED', 'GATED_IN', 'GATED_OUT', 'ARRIVED'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const Cursor = Type.Integer({ minimum: 0, description: 'Position in the feed: items are numbered 1, 2, 3 … in the order Cordon recorded them' });
const Signature = Type.String({
  description: 'Compact JWS (EdDSA, typ feed-item+jwt) whose payload is the RFC 8785 canonical JSON of the item without this field',
});
const ZoneName = Type.String({ description: "The zone's UN/LOCODE, or its code when it has none" });
const shared = {
  id: Cursor,
  occurredAt: IsoDateTime,
  zone: ZoneName,
  declarationReference: Nullable(Type.String()),
  exporterName: Nullable(Type.String({ description: 'The enterprise sending the goods out of the zone; null for goods coming in' })),
};

export const ContainerStatusItem = Type.Object(
  {
    ...shared,
    kind: Type.Literal('container.status'),
    status: StringEnum(CONTAINER_STATUSES),
    containers: Type.Array(Type.String(), { description: 'ISO 6346 container numbers' }),
    gate: Nullable(Type.String({ description: "The gate's code, when the status was taken at a gate" })),
    signature: Signature,
  },
  { additionalProperties: false },
);

export const CertificateIssuedItem = Type.Object(
  {
    ...shared,
    kind: Type.Literal('certificate.issued'),
    credentialId: Type.String(),
    credentialType: Type.String(),
    verifyUrl: Type.String({ description: 'Where anyone can check the certificate' }),
    signature: Signature,
  },
  { additionalProperties: false },
);

export const FeedItem = Type.Union([ContainerStatusItem, CertificateIssuedItem]);
export type FeedItem = Static<typeof FeedItem>;
/** An item as it is signed: everything but the signature. */
export type UnsignedFeedItem = Omit<Static<typeof ContainerStatusItem>, 'signature'> | Omit<Static<typeof CertificateIssuedItem>, 'signature'>;

export const FeedPullQuery = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0, description: 'The nextCursor of the previous page; 0 or absent from the beginning' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
);
export type FeedPullQuery = Static<typeof FeedPullQuery>;

export const FeedPage = Type.Object({
  items: Type.Array(FeedItem),
  nextCursor: Type.Integer({ minimum: 0, description: 'Send as ?after= to read on; unchanged when nothing new has come' }),
});

export const FeedKeys = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.Literal('OKP'),
      crv: Type.Literal('Ed25519'),
      x: Type.String(),
      kid: Type.String(),
      alg: Type.Literal('EdDSA'),
      use: Type.Literal('sig'),
    }),
  ),
});

const Kinds = Type.Array(StringEnum(FEED_KINDS), { minItems: 1, maxItems: FEED_KINDS.length, uniqueItems: true });
const ZoneIds = Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true });
const WebhookUrl = Nullable(Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL the items are POSTed to; null to pull only' }));
const Name = Type.String({ minLength: 1, maxLength: 200 });

export const SubscriptionInput = Type.Object(
  {
    apiKeyId: { ...Uuid, description: 'The partner’s API key (role partner, scope feeds:read): the subscriber' },
    name: Name,
    kinds: Kinds,
    zoneIds: ZoneIds,
    webhookUrl: Type.Optional(WebhookUrl),
    active: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type SubscriptionInput = Static<typeof SubscriptionInput>;

export const SubscriptionPatch = Type.Object(
  {
    name: Type.Optional(Name),
    kinds: Type.Optional(Kinds),
    zoneIds: Type.Optional(ZoneIds),
    webhookUrl: Type.Optional(WebhookUrl),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SubscriptionPatch = Static<typeof SubscriptionPatch>;

export const Subscription = Type.Object({
  id: Uuid,
  apiKeyId: Uuid,
  name: Type.String(),
  kinds: Type.Array(StringEnum(FEED_KINDS)),
  zoneIds: Type.Array(Uuid),
  webhookUrl: Nullable(Type.String()),
  active: Type.Boolean(),
  startCursor: Type.Integer({ description: 'Items after this cursor are the subscription’s: what was recorded from its creation on' }),
  deliveredThrough: Type.Integer({ description: 'Webhook: every item up to this cursor has been delivered or given up' }),
  failedDeliveries: Type.Integer({ minimum: 0, description: 'Webhook deliveries given up after a day of retries' }),
  lastFailure: Nullable(Type.Object({ deliveryId: Uuid, at: IsoDateTime, reason: Type.String() })),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Subscription = Static<typeof Subscription>;

export const CreatedSubscription = Type.Intersect([
  Subscription,
  Type.Object({ webhookSecret: Type.String({ description: 'The key of the webhook signatures; shown only in this answer' }) }),
]);

export const SubscriptionListQuery = Type.Object({ apiKeyId: Type.Optional(Uuid), ...PageQuery });
export type SubscriptionListQuery = Static<typeof SubscriptionListQuery>;

export const Delivery = Type.Object({
  id: Uuid,
  status: StringEnum(DELIVERY_STATUSES),
  itemIds: Type.Array(Type.Integer()),
  attempts: Type.Array(
    Type.Object({
      attempt: Type.Integer({ minimum: 1 }),
      at: IsoDateTime,
      statusCode: Nullable(Type.Integer()),
      error: Nullable(Type.String()),
      durationMs: Type.Integer({ minimum: 0 }),
    }),
  ),
  nextAttemptAt: Nullable(IsoDateTime),
  deliveredAt: Nullable(IsoDateTime),
  failedAt: Nullable(IsoDateTime),
  createdAt: IsoDateTime,
});
export type Delivery = Static<typeof Delivery>;

export const DeliveryListQuery = Type.Object({ status: Type.Optional(StringEnum(DELIVERY_STATUSES)), ...PageQuery });
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;
