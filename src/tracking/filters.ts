// The filter in front of the trip monitor: a fix that cannot be right (out of range, at 0,0, from
// the future, older than what is known, a jump no truck can make, too imprecise) is dropped before
// it can move a trip or raise an alert, and counted by its reason.
import { haversineMeters } from './geo.ts';

export const DROP_REASONS = ['MALFORMED', 'INVALID', 'ZERO', 'DUPLICATE', 'OUT_OF_ORDER', 'FUTURE', 'IMPOSSIBLE_SPEED', 'POOR_ACCURACY', 'NO_TRIP'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface FilterSettings {
  /** How far ahead of the receive time a device's clock may be, seconds. */
  futureToleranceSeconds: number;
  maxSpeedKmh: number;
  maxAccuracyMeters: number;
}

export const DEFAULT_FILTER_SETTINGS: FilterSettings = { futureToleranceSeconds: 60, maxSpeedKmh: 160, maxAccuracyMeters: 100 };

export interface AcceptedFix {
  at: Date;
  lat: number;
  lon: number;
}

/**
 * The time check every message gets (positions, seal states and events): INVALID when the time names
 * no instant, FUTURE when it is more than the tolerance after the receive time, else null.
 */
export function checkTime(at: Date, receivedAt: Date, settings: FilterSettings): 'INVALID' | 'FUTURE' | null {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) return 'INVALID';
  return ms - receivedAt.getTime() > settings.futureToleranceSeconds * 1000 ? 'FUTURE' : null;
}

/**
 * Why a position fix is dropped, or null to accept it. `last` is the device's last accepted fix.
 * Each threshold is inclusive: a fix exactly at the tolerance, accuracy or speed limit is accepted.
 */
export function checkFix(
  last: AcceptedFix | null,
  fix: { at: Date; lat: number; lon: number; accuracyM: number | null },
  receivedAt: Date,
  settings: FilterSettings,
): DropReason | null {
  const { lat, lon, accuracyM } = fix;
  // Comparisons written so that NaN fails them.
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || (accuracyM !== null && !(accuracyM >= 0))) return 'INVALID';
  const time = checkTime(fix.at, receivedAt, settings);
  if (time === 'INVALID') return time;
  if (lat === 0 && lon === 0) return 'ZERO';
  if (time === 'FUTURE') return time;
  if (accuracyM !== null && accuracyM > settings.maxAccuracyMeters) return 'POOR_ACCURACY';
  if (last === null) return null;
  const elapsedMs = fix.at.getTime() - last.at.getTime();
  if (elapsedMs === 0) return 'DUPLICATE';
  if (elapsedMs < 0) return 'OUT_OF_ORDER';
  // km/h = (m / 1000) / (ms / 3,600,000) = m * 3600 / ms
  const speedKmh = (haversineMeters(last.lon, last.lat, lon, lat) * 3600) / elapsedMs;
  return speedKmh > settings.maxSpeedKmh ? 'IMPOSSIBLE_SPEED' : null;
}
