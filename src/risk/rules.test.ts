import { describe, expect, it } from 'vitest';
import { checkConditions, ruleHits, type DeclarationFacts, type RiskRule } from './rules.ts';

const facts: DeclarationFacts = {
  type: 'ADMISSION',
  zone: 'FTZ1',
  transportMode: 'SEA',
  enterpriseId: 'e1',
  aeoStatus: 'NONE',
  departureCountry: 'CN',
  totalValue: 30_000,
  enterpriseAgeDays: 400,
  priorInspections: 3,
  priorFindings: 1,
  bookDiscrepancies: 0,
  gateMismatches: 0,
  trackingAlerts: 3,
  lines: [
    { hsCode: '610910', originCountry: 'BD', netMass: 1000, customsValue: 18_000, valuePerKg: 18, valuePerKgDeviation: -1.2, taxRate: 16.5, modelProbability: 0.4 },
    { hsCode: '851713', originCountry: 'CN', netMass: 100, customsValue: 12_000, valuePerKg: 120, valuePerKgDeviation: 0.1, taxRate: 0, modelProbability: 0.05 },
  ],
};

const rule = (conditions: RiskRule['conditions'], extra: Partial<RiskRule> = {}): RiskRule => ({
  id: 'r',
  name: 'r',
  reason: 'r',
  conditions,
  weight: 20,
  forcedLane: null,
  validFrom: '2026-01-01',
  validTo: null,
  active: true,
  ...extra,
});

describe('risk rules', () => {
  it('hits when one line meets every line condition and the declaration meets the rest', () => {
    const undervaluedApparel = rule([
      { field: 'hsCode', op: 'startsWith', value: ['61', '62'] },
      { field: 'valuePerKgDeviation', op: 'lt', value: '-1' },
      { field: 'transportMode', op: 'in', value: ['SEA'] },
    ]);
    expect(ruleHits(undervaluedApparel, facts, '2026-11-27')).toBe(true);
    // The phone line is from CN but is not apparel: no single line meets both.
    expect(ruleHits(rule([{ field: 'hsCode', op: 'startsWith', value: ['61'] }, { field: 'originCountry', op: 'in', value: ['CN'] }]), facts, '2026-11-27')).toBe(false);
    expect(ruleHits(rule([{ field: 'aeoStatus', op: 'notIn', value: ['AEO_F', 'AEO_S'] }, { field: 'totalValue', op: 'gte', value: '30000' }]), facts, '2026-11-27')).toBe(true);
    expect(ruleHits(rule([{ field: 'totalValue', op: 'gt', value: '30000' }]), facts, '2026-11-27')).toBe(false);
  });

  it("reads the alerts on the enterprise's trips under seal as a number", () => {
    expect(ruleHits(rule([{ field: 'trackingAlerts', op: 'gte', value: '3' }]), facts, '2026-11-27')).toBe(true);
    expect(ruleHits(rule([{ field: 'trackingAlerts', op: 'gt', value: '3' }]), facts, '2026-11-27')).toBe(false);
    expect(checkConditions([{ field: 'trackingAlerts', op: 'in', value: ['3'] }])).toEqual([
      { path: '/conditions/0/op', message: 'trackingAlerts is a number: use one of gt, gte, lt, lte' },
    ]);
  });

  it('does not hit outside its validity or when inactive, or on a field with no value', () => {
    const r = rule([{ field: 'zone', op: 'in', value: ['FTZ1'] }], { validFrom: '2026-12-01', validTo: '2026-12-31' });
    expect(ruleHits(r, facts, '2026-11-30')).toBe(false);
    expect(ruleHits(r, facts, '2026-12-01')).toBe(true);
    expect(ruleHits(r, facts, '2026-12-31')).toBe(true);
    expect(ruleHits(r, facts, '2027-01-01')).toBe(false);
    expect(ruleHits({ ...r, active: false }, facts, '2026-12-10')).toBe(false);
    const noHistory = { ...facts, lines: [{ ...facts.lines[1]!, valuePerKgDeviation: null }] };
    expect(ruleHits(rule([{ field: 'valuePerKgDeviation', op: 'lt', value: '5' }]), noHistory, '2026-11-27')).toBe(false);
  });

  it('names each unsound condition by its path and rule', () => {
    expect(
      checkConditions([
        { field: 'colour', op: 'in', value: ['red'] },
        { field: 'hsCode', op: 'gt', value: '5' },
        { field: 'totalValue', op: 'gte', value: 'lots' },
        { field: 'originCountry', op: 'in', value: [] },
        { field: 'netMass', op: 'lt', value: '12.5' },
      ]),
    ).toEqual([
      { path: '/conditions/0/field', message: expect.stringContaining('unknown field') },
      { path: '/conditions/1/op', message: 'hsCode is a text: use one of in, notIn, startsWith' },
      { path: '/conditions/2/value', message: 'must be a decimal number written as a string, e.g. "2.5"' },
      { path: '/conditions/3/value', message: 'must be a list of one or more texts' },
    ]);
  });
});
