// The trip monitor on scripted journeys (a straight 20 km route between two gates at 40 km/h) and on
// a real GPS track replayed with and without a detour.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../platform/random.ts';
import { METERS_PER_DEGREE, metersOutside, type Corridor, type LonLat } from './geo.ts';
import { GeofenceIndex } from './geofences.ts';
import { readTraces } from './gps-traces.ts';
import {
  DEFAULT_MONITOR_SETTINGS,
  initialMonitorState,
  observe,
  tick,
  type AlertSignal,
  type MonitorState,
  type TripContext,
  type TripFences,
  type TripTransition,
} from './monitor.ts';
import type { DeviceEvent, SealState, TelemetryMessage } from './telemetry.contract.ts';

const settings = DEFAULT_MONITOR_SETTINGS;
const T0 = Date.parse('2026-03-01T08:00:00Z');
const LAT = 25;
const ORIGIN: LonLat = [55.0, LAT];
const DESTINATION: LonLat = [55.2, LAT];
const OTHER_GATE: LonLat = [55.1, 25.02];
const REST_AREA: LonLat = [55.15, LAT];
/** Degrees of longitude per second at 40 km/h along the route: 20 km in 30 minutes. */
const DRIVE = 0.2 / 1800;

/** The latitude `meters` north of the route. */
const north = (meters: number) => LAT + meters / METERS_PER_DEGREE;
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

const gate = (ownerId: string, center: LonLat) => ({ id: `fence-${ownerId}`, kind: 'GATE' as const, ownerId, shape: { type: 'circle' as const, center, radiusMeters: settings.gateFenceRadiusMeters } });
const geofences = new GeofenceIndex([
  gate('origin', ORIGIN),
  gate('destination', DESTINATION),
  gate('other', OTHER_GATE),
  {
    id: 'zone-destination',
    kind: 'ZONE',
    ownerId: 'zone-d',
    shape: { type: 'polygon', rings: [[[55.19, 24.99], [55.21, 24.99], [55.21, 25.01], [55.19, 25.01], [55.19, 24.99]]] },
  },
]);
const fences: TripFences = { at: (p) => geofences.gatesAndZoneAt(p) };

const trip: TripContext = {
  tripId: 'trip-1',
  corridor: { type: 'route', line: [ORIGIN, DESTINATION], widthMeters: 200 },
  originGateId: 'origin',
  destinationGateId: 'destination',
  arriveBy: at(3 * 3600),
  allowedStops: [{ center: REST_AREA, radiusMeters: 300 }],
};

type Extra = Partial<{ speedKmh: number; battery: number }>;
const position = (seconds: number, lon: number, lat: number, extra: Extra = {}): TelemetryMessage => ({
  type: 'position',
  at: at(seconds),
  lat,
  lon,
  speedKmh: null,
  heading: null,
  accuracyM: null,
  battery: null,
  ...extra,
});
const seal = (seconds: number, state: SealState): TelemetryMessage => ({ type: 'seal', at: at(seconds), state });
const event = (seconds: number, kind: DeviceEvent, extra: Partial<{ battery: number; authorisation: string }> = {}): TelemetryMessage => ({
  type: 'event',
  at: at(seconds),
  event: kind,
  battery: null,
  authorisation: null,
  ...extra,
});

/** Fixes every 10 s from `from` to `to` seconds, driving east from `startLon` with a sideways offset in metres. */
function journey(from: number, to: number, startLon: number, offset: (seconds: number) => number = () => 0): TelemetryMessage[] {
  const fixes: TelemetryMessage[] = [];
  for (let t = from; t <= to; t += 10) fixes.push(position(t, Math.min(DESTINATION[0], startLon + DRIVE * (t - from)), north(offset(t))));
  return fixes;
}

