// Cordon's subscriber against the embedded broker and, when MQTT_URL is set, the external broker
// (Mosquitto in CI): a message is acknowledged only once its handler settled it as stored and in the
// order the messages came, one that could not be stored makes the broker send it again, and many
// messages are handled at once. Plus the MQTT settings.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { ConfigError, loadConfig } from '../config.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';
import { startSubscriber, type MessageHandler, type Subscriber } from './subscriber.ts';
import { connectDevice, deferred, discardSession, externalMqttUrl, pause, settling, waitFor } from '../../../test/support/mqtt.ts';

const log = pino({ level: 'silent' });

interface BrokerUnderTest {
  name: string;
  /** Sets up the broker; returns what the subscriber and devices need. */
  open(): Promise<{
    url: string;
    filter: string;
    topic: string;
    /** The subscriber's client id: the one the embedded broker knows, or a new one each time on an external broker. */
    clientId(): string;
    subscriber: { username?: string; password?: string; protocolVersion: 4 | 5 };
    device: { username?: string; password?: string };
    close(): Promise<void>;
  }>;
}

const embedded: BrokerUnderTest = {
  name: 'the embedded broker',
  async open() {
    const secret = randomBytes(24).toString('base64url');
    const filter = 'cordon/v1/devices/+/telemetry';
    const clientId = `cordon-${randomBytes(4).toString('hex')}`;
    const broker: EmbeddedBroker = await startEmbeddedBroker({
      port: 0,
      host: '127.0.0.1',
      devices: {
        authenticate: (password) => Promise.resolve(password === 'device-key' ? { principal: { kind: 'api_key', id: 'k', name: 'k', role: 'admin', enterpriseId: null, zoneIds: null, scopes: ['telemetry:write'] } } : { refused: 'credentials' }),
        mayPublish: () => Promise.resolve(null),
      },
      subscriber: { clientId, password: secret, filter },
      log,
    });
    return {
      url: broker.url,
      filter,
      topic: 'cordon/v1/devices/SEAL-1/telemetry',
      clientId: () => clientId,
      subscriber: { username: 'cordon', password: secret, protocolVersion: 4 },
      device: { username: 'seal', password: 'device-key' },
      close: () => broker.close(),
    };
  },
};

// The external broker is shared with whatever else runs: a topic of this run's own keeps it apart.
const external = (url: string): BrokerUnderTest => ({
  name: 'the external broker (MQTT_URL)',
  open() {
    const root = `cordon-test/${randomBytes(4).toString('hex')}`;
    return Promise.resolve({
      url,
      filter: `${root}/+/telemetry`,
      topic: `${root}/SEAL-1/telemetry`,
      clientId: () => `cordon-test-${randomBytes(4).toString('hex')}`,
      subscriber: { protocolVersion: 5 },
      device: {},
      close: () => Promise.resolve(),
    });
  },
});

const brokers = [embedded, ...(externalMqttUrl ? [external(externalMqttUrl)] : [])];

