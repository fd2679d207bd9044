// Cordon's subscription to device telemetry at an MQTT broker (its own or an external one such as
// Mosquitto). The session is persistent (`clean: false`) under a fixed client id, so the broker keeps
// what arrives while Cordon is away; a QoS 1 message is acknowledged only once its handler has
// settled it as stored, and after every message that arrived before it on the connection (MQTT 3.1.1
// and 5, §4.6: acknowledgements go in the order the messages came). A message that could not be
// stored (the database is down) acknowledges nothing more on that connection: the connection is
// dropped and opened again, and the broker sends every unacknowledged message again (marked `dup`;
// storing is idempotent, so a copy changes nothing).
import { connect, type IPublishPacket, type MqttClient } from 'mqtt';

/** What the MQTT parts write to the log (the application's pino logger or a child of it). */
export interface MqttLog {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Told once per message: null when it is stored (it may be acknowledged), else why it is not. */
export type Settle = (error: Error | null) => void;

/**
 * Takes a message and settles it later. A callback rather than a promise: thousands of messages wait
 * for their batched write at any time, and a promise with its reactions kept for each was most of what
 * the garbage collector had to copy. A handler that throws settles its message with that error.
 */
export type MessageHandler = (topic: string, payload: Buffer, settle: Settle) => void;

export interface SubscriberOptions {
  /** mqtt://host:port (credentials may be in the URL, or given below). */
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** 5 for brokers that speak MQTT 5 (Mosquitto); 4 (MQTT 3.1.1) for the embedded broker. */
  protocolVersion: 4 | 5;
  /** The topic filter, subscribed with QoS 1. */
  filter: string;
  /** Shares the subscription with the other processes of this group (`$share/<group>/<filter>`). */
  sharedGroup?: string | null;
  handle: MessageHandler;
  /** Messages handled at once; also the Receive Maximum announced to an MQTT 5 broker. */
  maxInFlight?: number;
  /** How long the broker keeps the session while Cordon is away (MQTT 5; MQTT 3.1.1 keeps it for good). */
  sessionExpirySeconds?: number;
  reconnectPeriodMs?: number;
  log: MqttLog;
}

export interface Subscriber {
  /** Resolves once the subscription is in place for the first time. */
  readonly subscribed: Promise<void>;
  /** Whether it is connected to the broker now (readiness). */
  readonly connected: boolean;
  /** Handles nothing new, waits for the messages being handled (and acknowledges them), then disconnects. */
  stop(): Promise<void>;
  /**
   * Cuts the connection without a word, as a crash or a network failure would; it is opened again
   * after the reconnect period. Whatever was not acknowledged is the broker's to send again.
   */
  dropConnection(): void;
}

const MAX_IN_FLIGHT = 10_000;
const SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;
const RECONNECT_PERIOD_MS = 2_000;

// Passed to mqtt.js's handleMessage callback, an error makes it skip its own PUBACK and read the next
// packet. Its PUBACK is sent only after the handler resolves; sending it from the callback instead
// would make mqtt.js handle one message at a time and wait for each store before reading the next.
const ACKNOWLEDGED_LATER = new Error('acknowledged once stored');

/** PUBACKs, one after the other: MQTT 3.1.1 §3.4; MQTT 5 §3.4.2.1 lets a success leave out its reason code and properties. */
function pubacksOf(messageIds: readonly number[]): Buffer {
  const packets = Buffer.allocUnsafe(messageIds.length * 4);
  messageIds.forEach((messageId, index) => packets.set([0x40, 0x02, messageId >> 8, messageId & 0xff], index * 4));
  return packets;
}

type Connection = MqttClient['stream'];

/**
 * The QoS 1 messages of one connection in the order they arrived, each stored or not yet. Messages
 * are stored in batches that finish in any order; they are acknowledged in arrival order all the same,
 * as MQTT asks. A broker finds an acknowledgement by searching the messages it has in flight, oldest
 * first: acknowledged out of order, Mosquitto spent nearly twice the processor time per message.
 */
class ArrivalOrder {
  private ids: number[] = [];
  private stored: boolean[] = [];
  /** The arrival number of ids[0]. */
  private offset = 0;
  /** The index of the first message not acknowledged yet. */
  private next = 0;

