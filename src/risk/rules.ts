// Analysts' risk rules: conditions on what a declaration says and on what is known of it (its
// enterprise's record, the model's view), each adding points to the score or forcing a lane.
// Conditions on a line's fields hold when one line meets all of them; the others hold of the whole
// declaration. Pure: the service gathers the facts and records the hits.
import type { Lane } from '../declarations/selectivity.schema.ts';

export interface LineFacts {
  hsCode: string;
  originCountry: string;
  netMass: number;
  /** In the administration's currency. */
  customsValue: number;
  valuePerKg: number | null;
  /** Natural log of this line's value per kilogram less the mean over earlier ones of the same HS6 and origin; null without history. */
  valuePerKgDeviation: number | null;
  /** Ad valorem duty rate in per cent, when the tariff gives one. */
  taxRate: number | null;
  /** The model's probability of a finding for this line, 0..1; null without an active model. */
  modelProbability: number | null;
}

export interface DeclarationFacts {
  type: string;
  zone: string;
  transportMode: string;
  enterpriseId: string;
  aeoStatus: string;
  departureCountry: string | null;
  /** In the administration's currency. */
  totalValue: number;
  enterpriseAgeDays: number;
  priorInspections: number;
  priorFindings: number;
  bookDiscrepancies: number;
  gateMismatches: number;
  /** Alerts on the enterprise's trips under seal in the last year, low batteries aside. */
  trackingAlerts: number;
  lines: LineFacts[];
}

type FieldKind = 'text' | 'number';
const DECLARATION_FIELDS = {
  type: 'text',
  zone: 'text',
  transportMode: 'text',
  enterpriseId: 'text',
  aeoStatus: 'text',
  departureCountry: 'text',
  totalValue: 'number',
  enterpriseAgeDays: 'number',
  priorInspections: 'number',
  priorFindings: 'number',
  bookDiscrepancies: 'number',
  gateMismatches: 'number',
  trackingAlerts: 'number',
} as const satisfies Record<string, FieldKind>;
const LINE_FIELDS = {
  hsCode: 'text',
  originCountry: 'text',
  netMass: 'number',
  customsValue: 'number',
  valuePerKg: 'number',
  valuePerKgDeviation: 'number',
  taxRate: 'number',
  modelProbability: 'number',
} as const satisfies Record<string, FieldKind>;

export const RULE_FIELDS = [...Object.keys(DECLARATION_FIELDS), ...Object.keys(LINE_FIELDS)] as (keyof typeof DECLARATION_FIELDS | keyof typeof LINE_FIELDS)[];
export const TEXT_OPERATORS = ['in', 'notIn', 'startsWith'] as const;
export const NUMBER_OPERATORS = ['gt', 'gte', 'lt', 'lte'] as const;
export const RULE_OPERATORS = [...TEXT_OPERATORS, ...NUMBER_OPERATORS] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

export interface RuleCondition {
  field: string;
  op: RuleOperator;
  /** A list of texts for in, notIn and startsWith (any of them); a decimal string for comparisons. */
  value: string | string[];
}

export interface RiskRule {
  id: string;
  name: string;
  reason: string;
  conditions: RuleCondition[];
  weight: number | null;
  forcedLane: Lane | null;
  validFrom: string;
  validTo: string | null;
  active: boolean;
}

function kindOf(field: string): FieldKind | null {
  return (DECLARATION_FIELDS as Record<string, FieldKind>)[field] ?? (LINE_FIELDS as Record<string, FieldKind>)[field] ?? null;
}

/** What is wrong with each condition, as `{ path, message }` under `/conditions/i`; empty when all are sound. */
export function checkConditions(conditions: readonly RuleCondition[]): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  conditions.forEach((condition, index) => {
    const at = `/conditions/${index}`;
    const kind = kindOf(condition.field);
    if (!kind) {
      problems.push({ path: `${at}/field`, message: `unknown field; one of ${RULE_FIELDS.join(', ')}` });
      return;
    }
    const operators: readonly string[] = kind === 'text' ? TEXT_OPERATORS : NUMBER_OPERATORS;
    if (!operators.includes(condition.op)) {
      problems.push({ path: `${at}/op`, message: `${condition.field} is ${kind === 'text' ? 'a text' : 'a number'}: use one of ${operators.join(', ')}` });
      return;
    }
    if (kind === 'text' && (!Array.isArray(condition.value) || condition.value.length === 0)) {
      problems.push({ path: `${at}/value`, message: 'must be a list of one or more texts' });
    }
    if (kind === 'number' && (typeof condition.value !== 'string' || !/^-?[0-9]+(\.[0-9]+)?$/.test(condition.value))) {
      problems.push({ path: `${at}/value`, message: 'must be a decimal number written as a string, e.g. "2.5"' });
    }
  });
  return problems;
}

function holds(condition: RuleCondition, actual: string | number | null): boolean {
  if (actual === null) return false;
  switch (condition.op) {
    case 'in':
      return (condition.value as string[]).includes(String(actual));
    case 'notIn':
      return !(condition.value as string[]).includes(String(actual));
    case 'startsWith':
      return (condition.value as string[]).some((prefix) => String(actual).startsWith(prefix));
    case 'gt':
      return Number(actual) > Number(condition.value);
    case 'gte':
      return Number(actual) >= Number(condition.value);
    case 'lt':
      return Number(actual) < Number(condition.value);
    case 'lte':
      return Number(actual) <= Number(condition.value);
  }
}

/** Whether the rule is in force on `day` (YYYY-MM-DD) and all its conditions hold. */
export function ruleHits(rule: RiskRule, facts: DeclarationFacts, day: string): boolean {
  if (!rule.active || day < rule.validFrom || (rule.validTo !== null && day > rule.validTo)) return false;
  const onLine = rule.conditions.filter((c) => c.field in LINE_FIELDS);
  const onDeclaration = rule.conditions.filter((c) => !(c.field in LINE_FIELDS));
  const declaration = facts as unknown as Record<string, string | number | null>;
  if (!onDeclaration.every((c) => holds(c, declaration[c.field] ?? null))) return false;
  if (onLine.length === 0) return true;
  return facts.lines.some((line) => {
    const values = line as unknown as Record<string, string | number | null>;
    return onLine.every((c) => holds(c, values[c.field] ?? null));
  });
}
