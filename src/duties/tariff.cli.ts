// `cordon tariff load FILE`: replaces the tariff schedule from the command line, with the same rules
// as PUT /api/v1/tariff. The file may be gzip-compressed (.gz), as the shipped sample is.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Config } from '../platform/config.ts';
import { openDb } from '../platform/db/db.ts';
import { migrate } from '../platform/db/migrate.ts';
import { systemClock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { loadReferenceData } from '../reference/reference.ts';
import { createRegistryService } from '../registry/registry.service.ts';
import { createTariffService } from './tariff.service.ts';

/** Returns the process exit status: 0 loaded, 1 refused (the reasons are printed). */
export async function runTariffLoad(config: Config, file: string, options: { currency?: string; source?: string }): Promise<number> {
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (error) {
    process.stderr.write(`cordon: cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  if (file.endsWith('.gz')) content = gunzipSync(content);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? null : `${config.dataDir}/pg` });
  try {
    await migrate(db);
    const reference = await loadReferenceData();
    const tariff = createTariffService({ db, clock: systemClock, reference, registry: createRegistryService({ db, clock: systemClock, reference }) });
    const schedule = await db.transaction((tx) => tariff.loadSchedule(tx, null, content, { ...options, source: options.source ?? file.split(/[\\/]/).pop() }));
    process.stdout.write(`tariff loaded: ${schedule.lineCount} lines, specific rates in ${schedule.currency}, sha256 ${schedule.sha256}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    process.stderr.write(`cordon: the tariff was not loaded: ${error.message}\n`);
    for (const detail of error.details) process.stderr.write(`  ${detail.path}: ${detail.message}\n`);
    return 1;
  } finally {
    await db.close();
  }
}
