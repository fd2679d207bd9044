// Owns the process: opens the database, migrates, seeds the first admin (and the demo), listens,
// and closes everything in order on SIGINT / SIGTERM so no acknowledged write is cut off.
import { buildApp } from './app.ts';
import { createContext } from './context.ts';
import type { Config } from './platform/config.ts';
import { openDb } from './platform/db/db.ts';
import { migrate } from './platform/db/migrate.ts';
import type { App } from './platform/http/types.ts';
import { purgeIdempotencyKeys } from './platform/http/idempotency.ts';
import { startCctvHousekeeping } from './cctv/cctv.schedule.ts';

export interface RunningServer {
  app: App;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? null : `${config.dataDir}/pg` });
  const applied = await migrate(db);
  const ctx = await createContext(config, db);
  const app = await buildApp(ctx, {
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
    },
  });
  if (applied.length > 0) app.log.info({ migrations: applied }, 'database migrated');

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

  // Housekeeping: expired sessions and day-old idempotency keys; the risk model retrained when its
  // schedule says so and new inspection results came in.
  const housekeeping = setInterval(() => {
    Promise.all([ctx.identity.purgeExpiredSessions(), purgeIdempotencyKeys(db)]).catch((error: unknown) =>
      app.log.warn({ err: error }, 'housekeeping failed'),
    );
    ctx.risk.retrainIfDue().then(
      (retrained) => {
        if (retrained) app.log.info('risk model retrained on schedule and activated');
      },
      (error: unknown) => app.log.warn({ err: error }, 'scheduled retraining failed'),
    );
  }, 3_600_000);
  housekeeping.unref();
  background.push(() => {
    clearInterval(housekeeping);
    return Promise.resolve();
  });
  background.push(startCctvHousekeeping(ctx.cctv, app.log));

  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info(`Cordon is listening on ${address} (database: ${db.dialect})`);

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      for (const stop of background) await stop();
      await app.close();
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
