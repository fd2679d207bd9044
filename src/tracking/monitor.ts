// The trip monitor: what one trip's telemetry means. Per trip a small JSON state and two pure
// functions: `observe` takes each accepted message (start and completion at the gates, seal openings,
// tampering, corridor excursions, stops, battery), `tick` the passing of time (silence, overdue
// arrival, a stop that lasts). Times come from the messages or the `now` given, never from a clock,
// so that replaying the same messages gives the same alerts.
import { haversineMeters, metersOutside, type Corridor, type LonLat } from './geo.ts';
import type { SealState, TelemetryMessage } from './telemetry.contract.ts';

export interface MonitorSettings {
  /** Beyond the corridor by more than this, metres ... */
  deviationMeters: number;
  /** ... for at least this long -> ROUTE_DEVIATION (once per excursion). */
  deviationSeconds: number;
  /** Back within deviationMeters for this long ends the excursion (no flapping on GPS noise). */
  returnSeconds: number;
  stopSpeedKmh: number;
  /** Stopped outside gates, zones and allowed stops this long -> UNAUTHORISED_STOP (once per stop). */
  stopMinutes: number;
  /** No message from an ACTIVE trip's device this long -> SIGNAL_LOST (once per silence). */
  signalLostMinutes: number;
  /** At or below -> LOW_BATTERY (once until it recovers above this + 10). */
  lowBatteryPercent: number;
  /** The radius of the gates' fences (used where the fences are built). */
  gateFenceRadiusMeters: number;
}

export const DEFAULT_MONITOR_SETTINGS: MonitorSettings = {
  deviationMeters: 100,
  deviationSeconds: 120,
  returnSeconds: 60,
  stopSpeedKmh: 3,
  stopMinutes: 20,
  signalLostMinutes: 15,
  lowBatteryPercent: 15,
  gateFenceRadiusMeters: 150,
};

export interface TripContext {
  tripId: string;
  corridor: Corridor;
  originGateId: string;
  destinationGateId: string;
  arriveBy: Date;
  allowedStops: { center: LonLat; radiusMeters: number }[];
}

/** Times are epoch milliseconds, so that the state is plain JSON (kept in trips.monitor_state). */
export interface MonitorState {
  /** The newest message of any kind: silence is measured from it. */
  lastMessageAt: number | null;
  /** When the monitor first saw the trip ACTIVE: a device silent from the start is silent since then. */
  watchedSince: number | null;
  /** The last accepted position and the gate fences (ids) and zone it was in. */
  lastFix: { at: number; lon: number; lat: number; gateIds: string[]; inZone: boolean } | null;
  /** The last position inside the origin gate's fence. */
  originFenceAt: number | null;
  seal: { state: SealState; at: number } | null;
  /** The first TAMPER, CUT or unauthorised UNLOCK: the trip can then only be completed by an officer. */
  tamperedAt: number | null;
  /** Beyond the corridor since `since`; back within it since `backSince`. */
  excursion: { since: number; backSince: number | null; maxMetersOutside: number; raised: boolean } | null;
  /** Stopped at (lon, lat) since `since`; `allowed` when that is in a gate, a zone or an allowed stop. */
  stop: { since: number; lon: number; lat: number; allowed: boolean; raised: boolean } | null;
  /** The start of the silence SIGNAL_LOST was raised for. */
  signalLostFrom: number | null;
  overdueRaised: boolean;
  /** When LOW_BATTERY was raised, until the battery recovers. */
  lowBatteryFrom: number | null;
}

export function initialMonitorState(): MonitorState {
  return {
    lastMessageAt: null,
    watchedSince: null,
    lastFix: null,
    originFenceAt: null,
    seal: null,
    tamperedAt: null,
    excursion: null,
    stop: null,
    signalLostFrom: null,
    overdueRaised: false,
    lowBatteryFrom: null,
  };
}