/** A parked truck reporting every minute: speed 0, its fixes wandering a few metres. */
function parked(from: number, to: number, [lon, lat]: LonLat, seed = 1): TelemetryMessage[] {
  const random = seededRandom(seed);
  const fixes: TelemetryMessage[] = [];
  for (let t = from; t <= to; t += 60) fixes.push(position(t, lon + (random() - 0.5) * 0.0001, lat + (random() - 0.5) * 0.0001, { speedKmh: 0 }));
  return fixes;
}

type Step = TelemetryMessage | { tick: number };
interface Run {
  state: MonitorState;
  status: 'PLANNED' | 'ACTIVE' | 'COMPLETED';
  alerts: AlertSignal[];
  transitions: NonNullable<TripTransition>[];
}

/** Feeds messages (and ticks) in order, following the trip's transitions; optionally storing and reloading the state between steps. */
function run(steps: readonly Step[], start: Partial<Pick<Run, 'state' | 'status'>> = {}, options: { roundTrip?: boolean; context?: TripContext; fences?: TripFences } = {}): Run {
  const result: Run = { state: start.state ?? initialMonitorState(), status: start.status ?? 'ACTIVE', alerts: [], transitions: [] };
  for (const step of steps) {
    if (result.status === 'COMPLETED') break;
    if (options.roundTrip) result.state = JSON.parse(JSON.stringify(result.state)) as MonitorState;
    const context = options.context ?? trip;
    const observation =
      'tick' in step
        ? result.status === 'ACTIVE'
          ? tick(context, 'ACTIVE', result.state, at(step.tick), settings)
          : null
        : observe(context, result.status, result.state, step, options.fences ?? fences, settings);
    if (!observation) continue;
    result.state = observation.state;
    result.alerts.push(...observation.alerts);
    if (observation.transition) {
      result.transitions.push(observation.transition);
      result.status = observation.transition.to;
    }
  }
  return result;
}

const kinds = (alerts: AlertSignal[]) => alerts.map((alert) => alert.kind);

describe('trip monitor: start and completion', () => {
  it('has the defaults of the design', () => {
    expect(DEFAULT_MONITOR_SETTINGS).toEqual({
      deviationMeters: 100,
      deviationSeconds: 120,
      returnSeconds: 60,
      stopSpeedKmh: 3,
      stopMinutes: 20,
      signalLostMinutes: 15,
      lowBatteryPercent: 15,
      gateFenceRadiusMeters: 150,
    });
  });

  it('starts a planned trip when the seal is armed or sealed inside the origin gate fence', () => {
    for (const state of ['ARMED', 'SEALED'] as const) {
      const started = run([position(0, 55.0005, LAT), seal(30, state)], { status: 'PLANNED' });
      expect(started.transitions).toEqual([{ to: 'ACTIVE', at: at(30), gateId: 'origin' }]);
      expect(started.alerts).toEqual([]);
    }
  });

  it('starts it when the device was inside the origin gate fence in the last 10 minutes, not earlier and not elsewhere', () => {
    const leftAt = [position(0, 55.0005, LAT), position(60, 55.005, LAT)];
    expect(run([...leftAt, seal(60 + 540, 'ARMED')], { status: 'PLANNED' }).transitions).toEqual([{ to: 'ACTIVE', at: at(600), gateId: 'origin' }]);
    expect(run([...leftAt, seal(60 + 660, 'ARMED')], { status: 'PLANNED' }).transitions).toEqual([]);
    // Armed at another gate, or before any position: the trip stays planned.
    expect(run([position(0, ...OTHER_GATE), seal(30, 'ARMED')], { status: 'PLANNED' }).transitions).toEqual([]);
    expect(run([seal(0, 'ARMED'), position(30, ...ORIGIN)], { status: 'PLANNED' }).transitions).toEqual([]);
  });

  it('watches nothing on the road before the trip starts', () => {
    const planned = run([position(0, ...ORIGIN), ...journey(10, 600, 55.0, () => 2000)], { status: 'PLANNED' });
    expect(planned.alerts).toEqual([]);
    expect(planned.state.excursion).toBeNull();
  });

  it('completes an active trip when the seal is opened, or unlocked with an authorisation, inside the destination gate fence', () => {
    const arrived = journey(0, 1800, 55.0);
    const opened = run([...arrived, seal(1830, 'OPENED')]);
    expect(opened.alerts).toEqual([]);
    expect(opened.transitions).toEqual([{ to: 'COMPLETED', at: at(1830), gateId: 'destination' }]);
    const unlocked = run([...arrived, event(1830, 'UNLOCK', { authorisation: 'PERMIT-7' })]);
    expect(unlocked.alerts).toEqual([]);
    expect(unlocked.transitions).toEqual([{ to: 'COMPLETED', at: at(1830), gateId: 'destination' }]);
  });

  it('alerts on a seal opened away from any gate (CRITICAL) or at a gate that is not the destination (WARNING)', () => {
    const midway = run([...journey(0, 600, 55.0), seal(610, 'OPENED')]);
    expect(midway.transitions).toEqual([]);
    expect(midway.alerts).toEqual([
      expect.objectContaining({ kind: 'SEAL_OPENED_OUTSIDE_GATE', severity: 'CRITICAL', at: at(610), episode: iso(610) }),
    ]);
    const elsewhere = run([position(0, ...OTHER_GATE), seal(60, 'OPENED')]);
    expect(elsewhere.transitions).toEqual([]);
    expect(elsewhere.alerts).toEqual([
      expect.objectContaining({ kind: 'WRONG_GATE_ARRIVAL', severity: 'WARNING', details: expect.objectContaining({ gateIds: ['other'], destinationGateId: 'destination' }) }),
    ]);
    // An authorised unlock away from the destination is an opening there too.
    expect(kinds(run([...journey(0, 600, 55.0), event(610, 'UNLOCK', { authorisation: 'PERMIT-7' })]).alerts)).toEqual(['SEAL_OPENED_OUTSIDE_GATE']);
  });
});

