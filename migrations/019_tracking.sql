-- Cargo tracking: electronic seals and locks (devices), trips binding a device to a released
-- declaration's container between two gates along a corridor, the positions and events the devices
-- report, the messages dropped by reason, and the monitoring settings.

CREATE TABLE tracking_devices (
  id uuid PRIMARY KEY,
  -- The maker's id of the device, as it names itself in its telemetry.
  device_id text NOT NULL UNIQUE CHECK (device_id ~ '^[A-Za-z0-9._-]{3,64}$'),
  type text NOT NULL CHECK (type IN ('E_SEAL', 'E_LOCK')),
  -- Null: owned by customs.
  owner_enterprise_id uuid REFERENCES enterprises (id),
  -- The zone that registered it.
  zone_id uuid NOT NULL REFERENCES zones (id),
  status text NOT NULL CHECK (status IN ('ACTIVE', 'RETIRED')),
  battery_percent smallint CHECK (battery_percent BETWEEN 0 AND 100),
  -- Time of the last message of any kind, and the last accepted position with its time.
  last_seen_at timestamptz,
  last_fix_at timestamptz,
  last_lat double precision,
  last_lon double precision,
  retired_at timestamptz,
  retirement_reason text,
  created_by uuid,
  created_at timestamptz NOT NULL,
  CHECK ((status = 'RETIRED') = (retired_at IS NOT NULL))
)
-- Rewritten by every flush of the device's telemetry: room on each page keeps the updates HOT (no
-- index touched), several times cheaper.
WITH (fillfactor = 50);
CREATE INDEX tracking_devices_zone_idx ON tracking_devices (zone_id, id DESC);
CREATE INDEX tracking_devices_owner_idx ON tracking_devices (owner_enterprise_id, id DESC) WHERE owner_enterprise_id IS NOT NULL;

-- Trip references are numbered per year: TRP-2026-000123.
CREATE TABLE trip_counters (
  year integer PRIMARY KEY,
  last_number integer NOT NULL
);

CREATE TABLE trips (
  -- UUIDv7: time-ordered, so the primary key doubles as the newest-first pagination key.
  id uuid PRIMARY KEY,
  reference text NOT NULL UNIQUE,
  declaration_id uuid NOT NULL REFERENCES declarations (id),
  enterprise_id uuid NOT NULL REFERENCES enterprises (id),
  device_id uuid NOT NULL REFERENCES tracking_devices (id),
  container_number text NOT NULL,
  origin_gate_id uuid NOT NULL REFERENCES gates (id),
  destination_gate_id uuid NOT NULL REFERENCES gates (id),
  origin_zone_id uuid NOT NULL REFERENCES zones (id),
  destination_zone_id uuid NOT NULL REFERENCES zones (id),
  -- { "type": "route", "line": [[lon, lat], ...], "widthMeters": n } or { "type": "area", "polygon": [[[lon, lat], ...]] }
  corridor jsonb NOT NULL,
  -- [{ "name", "center": [lon, lat], "radiusMeters" }]
  allowed_stops jsonb NOT NULL DEFAULT '[]',
  depart_from timestamptz NOT NULL,
  arrive_by timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('PLANNED', 'ACTIVE', 'COMPLETED', 'ABORTED')),
  started_at timestamptz,
  ended_at timestamptz,
  -- The officer's note of a completion by hand, or the reason of an abortion.
  end_note text,
  ended_by uuid,
  seal_state text CHECK (seal_state IN ('ARMED', 'SEALED', 'OPENED')),
  tampered boolean NOT NULL DEFAULT false,
  last_at timestamptz,
  last_lat double precision,
  last_lon double precision,
  last_speed_kmh real,
  distance_m double precision NOT NULL DEFAULT 0,
  positions integer NOT NULL DEFAULT 0,
  -- The monitor's state (src/tracking/monitor.ts), kept so that a restart loses no episode.
  monitor_state jsonb NOT NULL,
  -- Set once the retention has deleted the trip's positions.
  positions_purged_at timestamptz,
  created_by uuid,
  created_at timestamptz NOT NULL,
  CHECK (arrive_by > depart_from),
  CHECK ((status IN ('COMPLETED', 'ABORTED')) = (ended_at IS NOT NULL))
)
-- An open trip's row is rewritten by every flush of its device's telemetry (as tracking_devices).
WITH (fillfactor = 50);
-- One PLANNED or ACTIVE trip per device at a time.
CREATE UNIQUE INDEX trips_device_open_idx ON trips (device_id) WHERE status IN ('PLANNED', 'ACTIVE');
CREATE INDEX trips_open_idx ON trips (status) WHERE status IN ('PLANNED', 'ACTIVE');
CREATE INDEX trips_enterprise_idx ON trips (enterprise_id, id DESC);
CREATE INDEX trips_origin_zone_idx ON trips (origin_zone_id, id DESC);
CREATE INDEX trips_destination_zone_idx ON trips (destination_zone_id, id DESC);
CREATE INDEX trips_declaration_idx ON trips (declaration_id);
CREATE INDEX trips_device_idx ON trips (device_id, id DESC);
CREATE INDEX trips_retention_idx ON trips (ended_at) WHERE ended_at IS NOT NULL AND positions_purged_at IS NULL;

