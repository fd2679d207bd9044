// The process's tracking work on a timer: the time-based checks of ACTIVE trips (signal lost,
// overdue arrival, a stop that has lasted) every few seconds, and the retention of positions hourly.
import type { ScheduledJob } from '../platform/schedule.ts';
import type { TrackingService } from './tracking.service.ts';

export const TRIP_CHECK_EVERY_MS = 10_000;
export const RETENTION_EVERY_MS = 3_600_000;
const FIRST_RETENTION_AFTER_MS = 60_000;

interface ScheduleLog {
  info(details: object, message: string): void;
}

export function trackingJobs(tracking: TrackingService, log: ScheduleLog): ScheduledJob[] {
  return [
    {
      everyMs: TRIP_CHECK_EVERY_MS,
      firstAfterMs: null,
      run: async () => {
        const checked = await tracking.tick();
        if (checked.alertsRaised > 0) log.info(checked, 'trip alerts raised by the time-based checks');
      },
      failure: 'checking active trips failed',
    },
    {
      everyMs: RETENTION_EVERY_MS,
      firstAfterMs: FIRST_RETENTION_AFTER_MS,
      run: async () => {
        const run = await tracking.applyRetention();
        if (run.positions > 0 || run.dropRows > 0) log.info(run, 'trip positions past their retention deleted');
      },
      failure: 'trip position retention failed',
    },
  ];
}