describe('trip monitor: tampering', () => {
  it('raises SEAL_TAMPERED for TAMPER and CUT as one episode, and then an opening at the destination does not complete the trip', () => {
    const steps = [...journey(0, 600, 55.0), event(605, 'TAMPER'), ...journey(610, 1800, 55.0 + DRIVE * 610), event(1805, 'CUT'), seal(1830, 'OPENED')];
    const tampered = run(steps);
    expect(tampered.alerts).toEqual([
      expect.objectContaining({ kind: 'SEAL_TAMPERED', severity: 'CRITICAL', at: at(605), episode: iso(605) }),
      expect.objectContaining({ kind: 'SEAL_TAMPERED', severity: 'CRITICAL', at: at(1805), episode: iso(605) }),
    ]);
    expect(tampered.transitions).toEqual([]);
    expect(tampered.status).toBe('ACTIVE');
  });

  it('treats an UNLOCK without authorisation as tampering anywhere, even at the destination, and one with it as an opening', () => {
    const arrived = journey(0, 1800, 55.0);
    const unauthorised = run([...arrived, event(1830, 'UNLOCK'), event(1840, 'UNLOCK', { authorisation: 'PERMIT-7' }), seal(1850, 'OPENED')]);
    expect(kinds(unauthorised.alerts)).toEqual(['SEAL_TAMPERED']);
    expect(unauthorised.transitions).toEqual([]);
    // Before the trip starts too: the trip then cannot complete by itself.
    const planned = run([position(0, ...ORIGIN), event(10, 'UNLOCK'), seal(20, 'SEALED')], { status: 'PLANNED' });
    expect(kinds(planned.alerts)).toEqual(['SEAL_TAMPERED']);
    expect(planned.transitions).toEqual([{ to: 'ACTIVE', at: at(20), gateId: 'origin' }]);
    expect(run([...arrived, seal(1830, 'OPENED')], { state: planned.state }).transitions).toEqual([]);
  });

  it('raises nothing for a shock', () => {
    expect(run([...journey(0, 60, 55.0), event(65, 'SHOCK')]).alerts).toEqual([]);
  });
});

