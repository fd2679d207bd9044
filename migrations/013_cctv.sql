-- CCTV evidence: the cameras of each zone and the area each one watches, the metadata of their
-- snapshots (the images stay in the camera system's storage), the coverage policy, customs holds
-- that keep snapshots past the normal retention, and the coverage gaps already reported.

CREATE TABLE cameras (
  id uuid PRIMARY KEY,
  zone_id uuid NOT NULL REFERENCES zones (id),
  code text NOT NULL,
  name text NOT NULL,
  latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  -- GATE watches a gate of the zone, WAREHOUSE an account book's premises, YARD the zone itself.
  area_kind text NOT NULL CHECK (area_kind IN ('GATE', 'WAREHOUSE', 'YARD')),
  gate_id uuid REFERENCES gates (id),
  book_id uuid REFERENCES books (id),
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_by uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (zone_id, code),
  CHECK ((area_kind = 'GATE') = (gate_id IS NOT NULL)),
  CHECK ((area_kind = 'WAREHOUSE') = (book_id IS NOT NULL))
);
CREATE INDEX cameras_gate_idx ON cameras (gate_id) WHERE gate_id IS NOT NULL;
CREATE INDEX cameras_book_idx ON cameras (book_id) WHERE book_id IS NOT NULL;

-- One row per image a camera took; the same image sent again is the same row.
CREATE TABLE cctv_snapshots (
  id uuid PRIMARY KEY,
  camera_id uuid NOT NULL REFERENCES cameras (id),
  zone_id uuid NOT NULL REFERENCES zones (id),
  captured_at timestamptz NOT NULL,
  image_sha256 text NOT NULL CHECK (image_sha256 ~ '^[0-9a-f]{64}$'),
  storage_uri text NOT NULL CHECK (length(storage_uri) BETWEEN 1 AND 1024),
  size_bytes bigint CHECK (size_bytes > 0),
  -- The user or API key that sent it.
  received_by uuid,
  received_at timestamptz NOT NULL,
  UNIQUE (camera_id, captured_at, image_sha256)
);
CREATE INDEX cctv_snapshots_zone_captured_idx ON cctv_snapshots (zone_id, captured_at DESC, id DESC);
CREATE INDEX cctv_snapshots_captured_idx ON cctv_snapshots (captured_at);

-- The administration's coverage policy: how often each area must be seen, and how long snapshots are kept.
CREATE TABLE cctv_policy (
  id integer PRIMARY KEY CHECK (id = 1),
  default_interval_minutes integer NOT NULL CHECK (default_interval_minutes BETWEEN 1 AND 1440),
  default_severity text NOT NULL CHECK (default_severity IN ('INFO', 'WARNING', 'CRITICAL')),
  gate_interval_minutes integer NOT NULL CHECK (gate_interval_minutes BETWEEN 1 AND 1440),
  -- [{ name, hsChapters: ["22"], intervalMinutes, severity }]: goods watched more closely than the default.
  goods_classes jsonb NOT NULL,
  retention_days integer NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
  extended_retention_days integer NOT NULL CHECK (extended_retention_days BETWEEN 1 AND 3650),
  version integer NOT NULL DEFAULT 1,
  updated_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (extended_retention_days >= retention_days)
);
INSERT INTO cctv_policy (id, default_interval_minutes, default_severity, gate_interval_minutes, goods_classes, retention_days, extended_retention_days)
VALUES (
  1, 60, 'WARNING', 15,
  '[{"name": "alcohol", "hsChapters": ["22"], "intervalMinutes": 5, "severity": "CRITICAL"},
    {"name": "tobacco", "hsChapters": ["24"], "intervalMinutes": 5, "severity": "CRITICAL"}]',
  30, 90
) ON CONFLICT DO NOTHING;

-- A customs request to keep a camera's snapshots of a period for the extended retention period.
CREATE TABLE cctv_holds (
  id uuid PRIMARY KEY,
  camera_id uuid NOT NULL REFERENCES cameras (id),
  zone_id uuid NOT NULL REFERENCES zones (id),
  held_from timestamptz NOT NULL,
  held_to timestamptz NOT NULL,
  reason text NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL,
  CHECK (held_to > held_from)
);
CREATE INDEX cctv_holds_camera_idx ON cctv_holds (camera_id, held_from);

-- Gaps already reported, by area and start: a gap seen again by a later check raises no second
-- alert, even once its first alert was acknowledged.
CREATE TABLE cctv_gaps (
  area_kind text NOT NULL,
  area_id uuid NOT NULL,
  started_at timestamptz NOT NULL,
  zone_id uuid NOT NULL REFERENCES zones (id),
  alert_id uuid REFERENCES alerts (id),
  detected_at timestamptz NOT NULL,
  PRIMARY KEY (area_kind, area_id, started_at)
);
