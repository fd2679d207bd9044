// A trained risk model as JSON (the `risk_models.model` column) and back. The fitted features hold
// Maps (codes, target histories, running means); they are written as `{ "$map": [[key, value], …] }`.
import { loadGbdt, type GbdtModel } from './model/gbdt.ts';
import { transformFeatures, type FittedFeatures } from './model/features.ts';
import type { RiskModel } from './model/risk-model.ts';

const MAP_TAG = '$map';

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Map ? { [MAP_TAG]: [...value.entries()] } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && MAP_TAG in value && Object.keys(value).length === 1) {
    return new Map((value as Record<string, [unknown, unknown][]>)[MAP_TAG]);
  }
  return value;
}

export interface StoredRiskModel {
  features: unknown;
  gbdt: GbdtModel;
}

export function storeRiskModel(model: RiskModel): StoredRiskModel {
  return { features: JSON.parse(JSON.stringify(model.features, replacer)) as unknown, gbdt: model.gbdt.model };
}

export function loadRiskModel(stored: StoredRiskModel): RiskModel {
  const features = JSON.parse(JSON.stringify(stored.features), reviver) as FittedFeatures;
  const loaded = loadGbdt(stored.gbdt);
  const gbdt = { ...loaded, validHistory: [] };
  return { features, gbdt, score: (rows) => gbdt.predict(transformFeatures(features, rows)) };
}
