// The geofence index against a plain scan of every fence with the geometry's own formulas.
import { describe, expect, it } from 'vitest';
import { seededRandom, type Random } from '../platform/random.ts';
import { distanceMeters, distanceToLineMeters, pointInPolygon, type LonLat } from './geo.ts';
import { GeofenceIndex, type Fence, type FenceKind } from './geofences.ts';

const KINDS: FenceKind[] = ['ZONE', 'GATE', 'PORT', 'CORRIDOR', 'STOP'];

function bruteForce(fences: readonly Fence[], p: LonLat): string[] {
  return fences
    .filter(({ shape }) => {
      switch (shape.type) {
        case 'circle':
          return distanceMeters(p, shape.center) <= shape.radiusMeters;
        case 'polygon':
          return pointInPolygon(p, shape.rings);
        case 'buffer':
          return distanceToLineMeters(p, shape.line) <= shape.radiusMeters;
      }
    })
    .map((fence) => fence.id)
    .sort();
}

const ids = (fences: Fence[]) => fences.map((fence) => fence.id).sort();

/** Random fences of every shape around (lon, lat), within `spread` degrees. */
function randomFences(random: Random, count: number, lon: number, lat: number, spread: number): Fence[] {
  const at = (): LonLat => [lon + (random() - 0.5) * spread, lat + (random() - 0.5) * spread];
  return Array.from({ length: count }, (_, i): Fence => {
    const kind = KINDS[i % KINDS.length]!;
    const [cx, cy] = at();
    switch (i % 3) {
      case 0:
        return { id: `f${i}`, kind, ownerId: `o${i}`, shape: { type: 'circle', center: [cx, cy], radiusMeters: 50 + random() * 2000 } };
      case 1: {
        const size = 0.002 + random() * 0.03;
        const n = 3 + Math.floor(random() * 40);
        const ring = (scale: number): LonLat[] =>
          Array.from({ length: n }, (_, k) => {
            const angle = (2 * Math.PI * k) / n;
            const r = size * scale * (0.5 + random());
            return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)] as LonLat;
          });
        // Every other polygon has a hole.
        return { id: `f${i}`, kind, ownerId: `o${i}`, shape: { type: 'polygon', rings: i % 2 ? [ring(1), ring(0.2)] : [ring(1)] } };
      }
      default: {
        const line: LonLat[] = [[cx, cy]];
        const n = 2 + Math.floor(random() * 60);
        for (let k = 1; k < n; k++) line.push([line[k - 1]![0] + (random() - 0.5) * 0.01, line[k - 1]![1] + (random() - 0.5) * 0.01]);
        return { id: `f${i}`, kind, ownerId: `o${i}`, shape: { type: 'buffer', line, radiusMeters: 25 + random() * 500 } };
      }
    }
  });
}

describe('geofence index', () => {
  it('finds a gate circle, a zone polygon with a hole and a corridor buffer, and only by kind when asked', () => {
    const fences: Fence[] = [
      { id: 'gate', kind: 'GATE', ownerId: 'g1', shape: { type: 'circle', center: [55.0, 25.0], radiusMeters: 150 } },
      {
        id: 'zone',
        kind: 'ZONE',
        ownerId: 'z1',
        shape: {
          type: 'polygon',
          rings: [
            [[54.99, 24.99], [55.05, 24.99], [55.05, 25.05], [54.99, 25.05], [54.99, 24.99]],
            [[55.02, 25.02], [55.03, 25.02], [55.03, 25.03], [55.02, 25.03], [55.02, 25.02]],
          ],
        },
      },
      { id: 'route', kind: 'CORRIDOR', ownerId: 't1', shape: { type: 'buffer', line: [[55.0, 25.0], [55.1, 25.0]], radiusMeters: 100 } },
    ];
    const index = new GeofenceIndex(fences);
    expect(index.size).toBe(3);
    expect(ids(index.containing([55.0, 25.0]))).toEqual(['gate', 'route', 'zone']);
    expect(ids(index.containingOfKind([55.0, 25.0], 'GATE'))).toEqual(['gate']);
    expect(ids(index.containingOfKind([55.0, 25.0], 'PORT'))).toEqual([]);
    // 101 m east and 89 m north of the gate (134 m from it), so 89 m from the route: in all three.
    expect(ids(index.containing([55.001, 25.0008]))).toEqual(['gate', 'route', 'zone']);
    // 0.001° (111 m) north of the route, 157 m from the gate: only the zone.
    expect(ids(index.containing([55.0011, 25.001]))).toEqual(['zone']);
    // In the zone's hole, and past the zone's east side on the route.
    expect(ids(index.containing([55.025, 25.025]))).toEqual([]);
    expect(ids(index.containing([55.07, 25.0]))).toEqual(['route']);
    expect(new GeofenceIndex([]).containing([55, 25])).toEqual([]);
  });

  it('agrees with a scan of every fence on random fences and points, here and far north', () => {
    const random = seededRandom(2026);
    for (const [lon, lat] of [[55.0, 25.0], [18.9, 69.6]] as const) {
      const fences = randomFences(random, 600, lon, lat, 0.5);
      const index = new GeofenceIndex(fences);
      let hits = 0;
      for (let i = 0; i < 1000; i++) {
        const p: LonLat = [lon + (random() - 0.5) * 0.55, lat + (random() - 0.5) * 0.55];
        const expected = bruteForce(fences, p);
        hits += expected.length;
        expect(ids(index.containing(p))).toEqual(expected);
        const kind = KINDS[i % KINDS.length]!;
        expect(ids(index.containingOfKind(p, kind))).toEqual(bruteForce(fences.filter((fence) => fence.kind === kind), p));
        const gates = bruteForce(fences.filter((fence) => fence.kind === 'GATE'), p).map((id) => `o${id.slice(1)}`);
        const here = index.gatesAndZoneAt(p);
        expect([...here.gateIds].sort()).toEqual(gates.sort());
        expect(here.inZone).toBe(bruteForce(fences.filter((fence) => fence.kind === 'ZONE'), p).length > 0);
      }
      // The points did fall in fences, often in several.
      expect(hits).toBeGreaterThan(1000);
    }
  });

  // How fast it answers is measured by the tracking benchmark (10,000 fences), not here.
  it('answers as a scan does with 10,000 fences', () => {
    const random = seededRandom(9);
    const fences = randomFences(random, 10_000, 10, 50, 4);
    const index = new GeofenceIndex(fences);
    expect(index.size).toBe(10_000);
    const points = Array.from({ length: 200 }, (): LonLat => [10 + (random() - 0.5) * 4, 50 + (random() - 0.5) * 4]);
    let found = 0;
    for (const p of points) {
      const expected = bruteForce(fences, p);
      found += expected.length;
      expect(ids(index.containing(p))).toEqual(expected);
    }
    expect(found).toBeGreaterThan(0);
  });
});
