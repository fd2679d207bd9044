import { describe, expect, it } from 'vitest';
import { rocAuc } from '../evaluate/metrics.ts';
import { loadGbdt, quantileBinEdges, trainGbdt, type FeatureMatrix } from './gbdt.ts';
import { seededRandom } from './random.ts';

/** label = (x1 > 0.5) XOR (category is 'a'), flipped for 5 % of rows; x2 is noise. */
function xorData(rowCount: number, seed: number): { matrix: FeatureMatrix; labels: Uint8Array } {
  const random = seededRandom(seed);
  const featureNames = ['x1', 'category', 'x2'];
  const values = new Float64Array(rowCount * featureNames.length);
  const labels = new Uint8Array(rowCount);
  for (let row = 0; row < rowCount; row++) {
    const x1 = random();
    const category = Math.floor(random() * 3); // 0 stands for 'a'
    values.set([x1, category, random()], row * featureNames.length);
    const clean = x1 > 0.5 !== (category === 0) ? 1 : 0;
    labels[row] = random() < 0.05 ? 1 - clean : clean;
  }
  return { matrix: { featureNames, rowCount, values }, labels };
}

const SMALL = { rounds: 60, learningRate: 0.2, maxLeaves: 8 };

describe('gradient-boosted trees', () => {
  it('learns an interaction no single feature shows (x1 > 0.5 XOR category a, with noise)', () => {
    const train = xorData(4000, 1);
    const test = xorData(2000, 2);
    const model = trainGbdt(train.matrix, train.labels, SMALL);
    expect(rocAuc(test.labels, model.predict(test.matrix))).toBeGreaterThan(0.95);
  });

  it('grows depth-wise too', () => {
    const train = xorData(4000, 1);
    const test = xorData(2000, 2);
    const model = trainGbdt(train.matrix, train.labels, { ...SMALL, growth: 'depthwise', maxDepth: 3 });
    expect(model.model.trees.every((tree) => tree.feature.length <= 15)).toBe(true);
    expect(rocAuc(test.labels, model.predict(test.matrix))).toBeGreaterThan(0.95);
  });

  it('gives the same model for the same seed, and another for another seed', () => {
    const { matrix, labels } = xorData(2000, 3);
    const params = { ...SMALL, rounds: 20, rowSubsample: 0.7, featureSubsample: 0.67 };
    const first = JSON.stringify(trainGbdt(matrix, labels, { ...params, seed: 7 }).model);
    expect(JSON.stringify(trainGbdt(matrix, labels, { ...params, seed: 7 }).model)).toBe(first);
    expect(JSON.stringify(trainGbdt(matrix, labels, { ...params, seed: 8 }).model)).not.toBe(first);
  });

  it('scores the same after a round trip through JSON, matching features by name', () => {
    const { matrix, labels } = xorData(2000, 4);
    const trained = trainGbdt(matrix, labels, SMALL);
    const reloaded = loadGbdt(JSON.parse(JSON.stringify(trained.model)));
    // The same rows with the columns in another order.
    const reordered: FeatureMatrix = { featureNames: ['x2', 'x1', 'category'], rowCount: matrix.rowCount, values: new Float64Array(matrix.values.length) };
    for (let row = 0; row < matrix.rowCount; row++) {
      const [x1, category, x2] = matrix.values.subarray(row * 3, row * 3 + 3);
      reordered.values.set([x2 as number, x1 as number, category as number], row * 3);
    }
    expect(reloaded.predict(reordered)).toEqual(trained.predict(matrix));
    expect(() => reloaded.predict({ featureNames: ['x1'], rowCount: 0, values: new Float64Array() })).toThrow(/no feature "category"/);
  });

  it('learns where missing values go', () => {
    const random = seededRandom(5);
    const rowCount = 3000;
    const values = new Float64Array(rowCount);
    const labels = new Uint8Array(rowCount);
    for (let row = 0; row < rowCount; row++) {
      // Missing values are the risky ones, though present values of both labels surround them.
      const missing = random() < 0.3;
      values[row] = missing ? Number.NaN : random();
      labels[row] = missing ? 1 : 0;
    }
    const matrix = { featureNames: ['x'], rowCount, values };
    const model = trainGbdt(matrix, labels, { ...SMALL, rowSubsample: 1, featureSubsample: 1 });
    const scores = model.predict({ featureNames: ['x'], rowCount: 3, values: Float64Array.from([Number.NaN, 0.1, 0.9]) });
    expect(scores[0]).toBeGreaterThan(0.9);
    expect(scores[1]).toBeLessThan(0.1);
    expect(scores[2]).toBeLessThan(0.1);
  });

  it('stops early when the validation set stops improving, keeping the best round', () => {
    const train = xorData(1500, 6);
    const valid = xorData(1500, 7);
    const model = trainGbdt(train.matrix, train.labels, { ...SMALL, rounds: 500, maxLeaves: 31, minChildWeight: 0.1 }, {
      valid: valid.matrix,
      labels: valid.labels,
      metric: 'logloss',
      patience: 10,
    });
    expect(model.rounds).toBeLessThan(490);
    expect(model.validHistory.length).toBe(model.rounds + 10);
    expect(Math.min(...model.validHistory)).toBe(model.validHistory[model.rounds - 1]);
  });
});

describe('quantile bins', () => {
  it('keeps every distinct value when there are few, and at most maxBins otherwise', () => {
    expect(quantileBinEdges([3, 1, 2, 2, Number.NaN], 255)).toEqual([1.5, 2.5]);
    const many = Float64Array.from({ length: 10_000 }, (_, i) => i % 1000);
    const edges = quantileBinEdges(many, 10);
    expect(edges.length).toBe(9);
    expect(edges[0]).toBeCloseTo(99.5);
  });
});
