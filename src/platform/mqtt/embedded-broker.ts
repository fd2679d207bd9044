// The MQTT broker Cordon runs itself when no external broker is configured (aedes, MQTT 3.1.1, in
// memory). Devices connect with an API key as password and may publish only what `DeviceAccess`
// allows; the one client that may subscribe is Cordon's own subscriber, which proves itself with a
// secret of the process. Because the broker keeps messages in memory only, it takes no device
// message before Cordon's persistent subscription exists, and stopping it first lets Cordon's
// subscriber acknowledge everything the devices were already told was received.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import type { Principal } from '../auth/principal.ts';
import type { MqttLog } from './subscriber.ts';

/** The rules a device's connection and publications are held to. */
export interface DeviceAccess {
  /** The principal behind a CONNECT password, or why it may not connect. */
  authenticate(password: string): Promise<{ principal: Principal } | { refused: 'credentials' | 'rights' }>;
  /** Null when the principal may publish to the topic, otherwise the reason (for the log). */
  mayPublish(principal: Principal, topic: string): Promise<string | null>;
}

export interface EmbeddedBrokerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  devices: DeviceAccess;
  /** Cordon's subscriber: its client id, the secret it connects with, and the one filter it subscribes to. */
  subscriber: { clientId: string; password: string; filter: string };
  /** How long a device's rights are trusted on an open connection before its key is checked again. */
  recheckAfterMs?: number;
  log: MqttLog;
}

export interface EmbeddedBroker {
  /** The port listened on (the one the system chose when 0 was asked). */
  readonly port: number;
  /** Where Cordon's subscriber connects. */
  readonly url: string;
  /** Resolves once Cordon's subscriber has subscribed: devices are refused until then. */
  readonly subscribed: Promise<void>;
  /** Messages taken from devices that Cordon's subscriber has not acknowledged yet. */
  readonly unacknowledged: number;
  /**
   * Refuses devices from now on (those connected are disconnected; their unacknowledged messages
   * stay with them) and waits, at most `timeoutMs`, until Cordon's subscriber has acknowledged every
   * message the broker took. Resolves with how many it has not.
   */
  drain(timeoutMs?: number): Promise<number>;
  /** Drains (when not done yet), then closes every connection and the listener. */
  close(): Promise<void>;
}

interface DeviceSession {
  principal: Principal;
  password: string;
  checkedAt: number;
  /** Topics this connection was already allowed to publish to. */
  allowed: Set<string>;
}

const RECHECK_AFTER_MS = 60_000;
const DRAIN_TIMEOUT_MS = 10_000;
const DRAIN_POLL_MS = 10;

