// Cargo tracking: e-seals and e-locks registered per zone; trips binding a device to a released
// declaration's container between two gates along a corridor, planned by customs or the zone,
// started and completed at the gates by the telemetry (or by an officer's hand), aborted with a
// reason; the live map, tracks and timelines; telemetry over HTTP; the settings; and the retention
// of positions. The telemetry itself goes through the ingest (tracking.ingest.ts).
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { actorIdOf, canSeeZone, STAFF_ROLES, type Principal, type Role } from '../platform/auth/principal.ts';
import { AppError, FieldErrors, forbidden, notFound } from '../platform/errors.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import { ALERT_READERS, type AlertsService } from '../alerts/alerts.service.ts';
import type { Meters } from '../platform/operations/metrics.ts';
import type { LonLat, Corridor } from './geo.ts';
import type { TripCustodyFacts } from '../credentials/trip-custody-record.ts';
import { initialMonitorState } from './monitor.ts';
import { parseTelemetry } from './telemetry.contract.ts';
import { addFix } from './checkpoint.ts';
import { createTelemetryIngest, settingsOf, type IngestResult, type LiveTripState, type TickResult, type TrackingIngest } from './tracking.ingest.ts';
import { trackingRepository as repo, type DeviceRow, type Scope, type StoredStop, type TrackingSettingsRow, type TripRow } from './tracking.repository.ts';
import {
  MAX_ALLOWED_STOPS,
  MAX_AREA_POSITIONS,
  MAX_AREA_RINGS,
  MAX_ROUTE_POINTS,
  MAX_TRACK_POINTS,
  type CorridorInput,
  type Device,
  type DeviceDrops,
  type DeviceInput,
  type DeviceListQuery,
  type DropsQuery,
  type LiveTrips,
  type TelemetryInput,
  type Timeline,
  type Track,
  type TrackingSettings,
  type TrackingSettingsInput,
  type TrackQuery,
  type Trip,
  type TripInput,
  type TripListQuery,
} from './tracking.schemas.ts';

/** Staff read devices within their zones; an enterprise its own devices. */
export const DEVICE_READERS: readonly Role[] = [...STAFF_ROLES, 'enterprise_user'];
export const DEVICE_WRITERS: readonly Role[] = ['admin', 'zone_operator'];
/** Staff read trips touching their zones; an enterprise its own trips. */
export const TRIP_READERS: readonly Role[] = [...STAFF_ROLES, 'enterprise_user'];
/** Customs, and the operators of the zone the goods leave from, plan trips. */
export const TRIP_PLANNERS: readonly Role[] = ['admin', 'customs_officer', 'zone_operator'];
/** Starting, completing and aborting a trip by hand is a customs decision. */
export const TRIP_DECIDERS: readonly Role[] = ['admin', 'customs_officer'];
/** Devices' gateways (a zone operator's API key), or staff sending by hand. */
export const TELEMETRY_SENDERS: readonly Role[] = ['admin', 'zone_operator'];
export const TELEMETRY_SCOPE = 'telemetry:write';
export const SETTINGS_READERS: readonly Role[] = STAFF_ROLES;

const DAY_MS = 86_400_000;
/** A trip's window spans at most this long, and may have begun at most a day before it is planned. */
const MAX_WINDOW_DAYS = 30;
/** Drop counts are read for at most this many days at once. */
const MAX_DROP_DAYS = 366;
/** Trips whose positions are deleted per transaction by the retention. */
const RETENTION_BATCH = 100;

function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!roles.includes(principal.role)) throw forbidden();
}

function scopeOf(principal: Principal): Scope {
  if (principal.role === 'enterprise_user') return { enterpriseId: principal.enterpriseId ?? '00000000-0000-0000-0000-000000000000', zoneIds: null };
  return { enterpriseId: null, zoneIds: principal.zoneIds };
}

function canSeeDevice(principal: Principal, row: Pick<DeviceRow, 'owner_enterprise_id' | 'zone_id'>): boolean {
  if (principal.role === 'enterprise_user') return row.owner_enterprise_id !== null && row.owner_enterprise_id === principal.enterpriseId;
  return canSeeZone(principal, row.zone_id);
}

function canSeeTrip(principal: Principal, row: Pick<TripRow, 'enterprise_id' | 'origin_zone_id' | 'destination_zone_id'>): boolean {
  if (principal.role === 'enterprise_user') return principal.enterpriseId === row.enterprise_id;
  return canSeeZone(principal, row.origin_zone_id) || canSeeZone(principal, row.destination_zone_id);
}

const normalizeContainer = (number: string) => number.replace(/\s/g, '').toUpperCase();

