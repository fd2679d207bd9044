// The process's CCTV housekeeping: the coverage check every few minutes, retention once a day (and
// soon after start, so that a process restarted more often than daily still applies it). A run still
// going when its next turn comes is not started twice, and stopping waits for the one in flight.
import type { CctvService } from './cctv.service.ts';

export const COVERAGE_CHECK_EVERY_MS = 5 * 60_000;
export const RETENTION_EVERY_MS = 24 * 3_600_000;
const FIRST_RETENTION_AFTER_MS = 60_000;

interface HousekeepingLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

interface Job {
  timers: NodeJS.Timeout[];
  inFlight: Promise<void> | null;
}

/** Starts the timers; the returned function stops them once the runs in flight have ended. */
export function startCctvHousekeeping(cctv: CctvService, log: HousekeepingLog): () => Promise<void> {
  const jobs: Job[] = [];
  const schedule = (everyMs: number, firstAfterMs: number | null, run: () => Promise<void>, failure: string) => {
    const job: Job = { timers: [], inFlight: null };
    const turn = () => {
      if (job.inFlight) return;
      job.inFlight = run()
        .catch((error: unknown) => log.warn({ err: error }, failure))
        .finally(() => {
          job.inFlight = null;
        });
    };
    job.timers.push(setInterval(turn, everyMs));
    if (firstAfterMs !== null) job.timers.push(setTimeout(turn, firstAfterMs));
    for (const timer of job.timers) timer.unref();
    jobs.push(job);
  };

  schedule(
    COVERAGE_CHECK_EVERY_MS,
    null,
    async () => {
      const check = await cctv.checkCoverage();
      if (check.alertsRaised > 0) log.info(check, 'CCTV coverage gaps raised as alerts');
    },
    'CCTV coverage check failed',
  );
  schedule(
    RETENTION_EVERY_MS,
    FIRST_RETENTION_AFTER_MS,
    async () => {
      const run = await cctv.applyRetention();
      if (run.deleted > 0 || run.kept > 0) log.info(run, 'CCTV snapshot retention applied');
    },
    'CCTV snapshot retention failed',
  );

  return async () => {
    for (const job of jobs) for (const timer of job.timers) clearTimeout(timer);
    await Promise.all(jobs.map((job) => job.inFlight ?? Promise.resolve()));
  };
}