describe('trip monitor: corridor', () => {
  it('raises nothing for GPS noise of ±30 m around the corridor edge', () => {
    const random = seededRandom(30);
    // 100 m from the line is the edge of the 200 m corridor; each fix lands 70 to 130 m off, either side.
    const noisy = run(journey(0, 1800, 55.0, () => (random() < 0.5 ? -1 : 1) * (100 + (random() * 60 - 30))));
    expect(noisy.alerts).toEqual([]);
    expect(noisy.state.excursion).toBeNull();
  });

  it('raises one ROUTE_DEVIATION for an excursion of 500 m lasting 5 minutes, two minutes after it began', () => {
    const detour = run(journey(0, 1800, 55.0, (t) => (t >= 600 && t < 900 ? 600 : 0)));
    expect(detour.alerts).toEqual([
      {
        kind: 'ROUTE_DEVIATION',
        severity: 'WARNING',
        at: at(720),
        episode: iso(600),
        message: 'The trip left its corridor: 500 m outside for 2 min',
        details: { since: iso(600), metersOutside: 500, position: [55.0 + DRIVE * 720, north(600)] },
      },
    ]);
  });

  it('raises a second one for a second excursion after a return longer than returnSeconds, not after a shorter return', () => {
    const twice = run(journey(0, 1800, 55.0, (t) => ((t >= 300 && t < 600) || (t >= 900 && t < 1080) ? 600 : 0)));
    expect(twice.alerts.map((alert) => [alert.kind, alert.episode])).toEqual([
      ['ROUTE_DEVIATION', iso(300)],
      ['ROUTE_DEVIATION', iso(900)],
    ]);
    // Back for 40 s (less than 60 s) in the middle of an excursion: still the same one.
    const once = run(journey(0, 1800, 55.0, (t) => ((t >= 300 && t < 400) || (t >= 440 && t < 800) ? 600 : 0)));
    expect(once.alerts.map((alert) => [alert.kind, alert.at])).toEqual([['ROUTE_DEVIATION', at(440)]]);
  });

  it('raises nothing for an excursion shorter than deviationSeconds, and one only for a truck hovering around the threshold', () => {
    expect(run(journey(0, 1800, 55.0, (t) => (t >= 600 && t < 700 ? 600 : 0))).alerts).toEqual([]);
    // 90 m and 160 m outside in turn for ten minutes: one excursion.
    const hovering = run(journey(0, 1800, 55.0, (t) => (t >= 300 && t < 900 ? (t % 20 === 0 ? 190 : 260) : 0)));
    expect(kinds(hovering.alerts)).toEqual(['ROUTE_DEVIATION']);
  });

  it('measures an area corridor from its edge', () => {
    const area: Corridor = { type: 'area', polygon: [[[54.99, 24.99], [55.21, 24.99], [55.21, 25.01], [54.99, 25.01], [54.99, 24.99]]] };
    const context = { ...trip, corridor: area };
    // 0.01° is 1112 m: the edge is 1112 m north of the line.
    expect(run(journey(0, 1800, 55.0, (t) => (t >= 600 && t < 900 ? 1150 : 0)), {}, { context }).alerts).toEqual([]);
    expect(kinds(run(journey(0, 1800, 55.0, (t) => (t >= 600 && t < 900 ? 1300 : 0)), {}, { context }).alerts)).toEqual(['ROUTE_DEVIATION']);
  });
});