export type AlertKind =
  | 'SEAL_OPENED_OUTSIDE_GATE'
  | 'SEAL_TAMPERED'
  | 'ROUTE_DEVIATION'
  | 'OVERDUE_ARRIVAL'
  | 'UNAUTHORISED_STOP'
  | 'SIGNAL_LOST'
  | 'LOW_BATTERY'
  | 'WRONG_GATE_ARRIVAL';

export interface AlertSignal {
  kind: AlertKind;
  severity: 'INFO' | 'WARNING' | 'CRITICAL';
  at: Date;
  /** one per episode: part of the alert's dedup key */
  episode: string;
  message: string;
  details: Record<string, unknown>;
}

export type TripTransition = { to: 'ACTIVE' | 'COMPLETED'; at: Date; gateId: string } | null;

export interface Observation {
  state: MonitorState;
  alerts: AlertSignal[];
  transition: TripTransition;
}

export interface TripFences {
  /** The ids of the gates whose fences contain p, and whether a zone does. */
  at(p: LonLat): { gateIds: string[]; inZone: boolean };
}

/** A seal armed this close in time to a position in the origin gate's fence starts the trip. */
const ORIGIN_RECENT_MS = 10 * 60_000;
/** A stopped truck's fixes wander by GPS noise: within this of where it stopped it has not moved on. */
const STOP_RADIUS_METERS = 50;

const iso = (ms: number): string => new Date(ms).toISOString();
const minutes = (ms: number): number => Math.round(ms / 60_000);

/** Mutable while one message or tick is applied to a copy of the state. */
interface Step {
  trip: TripContext;
  settings: MonitorSettings;
  state: MonitorState;
  alerts: AlertSignal[];
}

function raise(step: Step, kind: AlertKind, severity: AlertSignal['severity'], at: number, episode: number, message: string, details: Record<string, unknown>): void {
  step.alerts.push({ kind, severity, at: new Date(at), episode: iso(episode), message, details });
}

function positionDetails(state: MonitorState): Record<string, unknown> {
  const fix = state.lastFix;
  return fix ? { position: [fix.lon, fix.lat], positionAt: iso(fix.at) } : { position: null };
}

function watchBattery(step: Step, at: number, battery: number | null, reportedLow: boolean): void {
  const { state, settings } = step;
  const low = reportedLow || (battery !== null && battery <= settings.lowBatteryPercent);
  if (low) {
    if (state.lowBatteryFrom !== null) return;
    state.lowBatteryFrom = at;
    raise(step, 'LOW_BATTERY', 'INFO', at, at, battery === null ? 'The device reports a low battery' : `The device's battery is at ${battery} %`, { battery });
  } else if (battery !== null && battery > settings.lowBatteryPercent + 10) {
    state.lowBatteryFrom = null;
  }
}

function watchCorridor(step: Step, at: number, p: LonLat): void {
  const { state, settings, trip } = step;
  const outside = metersOutside(p, trip.corridor);
  let excursion = state.excursion;
  if (outside > settings.deviationMeters) {
    excursion = excursion
      ? { ...excursion, backSince: null, maxMetersOutside: Math.max(excursion.maxMetersOutside, Math.round(outside)) }
      : { since: at, backSince: null, maxMetersOutside: Math.round(outside), raised: false };
    if (!excursion.raised && at - excursion.since >= settings.deviationSeconds * 1000) {
      excursion.raised = true;
      raise(step, 'ROUTE_DEVIATION', 'WARNING', at, excursion.since, `The trip left its corridor: ${Math.round(outside)} m outside for ${minutes(at - excursion.since)} min`, {
        since: iso(excursion.since),
        metersOutside: Math.round(outside),
        position: p,
      });
    }
  } else if (excursion) {
    const backSince = excursion.backSince ?? at;
    excursion = at - backSince >= settings.returnSeconds * 1000 ? null : excursion.backSince === null ? { ...excursion, backSince } : excursion;
  }
  state.excursion = excursion;
}

