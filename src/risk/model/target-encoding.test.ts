import { describe, expect, it } from 'vitest';
import { fitFeatures, transformFeatures, type FeatureRow, type FeatureSpec } from './features.ts';
import { seededRandom } from './random.ts';
import { encodeExpanding, encodeWithHistory, timeOrder } from './target-encoding.ts';

const DAY = 86_400_000;

describe('target encoding', () => {
  it('encodes a row from the labels of strictly earlier instants, smoothed toward the prior', () => {
    // Days 0, 0, 1, 2 for the same key; the labels 1, 0, 1, ?.
    const keys = ['k', 'k', 'k', 'k'];
    const time = timeOrder([0, 0, DAY, 2 * DAY]);
    const { encoding, history } = encodeExpanding(keys, [1, 0, 1, 0], time, 2);
    // Day 0 has no history: the prior of no label is ½; the two rows of day 0 do not see each other.
    expect([...encoding.rate.subarray(0, 2)]).toEqual([0.5, 0.5]);
    expect([...encoding.count]).toEqual([0, 0, 2, 3]);
    // Day 1: key k had 1 fraud in 2; prior (1 + ½) / (2 + 1) = ½; smoothing 2 → (1 + 2·½) / (2 + 2).
    expect(encoding.rate[2]).toBeCloseTo(0.5);
    // Day 2: 2 frauds in 3; prior (2 + ½) / 4 = 0.625 → (2 + 2·0.625) / 5.
    expect(encoding.rate[3]).toBeCloseTo(0.65);
    expect(history.keys.get('k')).toEqual({ seen: 4, labelled: 4, positives: 2 });
  });

  it('the leakage guard holds: a row’s own label and later labels never influence its encoding', () => {
    const random = seededRandom(11);
    const rowCount = 400;
    const keys = Array.from({ length: rowCount }, () => (random() < 0.1 ? null : `key${Math.floor(random() * 12)}`));
    const times = Array.from({ length: rowCount }, () => Math.floor(random() * 40) * DAY);
    const labels = Array.from({ length: rowCount }, () => (random() < 0.3 ? 1 : 0));
    const time = timeOrder(times);
    const { encoding } = encodeExpanding(keys, labels, time, 5);
    for (let row = 0; row < rowCount; row += 7) {
      // Flip the label of the row and of every row at its instant or later; nothing earlier changes.
      const tampered = labels.map((label, other) => ((times[other] as number) >= (times[row] as number) ? 1 - label : label));
      const again = encodeExpanding(keys, tampered, time, 5).encoding;
      expect(again.rate[row]).toBe(encoding.rate[row]);
      expect(again.count[row]).toBe(encoding.count[row]);
    }
  });

  it('encodes new rows from every training label, counting the earlier rows of their batch', () => {
    const { history } = encodeExpanding(['a', 'a', 'b'], [1, 1, 0], timeOrder([0, DAY, DAY]), 0);
    const encoding = encodeWithHistory(['a', 'c', 'a', null], history, timeOrder([5 * DAY, 5 * DAY, 6 * DAY, 6 * DAY]), 0);
    expect(encoding.rate[0]).toBe(1);
    expect(encoding.rate[1]).toBeCloseTo((2 + 0.5) / 4); // an unseen key: the prior
    expect([...encoding.count]).toEqual([2, 0, 3, Number.NaN]);
    expect(history.keys.get('a')?.seen).toBe(2); // scoring leaves the history as it was
  });
});

describe('features', () => {
  const spec: FeatureSpec = {
    prefixes: [{ field: 'hs6', lengths: [4] }],
    ratios: [{ name: 'valuePerKg', numerator: 'price', denominator: 'mass' }],
    numeric: ['price', 'valuePerKg'],
    codes: ['office'],
    encoded: [['importer'], ['hs6:4'], ['importer', 'hs6']],
    deviations: [{ field: 'valuePerKg', groupBy: ['hs6'], scale: 'log' }],
    smoothing: 3,
  };

  function rows(seed: number, count: number): FeatureRow[] {
    const random = seededRandom(seed);
    return Array.from({ length: count }, () => ({
      time: Math.floor(random() * 30) * DAY,
      categorical: {
        importer: `i${Math.floor(random() * 8)}`,
        hs6: `8517${Math.floor(random() * 3)}0`,
        office: random() < 0.5 ? 'north' : 'south',
      },
      numeric: { price: 100 + random() * 1000, mass: random() < 0.05 ? 0 : 1 + random() * 10 },
      label: random() < 0.25 ? 1 : 0,
    }));
  }

  it('the leakage guard holds: a training row’s features ignore its own and later labels and values', () => {
    const training = rows(21, 300);
    const { matrix } = fitFeatures(spec, training);
    const width = matrix.featureNames.length;
    for (let row = 0; row < training.length; row += 11) {
      const at = training[row]!.time as number;
      const tampered = training.map((other, index) =>
        (other.time as number) >= at && index !== row ? { ...other, label: (1 - other.label!) as 0 | 1, numeric: { price: 1, mass: 1000 } } : other,
      );
      tampered[row] = { ...training[row]!, label: (1 - training[row]!.label!) as 0 | 1 };
      const again = fitFeatures(spec, tampered).matrix;
      expect(again.values.subarray(row * width, (row + 1) * width)).toEqual(matrix.values.subarray(row * width, (row + 1) * width));
    }
  });

  it('builds named columns, and scores new rows without reading their labels', () => {
    const { fitted } = fitFeatures(spec, rows(22, 200));
    expect(fitted.featureNames).toEqual([
      'price',
      'valuePerKg',
      'office:code',
      'importer:rate',
      'importer:count',
      'hs6:4:rate',
      'hs6:4:count',
      'importer×hs6:rate',
      'importer×hs6:count',
      'valuePerKg:log-deviation|hs6',
    ]);
    const later = rows(23, 50).map((row) => ({ ...row, time: (row.time as number) + 100 * DAY }));
    const flipped = later.map((row) => ({ ...row, label: (1 - row.label!) as 0 | 1 }));
    expect(transformFeatures(fitted, flipped).values).toEqual(transformFeatures(fitted, later).values);
  });
});
