// Telemetry over MQTT: the topic `cordon/v1/devices/{deviceId}/telemetry` names the device, the
// payload is the telemetry contract (one message or an array of them). A message is handed to the
// ingest, which settles it once its messages are stored: then the subscriber may acknowledge it. A
// payload that is too large, is not JSON or breaks the contract is counted as MALFORMED and
// acknowledged all the same: a device must not be made to send junk again and again.
// Who may connect and publish to the embedded broker is decided here too (`telemetryDeviceAccess`).
import { canSeeZone, type Principal } from '../platform/auth/principal.ts';
import { randomSecret } from '../platform/auth/secrets.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { startEmbeddedBroker, type DeviceAccess, type EmbeddedBroker } from '../platform/mqtt/embedded-broker.ts';
import { startSubscriber, type MessageHandler, type MqttLog, type Subscriber, type SubscriberOptions } from '../platform/mqtt/subscriber.ts';
import { parseTelemetry } from './telemetry.contract.ts';
import type { TelemetryIngest } from './tracking.ingest.ts';
import { TELEMETRY_SCOPE, TELEMETRY_SENDERS } from './tracking.service.ts';

/** What Cordon subscribes to: every device's telemetry. */
export const TELEMETRY_TOPIC_FILTER = 'cordon/v1/devices/+/telemetry';
/** Larger payloads are refused unread (1000 messages of the contract fit well within it). */
export const MAX_TELEMETRY_PAYLOAD_BYTES = 256 * 1024;
const TOPIC = /^cordon\/v1\/devices\/([A-Za-z0-9._-]{3,64})\/telemetry$/;

/** The device id a telemetry topic names, or null when the topic is not one. */
export function deviceIdOfTopic(topic: string): string | null {
  return TOPIC.exec(topic)?.[1] ?? null;
}

export function telemetryTopic(deviceId: string): string {
  return `cordon/v1/devices/${deviceId}/telemetry`;
}

/** The handler of Cordon's subscriber: settles a message once stored, with an error only when storing failed. */
export function createTelemetryBridge(deps: { ingest: TelemetryIngest; clock: Clock; log: MqttLog }): MessageHandler {
  const { ingest, clock, log } = deps;
  return (topic, payload, settle) => {
    const deviceId = deviceIdOfTopic(topic);
    if (deviceId === null) {
      // Only an external broker's subscription could bring one; nothing to count it against.
      log.warn({ topic }, 'MQTT message on a topic that names no device ignored');
      settle(null);
      return;
    }
    const receivedAt = clock.now();
    const parsed =
      payload.length > MAX_TELEMETRY_PAYLOAD_BYTES
        ? ({ ok: false, errors: [{ path: '/', message: `must be at most ${MAX_TELEMETRY_PAYLOAD_BYTES} bytes` }] } as const)
        : parseTelemetry(payload);
    if (!parsed.ok) {
      log.warn({ deviceId, bytes: payload.length, error: parsed.errors[0], errors: parsed.errors.length }, 'telemetry payload refused (MALFORMED)');
      ingest.take(deviceId, null, receivedAt, settle);
      return;
    }
    // What was dropped and why is counted by the ingest (per device, reason and day), not logged here.
    ingest.take(deviceId, parsed.messages, receivedAt, settle);
  };
}

/**
 * Devices at the embedded broker: the MQTT password is an API key (the user name is free), checked by
 * the identity service as a bearer token is over HTTP, with the scope `telemetry:write` and the role
 * admin or zone_operator; a connection publishes only to the telemetry topics of registered devices,
 * of its key's zones when the key is bound to zones (a gateway may speak for all the devices of its zones).
 */