describe.each(brokers)('Cordon’s subscriber on $name', (underTest) => {
  let broker: Awaited<ReturnType<BrokerUnderTest['open']>>;
  let clientId: string;
  let subscriber: Subscriber | null = null;
  let seal: MqttClient;
  const gates: Array<ReturnType<typeof deferred<void>>> = [];

  beforeAll(async () => {
    broker = await underTest.open();
  });
  afterAll(() => broker.close());
  afterEach(async () => {
    for (const gate of gates.splice(0)) gate.resolve();
    await seal?.endAsync(true);
    await subscriber?.stop();
    subscriber = null;
    if (underTest !== embedded && externalMqttUrl) await discardSession(externalMqttUrl, clientId);
  });

  const subscribe = async (handle: MessageHandler) => {
    clientId = broker.clientId();
    subscriber = startSubscriber({ url: broker.url, clientId, ...broker.subscriber, filter: broker.filter, handle, reconnectPeriodMs: 100, sessionExpirySeconds: 300, log });
    await subscriber.subscribed;
    seal = await connectDevice(broker.url, broker.device);
    return subscriber;
  };
  const held = () => {
    const gate = deferred();
    gates.push(gate);
    return gate;
  };

  it('acknowledges a message only once its handler has settled it as stored', async () => {
    const calls: string[] = [];
    const gate = held();
    const running = await subscribe(settling(async (_topic, payload) => {
      calls.push(payload.toString());
      await gate.promise;
    }));
    await seal.publishAsync(broker.topic, 'fix 1', { qos: 1 });
    await waitFor('the message handled', () => calls.length === 1);
    // Not acknowledged yet: a new connection gets it again. (Mosquitto marks it `dup`; aedes does not.)
    running.dropConnection();
    await waitFor('the redelivery', () => calls.length === 2);
    expect(calls).toEqual(['fix 1', 'fix 1']);
    gate.resolve();
    // Now acknowledged: another new connection gets nothing.
    await pause(50);
    running.dropConnection();
    await seal.publishAsync(broker.topic, 'fix 2', { qos: 1 });
    await waitFor('the next message', () => calls.length === 3);
    await pause(100);
    expect(calls).toEqual(['fix 1', 'fix 1', 'fix 2']);
  });

  it('acknowledges in the order the messages came: one stored before an earlier one waits for it (MQTT §4.6)', async () => {
    const calls: string[] = [];
    const gate = held();
    const running = await subscribe(settling(async (_topic, payload) => {
      calls.push(payload.toString());
      if (payload.toString() === 'fix 1') await gate.promise;
    }));
    await seal.publishAsync(broker.topic, 'fix 1', { qos: 1 });
    await seal.publishAsync(broker.topic, 'fix 2', { qos: 1 });
    await waitFor('both handled', () => calls.length === 2);
    // fix 2 is stored, fix 1 is not: neither is acknowledged, so a new connection gets both again.
    await pause(50);
    running.dropConnection();
    await waitFor('both delivered again', () => calls.length === 4);
    expect(calls.slice(2).sort()).toEqual(['fix 1', 'fix 2']);
    // Once fix 1 is stored, both are acknowledged: another new connection gets nothing.
    gate.resolve();
    await pause(50);
    running.dropConnection();
    await pause(150);
    expect(calls).toHaveLength(4);
  });

  it('does not acknowledge a message that could not be stored: it reconnects and the broker sends the message again', async () => {
    const calls: string[] = [];
    await subscribe((_topic, payload, settle) => {
      calls.push(payload.toString());
      settle(calls.length === 1 ? new Error('database unavailable') : null);
    });
    await seal.publishAsync(broker.topic, 'fix 1', { qos: 1 });
    await waitFor('the second attempt', () => calls.length === 2);
    expect(calls).toEqual(['fix 1', 'fix 1']);
    await pause(100);
    expect(calls).toHaveLength(2);
  });

  it('takes a handler that throws as one that could not store the message: the broker sends it again', async () => {
    const calls: string[] = [];
    await subscribe((_topic, payload, settle) => {
      calls.push(payload.toString());
      if (calls.length === 1) throw new Error('handler bug');
      settle(null);
    });
    await seal.publishAsync(broker.topic, 'fix 1', { qos: 1 });
    await waitFor('the second attempt', () => calls.length === 2);
    await pause(100);
    expect(calls).toEqual(['fix 1', 'fix 1']);
  });

  it('handles many messages at once instead of one store after the other', async () => {
    let waiting = 0;
    let handled = 0;
    const gate = held();
    await subscribe(
      settling(async () => {
        waiting++;
        await gate.promise;
        handled++;
      }),
    );
    for (let i = 0; i < 40; i++) seal.publish(broker.topic, `fix ${i}`, { qos: 1 });
    await waitFor('forty messages handled together', () => waiting === 40);
    gate.resolve();
    await waitFor('all stored', () => handled === 40);
  });
});

describe('MQTT settings', () => {
  it('defaults to the embedded broker on 127.0.0.1:1883 with the client id cordon-ingest', () => {
    const config = loadConfig({});
    expect({ url: config.mqttUrl, host: config.mqttHost, port: config.mqttPort, clientId: config.mqttClientId, group: config.mqttSharedGroup }).toEqual({
      url: null,
      host: '127.0.0.1',
      port: 1883,
      clientId: 'cordon-ingest',
      group: null,
    });
    const external = loadConfig({ MQTT_URL: 'mqtt://cordon:secret@broker.example:1883', MQTT_CLIENT_ID: 'cordon-a', MQTT_SHARED_GROUP: 'cordon' });
    expect([external.mqttUrl, external.mqttClientId, external.mqttSharedGroup]).toEqual(['mqtt://cordon:secret@broker.example:1883', 'cordon-a', 'cordon']);
  });

  it('refuses a bad URL, port, client id or a shared group without an external broker, naming the variable', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return null;
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
    };
    expect(refusal({ MQTT_URL: 'http://broker:1883' })).toMatch(/^MQTT_URL must be/);
    expect(refusal({ MQTT_URL: 'mqtt://cordon:secret@broker/x' })).not.toContain('secret');
    expect(refusal({ MQTT_PORT: '70000' })).toMatch(/^MQTT_PORT must be between 0 and 65535/);
    expect(refusal({ MQTT_CLIENT_ID: 'cordon ingest' })).toMatch(/^MQTT_CLIENT_ID must be/);
    expect(refusal({ MQTT_SHARED_GROUP: 'cordon' })).toMatch(/^MQTT_SHARED_GROUP needs MQTT_URL/);
    expect(refusal({ MQTT_URL: 'mqtt://broker', MQTT_SHARED_GROUP: 'a/b' })).toMatch(/^MQTT_SHARED_GROUP must be/);
  });
});
