// The process's CCTV housekeeping: the coverage check every few minutes, retention once a day (and
// soon after start, so that a process restarted more often than daily still applies it).
import type { ScheduledJob } from '../platform/schedule.ts';
import type { CctvService } from './cctv.service.ts';

export const COVERAGE_CHECK_EVERY_MS = 5 * 60_000;
export const RETENTION_EVERY_MS = 24 * 3_600_000;
const FIRST_RETENTION_AFTER_MS = 60_000;

interface HousekeepingLog {
  info(details: object, message: string): void;
}

export function cctvHousekeeping(cctv: CctvService, log: HousekeepingLog): ScheduledJob[] {
  return [
    {
      everyMs: COVERAGE_CHECK_EVERY_MS,
      firstAfterMs: null,
      run: async () => {
        const check = await cctv.checkCoverage();
        if (check.alertsRaised > 0) log.info(check, 'CCTV coverage gaps raised as alerts');
      },
      failure: 'CCTV coverage check failed',
    },
    {
      everyMs: RETENTION_EVERY_MS,
      firstAfterMs: FIRST_RETENTION_AFTER_MS,
      run: async () => {
        const run = await cctv.applyRetention();
        if (run.deleted > 0 || run.kept > 0) log.info(run, 'CCTV snapshot retention applied');
      },
      failure: 'CCTV snapshot retention failed',
    },
  ];
}
