// SQL of cargo tracking: devices, trips and their references, the ingest's batched writes (one
// multi-row statement per table per flush), the live view, tracks, timelines, drop counts, the
// settings and the retention of positions.
import { CopyBinaryWriter } from '../platform/db/copy-binary.ts';
import type { Db } from '../platform/db/db.ts';
import { whereBuilder } from '../platform/db/where.ts';
import { recordLeaves } from '../proof/leaves.ts';
import type { DropReason } from './filters.ts';
import type { Corridor } from './geo.ts';
import type { StoredFix, TripTotals } from './checkpoint.ts';

/** Counts the drops of messages whose device nobody registered. */
export const UNKNOWN_DEVICE = '00000000-0000-0000-0000-000000000000';

export interface DeviceRow extends Record<string, unknown> {
  id: string;
  device_id: string;
  type: 'E_SEAL' | 'E_LOCK';
  owner_enterprise_id: string | null;
  zone_id: string;
  status: 'ACTIVE' | 'RETIRED';
  battery_percent: number | null;
  last_seen_at: Date | null;
  last_fix_at: Date | null;
  last_lat: number | null;
  last_lon: number | null;
  retired_at: Date | null;
  retirement_reason: string | null;
  created_by: string | null;
  created_at: Date;
}

export interface StoredStop {
  name: string;
  center: [number, number];
  radiusMeters: number;
}

export interface TripRow extends Record<string, unknown> {
  id: string;
  reference: string;
  declaration_id: string;
  declaration_reference: string;
  enterprise_id: string;
  device_id: string;
  device_code: string;
  device_type: 'E_SEAL' | 'E_LOCK';
  container_number: string;
  origin_gate_id: string;
  destination_gate_id: string;
  origin_zone_id: string;
  destination_zone_id: string;
  corridor: Corridor;
  allowed_stops: StoredStop[];
  depart_from: Date;
  arrive_by: Date;
  status: 'PLANNED' | 'ACTIVE' | 'COMPLETED' | 'ABORTED';
  started_at: Date | null;
  ended_at: Date | null;
  end_note: string | null;
  seal_state: 'ARMED' | 'SEALED' | 'OPENED' | null;
  tampered: boolean;
  last_at: Date | null;
  last_lat: number | null;
  last_lon: number | null;
  last_speed_kmh: number | null;
  distance_m: number;
  positions: number;
  monitor_state: unknown;
  /** The officer who completed or aborted the trip by hand; null when the device ended it. */
  ended_by: string | null;
  created_at: Date;
}

/** A device with its open trip, if any, as the ingest loads it. */
export interface DeviceWithTripRow extends Record<string, unknown> {
  id: string;
  code: string;
  zone_id: string;
  last_seen_at: Date | null;
  battery_percent: number | null;
  last_fix_at: Date | null;
  last_lat: number | null;
  last_lon: number | null;
  trip_id: string | null;
  reference: string | null;
  container_number: string | null;
  declaration_id: string | null;
  enterprise_id: string | null;
  origin_zone_id: string | null;
  destination_zone_id: string | null;
  origin_gate_id: string | null;
  destination_gate_id: string | null;
  corridor_key: string | null;
  allowed_stops: StoredStop[] | null;
  arrive_by: Date | null;
  trip_status: 'PLANNED' | 'ACTIVE' | null;
  seal_state: 'ARMED' | 'SEALED' | 'OPENED' | null;
  tampered: boolean | null;
  trip_last_at: Date | null;
  trip_last_lat: number | null;
  trip_last_lon: number | null;
  trip_last_speed_kmh: number | null;
  trip_distance_m: number | null;
  trip_positions: number | null;
  live_version: number | null;
  monitor_state: unknown;
}

/** An open trip locked by a flush. */
export interface LockedTripRow extends Record<string, unknown> {
  id: string;
  device_id: string;
  status: 'PLANNED' | 'ACTIVE';
  live_version: number;
  /** The ingest that stored the trip's latest positions (migration 025). */
  positions_writer: string | null;
  /** When that is not the ingest asking: the time of the trip's newest stored position, epoch milliseconds (else null). */
  latest_ms: number | null;
}

/** An open trip as the time-based check reads it. */
export interface OpenTripRow extends Record<string, unknown> {
  id: string;
  status: 'PLANNED' | 'ACTIVE';
  device_code: string;
}

/** An open trip for the live map; only `id` and `open_alerts` for a trip the ingest holds in memory. */
export interface LiveTripRow extends Record<string, unknown> {
  id: string;
  held: boolean;
  reference: string;
  status: 'PLANNED' | 'ACTIVE';
  declaration_id: string;
  enterprise_id: string;
  device_id: string;
  device_code: string;
  container_number: string;
  origin_gate_id: string;
  destination_gate_id: string;
  origin_zone_id: string;
  destination_zone_id: string;
  arrive_by: Date;
  seal_state: 'ARMED' | 'SEALED' | 'OPENED' | null;
  tampered: boolean;
  last_at: Date | null;
  last_lat: number | null;
  last_lon: number | null;
  last_speed_kmh: number | null;
  open_alerts: number;
}

