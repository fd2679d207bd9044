// Work a process does on a timer (housekeeping, sweeps). A run still going when its next turn comes
// is not started twice, a failed run is logged and tried at the next turn, and stopping waits for
// the runs in flight.

export interface ScheduledJob {
  everyMs: number;
  /** A first turn this long after start, besides the regular ones; none when null. */
  firstAfterMs: number | null;
  run: () => Promise<void>;
  /** What the log says when a run fails. */
  failure: string;
}

interface ScheduleLog {
  warn(details: object, message: string): void;
}

/** Starts the timers; the returned function stops them once the runs in flight have ended. */
export function startSchedule(jobs: readonly ScheduledJob[], log: ScheduleLog): () => Promise<void> {
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<void>>();
  for (const job of jobs) {
    let running: Promise<void> | null = null;
    const turn = () => {
      if (running) return;
      const current = job
        .run()
        .catch((error: unknown) => log.warn({ err: error }, job.failure))
        .finally(() => {
          running = null;
          inFlight.delete(current);
        });
      running = current;
      inFlight.add(current);
    };
    timers.push(setInterval(turn, job.everyMs));
    if (job.firstAfterMs !== null) timers.push(setTimeout(turn, job.firstAfterMs));
  }
  for (const timer of timers) timer.unref();
  return async () => {
    for (const timer of timers) clearTimeout(timer);
    await Promise.all(inFlight);
  };
}