export function telemetryDeviceAccess(deps: {
  authenticate(token: string): Promise<Principal | null>;
  /** The zone that registered the device, or null when no device has that id. */
  deviceZone(deviceId: string): Promise<string | null>;
}): DeviceAccess {
  return {
    async authenticate(password) {
      const principal = await deps.authenticate(password);
      if (!principal || principal.kind !== 'api_key') return { refused: 'credentials' };
      if (!TELEMETRY_SENDERS.includes(principal.role) || !principal.scopes.includes(TELEMETRY_SCOPE)) return { refused: 'rights' };
      return { principal };
    },
    async mayPublish(principal, topic) {
      const deviceId = deviceIdOfTopic(topic);
      if (deviceId === null) return `devices publish only to ${TELEMETRY_TOPIC_FILTER.replace('+', '{deviceId}')}`;
      const zoneId = await deps.deviceZone(deviceId);
      if (zoneId === null) return `no device ${deviceId} is registered`;
      if (!canSeeZone(principal, zoneId)) return `device ${deviceId} is not in a zone of this API key`;
      return null;
    },
  };
}

/** A logger that makes child loggers, as the application's does. */
type Log = MqttLog & { child(bindings: Record<string, unknown>): MqttLog };

export interface TelemetryOverMqtt {
  /** The embedded broker, when Cordon runs its own. */
  readonly broker: EmbeddedBroker | null;
  readonly subscriber: Subscriber;
  /**
   * Stops taking telemetry: the embedded broker lets devices go and waits until Cordon has stored and
   * acknowledged what they sent; the subscriber finishes what it holds and disconnects (an external
   * broker keeps the rest in Cordon's session).
   */
  stop(): Promise<void>;
  /** Closes the embedded broker; after the ingest has closed. */
  close(): Promise<void>;
}

/**
 * Telemetry over MQTT for the process: Cordon's subscriber on the broker of MQTT_URL, or on the
 * embedded broker it starts (MQTT_HOST:MQTT_PORT) when MQTT_URL is not set.
 */
export async function startTelemetryOverMqtt(deps: {
  config: Pick<Config, 'mqttUrl' | 'mqttHost' | 'mqttPort' | 'mqttClientId' | 'mqttSharedGroup'>;
  clock: Clock;
  ingest: TelemetryIngest;
  /** Resolves a bearer token as HTTP does (the identity service). */
  authenticate(token: string): Promise<Principal | null>;
  deviceZone(deviceId: string): Promise<string | null>;
  log: Log;
  /** The subscriber's timings, when not the production ones (tests). */
  tuning?: Pick<SubscriberOptions, 'reconnectPeriodMs' | 'sessionExpirySeconds'>;
}): Promise<TelemetryOverMqtt> {
  const { config, log } = deps;
  const handle = createTelemetryBridge({ ingest: deps.ingest, clock: deps.clock, log: log.child({ component: 'telemetry-mqtt' }) });
  const subscriberLog = log.child({ component: 'mqtt-subscriber' });
  if (config.mqttUrl !== null) {
    const subscriber = startSubscriber({
      url: config.mqttUrl,
      clientId: config.mqttClientId,
      protocolVersion: 5,
      filter: TELEMETRY_TOPIC_FILTER,
      sharedGroup: config.mqttSharedGroup,
      handle,
      log: subscriberLog,
      ...deps.tuning,
    });
    // Not awaited: an unreachable broker must not keep the API from serving; the subscriber retries.
    return { broker: null, subscriber, stop: () => subscriber.stop(), close: () => Promise.resolve() };
  }
  // Cordon's subscriber proves itself to its own broker with a secret of this process.
  const secret = randomSecret();
  const broker = await startEmbeddedBroker({
    port: config.mqttPort,
    host: config.mqttHost,
    devices: telemetryDeviceAccess({ authenticate: (token) => deps.authenticate(token), deviceZone: (deviceId) => deps.deviceZone(deviceId) }),
    subscriber: { clientId: config.mqttClientId, password: secret, filter: TELEMETRY_TOPIC_FILTER },
    log: log.child({ component: 'mqtt-broker' }),
  });
  const subscriber = startSubscriber({
    url: broker.url,
    clientId: config.mqttClientId,
    username: 'cordon',
    password: secret,
    protocolVersion: 4,
    filter: TELEMETRY_TOPIC_FILTER,
    handle,
    log: subscriberLog,
    ...deps.tuning,
  });
  await broker.subscribed;
  return {
    broker,
    subscriber,
    async stop() {
      await broker.drain();
      await subscriber.stop();
    },
    close: () => broker.close(),
  };
}
