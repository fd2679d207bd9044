// The gate's decision as a pure function: which pass a truck presents, and how doubtful reads,
// seals and weights count.
import { describe, expect, it } from 'vitest';
import { judge, pickPass, weightTolerance, type PassToMatch, type Reading } from './matching.ts';

const pass = (overrides: Partial<PassToMatch> = {}): PassToMatch => ({
  id: 'p1',
  direction: 'OUT',
  gateIds: [],
  vehiclePlate: 'AB123CD',
  containers: ['CSQU3054383'],
  seals: ['S1'],
  expectedGrossKg: '10000',
  toleranceKg: '500',
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validTo: new Date('2026-01-04T00:00:00Z'),
  declarationState: 'RELEASED',
  ...overrides,
});
const reading = (overrides: Partial<Reading> = {}): Reading => ({
  at: new Date('2026-01-02T00:00:00Z'),
  plate: { value: 'ab 123-cd', confidence: 0.99 },
  containers: [{ number: 'csqu 3054383', confidence: 0.99 }],
  seals: ['s1'],
  weightKg: '10400',
  ...overrides,
});
const gate = { id: 'g1', code: 'OUT1', direction: 'OUT' as const };
const settings = { minConfidence: 0.85 };

describe('gate matching', () => {
  it('opens when everything agrees, whatever the spacing and case of what was read', () => {
    expect(judge(reading(), pass(), gate, settings)).toEqual([]);
  });

  it('does not check what the lane has no reader for', () => {
    expect(judge(reading({ seals: null, weightKg: null }), pass(), gate, settings)).toEqual([]);
  });

  it('picks the pass agreeing most with the truck, and among equals the one expiring first', () => {
    const plateOnly = pass({ id: 'plate', containers: ['MSCU0000000'] });
    const both = pass({ id: 'both' });
    const containerOnly = pass({ id: 'container', vehiclePlate: 'OTHER1' });
    expect(pickPass(reading(), [containerOnly, plateOnly, both])?.id).toBe('both');
    const later = pass({ id: 'later', validTo: new Date('2026-01-05T00:00:00Z') });
    expect(pickPass(reading(), [later, both])?.id).toBe('both');
    expect(pickPass(reading({ plate: { value: 'NOPE', confidence: 1 }, containers: [] }), [both])).toBeNull();
  });

  it('holds on a doubtful read without calling it a mismatch', () => {
    const reasons = judge(reading({ containers: [{ number: 'CSQU3054383', confidence: 0.5 }] }), pass(), gate, settings);
    expect(reasons.map((reason) => reason.code)).toEqual(['LOW_CONFIDENCE']);
  });

  it('names both the unexpected and the missing container', () => {
    const reasons = judge(reading({ containers: [{ number: 'MSKU9070323', confidence: 0.99 }] }), pass(), gate, settings);
    expect(reasons).toEqual([
      { code: 'CONTAINER_MISMATCH', message: 'container MSKU9070323 is not on the pass' },
      { code: 'CONTAINER_MISMATCH', message: 'container CSQU3054383 of the pass was not seen' },
    ]);
  });

  it('holds a pass of a declaration no longer released, out of its window, or at a gate it does not name', () => {
    const codes = judge(reading({ at: new Date('2026-01-05T00:00:00Z') }), pass({ declarationState: 'CANCELLED', gateIds: ['g2'] }), gate, settings).map((r) => r.code);
    expect(codes).toEqual(['NOT_RELEASED', 'PASS_EXPIRED', 'WRONG_GATE']);
    expect(judge(reading(), pass({ direction: 'IN' }), gate, settings)[0]?.message).toBe('gate OUT1 is for exit, the pass is for entry');
  });

  it('weighs against the tolerance at its edge', () => {
    expect(judge(reading({ weightKg: '10500' }), pass(), gate, settings)).toEqual([]);
    expect(judge(reading({ weightKg: '9499.9' }), pass(), gate, settings).map((r) => r.code)).toEqual(['WEIGHT_OUT_OF_TOLERANCE']);
    expect(weightTolerance('20000', { weightTolerancePercent: '5', minWeightToleranceKg: '200' }).toFixed()).toBe('1000');
    expect(weightTolerance('1000', { weightTolerancePercent: '5', minWeightToleranceKg: '200' }).toFixed()).toBe('200');
  });
});
