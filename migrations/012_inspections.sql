-- Inspections: the tasks a YELLOW or RED lane opens (or an officer adds), the scanner images taken of
-- the goods (before any declaration names their container, too), the findings per declaration line
-- and the outcome that decides the declaration. Bills gain supplementary bills for the duties that
-- corrections found at inspection add to a bill already paid.

CREATE TABLE inspection_tasks (
  -- UUIDv7: time-ordered, so the primary key doubles as the newest-first pagination key.
  id uuid PRIMARY KEY,
  declaration_id uuid NOT NULL REFERENCES declarations (id),
  -- The version of the declaration the task inspects; corrections at its outcome make the next one.
  declaration_version integer NOT NULL,
  zone_id uuid NOT NULL REFERENCES zones (id),
  enterprise_id uuid NOT NULL REFERENCES enterprises (id),
  kind text NOT NULL CHECK (kind IN ('DOCUMENT_CHECK', 'NON_INTRUSIVE_SCAN', 'PHYSICAL_EXAMINATION')),
  status text NOT NULL CHECK (status IN ('OPEN', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED')),
  -- LANE: opened by the assessment's lane; OFFICER: added by an officer, with a reason.
  origin text NOT NULL CHECK (origin IN ('LANE', 'OFFICER')),
  lane text CHECK (lane IN ('GREEN', 'YELLOW', 'RED')),
  reason text,
  opened_by uuid,
  opened_at timestamptz NOT NULL,
  assignee_id uuid REFERENCES users (id),
  assigned_by uuid,
  assigned_at timestamptz,
  started_by uuid,
  started_at timestamptz,
  outcome text CHECK (outcome IN ('RELEASE_AS_DECLARED', 'RELEASE_WITH_CORRECTIONS', 'SEIZE', 'REJECT')),
  outcome_reason text,
  -- The risk engine's label the outcome gave.
  label text CHECK (label IN ('NOTHING_FOUND', 'FOUND', 'CRITICAL')),
  decided_by uuid REFERENCES users (id),
  decided_at timestamptz,
  -- A release outcome held back (unpaid duties): what it waits for; NULL once released.
  release_waiting_for text,
  cancelled_at timestamptz,
  cancel_reason text,
  updated_at timestamptz NOT NULL,
  CHECK ((status = 'COMPLETED') = (outcome IS NOT NULL)),
  CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL))
);
CREATE INDEX inspection_tasks_declaration_idx ON inspection_tasks (declaration_id, id);
CREATE INDEX inspection_tasks_zone_idx ON inspection_tasks (zone_id, id DESC);
CREATE INDEX inspection_tasks_assignee_idx ON inspection_tasks (assignee_id, id DESC) WHERE assignee_id IS NOT NULL;
CREATE INDEX inspection_tasks_open_idx ON inspection_tasks (status, id DESC) WHERE status IN ('OPEN', 'IN_PROGRESS');

-- One row per image taken; the image itself lives in the object store under its SHA-256.
CREATE TABLE inspection_scans (
  id uuid PRIMARY KEY,
  -- NULL for a scan taken before any declaration named its container (an advance scan).
  task_id uuid REFERENCES inspection_tasks (id),
  zone_id uuid NOT NULL REFERENCES zones (id),
  kind text NOT NULL CHECK (kind IN ('XRAY', 'CT')),
  scanner_id text NOT NULL,
  -- ISO 6346, normalised (CSQU3054383).
  container_number text,
  scanned_at timestamptz NOT NULL,
  image_sha256 text NOT NULL CHECK (image_sha256 ~ '^[0-9a-f]{64}$'),
  image_size bigint NOT NULL CHECK (image_size > 0),
  image_type text NOT NULL,
  -- A user or a scanner's API key.
  recorded_by uuid NOT NULL,
  recorded_at timestamptz NOT NULL,
  attached_at timestamptz,
  reading text CHECK (reading IN ('CLEAR', 'SUSPECT')),
  reading_note text,
  read_by uuid REFERENCES users (id),
  read_at timestamptz,
  CHECK ((reading IS NULL) = (read_at IS NULL)),
  CHECK (task_id IS NOT NULL OR container_number IS NOT NULL)
);
CREATE INDEX inspection_scans_task_idx ON inspection_scans (task_id, id) WHERE task_id IS NOT NULL;
-- Advance scans waiting for a declaration that names their container.
CREATE INDEX inspection_scans_unattached_idx ON inspection_scans (zone_id, container_number, scanned_at) WHERE task_id IS NULL;

CREATE TABLE inspection_findings (
  id uuid PRIMARY KEY,
  task_id uuid NOT NULL REFERENCES inspection_tasks (id),
  declaration_id uuid NOT NULL REFERENCES declarations (id),
  line_no integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('QUANTITY', 'HS_MISCLASSIFICATION', 'UNDERVALUATION', 'ORIGIN', 'PROHIBITED', 'RESTRICTED', 'IPR')),
  note text NOT NULL,
  -- Corrected values of the line as decimal strings and codes: quantity, netMass, grossMass, hsCode,
  -- tariffCode, customsValue, originCountry; empty when the finding corrects nothing.
  corrections jsonb NOT NULL DEFAULT '{}',
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL
);
CREATE INDEX inspection_findings_task_idx ON inspection_findings (task_id, id);
CREATE INDEX inspection_findings_declaration_idx ON inspection_findings (declaration_id);

-- A supplementary bill charges the difference when corrections raise duties already paid; the
-- declaration keeps at most one open bill besides its supplements.
ALTER TABLE bills ADD COLUMN supplements uuid REFERENCES bills (id);
DROP INDEX bills_open_idx;
CREATE UNIQUE INDEX bills_open_idx ON bills (declaration_id) WHERE status <> 'CANCELLED' AND supplements IS NULL;
