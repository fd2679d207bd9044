// Crash safety, shown: Cordon runs on PostgreSQL as an operator runs it (`cordon start`), clients
// send thousands of writes with idempotency keys (declarations, officers' releases, gate reader
// events, telemetry over HTTP and over MQTT) and retry whatever is not answered, while the server is
// killed with SIGKILL at random moments, the broker is restarted and PostgreSQL itself crashes.
// Then every acknowledged write must be there exactly once, the books must balance, every hold must
// have its alert and every change its outbox event, and the transparency log must audit. Run by
// `npm run test:chaos`; it starts its own PostgreSQL and Mosquitto from this machine's binaries.
import { randomInt, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type MqttClient } from 'mqtt';
import pg from 'pg';
import { containerCheckDigit } from '../../src/reference/validators.ts';
import { telemetryTopic } from '../../src/tracking/telemetry.mqtt.ts';
import { httpClient, login, stringField, type HttpClient, type HttpReply } from '../../bench/support/http-client.ts';
import { runLoad } from '../../bench/support/load.ts';
import { CordonProcess, createDatabase, freePort, MosquittoProcess, PostgresProcess, sleep } from './processes.ts';

const ADMIN_PASSWORD = `chaos-${randomUUID()}`;
const traderPassword = `chaos-${randomUUID()}`;

/** Clients stop starting new work after this long; the checks then find what is missing. */
const LOAD_SECONDS = 600;
const TRUCKS = 1200;
/** Trucks sent while PostgreSQL crashes, and how often it does. */
const TRUCKS_THROUGH_DATABASE_CRASHES = 400;
const DATABASE_CRASHES = 2;
/** Trucks sent while a backup is taken. */
const TRUCKS_DURING_BACKUP = 200;
const CLIENTS = 8;
const KILLS = 5;
const TRIPS = 20;
const BATCHES_PER_TRIP = 40;
const FIXES_PER_BATCH = 10;
const MQTT_DEVICES = 10;
/** Each device reports until the restarts are over, and at least this often. */
const MQTT_MIN_FIXES_PER_DEVICE = 100;
/** Fixes a device's track is divided into (it reports fewer). */
const MQTT_ROUTE_FIXES = 2000;

const container = (prefix: string, n: number) => {
  const body = `${prefix}${String(n).padStart(6, '0')}`;
  return `${body}${containerCheckDigit(body)}`;
};
const FIX_INTERVAL_MS = 5_000;
/**
 * The first fix of every track: fixed for the run, so a fix sent again is the same fix; and early
 * enough that the last of a route's fixes is still ten minutes in the past, however long the run takes
 * (a fix from the future would be dropped, not stored).
 */
const FIRST_FIX_AT = Date.now() - MQTT_ROUTE_FIXES * FIX_INTERVAL_MS - 600_000;
const plate = (n: number) => `CH${String(n).padStart(6, '0')}`;

/** What the clients did: every request sent, every one sent again, and what the server acknowledged. */
const stats = { sent: 0, retries: 0, acknowledged: 0, serverErrors: 0, kills: 0, brokerRestarts: 0, databaseCrashes: 0, backups: 0, checked: 0, lost: 0, duplicated: 0 };

/** An answer the client must not retry: the server refused the request for good. */
class Refused extends Error {
  override name = 'Refused';
}

/**
 * Sends until the server acknowledges with one of `statuses`, as a careful client does: a cut
 * connection or a server away is retried with the same idempotency key (or reader event id).
 */
async function untilAcknowledged(what: string, send: () => Promise<HttpReply>, statuses: readonly number[]): Promise<HttpReply> {
  const deadline = Date.now() + 180_000;
  let last: string;
  for (;;) {
    stats.sent += 1;
    try {
      const reply = await send();
      if (statuses.includes(reply.status)) {
        stats.acknowledged += 1;
        return reply;
      }
      if (reply.status < 500) throw new Refused(`${what} answered ${reply.status}: ${reply.text.slice(0, 1000)}`);
      stats.serverErrors += 1;
      last = `${reply.status} ${reply.text.slice(0, 1000)}`;
    } catch (error) {
      if (error instanceof Refused) throw error;
      // The connection was refused or cut: the server is down or was killed mid-request.
      last = String(error);
    }
    if (Date.now() > deadline) throw new Error(`${what} was never acknowledged; the last answer: ${last}`);
    stats.retries += 1;
    await sleep(50 + randomInt(200));
  }
}