describe('trip monitor: stops', () => {
  const stopAt = (place: LonLat, minutes: number) => {
    const startLon = place[0];
    const reachAt = Math.round((startLon - 55.0) / DRIVE);
    return [...journey(0, reachAt, 55.0), ...parked(reachAt + 10, reachAt + 10 + minutes * 60, place), ...journey(reachAt + 20 + minutes * 60, reachAt + 400 + minutes * 60, startLon)];
  };

  it('raises one UNAUTHORISED_STOP for a stop of 25 minutes on the road, 20 minutes after it began', () => {
    const stopped = run(stopAt([55.05, LAT], 25));
    const since = 450 + 10;
    expect(stopped.alerts).toEqual([
      expect.objectContaining({ kind: 'UNAUTHORISED_STOP', severity: 'WARNING', at: at(since + 1200), episode: iso(since) }),
    ]);
    expect(stopped.state.stop).toBeNull();
  });

  it('raises one per stop', () => {
    const first = stopAt([55.05, LAT], 25);
    const last = first.at(-1)!.at.getTime() / 1000 - T0 / 1000;
    const secondPlace: LonLat = [55.05 + DRIVE * 390, LAT];
    const second = [...parked(last + 10, last + 10 + 1500, secondPlace, 2), ...journey(last + 1520, last + 1600, secondPlace[0])];
    expect(kinds(run([...first, ...second]).alerts)).toEqual(['UNAUTHORISED_STOP', 'UNAUTHORISED_STOP']);
  });

  it('raises nothing for a shorter stop, nor for stops at an allowed place, in a zone or in a gate fence', () => {
    expect(run(stopAt([55.05, LAT], 15)).alerts).toEqual([]);
    expect(run(stopAt(REST_AREA, 40)).alerts).toEqual([]);
    expect(run(stopAt([55.195, LAT], 40)).alerts).toEqual([]);
    expect(run(parked(0, 2400, ORIGIN)).alerts).toEqual([]);
  });

  it('tells a stop from its implied speed when the device reports none', () => {
    const fixes: TelemetryMessage[] = [];
    for (let t = 0; t <= 1500; t += 60) fixes.push(position(t, 55.05, LAT));
    expect(kinds(run(fixes).alerts)).toEqual(['UNAUTHORISED_STOP']);
  });

  it('raises it on a tick when the stopped device reports no more', () => {
    const quiet = run(parked(0, 120, [55.05, LAT]));
    const later = tick(trip, 'ACTIVE', quiet.state, at(1200), settings);
    expect(kinds(later.alerts)).toEqual(['SIGNAL_LOST', 'UNAUTHORISED_STOP']);
    expect(tick(trip, 'ACTIVE', later.state, at(1300), settings).alerts).toEqual([]);
  });
});

describe('trip monitor: time', () => {
  it('raises SIGNAL_LOST once per silence', () => {
    const moving = run(journey(0, 60, 55.0));
    expect(tick(trip, 'ACTIVE', moving.state, at(60 + 14 * 60), settings).alerts).toEqual([]);
    const lost = tick(trip, 'ACTIVE', moving.state, at(60 + 15 * 60), settings);
    expect(lost.alerts).toEqual([expect.objectContaining({ kind: 'SIGNAL_LOST', severity: 'WARNING', at: at(960), episode: iso(60) })]);
    expect(tick(trip, 'ACTIVE', lost.state, at(60 + 30 * 60), settings).alerts).toEqual([]);
    // The device speaks again, then falls silent again: a new silence.
    const back = run([position(2000, 55.02, LAT)], { state: lost.state });
    expect(tick(trip, 'ACTIVE', back.state, at(2000 + 10 * 60), settings).alerts).toEqual([]);
    expect(tick(trip, 'ACTIVE', back.state, at(2000 + 16 * 60), settings).alerts).toEqual([expect.objectContaining({ kind: 'SIGNAL_LOST', episode: iso(2000) })]);
  });

  it('counts the silence of a device never heard from since the trip was first watched', () => {
    const first = tick(trip, 'ACTIVE', initialMonitorState(), at(0), settings);
    expect(first.alerts).toEqual([]);
    expect(tick(trip, 'ACTIVE', first.state, at(16 * 60), settings).alerts).toEqual([expect.objectContaining({ kind: 'SIGNAL_LOST', episode: iso(0) })]);
  });

  it('raises OVERDUE_ARRIVAL once when the trip is past its arrival time', () => {
    const moving = run(journey(0, 60, 55.0)).state;
    const arriveBy = trip.arriveBy.getTime();
    const near = { ...moving, lastMessageAt: arriveBy };
    expect(tick(trip, 'ACTIVE', near, trip.arriveBy, settings).alerts).toEqual([]);
    const overdue = tick(trip, 'ACTIVE', near, new Date(arriveBy + 1), settings);
    expect(overdue.alerts).toEqual([
      expect.objectContaining({ kind: 'OVERDUE_ARRIVAL', severity: 'WARNING', at: new Date(arriveBy + 1), episode: trip.arriveBy.toISOString() }),
    ]);
    expect(tick(trip, 'ACTIVE', overdue.state, new Date(arriveBy + 60_000), settings).alerts).toEqual([]);
  });

  it('returns the same state when a tick changes nothing', () => {
    const watched = tick(trip, 'ACTIVE', run(journey(0, 60, 55.0)).state, at(70), settings).state;
    expect(tick(trip, 'ACTIVE', watched, at(80), settings).state).toBe(watched);
  });
});

