-- Identity, access, idempotency and the transactional outbox.

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator', 'enterprise_user')),
  -- Enterprise users act for exactly one enterprise; everyone else has none.
  enterprise_id uuid,
  -- Zones the user works in; NULL means every zone of the administration.
  zone_ids uuid[],
  password_hash text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'enterprise_user') = (enterprise_id IS NOT NULL))
);

-- Bearer tokens are random; only their SHA-256 is stored, so a database leak does not leak sessions.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator', 'enterprise_user')),
  enterprise_id uuid,
  zone_ids uuid[],
  scopes text[] NOT NULL DEFAULT '{}',
  secret_hash text NOT NULL,
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  CHECK ((role = 'enterprise_user') = (enterprise_id IS NOT NULL))
);

-- A write retried with the same Idempotency-Key returns the stored first answer. The row is written
-- in the same transaction as the write it guards, so an acknowledged write and its key never part.
CREATE TABLE idempotency_keys (
  principal_id uuid NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  status_code integer NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Domain events, appended in the transaction of the change they describe; consumers read forward by id.
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_type text NOT NULL,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  zone_id uuid,
  enterprise_id uuid,
  actor_id uuid,
  payload jsonb NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_aggregate_idx ON outbox (aggregate_type, aggregate_id);
