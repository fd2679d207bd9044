// Distances and containment on the WGS84 sphere, for trips measured in metres to kilometres.
// Coordinates are [longitude, latitude] in degrees. Distances to lines use a local equirectangular
// projection around the point, exact enough (well under 1 %) within tens of kilometres of it.
// Shapes crossing the antimeridian (longitude ±180) are not supported.
import Flatbush from 'flatbush';

export type LonLat = [number, number];

/** The mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_METERS = 6371008.8;
const RAD = Math.PI / 180;
/** Metres per degree of latitude (and of longitude at the equator). */
export const METERS_PER_DEGREE = EARTH_RADIUS_METERS * RAD;

/** Great-circle (haversine) distance between two points given by their coordinates, metres. */
export function haversineMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const sinLat = Math.sin(((lat2 - lat1) * RAD) / 2);
  const sinLon = Math.sin(((lon2 - lon1) * RAD) / 2);
  const h = sinLat * sinLat + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * sinLon * sinLon;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function distanceMeters(a: LonLat, b: LonLat): number {
  return haversineMeters(a[0], a[1], b[0], b[1]);
}

/** Squared distance from the origin to segment (ax, ay)-(bx, by), in the plane. */
function segmentDistanceSquared(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  let t = lengthSquared > 0 ? -(ax * dx + ay * dy) / lengthSquared : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const x = ax + t * dx;
  const y = ay + t * dy;
  return x * x + y * y;
}

/** Distance from `p` to the nearest segment of `line`, metres; Infinity for an empty line. */
export function distanceToLineMeters(p: LonLat, line: readonly LonLat[]): number {
  const [px, py] = p;
  const kx = METERS_PER_DEGREE * Math.cos(py * RAD);
  const first = line[0];
  if (!first) return Number.POSITIVE_INFINITY;
  let ax = (first[0] - px) * kx;
  let ay = (first[1] - py) * METERS_PER_DEGREE;
  let best = ax * ax + ay * ay;
  for (let i = 1; i < line.length; i++) {
    const point = line[i]!;
    const bx = (point[0] - px) * kx;
    const by = (point[1] - py) * METERS_PER_DEGREE;
    const d = segmentDistanceSquared(ax, ay, bx, by);
    if (d < best) best = d;
    ax = bx;
    ay = by;
  }
  return Math.sqrt(best);
}

/** Even-odd containment: inside the exterior ring (the first) and outside its holes. */
export function pointInPolygon(p: LonLat, polygon: readonly (readonly LonLat[])[]): boolean {
  const [px, py] = p;
  let inside = false;
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

// ---------------------------------------------------------------------------------------------------
// Prepared edges: a line's segments or a polygon's edges in one flat array, with a spatial index when
// there are many, so that a route of thousands of points costs a few segment tests per position.

/** Below this many edges a plain scan is faster than an index search. */
const INDEX_FROM_EDGES = 32;
/** Radii of the successive searches for the nearest edge, metres; past the last, a full scan. */
const SEARCH_RADII = [1_000, 16_000, 256_000];

export interface PreparedEdges {
  /** ax, ay, bx, by of each edge, degrees. */
  readonly coords: Float64Array;
  readonly count: number;
  /** The spatial index of the edges, once built (see `indexOf`). */
  index: Flatbush | null;
  /** Searches of all the edges so far, while there is no index. */
  searches: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  /** The edge last found nearest to a point (-1: none yet): where the next fix of a trip is looked for first. */
  nearest: number;
}

/** The edges of open lines (`closed` false) or of polygon rings (`closed` true: last point back to the first). */
export function prepareEdges(rings: readonly (readonly LonLat[])[], closed: boolean): PreparedEdges {
  // A closed ring gets an edge from its last point back to its first unless it repeats it already.
  const closes = (ring: readonly LonLat[]): boolean => {
    const first = ring[0];
    const last = ring[ring.length - 1];
    return closed && ring.length > 2 && first !== undefined && last !== undefined && (first[0] !== last[0] || first[1] !== last[1]);
  };
  let total = 0;
  for (const ring of rings) total += ring.length === 1 ? 1 : Math.max(0, ring.length - 1) + (closes(ring) ? 1 : 0);
  const coords = new Float64Array(total * 4);
  let o = 0;
  const push = (a: LonLat, b: LonLat): void => {
    coords[o++] = a[0];
    coords[o++] = a[1];
    coords[o++] = b[0];
    coords[o++] = b[1];
  };
  for (const ring of rings) {
    if (ring.length === 1) push(ring[0]!, ring[0]!);
    for (let i = 1; i < ring.length; i++) push(ring[i - 1]!, ring[i]!);
    if (closes(ring)) push(ring[ring.length - 1]!, ring[0]!);
  }
  const count = total;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < coords.length; i += 2) {
    minX = Math.min(minX, coords[i]!);
    minY = Math.min(minY, coords[i + 1]!);
    maxX = Math.max(maxX, coords[i]!);
    maxY = Math.max(maxY, coords[i + 1]!);
  }
  return { coords, count, index: null, searches: 0, minX, minY, maxX, maxY, nearest: -1 };
}

