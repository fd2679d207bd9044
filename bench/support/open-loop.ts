// Open-loop load from a worker thread (see open-loop.worker.js): the latencies of requests sent at a
// fixed rate, as independent clients such as gate readers send them.
import { Worker } from 'node:worker_threads';
import type { Method } from './http-client.ts';

export interface ScheduledRequest {
  method: Method;
  path: string;
  body?: Record<string, unknown>;
  /** Sets the body's `at` to the moment of sending. */
  stampAt?: boolean;
  /** The status the request must be answered with. */
  status: number;
}

/**
 * Sends the requests at `rate` a second; resolves with one latency (ms) per request after the first
 * `warmup` (which open the connections and warm the server), or throws on any unexpected answer.
 */
export async function openLoop(options: { baseUrl: string; token: string | null; rate: number; warmup: number; requests: ScheduledRequest[] }): Promise<number[]> {
  const worker = new Worker(new URL('./open-loop.worker.js', import.meta.url), { workerData: options });
  const { latencies, failures } = await new Promise<{ latencies: number[]; failures: string[] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  if (failures.length > 0) throw new Error(`${failures.length} of ${options.requests.length} requests failed; the first: ${failures[0]}`);
  return latencies;
}
