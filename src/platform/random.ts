// A small seeded pseudo-random generator (mulberry32): 32 bits of state, fast, the same sequence for
// the same seed on every machine, which Math.random cannot give. For reproducible work (the demo's
// data, the risk trainer's subsampling), never for secrets.

export type Random = () => number;

/** Uniform numbers in [0, 1), the same sequence for the same 32-bit seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