/**
 * The index of many edges, built at their second search of all the edges: a route whose fixes follow
 * it needs one such search (the next fixes are found near the edge last found nearest), which a plain
 * scan answers for less than building the index would cost; a polygon is searched at every fix.
 */
function indexOf(edges: PreparedEdges): Flatbush | null {
  if (edges.index !== null || edges.count < INDEX_FROM_EDGES) return edges.index;
  edges.searches += 1;
  if (edges.searches < 2) return null;
  const { coords } = edges;
  const index = new Flatbush(edges.count);
  for (let i = 0; i < coords.length; i += 4) {
    index.add(Math.min(coords[i]!, coords[i + 2]!), Math.min(coords[i + 1]!, coords[i + 3]!), Math.max(coords[i]!, coords[i + 2]!), Math.max(coords[i + 1]!, coords[i + 3]!));
  }
  index.finish();
  edges.index = index;
  return index;
}

// The search callbacks below run synchronously inside Flatbush.search; they read and write these
// instead of capturing a closure per query.
let queryX = 0;
let queryY = 0;
let queryKx = 0;
let queryCoords: Float64Array = new Float64Array(0);
let queryBest = 0;
let queryNearest = -1;
let queryInside = false;

function edgeDistanceSquared(coords: Float64Array, i: number): number {
  const o = i * 4;
  return segmentDistanceSquared(
    (coords[o]! - queryX) * queryKx,
    (coords[o + 1]! - queryY) * METERS_PER_DEGREE,
    (coords[o + 2]! - queryX) * queryKx,
    (coords[o + 3]! - queryY) * METERS_PER_DEGREE,
  );
}

function visitNearest(i: number): boolean {
  const d = edgeDistanceSquared(queryCoords, i);
  if (d < queryBest) {
    queryBest = d;
    queryNearest = i;
  }
  return false;
}

function visitCrossing(i: number): boolean {
  const o = i * 4;
  const xi = queryCoords[o]!;
  const yi = queryCoords[o + 1]!;
  const xj = queryCoords[o + 2]!;
  const yj = queryCoords[o + 3]!;
  if (yi > queryY !== yj > queryY && queryX < ((xj - xi) * (queryY - yi)) / (yj - yi) + xi) queryInside = !queryInside;
  return false;
}

function startQuery(p: LonLat, edges: PreparedEdges): void {
  queryX = p[0];
  queryY = p[1];
  queryKx = METERS_PER_DEGREE * Math.cos(p[1] * RAD);
  queryCoords = edges.coords;
  queryBest = Number.POSITIVE_INFINITY;
  queryNearest = -1;
  queryInside = false;
}

/**
 * Distance from `p` to the nearest edge, metres (the same measure as distanceToLineMeters). With
 * `withinMeters`, only edges that near are looked at: the answer is exact when it is at most
 * `withinMeters`, and Infinity when no edge is that near.
 */
export function distanceToEdgesMeters(p: LonLat, edges: PreparedEdges, withinMeters = Number.POSITIVE_INFINITY): number {
  const distance = nearestEdgeMeters(p, edges, withinMeters);
  if (queryNearest >= 0) edges.nearest = queryNearest;
  return distance;
}

