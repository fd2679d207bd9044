-- The operations console: indexes for the dashboard's figures over a period, and the short-lived
-- tickets with which a browser opens the live event stream.

-- Declarations of a period within a zone or an enterprise: the scoped dashboards read these ranges
-- (the whole administration's reads declarations_submitted_idx).
CREATE INDEX declarations_zone_submitted_idx ON declarations (zone_id, submitted_at);
CREATE INDEX declarations_enterprise_submitted_idx ON declarations (enterprise_id, submitted_at);

-- Revenue of a period: bills issued and bills paid in it, and what is still open.
CREATE INDEX bills_created_idx ON bills (created_at);
CREATE INDEX bills_paid_idx ON bills (paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX bills_open_status_idx ON bills (status) WHERE status IN ('UNPAID', 'GUARANTEED');

-- Alerts of a period (book.discrepancy and later kinds) out of an outbox that holds every event.
CREATE INDEX outbox_type_occurred_idx ON outbox (event_type, occurred_at);

-- Single-use tickets for the event stream (a browser's EventSource cannot send an Authorization
-- header). Only the ticket's SHA-256 is stored; `credential` names the session or API key that asked
-- for it, so the stream keeps the rights of that credential and ends when it is revoked.
CREATE TABLE stream_tickets (
  ticket_hash text PRIMARY KEY,
  credential text NOT NULL,
  principal_id uuid NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX stream_tickets_expires_idx ON stream_tickets (expires_at);
