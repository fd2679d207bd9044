import { describe, expect, it } from 'vitest';
import { selectLane, type SelectivityInput } from './selectivity.ts';
import { DEFAULT_SELECTIVITY, type SelectivitySettings } from './selectivity.schema.ts';

const input: SelectivityInput = {
  type: 'ADMISSION',
  enterpriseId: '0190a1b2-0000-7000-8000-000000000001',
  aeoStatus: 'NONE',
  totalValue: '12000.00',
  lines: [{ hsCode: '851713', originCountry: 'CN' }, { hsCode: '620342', originCountry: 'BD' }],
};
const noRandom: SelectivitySettings = { ...DEFAULT_SELECTIVITY, randomRedShare: '0', randomYellowShare: '0' };
const neverDrawn = () => 0.999;

describe('selectivity', () => {
  it('sends a declaration no rule hits to GREEN and says why', () => {
    expect(selectLane(noRandom, input, neverDrawn)).toEqual({
      lane: 'GREEN',
      score: 0,
      reasons: ['No selectivity rule hit; not selected at random'],
      random: false,
    });
  });

  it('applies every condition of a rule and takes the most severe lane among the hits', () => {
    const settings: SelectivitySettings = {
      ...noRandom,
      rules: [
        { name: 'Apparel from BD', lane: 'YELLOW', reason: 'valuation check', hsPrefixes: ['62'], originCountries: ['BD'] },
        { name: 'Phones over 10k', lane: 'RED', reason: 'IPR risk', hsPrefixes: ['8517'], minTotalValue: '10000' },
        { name: 'Exports only', lane: 'RED', reason: 'never hits', declarationTypes: ['EXPORT'] },
        { name: 'AEO only', lane: 'RED', reason: 'never hits', aeoStatuses: ['AEO_F'] },
      ],
    };
    const decision = selectLane(settings, input, neverDrawn);
    expect(decision.lane).toBe('RED');
    expect(decision.reasons).toEqual(['Apparel from BD: valuation check', 'Phones over 10k: IPR risk']);
    expect(selectLane(settings, { ...input, totalValue: '9999.99' }, neverDrawn).lane).toBe('YELLOW');
  });

  it('selects at random in the configured shares, RED and YELLOW never overlapping', () => {
    const settings = { ...DEFAULT_SELECTIVITY, randomRedShare: '0.03', randomYellowShare: '0.07' };
    expect(selectLane(settings, input, () => 0.01)).toMatchObject({ lane: 'RED', random: true });
    expect(selectLane(settings, input, () => 0.05)).toMatchObject({ lane: 'YELLOW', random: true });
    expect(selectLane(settings, input, () => 0.1)).toMatchObject({ lane: 'GREEN', random: false });
    let red = 0;
    let yellow = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const lane = selectLane(settings, input, () => i / 10_000).lane;
      if (lane === 'RED') red += 1;
      if (lane === 'YELLOW') yellow += 1;
    }
    expect(red).toBe(300);
    expect(yellow).toBe(700);
  });
});
