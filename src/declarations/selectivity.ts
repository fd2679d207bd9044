// Lane selection until (and beside) the risk engine: the administration's rules, then a random
// control share so that unselected goods are inspected too and targeting can be measured honestly.
import { Decimal } from 'decimal.js';
import type { AeoStatus, DeclarationType, Lane, SelectivitySettings } from './selectivity.schema.ts';

export interface SelectivityInput {
  type: DeclarationType;
  enterpriseId: string;
  aeoStatus: AeoStatus;
  totalValue: string;
  lines: Array<{ hsCode: string; originCountry: string }>;
}

export interface LaneDecision {
  lane: Lane;
  /** 0 to 100: the strongest signal that set the lane. */
  score: number;
  reasons: string[];
  /** Whether the random control draw chose it. */
  random: boolean;
}

const SEVERITY: Record<Lane, number> = { GREEN: 0, YELLOW: 1, RED: 2 };
const SCORE: Record<Lane, number> = { GREEN: 0, YELLOW: 50, RED: 100 };

export function selectLane(settings: SelectivitySettings, input: SelectivityInput, random: () => number): LaneDecision {
  let lane: Lane = 'GREEN';
  const reasons: string[] = [];
  const raise = (to: Lane, reason: string) => {
    if (SEVERITY[to] > SEVERITY[lane]) lane = to;
    reasons.push(reason);
  };

  for (const rule of settings.rules) {
    const hits =
      (!rule.declarationTypes || rule.declarationTypes.includes(input.type)) &&
      (!rule.hsPrefixes || input.lines.some((line) => rule.hsPrefixes?.some((prefix) => line.hsCode.startsWith(prefix)))) &&
      (!rule.originCountries || input.lines.some((line) => rule.originCountries?.includes(line.originCountry))) &&
      (!rule.enterpriseIds || rule.enterpriseIds.includes(input.enterpriseId)) &&
      (!rule.aeoStatuses || rule.aeoStatuses.includes(input.aeoStatus)) &&
      (!rule.minTotalValue || new Decimal(input.totalValue).gte(rule.minTotalValue));
    if (hits) raise(rule.lane, `${rule.name}: ${rule.reason}`);
  }

  // One draw decides both random shares, so RED and YELLOW control samples never overlap.
  const draw = random();
  const red = Number(settings.randomRedShare);
  const yellow = Number(settings.randomYellowShare);
  const drawn = draw < red + yellow;
  if (draw < red) raise('RED', 'Selected at random for control inspection');
  else if (drawn) raise('YELLOW', 'Selected at random for document check');

  if (reasons.length === 0) reasons.push('No selectivity rule hit; not selected at random');
  return { lane, score: SCORE[lane], reasons, random: drawn };
}
