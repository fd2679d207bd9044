// Closed-loop load: a fixed number of requests in flight, each worker sending its next request as
// soon as the previous one is answered, until a count or a time limit is reached.

export interface LoadRun {
  completed: number;
  seconds: number;
  /** One per completed task, in milliseconds. */
  latenciesMs: number[];
}

export interface LoadOptions {
  count: number;
  concurrency: number;
  /** Stops starting new tasks after this long, so a slow machine still finishes the suite in time. */
  maxSeconds: number;
}

/** Runs `task(0)`, `task(1)`, … with `concurrency` in flight; the first failure stops the run and is thrown. */
export async function runLoad(options: LoadOptions, task: (index: number) => Promise<void>): Promise<LoadRun> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = started + options.maxSeconds * 1000;
  let next = 0;
  let finished = started;
  let failure: { error: unknown } | null = null;

  const worker = async () => {
    while (failure === null && next < options.count && performance.now() < deadline) {
      const index = next++;
      const sent = performance.now();
      try {
        await task(index);
      } catch (error) {
        failure ??= { error };
        return;
      }
      finished = performance.now();
      latenciesMs.push(finished - sent);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.count) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return { completed: latenciesMs.length, seconds: (finished - started) / 1000, latenciesMs };
}
