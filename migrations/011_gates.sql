-- Gates: the passes a release issues, and every reader event at a gate with the decision taken on it.

-- How strict the gate is: below this OCR confidence a read is not trusted; the weighbridge may differ
-- from the pass's expected weight by this share or this many kilograms, whichever is larger; a pass
-- issued at release is valid this many hours.
CREATE TABLE gate_settings (
  id int PRIMARY KEY CHECK (id = 1),
  min_confidence numeric(4, 3) NOT NULL CHECK (min_confidence > 0 AND min_confidence <= 1),
  weight_tolerance_percent numeric(5, 2) NOT NULL CHECK (weight_tolerance_percent >= 0 AND weight_tolerance_percent <= 50),
  min_weight_tolerance_kg numeric(10, 3) NOT NULL CHECK (min_weight_tolerance_kg >= 0),
  pass_validity_hours int NOT NULL CHECK (pass_validity_hours BETWEEN 1 AND 720),
  version int NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id)
);
INSERT INTO gate_settings (id, min_confidence, weight_tolerance_percent, min_weight_tolerance_kg, pass_validity_hours)
VALUES (1, 0.85, 5, 200, 72);

CREATE TABLE gate_passes (
  id uuid PRIMARY KEY,
  -- The declaration's reference and the pass's sequence within it: "FZ1-2026-000042/2".
  number text NOT NULL UNIQUE,
  declaration_id uuid NOT NULL REFERENCES declarations (id),
  seq int NOT NULL,
  -- Issued by the release itself for all goods not yet on another pass; it gives up quantities to
  -- passes issued later for part of the goods.
  automatic boolean NOT NULL,
  zone_id uuid NOT NULL REFERENCES zones (id),
  enterprise_id uuid NOT NULL REFERENCES enterprises (id),
  direction text NOT NULL CHECK (direction IN ('IN', 'OUT')),
  -- Empty: any gate of the zone open in the pass's direction.
  gate_ids uuid[] NOT NULL DEFAULT '{}',
  vehicle_plate text,
  containers text[] NOT NULL DEFAULT '{}',
  seals text[] NOT NULL DEFAULT '{}',
  expected_gross_kg numeric(18, 3) NOT NULL,
  tolerance_kg numeric(18, 3) NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('ISSUED', 'USED', 'CANCELLED')),
  used_at timestamptz,
  passage_id uuid,
  cancelled_at timestamptz,
  cancellation_reason text,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  UNIQUE (declaration_id, seq),
  CHECK (valid_to > valid_from)
);
CREATE INDEX gate_passes_declaration_idx ON gate_passes (declaration_id, seq);
CREATE INDEX gate_passes_issued_plate_idx ON gate_passes (zone_id, vehicle_plate) WHERE status = 'ISSUED';
CREATE INDEX gate_passes_issued_containers_idx ON gate_passes USING gin (containers) WHERE status = 'ISSUED';
CREATE INDEX gate_passes_zone_idx ON gate_passes (zone_id, id DESC);

CREATE TABLE gate_pass_lines (
  pass_id uuid NOT NULL REFERENCES gate_passes (id),
  line_no int NOT NULL,
  quantity numeric(18, 6) NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (pass_id, line_no)
);

-- One row per reader event: what was read (the evidence), the pass it matched, the decision and why.
CREATE TABLE gate_passages (
  id uuid PRIMARY KEY,
  zone_id uuid NOT NULL REFERENCES zones (id),
  gate_id uuid NOT NULL REFERENCES gates (id),
  lane text,
  -- The reader's own id for the event: a retry with the same id gets the same answer.
  reader_event_id text NOT NULL,
  reader_id uuid NOT NULL,
  at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  decision text NOT NULL CHECK (decision IN ('OPEN', 'HOLD')),
  status text NOT NULL CHECK (status IN ('OPENED', 'HELD', 'OVERRIDDEN')),
  reasons jsonb NOT NULL,
  pass_id uuid REFERENCES gate_passes (id),
  declaration_id uuid REFERENCES declarations (id),
  plate text,
  plate_confidence numeric(4, 3),
  containers jsonb NOT NULL,
  seals text[],
  weight_kg numeric(18, 3),
  overridden_by uuid REFERENCES users (id),
  override_reason text,
  overridden_at timestamptz,
  -- This passage took the declaration's last goods through, and the declaration completed.
  completed_declaration boolean NOT NULL DEFAULT false,
  UNIQUE (gate_id, reader_event_id)
);
CREATE INDEX gate_passages_zone_idx ON gate_passages (zone_id, id DESC);
CREATE INDEX gate_passages_gate_idx ON gate_passages (gate_id, id DESC);
CREATE INDEX gate_passages_declaration_idx ON gate_passages (declaration_id) WHERE declaration_id IS NOT NULL;
CREATE INDEX gate_passages_held_idx ON gate_passages (zone_id, id DESC) WHERE status = 'HELD';
