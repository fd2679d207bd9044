// Telemetry ingestion through Mosquitto against PostgreSQL, with 5,000 active trips and 10,000
// geofences (gates and zones): positions per second that Cordon's subscriber receives, filters,
// checks against the geofences and its trip's corridor, and stores (acknowledging each only once
// stored), beside the rate at which the same broker delivers the same messages to a bare subscriber
// that only counts them, in the same run. The devices publish from a thread of their own, each trip's
// fixes in order along a real GPS track fitted between the trip's two gates. The two subscribers take
// turns, round after round, each round with the next fixes of every trip; each rate is its total over
// the rounds. A machine that slows down or speeds up during the run then does so for both.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { connect } from 'mqtt';
import { pino } from 'pino';
import { containerCheckDigit } from '../src/reference/validators.ts';
import { startSubscriber } from '../src/platform/mqtt/subscriber.ts';
import { createTelemetryBridge, TELEMETRY_TOPIC_FILTER, telemetryTopic } from '../src/tracking/telemetry.mqtt.ts';
import { suitableTracks } from '../src/demo/demo.tracking.ts';
import { fitTrack, timesAlong } from '../src/tracking/replay.ts';
import { TRIP_CHECK_EVERY_MS } from '../src/tracking/tracking.schedule.ts';
import type { LonLat } from '../src/tracking/geo.ts';
import { BenchmarkSkipped, result, type Benchmark, type Result } from './benchmark.ts';
import { cpuPerItem, cpuSnapshot, type CpuInterval } from './support/cpu.ts';
import { choosePostgres, startBenchApp, type BenchApp } from './support/bench-app.ts';
import { login, stringField } from './support/http-client.ts';
import { runLoad } from './support/load.ts';
import { releaseEverythingAtOnce, setUp } from './declarations.bench.ts';

const TRIPS = 5000;
const GEOFENCES = 10_000;
const ROUNDS = 3;
const FIXES_PER_ROUND = 48;
const CONTAINERS_PER_DECLARATION = 100;
const PUBLISHER_CONNECTIONS = 4;
const PUBLISHER_WINDOW = 2000;

/*
 * Targets, and why: at least 30,000 positions a second (a national fleet of 50,000 seals reporting
 * every few seconds at its peak) and at least 0.8 of what the broker delivers to a subscriber that
 * does nothing: what Cordon does with a position (parse, filter, geofences, corridor, one batched
 * write and the acknowledgement) must not make it the bottleneck behind the broker.
 */
const TARGET = { min: 30_000, ratioMin: 0.8 };

/** Mosquitto as the README asks production to set it up (queues and in-flight windows sized for telemetry). */
const MOSQUITTO_CONF = (port: number, dir: string) => `listener ${port} 127.0.0.1
allow_anonymous true
persistence true
persistence_location ${dir}/
autosave_interval 60
max_queued_messages 1000000
max_queued_bytes 1073741824
max_inflight_messages 1000
log_dest none
`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function connects(url: string): Promise<boolean> {
  const probe = connect(url, { clientId: `cordon-bench-probe-${randomUUID()}`, reconnectPeriod: 0, connectTimeout: 2000 });
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('connect', () => resolve());
      probe.once('error', reject);
      probe.once('close', () => reject(new Error('closed')));
    });
    return true;
  } catch {
    return false;
  } finally {
    probe.end(true);
  }
}

/**
 * The broker to measure: MQTT_URL when set (configured by its operator), otherwise a Mosquitto of
 * this benchmark's own, started with the production settings of the README: the machine's default
 * broker drops a subscriber's messages past 1,000 queued, which no telemetry deployment can run with.
 */
