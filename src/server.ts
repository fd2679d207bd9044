// Owns the process: opens the database, migrates, seeds the first admin (and the demo), listens,
// and closes everything in order on SIGINT / SIGTERM so no acknowledged write is cut off.
import { buildApp } from './app.ts';
import { createContext } from './context.ts';
import type { Config } from './platform/config.ts';
import { openDb } from './platform/db/db.ts';
import { migrate } from './platform/db/migrate.ts';
import type { App } from './platform/http/types.ts';
import { purgeIdempotencyKeys } from './platform/http/idempotency.ts';
import { cctvHousekeeping } from './cctv/cctv.schedule.ts';
import { startSchedule } from './platform/schedule.ts';
import { trackingJobs } from './tracking/tracking.schedule.ts';
import { startTelemetryOverMqtt } from './tracking/telemetry.mqtt.ts';
import { loggerOptions } from './platform/operations/logging.ts';

const HOUR_MS = 3_600_000;
const GATE_SETTLEMENT_EVERY_MS = 10_000;
const LOG_SEQUENCE_EVERY_MS = 2_000;
const LOG_CHECKPOINT_EVERY_MS = 60_000;
const FEED_PROJECTION_EVERY_MS = 2_000;
const FEED_DELIVERY_EVERY_MS = 5_000;
const CUSTODY_RECORDS_EVERY_MS = 5_000;

export interface RunningServer {
  app: App;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? null : `${config.dataDir}/pg` });
  const applied = await migrate(db);
  const ctx = await createContext(config, db);
  const app = await buildApp(ctx, { logger: loggerOptions(config.logLevel) });
  if (applied.length > 0) app.log.info({ migrations: applied }, 'database migrated');

  // Telemetry over MQTT: Cordon's subscriber, on the broker of MQTT_URL or on its own embedded broker
  // (started before the first admin is made, so that a port in use stops a new server early).
  const mqtt = await startTelemetryOverMqtt({
    config,
    clock: ctx.clock,
    ingest: ctx.tracking.ingest,
    authenticate: (token) => ctx.identity.authenticate(token),
    deviceZone: (deviceId) => ctx.tracking.service.deviceZone(deviceId),
    log: app.log,
  });
  ctx.readiness.watch('mqtt', () => (mqtt.subscriber.connected ? null : 'the MQTT subscriber is not connected to its broker'));

  const admin = await ctx.identity.ensureFirstAdmin(config.adminPassword);
  const background: Array<() => Promise<void>> = [];
  if (admin.created) {
    const seeded = config.demo ? await (await import('./demo/demo.ts')).loadDemo(ctx) : null;
    printCredentials(admin.password, seeded?.users ?? []);
  }
  if (config.simulate) {
    const { startSimulator } = await import('./demo/simulator.ts');
    const simulator = startSimulator(ctx, { perMinute: config.simulateRate, log: app.log });
    background.push(() => simulator.stop());
  }

  // Housekeeping: expired sessions and day-old idempotency keys, and the risk model retrained when
  // its schedule says so and new inspection results came in (hourly); CCTV coverage and retention;
  // gate passages the books have not yet seen (those of a restart, and retries of failed ones).
  background.push(
    startSchedule(
      [
        {
          everyMs: HOUR_MS,
          firstAfterMs: null,
          run: async () => void (await Promise.all([ctx.identity.purgeExpiredSessions(), purgeIdempotencyKeys(db)])),
          failure: 'housekeeping failed',
        },
        {
          everyMs: HOUR_MS,
          firstAfterMs: null,
          run: async () => {
            if (await ctx.risk.retrainIfDue()) app.log.info('risk model retrained on schedule and activated');
          },
          failure: 'scheduled retraining failed',
        },
        ...cctvHousekeeping(ctx.cctv, app.log),
        { everyMs: GATE_SETTLEMENT_EVERY_MS, firstAfterMs: 1_000, run: () => ctx.gates.settle(), failure: 'settling gate passages failed' },
        // Entries get their leaves within seconds; a checkpoint is signed each minute the log grew.
        { everyMs: LOG_SEQUENCE_EVERY_MS, firstAfterMs: 1_000, run: async () => void (await ctx.log.sequence()), failure: 'sequencing the transparency log failed' },
        { everyMs: LOG_CHECKPOINT_EVERY_MS, firstAfterMs: 5_000, run: async () => void (await ctx.log.publish()), failure: 'publishing a checkpoint failed' },
        // Partner feeds: new outbox events become signed items; due webhook batches are sent.
        { everyMs: FEED_PROJECTION_EVERY_MS, firstAfterMs: 1_000, run: () => ctx.feeds.project(), failure: 'recording partner feed items failed' },
        { everyMs: FEED_DELIVERY_EVERY_MS, firstAfterMs: 2_000, run: async () => void (await ctx.feeds.deliverDue()), failure: 'delivering partner feeds failed' },
        // Trips: time-based alerts every 10 s, positions past their retention hourly.
        ...trackingJobs(ctx.tracking.service, app.log),
        // A completed trip's custody record, issued by Cordon itself within seconds.
        {
          everyMs: CUSTODY_RECORDS_EVERY_MS,
          firstAfterMs: 3_000,
          run: async () => {
            const run = await ctx.credentials.issuePendingCustodyRecords();
            if (run.skipped.length > 0) app.log.warn({ skipped: run.skipped }, 'custody records of completed trips refused');
          },
          failure: 'issuing custody records of completed trips failed',
        },
      ],
      app.log,
    ),
  );

  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info(`Cordon is listening on ${address} (database: ${db.dialect})`);

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // MQTT first: devices are let go and what Cordon holds is stored and acknowledged.
      await mqtt.stop();
      for (const stop of background) await stop();
      await app.close();
      // Telemetry already received is written before the database closes.
      await ctx.tracking.ingest.close();
      await mqtt.close();
      await db.close();
    })();
    return closing;
  };
  return { app, url: address, close };
}

function printCredentials(adminPassword: string | null, users: Array<{ username: string; role: string; password: string }>) {
  const lines: string[] = [];
  if (adminPassword) lines.push(`  admin                    admin                 ${adminPassword}`);
  for (const user of users) lines.push(`  ${user.username.padEnd(24)} ${user.role.padEnd(21)} ${user.password}`);
  if (lines.length === 0) return;
  // Printed once, on the first start of a new database; passwords are stored only as hashes.
  process.stdout.write(
    `\nCredentials (shown only this once):\n  ${'username'.padEnd(24)} ${'role'.padEnd(21)} password\n${lines.join('\n')}\n\n`,
  );
}
