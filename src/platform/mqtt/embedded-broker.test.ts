// The embedded broker with real mqtt.js devices and Cordon's subscriber: who may connect, publish and
// subscribe, and how stopping lets the subscriber acknowledge what devices were told was received.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Principal } from '../auth/principal.ts';
import { startEmbeddedBroker, topicMatches, type DeviceAccess, type EmbeddedBroker } from './embedded-broker.ts';
import { startSubscriber, type MessageHandler, type Subscriber } from './subscriber.ts';
import { connectDevice, deferred, pause, refusalOf, settling, waitFor } from '../../../test/support/mqtt.ts';

const log = pino({ level: 'silent' });
const FILTER = 'cordon/v1/devices/+/telemetry';
const SUBSCRIBER_ID = 'cordon-ingest';
const topicOf = (deviceId: string) => `cordon/v1/devices/${deviceId}/telemetry`;

const keyOf = (name: string): Principal => ({ kind: 'api_key', id: name, name, role: 'zone_operator', enterpriseId: null, zoneIds: ['zone-a'], scopes: ['telemetry:write'] });
/** Keys and rights as Cordon's rules would give them: key-a may publish for SEAL-A1 only. */
const access: DeviceAccess = {
  authenticate(password) {
    if (password === 'key-a') return Promise.resolve({ principal: keyOf('key-a') });
    if (password === 'key-without-scope') return Promise.resolve({ refused: 'rights' });
    return Promise.resolve({ refused: 'credentials' });
  },
  mayPublish(_principal, topic) {
    return Promise.resolve(topic === topicOf('SEAL-A1') ? null : 'not this device');
  },
};

describe('embedded MQTT broker', () => {
  const secret = randomBytes(24).toString('base64url');
  let broker: EmbeddedBroker | null = null;
  let subscriber: Subscriber | null = null;
  const devices: MqttClient[] = [];
  const received: Array<{ topic: string; text: string }> = [];
  const record: MessageHandler = (topic, payload, settle) => {
    received.push({ topic, text: payload.toString('utf8') });
    settle(null);
  };

  const start = () => startEmbeddedBroker({ port: 0, host: '127.0.0.1', devices: access, subscriber: { clientId: SUBSCRIBER_ID, password: secret, filter: FILTER }, log });
  const subscribe = (running: EmbeddedBroker, handle: MessageHandler = record) =>
    startSubscriber({ url: running.url, clientId: SUBSCRIBER_ID, username: 'cordon', password: secret, protocolVersion: 4, filter: FILTER, handle, reconnectPeriodMs: 100, log });
  const device = async (running: EmbeddedBroker, password = 'key-a') => {
    const client = await connectDevice(running.url, { username: 'seal', password });
    devices.push(client);
    return client;
  };

  const gates: Array<ReturnType<typeof deferred<void>>> = [];
  afterEach(async () => {
    for (const gate of gates.splice(0)) gate.resolve();
    for (const client of devices.splice(0)) await client.endAsync(true);
    await subscriber?.stop();
    await broker?.close();
    subscriber = null;
    broker = null;
    received.length = 0;
  });

  it('refuses devices until Cordon has subscribed, then delivers their messages to Cordon', async () => {
    broker = await start();
    expect(await refusalOf(broker.url, { username: 'seal', password: 'key-a' })).toBe(3); // server unavailable
    subscriber = subscribe(broker);
    await broker.subscribed;
    const seal = await device(broker);
    await seal.publishAsync(topicOf('SEAL-A1'), '{"type":"seal","time":0,"state":"ARMED"}', { qos: 1 });
    await waitFor('the message at Cordon', () => received.length === 1);
    expect(received[0]).toEqual({ topic: topicOf('SEAL-A1'), text: '{"type":"seal","time":0,"state":"ARMED"}' });
    await waitFor('the acknowledgement', () => broker?.unacknowledged === 0);
  });

  it('refuses a wrong key (bad user name or password) and a key without the telemetry rights (not authorised)', async () => {
    broker = await start();
    subscriber = subscribe(broker);
    await broker.subscribed;
    expect(await refusalOf(broker.url, { username: 'seal', password: 'cdn_k_wrong' })).toBe(4);
    expect(await refusalOf(broker.url, { username: 'seal' })).toBe(4);
    expect(await refusalOf(broker.url, { username: 'seal', password: 'key-without-scope' })).toBe(5);
    expect(await refusalOf(broker.url, { username: 'seal', password: 'key-a' })).toBeNull();
  });

  it('disconnects a device publishing where it may not, and nobody receives that message', async () => {
    broker = await start();
    subscriber = subscribe(broker);
    await broker.subscribed;
    const intruder = await device(broker);
    const closed = deferred();
    intruder.once('close', () => closed.resolve());
    intruder.publish(topicOf('SEAL-B9'), 'not mine', { qos: 1 });
    await closed.promise;
    const other = await device(broker);
    await other.publishAsync('cordon/v1/commands', 'wrong topic', { qos: 0 }).catch(() => undefined);
    const honest = await device(broker);
    await honest.publishAsync(topicOf('SEAL-A1'), 'mine', { qos: 1 });
    await waitFor('the honest message', () => received.length > 0);
    await pause(50);
    expect(received.map((message) => message.text)).toEqual(['mine']);
  });

  it('refuses subscriptions of devices, and a device posing as Cordon’s subscriber', async () => {
    broker = await start();
    subscriber = subscribe(broker);
    await broker.subscribed;
    const seal = await device(broker);
    // mqtt.js reports a SUBACK with the failure code 0x80 as an error carrying the packet.
    const refused = await seal.subscribeAsync(FILTER, { qos: 1 }).then(
      () => null,
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted,
    );
    expect(refused).toEqual([128]);
    expect(await refusalOf(broker.url, { clientId: SUBSCRIBER_ID, clean: false, username: 'seal', password: 'key-a' })).toBe(4);
  });

  it('stopping lets go of devices and waits until Cordon has acknowledged what they sent', async () => {
    broker = await start();
    const gate = deferred();
    gates.push(gate);
    const handled: string[] = [];
    subscriber = subscribe(
      broker,
      settling(async (_topic, payload) => {
        await gate.promise;
        handled.push(payload.toString());
      }),
    );
    await broker.subscribed;
    const seal = await device(broker);
    for (let i = 0; i < 5; i++) await seal.publishAsync(topicOf('SEAL-A1'), `fix ${i}`, { qos: 1 });
    await waitFor('five messages in Cordon’s hands', () => broker?.unacknowledged === 5);
    let drainedWith: number | null = null;
    const draining = broker.drain(5_000).then((left) => (drainedWith = left));
    await waitFor('the device let go', () => !seal.connected);
    expect(await refusalOf(broker.url, { username: 'seal', password: 'key-a' })).toBe(3);
    await pause(30);
    expect(drainedWith).toBeNull();
    gate.resolve();
    await draining;
    expect(drainedWith).toBe(0);
    expect(handled).toEqual(['fix 0', 'fix 1', 'fix 2', 'fix 3', 'fix 4']);
  });

  it('matches topic filters as MQTT does', () => {
    expect(topicMatches(FILTER, 'cordon/v1/devices/SEAL-1/telemetry')).toBe(true);
    expect(topicMatches(FILTER, 'cordon/v1/devices/SEAL-1/telemetry/x')).toBe(false);
    expect(topicMatches(FILTER, 'cordon/v1/devices/telemetry')).toBe(false);
    expect(topicMatches('cordon/#', 'cordon/v1/devices/SEAL-1/telemetry')).toBe(true);
  });
});