export interface DeclarationForTripRow extends Record<string, unknown> {
  id: string;
  reference: string;
  type: string;
  state: string;
  zone_id: string;
  enterprise_id: string;
  destination_zone_id: string | null;
  container_numbers: string[];
}

export interface GateForTripRow extends Record<string, unknown> {
  id: string;
  zone_id: string;
  code: string;
  active: boolean;
}

export interface FenceGateRow extends Record<string, unknown> {
  id: string;
  latitude: number;
  longitude: number;
}

export interface FenceZoneRow extends Record<string, unknown> {
  id: string;
  perimeter: { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
}

export interface TrackingSettingsRow extends Record<string, unknown> {
  deviation_meters: number;
  deviation_seconds: number;
  return_seconds: number;
  stop_speed_kmh: number;
  stop_minutes: number;
  signal_lost_minutes: number;
  low_battery_percent: number;
  gate_fence_radius_meters: number;
  future_tolerance_seconds: number;
  max_speed_kmh: number;
  max_accuracy_meters: number;
  retention_days: number;
  version: number;
  updated_at: Date;
}

export interface EventRow extends Record<string, unknown> {
  id: string;
  at: Date;
  kind: string;
  details: Record<string, unknown>;
}

export interface GateWithZoneRow extends Record<string, unknown> {
  id: string;
  code: string;
  name: string;
  zone_id: string;
  zone_code: string;
  zone_name: string;
  zone_locode: string;
}

export interface TripAlertRow extends Record<string, unknown> {
  id: string;
  kind: string;
  severity: string;
  status: string;
  message: string;
  occurrences: number;
  raised_at: Date;
}

// --- rows the ingest writes ------------------------------------------------------------------------

export interface PositionValues extends StoredFix {
  tripId: string;
}

export interface EventValues {
  id: string;
  tripId: string | null;
  deviceId: string;
  at: Date;
  kind: string;
  details: Record<string, unknown>;
}

export interface TripCheckpoint {
  id: string;
  totals: TripTotals;
  sealState: 'ARMED' | 'SEALED' | 'OPENED' | null;
  tampered: boolean;
  monitorState: unknown;
  /** Started at its origin gate (PLANNED to ACTIVE) at this time. */
  startedAt: Date | null;
  /** Completed at its destination gate at this time. */
  completedAt: Date | null;
}

export interface DeviceUpdate {
  id: string;
  lastSeenAt: Date;
  battery: number | null;
  lastFixAt: Date | null;
  lastLat: number | null;
  lastLon: number | null;
}

export interface DropCount {
  deviceId: string;
  reason: DropReason;
  day: string;
  count: number;
}

const TRIP_COLUMNS = `t.id, t.reference, t.declaration_id, dc.reference AS declaration_reference, t.enterprise_id, t.device_id, d.device_id AS device_code,
  d.type AS device_type, t.container_number, t.origin_gate_id, t.destination_gate_id, t.origin_zone_id, t.destination_zone_id, t.corridor,
  t.allowed_stops, t.depart_from, t.arrive_by, t.status, t.started_at, t.ended_at, t.end_note, t.seal_state, t.tampered, t.last_at, t.last_lat,
  t.last_lon, t.last_speed_kmh, t.distance_m, t.positions, t.monitor_state, t.ended_by, t.created_at`;
const TRIP_FROM = 'trips t JOIN tracking_devices d ON d.id = t.device_id JOIN declarations dc ON dc.id = t.declaration_id';

const iso = (date: Date | null) => (date === null ? null : date.toISOString());
/** Degrees as stored: integers of 10^-7 degree (about a centimetre). */
const e7 = (degrees: number) => Math.round(degrees * 1e7);
/** The columns of a position as insertPositions writes them, in that order. */
const POSITION_COLUMNS = ['trip_id', 'at', 'lat_e7', 'lon_e7', 'speed_kmh_x10', 'heading', 'accuracy_m'] as const;
/** The bytes of open trips' ids, for the positions' COPY. */
const tripIdBytes = new Map<string, Buffer>();
const MAX_TRIP_IDS_KEPT = 200_000;
const smallint = (value: number | null, scale = 1) => (value === null ? null : Math.min(32_767, Math.max(0, Math.round(value * scale))));

export interface Scope {
  /** Set for enterprise users: only that enterprise's records. */
  enterpriseId: string | null;
  /** Zones of zone-scoped staff; null for all. */
  zoneIds: string[] | null;
}

export const trackingRepository = {
  // --- devices -------------------------------------------------------------------------------------

  async insertDevice(
    db: Db,
    values: { id: string; deviceId: string; type: string; ownerEnterpriseId: string | null; zoneId: string; createdBy: string | null; at: Date },
  ): Promise<DeviceRow> {
    const [row] = await db.query<DeviceRow>(
      `INSERT INTO tracking_devices (id, device_id, type, owner_enterprise_id, zone_id, status, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, 'ACTIVE', $6, $7) RETURNING *`,
      [values.id, values.deviceId, values.type, values.ownerEnterpriseId, values.zoneId, values.createdBy, values.at],
    );
    return row as DeviceRow;
  },

  async device(db: Db, id: string, forUpdate = false): Promise<DeviceRow | null> {
    const rows = await db.query<DeviceRow>(`SELECT * FROM tracking_devices WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  },

  async deviceByCode(db: Db, code: string, forUpdate = false): Promise<DeviceRow | null> {
    const rows = await db.query<DeviceRow>(`SELECT * FROM tracking_devices WHERE device_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [code]);
    return rows[0] ?? null;
  },

  async listDevices(
    db: Db,
    scope: Scope,
    filter: { zoneId?: string | undefined; status?: string | undefined; type?: string | undefined; ownerEnterpriseId?: string | undefined; deviceId?: string | undefined },
    beforeId: string | null,
    limit: number,
  ): Promise<DeviceRow[]> {
    const q = whereBuilder();
    if (scope.enterpriseId) q.add('owner_enterprise_id = ?', scope.enterpriseId);
    if (scope.zoneIds) q.add('zone_id = ANY(?::uuid[])', scope.zoneIds);
    if (filter.zoneId) q.add('zone_id = ?', filter.zoneId);
    if (filter.status) q.add('status = ?', filter.status);
    if (filter.type) q.add('type = ?', filter.type);
    if (filter.ownerEnterpriseId) q.add('owner_enterprise_id = ?', filter.ownerEnterpriseId);
    if (filter.deviceId) q.add('device_id = ?', filter.deviceId);
    if (beforeId) q.add('id < ?', beforeId);
    q.params.push(limit + 1);
    return db.query<DeviceRow>(`SELECT * FROM tracking_devices ${q.sql()} ORDER BY id DESC LIMIT $${q.params.length}`, q.params);
  },

  /** The newest stored position of each of these devices' open trips, by device id (one index probe each). */
  async openTripNewestFixes(db: Db, deviceIds: readonly string[]): Promise<Map<string, { at: Date; lat: number; lon: number }>> {
    const fixes = new Map<string, { at: Date; lat: number; lon: number }>();
    if (deviceIds.length === 0) return fixes;
    const rows = await db.query<{ device_id: string; at: Date; lat_e7: number; lon_e7: number }>(
      `SELECT t.device_id, p.at, p.lat_e7, p.lon_e7
       FROM trips t
       CROSS JOIN LATERAL (SELECT at, lat_e7, lon_e7 FROM trip_positions WHERE trip_id = t.id ORDER BY at DESC LIMIT 1) p
       WHERE t.device_id = ANY($1::uuid[]) AND t.status IN ('PLANNED', 'ACTIVE')`,
      [deviceIds],
    );
    for (const row of rows) fixes.set(row.device_id, { at: row.at, lat: row.lat_e7 / 1e7, lon: row.lon_e7 / 1e7 });
    return fixes;
  },

  async retireDevice(db: Db, id: string, reason: string, at: Date): Promise<DeviceRow> {
    const [row] = await db.query<DeviceRow>(
      `UPDATE tracking_devices SET status = 'RETIRED', retired_at = $2, retirement_reason = $3 WHERE id = $1 RETURNING *`,
      [id, at, reason],
    );
    return row as DeviceRow;
  },

  async enterpriseExists(db: Db, id: string): Promise<boolean> {
    return (await db.query('SELECT 1 FROM enterprises WHERE id = $1', [id])).length > 0;
  },

  async zoneExists(db: Db, id: string): Promise<boolean> {
    return (await db.query('SELECT 1 FROM zones WHERE id = $1', [id])).length > 0;
  },

  async openTripOf(db: Db, deviceId: string): Promise<{ id: string; reference: string } | null> {
    const rows = await db.query<{ id: string; reference: string }>(
      `SELECT id, reference FROM trips WHERE device_id = $1 AND status IN ('PLANNED', 'ACTIVE')`,
      [deviceId],
    );
    return rows[0] ?? null;
  },

  async drops(db: Db, deviceId: string, from: string, to: string): Promise<Array<{ day: string; reason: DropReason; count: number }>> {
    return db.query<{ day: string; reason: DropReason; count: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, reason, count::int AS count FROM telemetry_drops
       WHERE device_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day, reason`,
      [deviceId, from, to],
    );
  },

  // --- trips ---------------------------------------------------------------------------------------

  async declarationForTrip(db: Db, id: string): Promise<DeclarationForTripRow | null> {
    const rows = await db.query<DeclarationForTripRow>(
      'SELECT id, reference, type, state, zone_id, enterprise_id, destination_zone_id, container_numbers FROM declarations WHERE id = $1',
      [id],
    );
    return rows[0] ?? null;
  },

  async gates(db: Db, ids: readonly string[]): Promise<GateForTripRow[]> {
    return db.query<GateForTripRow>('SELECT id, zone_id, code, active FROM gates WHERE id = ANY($1::uuid[])', [ids]);
  },

  /** The next number of the year's trip references, taken in the caller's transaction. */
  async nextNumber(db: Db, year: number): Promise<number> {
    const [row] = await db.query<{ last_number: number }>(
      `INSERT INTO trip_counters (year, last_number) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last_number = trip_counters.last_number + 1 RETURNING last_number`,
      [year],
    );
    return (row as { last_number: number }).last_number;
  },

  async insertTrip(
    db: Db,
    values: {
      id: string;
      reference: string;
      declarationId: string;
      enterpriseId: string;
      deviceId: string;
      containerNumber: string;
      originGateId: string;
      destinationGateId: string;
      originZoneId: string;
      destinationZoneId: string;
      corridor: Corridor;
      allowedStops: StoredStop[];
      departFrom: Date;
      arriveBy: Date;
      monitorState: unknown;
      createdBy: string | null;
      at: Date;
    },
  ): Promise<void> {
    await db.query(
      `INSERT INTO trips (id, reference, declaration_id, enterprise_id, device_id, container_number, origin_gate_id, destination_gate_id,
                          origin_zone_id, destination_zone_id, corridor, corridor_key, allowed_stops, depart_from, arrive_by, status, monitor_state,
                          created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, encode(sha256(convert_to($11::jsonb::text, 'UTF8')), 'hex'), $12::jsonb, $13, $14,
               'PLANNED', $15::jsonb, $16, $17)`,
      [
        values.id,
        values.reference,
        values.declarationId,
        values.enterpriseId,
        values.deviceId,
        values.containerNumber,
        values.originGateId,
        values.destinationGateId,
        values.originZoneId,
        values.destinationZoneId,
        JSON.stringify(values.corridor),
        JSON.stringify(values.allowedStops),
        values.departFrom,
        values.arriveBy,
        JSON.stringify(values.monitorState),
        values.createdBy,
        values.at,
      ],
    );
  },

  async trip(db: Db, id: string, forUpdate = false): Promise<TripRow | null> {
    const rows = await db.query<TripRow>(`SELECT ${TRIP_COLUMNS} FROM ${TRIP_FROM} WHERE t.id = $1${forUpdate ? ' FOR UPDATE OF t' : ''}`, [id]);
    return rows[0] ?? null;
  },

  async listTrips(
    db: Db,
    scope: Scope,
    filter: { status?: string | undefined; declarationId?: string | undefined; deviceId?: string | undefined; zoneId?: string | undefined; enterpriseId?: string | undefined },
    beforeId: string | null,
    limit: number,
  ): Promise<TripRow[]> {
    const q = whereBuilder();
    if (scope.enterpriseId) q.add('t.enterprise_id = ?', scope.enterpriseId);
    if (scope.zoneIds) q.add('(t.origin_zone_id = ANY(?::uuid[]) OR t.destination_zone_id = ANY(?::uuid[]))', scope.zoneIds, scope.zoneIds);
    if (filter.status) q.add('t.status = ?', filter.status);
    if (filter.declarationId) q.add('t.declaration_id = ?', filter.declarationId);
    if (filter.deviceId) q.add('t.device_id = ?', filter.deviceId);
    if (filter.zoneId) q.add('(t.origin_zone_id = ? OR t.destination_zone_id = ?)', filter.zoneId, filter.zoneId);
    if (filter.enterpriseId) q.add('t.enterprise_id = ?', filter.enterpriseId);
    if (beforeId) q.add('t.id < ?', beforeId);
    q.params.push(limit + 1);
    return db.query<TripRow>(`SELECT ${TRIP_COLUMNS} FROM ${TRIP_FROM} ${q.sql()} ORDER BY t.id DESC LIMIT $${q.params.length}`, q.params);
  },

  /** A trip started by hand: only a PLANNED one; false when it was not (any more). */
  async markStarted(db: Db, id: string, at: Date): Promise<boolean> {
    const rows = await db.query(`UPDATE trips SET status = 'ACTIVE', started_at = $2 WHERE id = $1 AND status = 'PLANNED' RETURNING id`, [id, at]);
    return rows.length > 0;
  },

  async markEnded(db: Db, id: string, status: 'COMPLETED' | 'ABORTED', at: Date, note: string, by: string | null): Promise<boolean> {
    const rows = await db.query(
      `UPDATE trips SET status = $2, ended_at = $3, end_note = $4, ended_by = $5 WHERE id = $1 AND status IN ('PLANNED', 'ACTIVE') RETURNING id`,
      [id, status, at, note, by],
    );
    return rows.length > 0;
  },

  /**
   * Status changes as events, each with its transparency log entry, in the caller's transaction.
   * Returns the ids of those written (a change already recorded at the same instant is not again).
   */
  async recordTransitions(db: Db, events: readonly EventValues[], recordedAt: Date): Promise<string[]> {
    if (events.length === 0) return [];
    const written = await insertEvents(db, events, recordedAt);
    await recordLeaves(db, 'trip.transition', written);
    return written;
  },

  async tripEvents(db: Db, tripId: string): Promise<EventRow[]> {
    return db.query<EventRow>('SELECT id, at, kind, details FROM trip_events WHERE trip_id = $1 ORDER BY at, id', [tripId]);
  },

  async tripAlerts(db: Db, tripId: string): Promise<TripAlertRow[]> {
    return db.query<TripAlertRow>(
      `SELECT id, kind, severity, status, message, occurrences, raised_at FROM alerts WHERE subject_type = 'trip' AND subject_id = $1 ORDER BY raised_at, id`,
      [tripId],
    );
  },

  /** Gates with the zone each belongs to, as a custody record names them. */
  async gatesWithZones(db: Db, ids: readonly string[]): Promise<GateWithZoneRow[]> {
    return db.query<GateWithZoneRow>(
      `SELECT g.id, g.code, g.name, z.id AS zone_id, z.code AS zone_code, z.name AS zone_name, z.locode AS zone_locode
       FROM gates g JOIN zones z ON z.id = g.zone_id WHERE g.id = ANY($1::uuid[])`,
      [ids],
    );
  },

  /**
   * The number of the trip's fixes and the SHA-256 of their text, one line per fix in time order:
   * "milliseconds,latE7,lonE7" and a line feed (the digest a custody record carries).
   */
  async trackDigest(db: Db, tripId: string): Promise<{ positions: number; sha256: string }> {
    const rows = await db.query<{ positions: number; sha256: string }>(
      `SELECT count(*)::int AS positions,
              encode(sha256(convert_to(coalesce(string_agg(
                ((extract(epoch FROM at) * 1000)::bigint)::text || ',' || lat_e7 || ',' || lon_e7 || E'\\n', '' ORDER BY at), ''), 'UTF8')), 'hex') AS sha256
       FROM trip_positions WHERE trip_id = $1`,
      [tripId],
    );
    const row = rows[0];
    return { positions: Number(row?.positions ?? 0), sha256: row?.sha256 ?? '' };
  },

  async track(db: Db, tripId: string, from: Date | null, to: Date | null, limit: number): Promise<Array<{ t: number; lat_e7: number; lon_e7: number; speed_kmh_x10: number | null }>> {
    const q = whereBuilder();
    q.add('trip_id = ?', tripId);
    if (from) q.add('at >= ?', from);
    if (to) q.add('at <= ?', to);
    q.params.push(limit);
    return db.query(
      `SELECT (extract(epoch FROM at) * 1000)::float8 AS t, lat_e7, lon_e7, speed_kmh_x10 FROM trip_positions ${q.sql()} ORDER BY at LIMIT $${q.params.length}`,
      q.params,
    );
  },

  /**
   * The live map's one query: the PLANNED and ACTIVE trips within the scope that the ingest does not
   * hold (`held`, already in scope), and the open alerts of all of them.
   */
  async liveTrips(db: Db, scope: Scope, held: readonly string[]): Promise<LiveTripRow[]> {
    const q = whereBuilder();
    q.params.push(held);
    q.add(`t.status IN ('PLANNED', 'ACTIVE')`);
    q.add('t.id <> ALL($1::uuid[])');
    if (scope.enterpriseId) q.add('t.enterprise_id = ?', scope.enterpriseId);
    if (scope.zoneIds) q.add('(t.origin_zone_id = ANY(?::uuid[]) OR t.destination_zone_id = ANY(?::uuid[]))', scope.zoneIds, scope.zoneIds);
    return db.query<LiveTripRow>(
      `SELECT o.id, o.held, t.reference, t.status, t.declaration_id, t.enterprise_id, t.device_id, d.device_id AS device_code, t.container_number,
              t.origin_gate_id, t.destination_gate_id, t.origin_zone_id, t.destination_zone_id, t.arrive_by, t.seal_state, t.tampered,
              t.last_at, t.last_lat, t.last_lon, t.last_speed_kmh,
              (SELECT count(*) FROM alerts a WHERE a.subject_type = 'trip' AND a.subject_id = o.id::text AND a.status = 'OPEN')::int AS open_alerts
       FROM (SELECT t.id, false AS held FROM trips t ${q.sql()}
             UNION ALL SELECT held.id, true FROM unnest($1::uuid[]) AS held(id)) o
       LEFT JOIN trips t ON t.id = o.id AND NOT o.held
       LEFT JOIN tracking_devices d ON d.id = t.device_id
       ORDER BY o.id DESC`,
      q.params,
    );
  },

  // --- the ingest ----------------------------------------------------------------------------------

  async devicesWithTrips(db: Db, codes: readonly string[]): Promise<DeviceWithTripRow[]> {
    return db.query<DeviceWithTripRow>(
      `SELECT d.id, d.device_id AS code, d.zone_id, d.last_seen_at, d.battery_percent, d.last_fix_at, d.last_lat, d.last_lon,
              t.id AS trip_id, t.reference, t.container_number, t.declaration_id, t.enterprise_id, t.origin_zone_id, t.destination_zone_id, t.origin_gate_id,
              t.destination_gate_id, t.corridor_key, t.allowed_stops, t.arrive_by, t.status AS trip_status, t.seal_state, t.tampered,
              t.last_at AS trip_last_at, t.last_lat AS trip_last_lat, t.last_lon AS trip_last_lon, t.last_speed_kmh AS trip_last_speed_kmh,
              t.distance_m AS trip_distance_m, t.positions AS trip_positions, t.live_version, t.monitor_state
       FROM tracking_devices d LEFT JOIN trips t ON t.device_id = d.id AND t.status IN ('PLANNED', 'ACTIVE')
       WHERE d.device_id = ANY($1::text[])`,
      [codes],
    );
  },

  /**
   * Locks the open trips of these devices for the flush, and says which they are now: their status,
   * how often their row was written, which ingest stored their latest positions and, where that is not
   * `ingestId`, when the newest was taken (a process holding a trip in memory that differs on any was
   * overtaken by another one). The newest position costs an index probe and a visit of the heap, so it
   * is read only for the trips whose positions another ingest stores (or none has since migration 025).
   */
  async lockOpenTrips(db: Db, deviceIds: readonly string[], ingestId: string): Promise<LockedTripRow[]> {
    if (deviceIds.length === 0) return [];
    // NO KEY UPDATE: enough to keep an officer's change (FOR UPDATE) out, without blocking the key
    // checks of events referring to the trips.
    return db.query(
      `SELECT t.id, t.device_id, t.status, t.live_version, t.positions_writer,
              CASE WHEN t.positions_writer IS DISTINCT FROM $2::uuid
                THEN (SELECT extract(epoch FROM max(p.at)) * 1000 FROM trip_positions p WHERE p.trip_id = t.id)::float8 END AS latest_ms
       FROM trips t WHERE t.device_id = ANY($1::uuid[]) AND t.status IN ('PLANNED', 'ACTIVE') FOR NO KEY UPDATE OF t`,
      [deviceIds, ingestId],
    );
  },

  /** Names `writer`, which holds these trips' lock, as the ingest that stores their positions from now on. */
  async stampPositionsWriter(db: Db, tripIds: readonly string[], writer: string): Promise<void> {
    if (tripIds.length === 0) return;
    await db.query('UPDATE trips SET positions_writer = $1 WHERE id = ANY($2::uuid[])', [writer, tripIds]);
  },

  /** The positions stored after each trip's checkpoint (its row's last fix), in time order per trip. */
  async positionsAfter(db: Db, checkpoints: ReadonlyArray<{ tripId: string; lastAt: Date | null }>): Promise<Map<string, StoredFix[]>> {
    const after = new Map<string, StoredFix[]>();
    if (checkpoints.length === 0) return after;
    const rows = await db.query<{ trip_id: string; at: Date; lat_e7: number; lon_e7: number; speed_kmh_x10: number | null; heading: number | null; accuracy_m: number | null }>(
      `SELECT p.trip_id, p.at, p.lat_e7, p.lon_e7, p.speed_kmh_x10, p.heading, p.accuracy_m
       FROM unnest($1::uuid[], $2::timestamptz[]) AS c(trip_id, after)
       JOIN trip_positions p ON p.trip_id = c.trip_id AND p.at > COALESCE(c.after, '-infinity'::timestamptz)
       ORDER BY p.trip_id, p.at`,
      [checkpoints.map((c) => c.tripId), checkpoints.map((c) => iso(c.lastAt))],
    );
    for (const row of rows) {
      const fix: StoredFix = {
        at: row.at,
        lat: row.lat_e7 / 1e7,
        lon: row.lon_e7 / 1e7,
        speedKmh: row.speed_kmh_x10 === null ? null : row.speed_kmh_x10 / 10,
        heading: row.heading,
        accuracyM: row.accuracy_m,
      };
      const list = after.get(row.trip_id);
      if (list) list.push(fix);
      else after.set(row.trip_id, [fix]);
    }
    return after;
  },

  /** Seal states and device events; returns the ids of those not stored before (a resent message is not). */
  async insertDeviceEvents(db: Db, events: readonly EventValues[], recordedAt: Date): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    return new Set(await insertEvents(db, events, recordedAt));
  },

  /**
   * Stores positions that the filters let through, by binary COPY. Each is later than its trip's newest
   * stored position, which the flush checked under the trip's lock (lockOpenTrips), so none can be here
   * already; should one be, the unique violation fails the flush, and the ingest reads the devices
   * again and redoes it.
   */
  async insertPositions(db: Db, positions: readonly PositionValues[]): Promise<void> {
    if (positions.length === 0) return;
    // A fleet's trips report one position each per flush, flush after flush: their ids' bytes are kept.
    if (tripIdBytes.size > MAX_TRIP_IDS_KEPT) tripIdBytes.clear();
    const rows = new CopyBinaryWriter(positions.length * 72, tripIdBytes);
    for (const p of positions) {
      rows.row(POSITION_COLUMNS.length).uuid(p.tripId).timestamptz(p.at.getTime()).int32(e7(p.lat)).int32(e7(p.lon));
      rows.int16(smallint(p.speedKmh, 10)).int16(p.heading === null ? null : Math.round(p.heading) % 360).int16(smallint(p.accuracyM));
    }
    await db.copyBinary('trip_positions', POSITION_COLUMNS, rows.finish());
  },

  /**
   * Writes open trips' checkpoints: last fix, distance, count of positions, seal, monitor state and
   * status, as the flush holding their lock knows them; an ended trip is left as it is.
   * The ids are given twice, in the rows and as an array the primary key looks up (as in updateDevices):
   * joined on the rows alone, the planner hashed every open trip at each flush (7 ms a flush with 5,000
   * open trips, however few the flush moved).
   */
  async writeCheckpoints(db: Db, checkpoints: readonly TripCheckpoint[]): Promise<void> {
    if (checkpoints.length === 0) return;
    await db.query(
      `UPDATE trips t SET
         last_at = v.last_at, last_lat = v.last_lat, last_lon = v.last_lon, last_speed_kmh = v.last_speed_kmh,
         distance_m = v.distance_m, positions = v.positions, seal_state = v.seal_state, tampered = v.tampered, monitor_state = v.monitor_state,
         status = CASE WHEN v.completed_at IS NOT NULL THEN 'COMPLETED' WHEN v.started_at IS NOT NULL THEN 'ACTIVE' ELSE t.status END,
         started_at = COALESCE(t.started_at, v.started_at),
         ended_at = CASE WHEN v.completed_at IS NOT NULL THEN v.completed_at ELSE t.ended_at END,
         live_version = t.live_version + 1
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, last_at timestamptz, last_lat double precision, last_lon double precision,
            last_speed_kmh real, distance_m double precision, positions integer, seal_state text, tampered boolean,
            monitor_state jsonb, started_at timestamptz, completed_at timestamptz)
       WHERE t.id = v.id AND t.id = ANY($2::uuid[]) AND t.status IN ('PLANNED', 'ACTIVE')`,
      [
        JSON.stringify(
          checkpoints.map((c) => ({
            id: c.id,
            last_at: iso(c.totals.lastAt),
            last_lat: c.totals.lastLat,
            last_lon: c.totals.lastLon,
            last_speed_kmh: c.totals.lastSpeedKmh,
            distance_m: c.totals.distanceM,
            positions: c.totals.positions,
            seal_state: c.sealState,
            tampered: c.tampered,
            monitor_state: c.monitorState,
            started_at: iso(c.startedAt),
            completed_at: iso(c.completedAt),
          })),
        ),
        checkpoints.map((c) => c.id),
      ],
    );
  },

  async updateDevices(db: Db, updates: readonly DeviceUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    await db.query(
      `UPDATE tracking_devices d SET
         last_seen_at = GREATEST(d.last_seen_at, v.last_seen_at),
         battery_percent = COALESCE(v.battery, d.battery_percent),
         last_fix_at = CASE WHEN v.last_fix_at IS NOT NULL AND (d.last_fix_at IS NULL OR v.last_fix_at > d.last_fix_at) THEN v.last_fix_at ELSE d.last_fix_at END,
         last_lat = CASE WHEN v.last_fix_at IS NOT NULL AND (d.last_fix_at IS NULL OR v.last_fix_at > d.last_fix_at) THEN v.last_lat ELSE d.last_lat END,
         last_lon = CASE WHEN v.last_fix_at IS NOT NULL AND (d.last_fix_at IS NULL OR v.last_fix_at > d.last_fix_at) THEN v.last_lon ELSE d.last_lon END
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, last_seen_at timestamptz, battery smallint, last_fix_at timestamptz, last_lat double precision, last_lon double precision)
       WHERE d.id = v.id AND d.id = ANY($2::uuid[])`,
      [
        JSON.stringify(
          updates.map((u) => ({ id: u.id, last_seen_at: u.lastSeenAt.toISOString(), battery: u.battery, last_fix_at: iso(u.lastFixAt), last_lat: u.lastLat, last_lon: u.lastLon })),
        ),
        updates.map((u) => u.id),
      ],
    );
  },

  /** Adds drop counts; one row per (device, reason, day) in `counts`. */
  async addDrops(db: Db, counts: readonly DropCount[]): Promise<void> {
    if (counts.length === 0) return;
    await db.query(
      `INSERT INTO telemetry_drops (device_id, reason, day, count)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::bigint[])
       ON CONFLICT (device_id, reason, day) DO UPDATE SET count = telemetry_drops.count + EXCLUDED.count`,
      [counts.map((c) => c.deviceId), counts.map((c) => c.reason), counts.map((c) => c.day), counts.map((c) => c.count)],
    );
  },

  /** Changes whenever a gate or zone is written (kept by triggers on both tables). */
  async fencesVersion(db: Db): Promise<string> {
    const [row] = await db.query<{ version: string }>('SELECT version::text FROM geofence_version');
    return (row as { version: string }).version;
  },

  async fenceGates(db: Db): Promise<FenceGateRow[]> {
    return db.query<FenceGateRow>('SELECT id, latitude, longitude FROM gates WHERE active');
  },

  async fenceZones(db: Db): Promise<FenceZoneRow[]> {
    return db.query<FenceZoneRow>('SELECT id, perimeter FROM zones WHERE active');
  },

  async openTrips(db: Db): Promise<OpenTripRow[]> {
    return db.query<OpenTripRow>(
      `SELECT t.id, t.status, d.device_id AS device_code FROM trips t JOIN tracking_devices d ON d.id = t.device_id WHERE t.status IN ('PLANNED', 'ACTIVE')`,
    );
  },

  /** The corridors of these trips, once per key (give one trip of each key wanted). */
  async corridors(db: Db, tripIds: readonly string[]): Promise<Array<{ corridor_key: string; corridor: Corridor }>> {
    if (tripIds.length === 0) return [];
    return db.query('SELECT DISTINCT ON (corridor_key) corridor_key, corridor FROM trips WHERE id = ANY($1::uuid[])', [tripIds]);
  },

  // --- settings and retention ----------------------------------------------------------------------

  async settings(db: Db, forUpdate = false): Promise<TrackingSettingsRow> {
    const [row] = await db.query<TrackingSettingsRow>(`SELECT * FROM tracking_settings WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`);
    if (!row) throw new Error('the tracking settings are missing; run the migrations');
    return row;
  },

  async updateSettings(
    db: Db,
    values: {
      deviationMeters: number;
      deviationSeconds: number;
      returnSeconds: number;
      stopSpeedKmh: number;
      stopMinutes: number;
      signalLostMinutes: number;
      lowBatteryPercent: number;
      gateFenceRadiusMeters: number;
      futureToleranceSeconds: number;
      maxSpeedKmh: number;
      maxAccuracyMeters: number;
      retentionDays: number;
    },
    by: string | null,
    at: Date,
  ): Promise<TrackingSettingsRow> {
    const [row] = await db.query<TrackingSettingsRow>(
      `UPDATE tracking_settings SET deviation_meters = $1, deviation_seconds = $2, return_seconds = $3, stop_speed_kmh = $4, stop_minutes = $5,
         signal_lost_minutes = $6, low_battery_percent = $7, gate_fence_radius_meters = $8, future_tolerance_seconds = $9, max_speed_kmh = $10,
         max_accuracy_meters = $11, retention_days = $12, version = version + 1, updated_by = $13, updated_at = $14
       WHERE id = 1 RETURNING *`,
      [
        values.deviationMeters,
        values.deviationSeconds,
        values.returnSeconds,
        values.stopSpeedKmh,
        values.stopMinutes,
        values.signalLostMinutes,
        values.lowBatteryPercent,
        values.gateFenceRadiusMeters,
        values.futureToleranceSeconds,
        values.maxSpeedKmh,
        values.maxAccuracyMeters,
        values.retentionDays,
        by,
        at,
      ],
    );
    return row as TrackingSettingsRow;
  },

  /**
   * Deletes the positions of up to `batch` trips that ended before `endedBefore`, marking them so
   * they are not looked at again; returns how many trips and positions.
   */
  async purgePositions(db: Db, endedBefore: Date, at: Date, batch: number): Promise<{ trips: number; positions: number }> {
    const trips = await db.query<{ id: string }>(
      `UPDATE trips SET positions_purged_at = $2
       WHERE id IN (SELECT id FROM trips WHERE ended_at < $1 AND positions_purged_at IS NULL ORDER BY ended_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [endedBefore, at, batch],
    );
    if (trips.length === 0) return { trips: 0, positions: 0 };
    const deleted = await db.query('DELETE FROM trip_positions WHERE trip_id = ANY($1::uuid[]) RETURNING 1', [trips.map((trip) => trip.id)]);
    return { trips: trips.length, positions: deleted.length };
  },

  async purgeDrops(db: Db, before: string): Promise<number> {
    const rows = await db.query('DELETE FROM telemetry_drops WHERE day < $1::date RETURNING 1', [before]);
    return rows.length;
  },
};

/** One multi-row insert of events; returns the ids written (not those already stored). */
async function insertEvents(db: Db, events: readonly EventValues[], recordedAt: Date): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO trip_events (id, trip_id, device_id, at, kind, details, recorded_at)
     SELECT u.id, u.trip_id, u.device_id, u.at, u.kind, u.details::jsonb, $7::timestamptz
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[], $6::text[]) AS u(id, trip_id, device_id, at, kind, details)
     ON CONFLICT (device_id, at, kind) DO NOTHING RETURNING id`,
    [
      events.map((e) => e.id),
      events.map((e) => e.tripId),
      events.map((e) => e.deviceId),
      events.map((e) => e.at.toISOString()),
      events.map((e) => e.kind),
      events.map((e) => JSON.stringify(e.details)),
      recordedAt,
    ],
  );
  return rows.map((row) => row.id);
}
