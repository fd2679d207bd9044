// The operations endpoints as an operator uses them: Prometheus scraping /metrics with its key and
// seeing requests, gate decisions, telemetry, backlogs and open alerts move; who may scrape; and
// /ready answering 200 only while the database, its migrations and the MQTT subscriber are up.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createTestApp, type ApiClient, type TestApp } from '../../../test/support/test-app.ts';
import { createUser, declarationBody } from '../../../test/support/factories.ts';
import { expectForbidden, expectUnauthenticated, unique } from '../../../test/support/access.ts';
import { containerCheckDigit } from '../../reference/validators.ts';
import { startTelemetryOverMqtt } from '../../tracking/telemetry.mqtt.ts';
import { along, buildWorld, expectStatus, fix, planTrip, registerDevice, seal, send, testClock, type World } from '../../tracking/tracking.fixtures.ts';
import { openDb } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { createReadiness } from './readiness.ts';

/** One scrape's samples by series (`name{label="value",…}`), and the raw text. */
interface Scrape {
  text: string;
  value(series: string): number;
}

/** A sample line of the text format: a metric name, optional labels, a value (Prometheus reads NaN in any case). */
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?(?:[0-9.]+(?:e[+-]?[0-9]+)?|\+Inf|-Inf|nan))$/i;

const container = () => {
  const body = `OPSU${String(randomBytes(3).readUIntBE(0, 3) % 1_000_000).padStart(6, '0')}`;
  return `${body}${containerCheckDigit(body)}`;
};

