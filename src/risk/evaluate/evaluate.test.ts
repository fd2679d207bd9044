import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateRiskModel } from './evaluate.ts';
import { KCS_FEATURE_SPEC, readKcsFile } from './kcs.ts';

const KCS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../data/risk/kcs');

describe('risk evaluation on the shipped KCS files', () => {
  it('trains on a slice of 2020, judges on early 2021, and beats the random baseline', async () => {
    const train = await readKcsFile(path.join(KCS_DIR, 'df_syn_train_eng.csv'), { maxRows: 6000 });
    const test = await readKcsFile(path.join(KCS_DIR, 'df_syn_valid_eng.csv'), { maxRows: 2000 });
    const report = evaluateRiskModel(KCS_FEATURE_SPEC, { train, valid: null, test }, { model: { gbdt: { rounds: 60 } } });

    expect(report.rows.train + report.rows.valid).toBe(6000);
    expect(report.rows.valid).toBeGreaterThan(0);
    expect(report.rows.test).toBe(2000);
    expect(Object.keys(report.baselines)).toEqual(['random', 'highestValue', 'rules']);
    for (const scores of [report.model, ...Object.values(report.baselines)]) {
      expect(Object.keys(scores)).toEqual(['p1', 'p2', 'p5', 'p10', 'r1', 'r2', 'r5', 'r10', 'auc']);
      for (const value of Object.values(scores)) expect(value).toBeGreaterThanOrEqual(0);
    }
    expect(report.model.auc).toBeGreaterThan(0.65);
    expect(report.model.auc).toBeGreaterThan(report.baselines.random!.auc);
    expect(report.model.p10).toBeGreaterThan(report.baselines.random!.p10);
  });
});
