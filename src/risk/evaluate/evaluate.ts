// Judges the risk model as an administration would deploy it: trained on the past (the validation
// period, when given, chooses the number of rounds), then scored on a later test period whose labels
// are read only to compute the metrics. The baselines see the same labelled rows.
import type { FeatureRow, FeatureSpec } from '../model/features.ts';
import { trainRiskModel, type RiskModelOptions } from '../model/risk-model.ts';
import { baselines } from './baselines.ts';
import { selectionScores, type SelectionScores } from './metrics.ts';

export interface EvaluationInput {
  train: readonly FeatureRow[];
  /** Rows later than the training rows for early stopping; without them the latest training rows are held out. */
  valid: readonly FeatureRow[] | null;
  test: readonly FeatureRow[];
}

export interface EvaluationReport {
  model: SelectionScores;
  baselines: Record<string, SelectionScores>;
  /** Seconds spent fitting the features and the trees (refit included). */
  trainSeconds: number;
  /** `valid` counts the rows the round count was chosen on (given or held out). */
  rows: { train: number; valid: number; test: number };
}

export interface EvaluationOptions {
  model?: Partial<RiskModelOptions>;
  /** Seed of the random baseline. */
  seed?: number;
}

function labelsOf(rows: readonly FeatureRow[], what: string): Uint8Array {
  return Uint8Array.from(rows, (row, index) => {
    if (row.label === undefined) throw new Error(`${what} row ${index} has no label`);
    return row.label;
  });
}

export function evaluateRiskModel(spec: FeatureSpec, input: EvaluationInput, options: EvaluationOptions = {}): EvaluationReport {
  const testLabels = labelsOf(input.test, 'test');
  const started = performance.now();
  const training = trainRiskModel(spec, input.train, input.valid, options.model);
  const trainSeconds = (performance.now() - started) / 1000;
  // The test rows go in without their labels, so nothing downstream could read them.
  const unlabelledTest = input.test.map(({ label: _label, ...row }) => row);
  const model = selectionScores(testLabels, training.model.score(unlabelledTest));

  const labelled = [...input.train, ...(input.valid ?? [])];
  const baselineScores = Object.fromEntries(
    Object.entries(baselines(options.seed ?? 1)).map(([name, baseline]) => [name, selectionScores(testLabels, baseline(labelled, unlabelledTest))]),
  );
  return {
    model,
    baselines: baselineScores,
    trainSeconds,
    rows: { train: input.train.length - (input.valid ? 0 : training.validRows), valid: training.validRows, test: input.test.length },
  };
}