describe('trip monitor: battery', () => {
  it('raises LOW_BATTERY once until the battery recovers above the threshold + 10', () => {
    const levels = [40, 20, 15, 10, 20, 25, 26, 14, 12];
    const fixes = levels.map((battery, i) => position(i * 60, 55.0 + i * 0.001, LAT, { battery }));
    const low = run(fixes);
    expect(low.alerts).toEqual([
      expect.objectContaining({ kind: 'LOW_BATTERY', severity: 'INFO', at: at(120), episode: iso(120), details: { battery: 15 } }),
      expect.objectContaining({ kind: 'LOW_BATTERY', severity: 'INFO', at: at(420), episode: iso(420), details: { battery: 14 } }),
    ]);
  });

  it('takes the device\'s own LOW_BATTERY event and the battery of events, before the trip starts too', () => {
    expect(kinds(run([event(0, 'LOW_BATTERY'), event(60, 'SHOCK', { battery: 5 })], { status: 'PLANNED' }).alerts)).toEqual(['LOW_BATTERY']);
    expect(kinds(run([event(0, 'SHOCK', { battery: 9 })], { status: 'PLANNED' }).alerts)).toEqual(['LOW_BATTERY']);
  });
});

describe('trip monitor: state', () => {
  it('does not change the state it is given', () => {
    const deepFreeze = <T>(value: T): T => {
      if (value && typeof value === 'object') {
        Object.values(value).forEach(deepFreeze);
        Object.freeze(value);
      }
      return value;
    };
    // 100 s into an excursion: the next fix beyond the corridor raises the deviation.
    const before = run(journey(0, 400, 55.0, (t) => (t >= 300 ? 600 : 0))).state;
    const snapshot = JSON.stringify(before);
    deepFreeze(before);
    const after = observe(trip, 'ACTIVE', before, position(420, 55.0 + DRIVE * 420, north(600)), fences, settings);
    expect(after.alerts.length).toBe(1);
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(tick(trip, 'ACTIVE', before, at(5000), settings).alerts.length).toBeGreaterThan(0);
  });

  it('gives the same alerts and state when stored as JSON and reloaded between every two steps', () => {
    const steps: Step[] = [
      position(0, ...ORIGIN, { battery: 30 }),
      seal(10, 'SEALED'),
      ...journey(20, 900, 55.0, (t) => (t >= 300 && t < 600 ? 700 : 0)),
      { tick: 1000 },
      ...parked(1900, 3400, [55.1, LAT]).map((fix, i) => (fix.type === 'position' ? { ...fix, battery: 20 - i } : fix)),
      { tick: 4500 },
      event(4600, 'TAMPER'),
      { tick: trip.arriveBy.getTime() / 1000 - T0 / 1000 + 60 },
      ...journey(11_000, 11_200, 55.19),
      seal(11_300, 'OPENED'),
    ];
    const straight = run(steps, { status: 'PLANNED' });
    const reloaded = run(steps, { status: 'PLANNED' }, { roundTrip: true });
    expect(kinds(straight.alerts)).toEqual(['ROUTE_DEVIATION', 'LOW_BATTERY', 'UNAUTHORISED_STOP', 'SIGNAL_LOST', 'SEAL_TAMPERED', 'SIGNAL_LOST', 'OVERDUE_ARRIVAL']);
    expect(straight.transitions).toEqual([{ to: 'ACTIVE', at: at(10), gateId: 'origin' }]);
    expect(reloaded.alerts).toEqual(straight.alerts);
    expect(reloaded.transitions).toEqual(straight.transitions);
    expect(reloaded.state).toEqual(straight.state);
  });
});

