import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import { buildWorld, DESTINATION, ORIGIN, planTrip, send, testClock, type World } from '../tracking/tracking.fixtures.ts';
import { distanceMeters, distanceToLineMeters, type LonLat } from '../tracking/geo.ts';
import { checkFix, DEFAULT_FILTER_SETTINGS, type AcceptedFix } from '../tracking/filters.ts';
import type { TelemetryMessage } from '../tracking/telemetry.contract.ts';
import { planReplay, suitableTracks, type Scenario } from './demo.tracking.ts';

// The demo's transfer road: Elizabeth's out-gate to the 39th Street gate in Brooklyn.
const FROM: LonLat = [-74.1685, 40.6675];
const TO: LonLat = [-74.0101, 40.6541];
const START = new Date('2026-06-01T08:00:00Z');
const SCENARIOS: Scenario[] = ['AS_PLANNED', 'DETOUR', 'LONG_STOP', 'SEAL_OPENED', 'SILENCE'];

const positions = (messages: TelemetryMessage[]) => messages.filter((m): m is Extract<TelemetryMessage, { type: 'position' }> => m.type === 'position');
const seals = (messages: TelemetryMessage[]) => messages.filter((m): m is Extract<TelemetryMessage, { type: 'seal' }> => m.type === 'seal');

describe("the demo's sealed trips", () => {
  const tracks = suitableTracks();
  const track = tracks[0] as LonLat[];

  it('finds real tracks that go somewhere', () => {
    expect(tracks.length).toBeGreaterThan(5);
    for (const candidate of tracks) expect(distanceMeters(candidate[0] as LonLat, candidate[candidate.length - 1] as LonLat)).toBeGreaterThan(2000);
  });

  it.each(SCENARIOS)('%s: armed at the origin gate, opened at the destination, every fix one the filters accept', (scenario) => {
    const plan = planReplay(track, FROM, TO, START, scenario);
    const fixes = positions(plan.messages);
    expect(distanceMeters([fixes[0]?.lon ?? 0, fixes[0]?.lat ?? 0], FROM)).toBeLessThan(1);
    expect(seals(plan.messages)[0]).toMatchObject({ state: 'ARMED' });
    const last = plan.messages[plan.messages.length - 1];
    expect(last).toMatchObject({ type: 'seal', state: 'OPENED' });
    const arrival = fixes[fixes.length - 1];
    expect(distanceMeters([arrival?.lon ?? 0, arrival?.lat ?? 0], TO)).toBeLessThan(1);
    // In time order, and no fix the filters would drop as a jump, a repeat or out of order.
    let previous: AcceptedFix | null = null;
    for (const fix of fixes) {
      expect(checkFix(previous, { at: fix.at, lat: fix.lat, lon: fix.lon, accuracyM: fix.accuracyM }, fix.at, DEFAULT_FILTER_SETTINGS)).toBeNull();
      previous = { at: fix.at, lat: fix.lat, lon: fix.lon };
    }
  });

  it('DETOUR leaves the 300 m corridor far behind for about five minutes', () => {
    const plan = planReplay(track, FROM, TO, START, 'DETOUR');
    const away = positions(plan.messages).filter((fix) => distanceToLineMeters([fix.lon, fix.lat], plan.route) > 400);
    expect(away.length).toBeGreaterThan(10);
    const minutes = ((away[away.length - 1]?.at.getTime() ?? 0) - (away[0]?.at.getTime() ?? 0)) / 60_000;
    expect(minutes).toBeGreaterThan(3);
    expect(minutes).toBeLessThan(6);
  });

  it('LONG_STOP stands still for 25 minutes; SILENCE says nothing for 17; SEAL_OPENED opens the seal on the way', () => {
    const stop = positions(planReplay(track, FROM, TO, START, 'LONG_STOP').messages).filter((fix) => fix.speedKmh === 0);
    expect(stop.length).toBeGreaterThanOrEqual(25);
    const silent = positions(planReplay(track, FROM, TO, START, 'SILENCE').messages);
    const longestGap = Math.max(...silent.slice(1).map((fix, index) => fix.at.getTime() - (silent[index] as TelemetryMessage).at.getTime()));
    expect(longestGap).toBeGreaterThan(17 * 60_000);
    const opened = seals(planReplay(track, FROM, TO, START, 'SEAL_OPENED').messages).filter((m) => m.state === 'OPENED');
    expect(opened).toHaveLength(2);
  });
});

describe('a replayed real track, through the telemetry API', () => {
  const clock = testClock();
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    w = await buildWorld(t);
  });
  afterAll(() => t.close());

  /** Plans a trip on a real track fitted between the world's gates and sends the whole replay, the clock following it. */
  async function replay(scenario: Scenario) {
    const plan = planReplay(suitableTracks()[1] as LonLat[], ORIGIN, DESTINATION, clock.now(), scenario);
    const trip = await planTrip(t, w, clock.ms, { extra: { corridor: { type: 'route', line: plan.route, widthMeters: 300 } } });
    const wire = (m: TelemetryMessage) =>
      m.type === 'position' ? { type: 'position', time: m.at.toISOString(), lat: m.lat, lon: m.lon, speed: m.speedKmh } : m.type === 'seal' ? { type: 'seal', time: m.at.toISOString(), state: m.state } : null;
    // As a seal would report: every few fixes, the clock at the last one's time.
    for (let from = 0; from < plan.messages.length; from += 6) {
      const batch = plan.messages.slice(from, from + 6);
      clock.to((batch[batch.length - 1] as TelemetryMessage).at.getTime());
      await send(w, trip.device.deviceId, batch.map(wire));
      await t.ctx.tracking.service.tick();
    }
    const alerts = (await t.admin.get<{ items: Array<{ kind: string; subjectId: string }> }>('/api/v1/alerts?limit=200')).body.items.filter((alert) => alert.subjectId === trip.id);
    const status = (await t.admin.get<{ status: string }>(`/api/v1/trips/${trip.id}`)).body.status;
    return { kinds: alerts.map((alert) => alert.kind), status };
  }

  it('driven as planned, completes at the destination gate without an alert', async () => {
    expect(await replay('AS_PLANNED')).toEqual({ kinds: [], status: 'COMPLETED' });
  });

  it('with a detour, raises exactly one route deviation and still completes', async () => {
    expect(await replay('DETOUR')).toEqual({ kinds: ['ROUTE_DEVIATION'], status: 'COMPLETED' });
  });

  it('with the seal opened on the road, raises a critical alert', async () => {
    const { kinds } = await replay('SEAL_OPENED');
    expect(kinds).toEqual(['SEAL_OPENED_OUTSIDE_GATE']);
  });
});
