// Sampling for the trainer, on the platform's seeded generator.
import type { Random } from '../../platform/random.ts';

export { seededRandom, type Random } from '../../platform/random.ts';

/** `count` distinct indices of 0..total-1 in increasing order, chosen uniformly (Floyd's selection). */
export function sampleIndices(total: number, count: number, random: Random): Uint32Array {
  if (count >= total) return Uint32Array.from({ length: total }, (_, i) => i);
  const chosen = new Uint8Array(total);
  for (let j = total - count; j < total; j++) {
    const candidate = Math.floor(random() * (j + 1));
    chosen[chosen[candidate] ? j : candidate] = 1;
  }
  const indices = new Uint32Array(count);
  let next = 0;
  for (let i = 0; i < total; i++) if (chosen[i]) indices[next++] = i;
  return indices;
}