  constructor(readonly connection: Connection) {}

  /** Its arrival number. */
  arrived(messageId: number): number {
    this.ids.push(messageId);
    this.stored.push(false);
    return this.offset + this.ids.length - 1;
  }

  /** Marks a message stored and adds to `due` the ids that may now be acknowledged, in order. */
  storedOne(arrival: number, due: number[]): void {
    this.stored[arrival - this.offset] = true;
    while (this.next < this.ids.length && this.stored[this.next]) due.push(this.ids[this.next++] as number);
    // What is acknowledged is let go of, all at once rather than one message at a time.
    if (this.next === this.ids.length || this.next >= 1024) {
      this.ids = this.ids.slice(this.next);
      this.stored = this.stored.slice(this.next);
      this.offset += this.next;
      this.next = 0;
    }
  }
}

export function startSubscriber(options: SubscriberOptions): Subscriber {
  const { log, handle } = options;
  const maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
  const filter = options.sharedGroup ? `$share/${options.sharedGroup}/${options.filter}` : options.filter;
  const client: MqttClient = connect(options.url, {
    manualConnect: true,
    clientId: options.clientId,
    clean: false,
    protocolVersion: options.protocolVersion,
    // Subscribed again below only when the broker has lost the session (a new embedded broker).
    resubscribe: false,
    reconnectPeriod: options.reconnectPeriodMs ?? RECONNECT_PERIOD_MS,
    // A broker refusing for a while (restarting, its authentication backend away) is tried again too.
    reconnectOnConnackError: true,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.protocolVersion === 5
      ? { properties: { sessionExpiryInterval: options.sessionExpirySeconds ?? SESSION_EXPIRY_SECONDS, receiveMaximum: Math.min(maxInFlight, 65_535) } }
      : {}),
  });

  let stopping = false;
  // Messages handed to the handler and not yet settled; a counter and two lists of waiters rather than
  // a set of promises: tens of thousands of messages a second each pay for what is kept here.
  let inFlight = 0;
  // The callback that reads on past a QoS 0 or 1 message, held while too many are in flight.
  let readingPaused: { callback: (error?: Error) => void; qos: number } | null = null;
  const whenIdle: Array<() => void> = [];
  const readOn = (callback: (error?: Error) => void, qos: number) => callback(qos === 1 ? ACKNOWLEDGED_LATER : undefined);
  const settled = () => {
    inFlight -= 1;
    if (readingPaused) {
      const { callback, qos } = readingPaused;
      readingPaused = null;
      readOn(callback, qos);
    }
    if (inFlight === 0) for (const resolve of whenIdle.splice(0)) resolve();
  };
  let markSubscribed: () => void = () => undefined;
  const subscribed = new Promise<void>((resolve) => (markSubscribed = resolve));

  const dropConnection = () => {
    if (!client.stream.destroyed) client.stream.destroy();
  };

  // PUBACKs that became due since the last turn of the event loop, written together: a flush stores
  // thousands of messages at once, and one socket write each would cost more than storing them.
  let order: ArrivalOrder | null = null;
  let acks: number[] = [];
  let acksScheduled = false;
  const writeAcks = () => {
    acksScheduled = false;
    const ids = acks;
    acks = [];
    const connection = order?.connection;
    // An acknowledgement belongs to the connection the message came on; after a reconnect the broker
    // sends the message again and this copy's PUBACK would name another message.
    if (ids.length === 0 || connection === undefined || client.stream !== connection || !client.connected || connection.destroyed) return;
    connection.write(pubacksOf(ids));
  };
  const arrivalOrderOf = (connection: Connection): ArrivalOrder => {
    if (order?.connection !== connection) {
      // Those due on the connection that is gone: the broker sends their messages again.
      acks = [];
      order = new ArrivalOrder(connection);
    }
    return order;
  };
  const acknowledge = (of: ArrivalOrder, arrival: number) => {
    // Messages of a connection that is gone are the broker's to send again.
    if (of !== order) return;
    of.storedOne(arrival, acks);
    if (!acksScheduled && acks.length > 0) {
      acksScheduled = true;
      setImmediate(writeAcks);
    }
  };

