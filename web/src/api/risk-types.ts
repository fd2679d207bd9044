// Replies of the risk engine's API (src/risk/risk.schemas.ts).
import type { Lane } from './types.ts';

export type RuleOperator = 'in' | 'notIn' | 'startsWith' | 'gt' | 'gte' | 'lt' | 'lte';

export interface RuleCondition {
  field: string;
  op: RuleOperator;
  value: string | string[];
}

export interface RuleInput {
  name: string;
  reason: string;
  conditions: RuleCondition[];
  weight?: number;
  forcedLane?: Lane;
  validFrom: string;
  validTo?: string;
  active?: boolean;
}

export interface RiskRule extends Required<Pick<RuleInput, 'name' | 'reason' | 'conditions' | 'validFrom' | 'active'>> {
  id: string;
  weight: number | null;
  forcedLane: Lane | null;
  validTo: string | null;
  owner: { id: string; name: string | null };
  version: number;
  createdAt: string;
  updatedAt: string;
  hits: { declarations: number; inspected: number; found: number; hitRate: number | null; lastHitAt: string | null };
}

export interface RiskRuleDetail extends RiskRule {
  recentHits: Array<{ declarationId: string; reference: string; lane: Lane; at: string; outcome: string | null }>;
}

export interface SelectionFigures {
  p1: number;
  p2: number;
  p5: number;
  p10: number;
  r1: number;
  r2: number;
  r5: number;
  r10: number;
  auc: number;
}

export interface RiskModel {
  id: string;
  version: number;
  status: 'TRAINED' | 'ACTIVE' | 'RETIRED';
  training: {
    rows: { shipped: number; own: number; train: number; valid: number };
    labels: { shipped: number; own: number; ownFound: number };
    period: { from: string; to: string; validFrom: string };
    rounds: number;
    seconds: number;
  };
  metrics: SelectionFigures;
  trainedAt: string;
  activatedAt: string | null;
}

export interface RiskSettings {
  redRate: string;
  yellowRate: string;
  retrainEveryDays: number | null;
  version: number;
  updatedAt: string;
}

interface LaneFigures {
  inspected: number;
  found: number;
  hitRate: number | null;
}

export interface RiskQuality {
  weeks: Array<{ week: string; targeted: LaneFigures; random: LaneFigures; all: LaneFigures }>;
  models: Array<{ version: number; trainedAt: string; status: string; metrics: SelectionFigures }>;
}

/** The fields a rule may test (src/risk/rules.ts), with the words the form shows. */
export const RULE_FIELDS: Array<{ field: string; label: string; kind: 'text' | 'number'; hint: string }> = [
  { field: 'hsCode', label: 'HS code (a line)', kind: 'text', hint: 'prefixes, e.g. 61, 6204' },
  { field: 'originCountry', label: 'Origin country (a line)', kind: 'text', hint: 'ISO codes, e.g. BD, CN' },
  { field: 'customsValue', label: 'Line value', kind: 'number', hint: 'in the administration’s currency' },
  { field: 'netMass', label: 'Line net mass (kg)', kind: 'number', hint: '' },
  { field: 'valuePerKg', label: 'Value per kg (a line)', kind: 'number', hint: '' },
  { field: 'valuePerKgDeviation', label: 'Value per kg against history', kind: 'number', hint: 'log difference: −0.7 is about half the usual' },
  { field: 'modelProbability', label: 'Model likelihood (a line)', kind: 'number', hint: '0 to 1' },
  { field: 'taxRate', label: 'Duty rate % (a line)', kind: 'number', hint: '' },
  { field: 'type', label: 'Declaration type', kind: 'text', hint: 'e.g. ADMISSION, EXPORT' },
  { field: 'zone', label: 'Zone code', kind: 'text', hint: '' },
  { field: 'transportMode', label: 'Transport mode', kind: 'text', hint: 'SEA, AIR, ROAD, RAIL' },
  { field: 'departureCountry', label: 'Country of departure', kind: 'text', hint: '' },
  { field: 'enterpriseId', label: 'Enterprise id', kind: 'text', hint: '' },
  { field: 'aeoStatus', label: 'AEO status', kind: 'text', hint: 'NONE, AEO_C, AEO_S, AEO_F' },
  { field: 'totalValue', label: 'Declaration value', kind: 'number', hint: '' },
  { field: 'enterpriseAgeDays', label: 'Enterprise age (days)', kind: 'number', hint: '' },
  { field: 'priorInspections', label: 'Earlier inspections', kind: 'number', hint: '' },
  { field: 'priorFindings', label: 'Earlier findings', kind: 'number', hint: '' },
  { field: 'bookDiscrepancies', label: 'Stock discrepancies (a year)', kind: 'number', hint: '' },
  { field: 'gateMismatches', label: 'Trucks held at the gate for a mismatch (a year)', kind: 'number', hint: '' },
  { field: 'trackingAlerts', label: 'Sealed-trip alerts (a year)', kind: 'number', hint: 'Seal opened or tampered, route deviations, stops, silence, late or wrong-gate arrivals' },
];

export const OPERATOR_LABELS: Record<RuleOperator, string> = {
  in: 'is one of',
  notIn: 'is none of',
  startsWith: 'starts with one of',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
};
