// Training the product's model: the shipped KCS declarations (data/risk/kcs) and the
// administration's own declarations whose inspection found something or nothing, in one feature
// space. The latest 15 % by time choose the number of rounds and are what the model is judged on;
// the model put to work is then refitted on everything, the latest labels included.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../platform/db/db.ts';
import type { FeatureRow } from './model/features.ts';
import { splitLatest, trainRiskModel } from './model/risk-model.ts';
import { readKcsFile } from './evaluate/kcs.ts';
import { selectionScores } from './evaluate/metrics.ts';
import { declarationRows, kcsRowInProductSpace, PRODUCT_FEATURE_SPEC } from './declaration-features.ts';
import { storeRiskModel, type StoredRiskModel } from './model-store.ts';
import { riskRepository as repo, type LabelledLineRow } from './risk.repository.ts';
import type { LineTax, TaxOf } from './taxes.ts';

const KCS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/risk/kcs');
export const SHIPPED_FILES = ['df_syn_train_eng.csv', 'df_syn_valid_eng.csv'];
const VALIDATION_SHARE = 0.15;
/** Points of the validation score distribution kept to set lane thresholds before there is traffic. */
const CALIBRATION_POINTS = 1000;
const DAY_MS = 86_400_000;

export interface TrainingReport {
  stored: StoredRiskModel;
  calibration: number[];
  training: {
    rows: { shipped: number; own: number; train: number; valid: number };
    labels: { shipped: number; own: number; ownFound: number };
    period: { from: string; to: string; validFrom: string };
    rounds: number;
    seconds: number;
  };
  metrics: ReturnType<typeof selectionScores>;
}

let shipped: Promise<FeatureRow[]> | null = null;

/** The shipped rows, read once per process. */
function shippedRows(): Promise<FeatureRow[]> {
  shipped ??= Promise.all(SHIPPED_FILES.map((file) => readKcsFile(path.join(KCS_DIR, file)))).then((files) => files.flat().map(kcsRowInProductSpace));
  return shipped;
}

/**
 * The administration's labelled declarations, a row per line, with the enterprise's record as it
 * stood at each submission: only inspection results recorded and discrepancies flagged before it.
 */
export async function ownRows(db: Db, taxOf: TaxOf): Promise<FeatureRow[]> {
  const [lines, discrepancies] = await Promise.all([repo.labelledLines(db), repo.discrepancyTimes(db)]);
  const byDeclaration = new Map<string, LabelledLineRow[]>();
  for (const line of lines) byDeclaration.set(line.declaration_id, [...(byDeclaration.get(line.declaration_id) ?? []), line]);
  const results = [...byDeclaration.values()].map((group) => group[0] as LabelledLineRow);
  const discrepanciesOf = new Map<string, number[]>();
  for (const d of discrepancies) discrepanciesOf.set(d.enterprise_id, [...(discrepanciesOf.get(d.enterprise_id) ?? []), d.occurred_at.getTime()]);

  const taxes = new Map<string, LineTax>();
  for (const line of lines) {
    const key = `${line.hs_code}/${line.tariff_code ?? ''}`;
    if (!taxes.has(key)) taxes.set(key, await taxOf(db, line.hs_code, line.tariff_code));
  }
  return [...byDeclaration.values()].flatMap((group) => {
    const first = group[0] as LabelledLineRow;
    const at = first.submitted_at.getTime();
    const earlier = results.filter((r) => r.enterprise_id === first.enterprise_id && r.recorded_at.getTime() < at);
    const flagged = (discrepanciesOf.get(first.enterprise_id) ?? []).filter((t) => t < at && t >= at - 365 * DAY_MS);
    return declarationRows(
      {
        at: first.submitted_at,
        type: first.type,
        zoneCode: first.zone_code,
        transportMode: first.transport.mode,
        declarantId: first.submitted_by,
        enterpriseId: first.enterprise_id,
        carrier: first.transport.vesselOrFlight ?? null,
        departureCountry: first.transport.portOfLoading?.slice(0, 2) ?? null,
        aeoStatus: first.aeo_status,
        enterpriseAgeDays: Math.max(0, Math.floor((at - first.enterprise_created_at.getTime()) / DAY_MS)),
        priorInspections: earlier.length,
        priorFindings: earlier.filter((r) => r.outcome !== 'NOTHING_FOUND').length,
        bookDiscrepancies: flagged.length,
        lines: group.map((line) => ({
          hsCode: line.hs_code,
          originCountry: line.origin_country,
          netMass: Number(line.net_mass),
          customsValue: Number(line.customs_value),
          taxRate: taxes.get(`${line.hs_code}/${line.tariff_code ?? ''}`)?.rate ?? null,
          taxType: taxes.get(`${line.hs_code}/${line.tariff_code ?? ''}`)?.type ?? null,
        })),
      },
      first.outcome === 'NOTHING_FOUND' ? 0 : 1,
    );
  });
}

function calibrationOf(scores: Float64Array): number[] {
  const sorted = Float64Array.from(scores).sort();
  const points = Math.min(CALIBRATION_POINTS, sorted.length);
  return Array.from({ length: points }, (_, i) => Math.round(10_000 * (sorted[Math.floor(((i + 0.5) * sorted.length) / points)] as number)) / 100);
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function trainProductModel(db: Db, taxOf: TaxOf): Promise<TrainingReport> {
  const [base, own] = await Promise.all([shippedRows(), ownRows(db, taxOf)]);
  const rows = [...base, ...own];
  const started = performance.now();
  const { earlier, later } = splitLatest(rows, VALIDATION_SHARE);
  const training = trainRiskModel(PRODUCT_FEATURE_SPEC, earlier, later);
  const seconds = (performance.now() - started) / 1000;
  const validLabels = Uint8Array.from(later, (row) => row.label ?? 0);
  const times = rows.map((row) => (typeof row.time === 'number' ? row.time : row.time.getTime()));
  return {
    stored: storeRiskModel(training.model),
    calibration: calibrationOf(training.validScores),
    training: {
      rows: { shipped: base.length, own: own.length, train: earlier.length, valid: later.length },
      labels: { shipped: base.filter((r) => r.label === 1).length, own: own.length, ownFound: own.filter((r) => r.label === 1).length },
      period: {
        from: isoDay(times.reduce((a, b) => Math.min(a, b))),
        to: isoDay(times.reduce((a, b) => Math.max(a, b))),
        validFrom: isoDay(typeof later[0]?.time === 'number' ? later[0].time : (later[0]?.time.getTime() ?? 0)),
      },
      rounds: training.model.gbdt.rounds,
      seconds: Math.round(seconds * 100) / 100,
    },
    metrics: selectionScores(validLabels, training.validScores),
  };
}
