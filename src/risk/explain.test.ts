import { describe, expect, it } from 'vitest';
import { contributions } from './explain.ts';
import { trainGbdt, type FeatureMatrix } from './model/gbdt.ts';
import { seededRandom } from '../platform/random.ts';

describe('model contributions', () => {
  it('equal the change of the log-odds when each feature in turn is made missing, as the full model computes it', () => {
    const random = seededRandom(3);
    const featureNames = ['a', 'b', 'c', 'noise'];
    const rowCount = 3000;
    const values = new Float64Array(rowCount * featureNames.length);
    const labels = new Uint8Array(rowCount);
    for (let r = 0; r < rowCount; r++) {
      for (let f = 0; f < featureNames.length; f++) values[r * 4 + f] = random() < 0.05 ? Number.NaN : random();
      const [a = 0, b = 0, c = 0] = [values[r * 4], values[r * 4 + 1], values[r * 4 + 2]];
      labels[r] = (a > 0.6 && b < 0.5) || c > 0.9 ? 1 : 0;
    }
    const matrix: FeatureMatrix = { featureNames, rowCount, values };
    const trained = trainGbdt(matrix, labels, { rounds: 60, seed: 1 });
    const logit = (p: number) => Math.log(p / (1 - p));
    for (const r of [0, 7, 42, 1234]) {
      const row = values.slice(r * 4, r * 4 + 4);
      const base = logit(trained.predict({ featureNames, rowCount: 1, values: row })[0] as number);
      const effects = contributions(trained.model, row, featureNames);
      featureNames.forEach((_, f) => {
        const occluded = row.slice();
        occluded[f] = Number.NaN;
        const without = logit(trained.predict({ featureNames, rowCount: 1, values: occluded })[0] as number);
        expect(effects[f]).toBeCloseTo(base - without, 9);
      });
    }
    // The label's features move scores; the noise hardly does.
    const total = (f: number) => Array.from({ length: 200 }, (_, r) => Math.abs(contributions(trained.model, values.slice(r * 4, r * 4 + 4), featureNames)[f] as number)).reduce((x, y) => x + y);
    expect(total(0)).toBeGreaterThan(total(3));
    expect(total(2)).toBeGreaterThan(total(3));
  });
});
