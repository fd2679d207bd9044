// `cordon log …`: the transparency log for operators and auditors. `audit` checks this server's
// database against a checkpoint the auditor kept; `verify-bundle` checks a book's proof bundle
// offline, with the administration's verifier key from a source the checker trusts.
import { readFileSync } from 'node:fs';
import type { Config } from '../platform/config.ts';
import { verifyBookBundle, type BookBundleFile } from './bundle.ts';

export async function runLogAudit(config: Config, checkpointFile: string, verifierKey: string | undefined): Promise<number> {
  const { openDb } = await import('../platform/db/db.ts');
  const { createLogService } = await import('./log.service.ts');
  const { loadSigningKey } = await import('../platform/keys/signing-key.ts');
  const { systemClock } = await import('../platform/clock.ts');
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? null : `${config.dataDir}/pg` });
  try {
    const log = createLogService({ db, clock: systemClock, signingKey: await loadSigningKey(db, config.signingKeyPem), origin: config.logOrigin });
    const started = performance.now();
    const report = await log.audit(readFileSync(checkpointFile, 'utf8'), verifierKey);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (report.ok) {
      process.stdout.write(`OK: ${report.leavesChecked} leaves match their records and the checkpoint's root (${seconds} s)\n`);
      return 0;
    }
    const problem = report.problem;
    process.stdout.write(`FAILED after ${report.leavesChecked} leaves: ${problem?.message ?? 'unknown'}\n`);
    for (const field of problem?.fields ?? []) process.stdout.write(`  ${field.field}: ${JSON.stringify(field.logged)} in the log, ${JSON.stringify(field.now)} in the database\n`);
    return 1;
  } finally {
    await db.close();
  }
}

export function runVerifyBundle(bundleFile: string, verifierKey: string): number {
  const bundle = JSON.parse(readFileSync(bundleFile, 'utf8')) as BookBundleFile;
  const verdict = verifyBookBundle(bundle, verifierKey);
  if (verdict.ok) {
    process.stdout.write(`OK: ${verdict.movementsChecked} movements of book ${bundle.book.code} are in the log of ${verdict.checkpointSize} leaves\n`);
    return 0;
  }
  for (const problem of verdict.problems) process.stdout.write(`FAILED: ${problem}\n`);
  return 1;
}
