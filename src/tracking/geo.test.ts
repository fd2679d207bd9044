// Geometry checked against published and hand-computed values, and the indexed paths against the
// plain formulas on random shapes.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../platform/random.ts';
import { distanceMeters, distanceToEdgesMeters, distanceToLineMeters, edgesContain, METERS_PER_DEGREE, metersOutside, pointInPolygon, prepareEdges, type Corridor, type LonLat } from './geo.ts';

/** 0.001° of latitude, and of longitude on the equator: 111.19508 m on the mean-radius sphere. */
const MILLI_DEGREE = METERS_PER_DEGREE / 1000;

const square = (west: number, south: number, east: number, north: number): LonLat[] => [
  [west, south],
  [east, south],
  [east, north],
  [west, north],
  [west, south],
];

describe('distances', () => {
  it('matches the published haversine distance from Nashville (BNA) to Los Angeles (LAX)', () => {
    // Rosetta Code, "Haversine formula": N 36°7.2' W 86°40.2' to N 33°56.4' W 118°24.0' is
    // 2887.2599506071106 km with R = 6372.8 km; the distance scales with the radius.
    const bna: LonLat = [-(86 + 40.2 / 60), 36 + 7.2 / 60];
    const lax: LonLat = [-(118 + 24 / 60), 33 + 56.4 / 60];
    expect(distanceMeters(bna, lax) * (6372.8 / 6371.0088)).toBeCloseTo(2_887_259.950607, 3);
    expect(distanceMeters(lax, bna)).toBe(distanceMeters(bna, lax));
  });

  it('gives 111.195 km for a degree along the equator or a meridian and 0 for the same point', () => {
    expect(METERS_PER_DEGREE).toBeCloseTo(111_195.08, 2);
    expect(distanceMeters([0, 0], [1, 0])).toBeCloseTo(111_195.08, 2);
    expect(distanceMeters([13.4, 52], [13.4, 53])).toBeCloseTo(111_195.08, 2);
    expect(distanceMeters([13.4, 52.5], [13.4, 52.5])).toBe(0);
  });

  it('measures to a line by its nearest segment', () => {
    // 0.001° north of a line along the equator.
    expect(distanceToLineMeters([0.5, 0.001], [[0, 0], [1, 0]])).toBeCloseTo(MILLI_DEGREE, 6);
    // 0.001° east of a line along the meridian 10° E at 60° N: half as far, cos 60° = 1/2.
    expect(distanceToLineMeters([10.001, 60], [[10, 59.5], [10, 60.5]])).toBeCloseTo(MILLI_DEGREE / 2, 6);
    // 0.001° north of a meridian line that ends here: the distance is to its end point.
    expect(distanceToLineMeters([10, 60.501], [[10, 59.5], [10, 60.5]])).toBeCloseTo(MILLI_DEGREE, 6);
    // The nearest of several segments; a single point is a line too.
    const zigzag: LonLat[] = [[0, 0], [0.01, 0.01], [0.02, 0], [0.03, 0.01]];
    expect(distanceToLineMeters([0.02, -0.002], zigzag)).toBeCloseTo(2 * MILLI_DEGREE, 6);
    expect(distanceToLineMeters([0, 0.003], [[0, 0]])).toBeCloseTo(3 * MILLI_DEGREE, 6);
    expect(distanceToLineMeters([0, 0], [])).toBe(Number.POSITIVE_INFINITY);
  });

  it('agrees with the haversine distance within 0.1 % over a few kilometres', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 200; i++) {
      const a: LonLat = [55 + random() * 0.1, 25 + random() * 0.1];
      const p: LonLat = [55 + random() * 0.1, 25 + random() * 0.1];
      const exact = distanceMeters(a, p);
      expect(Math.abs(distanceToLineMeters(p, [a, a]) - exact)).toBeLessThan(exact * 0.001 + 1e-9);
    }
  });
});

describe('polygons', () => {
  const withHole = [square(0, 0, 0.1, 0.1), square(0.04, 0.04, 0.06, 0.06)];

  it('contains a point inside the exterior ring and outside its holes', () => {
    expect(pointInPolygon([0.02, 0.02], withHole)).toBe(true);
    expect(pointInPolygon([0.05, 0.05], withHole)).toBe(false);
    expect(pointInPolygon([0.15, 0.05], withHole)).toBe(false);
    expect(pointInPolygon([-0.01, 0.05], withHole)).toBe(false);
    // Rings may or may not repeat their first point.
    expect(pointInPolygon([0.02, 0.02], [square(0, 0, 0.1, 0.1).slice(0, 4)])).toBe(true);
    // A concave ring: an L shape whose notch is outside.
    const ell: LonLat[] = [[0, 0], [0.1, 0], [0.1, 0.05], [0.05, 0.05], [0.05, 0.1], [0, 0.1]];
    expect(pointInPolygon([0.02, 0.08], [ell])).toBe(true);
    expect(pointInPolygon([0.08, 0.08], [ell])).toBe(false);
  });
});