function checkStop(step: Step, now: number): void {
  const stop = step.state.stop;
  if (!stop || stop.allowed || stop.raised || now - stop.since < step.settings.stopMinutes * 60_000) return;
  step.state.stop = { ...stop, raised: true };
  raise(step, 'UNAUTHORISED_STOP', 'WARNING', now, stop.since, `The trip has been stopped for ${minutes(now - stop.since)} min away from gates, zones and allowed stops`, {
    since: iso(stop.since),
    position: [stop.lon, stop.lat],
  });
}

function watchStop(step: Step, at: number, p: LonLat, speedKmh: number | null, previous: MonitorState['lastFix'], here: { gateIds: string[]; inZone: boolean }): void {
  const { state, settings, trip } = step;
  const [lon, lat] = p;
  const speed = speedKmh ?? (previous ? (haversineMeters(previous.lon, previous.lat, lon, lat) * 3600) / (at - previous.at) : null);
  const stopped = speed !== null && speed <= settings.stopSpeedKmh;
  const stop = state.stop;
  if (stop) {
    if (!stopped && haversineMeters(stop.lon, stop.lat, lon, lat) > STOP_RADIUS_METERS) state.stop = null;
  } else if (stopped) {
    const allowed =
      here.gateIds.length > 0 || here.inZone || trip.allowedStops.some((place) => haversineMeters(place.center[0], place.center[1], lon, lat) <= place.radiusMeters);
    state.stop = { since: at, lon, lat, allowed, raised: false };
  }
  checkStop(step, at);
}

function observePosition(step: Step, status: 'PLANNED' | 'ACTIVE', message: Extract<TelemetryMessage, { type: 'position' }>, fences: TripFences): void {
  const { state, trip } = step;
  const at = message.at.getTime();
  if (message.battery !== null) watchBattery(step, at, message.battery, false);
  const previous = state.lastFix;
  // Positions come filtered and in order; one that is not newer moves nothing.
  if (previous && at <= previous.at) return;
  const p: LonLat = [message.lon, message.lat];
  const here = fences.at(p);
  state.lastFix = { at, lon: message.lon, lat: message.lat, gateIds: here.gateIds, inZone: here.inZone };
  if (here.gateIds.includes(trip.originGateId)) state.originFenceAt = at;
  if (status !== 'ACTIVE') return;
  watchCorridor(step, at, p);
  watchStop(step, at, p, message.speedKmh, previous, here);
}

function tamper(step: Step, at: number, what: 'TAMPER' | 'CUT' | 'UNLOCK'): void {
  const { state } = step;
  state.tamperedAt ??= at;
  // One episode per trip: later tampering counts as a repeat of the same alert.
  const words = { TAMPER: 'reports tampering', CUT: 'reports that it was cut', UNLOCK: 'was unlocked without authorisation' };
  raise(step, 'SEAL_TAMPERED', 'CRITICAL', at, state.tamperedAt, `The seal ${words[what]}`, { event: what, ...positionDetails(state) });
}

/** A seal OPENED or an authorised UNLOCK on an ACTIVE trip, judged where the device last was. */
function opening(step: Step, at: number, authorisation: string | null): TripTransition {
  const { state, trip } = step;
  // After a tamper the trip is completed by an officer; the opening adds nothing to the tamper alert.
  if (state.tamperedAt !== null) return null;
  const gateIds = state.lastFix?.gateIds ?? [];
  if (gateIds.includes(trip.destinationGateId)) return { to: 'COMPLETED', at: new Date(at), gateId: trip.destinationGateId };
  const details = { authorisation, ...positionDetails(state) };
  if (gateIds.length > 0) {
    raise(step, 'WRONG_GATE_ARRIVAL', 'WARNING', at, at, 'The seal was opened at a gate that is not the trip\'s destination', {
      ...details,
      gateIds,
      destinationGateId: trip.destinationGateId,
    });
  } else {
    raise(step, 'SEAL_OPENED_OUTSIDE_GATE', 'CRITICAL', at, at, state.lastFix ? 'The seal was opened away from any gate' : 'The seal was opened before any position was known', details);
  }
  return null;
}

