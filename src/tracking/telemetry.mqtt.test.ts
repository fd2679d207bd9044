// Telemetry over MQTT end to end: real mqtt.js devices publish to the embedded broker (and, when
// MQTT_URL is set, to that broker too), Cordon's subscriber hands the messages to the real ingest,
// and the result is read through the API. The topic and payload contract, acknowledgement only once
// stored, no loss across a broker restart (or a cut subscriber connection), and who may publish.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import { unique } from '../../test/support/access.ts';
import { connectDevice, deferred, discardSession, externalMqttUrl, pause, refusalOf, waitFor } from '../../test/support/mqtt.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../platform/mqtt/embedded-broker.ts';
import { startSubscriber } from '../platform/mqtt/subscriber.ts';
import { createTelemetryBridge, startTelemetryOverMqtt, TELEMETRY_TOPIC_FILTER, telemetryDeviceAccess, telemetryTopic, type TelemetryOverMqtt } from './telemetry.mqtt.ts';
import { along, buildWorld, event, expectStatus, fix, ORIGIN, planTrip, registerDevice, seal, testClock, type World } from './tracking.fixtures.ts';

/** Where the tests run: the embedded broker always, the external one when MQTT_URL is set. */
const BROKERS = [{ name: 'the embedded broker', url: null }, ...(externalMqttUrl ? [{ name: 'the external broker (MQTT_URL)', url: externalMqttUrl }] : [])];