  /**
   * The settle callback of one message. It holds neither the packet nor mqtt.js's callback (but for
   * QoS 2, not expected): each would be kept alive until the message's batch is written. Returned
   * unnamed: the TypeScript loader gives every function bound to a name its name at run time, one
   * property definition more for each message.
   */
  const settlerOf = (connection: Connection, messageId: number | undefined, arrivedIn: ArrivalOrder | null, arrival: number, completeQos2: ((error?: Error) => void) | null): Settle => {
    let isSettled = false;
    return (error) => {
      if (isSettled) return;
      isSettled = true;
      if (error === null) {
        if (arrivedIn) acknowledge(arrivedIn, arrival);
      } else if (client.stream === connection && !connection.destroyed) {
        log.error({ err: error, messageId }, 'telemetry not stored; reconnecting so that the broker sends it again');
        dropConnection();
      }
      settled();
      // mqtt.js completes a QoS 2 message (PUBCOMP) only without an error.
      completeQos2?.(error === null ? undefined : new Error('not stored'));
    };
  };

  /** Hands a message to the handler. */
  const start = (packet: IPublishPacket, completeQos2: ((error?: Error) => void) | null): void => {
    const connection = client.stream;
    const { messageId, qos } = packet;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (packet.dup) log.debug({ topic: packet.topic, messageId }, 'MQTT message delivered again');
    let arrivedIn: ArrivalOrder | null = null;
    let arrival = -1;
    if (qos === 1 && messageId !== undefined) {
      arrivedIn = arrivalOrderOf(connection);
      arrival = arrivedIn.arrived(messageId);
    }
    inFlight += 1;
    const settle = settlerOf(connection, messageId, arrivedIn, arrival, completeQos2);
    try {
      handle(packet.topic, payload, settle);
    } catch (error) {
      settle(error instanceof Error ? error : new Error(String(error)));
    }
  };

  client.handleMessage = (packet: IPublishPacket, callback: (error?: Error) => void) => {
    if (stopping) {
      // Neither handled nor acknowledged: the broker keeps it for the next start.
      readOn(callback, packet.qos);
      return;
    }
    // Not subscribed at QoS 2, so not expected; completed once settled.
    if (packet.qos === 2) return start(packet, callback);
    start(packet, null);
    // Past the limit, reading stops until one settles: the broker then holds the rest. (No closure
    // here: each would be one more allocation for every message.)
    if (inFlight >= maxInFlight) readingPaused = { callback, qos: packet.qos };
    else readOn(callback, packet.qos);
  };

  client.on('connect', (connack) => {
    log.info({ url: redact(options.url), clientId: options.clientId, sessionPresent: connack.sessionPresent }, 'MQTT subscriber connected');
    if (connack.sessionPresent) {
      markSubscribed();
      return;
    }
    client.subscribe(filter, { qos: 1 }, (error, granted) => {
      const qos = granted?.[0]?.qos;
      if (error || qos === undefined || qos === 128) {
        log.error({ err: error, filter, granted: qos }, 'MQTT subscription refused; trying again after reconnecting');
        dropConnection();
        return;
      }
      log.info({ filter, qos }, 'MQTT subscribed');
      markSubscribed();
    });
  });
  client.on('reconnect', () => log.debug({ clientId: options.clientId }, 'MQTT subscriber reconnecting'));
  client.on('offline', () => log.warn({ clientId: options.clientId }, 'MQTT subscriber offline'));
  client.on('error', (error) => log.warn({ err: error, clientId: options.clientId }, 'MQTT subscriber error'));
  client.connect();

  let stopped: Promise<void> | null = null;
  return {
    subscribed,
    get connected() {
      return client.connected;
    },
    dropConnection,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        if (inFlight > 0) await new Promise<void>((resolve) => whenIdle.push(resolve));
        writeAcks();
        await client.endAsync();
      })();
      return stopped;
    },
  };
}

/** The URL without its password, for the log. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@');
}
