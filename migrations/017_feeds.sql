-- Partner feeds: what Cordon records about goods (containers' track-and-trace status, certificates
-- issued), as signed items that other administrations and agencies pull by cursor or receive at a
-- webhook.

-- Partners are other administrations' machine clients: they hold API keys, never user accounts.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check
  CHECK (role IN ('admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator', 'enterprise_user', 'partner'));

-- Where the projector stands in the outbox and the last item number it gave. One row, locked by each
-- pass: the items and the position move together, so nothing is lost or written twice, and items
-- become visible in the order of their numbers.
CREATE TABLE feed_projection (
  id int PRIMARY KEY CHECK (id = 1),
  last_event_id bigint NOT NULL,
  last_item_id bigint NOT NULL
);
INSERT INTO feed_projection (id, last_event_id, last_item_id) VALUES (1, 0, 0);

-- Outbox ids the projector passed while they were not visible: on PostgreSQL a transaction can commit
-- after one that took a later id. Looked for at each pass, forgotten once old enough to be a rollback.
CREATE TABLE feed_projection_gaps (
  event_id bigint PRIMARY KEY,
  noticed_at timestamptz NOT NULL
);

-- The items: numbered 1, 2, 3 … without holes (the partners' cursor), each the canonical JSON that
-- was signed and its compact JWS. One item at most per outbox event.
CREATE TABLE feed_items (
  id bigint PRIMARY KEY,
  event_id bigint NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('container.status', 'certificate.issued')),
  zone_id uuid NOT NULL REFERENCES zones (id),
  occurred_at timestamptz NOT NULL,
  body text NOT NULL,
  signature text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX feed_items_zone_idx ON feed_items (zone_id, id);

-- A partner's key subscribed to kinds of items in some zones; pulled, and pushed when it has a
-- webhook. The webhook secret is the key of the HMAC on each request, so it is kept as it is.
CREATE TABLE feed_subscriptions (
  id uuid PRIMARY KEY,
  api_key_id uuid NOT NULL REFERENCES api_keys (id),
  name text NOT NULL,
  kinds text[] NOT NULL CHECK (cardinality(kinds) > 0),
  zone_ids uuid[] NOT NULL CHECK (cardinality(zone_ids) > 0),
  webhook_url text,
  webhook_secret text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  -- Items after this number are the subscription's: what was recorded from its creation on.
  start_after bigint NOT NULL,
  -- The webhook has had (or given up) every item of the subscription up to this number.
  delivered_through bigint NOT NULL,
  -- A delivery worker sends the subscription's items until then; one at a time keeps them in order.
  lease_until timestamptz,
  failed_deliveries integer NOT NULL DEFAULT 0,
  last_failure_at timestamptz,
  last_failure_delivery_id uuid,
  last_failure_reason text,
  version integer NOT NULL DEFAULT 1,
  created_by uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_at timestamptz
);
CREATE INDEX feed_subscriptions_key_idx ON feed_subscriptions (api_key_id) WHERE deleted_at IS NULL;

-- A batch of items POSTed to a subscription's webhook, retried until delivered or given up.
CREATE TABLE feed_deliveries (
  id uuid PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES feed_subscriptions (id),
  item_ids bigint[] NOT NULL CHECK (cardinality(item_ids) > 0),
  status text NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  first_attempt_at timestamptz,
  last_attempt_at timestamptz,
  delivered_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz NOT NULL
);
-- One batch of a subscription under way at a time: a later item waits behind an earlier one.
CREATE UNIQUE INDEX feed_deliveries_pending_idx ON feed_deliveries (subscription_id) WHERE status = 'PENDING';
CREATE INDEX feed_deliveries_subscription_idx ON feed_deliveries (subscription_id, id DESC);

CREATE TABLE feed_delivery_attempts (
  delivery_id uuid NOT NULL REFERENCES feed_deliveries (id),
  attempt integer NOT NULL,
  at timestamptz NOT NULL,
  status_code integer,
  error text,
  duration_ms integer NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);