/**
 * Whether an edge lies within `meters` of `p`, looking first at the edge last found nearest and its
 * neighbours: the next fix along a route is almost always near them, and a full search is then not
 * needed. The answer is the same as `distanceToEdgesMeters(p, edges) <= meters`.
 */
export function edgeWithin(p: LonLat, edges: PreparedEdges, meters: number): boolean {
  const hint = edges.nearest;
  if (hint >= 0) {
    startQuery(p, edges);
    const limit = meters * meters;
    for (let i = Math.max(0, hint - 1); i <= Math.min(edges.count - 1, hint + 2); i++) {
      if (edgeDistanceSquared(edges.coords, i) <= limit) {
        edges.nearest = i;
        return true;
      }
    }
  }
  return distanceToEdgesMeters(p, edges, meters) <= meters;
}

function nearestEdgeMeters(p: LonLat, edges: PreparedEdges, withinMeters: number): number {
  startQuery(p, edges);
  const index = indexOf(edges);
  if (index) {
    // Degrees of latitude and longitude that `radius` metres span here, in the same projection as
    // the distances: an edge within `radius` has its box inside the query box.
    const degreesOfLon = METERS_PER_DEGREE * Math.max(Math.cos(p[1] * RAD), 1e-9);
    for (const step of SEARCH_RADII) {
      const radius = Math.min(step, withinMeters);
      const dy = radius / METERS_PER_DEGREE;
      const dx = radius / degreesOfLon;
      index.search(p[0] - dx, p[1] - dy, p[0] + dx, p[1] + dy, visitNearest);
      if (queryBest <= radius * radius) return Math.sqrt(queryBest);
      if (radius >= withinMeters) return Number.POSITIVE_INFINITY;
    }
  }
  for (let i = 0; i < edges.count; i++) visitNearest(i);
  const best = Math.sqrt(queryBest);
  return best <= withinMeters ? best : Number.POSITIVE_INFINITY;
}

/** Even-odd containment in the polygon whose ring edges these are. */
export function edgesContain(p: LonLat, edges: PreparedEdges): boolean {
  if (p[0] < edges.minX || p[0] > edges.maxX || p[1] < edges.minY || p[1] > edges.maxY) return false;
  startQuery(p, edges);
  // Only edges that span the point's latitude to its east can cross the ray cast eastwards.
  const index = indexOf(edges);
  if (index) index.search(p[0], p[1], edges.maxX, p[1], visitCrossing);
  else for (let i = 0; i < edges.count; i++) visitCrossing(i);
  return queryInside;
}

// ---------------------------------------------------------------------------------------------------
// Corridors

export type Corridor = { type: 'route'; line: LonLat[]; widthMeters: number } | { type: 'area'; polygon: LonLat[][] };

// Each corridor's edges are prepared on first use. Corridors are treated as immutable: a changed
// route is a new object (as it is when a trip is loaded again).
const preparedCorridors = new WeakMap<Corridor, PreparedEdges>();

function edgesOf(corridor: Corridor): PreparedEdges {
  let edges = preparedCorridors.get(corridor);
  if (!edges) {
    edges = corridor.type === 'route' ? prepareEdges([corridor.line], false) : prepareEdges(corridor.polygon, true);
    preparedCorridors.set(corridor, edges);
  }
  return edges;
}

/**
 * How far outside the corridor `p` is, in metres; 0 when inside. A route's `widthMeters` is its full
 * width (inside: within half of it from the line); an area's outside is measured to its nearest edge.
 */
export function metersOutside(p: LonLat, corridor: Corridor): number {
  const edges = edgesOf(corridor);
  if (corridor.type === 'route') {
    const halfWidth = corridor.widthMeters / 2;
    return edgeWithin(p, edges, halfWidth) ? 0 : Math.max(0, distanceToEdgesMeters(p, edges) - halfWidth);
  }
  return edgesContain(p, edges) ? 0 : distanceToEdgesMeters(p, edges);
}
