import { describe, expect, it } from 'vitest';
import type { FeatureRow } from '../model/features.ts';
import { highestValueBaseline, randomBaseline, rulesBaseline } from './baselines.ts';

function declaration(fields: Partial<Record<'hs6' | 'originCountry' | 'departureCountry' | 'taxType', string>>, price: number, mass: number, label: 0 | 1): FeatureRow {
  return {
    time: 0,
    categorical: { hs6: '851713', originCountry: 'CN', departureCountry: 'CN', taxType: 'A', ...fields },
    numeric: { itemPrice: price, netMass: mass },
    label,
  };
}

describe('baselines', () => {
  // 160 ordinary declarations (10 % fraud), and 40 of goods via a risky route (Vietnam, taxed FCN1: 75 %).
  const train = [
    ...Array.from({ length: 160 }, (_, i) => declaration({}, 1000, 10, i % 10 === 0 ? 1 : 0)),
    ...Array.from({ length: 40 }, (_, i) => declaration({ departureCountry: 'VN', taxType: 'FCN1' }, 1000, 10, i % 4 === 0 ? 0 : 1)),
  ];

  it('counts the rules an analyst would write', () => {
    const scores = rulesBaseline(train, [
      declaration({}, 1000, 10, 0), // nothing unusual
      declaration({}, 50, 10, 0), // value per kg a twentieth of the usual
      declaration({ departureCountry: 'VN' }, 1000, 10, 0), // a risky route
      declaration({ departureCountry: 'VN', taxType: 'FCN1' }, 50, 10, 0), // all three
    ]);
    expect([...scores]).toEqual([0, 1, 1, 3]);
  });

  it('draws the same random scores for the same seed', () => {
    const test = train.slice(0, 5);
    expect(randomBaseline(3)(train, test)).toEqual(randomBaseline(3)(train, test));
    expect(randomBaseline(3)(train, test)).not.toEqual(randomBaseline(4)(train, test));
    expect([...highestValueBaseline(train, [declaration({}, 7, 1, 0)])]).toEqual([7]);
  });
});