function nearOrigin(trip: TripContext, state: MonitorState, at: number): boolean {
  if (state.lastFix?.gateIds.includes(trip.originGateId)) return true;
  return state.originFenceAt !== null && Math.abs(at - state.originFenceAt) <= ORIGIN_RECENT_MS;
}

/** Applies one accepted message of the trip's device. The given state is not changed. */
export function observe(
  trip: TripContext,
  tripStatus: 'PLANNED' | 'ACTIVE',
  state: MonitorState,
  message: TelemetryMessage,
  fences: TripFences,
  settings: MonitorSettings,
): Observation {
  const at = message.at.getTime();
  const step: Step = { trip, settings, alerts: [], state: { ...state, lastMessageAt: Math.max(state.lastMessageAt ?? at, at) } };
  if (tripStatus === 'ACTIVE') step.state.watchedSince ??= at;
  let transition: TripTransition = null;
  switch (message.type) {
    case 'position':
      observePosition(step, tripStatus, message, fences);
      break;
    case 'seal': {
      const seal = step.state.seal;
      // A late report of an older state does not undo a newer one (it still counts where it matters).
      if (!seal || at >= seal.at) step.state.seal = { state: message.state, at };
      if (message.state !== 'OPENED') {
        if (tripStatus === 'PLANNED' && nearOrigin(trip, step.state, at)) {
          transition = { to: 'ACTIVE', at: message.at, gateId: trip.originGateId };
          step.state.watchedSince = at;
        }
      } else if (tripStatus === 'ACTIVE') {
        transition = opening(step, at, null);
      }
      break;
    }
    case 'event':
      if (message.battery !== null || message.event === 'LOW_BATTERY') watchBattery(step, at, message.battery, message.event === 'LOW_BATTERY');
      switch (message.event) {
        case 'TAMPER':
        case 'CUT':
          tamper(step, at, message.event);
          break;
        case 'UNLOCK':
          if (message.authorisation === null) tamper(step, at, 'UNLOCK');
          else if (tripStatus === 'ACTIVE') transition = opening(step, at, message.authorisation);
          break;
        case 'SHOCK':
        case 'LOW_BATTERY':
          break;
      }
      break;
  }
  return { state: step.state, alerts: step.alerts, transition };
}

/**
 * Applies the passing of time to an ACTIVE trip: signal lost, overdue arrival, a stop that has lasted
 * too long. When nothing changes the same state object is returned (nothing to store).
 */
export function tick(trip: TripContext, tripStatus: 'ACTIVE', state: MonitorState, now: Date, settings: MonitorSettings): Observation {
  const t = now.getTime();
  const step: Step = { trip, settings, alerts: [], state: { ...state } };
  const next = step.state;
  next.watchedSince ??= t;
  const silentFrom = Math.max(next.lastMessageAt ?? next.watchedSince, next.watchedSince);
  if (t - silentFrom >= settings.signalLostMinutes * 60_000 && next.signalLostFrom !== silentFrom) {
    next.signalLostFrom = silentFrom;
    raise(step, 'SIGNAL_LOST', 'WARNING', t, silentFrom, `No message from the device for ${minutes(t - silentFrom)} min`, {
      lastMessageAt: next.lastMessageAt === null ? null : iso(next.lastMessageAt),
      ...positionDetails(next),
    });
  }
  if (!next.overdueRaised && t > trip.arriveBy.getTime()) {
    next.overdueRaised = true;
    raise(step, 'OVERDUE_ARRIVAL', 'WARNING', t, trip.arriveBy.getTime(), `The trip was due by ${trip.arriveBy.toISOString()} and has not arrived`, {
      arriveBy: trip.arriveBy.toISOString(),
      ...positionDetails(next),
    });
  }
  checkStop(step, t);
  const changed = step.alerts.length > 0 || state.watchedSince === null;
  return { state: changed ? next : state, alerts: step.alerts, transition: null };
}
