// Which fences (zones, gates, ports, corridors, allowed stops) contain a point: a Flatbush index over
// the fences' bounding boxes finds the few candidates, an exact test decides. The cost of a query
// does not grow with the number of fences; the index is rebuilt whenever the fences change.
import Flatbush from 'flatbush';
import { distanceToEdgesMeters, edgesContain, EARTH_RADIUS_METERS, haversineMeters, METERS_PER_DEGREE, prepareEdges, type LonLat, type PreparedEdges } from './geo.ts';

export type FenceKind = 'ZONE' | 'GATE' | 'PORT' | 'CORRIDOR' | 'STOP';

export interface Fence {
  id: string;
  kind: FenceKind;
  /** a gate's, zone's or trip's id */
  ownerId: string;
  shape: { type: 'circle'; center: LonLat; radiusMeters: number } | { type: 'polygon'; rings: LonLat[][] } | { type: 'buffer'; line: LonLat[]; radiusMeters: number };
}

const RAD = Math.PI / 180;

/** Degrees of longitude that `meters` can span at latitudes up to `maxAbsLat` (the haversine bound). */
function lonSpanDegrees(meters: number, maxAbsLat: number): number {
  const cosLat = Math.cos(Math.min(90, maxAbsLat) * RAD);
  const ratio = Math.sin(meters / (2 * EARTH_RADIUS_METERS)) / cosLat;
  return ratio >= 1 || !Number.isFinite(ratio) ? 360 : (2 * Math.asin(ratio)) / RAD;
}

/** A fence's exact test, with its edges prepared once. */
type Test = { type: 'circle'; lon: number; lat: number; radius: number } | { type: 'polygon'; edges: PreparedEdges } | { type: 'buffer'; edges: PreparedEdges; radius: number };

function prepare(fence: Fence): { test: Test; box: [number, number, number, number] } {
  const { shape } = fence;
  switch (shape.type) {
    case 'circle': {
      const [lon, lat] = shape.center;
      const dLat = shape.radiusMeters / METERS_PER_DEGREE;
      const dLon = lonSpanDegrees(shape.radiusMeters, Math.abs(lat) + dLat);
      return { test: { type: 'circle', lon, lat, radius: shape.radiusMeters }, box: [lon - dLon, lat - dLat, lon + dLon, lat + dLat] };
    }
    case 'polygon': {
      const edges = prepareEdges(shape.rings, true);
      return { test: { type: 'polygon', edges }, box: [edges.minX, edges.minY, edges.maxX, edges.maxY] };
    }
    case 'buffer': {
      const edges = prepareEdges([shape.line], false);
      const dLat = shape.radiusMeters / METERS_PER_DEGREE;
      // Distances to a line are measured in the projection around the point, where a degree of
      // longitude is cos(latitude) degrees of latitude long: grow the box by the widest span.
      const maxAbsLat = Math.max(Math.abs(edges.minY), Math.abs(edges.maxY)) + dLat;
      const dLon = maxAbsLat >= 90 ? 360 : dLat / Math.cos(maxAbsLat * RAD);
      return { test: { type: 'buffer', edges, radius: shape.radiusMeters }, box: [edges.minX - dLon, edges.minY - dLat, edges.maxX + dLon, edges.maxY + dLat] };
    }
  }
}

function contains(test: Test, p: LonLat): boolean {
  switch (test.type) {
    case 'circle':
      return haversineMeters(test.lon, test.lat, p[0], p[1]) <= test.radius;
    case 'polygon':
      return edgesContain(p, test.edges);
    case 'buffer':
      return distanceToEdgesMeters(p, test.edges, test.radius) <= test.radius;
  }
}

export class GeofenceIndex {
  readonly size: number;
  private readonly fences: readonly Fence[];
  private readonly tests: Test[];
  private readonly index: Flatbush | null;

  constructor(fences: readonly Fence[]) {
    this.fences = [...fences];
    this.size = fences.length;
    this.tests = [];
    this.index = fences.length > 0 ? new Flatbush(fences.length) : null;
    for (const fence of fences) {
      const { test, box } = prepare(fence);
      this.tests.push(test);
      this.index?.add(box[0], box[1], box[2], box[3]);
    }
    this.index?.finish();
  }

  /** Every fence containing p (exact test after the box search). */
  containing(p: LonLat): Fence[] {
    return this.search(p, null);
  }

  /** The fences of one kind containing p. */
  containingOfKind(p: LonLat, kind: FenceKind): Fence[] {
    return this.search(p, kind);
  }

  /**
   * The owners of the GATE fences containing p and whether a ZONE fence does, in one search: what the
   * trip monitor asks of every position.
   */
  gatesAndZoneAt(p: LonLat): { gateIds: string[]; inZone: boolean } {
    const here = { gateIds: [] as string[], inZone: false };
    if (!this.index) return here;
    const [lon, lat] = p;
    this.index.search(lon, lat, lon, lat, (i) => {
      const fence = this.fences[i]!;
      if (fence.kind === 'GATE' && contains(this.tests[i]!, p)) here.gateIds.push(fence.ownerId);
      // One zone is enough: the test of the others is skipped.
      if (fence.kind === 'ZONE' && !here.inZone && contains(this.tests[i]!, p)) here.inZone = true;
      return false;
    });
    return here;
  }

  private search(p: LonLat, kind: FenceKind | null): Fence[] {
    const found: Fence[] = [];
    if (!this.index) return found;
    const [lon, lat] = p;
    this.index.search(lon, lat, lon, lat, (i) => {
      const fence = this.fences[i]!;
      if ((kind === null || fence.kind === kind) && contains(this.tests[i]!, p)) found.push(fence);
      return false;
    });
    return found;
  }
}
