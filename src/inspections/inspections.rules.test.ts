// Which task a lane opens, how findings correct a declaration, and the label of each outcome.
import { describe, expect, it } from 'vitest';
import type { DeclarationSnapshot } from '../declarations/declaration.hooks.ts';
import { correctionsOf, kindForLane, labelOf } from './inspections.rules.ts';

describe('tasks opened by the lane', () => {
  const declaration = (lane: DeclarationSnapshot['lane'], containers: string[]) => ({ lane, transport: { mode: 'SEA', vehiclePlate: null, containers, seals: [] } });

  it('checks the documents of YELLOW, scans the containers of RED or examines its goods without containers, leaves GREEN alone', () => {
    expect(kindForLane(declaration('YELLOW', ['CSQU3054383']))).toBe('DOCUMENT_CHECK');
    expect(kindForLane(declaration('RED', ['CSQU3054383']))).toBe('NON_INTRUSIVE_SCAN');
    expect(kindForLane(declaration('RED', []))).toBe('PHYSICAL_EXAMINATION');
    expect(kindForLane(declaration('GREEN', ['CSQU3054383']))).toBeNull();
    expect(kindForLane(declaration(null, []))).toBeNull();
  });
});

describe('outcome rules', () => {
  it('merges corrections per line, a later finding overriding an earlier one field by field', () => {
    expect(
      correctionsOf([
        { line_no: 2, corrections: { quantity: '10', netMass: '5' } },
        { line_no: 1, corrections: {} },
        { line_no: 2, corrections: { quantity: '9' } },
        { line_no: 1, corrections: { hsCode: '610910' } },
      ]),
    ).toEqual([
      { lineNo: 1, hsCode: '610910' },
      { lineNo: 2, quantity: '9', netMass: '5' },
    ]);
  });

  it('labels SEIZE and anything prohibited CRITICAL, other findings FOUND, a release as declared NOTHING_FOUND', () => {
    expect(labelOf('RELEASE_AS_DECLARED', [])).toBe('NOTHING_FOUND');
    expect(labelOf('RELEASE_AS_DECLARED', [{ kind: 'RESTRICTED' }])).toBe('NOTHING_FOUND');
    expect(labelOf('RELEASE_WITH_CORRECTIONS', [{ kind: 'QUANTITY' }])).toBe('FOUND');
    expect(labelOf('REJECT', [])).toBe('FOUND');
    expect(labelOf('REJECT', [{ kind: 'PROHIBITED' }])).toBe('CRITICAL');
    expect(labelOf('SEIZE', [])).toBe('CRITICAL');
  });
});
