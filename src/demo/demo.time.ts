// Time for the demo: a clock the loader moves by hand so that past declarations carry the moments
// they would have had, and the zones' local wall time (working hours, gate hours) in their time zone.
import type { Clock } from '../platform/clock.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A clock that shows whatever moment it was last set to. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(at: Date): void {
    this.current = new Date(at.getTime());
  }
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 Sunday … 6 Saturday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall time in `timeZone` at the instant `at`. */
export function wallTime(at: Date, timeZone: string): WallTime & { second: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((part) => [part.type, part.value]));
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  return {
    year,
    month,
    day,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Minutes the zone is ahead of UTC at `at` (negative west of Greenwich). */
function offsetMinutes(at: Date, timeZone: string): number {
  const wall = wallTime(at, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / MINUTE);
}

/** The instant at which clocks in `timeZone` show the given date and time. */
export function atWallTime(timeZone: string, year: number, month: number, day: number, hour: number, minute: number): Date {
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes settle the offset on either side of a daylight-saving change.
  let guess = naive - offsetMinutes(new Date(naive), timeZone) * MINUTE;
  guess = naive - offsetMinutes(new Date(guess), timeZone) * MINUTE;
  return new Date(guess);
}

/** The calendar day `days` after the given one (negative for before). */
export function addDays(date: { year: number; month: number; day: number }, days: number) {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate(), weekday: moved.getUTCDay() };
}

/**
 * Moves `at` into the daily hours [open, close) of the zone's wall time: before opening it waits
 * for the opening of the same day, after closing for the next day's, plus `extraMinutes`.
 */
export function withinHours(at: Date, timeZone: string, open: number, close: number, extraMinutes: number): Date {
  const wall = wallTime(at, timeZone);
  if (wall.hour >= open && wall.hour < close) return at;
  const day = wall.hour < open ? wall : addDays(wall, 1);
  return new Date(atWallTime(timeZone, day.year, day.month, day.day, open, 0).getTime() + extraMinutes * MINUTE);
}

/**
 * Things to do at given moments, taken earliest first; things due at the same moment come out in
 * the order they were added, so that a replay of the same plan acts in the same order.
 */
export class Agenda<T> {
  private readonly entries: Array<{ at: number; value: T }> = [];

  add(at: Date, value: T): void {
    const time = at.getTime();
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.entries[mid]?.at ?? 0) <= time) low = mid + 1;
      else high = mid;
    }
    this.entries.splice(low, 0, { at: time, value });
  }

  next(): { at: Date; value: T } | undefined {
    const first = this.entries.shift();
    return first ? { at: new Date(first.at), value: first.value } : undefined;
  }
}