describe('operations endpoints', () => {
  const clock = testClock();
  let t: TestApp;
  let w: World;
  /** Prometheus's key: the metrics scope on a partner key, which opens nothing else. */
  let prometheus: ApiClient;

  const scrape = async (as: ApiClient = prometheus): Promise<Scrape> => {
    const response = await as.get('/metrics');
    expect(response.status, String(response.body)).toBe(200);
    const text = String(response.body);
    const samples = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const match = SAMPLE.exec(line);
      if (!match?.[1] || match[2] === undefined) throw new Error(`not a sample line of the text format: ${line}`);
      samples.set(match[1], Number(match[2]));
    }
    return { text, value: (series) => samples.get(series) ?? 0 };
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    w = await buildWorld(t);
    const key = await t.admin.post('/api/v1/api-keys', { name: `prometheus ${unique()}`, role: 'partner', scopes: ['metrics:read'] });
    expectStatus(key, 201);
    prometheus = t.client(key.body.key);
  }, 60_000);
  afterAll(() => t.close());

  describe('GET /metrics', () => {
    it("answers in the Prometheus text format, with Cordon's metrics and the process's", async () => {
      const response = await prometheus.get('/metrics');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const { text } = await scrape();
      for (const [name, type] of [
        ['cordon_http_requests_total', 'counter'],
        ['cordon_http_request_duration_seconds', 'histogram'],
        ['cordon_gate_decisions_total', 'counter'],
        ['cordon_telemetry_positions_accepted_total', 'counter'],
        ['cordon_telemetry_messages_dropped_total', 'counter'],
        ['cordon_telemetry_queued_messages', 'gauge'],
        ['cordon_outbox_backlog_events', 'gauge'],
        ['cordon_gate_passes_unsettled', 'gauge'],
        ['cordon_alerts_open', 'gauge'],
        ['process_cpu_user_seconds_total', 'counter'],
        ['nodejs_heap_size_used_bytes', 'gauge'],
        ['nodejs_eventloop_lag_seconds', 'gauge'],
      ] as const) {
        expect(text, name).toContain(`# TYPE ${name} ${type}\n`);
      }
      expect(text).toMatch(/^cordon_telemetry_queued_messages 0$/m);
    });

    it('counts requests under their route pattern and status class, never under the raw URL', async () => {
      const series = (status: string) => `cordon_http_requests_total{method="GET",route="/api/v1/zones/:id",status_class="${status}"}`;
      const before = await scrape();
      expectStatus(await t.admin.get(`/api/v1/zones/${w.zoneA}`), 200);
      expectStatus(await t.admin.get(`/api/v1/zones/${w.zoneB}`), 200);
      const missing = crypto.randomUUID();
      expectStatus(await t.admin.get(`/api/v1/zones/${missing}`), 404);
      const after = await scrape();
      expect(after.value(series('2xx')) - before.value(series('2xx'))).toBe(2);
      expect(after.value(series('4xx')) - before.value(series('4xx'))).toBe(1);
      const durations = `cordon_http_request_duration_seconds_count{method="GET",route="/api/v1/zones/:id",status_class="2xx"}`;
      expect(after.value(durations) - before.value(durations)).toBe(2);
      for (const id of [w.zoneA, w.zoneB, missing]) expect(after.text).not.toContain(id);
    });

    it('counts gate decisions (OPEN for the truck its pass names, HOLD for one without) and shows the hold as an open alert', async () => {
      const truck = { plate: `OP${randomBytes(2).toString('hex').toUpperCase()}`, containers: [container()], seals: [`S-${randomBytes(3).toString('hex')}`] };
      const submitted = await t.admin.post(
        '/api/v1/declarations',
        declarationBody(w.zoneA, { enterpriseId: w.e1, transport: { mode: 'ROAD', vehiclePlate: truck.plate, containers: truck.containers, seals: truck.seals } }),
      );
      expectStatus(submitted, 201);
      expect(submitted.body.state).toBe('RELEASED');
      const gateEvent = (plate: string, containers: string[]) => ({
        gateId: w.originGate,
        readerEventId: `ev-${randomBytes(6).toString('hex')}`,
        at: clock.now().toISOString(),
        plate: { value: plate, confidence: 0.97 },
        containers: containers.map((number) => ({ number, confidence: 0.95 })),
        seals: truck.seals,
      });
      const open = 'cordon_gate_decisions_total{decision="OPEN"}';
      const hold = 'cordon_gate_decisions_total{decision="HOLD"}';
      const holds = 'cordon_alerts_open{kind="GATE_HOLD",severity="WARNING"}';
      const before = await scrape();

      const event = gateEvent(truck.plate, truck.containers);
      const opened = await t.admin.post('/api/v1/gate-events', event);
      expectStatus(opened, 201);
      expect(opened.body.decision).toBe('OPEN');
      const afterOpen = await scrape();
      expect(afterOpen.value(open) - before.value(open)).toBe(1);
      expect(afterOpen.value(hold) - before.value(hold)).toBe(0);

      // The same reader event again is a replay of the stored answer, not a second decision.
      expectStatus(await t.admin.post('/api/v1/gate-events', event), 200);
      const held = await t.admin.post('/api/v1/gate-events', gateEvent(`NO${randomBytes(2).toString('hex').toUpperCase()}`, [container()]));
      expectStatus(held, 201);
      expect(held.body.decision).toBe('HOLD');
      const after = await scrape();
      expect(after.value(open) - before.value(open)).toBe(1);
      expect(after.value(hold) - before.value(hold)).toBe(1);
      expect(after.value(holds) - before.value(holds)).toBe(1);
    });

    it('shows a pass used at the gate as unsettled until the settler has completed its declaration', async () => {
      const truck = { plate: `ST${randomBytes(2).toString('hex').toUpperCase()}`, containers: [container()] };
      const submitted = await t.admin.post('/api/v1/declarations', declarationBody(w.zoneA, { enterpriseId: w.e1, transport: { mode: 'ROAD', vehiclePlate: truck.plate, containers: truck.containers } }));
      expectStatus(submitted, 201);
      // Through the service, as the route does before it hands settling to a timer: the settler runs when the test says.
      const login = await t.anonymous.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
      const admin = await t.ctx.identity.authenticate(login.body.token);
      if (!admin) throw new Error('the admin session does not authenticate');
      await t.ctx.gates.settle();
      expect((await scrape()).value('cordon_gate_passes_unsettled')).toBe(0);
      const { passage } = await t.ctx.gates.recordEvent(admin, {
        gateId: w.originGate,
        readerEventId: `ev-${randomBytes(6).toString('hex')}`,
        at: clock.now().toISOString(),
        plate: { value: truck.plate, confidence: 0.97 },
        containers: truck.containers.map((number) => ({ number, confidence: 0.95 })),
      });
      expect(passage.decision).toBe('OPEN');
      const waiting = await scrape();
      expect(waiting.value('cordon_gate_passes_unsettled')).toBe(1);
      expect(waiting.value('cordon_gate_passes_unsettled_oldest_seconds')).toBeGreaterThanOrEqual(0);
      await t.ctx.gates.settle();
      expect((await scrape()).value('cordon_gate_passes_unsettled')).toBe(0);
    });

    it('counts telemetry as stored: positions accepted, seal events accepted, messages dropped by reason', async () => {
      const trip = await planTrip(t, w, clock.ms);
      const before = await scrape();
      const result = await send(w, trip.device.deviceId, [
        fix(clock.ms - 60_000, along(0)),
        fix(clock.ms - 30_000, along(0.01)),
        // An hour ahead of the server: dropped as FUTURE.
        fix(clock.ms + 3_600_000, along(0.02)),
        seal(clock.ms - 45_000, 'SEALED'),
      ]);
      expect(result).toEqual({ accepted: 3, dropped: { FUTURE: 1 } });
      // A device on no trip: its positions are dropped as NO_TRIP.
      const idle = await registerDevice(t.admin, w.zoneA);
      expect(await send(w, idle.deviceId, [fix(clock.ms - 10_000, along(0))])).toEqual({ accepted: 0, dropped: { NO_TRIP: 1 } });
      const after = await scrape();
      const delta = (series: string) => after.value(series) - before.value(series);
      expect(delta('cordon_telemetry_positions_accepted_total')).toBe(2);
      expect(delta('cordon_telemetry_events_accepted_total')).toBe(1);
      expect(delta('cordon_telemetry_messages_dropped_total{reason="FUTURE"}')).toBe(1);
      expect(delta('cordon_telemetry_messages_dropped_total{reason="NO_TRIP"}')).toBe(1);
    });

    it("reads the partner feeds' outbox backlog at each scrape: what is written waits until the projector has read it", async () => {
      const backlog = 'cordon_outbox_backlog_events{consumer="feeds"}';
      expect((await scrape()).value(backlog)).toBeGreaterThan(0);
      // The projector reads 200 events a pass; the test's world wrote fewer than 2000.
      for (let pass = 0; pass < 10; pass++) await t.ctx.feeds.project();
      expect((await scrape()).value(backlog)).toBe(0);
      expectStatus(await t.admin.post('/api/v1/declarations', declarationBody(w.zoneA, { enterpriseId: w.e1 })), 201);
      expect((await scrape()).value(backlog)).toBeGreaterThan(0);
    });

    it('is refused to anonymous callers (401), to users other than admins and to API keys without the scope (403)', async () => {
      expectUnauthenticated(await t.anonymous.get('/metrics'));
      expectForbidden(await (await createUser(t, 'auditor')).get('/metrics'));
      const adminKey = await t.admin.post('/api/v1/api-keys', { name: `admin key ${unique()}`, role: 'admin', scopes: ['feeds:read'] });
      expectStatus(adminKey, 201);
      const refused = await t.client(adminKey.body.key).get('/metrics');
      expectForbidden(refused);
      expect(refused.body.error.message).toContain('metrics:read');
      // The admin signed in may scrape; Prometheus's partner key reads nothing but the metrics.
      await scrape(t.admin);
      expectForbidden(await prometheus.get(`/api/v1/zones/${w.zoneA}`));
      expectForbidden(await prometheus.get('/api/v1/feeds/items'));
    });
  });

  describe('GET /ready', () => {
    it('answers 200 on a working application, naming what it checked', async () => {
      const response = await t.anonymous.get('/ready');
      expectStatus(response, 200);
      expect(response.body).toEqual({ status: 'ready', database: t.ctx.db.dialect, checked: ['database', 'migrations'] });
    });

    it('answers 503 naming the MQTT subscriber once it is disconnected, 200 while it is connected', async () => {
      const mqtt = await startTelemetryOverMqtt({
        config: { mqttUrl: null, mqttHost: '127.0.0.1', mqttPort: 0, mqttClientId: `ready-${unique()}`, mqttSharedGroup: null },
        clock,
        ingest: t.ctx.tracking.ingest,
        authenticate: (token) => t.ctx.identity.authenticate(token),
        deviceZone: (deviceId) => t.ctx.tracking.service.deviceZone(deviceId),
        log: t.app.log,
      });
      try {
        t.ctx.readiness.watch('mqtt', () => (mqtt.subscriber.connected ? null : 'the MQTT subscriber is not connected to its broker'));
        await mqtt.subscriber.subscribed;
        const ready = await t.anonymous.get('/ready');
        expectStatus(ready, 200);
        expect(ready.body.checked).toEqual(['database', 'migrations', 'mqtt']);
        await mqtt.stop();
        const down = await t.anonymous.get('/ready');
        expectStatus(down, 503);
        expect(down.body).toEqual({
          error: { code: 'UNAVAILABLE', message: 'Not ready: mqtt', details: [{ path: '/mqtt', message: 'the MQTT subscriber is not connected to its broker' }] },
        });
      } finally {
        await mqtt.stop();
        await mqtt.close();
        t.ctx.readiness.watch('mqtt', () => null);
      }
    });

    it('names the migrations while they are not applied, and the database once it does not answer', async () => {
      const db = await openDb({ databaseUrl: null, dataDir: null });
      const readiness = createReadiness({ db });
      try {
        await db.exec('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL)');
        expect(await readiness.check()).toEqual([{ path: '/migrations', message: expect.stringMatching(/^\d+ migration\(s\) not applied, from version 1$/) }]);
        await db.exec('DROP TABLE schema_migrations');
        await migrate(db);
        expect(await readiness.check()).toEqual([]);
      } finally {
        await db.close();
      }
      expect(await readiness.check()).toEqual([{ path: '/database', message: 'the database does not answer' }]);
    });
  });
});