describe('trip monitor: a real GPS track', () => {
  const traces = readTraces(fileURLToPath(new URL('../../data/gps/berlin_gps_traces.csv.gz', import.meta.url)));
  // Track 39: 529 fixes of a 17 km drive south-west of Berlin, 22 to 44 m apart.
  const track = traces.get('39')!;
  const context: TripContext = { ...trip, corridor: { type: 'route', line: track, widthMeters: 100 }, allowedStops: [] };
  const nowhere: TripFences = { at: () => ({ gateIds: [], inZone: false }) };
  const EVERY = 5;

  /** Moves fixes `from` to `to` (exclusive) `meters` to the left of the direction the track takes there. */
  function shifted(from: number, to: number, meters: number): LonLat[] {
    const [ax, ay] = track[from]!;
    const [bx, by] = track[to]!;
    const kx = METERS_PER_DEGREE * Math.cos((ay * Math.PI) / 180);
    const dx = (bx - ax) * kx;
    const dy = (by - ay) * METERS_PER_DEGREE;
    const length = Math.hypot(dx, dy);
    const [nx, ny] = [-dy / length, dx / length];
    return track.map(([lon, lat], i): LonLat => (i >= from && i < to ? [lon + (nx * meters) / kx, lat + (ny * meters) / METERS_PER_DEGREE] : [lon, lat]));
  }
  const replay = (points: LonLat[]) => run(points.map(([lon, lat], i) => position(i * EVERY, lon, lat)), {}, { context, fences: nowhere });

  it('reads every track of the shipped file', () => {
    expect(traces.size).toBe(132);
    expect([...traces.values()].reduce((sum, points) => sum + points.length, 0)).toBe(75_000);
    expect(track.length).toBe(529);
    expect(track[0]![0]).toBeGreaterThan(12);
    expect(track[0]![1]).toBeGreaterThan(52);
  });

  it('raises nothing when the truck keeps to its route', () => {
    expect(replay(track).alerts).toEqual([]);
  });

  it('raises exactly one ROUTE_DEVIATION for one detour 600 m aside lasting 4 minutes', () => {
    const start = 200;
    const fixes = (4 * 60) / EVERY;
    const detoured = shifted(start, start + fixes, 600);
    // The detour is really off the route (the track does not come back near it).
    for (let i = start; i < start + fixes; i++) expect(metersOutside(detoured[i]!, context.corridor)).toBeGreaterThan(400);
    const result = replay(detoured);
    expect(result.alerts).toEqual([
      expect.objectContaining({ kind: 'ROUTE_DEVIATION', at: at((start + 120 / EVERY) * EVERY), episode: iso(start * EVERY) }),
    ]);
  });

  it('raises nothing for ±30 m of noise around the edge of its corridor', () => {
    const random = seededRandom(39);
    const noisy = track.map(([lon, lat], i): LonLat => {
      const [ax, ay] = track[Math.max(0, i - 1)]!;
      const [bx, by] = track[Math.min(track.length - 1, i + 1)]!;
      const kx = METERS_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
      const dx = (bx - ax) * kx;
      const dy = (by - ay) * METERS_PER_DEGREE;
      const length = Math.hypot(dx, dy) || 1;
      const meters = (random() < 0.5 ? -1 : 1) * (50 + (random() * 60 - 30));
      return [lon + (-dy / length) * (meters / kx), lat + (dx / length) * (meters / METERS_PER_DEGREE)];
    });
    expect(replay(noisy).alerts).toEqual([]);
  });
});
