// An open trip's row is a checkpoint of its live state, not a copy kept current. Its positions are
// the durable record (each flush stores them), and what the row holds besides (last fix, distance,
// count of positions, monitor state) follows from them: the ingest writes the row only when more
// than the last fix changed (a status, a seal state, an alert, an excursion or a stop beginning or
// ending) or when its last write is older than CHECKPOINT_EVERY_MS. Whoever reads the row adds the
// positions stored after its last fix, in the same way the ingest added them: so a reader, another
// process or the ingest after a crash sees what the ingest saw.
import { distanceMeters } from './geo.ts';
import type { MonitorState } from './monitor.ts';

/** The longest an open trip's row goes unwritten while its device reports. */
export const CHECKPOINT_EVERY_MS = 60_000;

/** A position as it is stored (coordinates to 10^-7 degree, speed to 0.1 km/h). */
export interface StoredFix {
  at: Date;
  lat: number;
  lon: number;
  speedKmh: number | null;
  heading: number | null;
  accuracyM: number | null;
}

/** What positions move on a trip. */
export interface TripTotals {
  lastAt: Date | null;
  lastLat: number | null;
  lastLon: number | null;
  lastSpeedKmh: number | null;
  distanceM: number;
  positions: number;
}

/** Coordinates and speed rounded as they are stored, so that a position counts the same live and read back. */
export function asStored<T extends { lat: number; lon: number; speedKmh: number | null }>(fix: T): T {
  const speedKmh = fix.speedKmh === null ? null : Math.min(32_767, Math.max(0, Math.round(fix.speedKmh * 10))) / 10;
  return { ...fix, lat: Math.round(fix.lat * 1e7) / 1e7, lon: Math.round(fix.lon * 1e7) / 1e7, speedKmh };
}

/** Adds one accepted position; the distance runs only while the trip is ACTIVE. */
export function addFix(totals: TripTotals, fix: Pick<StoredFix, 'at' | 'lat' | 'lon' | 'speedKmh'>, active: boolean): void {
  if (active && totals.lastLat !== null && totals.lastLon !== null) totals.distanceM += distanceMeters([totals.lastLon, totals.lastLat], [fix.lon, fix.lat]);
  totals.lastAt = fix.at;
  totals.lastLat = fix.lat;
  totals.lastLon = fix.lon;
  totals.lastSpeedKmh = fix.speedKmh;
  totals.positions += 1;
}

/**
 * Whether two monitor states differ only in their last message and last fix, which the positions
 * stored after a checkpoint reproduce. A flush whose trip changed more writes the row. Field by
 * field: it runs for every trip of every flush.
 */
export function sameBeyondLastFix(a: MonitorState, b: MonitorState): boolean {
  if (a === b) return true;
  const { seal, excursion, stop } = a;
  return (
    a.watchedSince === b.watchedSince &&
    a.originFenceAt === b.originFenceAt &&
    a.tamperedAt === b.tamperedAt &&
    a.signalLostFrom === b.signalLostFrom &&
    a.overdueRaised === b.overdueRaised &&
    a.lowBatteryFrom === b.lowBatteryFrom &&
    (seal === b.seal || (seal !== null && b.seal !== null && seal.state === b.seal.state && seal.at === b.seal.at)) &&
    (excursion === b.excursion ||
      (excursion !== null &&
        b.excursion !== null &&
        excursion.since === b.excursion.since &&
        excursion.backSince === b.excursion.backSince &&
        excursion.maxMetersOutside === b.excursion.maxMetersOutside &&
        excursion.raised === b.excursion.raised)) &&
    (stop === b.stop ||
      (stop !== null && b.stop !== null && stop.since === b.stop.since && stop.lon === b.stop.lon && stop.lat === b.stop.lat && stop.allowed === b.stop.allowed && stop.raised === b.stop.raised))
  );
}