export function presentDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    deviceId: row.device_id,
    type: row.type,
    ownerEnterpriseId: row.owner_enterprise_id,
    zoneId: row.zone_id,
    status: row.status,
    batteryPercent: row.battery_percent,
    lastSeenAt: row.last_seen_at?.toISOString() ?? null,
    lastPosition: row.last_fix_at && row.last_lat !== null && row.last_lon !== null ? { at: row.last_fix_at.toISOString(), lon: row.last_lon, lat: row.last_lat } : null,
    retiredAt: row.retired_at?.toISOString() ?? null,
    retirementReason: row.retirement_reason,
    createdAt: row.created_at.toISOString(),
  };
}

function lastPositionOf(at: Date | null, lat: number | null, lon: number | null, speedKmh: number | null): Trip['lastPosition'] {
  return at && lat !== null && lon !== null ? { at: at.toISOString(), lon, lat, speedKmh } : null;
}

export function presentTrip(row: TripRow): Trip {
  return {
    id: row.id,
    reference: row.reference,
    declarationId: row.declaration_id,
    declarationReference: row.declaration_reference,
    enterpriseId: row.enterprise_id,
    deviceId: row.device_id,
    deviceCode: row.device_code,
    deviceType: row.device_type,
    containerNumber: row.container_number,
    originGateId: row.origin_gate_id,
    destinationGateId: row.destination_gate_id,
    originZoneId: row.origin_zone_id,
    destinationZoneId: row.destination_zone_id,
    corridor: row.corridor,
    allowedStops: row.allowed_stops,
    window: { departFrom: row.depart_from.toISOString(), arriveBy: row.arrive_by.toISOString() },
    status: row.status,
    startedAt: row.started_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    endNote: row.end_note,
    sealState: row.seal_state,
    tampered: row.tampered,
    lastPosition: lastPositionOf(row.last_at, row.last_lat, row.last_lon, row.last_speed_kmh),
    distanceMeters: Math.round(row.distance_m),
    positions: row.positions,
    createdAt: row.created_at.toISOString(),
  };
}

function presentSettings(row: TrackingSettingsRow): TrackingSettings {
  const { filter, monitor } = settingsOf(row);
  return { ...monitor, ...filter, retentionDays: row.retention_days, version: row.version, updatedAt: row.updated_at.toISOString() };
}

// --- corridor and stops ------------------------------------------------------------------------------

function checkPosition(errors: FieldErrors, value: readonly number[], path: string): LonLat | null {
  const [lon, lat] = value;
  if (value.length !== 2 || !(typeof lon === 'number' && lon >= -180 && lon <= 180) || !(typeof lat === 'number' && lat >= -90 && lat <= 90)) {
    errors.add(path, 'must be [longitude, latitude] with longitude -180..180 and latitude -90..90');
    return null;
  }
  return [lon, lat];
}

/** Checks every position (naming at most a few bad ones) and returns them when all are good. */
function checkPositions(errors: FieldErrors, values: readonly (readonly number[])[], path: string): LonLat[] | null {
  const positions: LonLat[] = [];
  let bad = 0;
  for (const [index, value] of values.entries()) {
    const probe = new FieldErrors();
    const position = checkPosition(probe, value, `${path}/${index}`);
    if (position) positions.push(position);
    else if (++bad <= 5) errors.add(`${path}/${index}`, probe.details[0]?.message ?? 'is invalid');
  }
  return bad === 0 ? positions : null;
}

export function checkCorridor(errors: FieldErrors, input: CorridorInput): Corridor | null {
  if (input.type === 'route') {
    if (input.polygon !== undefined) errors.add('/corridor/polygon', 'is not a field of a route corridor');
    if (input.widthMeters === undefined) errors.add('/corridor/widthMeters', 'is required for a route corridor');
    else if (!(input.widthMeters >= 50 && input.widthMeters <= 5000)) errors.add('/corridor/widthMeters', 'must be between 50 and 5000 metres');
    if (input.line === undefined) {
      errors.add('/corridor/line', 'is required for a route corridor');
      return null;
    }
    if (input.line.length < 2 || input.line.length > MAX_ROUTE_POINTS) {
      errors.add('/corridor/line', `must have 2 to ${MAX_ROUTE_POINTS} positions`);
      return null;
    }
    const line = checkPositions(errors, input.line, '/corridor/line');
    if (!line) return null;
    if (line.every(([lon, lat]) => lon === line[0]?.[0] && lat === line[0]?.[1])) errors.add('/corridor/line', 'must not be a single point');
    return input.widthMeters === undefined ? null : { type: 'route', line, widthMeters: input.widthMeters };
  }
  if (input.line !== undefined) errors.add('/corridor/line', 'is not a field of an area corridor');
  if (input.widthMeters !== undefined) errors.add('/corridor/widthMeters', 'is not a field of an area corridor');
  if (input.polygon === undefined) {
    errors.add('/corridor/polygon', 'is required for an area corridor');
    return null;
  }
  if (input.polygon.length < 1 || input.polygon.length > MAX_AREA_RINGS) {
    errors.add('/corridor/polygon', `must have 1 to ${MAX_AREA_RINGS} rings`);
    return null;
  }
  const total = input.polygon.reduce((sum, ring) => sum + ring.length, 0);
  if (total > MAX_AREA_POSITIONS) {
    errors.add('/corridor/polygon', `must have at most ${MAX_AREA_POSITIONS} positions in all`);
    return null;
  }
  const polygon: LonLat[][] = [];
  for (const [index, ring] of input.polygon.entries()) {
    const path = `/corridor/polygon/${index}`;
    if (ring.length < 4) {
      errors.add(path, 'must be a closed ring of at least 4 positions');
      continue;
    }
    const positions = checkPositions(errors, ring, path);
    if (!positions) continue;
    const first = positions[0] as LonLat;
    const last = positions[positions.length - 1] as LonLat;
    if (first[0] !== last[0] || first[1] !== last[1]) errors.add(path, 'must be closed: its last position must repeat its first');
    else if (new Set(positions.map(([lon, lat]) => `${lon},${lat}`)).size < 3) errors.add(path, 'must enclose an area (at least 3 distinct positions)');
    polygon.push(positions);
  }
  return polygon.length === input.polygon.length ? { type: 'area', polygon } : null;
}