describe('chaos: SIGKILL of the server, crashes of PostgreSQL, restarts of the broker', () => {
  let postgres: PostgresProcess;
  let broker: MosquittoProcess;
  let cordon: CordonProcess;
  let sql: pg.Pool;
  let admin: HttpClient;
  let trader: HttpClient;
  let reader: HttpClient;
  let telemetry: HttpClient;
  let zoneId: string;
  let gateId: string;

  /** A Cordon on the database, subscribed to the run's broker under a client id of its own. */
  async function startCordon(databaseUrl: string, name: string): Promise<CordonProcess> {
    const server = new CordonProcess(await freePort(), {
      DATABASE_URL: databaseUrl,
      MQTT_URL: broker.url,
      MQTT_CLIENT_ID: `cordon-${name}-${process.pid}`,
      CORDON_DEMO: 'false',
      CORDON_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CORDON_DATA_DIR: path.join(tmpdir(), `cordon-${name}-${process.pid}`),
      LOG_LEVEL: 'warn',
    });
    await server.start();
    return server;
  }

  beforeAll(async () => {
    postgres = await PostgresProcess.start();
    const databaseUrl = await createDatabase(postgres.url, 'cordon');
    broker = await MosquittoProcess.start();
    cordon = await startCordon(databaseUrl, 'chaos');
    sql = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    // Its idle connections break when PostgreSQL crashes; the pool opens new ones.
    sql.on('error', () => undefined);

    admin = await login(cordon.url, 'admin', ADMIN_PASSWORD);
    const zone = await admin.expect('POST', '/api/v1/zones', {
      code: 'CHAOS1',
      name: 'Chaos Free Zone',
      locode: 'USNYC',
      zoneType: 'FREE_ZONE',
      territorialPattern: 1,
      perimeter: { type: 'Polygon', coordinates: [[[-74.05, 40.66], [-74.0, 40.66], [-74.0, 40.7], [-74.05, 40.7], [-74.05, 40.66]]] },
    });
    zoneId = stringField(zone, 'id', 'POST zone');
    const enterprise = await admin.expect('POST', '/api/v1/enterprises', { identifier: 'USCHAOS0001', name: 'Chaos Trading Inc.', country: 'US', roles: ['TRADER'], zoneIds: [zoneId], aeoStatus: 'NONE' });
    const enterpriseId = stringField(enterprise, 'id', 'POST enterprise');
    await admin.expect('POST', '/api/v1/books', { enterpriseId, zoneId, code: 'WH1', kind: 'STORAGE', name: 'Warehouse 1' });
    await admin.expect('POST', '/api/v1/users', { username: 'chaos-trader', displayName: 'Chaos Trader', role: 'enterprise_user', password: traderPassword, enterpriseId });
    trader = await login(cordon.url, 'chaos-trader', traderPassword);
    // Every declaration is GREEN and waits for an officer's release: the decisions are part of the load.
    const current = (await admin.expect('GET', '/api/v1/administration')) as Record<string, unknown>;
    const { version: _version, updatedAt: _updatedAt, ...settings } = current;
    await admin.expect('PUT', '/api/v1/administration', {
      ...settings,
      selectivity: { ...(current.selectivity as object), randomRedShare: '0', randomYellowShare: '0', autoReleaseGreen: false, rules: [] },
    });
    // The risk engine's lanes too: the trucks held at the gate raise the enterprise's score as the run goes,
    // which would send its later declarations to RED, where they wait for an inspection instead of a release.
    await admin.expect('PUT', '/api/v1/risk/settings', { redRate: '0', yellowRate: '0', retrainEveryDays: null });
    const gate = async (code: string, direction: string, latitude: number, longitude: number) =>
      stringField(await admin.expect('POST', `/api/v1/zones/${zoneId}/gates`, { code, name: `Gate ${code}`, kind: 'ROAD', direction, latitude, longitude }), 'id', 'POST gate');
    gateId = await gate('G1', 'BOTH', 40.68, -74.02);
    const key = async (scope: string) =>
      stringField(await admin.expect('POST', '/api/v1/api-keys', { name: `Chaos ${scope}`, role: 'zone_operator', zoneIds: [zoneId], scopes: [scope] }), 'key', 'POST api-key');
    reader = httpClient(cordon.url, await key('gate-events:write'));
    telemetry = httpClient(cordon.url, await key('telemetry:write'));
  }, 180_000);

  afterAll(async () => {
    await sql?.end();
    await cordon?.stop();
    await broker?.close();
    await postgres?.close();
  });

  /** One released declaration whose containers travel under seal on trips between two gates. */
  async function startTrips(prefix: string, count: number): Promise<Array<{ tripId: string; device: string; route: Array<[number, number]> }>> {
    const containers = Array.from({ length: count }, (_, k) => container(prefix, k));
    const declaration = await trader.expect('POST', '/api/v1/declarations', {
      type: 'ADMISSION',
      zoneId,
      currency: 'USD',
      transport: { mode: 'ROAD', vehiclePlate: `${prefix}1`, containers },
      lines: [{ hsCode: '851713', description: 'Smartphones', originCountry: 'CN', quantity: '100', unit: 'H87', netMass: '2000', grossMass: '2400', customsValue: '25000.00' }],
    });
    const declarationId = stringField(declaration, 'id', 'POST declaration');
    await admin.expect('POST', `/api/v1/declarations/${declarationId}/decisions`, { action: 'RELEASE' }, { status: 200 });
    const origin = await admin.expect('POST', `/api/v1/zones/${zoneId}/gates`, { code: `${prefix}O`, name: 'Out', kind: 'ROAD', direction: 'OUT', latitude: 40.665, longitude: -74.045 });
    const destination = await admin.expect('POST', `/api/v1/zones/${zoneId}/gates`, { code: `${prefix}D`, name: 'In', kind: 'ROAD', direction: 'IN', latitude: 40.695, longitude: -74.005 });
    const route: Array<[number, number]> = [
      [-74.045, 40.665],
      [-74.005, 40.695],
    ];
    const trips = [];
    for (let k = 0; k < count; k++) {
      const device = `${prefix}-SEAL-${k}`;
      await admin.expect('POST', '/api/v1/devices', { deviceId: device, type: 'E_SEAL', zoneId });
      const trip = await admin.expect('POST', '/api/v1/trips', {
        declarationId,
        deviceId: device,
        containerNumber: containers[k],
        originGateId: stringField(origin, 'id', 'POST gate'),
        destinationGateId: stringField(destination, 'id', 'POST gate'),
        corridor: { type: 'route', line: route, widthMeters: 500 },
        window: { departFrom: new Date(Date.now() - 7_200_000).toISOString(), arriveBy: new Date(Date.now() + 6 * 3_600_000).toISOString() },
      });
      const tripId = stringField(trip, 'id', 'POST trip');
      await admin.expect('POST', `/api/v1/trips/${tripId}/start`, { note: 'Sealed at the out-gate' }, { status: 200 });
      trips.push({ tripId, device, route });
    }
    return trips;
  }

  /** The i-th of `total` fixes along the route, five seconds apart, the last of them a while ago. */
  function fixAt(route: Array<[number, number]>, index: number, total: number) {
    const [from, to] = route as [[number, number], [number, number]];
    const share = index / total;
    return {
      type: 'position',
      time: new Date(FIRST_FIX_AT + index * FIX_INTERVAL_MS).toISOString(),
      lat: from[1] + (to[1] - from[1]) * share,
      lon: from[0] + (to[0] - from[0]) * share,
      speed: 10,
      accuracy: 5,
    };
  }

  interface Trucks {
    numbers: number[];
    /** The declaration id each truck's submission was acknowledged with. */
    submitted: Map<number, string>;
    /** What the gate answered each truck. */
    decisions: Map<number, { passageId: string; decision: string }>;
  }

  /**
   * Trucks `from` to `from + count - 1`, `CLIENTS` at a time: each declaration submitted, released by
   * an officer and read at the gate, every step sent until acknowledged.
   */
  async function sendTrucks(from: number, count: number): Promise<Trucks> {
    const trucks: Trucks = { numbers: Array.from({ length: count }, (_, k) => from + k), submitted: new Map(), decisions: new Map() };
    await runLoad({ count, concurrency: CLIENTS, maxSeconds: LOAD_SECONDS }, async (k) => {
      const n = from + k;
      // One truck in ten carries a container no declaration names: held at the gate, with an alert.
      const held = n % 10 === 9;
      const submit = await untilAcknowledged(
        `submission ${n}`,
        () =>
          trader.send(
            'POST',
            '/api/v1/declarations',
            {
              type: 'ADMISSION',
              zoneId,
              currency: 'USD',
              traderReference: `CHAOS-${n}`,
              transport: { mode: 'ROAD', vehiclePlate: plate(n), containers: [container('CHAU', n)], seals: [`CS${n}`] },
              lines: [{ hsCode: '851713', description: 'Smartphones', originCountry: 'CN', quantity: '100', unit: 'H87', netMass: '2000', grossMass: '2400', customsValue: '25000.00' }],
            },
            { 'idempotency-key': `chaos-submit-${n}` },
          ),
        [201],
      );
      const declarationId = stringField(submit.json, 'id', `submission ${n}`);
      trucks.submitted.set(n, declarationId);
      await untilAcknowledged(`release ${n}`, () => admin.send('POST', `/api/v1/declarations/${declarationId}/decisions`, { action: 'RELEASE' }, { 'idempotency-key': `chaos-release-${n}` }), [200]);
      const event = await untilAcknowledged(
        `gate event ${n}`,
        () =>
          reader.send('POST', '/api/v1/gate-events', {
            gateId,
            lane: 'L1',
            readerEventId: `chaos-${n}`,
            at: new Date().toISOString(),
            plate: { value: plate(n), confidence: 0.98 },
            containers: [{ number: container('CHAU', held ? n + 500_000 : n), confidence: 0.96 }],
            seals: [`CS${n}`],
            weightKg: '2430',
          }),
        [200, 201],
      );
      trucks.decisions.set(n, { passageId: stringField(event.json, 'id', `gate event ${n}`), decision: stringField(event.json, 'decision', `gate event ${n}`) });
    });
    return trucks;
  }

  /** Each trip's fixes over HTTP, ten at a time, every batch sent until acknowledged. */
  async function sendTracks(trips: Array<{ device: string; route: Array<[number, number]> }>): Promise<void> {
    const total = BATCHES_PER_TRIP * FIXES_PER_BATCH;
    await runLoad({ count: trips.length, concurrency: 4, maxSeconds: LOAD_SECONDS }, async (k) => {
      const trip = trips[k] as (typeof trips)[number];
      for (let batch = 0; batch < BATCHES_PER_TRIP; batch++) {
        const messages = Array.from({ length: FIXES_PER_BATCH }, (_, i) => fixAt(trip.route, batch * FIXES_PER_BATCH + i, total));
        await untilAcknowledged(`telemetry ${trip.device}#${batch}`, () => telemetry.send('POST', '/api/v1/telemetry', { deviceId: trip.device, messages }), [202]);
      }
    });
  }

  /**
   * Every write the trucks were acknowledged is stored exactly once and as they were told; every
   * hold has its alert and every change its outbox event; the trucks let through complete their
   * declarations and post to the books, which balance. Returns the records checked.
   */
  async function checkTrucks(trucks: Trucks): Promise<number> {
    const references = trucks.numbers.map((n) => `CHAOS-${n}`);
    const declarations = await sql.query<{ trader_reference: string; id: string; n: number }>(
      'SELECT trader_reference, min(id::text) AS id, count(*)::int AS n FROM declarations WHERE trader_reference = ANY($1::text[]) GROUP BY 1',
      [references],
    );
    const byReference = new Map(declarations.rows.map((row) => [row.trader_reference, row]));
    let lost = 0;
    let duplicated = 0;
    for (const [n, id] of trucks.submitted) {
      const row = byReference.get(`CHAOS-${n}`);
      if (!row || row.id !== id) lost += 1;
      else if (row.n !== 1) duplicated += 1;
    }
    stats.lost += lost;
    stats.duplicated += duplicated;
    expect({ submissions: trucks.submitted.size, lost, duplicated }).toEqual({ submissions: trucks.numbers.length, lost: 0, duplicated: 0 });
    expect(declarations.rows.length).toBe(trucks.numbers.length);

    // Every acknowledged gate decision is stored once, as the reader was told.
    const passages = await sql.query<{ reader_event_id: string; id: string; decision: string; n: number }>(
      'SELECT reader_event_id, min(id::text) AS id, min(decision) AS decision, count(*)::int AS n FROM gate_passages WHERE reader_event_id = ANY($1::text[]) GROUP BY 1',
      [trucks.numbers.map((n) => `chaos-${n}`)],
    );
    const byEvent = new Map(passages.rows.map((row) => [row.reader_event_id, row]));
    const mismatched = [...trucks.decisions].filter(([n, told]) => {
      const row = byEvent.get(`chaos-${n}`);
      return !row || row.n !== 1 || row.id !== told.passageId || row.decision !== told.decision;
    });
    expect(mismatched).toEqual([]);
    const holds = [...trucks.decisions.values()].filter((told) => told.decision === 'HOLD');
    expect(holds.length).toBe(trucks.numbers.filter((n) => n % 10 === 9).length);

    // Every hold raised its alert; every change has its outbox event, once.
    const alerted = await sql.query<{ subject_id: string }>("SELECT subject_id::text FROM alerts WHERE kind = 'GATE_HOLD' AND subject_id::text = ANY($1::text[])", [holds.map((hold) => hold.passageId)]);
    const alertedIds = new Set(alerted.rows.map((row) => row.subject_id));
    expect(holds.filter((hold) => !alertedIds.has(hold.passageId))).toEqual([]);
    const ids = [...trucks.submitted.values()];
    const events = await sql.query<{ event_type: string; aggregate_id: string; n: number }>(
      `SELECT event_type, aggregate_id, count(*)::int AS n FROM outbox
        WHERE event_type IN ('declaration.submit', 'declaration.release', 'gate.passage') AND aggregate_id = ANY($1::text[]) GROUP BY 1, 2`,
      [[...ids, ...[...trucks.decisions.values()].map((told) => told.passageId)]],
    );
    const eventCount = new Map(events.rows.map((row) => [`${row.event_type} ${row.aggregate_id}`, row.n]));
    const missingEvents = [...trucks.submitted].filter(([n, id]) =>
      [`declaration.submit ${id}`, `declaration.release ${id}`, `gate.passage ${trucks.decisions.get(n)?.passageId}`].some((key) => eventCount.get(key) !== 1),
    );
    expect(missingEvents).toEqual([]);

    // The trucks let through complete their declarations and post to the books, whatever was
    // killed in between (the settler picks up what it missed); then the books balance.
    const opened = [...trucks.decisions.values()].filter((told) => told.decision === 'OPEN').length;
    let completed = 0;
    for (let wait = 0; wait < 120 && completed < opened; wait++) {
      const [row] = (await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM declarations WHERE id = ANY($1::uuid[]) AND state = 'COMPLETED'", [ids])).rows;
      completed = row?.n ?? 0;
      if (completed < opened) await sleep(500);
    }
    expect(completed).toBe(opened);
    const receipts = await sql.query<{ declaration_id: string; n: number }>(
      `SELECT d.id::text AS declaration_id, count(m.id)::int AS n FROM declarations d LEFT JOIN movements m ON m.declaration_id = d.id AND m.kind = 'RECEIPT'
        WHERE d.id = ANY($1::uuid[]) AND d.state = 'COMPLETED' GROUP BY d.id HAVING count(m.id) <> 1`,
      [ids],
    );
    expect(receipts.rows).toEqual([]);
    const unbalanced = await sql.query<{ lot_number: string }>(
      `SELECT l.lot_number FROM lots l LEFT JOIN movements m ON m.lot_id = l.id
        GROUP BY l.id, l.lot_number, l.quantity HAVING l.quantity <> coalesce(sum(m.quantity), 0)`,
    );
    expect(unbalanced.rows).toEqual([]);
    const [lots] = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM lots WHERE receiving_declaration_id = ANY($1::uuid[])', [ids])).rows;
    expect(lots?.n).toBe(opened);
    return trucks.submitted.size + trucks.decisions.size + holds.length + ids.length * 3 + (lots?.n ?? 0);
  }

  /** Every fix the trips were acknowledged is stored, once (the primary key is the trip and the time). */
  async function checkTracks(trips: Array<{ tripId: string }>): Promise<number> {
    const positions = await sql.query<{ trip_id: string; n: number }>('SELECT trip_id::text, count(*)::int AS n FROM trip_positions WHERE trip_id = ANY($1::uuid[]) GROUP BY 1', [
      trips.map((trip) => trip.tripId),
    ]);
    const storedFixes = new Map(positions.rows.map((row) => [row.trip_id, row.n]));
    expect(trips.map((trip) => storedFixes.get(trip.tripId) ?? 0)).toEqual(trips.map(() => BATCHES_PER_TRIP * FIXES_PER_BATCH));
    return trips.length * BATCHES_PER_TRIP * FIXES_PER_BATCH;
  }

  /** The transparency log, signed now, audits against the tables; returns the leaves checked. */
  async function checkLog(atLeast: number): Promise<number> {
    const checkpoint = await admin.expect('POST', '/api/v1/transparency/checkpoints', undefined, { status: 201 });
    const audit = (await admin.expect('POST', '/api/v1/transparency/audit', { checkpoint: stringField(checkpoint, 'note', 'checkpoint') }, { status: 200 })) as { ok: boolean; leavesChecked: number; problem: unknown };
    expect(audit).toMatchObject({ ok: true, problem: null });
    expect(audit.leavesChecked).toBeGreaterThan(atLeast);
    return audit.leavesChecked;
  }

  it('loses and duplicates nothing acknowledged when the server is killed at random moments', async () => {
    const trips = await startTrips('CHKU', TRIPS);
    let running = true;
    // The killer: SIGKILL at random moments while the clients work, then a restart at once.
    const killer = (async () => {
      for (let kill = 0; kill < KILLS && running; kill++) {
        await sleep(1500 + randomInt(3500));
        if (!running) break;
        await cordon.kill();
        stats.kills += 1;
        await sleep(randomInt(500));
        await cordon.start();
      }
    })();
    const [trucks] = await Promise.all([sendTrucks(0, TRUCKS), sendTracks(trips)]);
    running = false;
    await killer;
    expect(stats.kills).toBeGreaterThanOrEqual(2);
    // With the database up, a killed server shows as a cut connection, never as an error.
    expect(stats.serverErrors).toBe(0);
    stats.checked += (await checkTrucks(trucks)) + (await checkTracks(trips)) + (await checkLog(TRUCKS * 3));
  }, 900_000);

  it('loses and duplicates nothing acknowledged when PostgreSQL itself crashes, and the server stays up', async () => {
    const trips = await startTrips('CHPU', TRIPS);
    let running = true;
    let crashes = 0;
    const crasher = (async () => {
      for (let crash = 0; crash < DATABASE_CRASHES && running; crash++) {
        await sleep(1000 + randomInt(2000));
        if (!running) break;
        await postgres.crash();
        crashes += 1;
        await sleep(500 + randomInt(1000));
        await postgres.start();
      }
    })();
    const [trucks] = await Promise.all([sendTrucks(TRUCKS, TRUCKS_THROUGH_DATABASE_CRASHES), sendTracks(trips)]).catch((error: unknown) => {
      throw new Error(`${String(error)}\nthe server's crashes: ${cordon.crashes.join('\n') || 'none'}`);
    });
    running = false;
    await crasher;
    stats.databaseCrashes += crashes;
    expect(crashes).toBeGreaterThanOrEqual(1);
    // The server answered errors while its database was away, and came through without a restart.
    expect(cordon.crashes).toEqual([]);
    stats.checked += (await checkTrucks(trucks)) + (await checkTracks(trips)) + (await checkLog(TRUCKS_THROUGH_DATABASE_CRASHES * 3));
  }, 900_000);

  it('restores a pg_dump taken while clients write into a server whose books balance and whose log audits', async () => {
    const dumping = (async () => {
      await sleep(1000 + randomInt(1000));
      return postgres.dump('cordon');
    })();
    const [trucks, dumped] = await Promise.all([sendTrucks(TRUCKS + TRUCKS_THROUGH_DATABASE_CRASHES, TRUCKS_DURING_BACKUP), dumping]);
    expect(trucks.submitted.size).toBe(TRUCKS_DURING_BACKUP);
    const restoredUrl = await postgres.restore(dumped, 'cordon_restored');
    const restored = await startCordon(restoredUrl, 'restored');
    const copy = new pg.Pool({ connectionString: restoredUrl, max: 1 });
    try {
      // The copy holds part of what was written during the dump, as one consistent moment.
      const count = async (db: pg.Pool) => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM declarations WHERE trader_reference LIKE 'CHAOS-%'")).rows[0]?.n ?? 0;
      const [inCopy, inOriginal] = [await count(copy), await count(sql)];
      expect(inCopy).toBeGreaterThanOrEqual(TRUCKS + TRUCKS_THROUGH_DATABASE_CRASHES);
      expect(inCopy).toBeLessThanOrEqual(inOriginal);
      const unbalanced = await copy.query(
        `SELECT l.lot_number FROM lots l LEFT JOIN movements m ON m.lot_id = l.id GROUP BY l.id, l.lot_number, l.quantity HAVING l.quantity <> coalesce(sum(m.quantity), 0)`,
      );
      expect(unbalanced.rows).toEqual([]);
      // The restored server signs a checkpoint of the copy's log, and its records audit against it.
      const restoredAdmin = await login(restored.url, 'admin', ADMIN_PASSWORD);
      const checkpoint = await restoredAdmin.expect('POST', '/api/v1/transparency/checkpoints', undefined, { status: 201 });
      const audit = (await restoredAdmin.expect('POST', '/api/v1/transparency/audit', { checkpoint: stringField(checkpoint, 'note', 'checkpoint') }, { status: 200 })) as { ok: boolean; leavesChecked: number; problem: unknown };
      expect(audit).toMatchObject({ ok: true, problem: null });
      // And it carries on: a new declaration on the copy.
      const restoredTrader = await login(restored.url, 'chaos-trader', traderPassword);
      await restoredTrader.expect('POST', '/api/v1/declarations', { type: 'ADMISSION', zoneId, currency: 'USD', transport: { mode: 'ROAD', containers: [container('CHRU', 1)] }, lines: [{ hsCode: '851713', description: 'Smartphones', originCountry: 'CN', quantity: '1', unit: 'H87', netMass: '20', grossMass: '24', customsValue: '250.00' }] }, { status: 201 });
      stats.checked += inCopy + audit.leavesChecked;
      stats.backups += 1;
    } finally {
      await copy.end();
      await restored.stop();
    }
    expect(restored.crashes).toEqual([]);
    stats.checked += await checkTrucks(trucks);
  }, 600_000);

  it('stores every telemetry message the broker acknowledged once, through broker restarts and a server kill', async () => {
    const trips = await startTrips('CHMU', MQTT_DEVICES);
    const publisher: MqttClient = connect(broker.url, { clientId: `chaos-devices-${process.pid}`, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3600 }, reconnectPeriod: 200 });
    await new Promise<void>((resolve, reject) => {
      publisher.once('connect', () => resolve());
      publisher.once('error', reject);
    });
    let acknowledgedByBroker = 0;
    let chaosOver = false;
    // Cordon is killed while messages flow to it (some received, not yet stored, so not yet
    // acknowledged), and the broker restarts while Cordon is connected; twice each.
    const chaos = (async () => {
      for (let round = 0; round < 2; round++) {
        await sleep(1000 + randomInt(1000));
        await cordon.kill();
        stats.kills += 1;
        await cordon.start();
        await sleep(1000 + randomInt(1000));
        await broker.restart();
        stats.brokerRestarts += 1;
        // Cordon's subscriber reconnects after two seconds; the devices' publisher at once.
        await sleep(3000);
      }
    })().finally(() => (chaosOver = true));
    // The devices report every 20 ms each, from before the first restart until after the last.
    const published = new Map<string, number>();
    await runLoad({ count: MQTT_DEVICES, concurrency: MQTT_DEVICES, maxSeconds: LOAD_SECONDS }, async (k) => {
      const trip = trips[k] as (typeof trips)[number];
      let index = 0;
      while (!chaosOver || index < MQTT_MIN_FIXES_PER_DEVICE) {
        // Each fix once: the publisher's own session sends again what the broker did not acknowledge.
        stats.sent += 1;
        await publisher.publishAsync(telemetryTopic(trip.device), JSON.stringify(fixAt(trip.route, index, MQTT_ROUTE_FIXES)), { qos: 1 });
        index += 1;
        acknowledgedByBroker += 1;
        stats.acknowledged += 1;
        await sleep(20);
      }
      published.set(trip.tripId, index);
    });
    await chaos;
    await publisher.endAsync();

    // Cordon acknowledges to the broker only once stored; what it had not stored comes again.
    const ids = trips.map((trip) => trip.tripId);
    let stored = 0;
    for (let wait = 0; wait < 120 && stored < acknowledgedByBroker; wait++) {
      const [row] = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM trip_positions WHERE trip_id = ANY($1::uuid[])', [ids])).rows;
      stored = row?.n ?? 0;
      if (stored < acknowledgedByBroker) await sleep(500);
    }
    const perTrip = await sql.query<{ trip_id: string; n: number; distinct_times: number }>(
      'SELECT trip_id::text, count(*)::int AS n, count(DISTINCT at)::int AS distinct_times FROM trip_positions WHERE trip_id = ANY($1::uuid[]) GROUP BY 1',
      [ids],
    );
    stats.lost += acknowledgedByBroker - stored;
    stats.duplicated += perTrip.rows.reduce((sum, row) => sum + row.n - row.distinct_times, 0);
    const storedPerTrip = new Map(perTrip.rows.map((row) => [row.trip_id, [row.n, row.distinct_times]]));
    const drops = await sql.query('SELECT reason, sum(count)::int AS n FROM telemetry_drops GROUP BY 1');
    expect(trips.map((trip) => storedPerTrip.get(trip.tripId)), `drops: ${JSON.stringify(drops.rows)}; the server's log: ${cordon.recentOutput()}`).toEqual(trips.map((trip) => [published.get(trip.tripId), published.get(trip.tripId)]));
    stats.checked += stored;
    console.log(
      `chaos: ${stats.sent.toLocaleString('en-US')} operations sent, ${stats.acknowledged.toLocaleString('en-US')} acknowledged, ${stats.kills} kills (SIGKILL), ` +
        `${stats.brokerRestarts} broker restarts, ${stats.databaseCrashes} PostgreSQL crashes, ${stats.backups} backup restored, ${stats.serverErrors} errors answered while it was away, ${stats.retries.toLocaleString('en-US')} retries, ${stats.checked.toLocaleString('en-US')} records checked, lost: ${stats.lost}, duplicated: ${stats.duplicated}`,
    );
  }, 600_000);
});
