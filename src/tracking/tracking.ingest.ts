// The telemetry pipeline: messages of many devices are buffered and written together, one
// transaction per flush with one multi-row statement per table. Per device, the last accepted fix
// and the open trip (its context and monitor state) live in memory, loaded on first use and updated
// after each commit; the filters drop bad fixes, the monitor turns the rest into trip transitions
// and alerts. The positions are stored at every flush; an open trip's row only as a checkpoint
// (checkpoint.ts), and a device read again, here or in another process, is caught up from the
// positions stored after it. A flush that fails stores nothing, forgets the state of its devices
// (read again next time) and rejects its submits, so a broker's message is not acknowledged and
// comes again.
// The time-based checks of ACTIVE trips (`tick`) run between flushes, on the same state.
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import type { AlertsService } from '../alerts/alerts.service.ts';
import type { Meters } from '../platform/operations/metrics.ts';
import { checkFix, checkTime, type AcceptedFix, type DropReason, type FilterSettings } from './filters.ts';
import type { Corridor, LonLat } from './geo.ts';
import { addFix, asStored, CHECKPOINT_EVERY_MS, sameBeyondLastFix, type TripTotals } from './checkpoint.ts';
import { GeofenceIndex, type Fence } from './geofences.ts';
import { observe, tick, type AlertSignal, type MonitorSettings, type MonitorState, type TripContext, type TripFences } from './monitor.ts';
import type { TelemetryMessage } from './telemetry.contract.ts';
import {
  trackingRepository as repo,
  UNKNOWN_DEVICE,
  type DeviceUpdate,
  type DeviceWithTripRow,
  type DropCount,
  type EventValues,
  type PositionValues,
  type TrackingSettingsRow,
  type TripCheckpoint,
} from './tracking.repository.ts';

type PositionMessage = Extract<TelemetryMessage, { type: 'position' }>;

export interface IngestResult {
  accepted: number;
  dropped: Partial<Record<DropReason, number>>;
}

/** Told once: no error and the result when the messages are stored (or counted as dropped), else why storing failed. */
export type IngestDone = (error: Error | null, result: IngestResult | null) => void;

export interface TelemetryIngest {
  /** Resolves once the messages are durably stored (or counted as dropped); rejects only if the database fails (the caller must then not acknowledge). */
  submit(deviceId: string, messages: TelemetryMessage[], receivedAt: Date): Promise<IngestResult>;
  /**
   * `submit` for a broker's subscriber, told through `done` rather than a promise: thousands of
   * messages wait for their flush at any time, and a promise and its callbacks kept for each were most
   * of what the garbage collector copied. `null` for the messages counts a payload refused as MALFORMED.
   */
  take(deviceId: string, messages: TelemetryMessage[] | null, receivedAt: Date, done: IngestDone): void;
  /** Writes what is buffered and stops accepting. */
  close(): Promise<void>;
}

/** An open trip as the live map shows it, from memory. */
export interface LiveTripState {
  id: string;
  reference: string;
  status: 'PLANNED' | 'ACTIVE';
  declarationId: string;
  enterpriseId: string;
  deviceId: string;
  deviceCode: string;
  containerNumber: string;
  originGateId: string;
  destinationGateId: string;
  originZoneId: string;
  destinationZoneId: string;
  arriveBy: Date;
  sealState: SealState | null;
  tampered: boolean;
  lastAt: Date | null;
  lastLat: number | null;
  lastLon: number | null;
  lastSpeedKmh: number | null;
}

export interface TickResult {
  trips: number;
  alertsRaised: number;
}

/** The ingest with what the rest of tracking needs of it besides the transports' contract. */
export interface TrackingIngest extends TelemetryIngest {
  /** Time-based checks of every ACTIVE trip at the clock's time: signal lost, overdue arrival, long stops. */
  tick(): Promise<TickResult>;
  /** Open trips of the devices held in memory. */
  liveTrips(): LiveTripState[];
  /**
   * Forgets what is held of the device: its trip was planned or changed by hand. Called once the
   * trip's row is locked, so that no flush brings the old state back; read again on next use.
   */
  forget(deviceId: string): void;
  /** The settings changed: they (and the gate fences' radius) are read again at the next flush. */
  settingsChanged(): void;
  /** Messages received and waiting for a flush (those being written are not counted). */
  queuedMessages(): number;
  /**
   * Writes the row of the device's open trip as it stands with every position stored, in the
   * caller's transaction, which holds the trip's lock and is about to change it by hand (then `forget`s the device).
   */
  checkpoint(tx: Db, deviceId: string): Promise<void>;
}

type SealState = 'ARMED' | 'SEALED' | 'OPENED';

/** A flush starts when this many messages wait ... */
export const FLUSH_AT_MESSAGES = 2000;
/** ... or this long after the first of them arrived. */
export const FLUSH_AFTER_MS = 25;
/** At most this many messages (whole submits) go into one transaction. */
const MAX_FLUSH_MESSAGES = 10_000;
/** Settings are read again at least this often, whatever else happens. */
const SETTINGS_TTL_MS = 60_000;
/** Devices kept in memory; past this the least recently loaded are forgotten (and read again on use). */
const MAX_DEVICES_IN_MEMORY = 200_000;
/** Corridors kept by key for the trips read next; the trips already read hold theirs whatever this forgets. */
const MAX_CORRIDORS_IN_MEMORY = 20_000;
/**
 * Flushes run this many at a time on PostgreSQL, each on its own connection and for its own devices
 * (a device always goes to the same lane, so its messages stay in order and its state has one
 * writer). PGlite has one connection: one lane. Two keep the server busy with one flush while this
 * process prepares the other; more only make smaller flushes, and each costs the server its own
 * statements besides the rows (about 3 ms on a 2-core machine, measured in docs/PERFORMANCE.md).
 */
