// Where the processor's time went during a phase of a benchmark: this process (all its threads,
// finished ones included), its main thread, and other processes named by pid (a broker, the database
// server's backends). Read from /proc, so figures other than this process's are Linux's alone; a
// process that cannot be read is left out and said to be.

import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc's times (USER_HZ), 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/** User plus system time of a process or thread, milliseconds; null when /proc cannot tell. */
async function procMs(statPath: string): Promise<number | null> {
  const stat = await readFile(statPath, 'utf8').catch(() => null);
  if (stat === null) return null;
  // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null;
}

export interface CpuSnapshot {
  at: number;
  processMs: number;
  mainThreadMs: number | null;
  /** By label, the summed time of its pids that could be read. */
  others: Map<string, Map<number, number>>;
}

/** What each of `others` (label: pids) and this process have used so far. */
export async function cpuSnapshot(others: Record<string, readonly number[]>): Promise<CpuSnapshot> {
  const usage = process.cpuUsage();
  const snapshot: CpuSnapshot = {
    at: performance.now(),
    processMs: (usage.user + usage.system) / 1000,
    mainThreadMs: await procMs(`/proc/${process.pid}/task/${process.pid}/stat`),
    others: new Map(),
  };
  for (const [label, pids] of Object.entries(others)) {
    const times = new Map<number, number>();
    for (const pid of pids) {
      const ms = await procMs(`/proc/${pid}/stat`);
      if (ms !== null) times.set(pid, ms);
    }
    snapshot.others.set(label, times);
  }
  return snapshot;
}

/** A phase of a benchmark from its start to its end; a phase run in rounds is several. */
export type CpuInterval = readonly [start: CpuSnapshot, end: CpuSnapshot];

/**
 * Microseconds of processor time per item over the intervals of a phase, by who spent them, and the
 * wall time per item. A pid seen only at an interval's end started during it and counts from nothing;
 * one seen only at its start ended during it and its time is lost (the figure is then a floor).
 */
export function cpuPerItem(intervals: readonly CpuInterval[], items: number): string {
  const per = (ms: number) => ((ms * 1000) / items).toFixed(1);
  const sum = (of: (start: CpuSnapshot, end: CpuSnapshot) => number) => intervals.reduce((total, [start, end]) => total + of(start, end), 0);
  const parts = [`this process ${per(sum((start, end) => end.processMs - start.processMs))}`];
  if (intervals.every(([start, end]) => start.mainThreadMs !== null && end.mainThreadMs !== null)) {
    parts.push(`its main thread ${per(sum((start, end) => (end.mainThreadMs as number) - (start.mainThreadMs as number)))}`);
  }
  for (const label of intervals[0]?.[1].others.keys() ?? []) {
    let spent = 0;
    let lost = false;
    let known = false;
    for (const [start, end] of intervals) {
      const times = end.others.get(label) ?? new Map<number, number>();
      const before = start.others.get(label) ?? new Map<number, number>();
      known ||= times.size > 0;
      for (const [pid, ms] of times) spent += ms - (before.get(pid) ?? 0);
      lost ||= [...before.keys()].some((pid) => !times.has(pid));
    }
    parts.push(known ? `${label} ${lost ? 'at least ' : ''}${per(spent)}` : `${label} unknown`);
  }
  return `${parts.join(', ')}; wall time ${per(sum((start, end) => end.at - start.at))}`;
}
