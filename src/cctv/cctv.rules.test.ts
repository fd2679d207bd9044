import { describe, expect, it } from 'vitest';
import { checkPolicy, requiredWatch } from './cctv.rules.ts';
import type { CoveragePolicyInput } from './cctv.schemas.ts';

const policy: CoveragePolicyInput = {
  defaultIntervalMinutes: 60,
  defaultSeverity: 'WARNING',
  gateIntervalMinutes: 15,
  goodsClasses: [
    { name: 'alcohol', hsChapters: ['22'], intervalMinutes: 5, severity: 'WARNING' },
    { name: 'tobacco', hsChapters: ['24'], intervalMinutes: 5, severity: 'CRITICAL' },
    { name: 'arms', hsChapters: ['93'], intervalMinutes: 2, severity: 'CRITICAL' },
    { name: 'pharmaceuticals', hsChapters: ['30'], intervalMinutes: 30, severity: 'WARNING' },
  ],
  retentionDays: 30,
  extendedRetentionDays: 90,
};
const isChapter = (chapter: string) => /^(0[1-9]|[1-8][0-9]|9[0-7])$/.test(chapter) && chapter !== '77';

describe('required watch of an area', () => {
  it('holds a warehouse to the strictest class of the goods it holds, else to the default', () => {
    expect(requiredWatch(policy, 'WAREHOUSE', new Set(['30', '22']))).toEqual({ intervalMinutes: 5, goodsClass: 'alcohol', severity: 'WARNING' });
    expect(requiredWatch(policy, 'WAREHOUSE', new Set(['30', '93', '22']))).toEqual({ intervalMinutes: 2, goodsClass: 'arms', severity: 'CRITICAL' });
    expect(requiredWatch(policy, 'WAREHOUSE', new Set(['61', '85']))).toEqual({ intervalMinutes: 60, goodsClass: null, severity: 'WARNING' });
    expect(requiredWatch(policy, 'WAREHOUSE', new Set())).toEqual({ intervalMinutes: 60, goodsClass: null, severity: 'WARNING' });
  });

  it('takes the graver severity when two classes ask for the same interval', () => {
    expect(requiredWatch(policy, 'WAREHOUSE', new Set(['22', '24']))).toEqual({ intervalMinutes: 5, goodsClass: 'tobacco', severity: 'CRITICAL' });
  });

  it('watches gates at the gate interval and the yard at the default, whatever the goods', () => {
    expect(requiredWatch(policy, 'GATE', new Set(['22']))).toEqual({ intervalMinutes: 15, goodsClass: null, severity: 'WARNING' });
    expect(requiredWatch(policy, 'YARD', new Set(['22']))).toEqual({ intervalMinutes: 60, goodsClass: null, severity: 'WARNING' });
  });
});

describe('policy rules', () => {
  it('accepts the shipped kind of policy', () => {
    expect(checkPolicy(policy, isChapter).details).toEqual([]);
  });

  it('names each broken rule by its field', () => {
    const errors = checkPolicy(
      {
        ...policy,
        retentionDays: 60,
        extendedRetentionDays: 45,
        goodsClasses: [
          { name: 'Alcohol', hsChapters: ['22', '77'], intervalMinutes: 5, severity: 'CRITICAL' },
          { name: 'alcohol ', hsChapters: ['24', '22'], intervalMinutes: 90, severity: 'CRITICAL' },
        ],
      },
      isChapter,
    );
    expect(errors.details.map((detail) => detail.path)).toEqual([
      '/extendedRetentionDays',
      '/goodsClasses/0/hsChapters/1',
      '/goodsClasses/1/name',
      '/goodsClasses/1/intervalMinutes',
      '/goodsClasses/1/hsChapters/1',
    ]);
    expect(errors.details[4]?.message).toContain('chapter 22 is already in the class "Alcohol"');
  });
});
