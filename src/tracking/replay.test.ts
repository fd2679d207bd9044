import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { distanceMeters, distanceToLineMeters, type LonLat } from './geo.ts';
import { readTraces } from './gps-traces.ts';
import { fitTrack, timesAlong, trackLength, withDetour, withoutRepeats } from './replay.ts';

const traces = readTraces(path.join(import.meta.dirname, '../../data/gps/berlin_gps_traces.csv.gz'));
// Two gates of New York harbour's free zones, 13 km apart.
const ELIZABETH: LonLat = [-74.1685, 40.6675];
const BROOKLYN: LonLat = [-74.0101, 40.6541];

describe('fitting a real track between two gates', () => {
  const track = withoutRepeats(traces.get('39') ?? []);
  const fitted = fitTrack(track, ELIZABETH, BROOKLYN);

  it('starts at the first gate and ends at the second', () => {
    expect(distanceMeters(fitted[0] as LonLat, ELIZABETH)).toBeLessThan(0.01);
    expect(distanceMeters(fitted[fitted.length - 1] as LonLat, BROOKLYN)).toBeLessThan(0.01);
  });

  it('keeps the shape: every distance between points scaled by the same factor', () => {
    const scale = distanceMeters(ELIZABETH, BROOKLYN) / distanceMeters(track[0] as LonLat, track[track.length - 1] as LonLat);
    for (const [a, b] of [[0, 100], [50, 300], [10, track.length - 20]] as const) {
      const before = distanceMeters(track[a] as LonLat, track[b] as LonLat);
      const after = distanceMeters(fitted[a] as LonLat, fitted[b] as LonLat);
      expect(after / before).toBeCloseTo(scale, 2);
    }
    expect(trackLength(fitted) / trackLength(track)).toBeCloseTo(scale, 2);
  });

  it('refuses a track that ends where it began', () => {
    expect(() => fitTrack([ELIZABETH, [-74.168, 40.6675], ELIZABETH], ELIZABETH, BROOKLYN)).toThrow(RangeError);
  });
});

describe('driving a track', () => {
  it('reaches each point at the given speed, never two fixes within the minimum interval', () => {
    const line: LonLat[] = [[13.4, 52.5], [13.4, 52.5009], [13.4, 52.50091], [13.4, 52.51]];
    const times = timesAlong(line, new Date('2026-05-01T08:00:00Z'), 36, 2);
    // 100.08 m at 10 m/s, then 1.1 m (raised to the 2 s minimum), then 1010.76 m (0.00909° of latitude).
    expect(times.map((t) => t.getTime() - Date.parse('2026-05-01T08:00:00Z'))).toEqual([0, 10_008, 12_008, 113_084]);
  });

  it('moves a detour sideways by the distance asked and leaves the rest in place', () => {
    const track = withoutRepeats(traces.get('39') ?? []);
    const detoured = withDetour(track, 200, 240, 600);
    for (let index = 200; index <= 240; index++) {
      expect(distanceToLineMeters(detoured[index] as LonLat, track)).toBeGreaterThan(300);
      expect(distanceMeters(detoured[index] as LonLat, track[index] as LonLat)).toBeCloseTo(600, -1);
    }
    expect(detoured[199]).toEqual(track[199]);
    expect(detoured[241]).toEqual(track[241]);
  });
});

describe('easing a detour', () => {
  it('grows the offset over the first points of the run and shrinks it over the last', () => {
    const track = withoutRepeats(traces.get('39') ?? []);
    const detoured = withDetour(track, 100, 140, 800, 3);
    const offset = (index: number) => distanceMeters(detoured[index] as LonLat, track[index] as LonLat);
    expect([100, 101, 102].map((index) => Math.round(offset(index)))).toEqual([200, 400, 600]);
    expect(offset(120)).toBeCloseTo(800, -1);
    expect([138, 139, 140].map((index) => Math.round(offset(index)))).toEqual([600, 400, 200]);
  });
});