describe('corridors', () => {
  const route: Corridor = { type: 'route', line: [[0, 0], [1, 0]], widthMeters: 100 };

  it('is inside a route within half its width of the line, and measures the rest', () => {
    expect(metersOutside([0.5, 0], route)).toBe(0);
    expect(metersOutside([0.5, 0.0004], route)).toBe(0); // 44 m from the line
    expect(metersOutside([0.5, 0.001], route)).toBeCloseTo(MILLI_DEGREE - 50, 6);
    expect(metersOutside([0.5, -0.001], route)).toBeCloseTo(MILLI_DEGREE - 50, 6);
    expect(metersOutside([1.001, 0], route)).toBeCloseTo(MILLI_DEGREE - 50, 6);
  });

  it('is inside an area polygon, and outside measured to its nearest edge, holes included', () => {
    const area: Corridor = { type: 'area', polygon: [square(0, 0, 0.1, 0.1), square(0.04, 0.04, 0.06, 0.06)] };
    expect(metersOutside([0.02, 0.02], area)).toBe(0);
    expect(metersOutside([0.101, 0.05], area)).toBeCloseTo(MILLI_DEGREE, 2);
    // In the hole: 0.01° from each of its sides.
    expect(metersOutside([0.05, 0.05], area)).toBeCloseTo(10 * MILLI_DEGREE, 1);
  });

  it('gives the same answers with the index of a long route as with a plain scan', () => {
    const random = seededRandom(42);
    const line: LonLat[] = [[13.0, 52.3]];
    for (let i = 1; i < 5000; i++) {
      const [lon, lat] = line[i - 1]!;
      line.push([lon + (random() - 0.3) * 0.0005, lat + (random() - 0.4) * 0.0004]);
    }
    const corridor: Corridor = { type: 'route', line, widthMeters: 200 };
    for (let i = 0; i < 500; i++) {
      // Points near the route and far from it (up to a few hundred kilometres).
      const base = line[Math.floor(random() * line.length)]!;
      const spread = [0.001, 0.02, 0.5, 3][i % 4]!;
      const p: LonLat = [base[0] + (random() - 0.5) * spread, base[1] + (random() - 0.5) * spread];
      expect(metersOutside(p, corridor)).toBeCloseTo(Math.max(0, distanceToLineMeters(p, line) - 100), 6);
    }
  });

  it('gives the same answers for fixes that follow the route, leave it and come back, as a plain scan', () => {
    // Each answer starts from the edge the previous one found nearest: a walk along the route with
    // detours, jumps back and forth and the route's own loops must not mislead it.
    const random = seededRandom(7);
    const line: LonLat[] = [[13.0, 52.3]];
    for (let i = 1; i < 3000; i++) {
      const [lon, lat] = line[i - 1]!;
      line.push([lon + Math.sin(i / 40) * 0.0004, lat + Math.cos(i / 55) * 0.0003]);
    }
    const corridor: Corridor = { type: 'route', line, widthMeters: 120 };
    let inside = 0;
    for (let step = 0; step < 3000; step++) {
      const at = step % 500 === 499 ? Math.floor(random() * line.length) : Math.min(line.length - 1, step);
      const base = line[at]!;
      const offset = step % 300 < 60 ? 0.01 : 0.0008;
      const p: LonLat = [base[0] + (random() - 0.5) * offset, base[1] + (random() - 0.5) * offset];
      const expected = Math.max(0, distanceToLineMeters(p, line) - 60);
      if (expected === 0) inside++;
      expect(metersOutside(p, corridor)).toBeCloseTo(expected, 6);
    }
    expect(inside).toBeGreaterThan(1000);
    expect(inside).toBeLessThan(2900);
  });

  it('gives the same containment and distances with the index of a large polygon with a hole', () => {
    const random = seededRandom(3);
    const ring = (radius: number, n: number): LonLat[] =>
      Array.from({ length: n }, (_, i) => {
        const angle = (2 * Math.PI * i) / n;
        const wobble = radius * (0.8 + 0.4 * random());
        return [55 + wobble * Math.cos(angle), 25 + wobble * Math.sin(angle)] as LonLat;
      });
    const polygon = [ring(0.1, 800), ring(0.03, 300)];
    const edges = prepareEdges(polygon, true);
    // The first search scans the edges; the index is built for the next ones.
    expect(edges.index).toBeNull();
    for (let i = 0; i < 1000; i++) {
      if (i === 2) expect(edges.index).not.toBeNull();
      const p: LonLat = [55 + (random() - 0.5) * 0.3, 25 + (random() - 0.5) * 0.3];
      expect(edgesContain(p, edges)).toBe(pointInPolygon(p, polygon));
      const nearest = Math.min(...polygon.map((r) => distanceToLineMeters(p, [...r, r[0]!])));
      expect(distanceToEdgesMeters(p, edges)).toBeCloseTo(nearest, 6);
      // Limited to 500 m: exact when that near, Infinity beyond.
      expect(distanceToEdgesMeters(p, edges, 500)).toBe(nearest <= 500 ? distanceToEdgesMeters(p, edges) : Number.POSITIVE_INFINITY);
    }
  });
});
