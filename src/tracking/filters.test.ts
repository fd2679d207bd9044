// The fix filter: one test per reason, each threshold on both sides of its edge.
import { describe, expect, it } from 'vitest';
import { checkFix, checkTime, DEFAULT_FILTER_SETTINGS, DROP_REASONS, type AcceptedFix } from './filters.ts';
import { distanceMeters } from './geo.ts';

const settings = DEFAULT_FILTER_SETTINGS;
const receivedAt = new Date('2026-03-01T08:00:00Z');
const last: AcceptedFix = { at: new Date('2026-03-01T07:59:00Z'), lat: 25.0, lon: 55.0 };
const secondsAfterLast = (seconds: number) => new Date(last.at.getTime() + seconds * 1000);
const fix = (overrides: Partial<{ at: Date; lat: number; lon: number; accuracyM: number | null }> = {}) => ({
  at: secondsAfterLast(30),
  lat: 25.001,
  lon: 55.001,
  accuracyM: 8,
  ...overrides,
});

describe('fix filter', () => {
  it('has the defaults and reasons of the design', () => {
    expect(DEFAULT_FILTER_SETTINGS).toEqual({ futureToleranceSeconds: 60, maxSpeedKmh: 160, maxAccuracyMeters: 100 });
    expect(DROP_REASONS).toEqual(['MALFORMED', 'INVALID', 'ZERO', 'DUPLICATE', 'OUT_OF_ORDER', 'FUTURE', 'IMPOSSIBLE_SPEED', 'POOR_ACCURACY', 'NO_TRIP']);
  });

  it('accepts a plausible fix, with or without a previous one and an accuracy', () => {
    expect(checkFix(last, fix(), receivedAt, settings)).toBeNull();
    expect(checkFix(null, fix(), receivedAt, settings)).toBeNull();
    expect(checkFix(last, fix({ accuracyM: null }), receivedAt, settings)).toBeNull();
  });

  it('drops coordinates out of range or not numbers, an invalid time and a negative accuracy as INVALID', () => {
    for (const bad of [{ lat: Number.NaN }, { lon: Number.NaN }, { lat: 90.0001 }, { lat: -90.0001 }, { lon: 180.0001 }, { lon: -180.0001 }, { lat: Number.POSITIVE_INFINITY }]) {
      expect(checkFix(last, fix(bad), receivedAt, settings), JSON.stringify(bad)).toBe('INVALID');
    }
    expect(checkFix(last, fix({ at: new Date(Number.NaN) }), receivedAt, settings)).toBe('INVALID');
    expect(checkFix(last, fix({ accuracyM: -1 }), receivedAt, settings)).toBe('INVALID');
    expect(checkFix(last, fix({ accuracyM: Number.NaN }), receivedAt, settings)).toBe('INVALID');
    // The edges of the ranges are places on Earth.
    expect(checkFix(null, fix({ lat: 90, lon: 180 }), receivedAt, settings)).toBeNull();
    expect(checkFix(null, fix({ lat: -90, lon: -180 }), receivedAt, settings)).toBeNull();
  });

  it('drops the 0,0 of a receiver without a fix as ZERO, but not a point merely near it', () => {
    expect(checkFix(null, fix({ lat: 0, lon: 0 }), receivedAt, settings)).toBe('ZERO');
    expect(checkFix(null, fix({ lat: 0, lon: 0.00001 }), receivedAt, settings)).toBeNull();
    expect(checkFix(null, fix({ lat: 0.00001, lon: 0 }), receivedAt, settings)).toBeNull();
  });

  it('drops a fix at the same time as the last accepted one as DUPLICATE, an older one as OUT_OF_ORDER', () => {
    expect(checkFix(last, fix({ at: last.at }), receivedAt, settings)).toBe('DUPLICATE');
    expect(checkFix(last, fix({ at: new Date(last.at.getTime() - 1) }), receivedAt, settings)).toBe('OUT_OF_ORDER');
    expect(checkFix(last, fix({ at: new Date(last.at.getTime() + 1), lat: last.lat, lon: last.lon }), receivedAt, settings)).toBeNull();
  });

  it('drops a fix more than the tolerance ahead of the receive time as FUTURE', () => {
    const ahead = (ms: number) => new Date(receivedAt.getTime() + ms);
    expect(checkFix(null, fix({ at: ahead(60_000) }), receivedAt, settings)).toBeNull();
    expect(checkFix(null, fix({ at: ahead(60_001) }), receivedAt, settings)).toBe('FUTURE');
    expect(checkFix(null, fix({ at: ahead(5_000) }), receivedAt, { ...settings, futureToleranceSeconds: 0 })).toBe('FUTURE');
  });

  it('drops a fix less precise than allowed as POOR_ACCURACY', () => {
    expect(checkFix(last, fix({ accuracyM: 100 }), receivedAt, settings)).toBeNull();
    expect(checkFix(last, fix({ accuracyM: 100.01 }), receivedAt, settings)).toBe('POOR_ACCURACY');
    expect(checkFix(last, fix({ accuracyM: 30 }), receivedAt, { ...settings, maxAccuracyMeters: 25 })).toBe('POOR_ACCURACY');
  });

  it('drops a jump faster than the limit from the last accepted fix as IMPOSSIBLE_SPEED', () => {
    const target = { lat: 25.05, lon: 55.02 };
    const meters = distanceMeters([last.lon, last.lat], [target.lon, target.lat]);
    // The shortest whole number of milliseconds in which the jump stays within 160 km/h.
    const fastestMs = Math.ceil((meters * 3600) / 160);
    const at = (ms: number) => new Date(last.at.getTime() + ms);
    const late = new Date(last.at.getTime() + fastestMs);
    expect(checkFix(last, fix({ ...target, at: at(fastestMs) }), late, settings)).toBeNull();
    expect(checkFix(last, fix({ ...target, at: at(fastestMs - 1) }), late, settings)).toBe('IMPOSSIBLE_SPEED');
    // About 5.9 km in 60 s is 355 km/h: dropped by default, accepted when the limit allows it.
    const minuteLater = secondsAfterLast(60);
    expect(checkFix(last, fix({ ...target, at: minuteLater }), minuteLater, settings)).toBe('IMPOSSIBLE_SPEED');
    expect(checkFix(last, fix({ ...target, at: minuteLater }), minuteLater, { ...settings, maxSpeedKmh: 400 })).toBeNull();
  });

  it('checks the time of seal states and events for INVALID and FUTURE only', () => {
    expect(checkTime(new Date(Number.NaN), receivedAt, settings)).toBe('INVALID');
    expect(checkTime(new Date(receivedAt.getTime() + 60_000), receivedAt, settings)).toBeNull();
    expect(checkTime(new Date(receivedAt.getTime() + 60_001), receivedAt, settings)).toBe('FUTURE');
    // Late is fine: a seal opening reported a day late still matters.
    expect(checkTime(new Date(receivedAt.getTime() - 86_400_000), receivedAt, settings)).toBeNull();
  });
});