const POSTGRES_LANES = 2;

interface TripMemory {
  id: string;
  reference: string;
  declarationId: string;
  enterpriseId: string;
  containerNumber: string;
  originZoneId: string;
  destinationZoneId: string;
  status: 'PLANNED' | 'ACTIVE';
  context: TripContext;
  monitor: MonitorState;
  sealState: SealState | null;
  tampered: boolean;
  totals: TripTotals;
  /** The row's checkpoint this memory continues: how often it was written, when (clock ms; when read, if not here), and its monitor state. */
  version: number;
  writtenAt: number;
  writtenMonitor: MonitorState;
  /** Positions or messages moved the trip since its row was written. */
  unwritten: boolean;
}

interface DeviceMemory {
  id: string;
  code: string;
  lastFix: AcceptedFix | null;
  trip: TripMemory | null;
  /** When it was last heard from (epoch ms) and its last battery reading, as known here. */
  seenAt: number | null;
  battery: number | null;
  /** The device's row as last written: when (its last_seen_at) and with which battery reading. */
  rowSeenAt: number | null;
  rowBattery: number | null;
  /** Heard from since its row was written. */
  unwritten: boolean;
}

/** A submit waiting for its flush; as small as it can be, for thousands of them are kept at any time. */
interface Pending {
  code: string;
  messages: TelemetryMessage[];
  /** Epoch milliseconds. */
  receivedAt: number;
  refused: boolean;
  accepted: number;
  dropped: IngestResult['dropped'] | null;
  done: IngestDone;
}

/** One stream of flushes: its queue, its timer and the chain its flushes run on one after the other. */
interface Lane {
  queue: Pending[];
  queuedMessages: number;
  firstQueuedAt: number;
  timer: NodeJS.Timeout | null;
  flushQueued: boolean;
  /** The end of the lane's work so far; never rejects. */
  tail: Promise<unknown>;
}

interface Settings {
  filter: FilterSettings;
  monitor: MonitorSettings;
}

interface RaisedAlert {
  trip: Pick<TripMemory, 'id' | 'reference' | 'declarationId' | 'enterpriseId' | 'containerNumber' | 'originZoneId'>;
  deviceCode: string;
  signal: AlertSignal;
}

/** What a trip's context is made of, as a device's or an open trip's row has it. */
interface ContextSource {
  trip_id: string;
  corridor_key: string;
  origin_gate_id: string;
  destination_gate_id: string;
  arrive_by: Date;
  allowed_stops: Array<{ center: [number, number]; radiusMeters: number }>;
}

export function settingsOf(row: TrackingSettingsRow): Settings {
  return {
    filter: { futureToleranceSeconds: row.future_tolerance_seconds, maxSpeedKmh: row.max_speed_kmh, maxAccuracyMeters: row.max_accuracy_meters },
    monitor: {
      deviationMeters: row.deviation_meters,
      deviationSeconds: row.deviation_seconds,
      returnSeconds: row.return_seconds,
      stopSpeedKmh: Number(row.stop_speed_kmh),
      stopMinutes: row.stop_minutes,
      signalLostMinutes: row.signal_lost_minutes,
      lowBatteryPercent: row.low_battery_percent,
      gateFenceRadiusMeters: row.gate_fence_radius_meters,
    },
  };
}

const SEAL_EVENT_KIND: Record<SealState, string> = { ARMED: 'SEAL_ARMED', SEALED: 'SEAL_SEALED', OPENED: 'SEAL_OPENED' };

function eventKindOf(message: Exclude<TelemetryMessage, { type: 'position' }>): string {
  return message.type === 'seal' ? SEAL_EVENT_KIND[message.state] : message.event;
}

function eventDetailsOf(message: Exclude<TelemetryMessage, { type: 'position' }>): Record<string, unknown> {
  if (message.type === 'seal') return {};
  const details: Record<string, unknown> = {};
  if (message.battery !== null) details.battery = message.battery;
  if (message.authorisation !== null) details.authorisation = message.authorisation;
  return details;
}

/** The UTC day of epoch milliseconds, as drops are counted by. */
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Tells a submit its outcome; a callback that throws is an error of its own and is thrown on its own. */
function tell(done: IngestDone, error: Error | null, result: IngestResult | null): void {
  try {
    done(error, result);
  } catch (thrown) {
    queueMicrotask(() => {
      throw thrown;
    });
  }
}

