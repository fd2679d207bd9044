// Helpers for tests that speak MQTT: devices as real mqtt.js clients, the external broker of the run
// (MQTT_URL, Mosquitto in CI) when there is one, and waiting for what happens asynchronously.
import { connect, connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import type { MessageHandler } from '../../src/platform/mqtt/subscriber.ts';

/** The external broker tests run against as well, when MQTT_URL is set. */
export const externalMqttUrl: string | null = process.env.MQTT_URL?.trim() || null;

/** A subscriber's handler that settles each message when `work` resolves (stored) or rejects (not stored). */
export function settling(work: (topic: string, payload: Buffer) => Promise<void>): MessageHandler {
  return (topic, payload, settle) => {
    work(topic, payload).then(
      () => settle(null),
      (error: unknown) => settle(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

/** A promise with its resolution at hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** Polls `check` until it is true; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A device: an MQTT 3.1.1 client that reconnects quickly and resends what was not acknowledged. */
export function connectDevice(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(url, { protocolVersion: 4, reconnectPeriod: 100, connectTimeout: 5_000, ...options });
}

/** The CONNACK return code with which a connection is refused (null when it is accepted). */
export async function refusalOf(url: string, options: IClientOptions): Promise<number | null> {
  const client = connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5_000, ...options });
  try {
    return await new Promise<number | null>((resolve) => {
      client.once('connect', () => resolve(null));
      client.once('error', (error) => resolve((error as Error & { code?: number }).code ?? -1));
    });
  } finally {
    await client.endAsync(true);
  }
}

/** Removes a persistent session an external broker keeps for `clientId` (connects with a clean start). */
export async function discardSession(url: string, clientId: string): Promise<void> {
  const client = await connectAsync(url, { clientId, clean: true, protocolVersion: 5, reconnectPeriod: 0, properties: { sessionExpiryInterval: 0 } });
  await client.endAsync();
}
