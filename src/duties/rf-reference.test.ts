// ISO 11649 creditor references against the examples published with the standard, and the
// mod-97 check's guarantee: every single-character change is caught.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRfReference, isValidRfReference, normaliseRfReference, printRfReference } from './rf-reference.ts';

describe('RF creditor references (ISO 11649)', () => {
  it.each([
    ['539007547034', 'RF18539007547034'],
    ['2348231', 'RF712348231'],
  ])('makes the published example from %s', (reference, expected) => {
    expect(createRfReference(reference)).toBe(expected);
    expect(isValidRfReference(expected)).toBe(true);
  });

  it('reads the printed format, with spaces and in lower case', () => {
    expect(printRfReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
    expect(isValidRfReference('RF18 5390 0754 7034')).toBe(true);
    expect(isValidRfReference('rf18 5390 0754 7034')).toBe(true);
    expect(normaliseRfReference(' rf71 2348 231 ')).toBe('RF712348231');
  });

  it('refuses wrong check digits, bad characters and wrong lengths', () => {
    expect(isValidRfReference('RF19539007547034')).toBe(false);
    expect(isValidRfReference('RF18539007547035')).toBe(false);
    expect(isValidRfReference('RF18')).toBe(false);
    expect(isValidRfReference('RF18-5390-0754-7034')).toBe(false);
    expect(isValidRfReference(`RF00${'1'.repeat(22)}`)).toBe(false);
    expect(isValidRfReference('XX18539007547034')).toBe(false);
    expect(() => createRfReference('')).toThrow();
    expect(() => createRfReference('A'.repeat(22))).toThrow();
  });

  it('makes valid references of letters and digits, and catches any digit changed for another digit, or letter for another letter', () => {
    // A letter counts as two digits (A = 10), so a digit swapped for a letter is not always caught:
    // Cordon's own references are digits only.
    const digits = '0123456789';
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const reference = fc.string({ unit: fc.constantFrom(...digits, ...letters), minLength: 1, maxLength: 21 });
    fc.assert(
      fc.property(reference, fc.nat(), fc.nat(), (text, at, pick) => {
        const rf = createRfReference(text);
        expect(rf).toMatch(/^RF\d{2}[0-9A-Z]{1,21}$/);
        expect(isValidRfReference(rf)).toBe(true);
        const position = 2 + (at % (rf.length - 2));
        const original = rf.charAt(position);
        const pool = digits.includes(original) ? digits : letters;
        const replacement = pool.charAt(pick % pool.length);
        fc.pre(replacement !== original);
        expect(isValidRfReference(rf.slice(0, position) + replacement + rf.slice(position + 1))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