function checkStops(errors: FieldErrors, input: TripInput['allowedStops']): StoredStop[] {
  const stops: StoredStop[] = [];
  if (input && input.length > MAX_ALLOWED_STOPS) errors.add('/allowedStops', `must have at most ${MAX_ALLOWED_STOPS} stops`);
  for (const [index, stop] of (input ?? []).entries()) {
    const center = checkPosition(errors, stop.center, `/allowedStops/${index}/center`);
    if (center) stops.push({ name: stop.name.trim(), center, radiusMeters: stop.radiusMeters });
  }
  return stops;
}

export interface TrackingDeps {
  db: Db;
  clock: Clock;
  ingest: TrackingIngest;
}

export function createTrackingService(deps: TrackingDeps) {
  const { db, clock, ingest } = deps;

  async function visibleDevice(tx: Db, principal: Principal, id: string, forUpdate = false): Promise<DeviceRow> {
    const row = await repo.device(tx, id, forUpdate);
    if (!row || !canSeeDevice(principal, row)) throw notFound('Device');
    return row;
  }

  /**
   * Devices as they stand with every position stored: while a device reports on an open trip, its row
   * is written about once a minute (checkpoint.ts), and its trip's newest stored position may be newer.
   * It was heard from no earlier than that fix was taken (a device clock ahead of this one's is not believed).
   */
  async function withNewestFixes(tx: Db, rows: DeviceRow[]): Promise<DeviceRow[]> {
    const newest = await repo.openTripNewestFixes(tx, rows.filter((row) => row.status === 'ACTIVE').map((row) => row.id));
    if (newest.size === 0) return rows;
    const now = clock.now();
    return rows.map((row) => {
      const fix = newest.get(row.id);
      if (!fix || (row.last_fix_at !== null && row.last_fix_at >= fix.at)) return row;
      const heard = fix.at < now ? fix.at : now;
      const lastSeenAt = row.last_seen_at !== null && row.last_seen_at >= heard ? row.last_seen_at : heard;
      return { ...row, last_fix_at: fix.at, last_lat: fix.lat, last_lon: fix.lon, last_seen_at: lastSeenAt };
    });
  }

  /** The trip's row if the caller may see it; locked for a change, and first written as it stands with every position stored, when `forUpdate`. */
  async function visibleTrip(tx: Db, principal: Principal, id: string, forUpdate = false): Promise<TripRow> {
    const row = await repo.trip(tx, id, forUpdate);
    if (!row || !canSeeTrip(principal, row)) throw notFound('Trip');
    if (!forUpdate || (row.status !== 'PLANNED' && row.status !== 'ACTIVE')) return row;
    // About to change by hand: its row is first written as the ingest would have it now.
    await ingest.checkpoint(tx, row.device_code);
    return (await repo.trip(tx, id)) as TripRow;
  }

  /** Open trips' rows with the positions stored after their checkpoint counted in (checkpoint.ts). */
  async function caughtUp(tx: Db, rows: TripRow[]): Promise<TripRow[]> {
    const open = rows.filter((row) => row.status === 'PLANNED' || row.status === 'ACTIVE');
    if (open.length === 0) return rows;
    const after = await repo.positionsAfter(tx, open.map((row) => ({ tripId: row.id, lastAt: row.last_at })));
    return rows.map((row) => {
      const fixes = after.get(row.id);
      if (!fixes) return row;
      const totals = { lastAt: row.last_at, lastLat: row.last_lat, lastLon: row.last_lon, lastSpeedKmh: row.last_speed_kmh, distanceM: row.distance_m, positions: row.positions };
      for (const fix of fixes) addFix(totals, fix, row.status === 'ACTIVE');
      const { lastAt, lastLat, lastLon, lastSpeedKmh, distanceM, positions } = totals;
      return { ...row, last_at: lastAt, last_lat: lastLat, last_lon: lastLon, last_speed_kmh: lastSpeedKmh, distance_m: distanceM, positions };
    });
  }

  /** A status change by an officer, with its event, its log entry and its outbox event. */
  async function recordManual(tx: Db, principal: Principal, row: TripRow, kind: 'STARTED' | 'COMPLETED' | 'ABORTED', at: Date, note: string | null): Promise<Trip> {
    const status = kind === 'STARTED' ? 'ACTIVE' : kind;
    // The trip's row is locked: the ingest reads the device again, with this change, once it commits.
    ingest.forget(row.device_code);
    await repo.recordTransitions(
      tx,
      [{ id: uuidv7(), tripId: row.id, deviceId: row.device_id, at, kind, details: { reference: row.reference, declaration: row.declaration_id, status, gate: null, by: principal.id, note } }],
      at,
    );
    await appendEvent(tx, {
      type: `trip.${kind === 'STARTED' ? 'started' : kind === 'COMPLETED' ? 'completed' : 'aborted'}`,
      aggregateType: 'trip',
      aggregateId: row.id,
      zoneId: row.origin_zone_id,
      enterpriseId: row.enterprise_id,
      actorId: actorIdOf(principal),
      payload: { reference: row.reference, declarationId: row.declaration_id, status, gateId: null, deviceId: row.device_code, containerNumber: row.container_number, note },
      at,
    });
    return presentTrip((await repo.trip(tx, row.id)) as TripRow);
  }

  return {
    // --- devices -------------------------------------------------------------------------------------

    async listDevices(principal: Principal, query: DeviceListQuery) {
      requireRole(principal, DEVICE_READERS);
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''));
      const rows = await withNewestFixes(db, await repo.listDevices(db, scopeOf(principal), query, cursor?.[0] ?? null, limit));
      return toPage(rows, limit, (row) => [row.id], presentDevice);
    },

    async getDevice(principal: Principal, id: string): Promise<Device> {
      requireRole(principal, DEVICE_READERS);
      const [row] = await withNewestFixes(db, [await visibleDevice(db, principal, id)]);
      return presentDevice(row as DeviceRow);
    },

    async registerDevice(tx: Db, principal: Principal, input: DeviceInput): Promise<Device> {
      requireRole(principal, DEVICE_WRITERS);
      const errors = new FieldErrors();
      if (!canSeeZone(principal, input.zoneId) || !(await repo.zoneExists(tx, input.zoneId))) errors.add('/zoneId', 'is not a zone you work in');
      const owner = input.ownerEnterpriseId ?? null;
      if (owner !== null && !(await repo.enterpriseExists(tx, owner))) errors.add('/ownerEnterpriseId', 'no enterprise with this id');
      errors.throwIfAny('The device cannot be registered');
      const at = clock.now();
      const taken = () => new AppError('CONFLICT', `A device ${input.deviceId} is already registered`, [{ path: '/deviceId', message: 'is already registered' }]);
      if (await repo.deviceByCode(tx, input.deviceId)) throw taken();
      let row: DeviceRow;
      try {
        row = await repo.insertDevice(tx, { id: uuidv7(), deviceId: input.deviceId, type: input.type, ownerEnterpriseId: owner, zoneId: input.zoneId, createdBy: actorIdOf(principal), at });
      } catch (error) {
        // A concurrent registration of the same device took it a moment ago.
        if ((error as { code?: unknown }).code === '23505') throw taken();
        throw error;
      }
      await appendEvent(tx, {
        type: 'device.registered',
        aggregateType: 'device',
        aggregateId: row.id,
        zoneId: row.zone_id,
        enterpriseId: row.owner_enterprise_id,
        actorId: actorIdOf(principal),
        payload: { deviceId: row.device_id, type: row.type, status: row.status },
        at,
      });
      return presentDevice(row);
    },

    async retireDevice(tx: Db, principal: Principal, id: string, reason: string): Promise<Device> {
      requireRole(principal, DEVICE_WRITERS);
      const row = await visibleDevice(tx, principal, id, true);
      if (row.status === 'RETIRED') throw new AppError('INVALID_TRANSITION', 'The device is already retired', [{ path: '/reason', message: 'the device is RETIRED' }]);
      const open = await repo.openTripOf(tx, id);
      if (open) throw new AppError('CONFLICT', `The device is bound to trip ${open.reference}; complete or abort it first`, [{ path: '/reason', message: `trip ${open.reference} is open` }]);
      const at = clock.now();
      const retired = await repo.retireDevice(tx, id, reason.trim(), at);
      await appendEvent(tx, {
        type: 'device.retired',
        aggregateType: 'device',
        aggregateId: id,
        zoneId: retired.zone_id,
        enterpriseId: retired.owner_enterprise_id,
        actorId: actorIdOf(principal),
        payload: { deviceId: retired.device_id, status: retired.status },
        at,
      });
      return presentDevice(retired);
    },

    async deviceDrops(principal: Principal, id: string, query: DropsQuery): Promise<DeviceDrops> {
      requireRole(principal, DEVICE_READERS);
      await visibleDevice(db, principal, id);
      const today = clock.now().toISOString().slice(0, 10);
      const to = query.to ?? today;
      const from = query.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
      const span = (Date.parse(to) - Date.parse(from)) / DAY_MS;
      if (span < 0) throw new AppError('VALIDATION_FAILED', 'The period is empty', [{ path: '/querystring/from', message: 'must not be after to' }]);
      if (span >= MAX_DROP_DAYS) throw new AppError('VALIDATION_FAILED', 'The period is too long', [{ path: '/querystring/from', message: `must be at most ${MAX_DROP_DAYS} days before to` }]);
      return { deviceId: id, from, to, items: await repo.drops(db, id, from, to) };
    },

    /** The zone that registered the device with this maker's id, or null when none did. */
    async deviceZone(deviceId: string): Promise<string | null> {
      return (await repo.deviceByCode(db, deviceId))?.zone_id ?? null;
    },

    // --- trips ---------------------------------------------------------------------------------------

    async listTrips(principal: Principal, query: TripListQuery) {
      requireRole(principal, TRIP_READERS);
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''));
      const rows = await caughtUp(db, await repo.listTrips(db, scopeOf(principal), query, cursor?.[0] ?? null, limit));
      return toPage(rows, limit, (row) => [row.id], presentTrip);
    },

    async getTrip(principal: Principal, id: string): Promise<Trip> {
      requireRole(principal, TRIP_READERS);
      const [row] = await caughtUp(db, [await visibleTrip(db, principal, id)]);
      return presentTrip(row as TripRow);
    },

    /**
     * Plans a trip: the declaration is released (or already completed) and visible to the planner,
     * the container is one of its own, the gates exist (the origin in the planner's zones), the
     * window and the corridor are sound, and the device is active and bound to no other open trip.
     */
    async createTrip(tx: Db, principal: Principal, input: TripInput): Promise<Trip> {
      requireRole(principal, TRIP_PLANNERS);
      const declaration = await repo.declarationForTrip(tx, input.declarationId);
      const seesDeclaration =
        declaration !== null &&
        (canSeeZone(principal, declaration.zone_id) || (declaration.destination_zone_id !== null && canSeeZone(principal, declaration.destination_zone_id)));
      if (!declaration || !seesDeclaration) {
        throw new AppError('VALIDATION_FAILED', 'Unknown declaration', [{ path: '/declarationId', message: 'no declaration with this id that you may see' }]);
      }
      if (declaration.state !== 'RELEASED' && declaration.state !== 'COMPLETED') {
        throw new AppError('INVALID_TRANSITION', `Goods travel under seal once released; the declaration is ${declaration.state}`, [
          { path: '/declarationId', message: `is ${declaration.state}` },
        ]);
      }
      const errors = new FieldErrors();
      const containerNumber = normalizeContainer(input.containerNumber);
      if (!declaration.container_numbers.map(normalizeContainer).includes(containerNumber)) {
        errors.add('/containerNumber', `is not a container of declaration ${declaration.reference}`);
      }

      const byUuid = UUID_PATTERN.test(input.deviceId) ? await repo.device(tx, input.deviceId, true) : null;
      const device = byUuid ?? (await repo.deviceByCode(tx, input.deviceId, true));
      if (!device || !canSeeZone(principal, device.zone_id)) errors.add('/deviceId', 'no device with this id in your zones');
      else if (device.status !== 'ACTIVE') errors.add('/deviceId', `the device is ${device.status}`);

      const gates = await repo.gates(tx, [input.originGateId, input.destinationGateId]);
      const origin = gates.find((gate) => gate.id === input.originGateId);
      const destination = gates.find((gate) => gate.id === input.destinationGateId);
      if (!origin || !origin.active || !canSeeZone(principal, origin.zone_id)) errors.add('/originGateId', 'is not an active gate of your zones');
      if (!destination || !destination.active) errors.add('/destinationGateId', 'is not an active gate');
      if (input.originGateId === input.destinationGateId) errors.add('/destinationGateId', 'must differ from the origin gate');

      const now = clock.now();
      const departFrom = new Date(input.window.departFrom);
      const arriveBy = new Date(input.window.arriveBy);
      if (departFrom.getTime() < now.getTime() - DAY_MS) errors.add('/window/departFrom', 'must not be more than a day in the past');
      if (arriveBy <= departFrom) errors.add('/window/arriveBy', 'must be after departFrom');
      else if (arriveBy.getTime() - departFrom.getTime() > MAX_WINDOW_DAYS * DAY_MS) errors.add('/window/arriveBy', `must be within ${MAX_WINDOW_DAYS} days of departFrom`);
      else if (arriveBy <= now) errors.add('/window/arriveBy', 'must be in the future');

      const corridor = checkCorridor(errors, input.corridor);
      const allowedStops = checkStops(errors, input.allowedStops);
      errors.throwIfAny('The trip cannot be planned');
      const free = device as DeviceRow;
      const open = await repo.openTripOf(tx, free.id);
      if (open) throw new AppError('CONFLICT', `Device ${free.device_id} is bound to trip ${open.reference}`, [{ path: '/deviceId', message: `is bound to open trip ${open.reference}` }]);

      const id = uuidv7();
      const year = now.getUTCFullYear();
      const reference = `TRP-${year}-${String(await repo.nextNumber(tx, year)).padStart(6, '0')}`;
      try {
        await repo.insertTrip(tx, {
          id,
          reference,
          declarationId: declaration.id,
          enterpriseId: declaration.enterprise_id,
          deviceId: free.id,
          containerNumber,
          originGateId: input.originGateId,
          destinationGateId: input.destinationGateId,
          originZoneId: (origin as { zone_id: string }).zone_id,
          destinationZoneId: (destination as { zone_id: string }).zone_id,
          corridor: corridor as Corridor,
          allowedStops,
          departFrom,
          arriveBy,
          monitorState: initialMonitorState(),
          createdBy: actorIdOf(principal),
          at: now,
        });
      } catch (error) {
        // Another trip took the device a moment ago (one open trip per device).
        if ((error as { code?: unknown }).code === '23505') throw new AppError('CONFLICT', `Device ${free.device_id} is bound to another open trip`, [{ path: '/deviceId', message: 'is bound to an open trip' }]);
        throw error;
      }
      const row = (await repo.trip(tx, id)) as TripRow;
      // The device's row is locked: the ingest reads it again, with its new trip, once this commits.
      ingest.forget(free.device_id);
      await appendEvent(tx, {
        type: 'trip.planned',
        aggregateType: 'trip',
        aggregateId: id,
        zoneId: row.origin_zone_id,
        enterpriseId: row.enterprise_id,
        actorId: actorIdOf(principal),
        payload: { reference, declarationId: row.declaration_id, status: row.status, deviceId: row.device_code, containerNumber },
        at: now,
      });
      return presentTrip(row);
    },

    /** An officer starts a PLANNED trip whose seal was not seen armed at the origin gate. */
    async startTrip(tx: Db, principal: Principal, id: string, note: string | null): Promise<Trip> {
      requireRole(principal, TRIP_DECIDERS);
      const row = await visibleTrip(tx, principal, id, true);
      if (row.status !== 'PLANNED') throw new AppError('INVALID_TRANSITION', `Only a PLANNED trip can be started; this one is ${row.status}`, [{ path: '/note', message: `the trip is ${row.status}` }]);
      const at = clock.now();
      await repo.markStarted(tx, id, at);
      return recordManual(tx, principal, row, 'STARTED', at, note?.trim() || null);
    },

    /** An officer completes an ACTIVE trip (say after a tamper, checked at the destination). */
    async completeTrip(tx: Db, principal: Principal, id: string, note: string): Promise<Trip> {
      requireRole(principal, TRIP_DECIDERS);
      const row = await visibleTrip(tx, principal, id, true);
      if (row.status !== 'ACTIVE') {
        throw new AppError('INVALID_TRANSITION', `Only an ACTIVE trip can be completed; this one is ${row.status}${row.status === 'PLANNED' ? ' (abort it instead)' : ''}`, [
          { path: '/note', message: `the trip is ${row.status}` },
        ]);
      }
      const at = clock.now();
      await repo.markEnded(tx, id, 'COMPLETED', at, note.trim(), actorIdOf(principal));
      return recordManual(tx, principal, row, 'COMPLETED', at, note.trim());
    },

    async abortTrip(tx: Db, principal: Principal, id: string, reason: string): Promise<Trip> {
      requireRole(principal, TRIP_DECIDERS);
      const row = await visibleTrip(tx, principal, id, true);
      if (row.status !== 'PLANNED' && row.status !== 'ACTIVE') {
        throw new AppError('INVALID_TRANSITION', `Only a PLANNED or ACTIVE trip can be aborted; this one is ${row.status}`, [{ path: '/reason', message: `the trip is ${row.status}` }]);
      }
      const at = clock.now();
      await repo.markEnded(tx, id, 'ABORTED', at, reason.trim(), actorIdOf(principal));
      return recordManual(tx, principal, row, 'ABORTED', at, reason.trim());
    },

    /**
     * The live map: PLANNED and ACTIVE trips in the caller's scope, in one query with their open
     * alerts; positions and seal states of trips whose device the ingest holds come from its memory.
     */
    async live(principal: Principal): Promise<LiveTrips> {
      requireRole(principal, TRIP_READERS);
      const readsAlerts = ALERT_READERS.includes(principal.role);
      const held = new Map(
        ingest
          .liveTrips()
          .filter((trip) => canSeeTrip(principal, { enterprise_id: trip.enterpriseId, origin_zone_id: trip.originZoneId, destination_zone_id: trip.destinationZoneId }))
          .map((trip) => [trip.id, trip]),
      );
      const items: LiveTrips['items'] = [];
      for (const row of await repo.liveTrips(db, scopeOf(principal), [...held.keys()])) {
        const trip: LiveTripState | undefined = held.get(row.id);
        const openAlerts = readsAlerts ? row.open_alerts : null;
        if (trip) {
          const { lastAt, lastLat, lastLon, lastSpeedKmh, arriveBy, ...fields } = trip;
          items.push({ ...fields, arriveBy: arriveBy.toISOString(), lastPosition: lastPositionOf(lastAt, lastLat, lastLon, lastSpeedKmh), openAlerts });
          continue;
        }
        items.push({
          id: row.id,
          reference: row.reference,
          status: row.status,
          declarationId: row.declaration_id,
          enterpriseId: row.enterprise_id,
          deviceId: row.device_id,
          deviceCode: row.device_code,
          containerNumber: row.container_number,
          originGateId: row.origin_gate_id,
          destinationGateId: row.destination_gate_id,
          originZoneId: row.origin_zone_id,
          destinationZoneId: row.destination_zone_id,
          arriveBy: row.arrive_by.toISOString(),
          lastPosition: lastPositionOf(row.last_at, row.last_lat, row.last_lon, row.last_speed_kmh),
          sealState: row.seal_state,
          tampered: row.tampered,
          openAlerts,
        });
      }
      return { at: clock.now().toISOString(), items };
    },

    /** The trip's fixes as compact arrays, oldest first, for trails and replay. */
    async track(principal: Principal, id: string, query: TrackQuery): Promise<Track> {
      requireRole(principal, TRIP_READERS);
      await visibleTrip(db, principal, id);
      const from = query.from ? new Date(query.from) : null;
      const to = query.to ? new Date(query.to) : null;
      if (from && to && from > to) throw new AppError('VALIDATION_FAILED', 'The period is empty', [{ path: '/querystring/from', message: 'must not be after to' }]);
      const rows = await repo.track(db, id, from, to, MAX_TRACK_POINTS + 1);
      const truncated = rows.length > MAX_TRACK_POINTS;
      const kept = truncated ? rows.slice(0, MAX_TRACK_POINTS) : rows;
      return {
        tripId: id,
        t: kept.map((row) => Math.round(Number(row.t))),
        lon: kept.map((row) => row.lon_e7 / 1e7),
        lat: kept.map((row) => row.lat_e7 / 1e7),
        speed: kept.map((row) => (row.speed_kmh_x10 === null ? null : row.speed_kmh_x10 / 10)),
        truncated,
      };
    },

    /** What a custody record attests of a trip the caller may see (src/credentials/), read in the issuer's transaction. */
    async custodyFacts(tx: Db, principal: Principal, id: string): Promise<TripCustodyFacts> {
      requireRole(principal, TRIP_READERS);
      const trip = await visibleTrip(tx, principal, id);
      const gates = new Map((await repo.gatesWithZones(tx, [trip.origin_gate_id, trip.destination_gate_id])).map((gate) => [gate.id, gate]));
      const gateOf = (gateId: string) => {
        const gate = gates.get(gateId);
        if (!gate) throw new AppError('INTERNAL', `Trip ${trip.reference} names gate ${gateId}, which is not registered`);
        return { gateCode: gate.code, gateName: gate.name, zone: { id: gate.zone_id, code: gate.zone_code, name: gate.zone_name, locode: gate.zone_locode || null } };
      };
      const { positions, sha256 } = await repo.trackDigest(tx, id);
      return {
        tripId: trip.id,
        reference: trip.reference,
        status: trip.status,
        declarationId: trip.declaration_id,
        containerNumber: trip.container_number,
        device: { id: trip.device_code, type: trip.device_type },
        origin: gateOf(trip.origin_gate_id),
        destination: gateOf(trip.destination_gate_id),
        startedAt: trip.started_at?.toISOString() ?? null,
        endedAt: trip.ended_at?.toISOString() ?? null,
        completedByOfficer: trip.ended_by !== null,
        endNote: trip.end_note,
        tampered: trip.tampered,
        track: { positions, distanceMeters: Math.round(trip.distance_m), sha256 },
        incidents: (await repo.tripAlerts(tx, id)).map((alert) => ({ kind: alert.kind, severity: alert.severity, at: alert.raised_at.toISOString() })),
      };
    },

    /** What happened to the trip in time order: its status changes, its device's events and (for customs) its alerts. */
    async timeline(principal: Principal, id: string): Promise<Timeline> {
      requireRole(principal, TRIP_READERS);
      const trip = await visibleTrip(db, principal, id);
      const items: Timeline['items'] = [{ at: trip.created_at.toISOString(), source: 'status', kind: 'CREATED', message: `Trip ${trip.reference} planned`, details: { status: 'PLANNED' } }];
      for (const event of await repo.tripEvents(db, id)) {
        const status = event.kind === 'STARTED' || event.kind === 'COMPLETED' || event.kind === 'ABORTED';
        const note = typeof event.details.note === 'string' ? event.details.note : null;
        const byHand = typeof event.details.by === 'string';
        const message = status
          ? `${event.kind === 'STARTED' ? 'Started' : event.kind === 'COMPLETED' ? 'Completed' : 'Aborted'}${byHand ? ' by an officer' : event.kind === 'STARTED' ? ' at the origin gate' : ' at the destination gate'}${note ? `: ${note}` : ''}`
          : event.kind.startsWith('SEAL_')
            ? `Seal ${event.kind.slice(5)}`
            : `Device reports ${event.kind}`;
        items.push({ at: event.at.toISOString(), source: status ? 'status' : 'device', kind: event.kind, message, details: event.details });
      }
      if (ALERT_READERS.includes(principal.role)) {
        for (const alert of await repo.tripAlerts(db, id)) {
          items.push({
            at: alert.raised_at.toISOString(),
            source: 'alert',
            kind: alert.kind,
            message: alert.message,
            details: { alertId: alert.id, severity: alert.severity, status: alert.status, occurrences: alert.occurrences },
          });
        }
      }
      items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      return { tripId: id, items };
    },

    // --- telemetry -----------------------------------------------------------------------------------

    /** Telemetry over HTTP: the same contract and pipeline as MQTT; answered once stored. */
    async receiveTelemetry(principal: Principal, input: TelemetryInput): Promise<IngestResult> {
      requireRole(principal, TELEMETRY_SENDERS);
      const device = await repo.deviceByCode(db, input.deviceId);
      if (!device || !canSeeZone(principal, device.zone_id)) throw new AppError('NOT_FOUND', 'Device not found', [{ path: '/deviceId', message: 'no device with this id in your zones' }]);
      const parsed = parseTelemetry(input.messages);
      if (!parsed.ok) {
        throw new AppError(
          'VALIDATION_FAILED',
          'The telemetry messages are invalid',
          parsed.errors.map((error) => ({ path: `/messages${error.path === '/' ? '' : error.path}`, message: error.message })),
        );
      }
      return ingest.submit(device.device_id, parsed.messages, clock.now());
    },

    // --- settings and schedule -----------------------------------------------------------------------

    async getSettings(principal: Principal): Promise<TrackingSettings> {
      requireRole(principal, SETTINGS_READERS);
      return presentSettings(await repo.settings(db));
    },

    async updateSettings(tx: Db, principal: Principal, input: TrackingSettingsInput): Promise<TrackingSettings> {
      requireRole(principal, ['admin']);
      const current = presentSettings(await repo.settings(tx, true));
      const unchanged = (Object.keys(input) as (keyof TrackingSettingsInput)[]).every((key) => current[key] === input[key]);
      if (unchanged) return current;
      const at = clock.now();
      const updated = presentSettings(await repo.updateSettings(tx, input, actorIdOf(principal), at));
      await appendEvent(tx, { type: 'tracking-settings.updated', aggregateType: 'tracking-settings', aggregateId: '1', actorId: actorIdOf(principal), payload: { ...updated }, at });
      ingest.settingsChanged();
      return updated;
    },

    /** The time-based checks of ACTIVE trips (every few seconds). */
    tick(): Promise<TickResult> {
      return ingest.tick();
    },

    /** Deletes the positions of trips ended more than the retention period ago (their events and rows stay). */
    async applyRetention(): Promise<{ trips: number; positions: number; dropRows: number; cutoff: string }> {
      const now = clock.now();
      const { retention_days: days } = await repo.settings(db);
      const cutoff = new Date(now.getTime() - days * DAY_MS);
      let trips = 0;
      let positions = 0;
      for (;;) {
        const batch = await db.transaction((tx) => repo.purgePositions(tx, cutoff, now, RETENTION_BATCH));
        trips += batch.trips;
        positions += batch.positions;
        if (batch.trips < RETENTION_BATCH) break;
      }
      const dropRows = await repo.purgeDrops(db, cutoff.toISOString().slice(0, 10));
      return { trips, positions, dropRows, cutoff: cutoff.toISOString() };
    },
  };
}

export type TrackingService = ReturnType<typeof createTrackingService>;

/** Cargo tracking of one process: the ingest (shared by the MQTT and HTTP transports) and the service. */
export function createTracking(deps: { db: Db; clock: Clock; alerts: AlertsService; meters?: Pick<Meters, 'telemetryStored'> }) {
  const ingest = createTelemetryIngest(deps);
  const service = createTrackingService({ db: deps.db, clock: deps.clock, ingest });
  return { service, ingest };
}

export type Tracking = ReturnType<typeof createTracking>;
