// Sealed trucks between the demo's zones. Each zone's operator keeps a few electronic seals; when a
// transfer to the other zone is released, an officer binds a free seal to its container for a trip
// from the out-gate to the other zone's in-gate along a real road (a recorded GPS track fitted
// between the two gates), and the seal reports as the truck drives it: armed at the gate, a fix every
// few seconds, opened at the destination. Now and then a truck leaves the road for a while, stops
// where it should not, goes silent, or has its seal opened on the way, so the monitoring centre has
// something to see. Telemetry goes to the same ingestion the MQTT bridge feeds.
import path from 'node:path';
import type { AppContext } from '../context.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import type { Gate } from '../registry/registry.schemas.ts';
import { distanceMeters, type LonLat } from '../tracking/geo.ts';
import { readTraces } from '../tracking/gps-traces.ts';
import { fitTrack, timesAlong, trackLength, withDetour, withoutRepeats } from '../tracking/replay.ts';
import type { TelemetryMessage } from '../tracking/telemetry.contract.ts';
import type { Rng } from './demo.random.ts';
import type { TrafficWorld } from './demo.traffic.ts';
import type { DemoCast } from './demo.cast.ts';

export const SEALS_PER_ZONE = 4;
const TRACES_FILE = path.join(import.meta.dirname, '../../data/gps/berlin_gps_traces.csv.gz');
const SPEED_KMH = 45;
/** Seconds between two fixes at least: an e-seal reports every few seconds while moving. */
const FIX_SECONDS = 5;
const CORRIDOR_WIDTH_METERS = 300;
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const sealCode = (zoneCode: string, n: number) => `ES-${zoneCode}-${String(n).padStart(2, '0')}`;

/** The demo's seals, registered for each zone by the administration when the demo is loaded. */
export async function registerDemoSeals(ctx: Pick<AppContext, 'db' | 'tracking'>, admin: Principal, world: TrafficWorld): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    for (const zone of world.zones) {
      for (let n = 1; n <= SEALS_PER_ZONE; n++) {
        await ctx.tracking.service.registerDevice(tx, admin, { deviceId: sealCode(zone.code, n), type: 'E_SEAL', ownerEnterpriseId: null, zoneId: zone.id });
      }
    }
  });
}

export type Scenario = 'AS_PLANNED' | 'DETOUR' | 'LONG_STOP' | 'SEAL_OPENED' | 'SILENCE';
const SCENARIOS: ReadonlyArray<readonly [Scenario, number]> = [
  ['AS_PLANNED', 60],
  ['DETOUR', 12],
  ['LONG_STOP', 10],
  ['SEAL_OPENED', 8],
  ['SILENCE', 10],
];

/** What a seal will report on one trip, in time order. */
export interface ReplayPlan {
  route: LonLat[];
  messages: TelemetryMessage[];
  arrivesAt: Date;
}

const position = (at: Date, [lon, lat]: LonLat, speedKmh: number): TelemetryMessage => ({
  type: 'position',
  at,
  lat,
  lon,
  speedKmh,
  heading: null,
  accuracyM: 8,
  battery: null,
});

/**
 * The route (`track` fitted between the gates) and what the seal reports driving it from `start`:
 * armed at the origin gate, then fixes, then opened at the destination gate, with the scenario's
 * trouble half way.
 */
