// A small seeded random number generator and the draws the demo needs, so that the demo loaded on
// a new database is the same on every fresh start (only its dates follow the day it is loaded).
import { seededRandom } from '../platform/random.ts';

export interface Rng {
  /** Uniform draw in [0, 1). */
  next(): number;
  /** Whole number in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An item drawn with the given weights. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T;
  /** `count` distinct items, in draw order. */
  sample<T>(items: readonly T[], count: number): T[];
  /** A string of `length` decimal digits. */
  digits(length: number): string;
}

/** The demo's generator: the platform's seeded one (mulberry32). */
export const mulberry32 = seededRandom;

export function createRng(next: () => number): Rng {
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(next() * items.length)] as T;
  };
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick,
    weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let draw = next() * total;
      for (const [item, weight] of items) {
        draw -= weight;
        if (draw < 0) return item;
      }
      const last = items[items.length - 1];
      if (!last) throw new RangeError('cannot pick from an empty list');
      return last[0];
    },
    sample<T>(items: readonly T[], count: number): T[] {
      const pool = [...items];
      const chosen: T[] = [];
      while (chosen.length < count && pool.length > 0) {
        chosen.push(pool.splice(Math.floor(next() * pool.length), 1)[0] as T);
      }
      return chosen;
    },
    digits: (length) => Array.from({ length }, () => String(int(0, 9))).join(''),
  };
}

export function seededRng(seed: number): Rng {
  return createRng(mulberry32(seed));
}