-- The fixes of a trip, compact (about 40 bytes each): degrees × 10^7, speed in tenths of km/h.
-- No foreign key: only the ingest writes here, for trips it has loaded, and a trip row is never
-- deleted; a key check per row would slow the batched inserts.
CREATE TABLE trip_positions (
  trip_id uuid NOT NULL,
  at timestamptz NOT NULL,
  lat_e7 integer NOT NULL,
  lon_e7 integer NOT NULL,
  speed_kmh_x10 smallint,
  heading smallint,
  accuracy_m smallint,
  PRIMARY KEY (trip_id, at)
);

-- What a device reported besides positions (seal states and events), and the trip's status changes.
-- A message sent again is the same row.
CREATE TABLE trip_events (
  id uuid PRIMARY KEY,
  trip_id uuid REFERENCES trips (id),
  device_id uuid NOT NULL REFERENCES tracking_devices (id),
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('SEAL_ARMED', 'SEAL_SEALED', 'SEAL_OPENED', 'TAMPER', 'CUT', 'SHOCK', 'LOW_BATTERY', 'UNLOCK', 'STARTED', 'COMPLETED', 'ABORTED')),
  details jsonb NOT NULL DEFAULT '{}',
  recorded_at timestamptz NOT NULL,
  UNIQUE (device_id, at, kind)
);
CREATE INDEX trip_events_trip_idx ON trip_events (trip_id, at) WHERE trip_id IS NOT NULL;

-- Messages dropped per device, reason and day; the nil uuid counts those of devices nobody registered.
CREATE TABLE telemetry_drops (
  device_id uuid NOT NULL,
  reason text NOT NULL CHECK (reason IN ('MALFORMED', 'INVALID', 'ZERO', 'DUPLICATE', 'OUT_OF_ORDER', 'FUTURE', 'IMPOSSIBLE_SPEED', 'POOR_ACCURACY', 'NO_TRIP')),
  day date NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (device_id, reason, day)
);
CREATE INDEX telemetry_drops_day_idx ON telemetry_drops (day);

-- How trips are watched and which fixes are trusted (one row).
CREATE TABLE tracking_settings (
  id integer PRIMARY KEY CHECK (id = 1),
  deviation_meters integer NOT NULL CHECK (deviation_meters BETWEEN 0 AND 100000),
  deviation_seconds integer NOT NULL CHECK (deviation_seconds BETWEEN 0 AND 86400),
  return_seconds integer NOT NULL CHECK (return_seconds BETWEEN 0 AND 86400),
  stop_speed_kmh real NOT NULL CHECK (stop_speed_kmh >= 0 AND stop_speed_kmh <= 50),
  stop_minutes integer NOT NULL CHECK (stop_minutes BETWEEN 1 AND 1440),
  signal_lost_minutes integer NOT NULL CHECK (signal_lost_minutes BETWEEN 1 AND 1440),
  low_battery_percent integer NOT NULL CHECK (low_battery_percent BETWEEN 0 AND 90),
  gate_fence_radius_meters integer NOT NULL CHECK (gate_fence_radius_meters BETWEEN 10 AND 5000),
  future_tolerance_seconds integer NOT NULL CHECK (future_tolerance_seconds BETWEEN 0 AND 3600),
  max_speed_kmh integer NOT NULL CHECK (max_speed_kmh BETWEEN 10 AND 1000),
  max_accuracy_meters integer NOT NULL CHECK (max_accuracy_meters BETWEEN 1 AND 10000),
  retention_days integer NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
  version integer NOT NULL DEFAULT 1,
  updated_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO tracking_settings (id, deviation_meters, deviation_seconds, return_seconds, stop_speed_kmh, stop_minutes, signal_lost_minutes,
                               low_battery_percent, gate_fence_radius_meters, future_tolerance_seconds, max_speed_kmh, max_accuracy_meters, retention_days)
VALUES (1, 100, 120, 60, 3, 20, 15, 15, 150, 60, 160, 100, 400);

-- The open alerts of a trip, counted for the live map every few seconds.
CREATE INDEX alerts_open_subject_idx ON alerts (subject_type, subject_id) WHERE status = 'OPEN';
