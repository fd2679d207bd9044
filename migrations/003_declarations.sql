-- Declarations, their lines, every state transition and every amended version.

CREATE TABLE declaration_counters (
  zone_id uuid NOT NULL REFERENCES zones(id),
  year integer NOT NULL,
  last_number integer NOT NULL,
  PRIMARY KEY (zone_id, year)
);

CREATE TABLE declarations (
  -- UUIDv7: time-ordered, so the primary key doubles as the newest-first pagination key.
  id uuid PRIMARY KEY,
  reference text NOT NULL UNIQUE,
  type text NOT NULL CHECK (type IN ('ADMISSION', 'EXPORT', 'DOMESTIC_RELEASE', 'DOMESTIC_ADMISSION', 'TRANSFER', 'PROCESSING', 'DESTRUCTION')),
  state text NOT NULL CHECK (state IN ('SUBMITTED', 'ASSESSED', 'UNDER_INSPECTION', 'RELEASED', 'REJECTED', 'COMPLETED', 'CANCELLED')),
  lane text CHECK (lane IN ('GREEN', 'YELLOW', 'RED')),
  lane_reasons jsonb NOT NULL DEFAULT '[]',
  risk_score numeric(7, 2),
  zone_id uuid NOT NULL REFERENCES zones(id),
  enterprise_id uuid NOT NULL REFERENCES enterprises(id),
  book_id uuid REFERENCES books(id),
  destination_zone_id uuid REFERENCES zones(id),
  destination_enterprise_id uuid REFERENCES enterprises(id),
  destination_book_id uuid REFERENCES books(id),
  trader_reference text,
  origin_country text,
  destination_country text,
  currency text NOT NULL,
  total_value numeric(18, 2) NOT NULL,
  total_gross_mass numeric(18, 3) NOT NULL,
  transport jsonb NOT NULL,
  vehicle_plate text,
  container_numbers text[] NOT NULL DEFAULT '{}',
  version integer NOT NULL DEFAULT 1,
  submitted_by uuid NOT NULL,
  submitted_at timestamptz NOT NULL,
  assessed_at timestamptz,
  released_at timestamptz,
  decided_at timestamptz,
  completed_at timestamptz,
  updated_at timestamptz NOT NULL
);
CREATE INDEX declarations_zone_idx ON declarations (zone_id, id DESC);
CREATE INDEX declarations_enterprise_idx ON declarations (enterprise_id, id DESC);
CREATE INDEX declarations_state_idx ON declarations (state, id DESC);
CREATE INDEX declarations_submitted_idx ON declarations (submitted_at);
CREATE INDEX declarations_containers_idx ON declarations USING gin (container_numbers);

CREATE TABLE declaration_lines (
  declaration_id uuid NOT NULL REFERENCES declarations(id),
  line_no integer NOT NULL,
  item_id uuid REFERENCES items(id),
  part_number text,
  hs_code text NOT NULL,
  description text NOT NULL,
  origin_country text NOT NULL,
  quantity numeric(18, 6) NOT NULL,
  unit text NOT NULL,
  net_mass numeric(18, 3) NOT NULL,
  gross_mass numeric(18, 3) NOT NULL,
  customs_value numeric(18, 2) NOT NULL,
  currency text NOT NULL,
  PRIMARY KEY (declaration_id, line_no)
);
CREATE INDEX declaration_lines_hs_idx ON declaration_lines (hs_code);

CREATE TABLE declaration_transitions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  declaration_id uuid NOT NULL REFERENCES declarations(id),
  action text NOT NULL,
  from_state text,
  to_state text NOT NULL,
  lane text,
  actor_id uuid,
  actor_role text NOT NULL,
  reason text,
  at timestamptz NOT NULL
);
CREATE INDEX declaration_transitions_declaration_idx ON declaration_transitions (declaration_id, id);

-- The declaration as it stood before each amendment.
CREATE TABLE declaration_versions (
  declaration_id uuid NOT NULL REFERENCES declarations(id),
  version integer NOT NULL,
  snapshot jsonb NOT NULL,
  amended_by uuid NOT NULL,
  reason text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (declaration_id, version)
);