/** An aedes connection refusal with the MQTT 3.1.1 CONNACK return code. */
function refusal(message: string, returnCode: 3 | 4 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

function sameSecret(given: Buffer | undefined, expected: string): boolean {
  if (!given) return false;
  const wanted = Buffer.from(expected, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Whether an MQTT topic filter (with `+` and `#`) matches a topic name. */
export function topicMatches(filter: string, topic: string): boolean {
  const wanted = filter.split('/');
  const levels = topic.split('/');
  for (let i = 0; i < wanted.length; i++) {
    if (wanted[i] === '#') return true;
    if (i >= levels.length || (wanted[i] !== '+' && wanted[i] !== levels[i])) return false;
  }
  return wanted.length === levels.length;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { devices, subscriber, log } = options;
  const recheckAfterMs = options.recheckAfterMs ?? RECHECK_AFTER_MS;
  const sessions = new WeakMap<Client, DeviceSession>();
  const isSubscriber = (client: Client | null) => client !== null && client.id === subscriber.clientId && !sessions.has(client);
  let acceptingDevices = false;
  let draining = false;
  let markSubscribed: () => void = () => undefined;
  const subscribed = new Promise<void>((resolve) => (markSubscribed = resolve));
  // Messages taken from devices (QoS 1 and 2, on the subscriber's filter) less those Cordon's
  // subscriber acknowledged. It may dip below zero for a moment: the publication's event comes at
  // the end of its handling, which may follow the acknowledgement of a fast subscriber.
  let unacknowledged = 0;

  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      if (client.id === subscriber.clientId) {
        // Cordon's own client: a device taking its id would take over its session.
        if (sameSecret(password, subscriber.password)) return done(null, true);
        log.warn({ clientId: client.id }, 'MQTT connection with the subscriber client id refused');
        return done(refusal('Bad user name or password', 4), false);
      }
      if (!acceptingDevices || draining) return done(refusal('Server unavailable', 3), false);
      const secret = password?.toString('utf8') ?? '';
      devices.authenticate(secret).then(
        (result) => {
          if ('refused' in result) {
            log.info({ clientId: client.id, username, refused: result.refused }, 'MQTT device connection refused');
            return done(refusal(result.refused === 'credentials' ? 'Bad user name or password' : 'Not authorized', result.refused === 'credentials' ? 4 : 5), false);
          }
          sessions.set(client, { principal: result.principal, password: secret, checkedAt: Date.now(), allowed: new Set() });
          done(null, true);
        },
        (error: unknown) => {
          log.error({ err: error, clientId: client.id }, 'MQTT device authentication failed');
          done(refusal('Server unavailable', 3), false);
        },
      );
    },

    authorizePublish(client, packet, done) {
      const session = client ? sessions.get(client) : undefined;
      if (!client || !session) return done(new Error('only devices publish'));
      authorizeDevicePublish(client, session, packet).then(
        (reason) => {
          if (reason !== null) {
            // MQTT 3.1.1 has no negative acknowledgement: the broker closes the connection.
            log.warn({ clientId: client.id, topic: packet.topic, reason }, 'MQTT publish refused');
            return done(new Error(reason));
          }
          // Telemetry is a stream of facts, not a state: a retained copy would be handed again to every new subscription.
          packet.retain = false;
          done(null);
        },
        (error: unknown) => {
          log.error({ err: error, clientId: client.id, topic: packet.topic }, 'MQTT publish authorization failed');
          done(new Error('authorization failed'));
        },
      );
    },

    authorizeSubscribe(client, subscription, done) {
      if (isSubscriber(client) && subscription.topic === subscriber.filter) return done(null, subscription);
      log.warn({ clientId: client.id, topic: subscription.topic }, 'MQTT subscription refused');
      // A null subscription answers SUBACK 0x80 (failure) without closing the connection.
      done(null, null);
    },
  });

  async function authorizeDevicePublish(client: Client, session: DeviceSession, packet: PublishPacket): Promise<string | null> {
    if (draining) return 'the broker is stopping';
    if (Date.now() - session.checkedAt >= recheckAfterMs) {
      // A key revoked or stripped of its rights while the device stays connected stops working here.
      const again = await devices.authenticate(session.password);
      if ('refused' in again) return 'the API key is no longer valid for telemetry';
      session.principal = again.principal;
      session.checkedAt = Date.now();
      session.allowed.clear();
    }
    if (session.allowed.has(packet.topic)) return null;
    const reason = await devices.mayPublish(session.principal, packet.topic);
    if (reason === null) session.allowed.add(packet.topic);
    else log.debug({ clientId: client.id, topic: packet.topic }, 'MQTT topic not allowed');
    return reason;
  }

  broker.on('subscribe', (subscriptions, client) => {
    if (isSubscriber(client) && subscriptions.some((s) => s.topic === subscriber.filter)) {
      acceptingDevices = true;
      markSubscribed();
    }
  });
  broker.on('publish', (packet, client) => {
    if (client && sessions.has(client) && packet.qos > 0 && topicMatches(subscriber.filter, packet.topic)) unacknowledged++;
  });
  broker.on('ack', (packet, client) => {
    // A PUBACK for a message the session no longer holds (sent twice) comes without its packet.
    if (isSubscriber(client) && packet?.cmd === 'publish' && topicMatches(subscriber.filter, packet.topic)) unacknowledged--;
  });
  broker.on('clientError', (client, error) => log.debug({ clientId: client.id, err: error }, 'MQTT client error'));

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(
      `The embedded MQTT broker cannot listen on ${options.host}:${options.port}, which is in use: set MQTT_PORT to another port, or MQTT_URL to subscribe to the broker already there`,
      { cause: error },
    );
  }
  const port = (server.address() as AddressInfo).port;
  // Cordon's subscriber connects over the loopback when the broker listens on every interface.
  const local = options.host === '0.0.0.0' ? '127.0.0.1' : options.host === '::' ? '::1' : options.host;
  const host = local.includes(':') ? `[${local}]` : local;
  log.info({ host: options.host, port }, 'embedded MQTT broker listening');

  const connectedDevices = new Set<Client>();
  broker.on('client', (client) => {
    if (sessions.has(client)) connectedDevices.add(client);
  });
  broker.on('clientDisconnect', (client) => connectedDevices.delete(client));

  const countUnacknowledged = () => Math.max(unacknowledged, 0);
  let drained: Promise<number> | null = null;
  const drain = (timeoutMs = DRAIN_TIMEOUT_MS) => {
    drained ??= (async () => {
      draining = true;
      // Devices are let go and refused from now on (Cordon's subscriber may still reconnect to
      // finish). Those waiting for a PUBACK keep their message and send it to whoever listens next.
      await Promise.all([...connectedDevices].map((client) => new Promise<void>((resolve) => client.close(resolve))));
      const deadline = Date.now() + timeoutMs;
      // Two quiet polls in a row: a publication accepted just before the devices were let go ends
      // within a few turns of the event loop, after which the count only goes down.
      let quiet = 0;
      while (Date.now() < deadline && quiet < 2) {
        await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
        quiet = unacknowledged <= 0 ? quiet + 1 : 0;
      }
      const left = countUnacknowledged();
      if (left > 0) log.error({ messages: left }, 'embedded MQTT broker stopped with telemetry Cordon has not acknowledged; it is lost');
      return left;
    })();
    return drained;
  };

  let closed: Promise<void> | null = null;
  return {
    port,
    url: `mqtt://${host}:${port}`,
    subscribed,
    get unacknowledged() {
      return countUnacknowledged();
    },
    drain,
    close() {
      closed ??= (async () => {
        await drain();
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      })();
      return closed;
    },
  };
}