export function planReplay(track: readonly LonLat[], from: LonLat, to: LonLat, start: Date, scenario: Scenario): ReplayPlan {
  const route = fitTrack(withoutRepeats(track), from, to);
  const middle = Math.floor(route.length / 2);
  const departure = new Date(start.getTime() + 30 * SECOND);
  let driven = route;
  if (scenario === 'DETOUR') {
    // Five minutes on a road 800 m off the corridor, easing off it and back over eight fixes.
    const times = timesAlong(route, departure, SPEED_KMH, FIX_SECONDS);
    const leftAt = (times[middle] as Date).getTime();
    const back = times.findIndex((time) => time.getTime() > leftAt + 5 * MINUTE);
    driven = withDetour(route, middle, back < 0 ? route.length - 2 : back, 800, 8);
  }
  const times = timesAlong(driven, departure, SPEED_KMH, FIX_SECONDS);
  let fixes = driven.map((point, index) => position(times[index] as Date, point, SPEED_KMH));
  const halfway = fixes[middle] as TelemetryMessage;
  const later = (message: TelemetryMessage, ms: number): TelemetryMessage => ({ ...message, at: new Date(message.at.getTime() + ms) });
  const extra: TelemetryMessage[] = [];
  if (scenario === 'LONG_STOP') {
    // Twenty-five minutes parked by the road, reporting every minute.
    fixes = fixes.map((fix, index) => (index > middle ? later(fix, 26 * MINUTE) : fix));
    for (let minute = 1; minute <= 25; minute++) extra.push({ ...later(halfway, minute * MINUTE), speedKmh: 0 } as TelemetryMessage);
  } else if (scenario === 'SILENCE') {
    // Seventeen minutes without a word (parked in a dead zone, or a jammer), then the fixes resume.
    fixes = fixes.map((fix, index) => (index > middle ? later(fix, 17 * MINUTE) : fix));
  } else if (scenario === 'SEAL_OPENED') {
    extra.push({ type: 'seal', at: new Date(halfway.at.getTime() + 2 * SECOND), state: 'OPENED' });
  }
  const arrivesAt = new Date((fixes[fixes.length - 1] as TelemetryMessage).at.getTime() + 20 * SECOND);
  const messages = [
    position(start, from, 0),
    { type: 'seal', at: new Date(start.getTime() + 10 * SECOND), state: 'ARMED' } as const,
    ...fixes,
    ...extra,
    { type: 'seal', at: arrivesAt, state: 'OPENED' } as const,
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  return { route, messages, arrivesAt };
}

let tracksCache: LonLat[][] | null = null;

/** Recorded tracks that suit a trip between two gates: long enough, and going somewhere rather than round in circles. */
export function suitableTracks(): LonLat[][] {
  tracksCache ??= [...readTraces(TRACES_FILE).values()].map(withoutRepeats).filter((track) => {
    if (track.length < 150 || track.length > 2000) return false;
    const ends = distanceMeters(track[0] as LonLat, track[track.length - 1] as LonLat);
    return ends > 2000 && trackLength(track) / ends < 1.8;
  });
  return tracksCache;
}

interface Replay {
  deviceCode: string;
  messages: TelemetryMessage[];
  next: number;
}

export interface TripReplays {
  /** Binds free seals to released transfers between zones that have no trip yet. */
  launch(cast: DemoCast): Promise<void>;
  /** Sends what each seal has reported up to now. */
  send(): Promise<void>;
  readonly running: number;
}

export function createTripReplays(ctx: Pick<AppContext, 'db' | 'tracking' | 'declarations' | 'registry' | 'clock'>, rng: Rng): TripReplays {
  const replays = new Map<string, Replay>();
  let resumed = false;
  let sending: Promise<void> | null = null;

  async function roadGates(officer: Principal, zoneId: string): Promise<Gate[]> {
    return (await ctx.registry.getZone(officer, zoneId)).gates.filter((gate) => gate.active && gate.kind === 'ROAD');
  }

  /** After a restart, the demo's running trips go on from where their seal last reported, as planned. */
  async function resume(officer: Principal): Promise<void> {
    resumed = true;
    for (const status of ['ACTIVE', 'PLANNED'] as const) {
      const trips = (await ctx.tracking.service.listTrips(officer, { status, limit: 200 })).items;
      for (const trip of trips) {
        if (replays.has(trip.id) || trip.corridor.type !== 'route' || !trip.deviceCode.startsWith('ES-')) continue;
        const route = trip.corridor.line as LonLat[];
        const last = trip.lastPosition ? ([trip.lastPosition.lon, trip.lastPosition.lat] as LonLat) : route[0];
        if (!last) continue;
        let nearest = 0;
        route.forEach((point, index) => {
          if (distanceMeters(point, last) < distanceMeters(route[nearest] as LonLat, last)) nearest = index;
        });
        const rest = route.slice(nearest);
        if (rest.length < 2) rest.unshift(last);
        const times = timesAlong(rest, new Date(ctx.clock.now().getTime() + 5 * SECOND), SPEED_KMH, FIX_SECONDS);
        const messages: TelemetryMessage[] = rest.map((point, index) => position(times[index] as Date, point, SPEED_KMH));
        if (trip.status === 'PLANNED') messages.unshift({ type: 'seal', at: new Date(ctx.clock.now().getTime() + 2 * SECOND), state: 'ARMED' }, position(ctx.clock.now(), route[0] as LonLat, 0));
        messages.push({ type: 'seal', at: new Date((times[times.length - 1] as Date).getTime() + 20 * SECOND), state: 'OPENED' });
        replays.set(trip.id, { deviceCode: trip.deviceCode, messages, next: 0 });
      }
    }
  }

  async function launch(cast: DemoCast): Promise<void> {
    const officer = cast.officer;
    if (!resumed) await resume(officer);
    const released = (await ctx.declarations.list(officer, { state: 'RELEASED', type: 'TRANSFER', limit: 50 })).items;
    if (released.length === 0) return;
    const busy = new Set<string>();
    for (const status of ['ACTIVE', 'PLANNED'] as const) {
      for (const trip of (await ctx.tracking.service.listTrips(officer, { status, limit: 200 })).items) busy.add(trip.deviceId);
    }
    const devices = (await ctx.tracking.service.listDevices(officer, { status: 'ACTIVE', limit: 200 })).items.filter((device) => device.deviceId.startsWith('ES-') && !busy.has(device.id));
    for (const summary of released) {
      const detail = await ctx.declarations.get(officer, summary.id);
      const container = detail.transport.containers?.[0];
      const destination = detail.destination;
      if (!container || !destination || destination.zoneId === detail.zoneId) continue;
      if ((await ctx.tracking.service.listTrips(officer, { declarationId: detail.id, limit: 1 })).items.length > 0) continue;
      const seal = devices.find((device) => device.zoneId === detail.zoneId);
      if (!seal) continue;
      const origin = (await roadGates(officer, detail.zoneId)).find((gate) => gate.direction !== 'IN');
      const arrival = (await roadGates(officer, destination.zoneId)).find((gate) => gate.direction !== 'OUT');
      if (!origin || !arrival) continue;
      const from: LonLat = [origin.longitude, origin.latitude];
      const to: LonLat = [arrival.longitude, arrival.latitude];
      const scenario = rng.weighted(SCENARIOS);
      const plan = planReplay(rng.pick(suitableTracks()), from, to, ctx.clock.now(), scenario);
      const window = { departFrom: ctx.clock.now().toISOString(), arriveBy: new Date(plan.arrivesAt.getTime() + 15 * MINUTE).toISOString() };
      try {
        const trip = await ctx.db.transaction((tx) =>
          ctx.tracking.service.createTrip(tx, officer, {
            declarationId: detail.id,
            deviceId: seal.deviceId,
            containerNumber: container,
            originGateId: origin.id,
            destinationGateId: arrival.id,
            corridor: { type: 'route', line: plan.route, widthMeters: CORRIDOR_WIDTH_METERS },
            window,
          }),
        );
        replays.set(trip.id, { deviceCode: seal.deviceId, messages: plan.messages, next: 0 });
        devices.splice(devices.indexOf(seal), 1);
      } catch (error) {
        // Taken since the lists were read (the gate completed it, or another trip took the seal).
        if (!(error instanceof AppError)) throw error;
      }
    }
  }

  async function sendDue(): Promise<void> {
    const now = ctx.clock.now().getTime();
    for (const [tripId, replay] of replays) {
      let end = replay.next;
      while (end < replay.messages.length && (replay.messages[end] as TelemetryMessage).at.getTime() <= now) end++;
      if (end > replay.next) {
        await ctx.tracking.ingest.submit(replay.deviceCode, replay.messages.slice(replay.next, end), new Date(now));
        replay.next = end;
      }
      if (replay.next >= replay.messages.length) replays.delete(tripId);
    }
  }

  return {
    launch,
    send() {
      sending ??= sendDue().finally(() => (sending = null));
      return sending;
    },
    get running() {
      return replays.size;
    },
  };
}
