import { describe, expect, it } from 'vitest';
import { FieldErrors } from '../platform/errors.ts';
import { checkPerimeter, MAX_PERIMETER_POSITIONS, type PerimeterInput } from './geojson.ts';
import { square } from './registry.fixtures.ts';

function check(perimeter: PerimeterInput) {
  const errors = new FieldErrors();
  const ok = checkPerimeter(perimeter, '/perimeter', errors);
  return { ok, details: errors.details };
}

describe('zone perimeter', () => {
  it('accepts a polygon with a hole and a multipolygon, with or without altitude', () => {
    const outer = square(10, 50, 1);
    const hole = square(10, 50, 0.1).reverse();
    expect(check({ type: 'Polygon', coordinates: [outer, hole] })).toEqual({ ok: true, details: [] });
    const withAltitude = square(0, 0).map(([lon = 0, lat = 0]) => [lon, lat, 12.5]);
    expect(check({ type: 'MultiPolygon', coordinates: [[outer], [withAltitude]] }).ok).toBe(true);
  });

  it('names the ring that is not closed and the ring that is too short', () => {
    const open = square(10, 50).slice(0, 4);
    const short = [[0, 0], [1, 0], [0, 0]];
    const result = check({ type: 'Polygon', coordinates: [open, short] });
    expect(result.ok).toBe(false);
    expect(result.details).toEqual([
      { path: '/perimeter/coordinates/0', message: 'must be closed: its last position must equal its first' },
      { path: '/perimeter/coordinates/1', message: 'must be a linear ring: an array of at least 4 positions' },
    ]);
  });

  it('names each coordinate out of range and each malformed position', () => {
    const ring = square(10, 50);
    ring[1] = [181, 50];
    ring[2] = [10, -91];
    (ring as unknown[])[3] = ['10', 50];
    const result = check({ type: 'MultiPolygon', coordinates: [[square(0, 0)], [ring]] });
    expect(result.details.map((d) => d.path)).toEqual([
      '/perimeter/coordinates/1/0/1/0',
      '/perimeter/coordinates/1/0/2/1',
      '/perimeter/coordinates/1/0/3',
    ]);
  });

  it('refuses a ring without area and a multipolygon member that is not a polygon', () => {
    const line = [[0, 0], [1, 1], [2, 2], [0, 0]];
    expect(check({ type: 'Polygon', coordinates: [line] }).details).toEqual([
      { path: '/perimeter/coordinates/0', message: 'must enclose an area' },
    ]);
    expect(check({ type: 'MultiPolygon', coordinates: [[]] }).details[0]?.path).toBe('/perimeter/coordinates/0');
  });

  it('bounds the number of positions and of reported errors', () => {
    const big = Array.from({ length: MAX_PERIMETER_POSITIONS + 1 }, (_, i) => [i / 1e4, Math.sin(i)]);
    big.push(big[0] ?? []);
    const result = check({ type: 'Polygon', coordinates: [big] });
    expect(result.details).toEqual([{ path: '/perimeter/coordinates', message: `must have at most ${MAX_PERIMETER_POSITIONS} positions in all` }]);

    const broken = Array.from({ length: 50 }, () => [500, 500]);
    const many = check({ type: 'Polygon', coordinates: [broken] });
    expect(many.details.length).toBe(21);
    expect(many.details.at(-1)).toEqual({ path: '/perimeter', message: 'has 80 more errors than listed' });
  });
});
