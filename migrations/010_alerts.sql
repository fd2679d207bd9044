-- Alerts that an officer must see and acknowledge: gate holds, CCTV coverage gaps and, later, seal
-- and route alerts. One open alert per deduplication key: the same condition seen again counts an
-- occurrence on the open alert instead of raising another.

CREATE TABLE alerts (
  id uuid PRIMARY KEY,
  kind text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'CRITICAL')),
  zone_id uuid REFERENCES zones (id),
  enterprise_id uuid REFERENCES enterprises (id),
  declaration_id uuid REFERENCES declarations (id),
  -- What the alert is about (a gate passage, a camera area, a trip) and its id.
  subject_type text NOT NULL,
  subject_id text NOT NULL,
  dedup_key text NOT NULL,
  message text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  occurrences int NOT NULL DEFAULT 1,
  status text NOT NULL CHECK (status IN ('OPEN', 'ACKNOWLEDGED')),
  raised_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  acknowledged_by uuid REFERENCES users (id),
  acknowledged_at timestamptz,
  acknowledgement_note text,
  CHECK ((status = 'ACKNOWLEDGED') = (acknowledged_at IS NOT NULL))
);
CREATE UNIQUE INDEX alerts_open_dedup_idx ON alerts (dedup_key) WHERE status = 'OPEN';
CREATE INDEX alerts_raised_idx ON alerts (raised_at DESC, id DESC);
CREATE INDEX alerts_zone_raised_idx ON alerts (zone_id, raised_at DESC);
CREATE INDEX alerts_enterprise_idx ON alerts (enterprise_id, raised_at);
CREATE INDEX alerts_declaration_idx ON alerts (declaration_id) WHERE declaration_id IS NOT NULL;
