// `cordon risk evaluate`: trains the risk model on KCS declaration files and prints how well it and
// the baselines select the fraudulent declarations of a later test file, as a table or one JSON object.
import { evaluateRiskModel, type EvaluationReport } from './evaluate.ts';
import { DEFAULT_LABEL_COLUMN, KCS_FEATURE_SPEC, KcsFormatError, readKcsFile } from './kcs.ts';
import { TOP_PERCENTS, type SelectionScores } from './metrics.ts';
import type { FeatureRow } from '../model/features.ts';

export interface RiskEvaluateOptions {
  /** Comma-separated training files. */
  train: string;
  valid?: string;
  test: string;
  label?: string;
  json?: boolean;
}

const COLUMNS: (keyof SelectionScores)[] = [...TOP_PERCENTS.map((k) => `p${k}` as const), ...TOP_PERCENTS.map((k) => `r${k}` as const), 'auc'];

function formatTable(report: EvaluationReport): string {
  const rows = [['', ...COLUMNS]];
  const line = (name: string, scores: SelectionScores) => [name, ...COLUMNS.map((column) => scores[column].toFixed(3))];
  rows.push(line('model', report.model));
  for (const [name, scores] of Object.entries(report.baselines)) rows.push(line(name, scores));
  const widths = (rows[0] as string[]).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const table = rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '));
  return [
    ...table,
    '',
    `p<k>, r<k>: precision and recall among the top k % of the test rows by score; auc: ROC AUC`,
    `rows: ${report.rows.train} training + ${report.rows.valid} validation (choosing the rounds; the model is then refitted on both), ${report.rows.test} test`,
    `training: ${report.trainSeconds.toFixed(1)} s`,
  ].join('\n');
}

async function readAll(files: string[], labelColumn: string): Promise<FeatureRow[]> {
  const rows: FeatureRow[] = [];
  for (const file of files) rows.push(...(await readKcsFile(file, { labelColumn })));
  return rows;
}

/** Returns the exit status: 0 evaluated, 2 unusable input (the reason on stderr). */
export async function runRiskEvaluate(options: RiskEvaluateOptions): Promise<number> {
  const labelColumn = options.label ?? DEFAULT_LABEL_COLUMN;
  let report: EvaluationReport;
  try {
    const trainFiles = options.train.split(',').map((file) => file.trim()).filter((file) => file !== '');
    if (trainFiles.length === 0) throw new KcsFormatError('--train names no file');
    const train = await readAll(trainFiles, labelColumn);
    if (train.length < 2) throw new KcsFormatError(`${options.train}: too few declarations to train on`);
    const valid = options.valid === undefined ? null : await readAll([options.valid], labelColumn);
    const test = await readAll([options.test], labelColumn);
    if (test.length === 0) throw new KcsFormatError(`${options.test}: no declarations to test on`);
    report = evaluateRiskModel(KCS_FEATURE_SPEC, { train, valid, test });
  } catch (error) {
    if (!(error instanceof KcsFormatError)) throw error;
    process.stderr.write(`cordon: risk evaluate: ${error.message}\n`);
    return 2;
  }
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatTable(report)}\n`);
  return 0;
}