describe('telemetry over MQTT', () => {
  const clock = testClock();
  let t: TestApp;
  let w: World;
  /** The API key of zone A's gateway (telemetry:write): the MQTT password of its devices. */
  let zoneAKey: string;
  const devices: MqttClient[] = [];

  const positionsStored = async (tripId: string) => Number((await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM trip_positions WHERE trip_id = $1', [tripId]))[0]?.n);
  const dropsOf = async (deviceUuid: string): Promise<Record<string, number>> => {
    const response = await t.admin.get(`/api/v1/devices/${deviceUuid}/drops`);
    expectStatus(response, 200);
    const counts: Record<string, number> = {};
    for (const item of response.body.items as Array<{ reason: string; count: number }>) counts[item.reason] = (counts[item.reason] ?? 0) + item.count;
    return counts;
  };
  const trackTimes = async (tripId: string): Promise<number[]> => (await t.admin.get(`/api/v1/trips/${tripId}/track`)).body.t;
  const device = async (url: string, password: string | undefined) => {
    // A device keeps trying while the broker is away or refuses it for the moment (CONNACK 3).
    const client = await connectDevice(url, { username: 'gateway', ...(password === undefined ? {} : { password }), reconnectOnConnackError: true });
    devices.push(client);
    return client;
  };
  const services = () => ({
    clock,
    ingest: t.ctx.tracking.ingest,
    authenticate: (token: string) => t.ctx.identity.authenticate(token),
    deviceZone: (deviceId: string) => t.ctx.tracking.service.deviceZone(deviceId),
    log: t.app.log,
  });
  const startMqtt = (url: string | null, clientId: string) =>
    startTelemetryOverMqtt({
      ...services(),
      config: { mqttUrl: url, mqttHost: '127.0.0.1', mqttPort: 0, mqttClientId: clientId, mqttSharedGroup: null },
      tuning: { reconnectPeriodMs: 100, sessionExpirySeconds: 300 },
    });

  beforeAll(async () => {
    t = await createTestApp({ clock });
    w = await buildWorld(t);
    const key = await t.admin.post('/api/v1/api-keys', { name: `gateway ${unique()}`, role: 'zone_operator', zoneIds: [w.zoneA], scopes: ['telemetry:write'] });
    expectStatus(key, 201);
    zoneAKey = key.body.key;
  }, 60_000);
  afterAll(async () => {
    for (const client of devices.splice(0)) await client.endAsync(true);
    await t.close();
  });

  describe.each(BROKERS)('on $name', ({ url: externalUrl }) => {
    let mqtt: TelemetryOverMqtt;
    const clientId = `cordon-test-${randomBytes(4).toString('hex')}`;
    /** Where devices connect, and with which password (the external broker of the tests takes anyone). */
    let deviceUrl: string;
    let password: string | undefined;

    beforeAll(async () => {
      mqtt = await startMqtt(externalUrl, clientId);
      await mqtt.subscriber.subscribed;
      deviceUrl = mqtt.broker?.url ?? externalUrl ?? '';
      password = mqtt.broker ? zoneAKey : undefined;
    });
    afterAll(async () => {
      await mqtt.stop();
      await mqtt.close();
      if (externalUrl) await discardSession(externalUrl, clientId);
    });

    it('stores a position, a seal state and an event published with QoS 1, and shows them on the trip', async () => {
      const departFrom = clock.ms;
      const trip = await planTrip(t, w, departFrom);
      const seal1 = await device(deviceUrl, password);
      const topic = telemetryTopic(trip.device.deviceId);
      clock.to(departFrom + 20_000);
      // One message, then an array of them: both are the contract.
      await seal1.publishAsync(topic, JSON.stringify(fix(departFrom, ORIGIN, { speed: 0, heading: 90, accuracy: 8, battery: 88 })), { qos: 1 });
      await seal1.publishAsync(topic, JSON.stringify([seal(departFrom + 10_000, 'SEALED'), event(departFrom + 20_000, 'SHOCK', { battery: 87 })]), { qos: 1 });

      await waitFor('the trip started by the seal at the origin gate', async () => (await t.admin.get(`/api/v1/trips/${trip.id}`)).body.status === 'ACTIVE');
      const stored = (await t.admin.get(`/api/v1/trips/${trip.id}`)).body;
      expect(stored).toMatchObject({ status: 'ACTIVE', sealState: 'SEALED', startedAt: new Date(departFrom + 10_000).toISOString() });
      const track = (await t.admin.get(`/api/v1/trips/${trip.id}/track`)).body;
      expect(track).toMatchObject({ t: [departFrom], lon: [ORIGIN[0]], lat: [ORIGIN[1]], speed: [0] });
      await waitFor('the shock on the timeline', async () =>
        ((await t.admin.get(`/api/v1/trips/${trip.id}/timeline`)).body.items as Array<{ kind: string }>).some((item) => item.kind === 'SHOCK'),
      );
      const deviceRecord = (await t.admin.get(`/api/v1/devices/${trip.device.id}`)).body;
      expect(deviceRecord).toMatchObject({ batteryPercent: 87, lastPosition: { at: new Date(departFrom).toISOString(), lon: ORIGIN[0], lat: ORIGIN[1] } });
      expect(await dropsOf(trip.device.id)).toEqual({});
      if (mqtt.broker) await waitFor('everything acknowledged', () => mqtt.broker?.unacknowledged === 0);
    });

    it('counts a payload that is not JSON or breaks the contract as MALFORMED, acknowledges it, and stores nothing of it', async () => {
      const departFrom = clock.ms;
      const trip = await planTrip(t, w, departFrom);
      const seal1 = await device(deviceUrl, password);
      const topic = telemetryTopic(trip.device.deviceId);
      await seal1.publishAsync(topic, 'lat=40.7;lon=-74.0', { qos: 1 });
      await seal1.publishAsync(topic, JSON.stringify({ ...fix(departFrom, ORIGIN), altitude: 12 }), { qos: 1 });
      await seal1.publishAsync(topic, JSON.stringify([fix(departFrom, ORIGIN), { type: 'position', time: departFrom, lat: 91, lon: 0 }]), { qos: 1 });
      await seal1.publishAsync(topic, Buffer.alloc(256 * 1024 + 1, 0x20), { qos: 1 });
      await waitFor('four refusals counted', async () => (await dropsOf(trip.device.id)).MALFORMED === 4);
      // Refused as a whole: not even the valid first message of the array is kept.
      expect(await positionsStored(trip.id)).toBe(0);
      expect((await t.admin.get(`/api/v1/devices/${trip.device.id}`)).body.lastPosition).toBeNull();
      if (mqtt.broker) await waitFor('the refusals acknowledged', () => mqtt.broker?.unacknowledged === 0);
      // Acknowledged, so never sent again: the count stays at four.
      await pause(200);
      expect(await dropsOf(trip.device.id)).toEqual({ MALFORMED: 4 });
    });

    it('acknowledges a message to the broker only once it is stored', async () => {
      const departFrom = clock.ms;
      const trip = await planTrip(t, w, departFrom);
      const seal1 = await device(deviceUrl, password);
      const topic = telemetryTopic(trip.device.deviceId);
      clock.to(departFrom + 10_000);
      await seal1.publishAsync(topic, JSON.stringify(fix(departFrom, along(0.1))), { qos: 1 });
      await waitFor('the first fix stored', async () => (await positionsStored(trip.id)) === 1);

      // The positions table is locked: the next fix cannot be written until the lock goes.
      const release = deferred();
      const locked = deferred();
      const holding = t.ctx.db.transaction(async (tx) => {
        await tx.query('LOCK TABLE trip_positions IN EXCLUSIVE MODE');
        locked.resolve();
        await release.promise;
      });
      await locked.promise;
      await seal1.publishAsync(topic, JSON.stringify(fix(departFrom + 10_000, along(0.101))), { qos: 1 });
      if (mqtt.broker) {
        await waitFor('the fix in Cordon’s hands', () => mqtt.broker?.unacknowledged === 1);
        await pause(300);
        // No PUBACK while the store waits.
        expect(mqtt.broker.unacknowledged).toBe(1);
        release.resolve();
        await holding;
        await waitFor('the acknowledgement', () => mqtt.broker?.unacknowledged === 0);
        expect(await positionsStored(trip.id)).toBe(2);
        expect(await dropsOf(trip.device.id)).toEqual({});
      } else {
        // Mosquitto's view cannot be read: cut Cordon's connection while the store waits. Unacknowledged,
        // the fix comes again on the next connection, where it is recognised (DUPLICATE) and kept once.
        await pause(300);
        mqtt.subscriber.dropConnection();
        await pause(500);
        release.resolve();
        await holding;
        await waitFor('the copy sent again recognised', async () => (await dropsOf(trip.device.id)).DUPLICATE === 1);
        expect(await positionsStored(trip.id)).toBe(2);
      }
    });
  });

  describe('restart without loss', () => {
    const N = 30;
    const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

    /** Publishes N fixes ten seconds apart, one every 15 ms, calling `interrupt` once half-way; returns their times. */
    async function publishAcross(client: MqttClient, deviceId: string, interrupt: () => Promise<void>): Promise<number[]> {
      const base = clock.ms;
      clock.to(base + N * 10_000);
      const times = Array.from({ length: N }, (_, i) => base + i * 10_000);
      let interrupted: Promise<void> | null = null;
      for (const [i, at] of times.entries()) {
        client.publish(telemetryTopic(deviceId), JSON.stringify(fix(at, along(0.1 + i * 0.001))), { qos: 1 });
        if (i === N / 3) interrupted = interrupt();
        await pause(15);
      }
      await interrupted;
      return times;
    }

    it('loses nothing and stores nothing twice when the embedded broker is stopped and started again mid-stream', async () => {
      const clientId = `cordon-test-${randomBytes(4).toString('hex')}`;
      const secret = randomBytes(24).toString('base64url');
      const startBroker = (port: number) =>
        startEmbeddedBroker({
          port,
          host: '127.0.0.1',
          devices: telemetryDeviceAccess(services()),
          subscriber: { clientId, password: secret, filter: TELEMETRY_TOPIC_FILTER },
          log,
        });
      let broker: EmbeddedBroker = await startBroker(0);
      const port = broker.port;
      const subscriber = startSubscriber({
        url: broker.url,
        clientId,
        username: 'cordon',
        password: secret,
        protocolVersion: 4,
        filter: TELEMETRY_TOPIC_FILTER,
        handle: createTelemetryBridge({ ingest: t.ctx.tracking.ingest, clock, log }),
        reconnectPeriodMs: 100,
        log,
      });
      try {
        await broker.subscribed;
        const trip = await planTrip(t, w, clock.ms);
        const seal1 = await device(broker.url, zoneAKey);
        let restarted = false;
        const times = await publishAcross(seal1, trip.device.deviceId, async () => {
          // The worst moment: the database is slow, so fixes wait in Cordon's hands unacknowledged,
          // Cordon's connection has just been cut, so the broker queues what arrives for it, and then
          // the broker stops. It lets the device go and waits until Cordon is back and has stored all.
          const release = deferred();
          const locked = deferred();
          const holding = t.ctx.db.transaction(async (tx) => {
            await tx.query('LOCK TABLE trip_positions IN EXCLUSIVE MODE');
            locked.resolve();
            await release.promise;
          });
          await locked.promise;
          await pause(60);
          subscriber.dropConnection();
          await pause(50);
          const stopping = broker.close();
          await pause(300);
          release.resolve();
          await holding;
          await stopping;
          expect(seal1.connected).toBe(false);
          broker = await startBroker(port);
          restarted = true;
        });
        expect(restarted).toBe(true);
        await waitFor(`${N} fixes stored`, async () => (await positionsStored(trip.id)) >= N, 20_000);
        await waitFor('the device’s last message acknowledged', () => Object.keys(seal1.outgoing).length === 0);
        expect(await trackTimes(trip.id)).toEqual(times);
      } finally {
        await broker.drain();
        await subscriber.stop();
        await broker.close();
      }
    });

    // Mosquitto is not ours to restart: Cordon's connection is cut instead, twice, as a crash would.
    if (externalMqttUrl) it('loses nothing and stores nothing twice when Cordon’s connection to the external broker is cut mid-stream', async () => {
      const url = externalMqttUrl ?? '';
      const clientId = `cordon-test-${randomBytes(4).toString('hex')}`;
      const mqtt = await startMqtt(url, clientId);
      try {
        await mqtt.subscriber.subscribed;
        const trip = await planTrip(t, w, clock.ms);
        const seal1 = await device(url, undefined);
        const times = await publishAcross(seal1, trip.device.deviceId, async () => {
          mqtt.subscriber.dropConnection();
          await pause(150);
          mqtt.subscriber.dropConnection();
        });
        await waitFor(`${N} fixes stored`, async () => (await positionsStored(trip.id)) >= N, 20_000);
        await pause(200);
        expect(await trackTimes(trip.id)).toEqual(times);
      } finally {
        await mqtt.stop();
        await mqtt.close();
        await discardSession(url, clientId);
      }
    });
  });

  describe('who may publish (embedded broker)', () => {
    let mqtt: TelemetryOverMqtt;
    let url: string;

    beforeAll(async () => {
      mqtt = await startMqtt(null, `cordon-test-${randomBytes(4).toString('hex')}`);
      url = mqtt.broker?.url ?? '';
    });
    afterAll(async () => {
      await mqtt.stop();
      await mqtt.close();
    });

    /** Publishes and waits until the broker has closed the device's connection. */
    async function refusedPublish(client: MqttClient, topic: string, payload: string) {
      const closed = deferred();
      client.once('close', () => closed.resolve());
      client.publish(topic, payload, { qos: 1 });
      await closed.promise;
    }

    it('refuses a wrong key, a user’s session token and a key without the telemetry scope', async () => {
      expect(await refusalOf(url, { username: 'gateway', password: 'cdn_k_00000000000000000000000000000000_0000000000000000000000000000000000000000000' })).toBe(4);
      expect(await refusalOf(url, { username: 'gateway' })).toBe(4);
      const session = await t.anonymous.post('/api/v1/auth/login', { username: 'admin', password: 'admin-password-for-tests' });
      expect(await refusalOf(url, { username: 'admin', password: session.body.token })).toBe(4);
      const cameraKey = await t.admin.post('/api/v1/api-keys', { name: `cameras ${unique()}`, role: 'zone_operator', zoneIds: [w.zoneA], scopes: ['cctv:write'] });
      expect(await refusalOf(url, { username: 'gateway', password: cameraKey.body.key })).toBe(5);
      expect(await refusalOf(url, { username: 'gateway', password: zoneAKey })).toBeNull();
    });

    it('refuses a key publishing for a device of another zone, or to another topic, and stores nothing', async () => {
      const foreign = await registerDevice(t.admin, w.zoneB);
      const own = await registerDevice(t.admin, w.zoneA);
      const at = clock.ms;
      await refusedPublish(await device(url, zoneAKey), telemetryTopic(foreign.deviceId), JSON.stringify(fix(at, ORIGIN)));
      await refusedPublish(await device(url, zoneAKey), `cordon/v1/devices/${own.deviceId}/commands`, JSON.stringify(fix(at, ORIGIN)));
      await refusedPublish(await device(url, zoneAKey), telemetryTopic('NOT-REGISTERED-1'), JSON.stringify(fix(at, ORIGIN)));
      // The same key for its own zone's device is taken.
      const honest = await device(url, zoneAKey);
      await honest.publishAsync(telemetryTopic(own.deviceId), JSON.stringify(fix(at, ORIGIN)), { qos: 1 });
      await waitFor('the own device seen', async () => (await t.admin.get(`/api/v1/devices/${own.id}`)).body.lastSeenAt !== null);
      expect((await t.admin.get(`/api/v1/devices/${foreign.id}`)).body).toMatchObject({ lastSeenAt: null, lastPosition: null });
      expect(await dropsOf(foreign.id)).toEqual({});
      // Devices do not listen in on each other.
      const refused = await honest.subscribeAsync(TELEMETRY_TOPIC_FILTER, { qos: 1 }).then(
        () => null,
        (error: { packet?: { granted?: number[] } }) => error.packet?.granted,
      );
      expect(refused).toEqual([128]);
    });
  });
});
