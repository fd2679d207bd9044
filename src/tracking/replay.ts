// Real GPS tracks turned into trips: a recorded track is fitted between two gates (turned, scaled
// and moved as a whole, so its bends stay those of a real road) and given times at a driving speed.
// The demo replays such trips as live traffic and the benchmark publishes them; both can bend a run
// of points aside (a detour) to show what the monitor makes of it.
import { distanceMeters, METERS_PER_DEGREE, type LonLat } from './geo.ts';

const RAD = Math.PI / 180;

/** A local plane around `origin`, in metres east and north: exact enough over tens of kilometres. */
function planeAround(origin: LonLat) {
  const metersPerLon = METERS_PER_DEGREE * Math.cos(origin[1] * RAD);
  return {
    toPlane: ([lon, lat]: LonLat): [number, number] => [(lon - origin[0]) * metersPerLon, (lat - origin[1]) * METERS_PER_DEGREE],
    fromPlane: ([x, y]: [number, number]): LonLat => [origin[0] + x / metersPerLon, origin[1] + y / METERS_PER_DEGREE],
  };
}

/**
 * `track` turned, scaled and moved as a whole so that it starts at `from` and ends at `to`. The
 * track must not end where it began (its two ends at least 100 m apart).
 */
export function fitTrack(track: readonly LonLat[], from: LonLat, to: LonLat): LonLat[] {
  const first = track[0];
  const last = track[track.length - 1];
  if (!first || !last || distanceMeters(first, last) < 100) throw new RangeError('a track to fit must have two ends at least 100 m apart');
  const source = planeAround(first);
  const target = planeAround(from);
  const [ex, ey] = source.toPlane(last);
  const [gx, gy] = target.toPlane(to);
  // The complex ratio (g / e): one multiplication turns and scales every point.
  const norm = ex * ex + ey * ey;
  const re = (gx * ex + gy * ey) / norm;
  const im = (gy * ex - gx * ey) / norm;
  return track.map((point) => {
    const [x, y] = source.toPlane(point);
    return target.fromPlane([x * re - y * im, x * im + y * re]);
  });
}

/** The track without points repeated in place (a recorder standing still writes the same fix again). */
export function withoutRepeats(track: readonly LonLat[]): LonLat[] {
  return track.filter((point, index) => index === 0 || point[0] !== track[index - 1]?.[0] || point[1] !== track[index - 1]?.[1]);
}

/** The length of the track, metres. */
export function trackLength(track: readonly LonLat[]): number {
  let meters = 0;
  for (let index = 1; index < track.length; index++) meters += distanceMeters(track[index - 1] as LonLat, track[index] as LonLat);
  return meters;
}

/** When each point is reached driving at `speedKmh` from `start`, at least `minSeconds` between two fixes. */
export function timesAlong(track: readonly LonLat[], start: Date, speedKmh: number, minSeconds = 1): Date[] {
  const metersPerSecond = speedKmh / 3.6;
  let at = start.getTime();
  return track.map((point, index) => {
    if (index > 0) at += Math.max(minSeconds, distanceMeters(track[index - 1] as LonLat, point) / metersPerSecond) * 1000;
    return new Date(Math.round(at));
  });
}

/**
 * The track with points `from` to `to` (inclusive) moved `meters` to the left of the direction of
 * travel (negative: to the right), as a driver leaving the road for a while would be seen; over the
 * first and last `easing` points of the run the offset grows and shrinks, as a road leaving and
 * joining again would (an instant jump would read as an impossible speed).
 */
export function withDetour(track: readonly LonLat[], from: number, to: number, meters: number, easing = 0): LonLat[] {
  const start = track[from];
  const end = track[Math.min(to + 1, track.length - 1)];
  if (!start || !end || from > to) throw new RangeError('a detour needs a run of points inside the track');
  const plane = planeAround(start);
  const [dx, dy] = plane.toPlane(end);
  const length = Math.hypot(dx, dy) || 1;
  // The left normal of the run's overall direction.
  const [nx, ny] = [(-dy / length) * meters, (dx / length) * meters];
  return track.map((point, index) => {
    if (index < from || index > to) return point;
    const share = easing > 0 ? Math.min(1, (index - from + 1) / (easing + 1), (to - index + 1) / (easing + 1)) : 1;
    const [x, y] = plane.toPlane(point);
    return plane.fromPlane([x + nx * share, y + ny * share]);
  });
}