/** Zone perimeters (Polygon or MultiPolygon) and gate circles as fences. */
function fencesOf(gates: ReadonlyArray<{ id: string; latitude: number; longitude: number }>, zones: Awaited<ReturnType<typeof repo.fenceZones>>, radius: number): Fence[] {
  const fences: Fence[] = gates.map((gate) => ({
    id: `gate:${gate.id}`,
    kind: 'GATE',
    ownerId: gate.id,
    shape: { type: 'circle', center: [gate.longitude, gate.latitude], radiusMeters: radius },
  }));
  for (const zone of zones) {
    const polygons = zone.perimeter.type === 'Polygon' ? [zone.perimeter.coordinates] : zone.perimeter.coordinates;
    polygons.forEach((polygon, index) => {
      const rings = polygon.map((ring) => ring.map((position): LonLat => [position[0] as number, position[1] as number]));
      fences.push({ id: `zone:${zone.id}:${index}`, kind: 'ZONE', ownerId: zone.id, shape: { type: 'polygon', rings } });
    });
  }
  return fences;
}

export function createTelemetryIngest(deps: { db: Db; clock: Clock; alerts: AlertsService; meters?: Pick<Meters, 'telemetryStored'> }): TrackingIngest {
  const { db, clock, alerts, meters } = deps;

  // Named on the open trips whose positions this ingest stores (see stampPositionsWriter).
  const ingestId = randomUUID();
  const devices = new Map<string, DeviceMemory>();
  // Counts each device's forgetting: a flush that read the device before keeps nothing of it after.
  const forgotten = new Map<string, number>();
  // Trip contexts never change after creation; their corridor objects keep their prepared edges.
  const contexts = new Map<string, TripContext>();
  // By corridor key: the trips along one approved route share one corridor object, read and prepared once.
  const corridors = new Map<string, Corridor>();
  let settings: { value: Settings; readAt: number } | null = null;
  let fenceIndex: { index: GeofenceIndex; version: string; radius: number } | null = null;

  let closed = false;
  const lanes: Lane[] = Array.from({ length: db.dialect === 'postgres' ? POSTGRES_LANES : 1 }, () => ({
    queue: [],
    queuedMessages: 0,
    firstQueuedAt: 0,
    timer: null,
    flushQueued: false,
    tail: Promise.resolve(),
  }));

  function laneOf(code: string): Lane {
    // FNV-1a: cheap and well spread over device ids that differ in their last characters.
    let hash = 0x811c9dc5;
    for (let i = 0; i < code.length; i++) hash = Math.imul(hash ^ code.charCodeAt(i), 0x01000193);
    return lanes[(hash >>> 0) % lanes.length] as Lane;
  }

  /** Runs `task` after the lane's work so far; the lane's next work waits for it. */
  function serially<T>(lane: Lane, task: () => Promise<T>): Promise<T> {
    const run = lane.tail.then(task);
    lane.tail = run.catch(() => undefined);
    return run;
  }

  /** Runs `task` once every lane is idle, holding them all until it ends (the ticks read every device's state). */
  function exclusively<T>(task: () => Promise<T>): Promise<T> {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const reached = lanes.map((lane) => {
      const idle = lane.tail.then(() => undefined);
      lane.tail = idle.then(() => held);
      return idle;
    });
    return Promise.all(reached)
      .then(task)
      .finally(release);
  }

  // --- state ---------------------------------------------------------------------------------------

  function forget(code: string): void {
    forgotten.set(code, (forgotten.get(code) ?? 0) + 1);
    devices.delete(code);
  }

  /** Makes sure `contexts` holds these trips', reading only the corridors that memory holds under no key. */
  async function loadContexts(tx: Db, sources: readonly ContextSource[]): Promise<void> {
    const missing = sources.filter((source) => !contexts.has(source.trip_id));
    const found = new Map<string, Corridor>();
    const wanted = new Map<string, string>();
    for (const { trip_id, corridor_key } of missing) {
      const known = corridors.get(corridor_key);
      if (known) found.set(corridor_key, known);
      else if (!wanted.has(corridor_key)) wanted.set(corridor_key, trip_id);
    }
    for (const row of await repo.corridors(tx, [...wanted.values()])) {
      found.set(row.corridor_key, row.corridor);
      corridors.set(row.corridor_key, row.corridor);
      if (corridors.size > MAX_CORRIDORS_IN_MEMORY) corridors.delete(corridors.keys().next().value as string);
    }
    for (const source of missing) {
      contexts.set(source.trip_id, {
        tripId: source.trip_id,
        corridor: found.get(source.corridor_key) as Corridor,
        originGateId: source.origin_gate_id,
        destinationGateId: source.destination_gate_id,
        arriveBy: source.arrive_by,
        allowedStops: source.allowed_stops.map((stop) => ({ center: stop.center, radiusMeters: stop.radiusMeters })),
      });
    }
  }

  /** A device as read with its open trip, whose context `loadContexts` has read. */
  function memoryOf(row: DeviceWithTripRow): DeviceMemory {
    const lastFix = row.last_fix_at && row.last_lat !== null && row.last_lon !== null ? { at: row.last_fix_at, lat: row.last_lat, lon: row.last_lon } : null;
    const seenAt = row.last_seen_at?.getTime() ?? null;
    const device = { id: row.id, code: row.code, lastFix, seenAt, battery: row.battery_percent, rowSeenAt: seenAt, rowBattery: row.battery_percent, unwritten: false };
    if (row.trip_id === null || row.trip_status === null) return { ...device, trip: null };
    return {
      ...device,
      trip: {
        id: row.trip_id,
        reference: row.reference as string,
        declarationId: row.declaration_id as string,
        enterpriseId: row.enterprise_id as string,
        containerNumber: row.container_number as string,
        originZoneId: row.origin_zone_id as string,
        destinationZoneId: row.destination_zone_id as string,
        status: row.trip_status,
        context: contexts.get(row.trip_id) as TripContext,
        monitor: row.monitor_state as MonitorState,
        sealState: row.seal_state,
        tampered: row.tampered ?? false,
        totals: {
          lastAt: row.trip_last_at,
          lastLat: row.trip_last_lat,
          lastLon: row.trip_last_lon,
          lastSpeedKmh: row.trip_last_speed_kmh,
          distanceM: row.trip_distance_m ?? 0,
          positions: row.trip_positions ?? 0,
        },
        version: row.live_version ?? 0,
        writtenAt: clock.now().getTime(),
        writtenMonitor: row.monitor_state as MonitorState,
        unwritten: false,
      },
    };
  }

  function remember(device: DeviceMemory): void {
    // A device held already was changed in place: it keeps its place among the least recently loaded.
    if (devices.get(device.code) === device) return;
    devices.delete(device.code);
    devices.set(device.code, device);
    if (devices.size > MAX_DEVICES_IN_MEMORY) {
      const oldest = devices.keys().next().value;
      if (oldest !== undefined) devices.delete(oldest);
    }
  }

  async function loadSettings(tx: Db): Promise<Settings> {
    if (settings && performance.now() - settings.readAt < SETTINGS_TTL_MS) return settings.value;
    settings = { value: settingsOf(await repo.settings(tx)), readAt: performance.now() };
    return settings.value;
  }

  /** The gate and zone fences, rebuilt when a gate or zone changed or the fence radius did. */
  async function loadFences(tx: Db, radius: number): Promise<GeofenceIndex> {
    const version = await repo.fencesVersion(tx);
    if (fenceIndex && fenceIndex.version === version && fenceIndex.radius === radius) return fenceIndex.index;
    const index = new GeofenceIndex(fencesOf(await repo.fenceGates(tx), await repo.fenceZones(tx), radius));
    fenceIndex = { index, version, radius };
    return index;
  }

  // --- the flush -----------------------------------------------------------------------------------

  /** Everything one flush decided, written in its transaction; its devices are kept in memory once it commits. */
  interface FlushWork {
    devices: Map<string, DeviceMemory>;
    /** How often each device had been forgotten when the flush began. */
    forgotten: Map<string, number>;
    positions: PositionValues[];
    /** The flush's open trips whose row names another ingest (or none) as their positions writer. */
    unstamped: Set<string>;
    /** Those of them this flush stores positions of: it names itself (see stampPositionsWriter). */
    stamps: string[];
    transitions: EventValues[];
    outbox: Array<Parameters<typeof appendEvent>[1]>;
    /** The trips the flush moved, and whether their row must be written whatever its age. */
    touched: Map<string, Touched>;
    drops: Map<string, DropCount>;
    alerts: RaisedAlert[];
    endedTrips: string[];
  }

  interface Touched {
    trip: TripMemory;
    force: boolean;
    startedAt: Date | null;
    completedAt: Date | null;
  }

  function newWork(codes: Iterable<string>): FlushWork {
    return {
      devices: new Map(),
      forgotten: new Map([...codes].map((code) => [code, forgotten.get(code) ?? 0])),
      positions: [],
      unstamped: new Set(),
      stamps: [],
      transitions: [],
      outbox: [],
      touched: new Map(),
      drops: new Map(),
      alerts: [],
      endedTrips: [],
    };
  }

  function drop(work: FlushWork, pending: Pending, deviceId: string, reason: DropReason, count = 1): void {
    const dropped = (pending.dropped ??= {});
    dropped[reason] = (dropped[reason] ?? 0) + count;
    const day = dayOf(pending.receivedAt);
    const key = `${deviceId}|${reason}|${day}`;
    const counted = work.drops.get(key);
    if (counted) counted.count += count;
    else work.drops.set(key, { deviceId, reason, day, count });
  }

  /** Marks the trip moved by the flush; `force` when its row must be written now (a status, a seal, an alert, an event). */
  function touch(work: FlushWork, trip: TripMemory, force: boolean): Touched {
    let touched = work.touched.get(trip.id);
    if (!touched) {
      touched = { trip, force, startedAt: null, completedAt: null };
      work.touched.set(trip.id, touched);
    } else if (force) {
      touched.force = true;
    }
    trip.unwritten = true;
    return touched;
  }

  function heard(device: DeviceMemory, receivedAt: number): void {
    if (device.seenAt === null || receivedAt > device.seenAt) device.seenAt = receivedAt;
    device.unwritten = true;
  }

  /** Feeds one accepted message of the device's open trip to the monitor and keeps what follows. */
  function monitorMessage(work: FlushWork, device: DeviceMemory, message: TelemetryMessage, fences: TripFences, monitorSettings: MonitorSettings): void {
    const trip = device.trip;
    if (!trip) return;
    const observation = observe(trip.context, trip.status, trip.monitor, message, fences, monitorSettings);
    trip.monitor = observation.state;
    const touched = touch(work, trip, observation.alerts.length > 0 || observation.transition !== null);
    for (const signal of observation.alerts) {
      if (signal.kind === 'SEAL_TAMPERED') trip.tampered = true;
      work.alerts.push({ trip: { ...trip }, deviceCode: device.code, signal });
    }
    const transition = observation.transition;
    if (!transition) return;
    if (transition.to === 'ACTIVE' && trip.status === 'PLANNED') {
      trip.status = 'ACTIVE';
      touched.startedAt = transition.at;
    } else if (transition.to === 'COMPLETED') {
      touched.completedAt = transition.at;
      // The device is free again: what it sends next belongs to no trip until another is planned.
      device.trip = null;
      work.endedTrips.push(trip.id);
    } else {
      return;
    }
    const status = transition.to;
    work.transitions.push({
      id: uuidv7(),
      tripId: trip.id,
      deviceId: device.id,
      at: transition.at,
      kind: status === 'ACTIVE' ? 'STARTED' : 'COMPLETED',
      details: { reference: trip.reference, declaration: trip.declarationId, status, gate: transition.gateId, by: null, note: null },
    });
    work.outbox.push({
      type: status === 'ACTIVE' ? 'trip.started' : 'trip.completed',
      aggregateType: 'trip',
      aggregateId: trip.id,
      zoneId: trip.originZoneId,
      enterpriseId: trip.enterpriseId,
      payload: { reference: trip.reference, declarationId: trip.declarationId, status, gateId: transition.gateId, deviceId: device.code, containerNumber: trip.containerNumber },
      at: transition.at,
    });
  }

  /** One accepted (or stored, when catching up) position of the device's open trip: totals, then the monitor. */
  function advance(work: FlushWork, device: DeviceMemory, fix: PositionMessage, fences: TripFences, monitorSettings: MonitorSettings): void {
    const trip = device.trip as TripMemory;
    addFix(trip.totals, fix, trip.status === 'ACTIVE');
    touch(work, trip, false);
    monitorMessage(work, device, fix, fences, monitorSettings);
  }

  /**
   * Puts the devices of `codes` into `work`, each with its open trip locked and as it stands with
   * every position stored: from memory when held and not overtaken by another process, else read
   * with the trip's checkpoint and caught up by the positions stored after it.
   */
  async function prepareDevices(tx: Db, codes: readonly string[], work: FlushWork, fences: TripFences, monitorSettings: MonitorSettings): Promise<void> {
    const read = new Set<string>();
    // Held devices are changed in place: a lane's devices are its own, the checks hold every lane,
    // and whatever fails to commit forgets its devices (read again on next use).
    for (const code of codes) {
      const held = devices.get(code);
      if (held) work.devices.set(code, held);
    }
    const load = async (wanted: string[]) => {
      if (wanted.length === 0) return;
      const rows = await repo.devicesWithTrips(tx, wanted);
      await loadContexts(tx, rows.filter((row): row is DeviceWithTripRow & ContextSource => row.trip_id !== null && row.trip_status !== null));
      for (const row of rows) {
        work.devices.set(row.code, memoryOf(row));
        read.add(row.code);
      }
    };
    await load(codes.filter((code) => !work.devices.has(code)));
    // Lock the open trips for the flush. A trip an officer started, ended or planned since the device
    // was read, whose row another process wrote since, or with positions another ingest stored since,
    // makes the state stale: it is read again.
    const open = new Map((await repo.lockOpenTrips(tx, [...work.devices.values()].map((device) => device.id), ingestId)).map((row) => [row.device_id, row]));
    const stale = [...work.devices.values()].filter((device) => {
      const row = open.get(device.id);
      const trip = device.trip;
      if ((row?.id ?? null) !== (trip?.id ?? null)) return true;
      if (!row || !trip) return false;
      if (row.status !== trip.status || row.live_version !== trip.version) return true;
      // None stored by another ingest since when the stamp is this ingest's; else the newest tells.
      return !read.has(device.code) && row.positions_writer !== ingestId && row.latest_ms !== null && (trip.totals.lastAt === null || row.latest_ms > trip.totals.lastAt.getTime());
    });
    for (const device of stale) if (device.trip) contexts.delete(device.trip.id);
    await load(stale.map((device) => device.code));

    // What was read is caught up, under the lock, by the positions stored after its checkpoint.
    const behind = [...read].map((code) => work.devices.get(code)).filter((device): device is DeviceMemory & { trip: TripMemory } => Boolean(device?.trip));
    const after = await repo.positionsAfter(tx, behind.map((device) => ({ tripId: device.trip.id, lastAt: device.trip.totals.lastAt })));
    for (const device of behind) {
      for (const fix of after.get(device.trip.id) ?? []) {
        if (!device.trip) break;
        if (!device.lastFix || fix.at > device.lastFix.at) device.lastFix = { at: fix.at, lat: fix.lat, lon: fix.lon };
        advance(work, device, { type: 'position', ...fix, battery: null }, fences, monitorSettings);
      }
    }
    for (const row of open.values()) if (row.positions_writer !== ingestId) work.unstamped.add(row.id);
  }

  /**
   * Writes what the flush decided. A moved trip's row is written when `force`d, when its monitor
   * changed more than its last fix, or when its last write is older than CHECKPOINT_EVERY_MS. A
   * device's row (last heard from, battery, last fix) is written with its trip's, when it has no
   * open trip (its fixes are then stored nowhere else), when its battery reading changed, or when
   * its last write is older than `devicesOlderThanMs`.
   */
  async function writeWork(tx: Db, work: FlushWork, devicesOlderThanMs = CHECKPOINT_EVERY_MS): Promise<void> {
    await repo.insertPositions(tx, work.positions);
    await repo.stampPositionsWriter(tx, work.stamps, ingestId);
    const at = clock.now();
    await repo.recordTransitions(tx, work.transitions, at);
    const checkpoints: TripCheckpoint[] = [];
    for (const { trip, force, startedAt, completedAt } of work.touched.values()) {
      if (!force && at.getTime() - trip.writtenAt < CHECKPOINT_EVERY_MS && sameBeyondLastFix(trip.monitor, trip.writtenMonitor)) continue;
      checkpoints.push({ id: trip.id, totals: { ...trip.totals }, sealState: trip.sealState, tampered: trip.tampered, monitorState: trip.monitor, startedAt, completedAt });
      trip.version += 1;
      trip.writtenAt = at.getTime();
      trip.writtenMonitor = trip.monitor;
      trip.unwritten = false;
    }
    await repo.writeCheckpoints(tx, checkpoints);
    const written = new Set(checkpoints.map((checkpoint) => checkpoint.id));
    const deviceRows: DeviceUpdate[] = [];
    for (const device of work.devices.values()) {
      if (!device.unwritten || device.seenAt === null) continue;
      const due =
        device.trip === null ||
        written.has(device.trip.id) ||
        device.battery !== device.rowBattery ||
        device.rowSeenAt === null ||
        at.getTime() - device.rowSeenAt >= devicesOlderThanMs;
      if (!due) continue;
      const fix = device.lastFix;
      deviceRows.push({ id: device.id, lastSeenAt: new Date(device.seenAt), battery: device.battery, lastFixAt: fix?.at ?? null, lastLat: fix?.lat ?? null, lastLon: fix?.lon ?? null });
      device.rowSeenAt = device.seenAt;
      device.rowBattery = device.battery;
      device.unwritten = false;
    }
    await repo.updateDevices(tx, deviceRows);
    // In a fixed order: lanes may count drops on the same row (devices nobody registered).
    await repo.addDrops(tx, [...work.drops.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, count]) => count));
    for (const raised of work.alerts) await raiseAlert(tx, raised);
    for (const event of work.outbox) await appendEvent(tx, event);
  }

  /** Keeps what a committed flush or check decided: its devices (unless forgotten meanwhile) and the contexts of the trips still open. */
  function keep(work: FlushWork): void {
    for (const device of work.devices.values()) if ((forgotten.get(device.code) ?? 0) === work.forgotten.get(device.code)) remember(device);
    for (const id of work.endedTrips) contexts.delete(id);
  }

  async function writeFlush(tx: Db, batch: readonly Pending[], work: FlushWork): Promise<void> {
    const current = await loadSettings(tx);
    const index = await loadFences(tx, current.monitor.gateFenceRadiusMeters);
    const fences: TripFences = { at: (p) => index.gatesAndZoneAt(p) };
    await prepareDevices(tx, [...new Set(batch.map((pending) => pending.code))], work, fences, current.monitor);

    // Seal states and events first: the database says which were not stored before, so a message
    // sent again (a broker's redelivery) is stored once and seen once by the monitor.
    const candidates: EventValues[] = [];
    const eventIds = new Map<TelemetryMessage, string>();
    for (const pending of batch) {
      // A device's batch may come in any order; the filters and the monitor read it in time order
      // (a sorted copy: the array is the caller's).
      if (pending.messages.length > 1) pending.messages = [...pending.messages].sort((a, b) => a.at.getTime() - b.at.getTime());
      const { messages } = pending;
      const device = work.devices.get(pending.code);
      if (!device) continue;
      for (const message of messages) {
        if (message.type === 'position' || checkTime(message.at, new Date(pending.receivedAt), current.filter) !== null) continue;
        const id = uuidv7();
        eventIds.set(message, id);
        candidates.push({ id, tripId: device.trip?.id ?? null, deviceId: device.id, at: message.at, kind: eventKindOf(message), details: eventDetailsOf(message) });
      }
    }
    const stored = await repo.insertDeviceEvents(tx, candidates, clock.now());

    for (const pending of batch) {
      const device = work.devices.get(pending.code);
      const { messages } = pending;
      if (!device) {
        // Nobody registered this device: nothing of it is kept, its messages are counted.
        if (messages.length > 0) drop(work, pending, UNKNOWN_DEVICE, 'NO_TRIP', messages.length);
        continue;
      }
      const receivedAt = new Date(pending.receivedAt);
      heard(device, pending.receivedAt);
      if (pending.refused) {
        drop(work, pending, device.id, 'MALFORMED');
        continue;
      }
      for (const message of messages) {
        if (message.type === 'position') {
          const reason = checkFix(device.lastFix, message, receivedAt, current.filter);
          if (reason) {
            drop(work, pending, device.id, reason);
            continue;
          }
          // Counted as it is stored, so that reading the positions back moves the trip the same way.
          const fix = asStored(message);
          device.lastFix = fix;
          if (fix.battery !== null) device.battery = fix.battery;
          const trip = device.trip;
          if (!trip) {
            drop(work, pending, device.id, 'NO_TRIP');
            continue;
          }
          pending.accepted += 1;
          // Named as the trip's positions writer: another ingest holding the trip then checks its newest position (prepareDevices).
          if (work.unstamped.delete(trip.id)) work.stamps.push(trip.id);
          work.positions.push({ tripId: trip.id, at: fix.at, lat: fix.lat, lon: fix.lon, speedKmh: fix.speedKmh, heading: fix.heading, accuracyM: fix.accuracyM });
          advance(work, device, fix, fences, current.monitor);
          continue;
        }
        const timeDrop = checkTime(message.at, receivedAt, current.filter);
        if (timeDrop) {
          drop(work, pending, device.id, timeDrop);
          continue;
        }
        const id = eventIds.get(message);
        if (id === undefined || !stored.has(id)) {
          drop(work, pending, device.id, 'DUPLICATE');
          continue;
        }
        pending.accepted += 1;
        if (message.type === 'event' && message.battery !== null) device.battery = message.battery;
        const trip = device.trip;
        if (!trip) continue;
        // Positions alone are read back to catch up; any other message is written with its trip.
        touch(work, trip, true);
        const opened = message.type === 'seal' ? message.state : message.event === 'UNLOCK' && message.authorisation !== null ? 'OPENED' : null;
        if (opened) trip.sealState = opened;
        monitorMessage(work, device, message, fences, current.monitor);
      }
    }
    await writeWork(tx, work);
  }

  async function raiseAlert(tx: Db, { trip, deviceCode, signal }: RaisedAlert): Promise<void> {
    await alerts.raise(tx, {
      kind: signal.kind,
      severity: signal.severity,
      zoneId: trip.originZoneId,
      enterpriseId: trip.enterpriseId,
      declarationId: trip.declarationId,
      subjectType: 'trip',
      subjectId: trip.id,
      dedupKey: `${signal.kind}:${trip.id}:${signal.episode}`,
      message: `Trip ${trip.reference}: ${signal.message}`,
      details: { ...signal.details, tripReference: trip.reference, deviceId: deviceCode, containerNumber: trip.containerNumber },
      at: signal.at,
    });
  }

  async function flush(batch: Pending[], again = false): Promise<void> {
    const work = newWork(batch.map((pending) => pending.code));
    try {
      await db.transaction((tx) => writeFlush(tx, batch, work));
    } catch (error) {
      for (const pending of batch) devices.delete(pending.code);
      // A position stored already (see insertPositions): read again, the devices drop it as a duplicate.
      if (!again && (error as { code?: unknown }).code === '23505') {
        for (const pending of batch) {
          pending.accepted = 0;
          pending.dropped = null;
        }
        return flush(batch, true);
      }
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const pending of batch) tell(pending.done, failure, null);
      return;
    }
    keep(work);
    if (meters) {
      // Counted once committed: a failed flush stores nothing and its messages come again.
      let accepted = 0;
      const dropped: Partial<Record<DropReason, number>> = {};
      for (const pending of batch) {
        accepted += pending.accepted;
        for (const [reason, count] of Object.entries(pending.dropped ?? {}) as Array<[DropReason, number]>) dropped[reason] = (dropped[reason] ?? 0) + count;
      }
      meters.telemetryStored({ positions: work.positions.length, events: accepted - work.positions.length, dropped });
    }
    for (const pending of batch) tell(pending.done, null, { accepted: pending.accepted, dropped: pending.dropped ?? {} });
  }

  function takeBatch(lane: Lane): Pending[] {
    const { queue } = lane;
    let taken = 0;
    let count = 0;
    while (taken < queue.length && (taken === 0 || count + (queue[taken] as Pending).messages.length <= MAX_FLUSH_MESSAGES)) {
      count += (queue[taken] as Pending).messages.length;
      taken += 1;
    }
    const batch = queue.splice(0, taken);
    lane.queuedMessages -= count;
    lane.firstQueuedAt = performance.now();
    return batch;
  }

  function startFlush(lane: Lane): void {
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = null;
    if (lane.flushQueued) return;
    lane.flushQueued = true;
    void serially(lane, async () => {
      lane.flushQueued = false;
      const batch = takeBatch(lane);
      if (batch.length > 0) await flush(batch);
    }).finally(() => schedule(lane));
  }

  function schedule(lane: Lane): void {
    if (lane.flushQueued || lane.queue.length === 0) return;
    if (closed || lane.queuedMessages >= FLUSH_AT_MESSAGES) return startFlush(lane);
    if (lane.timer) return;
    lane.timer = setTimeout(() => startFlush(lane), Math.max(0, FLUSH_AFTER_MS - (performance.now() - lane.firstQueuedAt)));
    lane.timer.unref();
  }

  function take(code: string, messages: TelemetryMessage[] | null, receivedAt: Date, done: IngestDone): void {
    // Not an AppError: a transport must not acknowledge what was not stored.
    if (closed) return tell(done, new Error('The telemetry ingest is closed'), null);
    if (messages?.length === 0) return tell(done, null, { accepted: 0, dropped: {} });
    const lane = laneOf(code);
    if (lane.queue.length === 0) lane.firstQueuedAt = performance.now();
    lane.queue.push({ code, messages: messages ?? [], receivedAt: receivedAt.getTime(), refused: messages === null, accepted: 0, dropped: null, done });
    lane.queuedMessages += messages?.length ?? 0;
    schedule(lane);
  }

  // --- time-based checks and checkpoints ------------------------------------------------------------

  /**
   * Runs between flushes, on every open trip as it stands with every position stored (read and
   * caught up when not held, or held but overtaken by another process). `check` applies the passing
   * of time to the ACTIVE ones (silence, overdue arrival, a stop that has lasted); a trip whose row
   * is older than `writeOlderThanMs` and behind its memory is written, and so is such a device's.
   */
  async function settle(check: boolean, writeOlderThanMs: number): Promise<TickResult> {
    const now = clock.now();
    let open = new Map<string, 'PLANNED' | 'ACTIVE'>();
    let work = newWork([]);
    const checked = async (tx: Db): Promise<TickResult> => {
      const current = await loadSettings(tx);
      const index = await loadFences(tx, current.monitor.gateFenceRadiusMeters);
      const fences: TripFences = { at: (p) => index.gatesAndZoneAt(p) };
      const openRows = await repo.openTrips(tx);
      open = new Map(openRows.map((row) => [row.id, row.status]));
      const codes = check ? openRows.map((row) => row.device_code) : [...devices.values()].filter((device) => device.unwritten || device.trip?.unwritten).map((device) => device.code);
      work = newWork(codes);
      await prepareDevices(tx, codes, work, fences, current.monitor);
      let trips = 0;
      for (const device of work.devices.values()) {
        const trip = device.trip;
        if (!trip) continue;
        if (check && trip.status === 'ACTIVE') {
          trips += 1;
          const observation = tick(trip.context, 'ACTIVE', trip.monitor, now, current.monitor);
          if (observation.state !== trip.monitor || observation.alerts.length > 0) {
            trip.monitor = observation.state;
            touch(work, trip, observation.alerts.length > 0);
            for (const signal of observation.alerts) work.alerts.push({ trip: { ...trip }, deviceCode: device.code, signal });
          }
        }
        if (trip.unwritten && now.getTime() - trip.writtenAt >= writeOlderThanMs) touch(work, trip, true);
      }
      await writeWork(tx, work, writeOlderThanMs);
      return { trips, alertsRaised: work.alerts.length };
    };
    let result: TickResult;
    try {
      result = await db.transaction(checked);
    } catch (error) {
      for (const code of work.devices.keys()) devices.delete(code);
      throw error;
    }
    keep(work);
    // A device whose trip changed elsewhere (another process, say) is read again on its next message,
    // and the live map no longer shows the trip as it was.
    for (const device of [...devices.values()]) {
      if (device.trip && open.get(device.trip.id) !== device.trip.status) forget(device.code);
    }
    // Contexts are kept for the trips still open; an ended trip's goes.
    for (const id of contexts.keys()) if (!open.has(id)) contexts.delete(id);
    return result;
  }

  return {
    submit(deviceId, messages, receivedAt) {
      return new Promise((resolve, reject) => take(deviceId, messages, receivedAt, (error, result) => (error ? reject(error) : resolve(result as IngestResult))));
    },

    take,

    async close() {
      closed = true;
      await Promise.all(
        lanes.map(async (lane) => {
          do {
            if (lane.queue.length > 0) startFlush(lane);
            await lane.tail;
          } while (lane.queue.length > 0);
          if (lane.timer) clearTimeout(lane.timer);
          lane.timer = null;
        }),
      );
      // What memory holds beyond the trips' rows is written, so that the next start reads no positions to catch up.
      await exclusively(() => settle(false, 0));
    },

    tick() {
      return exclusively(() => settle(true, CHECKPOINT_EVERY_MS));
    },

    liveTrips() {
      const live: LiveTripState[] = [];
      for (const device of devices.values()) {
        const trip = device.trip;
        if (!trip) continue;
        live.push({
          id: trip.id,
          reference: trip.reference,
          status: trip.status,
          declarationId: trip.declarationId,
          enterpriseId: trip.enterpriseId,
          deviceId: device.id,
          deviceCode: device.code,
          containerNumber: trip.containerNumber,
          originGateId: trip.context.originGateId,
          destinationGateId: trip.context.destinationGateId,
          originZoneId: trip.originZoneId,
          destinationZoneId: trip.destinationZoneId,
          arriveBy: trip.context.arriveBy,
          sealState: trip.sealState,
          tampered: trip.tampered,
          lastAt: trip.totals.lastAt,
          lastLat: trip.totals.lastLat,
          lastLon: trip.totals.lastLon,
          lastSpeedKmh: trip.totals.lastSpeedKmh,
        });
      }
      return live;
    },

    settingsChanged() {
      settings = null;
    },

    queuedMessages() {
      return lanes.reduce((sum, lane) => sum + lane.queuedMessages, 0);
    },

    forget,

    async checkpoint(tx, code) {
      // Read from the database, not memory: the caller's change may yet fail, and the device is read
      // again after it anyway. Only when it was last heard from is known to memory alone.
      const heardAt = devices.get(code)?.seenAt ?? null;
      forget(code);
      const current = await loadSettings(tx);
      const index = await loadFences(tx, current.monitor.gateFenceRadiusMeters);
      const work = newWork([code]);
      await prepareDevices(tx, [code], work, { at: (p) => index.gatesAndZoneAt(p) }, current.monitor);
      const device = work.devices.get(code);
      if (device && heardAt !== null) heard(device, heardAt);
      if (device?.trip) touch(work, device.trip, true);
      await writeWork(tx, work);
    },
  };
}
