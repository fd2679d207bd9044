// The devices' side of a telemetry run, on its own thread so that publishing does not take the time
// of the subscriber it measures: each share of messages is published in order with QoS 1 over a
// connection of its own (a device's messages all in one share, so they arrive in the order sent), at
// most `window` unacknowledged on each, and the run ends when the broker has acknowledged them all.
/* global performance */
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from 'mqtt';

const { url, window, shares } = workerData;

async function publishShare(share, index) {
  if (share.length === 0) return;
  const client = connect(url, { clientId: `cordon-bench-device-${process.pid}-${index}-${Date.now()}`, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
  await new Promise((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  let next = 0;
  let acknowledged = 0;
  await new Promise((resolve, reject) => {
    const sendMore = () => {
      while (next < share.length && next - acknowledged < window) {
        const [topic, payload] = share[next++];
        client.publish(topic, payload, { qos: 1 }, (error) => {
          if (error) return reject(error);
          acknowledged++;
          if (acknowledged === share.length) resolve();
          else sendMore();
        });
      }
    };
    sendMore();
  });
  await client.endAsync();
}

const started = performance.now();
await Promise.all(shares.map(publishShare));
parentPort.postMessage({ seconds: (performance.now() - started) / 1000 });
