// Zone perimeters: GeoJSON (RFC 7946) Polygon and MultiPolygon in WGS 84, [longitude, latitude].
// The body schema only fixes the outer shape; this module checks rings and positions so that each
// bad part is named by its own path, which a union schema could not do.
import { Type, type Static } from 'typebox';
import type { FieldErrors } from '../platform/errors.ts';
import { StringEnum } from '../platform/http/schemas.ts';

/** Upper bound on the positions of one perimeter, so a zone stays cheap to store, send and test against. */
export const MAX_PERIMETER_POSITIONS = 10_000;
/** A badly broken perimeter could name thousands of positions; the answer stops after this many. */
const MAX_REPORTED = 20;

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3, description: '[longitude, latitude] or [longitude, latitude, altitude]' });
const LinearRing = Type.Array(Position, { minItems: 4 });

export const Perimeter = Type.Union(
  [
    Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(LinearRing) }),
    Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(LinearRing)) }),
  ],
  { description: 'GeoJSON Polygon or MultiPolygon, WGS 84 [longitude, latitude]' },
);
export type Perimeter = Static<typeof Perimeter>;

/** What a request may carry; `checkPerimeter` narrows it to a Perimeter. */
export const PerimeterInput = Type.Object(
  {
    type: StringEnum(['Polygon', 'MultiPolygon'] as const),
    coordinates: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_PERIMETER_POSITIONS }),
  },
  {
    additionalProperties: false,
    description: 'GeoJSON Polygon or MultiPolygon (RFC 7946), WGS 84 [longitude, latitude]; closed rings of at least 4 positions',
  },
);
export type PerimeterInput = Static<typeof PerimeterInput>;

interface Walk {
  errors: FieldErrors;
  reported: number;
  positions: number;
  tooLarge: boolean;
}

function report(walk: Walk, path: string, message: string): void {
  walk.reported += 1;
  if (walk.reported <= MAX_REPORTED) walk.errors.add(path, message);
}

function checkPosition(walk: Walk, value: unknown, path: string): value is number[] {
  if (
    !Array.isArray(value) ||
    value.length < 2 ||
    value.length > 3 ||
    !value.every((n) => typeof n === 'number' && Number.isFinite(n))
  ) {
    report(walk, path, 'must be a position [longitude, latitude]');
    return false;
  }
  const [lon, lat] = value as number[];
  let ok = true;
  if (lon === undefined || lon < -180 || lon > 180) {
    report(walk, `${path}/0`, 'longitude must be between -180 and 180');
    ok = false;
  }
  if (lat === undefined || lat < -90 || lat > 90) {
    report(walk, `${path}/1`, 'latitude must be between -90 and 90');
    ok = false;
  }
  return ok;
}

/** Twice the signed area, in square degrees: zero when every position lies on one line. */
function doubledArea(ring: number[][]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i += 1) {
    const [x1 = 0, y1 = 0] = ring[i] ?? [];
    const [x2 = 0, y2 = 0] = ring[i + 1] ?? [];
    sum += x1 * y2 - x2 * y1;
  }
  return sum;
}

function checkRing(walk: Walk, ring: unknown, path: string): void {
  if (!Array.isArray(ring) || ring.length < 4) {
    report(walk, path, 'must be a linear ring: an array of at least 4 positions');
    return;
  }
  walk.positions += ring.length;
  if (walk.positions > MAX_PERIMETER_POSITIONS) {
    walk.tooLarge = true;
    return;
  }
  let positionsOk = true;
  ring.forEach((position: unknown, i) => {
    if (!checkPosition(walk, position, `${path}/${i}`)) positionsOk = false;
  });
  if (!positionsOk) return;
  const positions = ring as number[][];
  const first = positions[0] ?? [];
  const last = positions[positions.length - 1] ?? [];
  if (first.length !== last.length || first.some((n, i) => n !== last[i])) {
    report(walk, path, 'must be closed: its last position must equal its first');
    return;
  }
  if (doubledArea(positions) === 0) report(walk, path, 'must enclose an area');
}

function checkPolygon(walk: Walk, rings: unknown, path: string): void {
  if (!Array.isArray(rings) || rings.length === 0) {
    report(walk, path, 'must be a polygon: an array of linear rings');
    return;
  }
  rings.forEach((ring: unknown, i) => {
    if (!walk.tooLarge) checkRing(walk, ring, `${path}/${i}`);
  });
}

/**
 * Adds an error for each bad part of a perimeter under `path` (e.g. `/perimeter/coordinates/0`)
 * and tells whether it is a valid Polygon or MultiPolygon.
 */
export function checkPerimeter(value: PerimeterInput, path: string, errors: FieldErrors): value is Perimeter {
  const walk: Walk = { errors, reported: 0, positions: 0, tooLarge: false };
  const base = `${path}/coordinates`;
  if (value.type === 'Polygon') {
    checkPolygon(walk, value.coordinates, base);
  } else {
    value.coordinates.forEach((polygon, i) => {
      if (!walk.tooLarge) checkPolygon(walk, polygon, `${base}/${i}`);
    });
  }
  if (walk.tooLarge) {
    errors.add(base, `must have at most ${MAX_PERIMETER_POSITIONS} positions in all`);
    return false;
  }
  if (walk.reported > MAX_REPORTED) {
    errors.add(path, `has ${walk.reported - MAX_REPORTED} more errors than listed`);
  }
  return walk.reported === 0;
}
