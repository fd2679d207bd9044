// An open trip's row as a checkpoint (checkpoint.ts): positions alone leave it unwritten for up to a
// minute while every reader counts them; another process, or this one after a crash, catches up from
// the stored positions and ends where an uninterrupted ingest ends; an officer's change by hand and
// the time-based checks see every stored position.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import { listAll } from '../../test/support/access.ts';
import { distanceMeters } from './geo.ts';
import type { TelemetryMessage } from './telemetry.contract.ts';
import { createTelemetryIngest, type TelemetryIngest } from './tracking.ingest.ts';
import { along, buildWorld, expectStatus, MINUTE, ORIGIN, planTrip, testClock, type PlannedTrip, type World } from './tracking.fixtures.ts';

describe('trip checkpoints', () => {
  const clock = testClock();
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    w = await buildWorld(t);
  }, 60_000);
  afterAll(() => t.close());

  const stored = async (id: string) =>
    (
      await t.ctx.db.query<{ positions: number; live_version: number; last_at: Date | null; distance_m: number; monitor_state: unknown; status: string }>(
        'SELECT positions, live_version, last_at, distance_m, monitor_state, status FROM trips WHERE id = $1',
        [id],
      )
    )[0];
  const tripOf = async (id: string) => {
    const response = await t.admin.get(`/api/v1/trips/${id}`);
    expectStatus(response, 200);
    return response.body;
  };
  const alertsOf = async (tripId: string) =>
    (await listAll(t.admin, '/api/v1/alerts'))
      .filter((alert) => alert.subjectType === 'trip' && alert.subjectId === tripId)
      .map((alert) => [alert.kind as string, alert.occurrences as number])
      .sort();
  const positionAt = (at: number, [lon, lat]: [number, number], speedKmh = 40): TelemetryMessage => ({ type: 'position', at: new Date(at), lat, lon, speedKmh, heading: null, accuracyM: 5, battery: null });
  const accepted = (count: number) => ({ accepted: count, dropped: {} });

  /** Starts the trip through `ingest`: a fix in the origin gate's fence, then the seal armed there 10 s later. */
  async function start(ingest: TelemetryIngest, trip: PlannedTrip, at: number) {
    clock.to(at + 10_000);
    const messages: TelemetryMessage[] = [positionAt(at, ORIGIN, 0), { type: 'seal', at: new Date(at + 10_000), state: 'SEALED' }];
    expect(await ingest.submit(trip.device.deviceId, messages, clock.now())).toEqual(accepted(2));
  }

  /** A trip started at `t0` through this process's ingest, with a fix every 10 s from 20 to 50 s after: its rows were last written at the start. */
  async function startedWithFixes(t0: number): Promise<PlannedTrip> {
    const trip = await planTrip(t, w, t0);
    await start(t.ctx.tracking.ingest, trip, t0);
    for (let s = 20; s <= 50; s += 10) {
      clock.to(t0 + s * 1000);
      expect(await t.ctx.tracking.ingest.submit(trip.device.deviceId, [positionAt(clock.ms, along(s / 1000))], clock.now())).toEqual(accepted(1));
    }
    return trip;
  }

  it('leaves the row unwritten for a minute of positions alone, while the trip, the list and the map show every one', async () => {
    const t0 = clock.ms;
    const trip = await planTrip(t, w, t0);
    const ingest = t.ctx.tracking.ingest;
    await start(ingest, trip, t0);
    const started = await stored(trip.id);
    expect(started).toMatchObject({ status: 'ACTIVE', positions: 1 });

    // Five fixes 5 s apart along the road, past the gate's fence (150 m): nothing but the last fix
    // moves, the row stays as it was.
    for (let i = 1; i <= 5; i++) {
      clock.to(t0 + 10_000 + i * 5_000);
      expect(await ingest.submit(trip.device.deviceId, [positionAt(clock.ms, along(0.01 + i / 100))], clock.now())).toEqual(accepted(1));
    }
    expect(await stored(trip.id)).toMatchObject({ positions: 1, live_version: started?.live_version, last_at: new Date(t0) });
    // The device's row likewise (heard from when the trip started), while the device as shown has the newest fix.
    const deviceRow = async () =>
      (await t.ctx.db.query<{ last_seen_at: Date; last_fix_at: Date }>('SELECT last_seen_at, last_fix_at FROM tracking_devices WHERE id = $1', [trip.device.id]))[0];
    expect(await deviceRow()).toEqual({ last_seen_at: new Date(t0 + 10_000), last_fix_at: new Date(t0) });
    const device = async () => (await t.admin.get(`/api/v1/devices/${trip.device.id}`)).body;
    const newest = { at: new Date(t0 + 35_000).toISOString(), lon: along(0.06)[0], lat: along(0.06)[1] };
    expect(await device()).toMatchObject({ lastSeenAt: newest.at, lastPosition: newest });
    const devices = (await t.admin.get(`/api/v1/devices?deviceId=${trip.device.deviceId}`)).body.items;
    expect(devices).toEqual([expect.objectContaining({ id: trip.device.id, lastSeenAt: newest.at, lastPosition: newest })]);

    const lastPosition = { at: new Date(t0 + 35_000).toISOString(), lon: along(0.06)[0], lat: along(0.06)[1], speedKmh: 40 };
    const seen = await tripOf(trip.id);
    expect(seen).toMatchObject({ positions: 6, lastPosition });
    // From the origin gate, where the trip started, 0.06 of the road.
    expect(Math.abs(seen.distanceMeters - distanceMeters(ORIGIN, along(0.06)))).toBeLessThanOrEqual(1);
    const listed = (await t.admin.get(`/api/v1/trips?deviceId=${trip.device.id}`)).body.items;
    expect(listed).toEqual([expect.objectContaining({ id: trip.id, positions: 6, distanceMeters: seen.distanceMeters, lastPosition })]);
    const live = (await t.admin.get('/api/v1/trips/live')).body.items.find((item: { id: string }) => item.id === trip.id);
    expect(live).toMatchObject({ lastPosition });

    // A minute after the row was written, the next fix writes it.
    clock.to(t0 + 10_000 + MINUTE);
    expect(await ingest.submit(trip.device.deviceId, [positionAt(clock.ms, along(0.07))], clock.now())).toEqual(accepted(1));
    const written = await stored(trip.id);
    expect(written).toMatchObject({ positions: 7, live_version: (started?.live_version ?? 0) + 1, last_at: new Date(t0 + 10_000 + MINUTE) });
    expect(Math.round(written?.distance_m ?? 0)).toBe((await tripOf(trip.id)).distanceMeters);
    expect(await device()).toMatchObject({ lastSeenAt: clock.now().toISOString(), lastPosition: { at: clock.now().toISOString(), lon: along(0.07)[0] } });

    // A new battery reading is written at once, with the device's last fix.
    clock.to(clock.ms + 5_000);
    const reading: TelemetryMessage = { ...positionAt(clock.ms, along(0.08)), battery: 64 } as TelemetryMessage;
    expect(await ingest.submit(trip.device.deviceId, [reading], clock.now())).toEqual(accepted(1));
    expect(await device()).toMatchObject({ batteryPercent: 64, lastSeenAt: clock.now().toISOString(), lastPosition: { at: clock.now().toISOString() } });
  });

  it('catches up after a restart or another process between checkpoints, ending where an uninterrupted ingest ends', async () => {
    const t0 = clock.ms;
    const control = await planTrip(t, w, t0);
    const shared = await planTrip(t, w, t0);
    const main = t.ctx.tracking.ingest;
    // A second ingest on the same database: another process, or this one started again after a crash.
    const other = createTelemetryIngest({ db: t.ctx.db, clock, alerts: t.ctx.alerts });
    await start(main, control, t0);
    await start(main, shared, t0);

    // A fix every 20 s: along the road, 500 m north of it (outside its 200 m corridor) for the 6th to
    // the 17th, back on it after. The control trip's all go through one ingest; the shared trip's 1st
    // to 10th through it, the 11th to 20th through the other (which the first never hears of), then
    // through the first again, but for the 31st to 33rd: the other takes them without writing the
    // row (nothing but the last fix moves), so the first learns of them from the positions alone.
    // The other's time-based check after the 25th reads the trip as it stands then; the 26th to
    // 30th, stored by the first, it learns of only from the trip's row naming the first as their writer.
    for (let k = 1; k <= 36; k++) {
      const at = t0 + 10_000 + k * 20_000;
      const point = along(k / 100, k >= 6 && k <= 17 ? 500 : 0);
      clock.to(at);
      if (k === 26) await other.tick();
      expect(await main.submit(control.device.deviceId, [positionAt(at, point)], clock.now())).toEqual(accepted(1));
      const ingest = (k > 10 && k <= 20) || (k > 30 && k <= 33) ? other : main;
      expect(await ingest.submit(shared.device.deviceId, [positionAt(at, point)], clock.now())).toEqual(accepted(1));
    }

    expect(await alertsOf(control.id)).toEqual([['ROUTE_DEVIATION', 1]]);
    expect(await alertsOf(shared.id)).toEqual([['ROUTE_DEVIATION', 1]]);
    const [controlSeen, sharedSeen] = [await tripOf(control.id), await tripOf(shared.id)];
    expect(controlSeen.positions).toBe(37);
    for (const field of ['positions', 'distanceMeters', 'lastPosition', 'sealState', 'status'] as const) expect(sharedSeen[field]).toEqual(controlSeen[field]);

    // The other ingest writes what it holds as it closes; a minute on, the first writes its rows
    // at its next check. Both rows then hold the same totals and the same monitor state.
    await other.close();
    clock.to(clock.ms + MINUTE);
    await t.ctx.tracking.service.tick();
    const [controlRow, sharedRow] = [await stored(control.id), await stored(shared.id)];
    expect(controlRow).toMatchObject({ positions: 37, last_at: new Date(t0 + 10_000 + 36 * 20_000) });
    expect(sharedRow?.positions).toBe(controlRow?.positions);
    expect(sharedRow?.last_at).toEqual(controlRow?.last_at);
    expect(sharedRow?.distance_m).toBeCloseTo(controlRow?.distance_m ?? 0, 6);
    expect(sharedRow?.monitor_state).toEqual(controlRow?.monitor_state);
    const deviceOf = async (planned: PlannedTrip) => {
      const { lastSeenAt, lastPosition } = (await t.admin.get(`/api/v1/devices/${planned.device.id}`)).body;
      return { lastSeenAt, lastPosition };
    };
    const controlDevice = await deviceOf(control);
    expect(controlDevice.lastPosition.at).toBe(new Date(t0 + 10_000 + 36 * 20_000).toISOString());
    expect(await deviceOf(shared)).toEqual(controlDevice);
  });

  it("measures a restarted ingest's silence from the last stored position, not from the row's checkpoint", async () => {
    const t0 = clock.ms;
    const trip = await startedWithFixes(t0);
    const restarted = createTelemetryIngest({ db: t.ctx.db, clock, alerts: t.ctx.alerts });
    try {
      // The signal is lost after 15 minutes: not yet 30 s before that, counted from the last fix.
      clock.to(t0 + 50_000 + 15 * MINUTE - 30_000);
      await restarted.tick();
      expect(await alertsOf(trip.id)).toEqual([]);
      clock.to(t0 + 50_000 + 15 * MINUTE + 30_000);
      await restarted.tick();
      expect(await alertsOf(trip.id)).toEqual([['SIGNAL_LOST', 1]]);
      const [alert] = (await listAll(t.admin, '/api/v1/alerts')).filter((item) => item.subjectId === trip.id);
      expect(alert.details.lastMessageAt).toBe(new Date(t0 + 50_000).toISOString());
    } finally {
      await restarted.close();
    }
  });

  it('writes the row before an officer completes the trip by hand, so that it counts every position', async () => {
    const t0 = clock.ms;
    const trip = await startedWithFixes(t0);
    const before = await tripOf(trip.id);
    expect(before.positions).toBe(5);
    const completed = await t.admin.post(`/api/v1/trips/${trip.id}/completion`, { note: 'Seal checked at the destination by hand' });
    expectStatus(completed, 200);
    expect(completed.body).toMatchObject({ status: 'COMPLETED', positions: 5, distanceMeters: before.distanceMeters, lastPosition: before.lastPosition });
    expect(await stored(trip.id)).toMatchObject({ status: 'COMPLETED', positions: 5, last_at: new Date(t0 + 50_000) });
    // And the device's row says when it was last heard from.
    expect((await t.admin.get(`/api/v1/devices/${trip.device.id}`)).body).toMatchObject({ lastSeenAt: new Date(t0 + 50_000).toISOString() });
  });
});