async function startBroker(): Promise<{ url: string; pid: number | null; stop(): Promise<void> }> {
  const configured = process.env.MQTT_URL?.trim();
  if (configured) {
    if (!(await connects(configured))) throw new Error('MQTT_URL does not answer');
    return { url: configured, pid: null, stop: () => Promise.resolve() };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'cordon-bench-mosquitto-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'mosquitto.conf'), MOSQUITTO_CONF(port, dir));
  const broker = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => broker.once('error', (error) => reject(new BenchmarkSkipped(`no MQTT_URL and mosquitto cannot be started: ${error.message}`))));
  const url = `mqtt://127.0.0.1:${port}`;
  const stop = async () => {
    broker.kill('SIGTERM');
    await new Promise((resolve) => (broker.exitCode === null ? broker.once('exit', resolve) : resolve(null)));
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await Promise.race([connects(url), failed])) return { url, pid: broker.pid ?? null, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error('the benchmark\'s mosquitto did not start listening');
}

const container = (n: number) => {
  const body = `TRKU${String(n).padStart(6, '0')}`;
  return `${body}${containerCheckDigit(body)}`;
};
const sealCode = (n: number) => `BS-${String(n).padStart(5, '0')}`;

interface BenchTrip {
  code: string;
  route: LonLat[];
}

/** A zone with its two road gates, 5,000 released containers, 5,000 seals on 5,000 active trips, and gates up to 10,000 fences. */
async function createTrips(server: BenchApp): Promise<BenchTrip[]> {
  const { trader, zoneId } = await setUp(server.url, server.adminPassword);
  const admin = await login(server.url, 'admin', server.adminPassword);
  await releaseEverythingAtOnce(admin);
  const gate = async (code: string, direction: string, latitude: number, longitude: number) =>
    stringField(await admin.expect('POST', `/api/v1/zones/${zoneId}/gates`, { code, name: `Bench gate ${code}`, kind: 'ROAD', direction, latitude, longitude }), 'id', 'POST gate');
  const origin: LonLat = [-74.045, 40.665];
  const destination: LonLat = [-74.005, 40.695];
  const originGateId = await gate('OUT1', 'OUT', origin[1], origin[0]);
  const destinationGateId = await gate('IN1', 'IN', destination[1], destination[0]);
  // The rest of the fences: gates on a grid around the zone, away from the trips' roads.
  const [counted] = await server.ctx.db.query<{ zones: number; gates: number }>('SELECT (SELECT count(*)::int FROM zones) AS zones, (SELECT count(*)::int FROM gates) AS gates');
  const more = GEOFENCES - (counted?.zones ?? 0) - (counted?.gates ?? 0);
  await server.ctx.db.exec(
    `INSERT INTO gates (zone_id, code, name, kind, direction, latitude, longitude)
     SELECT '${zoneId}', 'G' || n, 'Grid gate ' || n, 'ROAD', 'BOTH', 40.2 + (n / 100) * 0.01, -74.6 + (n % 100) * 0.01 FROM generate_series(1, ${more}) AS n`,
  );

  const declarations: string[] = [];
  await runLoad({ count: TRIPS / CONTAINERS_PER_DECLARATION, concurrency: 4, maxSeconds: 600 }, async (n) => {
    const containers = Array.from({ length: CONTAINERS_PER_DECLARATION }, (_, k) => container(n * CONTAINERS_PER_DECLARATION + k));
    const declaration = await trader.expect(
      'POST',
      '/api/v1/declarations',
      {
        type: 'ADMISSION',
        zoneId,
        currency: 'USD',
        transport: { mode: 'ROAD', vehiclePlate: `TR${String(n).padStart(6, '0')}`, containers },
        lines: [{ hsCode: '851713', description: 'Smartphones', originCountry: 'CN', quantity: '100', unit: 'H87', netMass: '2000', grossMass: '2400', customsValue: '25000.00' }],
      },
      { status: 201, headers: { 'idempotency-key': `track-bench-${randomUUID()}` } },
    );
    declarations[n] = stringField(declaration, 'id', 'POST declaration');
  });

  const tracks = suitableTracks();
  const trips: BenchTrip[] = [];
  const departFrom = new Date(Date.now() - 3_600_000).toISOString();
  const arriveBy = new Date(Date.now() + 6 * 3_600_000).toISOString();
  await runLoad({ count: TRIPS, concurrency: 8, maxSeconds: 900 }, async (n) => {
    const code = sealCode(n);
    await admin.expect('POST', '/api/v1/devices', { deviceId: code, type: 'E_SEAL', zoneId });
    const route = fitTrack(tracks[n % tracks.length] as LonLat[], origin, destination);
    const trip = await admin.expect('POST', '/api/v1/trips', {
      declarationId: declarations[Math.floor(n / CONTAINERS_PER_DECLARATION)],
      deviceId: code,
      containerNumber: container(n),
      originGateId,
      destinationGateId,
      corridor: { type: 'route', line: route, widthMeters: 300 },
      window: { departFrom, arriveBy },
    });
    await admin.expect('POST', `/api/v1/trips/${stringField(trip, 'id', 'POST trip')}/start`, { note: 'Sealed at the out-gate' }, { status: 200 });
    trips[n] = { code, route };
  });
  return trips;
}

interface Round {
  /** The messages of each publisher connection, in the order they are sent. */
  shares: Array<Array<[string, string]>>;
  count: number;
}

/**
 * Each trip's fixes along its route at 40 km/h, its last a minute ago, cut into rounds. Within a round
 * every trip sends its next fix before any sends the one after, as a fleet that reports all the time
 * is heard; a device's fixes all go through one publisher connection, in order.
 */
function telemetryRounds(trips: BenchTrip[]): Round[] {
  const lastAt = Date.now() - 60_000;
  const payloads = trips.map((trip) => {
    const route = trip.route.slice(1, ROUNDS * FIXES_PER_ROUND + 1);
    const times = timesAlong(route, new Date(0), 40, 5);
    const shift = lastAt - (times[times.length - 1] as Date).getTime();
    return route.map(([lon, lat], index) => JSON.stringify({ type: 'position', time: new Date((times[index] as Date).getTime() + shift).toISOString(), lat, lon, speed: 40, accuracy: 6 }));
  });
  return Array.from({ length: ROUNDS }, (_, round) => {
    const shares: Round['shares'] = Array.from({ length: PUBLISHER_CONNECTIONS }, () => []);
    let count = 0;
    for (let fix = round * FIXES_PER_ROUND; fix < (round + 1) * FIXES_PER_ROUND; fix++) {
      trips.forEach((trip, n) => {
        const payload = payloads[n]?.[fix];
        if (payload === undefined) return;
        (shares[n % PUBLISHER_CONNECTIONS] as Array<[string, string]>).push([telemetryTopic(trip.code), payload]);
        count++;
      });
    }
    return { shares, count };
  });
}

async function publish(url: string, shares: Array<Array<[string, string]>>): Promise<void> {
  const worker = new Worker(new URL('./support/mqtt-publisher.worker.js', import.meta.url), { workerData: { url, window: PUBLISHER_WINDOW, shares } });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
}

type Subscribe = (onHandled: () => void) => Promise<{ stop(): Promise<void> }>;

/** Seconds from the first message received to the last handled, while the worker publishes the round. */
async function consume(url: string, { shares, count }: Round, subscribe: Subscribe): Promise<number> {
  let handled = 0;
  let first = 0;
  let last = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const subscription = await subscribe(() => {
    if (handled === 0) first = performance.now();
    handled++;
    if (handled === count) {
      last = performance.now();
      done();
    }
  });
  let timeout: NodeJS.Timeout | undefined;
  try {
    await publish(url, shares);
    await Promise.race([all, new Promise((_, reject) => (timeout = setTimeout(() => reject(new Error(`only ${handled} of ${count} messages handled after 10 minutes`)), 600_000)))]);
  } finally {
    // Cleared, or the benchmark's process would wait out the ten minutes before it exits.
    clearTimeout(timeout);
    await subscription.stop();
  }
  return (last - first) / 1000;
}

async function measure(): Promise<Result[]> {
  const database = await choosePostgres();
  const broker = await startBroker();
  const { url } = broker;
  const server = await startBenchApp(database);
  try {
    const trips = await createTrips(server);
    const rounds = telemetryRounds(trips);
    const count = rounds.reduce((sum, round) => sum + round.count, 0);
    const log = pino({ level: 'warn' });
    const topicFilter = TELEMETRY_TOPIC_FILTER;

    // The broker's own rate: a subscriber that counts and acknowledges at once.
    const bare: Subscribe = async (onHandled) => {
      const client = connect(url, { clientId: `cordon-bench-bare-${randomUUID()}`, clean: true, protocolVersion: 5, properties: { receiveMaximum: 65_535 } });
      client.on('message', onHandled);
      await client.subscribeAsync(topicFilter, { qos: 1 });
      return { stop: () => client.endAsync() };
    };
    const bridge = createTelemetryBridge({ ingest: server.ctx.tracking.ingest, clock: server.ctx.clock, log });
    const cordon: Subscribe = async (onHandled) => {
      const subscriber = startSubscriber({
        url,
        clientId: `cordon-bench-ingest-${randomUUID()}`,
        protocolVersion: 5,
        filter: topicFilter,
        sessionExpirySeconds: 60,
        handle: (topic, payload, settle) =>
          bridge(topic, payload, (error) => {
            settle(error);
            if (error === null) onHandled();
          }),
        log,
      });
      await subscriber.subscribed;
      return subscriber;
    };

    // Where the processor's time goes in each phase: both share two cores with the publisher, the broker and the database.
    const cpuOf = async () => {
      const backends = await server.ctx.db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
      return cpuSnapshot({ mosquitto: broker.pid === null ? [] : [broker.pid], postgres: backends.map((row) => row.pid) });
    };
    const phases = { bare: { subscribe: bare, seconds: 0, cpu: [] as CpuInterval[] }, Cordon: { subscribe: cordon, seconds: 0, cpu: [] as CpuInterval[] } };
    for (const [index, round] of rounds.entries()) {
      const rates: string[] = [];
      for (const [name, phase] of Object.entries(phases)) {
        const start = await cpuOf();
        const seconds = await consume(url, round, phase.subscribe);
        phase.cpu.push([start, await cpuOf()]);
        phase.seconds += seconds;
        rates.push(`${name} ${Math.round(round.count / seconds)}/s`);
      }
      process.stderr.write(`bench: tracking: round ${index + 1} of ${rounds.length}, ${round.count} positions: ${rates.join(', ')}\n`);
    }
    for (const [name, phase] of Object.entries(phases)) {
      process.stderr.write(`bench: tracking: ${name}: processor time per position, µs: ${cpuPerItem(phase.cpu, count)}\n`);
    }

    const [stored] = await server.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM trip_positions');
    if (stored?.n !== count) {
      const drops = await server.ctx.db.query('SELECT reason, sum(count)::int AS n FROM telemetry_drops GROUP BY reason');
      throw new Error(`${count} positions were published but ${stored?.n ?? 0} stored; drops: ${JSON.stringify(drops)}`);
    }
    // In service the time-based check runs every TRIP_CHECK_EVERY_MS over every open trip, locking
    // each and writing the rows left behind their memory: its cost, beside the ingest's.
    for (const when of ['first', 'next']) {
      const started = performance.now();
      const checked = await server.ctx.tracking.ingest.tick();
      process.stderr.write(`bench: tracking: the ${when} time-based check of ${checked.trips} ACTIVE trips took ${Math.round(performance.now() - started)} ms (it runs every ${TRIP_CHECK_EVERY_MS / 1000} s)\n`);
    }
    return [result({ name: 'tracking.postgres.mosquitto.positions', value: count / phases.Cordon.seconds, unit: 'positions/s', baseline: count / phases.bare.seconds, target: TARGET })];
  } finally {
    await server.close();
    await broker.stop();
  }
}

export const benchmarks: Benchmark[] = [{ name: 'tracking', run: measure }];

