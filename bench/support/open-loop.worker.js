// The sending side of an open-loop run, on its own thread so that the client's work does not delay
// the server it measures: request i is sent at start + i / rate whatever the answers before it, and
// its latency counts from that scheduled time, so a stall shows in every request that waited behind it.
/* global fetch, performance, setTimeout, URL */
import { parentPort, workerData } from 'node:worker_threads';

const { baseUrl, token, rate, requests, warmup } = workerData;
const latencies = [];
const failures = [];
const pending = [];
const started = performance.now();
for (let index = 0; index < requests.length; index++) {
  const due = started + (index * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const request = requests[index];
  // A reader stamps its event with the moment it sends it.
  const body = request.body === undefined ? undefined : JSON.stringify(request.stampAt ? { ...request.body, at: new Date().toISOString() } : request.body);
  pending.push(
    fetch(new URL(request.path, baseUrl), {
      method: request.method,
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
    }).then(
      async (response) => {
        const text = await response.text();
        // The first `warmup` requests open the connections and warm the server; they are not counted.
        if (index >= warmup) latencies.push(performance.now() - due);
        if (response.status !== request.status) failures.push(`${request.method} ${request.path} answered ${response.status}: ${text.slice(0, 500)}`);
      },
      (error) => failures.push(`${request.method} ${request.path} failed: ${error}`),
    ),
  );
}
await Promise.all(pending);
parentPort.postMessage({ latencies, failures });
