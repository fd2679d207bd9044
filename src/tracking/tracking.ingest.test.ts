// The telemetry pipeline end to end, through POST /api/v1/telemetry as a zone's gateway sends it:
// trips started at the origin gate and completed at the destination gate, every alert kind, drops
// by reason, a resent batch stored once, and a failed flush that stores nothing.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import { listAll } from '../../test/support/access.ts';
import { readEvents } from '../platform/events/outbox.ts';
import { riskRepository } from '../risk/risk.repository.ts';
import type { TelemetryMessage } from './telemetry.contract.ts';
import { createTelemetryBridge, telemetryTopic } from './telemetry.mqtt.ts';
import { createTelemetryIngest } from './tracking.ingest.ts';
import {
  along,
  buildWorld,
  DESTINATION,
  event,
  expectStatus,
  fix,
  MINUTE,
  ORIGIN,
  OTHER_GATE,
  planTrip,
  ROAD,
  seal,
  send,
  testClock,
  type PlannedTrip,
  type World,
} from './tracking.fixtures.ts';

describe('telemetry ingest', () => {
  const clock = testClock();
  let t: TestApp;
  let w: World;

  const tripOf = async (id: string) => {
    const response = await t.admin.get(`/api/v1/trips/${id}`);
    expectStatus(response, 200);
    return response.body;
  };
  const alertsOf = async (tripId: string) =>
    (await listAll(t.admin, '/api/v1/alerts')).filter((alert) => alert.subjectType === 'trip' && alert.subjectId === tripId) as Array<{
      kind: string;
      severity: string;
      occurrences: number;
      enterpriseId: string;
      declarationId: string;
      zoneId: string;
      status: string;
    }>;
  const count = async (sql: string, params: unknown[]) => Number((await t.ctx.db.query<{ n: number }>(sql, params))[0]?.n);
  const positionsStored = (tripId: string) => count('SELECT count(*)::int AS n FROM trip_positions WHERE trip_id = $1', [tripId]);

  /** A position as the transports hand it to the ingest. */
  const positionAt = (at: number, [lon, lat]: [number, number]): TelemetryMessage => ({ type: 'position', at: new Date(at), lat, lon, speedKmh: 40, heading: null, accuracyM: 5, battery: null });

  /** Starts the trip: a fix inside the origin gate's fence, then the seal armed there. */
  async function start(trip: PlannedTrip, at: number) {
    clock.to(at + 10_000);
    const result = await send(w, trip.device.deviceId, [fix(at, ORIGIN, { speed: 0 }), seal(at + 10_000, 'SEALED')]);
    expect(result).toEqual({ accepted: 2, dropped: {} });
    expect((await tripOf(trip.id)).status).toBe('ACTIVE');
  }

  beforeAll(async () => {
    t = await createTestApp({ clock });
    w = await buildWorld(t);
  }, 60_000);
  afterAll(() => t.close());

  it('starts a trip at the origin gate when the seal is armed there, and completes it when opened at the destination gate', async () => {
    const departFrom = clock.ms;
    const trip = await planTrip(t, w, departFrom);
    const code = trip.device.deviceId;

    // A fix at the origin gate while the trip is PLANNED: stored in the trip's history, nothing starts.
    clock.to(departFrom + 30_000);
    expect(await send(w, code, [fix(departFrom, ORIGIN, { speed: 0 })])).toEqual({ accepted: 1, dropped: {} });
    expect((await tripOf(trip.id)).status).toBe('PLANNED');

    clock.to(departFrom + MINUTE);
    expect(await send(w, code, [seal(departFrom + MINUTE, 'SEALED')])).toEqual({ accepted: 1, dropped: {} });
    const started = await tripOf(trip.id);
    expect(started).toMatchObject({ status: 'ACTIVE', startedAt: new Date(departFrom + MINUTE).toISOString(), sealState: 'SEALED' });

    // Ten minutes along the road at about 50 km/h, then the seal opened at the destination gate.
    const drive = Array.from({ length: 10 }, (_, i) => fix(departFrom + (2 + i) * MINUTE, along((i + 1) / 10)));
    const arrived = departFrom + 12 * MINUTE;
    clock.to(arrived + 30_000);
    expect(await send(w, code, [...drive, seal(arrived + 30_000, 'OPENED')])).toEqual({ accepted: 11, dropped: {} });

    const completed = await tripOf(trip.id);
    expect(completed).toMatchObject({ status: 'COMPLETED', endedAt: new Date(arrived + 30_000).toISOString(), sealState: 'OPENED', tampered: false, positions: 11 });
    expect(completed.lastPosition).toMatchObject({ lon: DESTINATION[0], lat: DESTINATION[1], speedKmh: 50 });
    // 0.1 degree of longitude at latitude 40.7: 8.43 km.
    expect(completed.distanceMeters).toBeGreaterThan(8_400);
    expect(completed.distanceMeters).toBeLessThan(8_460);
    expect(await alertsOf(trip.id)).toEqual([]);

    const timeline = (await t.admin.get(`/api/v1/trips/${trip.id}/timeline`)).body.items as Array<{ source: string; kind: string; message: string }>;
    expect(timeline.filter((item) => item.source === 'status').map((item) => [item.kind, item.message])).toEqual([
      ['CREATED', `Trip ${trip.reference} planned`],
      ['STARTED', 'Started at the origin gate'],
      ['COMPLETED', 'Completed at the destination gate'],
    ]);
    expect(timeline.filter((item) => item.source === 'device').map((item) => item.kind)).toEqual(['SEAL_SEALED', 'SEAL_OPENED']);

    const track = (await t.admin.get(`/api/v1/trips/${trip.id}/track`)).body;
    expect(track.t).toHaveLength(11);
    expect(track.t[0]).toBe(departFrom);
    expect([track.lon[0], track.lat[0], track.speed[0]]).toEqual([ORIGIN[0], ORIGIN[1], 0]);
    expect([track.lon[10], track.lat[10], track.speed[10]]).toEqual([DESTINATION[0], DESTINATION[1], 50]);
    const window = (await t.admin.get(`/api/v1/trips/${trip.id}/track?from=${new Date(departFrom + 2 * MINUTE).toISOString()}&to=${new Date(departFrom + 4 * MINUTE).toISOString()}`)).body;
    expect(window.t).toEqual([departFrom + 2 * MINUTE, departFrom + 3 * MINUTE, departFrom + 4 * MINUTE]);

    // Both transitions are decisions on the record: an outbox event and a transparency log entry each.
    const events = (await readEvents(t.ctx.db, 0, 10_000)).filter((e) => e.aggregateId === trip.id);
    expect(events.map((e) => [e.type, e.payload.gateId])).toEqual([
      ['trip.planned', undefined],
      ['trip.started', w.originGate],
      ['trip.completed', w.destinationGate],
    ]);
    const leaves = await t.ctx.db.query<{ record: Record<string, unknown> }>(`SELECT record FROM log_entries WHERE kind = 'trip.transition' AND record ->> 'trip' = $1 ORDER BY id`, [trip.id]);
    expect(leaves.map((leaf) => leaf.record)).toEqual([
      expect.objectContaining({ reference: trip.reference, declaration: trip.declarationId, device: trip.device.id, status: 'ACTIVE', gate: w.originGate, by: null }),
      expect.objectContaining({ reference: trip.reference, status: 'COMPLETED', gate: w.destinationGate, at: new Date(arrived + 30_000).toISOString().replace('Z', '000Z') }),
    ]);

    // The device is free again: its next fix belongs to no trip, but is its last known position.
    clock.to(arrived + 2 * MINUTE);
    expect(await send(w, code, [fix(arrived + 2 * MINUTE, DESTINATION, { speed: 0 })])).toEqual({ accepted: 0, dropped: { NO_TRIP: 1 } });
    expect(await positionsStored(trip.id)).toBe(11);
    const device = (await t.admin.get(`/api/v1/devices/${trip.device.id}`)).body;
    expect(device.lastPosition).toEqual({ at: new Date(arrived + 2 * MINUTE).toISOString(), lon: DESTINATION[0], lat: DESTINATION[1] });
  });

  describe('alerts', () => {
    let detour: PlannedTrip;
    let tampered: PlannedTrip;
    let wrongGate: PlannedTrip;

    it('raises one ROUTE_DEVIATION for a detour, then UNAUTHORISED_STOP, LOW_BATTERY and SEAL_OPENED_OUTSIDE_GATE', async () => {
      const t0 = clock.ms;
      detour = await planTrip(t, w, t0);
      await start(detour, t0);
      const code = detour.device.deviceId;
      // On the road, then 500 m north of it for four minutes, then back on it.
      const out = [1, 2, 3, 4, 5].map((m) => fix(t0 + (1 + m) * MINUTE, along(0.1 + 0.02 * m, 500)));
      const back = [7, 8, 9].map((m) => fix(t0 + m * MINUTE, along(0.1 + 0.02 * m)));
      clock.to(t0 + 9 * MINUTE);
      expect(await send(w, code, [fix(t0 + MINUTE, along(0.1)), ...out, ...back])).toEqual({ accepted: 9, dropped: {} });
      expect((await alertsOf(detour.id)).map((alert) => alert.kind)).toEqual(['ROUTE_DEVIATION']);

      // Stopped half way, outside every zone and allowed stop, for 21 minutes; the battery runs low.
      const stopAt = along(0.5);
      const stop = [10, 15, 20, 25, 30, 31].map((m) => fix(t0 + m * MINUTE, stopAt, { speed: 0, battery: m === 31 ? 12 : 60 }));
      clock.to(t0 + 31 * MINUTE);
      expect(await send(w, code, stop)).toEqual({ accepted: 6, dropped: {} });
      // And the seal opened there.
      clock.to(t0 + 32 * MINUTE);
      expect(await send(w, code, [seal(t0 + 32 * MINUTE, 'OPENED')])).toEqual({ accepted: 1, dropped: {} });

      const alerts = await alertsOf(detour.id);
      expect(alerts.map((alert) => [alert.kind, alert.severity]).sort()).toEqual([
        ['LOW_BATTERY', 'INFO'],
        ['ROUTE_DEVIATION', 'WARNING'],
        ['SEAL_OPENED_OUTSIDE_GATE', 'CRITICAL'],
        ['UNAUTHORISED_STOP', 'WARNING'],
      ]);
      for (const alert of alerts) expect(alert).toMatchObject({ enterpriseId: w.e1, declarationId: detour.declarationId, zoneId: w.zoneA, occurrences: 1, status: 'OPEN' });
      // Opened away from a gate: the trip goes on (an officer decides).
      expect(await tripOf(detour.id)).toMatchObject({ status: 'ACTIVE', sealState: 'OPENED' });
      const live = (await t.admin.get('/api/v1/trips/live')).body.items.find((item: { id: string }) => item.id === detour.id);
      expect(live).toMatchObject({ status: 'ACTIVE', openAlerts: 4, sealState: 'OPENED', lastPosition: { lon: stopAt[0], lat: stopAt[1], speedKmh: 0 } });

      const aborted = await t.admin.post(`/api/v1/trips/${detour.id}/abortion`, { reason: 'seal opened on the road; goods held for inspection' });
      expectStatus(aborted, 200);
    });

    it('raises SEAL_TAMPERED on a tamper; opening at the destination then completes nothing until an officer does', async () => {
      const t0 = clock.ms;
      tampered = await planTrip(t, w, t0);
      await start(tampered, t0);
      const code = tampered.device.deviceId;
      clock.to(t0 + 2 * MINUTE);
      expect(await send(w, code, [fix(t0 + MINUTE, along(0.1)), event(t0 + 2 * MINUTE, 'TAMPER')])).toEqual({ accepted: 2, dropped: {} });
      expect(await tripOf(tampered.id)).toMatchObject({ status: 'ACTIVE', tampered: true });

      const drive = Array.from({ length: 9 }, (_, i) => fix(t0 + (3 + i) * MINUTE, along((i + 2) / 10)));
      clock.to(t0 + 12 * MINUTE);
      expect(await send(w, code, [...drive, seal(t0 + 12 * MINUTE, 'OPENED')])).toEqual({ accepted: 10, dropped: {} });
      expect(await tripOf(tampered.id)).toMatchObject({ status: 'ACTIVE', sealState: 'OPENED', tampered: true });
      expect((await alertsOf(tampered.id)).map((alert) => [alert.kind, alert.severity, alert.occurrences])).toEqual([['SEAL_TAMPERED', 'CRITICAL', 1]]);

      const completed = await t.admin.post(`/api/v1/trips/${tampered.id}/completion`, { note: 'seal checked at the destination: goods as declared' });
      expectStatus(completed, 200);
      expect(completed.body).toMatchObject({ status: 'COMPLETED', endNote: 'seal checked at the destination: goods as declared' });
    });

    it('raises WRONG_GATE_ARRIVAL for an opening at another gate, then OVERDUE_ARRIVAL and SIGNAL_LOST from the time-based check', async () => {
      const t0 = clock.ms;
      wrongGate = await planTrip(t, w, t0, { hours: 0.5 });
      await start(wrongGate, t0);
      const code = wrongGate.device.deviceId;
      const drive = Array.from({ length: 10 }, (_, i) => fix(t0 + (1 + i) * MINUTE, along((i + 1) / 10)));
      clock.to(t0 + 13 * MINUTE);
      const atOtherGate = [fix(t0 + 12 * MINUTE, OTHER_GATE, { speed: 0 }), seal(t0 + 13 * MINUTE, 'OPENED')];
      expect(await send(w, code, [...drive, ...atOtherGate])).toEqual({ accepted: 12, dropped: {} });
      expect((await alertsOf(wrongGate.id)).map((alert) => [alert.kind, alert.severity])).toEqual([['WRONG_GATE_ARRIVAL', 'WARNING']]);
      expect((await tripOf(wrongGate.id)).status).toBe('ACTIVE');

      // Within the window and heard from lately: the check raises nothing.
      clock.to(t0 + 20 * MINUTE);
      expect((await t.ctx.tracking.service.tick()).alertsRaised).toBe(0);
      // Past arriveBy (30 minutes) and silent for 15 minutes.
      clock.to(t0 + 31 * MINUTE);
      const checked = await t.ctx.tracking.service.tick();
      expect(checked.alertsRaised).toBe(2);
      expect((await alertsOf(wrongGate.id)).map((alert) => alert.kind).sort()).toEqual(['OVERDUE_ARRIVAL', 'SIGNAL_LOST', 'WRONG_GATE_ARRIVAL']);
      // Once per condition: the next checks raise nothing more.
      clock.to(t0 + 32 * MINUTE);
      expect((await t.ctx.tracking.service.tick()).alertsRaised).toBe(0);
      expect((await alertsOf(wrongGate.id)).every((alert) => alert.occurrences === 1)).toBe(true);
    });

    it("counts the trips' alerts in the enterprise's risk record, low batteries aside", async () => {
      const record = await riskRepository.enterpriseRecord(t.ctx.db, w.e1, new Date(clock.ms + 1000));
      // Detour: deviation, stop, opened outside a gate (not the low battery); tamper; wrong gate, overdue, signal lost.
      expect(Number(record.tracking_alerts)).toBe(7);
      expect(Number((await riskRepository.enterpriseRecord(t.ctx.db, w.e2, new Date(clock.ms + 1000))).tracking_alerts)).toBe(0);
    });

    it('every kind of trip alert has been raised through the telemetry', async () => {
      const kinds = new Set((await listAll(t.admin, '/api/v1/alerts')).filter((alert) => alert.subjectType === 'trip').map((alert) => alert.kind as string));
      expect([...kinds].sort()).toEqual([
        'LOW_BATTERY',
        'OVERDUE_ARRIVAL',
        'ROUTE_DEVIATION',
        'SEAL_OPENED_OUTSIDE_GATE',
        'SEAL_TAMPERED',
        'SIGNAL_LOST',
        'UNAUTHORISED_STOP',
        'WRONG_GATE_ARRIVAL',
      ]);
    });
  });

  it('drops bad fixes and counts them per device, reason and day', async () => {
    const t0 = clock.ms;
    const trip = await planTrip(t, w, t0);
    const code = trip.device.deviceId;
    clock.to(t0 + 5 * MINUTE);
    const first = await send(w, code, [
      fix(t0, along(0.01)),
      fix(t0, along(0.01)), // the same time again
      fix(t0 + MINUTE, [0, 0]), // no fix
      fix(t0 + 2 * MINUTE, along(0.02), { accuracy: 500 }), // too imprecise
      fix(t0 + 3 * MINUTE, [-73.4, 40.7]), // 50 km in three minutes
      fix(t0 + 7 * MINUTE, along(0.03)), // two minutes ahead of the receive time
      fix(t0 + 4 * MINUTE, along(0.04)),
    ]);
    expect(first).toEqual({ accepted: 2, dropped: { DUPLICATE: 1, ZERO: 1, POOR_ACCURACY: 1, IMPOSSIBLE_SPEED: 1, FUTURE: 1 } });
    // Older than the last accepted fix.
    expect(await send(w, code, [fix(t0 + 3 * MINUTE, along(0.035))])).toEqual({ accepted: 0, dropped: { OUT_OF_ORDER: 1 } });
    // A device without an open trip.
    const idle = (await t.admin.post('/api/v1/devices', { deviceId: `IDLE-${t0}`, type: 'E_LOCK', zoneId: w.zoneA })).body;
    expect(await send(w, idle.deviceId, [fix(t0 + 4 * MINUTE, ORIGIN)])).toEqual({ accepted: 0, dropped: { NO_TRIP: 1 } });
    expect(await positionsStored(trip.id)).toBe(2);
    // What is kept is kept to the millisecond the device gave.
    expect(await send(w, code, [fix(t0 + 4 * MINUTE + 1_234, along(0.04))])).toEqual({ accepted: 1, dropped: {} });
    expect((await t.admin.get(`/api/v1/trips/${trip.id}/track`)).body.t).toEqual([t0, t0 + 4 * MINUTE, t0 + 4 * MINUTE + 1_234]);

    // A payload that breaks the contract is refused as a whole over HTTP, naming the field and the rule...
    const refused = await w.gateway.post('/api/v1/telemetry', { deviceId: code, messages: [fix(t0 + 5 * MINUTE, along(0.05)), { type: 'position', time: new Date(t0).toISOString(), lat: 91, lon: 0 }] });
    expectStatus(refused, 400);
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: '/messages/1/lat', message: 'must be <= 90' }] });
    expect(await positionsStored(trip.id)).toBe(3);
    // ... and counted as MALFORMED when it comes over MQTT, where the bridge settles it as done (acknowledged).
    const bridge = createTelemetryBridge({ ingest: t.ctx.tracking.ingest, clock, log: pino({ level: 'silent' }) });
    expect(await new Promise((settle) => bridge(telemetryTopic(code), Buffer.from('{"type":"position","lat":91}'), settle))).toBeNull();

    const day = new Date(clock.ms).toISOString().slice(0, 10);
    const drops = (await t.admin.get(`/api/v1/devices/${trip.device.id}/drops`)).body;
    expect(drops.items).toEqual(
      expect.arrayContaining(
        ['DUPLICATE', 'FUTURE', 'IMPOSSIBLE_SPEED', 'MALFORMED', 'OUT_OF_ORDER', 'POOR_ACCURACY', 'ZERO'].map((reason) => ({ day, reason, count: 1 })),
      ),
    );
    expect(drops.items).toHaveLength(7);
    expect((await t.admin.get(`/api/v1/devices/${idle.id}/drops`)).body.items).toEqual([{ day, reason: 'NO_TRIP', count: 1 }]);
    // Messages of a device nobody registered are counted too, under no device.
    expectStatus(await w.gateway.post('/api/v1/telemetry', { deviceId: 'NOBODY-1', messages: [fix(t0, ORIGIN)] }), 404);
    expect(await t.ctx.tracking.ingest.submit('NOBODY-2', [{ type: 'seal', at: new Date(t0), state: 'SEALED' }], clock.now())).toEqual({ accepted: 0, dropped: { NO_TRIP: 1 } });
    expect(await count(`SELECT count::int AS n FROM telemetry_drops WHERE device_id = '00000000-0000-0000-0000-000000000000' AND reason = 'NO_TRIP'`, [])).toBe(1);
  });

  it('stores a resent batch once: the same messages again add no position, event, transition or alert', async () => {
    const t0 = clock.ms;
    const trip = await planTrip(t, w, t0);
    const batch = [fix(t0, ORIGIN, { speed: 0 }), seal(t0 + 10_000, 'SEALED'), fix(t0 + MINUTE, along(0.1)), event(t0 + 2 * MINUTE, 'CUT'), fix(t0 + 3 * MINUTE, along(0.2))];
    clock.to(t0 + 3 * MINUTE);
    expect(await send(w, trip.device.deviceId, batch)).toEqual({ accepted: 5, dropped: {} });
    const before = await tripOf(trip.id);
    expect(before).toMatchObject({ status: 'ACTIVE', tampered: true, positions: 3 });

    // The broker delivers it again (QoS 1: the acknowledgement was lost).
    const again = await send(w, trip.device.deviceId, batch);
    expect(again.accepted).toBe(0);
    expect(again.dropped).toEqual({ DUPLICATE: 3, OUT_OF_ORDER: 2 });
    expect(await tripOf(trip.id)).toEqual(before);
    expect(await positionsStored(trip.id)).toBe(3);
    expect(await count('SELECT count(*)::int AS n FROM trip_events WHERE trip_id = $1', [trip.id])).toBe(3);
    expect(await count(`SELECT count(*)::int AS n FROM log_entries WHERE kind = 'trip.transition' AND record ->> 'trip' = $1`, [trip.id])).toBe(1);
    expect((await alertsOf(trip.id)).map((alert) => [alert.kind, alert.occurrences])).toEqual([['SEAL_TAMPERED', 1]]);
    expect((await readEvents(t.ctx.db, 0, 10_000)).filter((e) => e.aggregateId === trip.id && e.type === 'trip.started')).toHaveLength(1);
  });

  it('rejects the submits of a flush that fails and stores nothing of it; the same messages are taken when sent again', async () => {
    const t0 = clock.ms;
    const trip = await planTrip(t, w, t0);
    const code = trip.device.deviceId;
    // The device is known to the ingest before the failure.
    expect(await send(w, code, [fix(t0, ORIGIN, { speed: 0, battery: 80 })])).toEqual({ accepted: 1, dropped: {} });
    const poisoned = along(0.123456);
    const batch = [seal(t0 + 10_000, 'SEALED'), fix(t0 + MINUTE, along(0.1)), fix(t0 + 2 * MINUTE, poisoned, { battery: 40 }), fix(t0 + 2 * MINUTE, poisoned)];
    clock.to(t0 + 2 * MINUTE);
    // The database refuses one of the positions, after the seal event was written in the same transaction.
    await t.ctx.db.exec(`ALTER TABLE trip_positions ADD CONSTRAINT refuse_one CHECK (lon_e7 <> ${Math.round(poisoned[0] * 1e7)})`);
    try {
      const failed = await w.gateway.post('/api/v1/telemetry', { deviceId: code, messages: batch });
      expectStatus(failed, 500);
      const position = { type: 'position' as const, at: new Date(t0 + 3 * MINUTE), lat: poisoned[1], lon: poisoned[0], speedKmh: null, heading: null, accuracyM: null, battery: null };
      clock.to(t0 + 3 * MINUTE);
      await expect(t.ctx.tracking.ingest.submit(code, [position], clock.now())).rejects.toThrow();
    } finally {
      await t.ctx.db.exec('ALTER TABLE trip_positions DROP CONSTRAINT refuse_one');
    }
    expect(await tripOf(trip.id)).toMatchObject({ status: 'PLANNED', positions: 1, sealState: null, lastPosition: { at: new Date(t0).toISOString() } });
    expect(await positionsStored(trip.id)).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM trip_events WHERE device_id = $1', [trip.device.id])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM telemetry_drops WHERE device_id = $1', [trip.device.id])).toBe(0);
    expect((await t.admin.get(`/api/v1/devices/${trip.device.id}`)).body).toMatchObject({ lastPosition: { at: new Date(t0).toISOString() }, batteryPercent: 80 });

    // Nothing of the failed flush stayed in memory either: sent again, every message is taken.
    expect(await send(w, code, batch)).toEqual({ accepted: 3, dropped: { DUPLICATE: 1 } });
    expect(await tripOf(trip.id)).toMatchObject({ status: 'ACTIVE', positions: 3 });
    expect((await t.admin.get(`/api/v1/devices/${trip.device.id}`)).body.batteryPercent).toBe(40);
  });

  it('sees a gate added or moved while it runs: its fences follow the gates table', async () => {
    const t0 = clock.ms;
    const first = await planTrip(t, w, t0);
    await start(first, t0);
    // On the road: the ingest has its fences from here on.
    clock.to(t0 + 3 * MINUTE);
    expect(await send(w, first.device.deviceId, [fix(t0 + 3 * MINUTE, along(0.3))])).toEqual({ accepted: 1, dropped: {} });
    const midway = along(0.7);
    const added = await t.admin.post(`/api/v1/zones/${w.zoneA}/gates`, { code: 'MID1', name: 'Midway gate', kind: 'ROAD', direction: 'BOTH', latitude: midway[1], longitude: midway[0] });
    expectStatus(added, 201);
    // Opened at the new gate: an arrival at a gate that is not the destination, not an opening on the road.
    clock.to(t0 + 8 * MINUTE);
    expect(await send(w, first.device.deviceId, [fix(t0 + 7 * MINUTE, midway, { speed: 0 }), seal(t0 + 8 * MINUTE, 'OPENED')])).toEqual({ accepted: 2, dropped: {} });
    expect((await alertsOf(first.id)).map((alert) => alert.kind)).toEqual(['WRONG_GATE_ARRIVAL']);

    // The gate moves away: the same opening there is on the road again.
    expectStatus(await t.admin.patch(`/api/v1/gates/${added.body.id}`, { latitude: ORIGIN[1] + 0.5, longitude: ORIGIN[0] + 0.5 }), 200);
    const t1 = t0 + 9 * MINUTE;
    const second = await planTrip(t, w, t1);
    await start(second, t1);
    clock.to(t1 + 8 * MINUTE);
    expect(await send(w, second.device.deviceId, [fix(t1 + 7 * MINUTE, midway, { speed: 0 }), seal(t1 + 8 * MINUTE, 'OPENED')])).toEqual({ accepted: 2, dropped: {} });
    expect((await alertsOf(second.id)).map((alert) => alert.kind)).toEqual(['SEAL_OPENED_OUTSIDE_GATE']);
  });

  it('checks each trip against its own corridor, the trips along the same corridor sharing one', async () => {
    const t0 = clock.ms;
    const narrow = [await planTrip(t, w, t0), await planTrip(t, w, t0)];
    const wide = await planTrip(t, w, t0, { extra: { corridor: { type: 'route', line: ROAD, widthMeters: 1000 } } });
    const keys = await t.ctx.db.query<{ id: string; corridor_key: string }>('SELECT id, corridor_key FROM trips WHERE id = ANY($1::uuid[])', [[...narrow, wide].map((trip) => trip.id)]);
    const keyOf = (trip: PlannedTrip) => keys.find((row) => row.id === trip.id)?.corridor_key;
    expect(keyOf(narrow[0] as PlannedTrip)).toMatch(/^[0-9a-f]{64}$/);
    expect(keyOf(narrow[1] as PlannedTrip)).toBe(keyOf(narrow[0] as PlannedTrip));
    expect(keyOf(wide)).not.toBe(keyOf(narrow[0] as PlannedTrip));

    // Started by an officer, so that the ingest reads all three for the first time in one flush: their
    // messages are submitted together, 500 m north of the road for five minutes.
    for (const trip of [...narrow, wide]) expectStatus(await t.admin.post(`/api/v1/trips/${trip.id}/start`, { note: 'Sealed at the out-gate' }), 200);
    clock.to(t0 + 6 * MINUTE);
    const north = [1, 2, 3, 4, 5].map((m) => positionAt(t0 + m * MINUTE, along(0.1 + 0.02 * m, 500)));
    const results = await Promise.all([...narrow, wide].map((trip) => t.ctx.tracking.ingest.submit(trip.device.deviceId, north, clock.now())));
    for (const result of results) expect(result).toEqual({ accepted: 5, dropped: {} });
    for (const trip of narrow) expect((await alertsOf(trip.id)).map((alert) => alert.kind)).toEqual(['ROUTE_DEVIATION']);
    expect(await alertsOf(wide.id)).toEqual([]);
  });

  it('takes a position another process stored while it held an older last fix as a duplicate, counted once', async () => {
    const t0 = clock.ms;
    const trip = await planTrip(t, w, t0);
    const code = trip.device.deviceId;
    clock.to(t0 + 2 * MINUTE);
    // This process knows the device from its first fix; another process then stores the second.
    expect(await t.ctx.tracking.ingest.submit(code, [positionAt(t0 + MINUTE, along(0.1))], clock.now())).toEqual({ accepted: 1, dropped: {} });
    const other = createTelemetryIngest({ db: t.ctx.db, clock, alerts: t.ctx.alerts });
    try {
      expect(await other.submit(code, [positionAt(t0 + 2 * MINUTE, along(0.2))], clock.now())).toEqual({ accepted: 1, dropped: {} });
    } finally {
      await other.close();
    }
    // The broker sends the second fix to this process too (redelivered after the other one failed, say).
    expect(await t.ctx.tracking.ingest.submit(code, [positionAt(t0 + 2 * MINUTE, along(0.2))], clock.now())).toEqual({ accepted: 0, dropped: { DUPLICATE: 1 } });
    expect(await positionsStored(trip.id)).toBe(2);
    expect(await tripOf(trip.id)).toMatchObject({ positions: 2, lastPosition: { at: new Date(t0 + 2 * MINUTE).toISOString() } });
  });
});
