import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkContainerNumber,
  containerCheckDigit,
  isNonNegativeDecimal,
  isPositiveDecimal,
  isValidLocodeFormat,
  parseDecimal,
} from './validators.ts';

describe('ISO 6346 container numbers', () => {
  // Published examples (python-stdnum's tests, the Wikipedia example, DCSA sample messages, a public README).
  it.each([
    ['CSQU3054383', 3],
    ['TCNU7200794', 4],
    ['TOLU4734787', 7],
    ['ZEPU0037255', 5],
    ['APZU4812090', 0],
    ['NARU3472484', 4],
    ['MSCU6639870', 0],
    // Remainder 10 gives check digit 0: the usual source of bugs.
    ['GYOU4047990', 0],
    ['TASU1170000', 0],
  ])('accepts %s (check digit %i)', (number, digit) => {
    expect(containerCheckDigit(number.slice(0, 10))).toBe(digit);
    expect(checkContainerNumber(number)).toEqual({ normalized: number, valid: true, problem: null });
  });

  it.each([
    ['CSQU3054384', 'check digit should be 3'],
    ['MSKU1100810', 'check digit should be 7'],
    ['MSCU6639871', 'check digit should be 0'],
    ['CSQU305438', 'must be 4 letters followed by 7 digits'],
    ['CSQU3054Z83', 'must be 4 letters followed by 7 digits'],
    ['CSQU30543833', 'must be 4 letters followed by 7 digits'],
    ['', 'must be 4 letters followed by 7 digits'],
    ['CSQX3054383', 'the fourth letter (equipment category) must be U, J or Z'],
  ])('rejects %j: %s', (number, problem) => {
    const check = checkContainerNumber(number);
    expect(check.valid).toBe(false);
    expect(check.problem).toBe(problem);
  });

  it('normalises case and spaces before checking', () => {
    expect(checkContainerNumber('csqu3054383')).toEqual({ normalized: 'CSQU3054383', valid: true, problem: null });
    expect(checkContainerNumber('CSQU 305438 3')).toEqual({ normalized: 'CSQU3054383', valid: true, problem: null });
    expect(checkContainerNumber('  tasu 117000 0 ')).toMatchObject({ normalized: 'TASU1170000', valid: true });
  });

  it('accepts the J and Z equipment categories', () => {
    const serial = 'ABCJ123456';
    const digit = containerCheckDigit(serial);
    expect(checkContainerNumber(`${serial}${digit}`).valid).toBe(true);
    expect(checkContainerNumber(`ABCZ123456${containerCheckDigit('ABCZ123456')}`).valid).toBe(true);
  });

  it('accepts any owner code and serial with its computed check digit, and no other digit', () => {
    const prefix = fc
      .tuple(fc.stringMatching(/^[A-Z]{3}$/), fc.constantFrom('U', 'J', 'Z'), fc.stringMatching(/^[0-9]{6}$/))
      .map(([owner, category, serial]) => `${owner}${category}${serial}`);
    fc.assert(
      fc.property(prefix, fc.integer({ min: 0, max: 9 }), (ownerAndSerial, digit) => {
        const expected = containerCheckDigit(ownerAndSerial);
        expect(checkContainerNumber(`${ownerAndSerial}${digit}`).valid).toBe(digit === expected);
      }),
    );
  });

  it('refuses to compute a check digit of a malformed prefix', () => {
    expect(() => containerCheckDigit('CSQU30543')).toThrow(RangeError);
    expect(() => containerCheckDigit('csqu305438')).toThrow(RangeError);
  });
});

describe('UN/LOCODE format', () => {
  it('takes 2 letters and 3 letters or digits', () => {
    expect(isValidLocodeFormat('NLRTM')).toBe(true);
    expect(isValidLocodeFormat('DE9B0')).toBe(true);
    expect(isValidLocodeFormat('nlrtm')).toBe(false);
    expect(isValidLocodeFormat('NL RTM')).toBe(false);
    expect(isValidLocodeFormat('N1RTM')).toBe(false);
    expect(isValidLocodeFormat('NLRT')).toBe(false);
  });
});

describe('decimal strings', () => {
  it('reads plain decimals exactly and nothing else', () => {
    expect(parseDecimal('1250.50')?.toString()).toBe('1250.5');
    expect(parseDecimal('0.1')?.plus('0.2').toString()).toBe('0.3');
    expect(parseDecimal('-3')?.toString()).toBe('-3');
    expect(parseDecimal('123456789012345678901234567890.123456')?.toFixed(6)).toBe('123456789012345678901234567890.123456');
    for (const bad of ['', ' 1', '1 ', '+1', '1e3', '1,5', '.5', '5.', '01', 'NaN', 'Infinity', '0x10', '1.2.3']) {
      expect(parseDecimal(bad), bad).toBeNull();
    }
  });

  it('tells positive and non-negative amounts', () => {
    expect(isPositiveDecimal('0.000001')).toBe(true);
    expect(isPositiveDecimal('0')).toBe(false);
    expect(isPositiveDecimal('0.000')).toBe(false);
    expect(isPositiveDecimal('-1')).toBe(false);
    expect(isPositiveDecimal('abc')).toBe(false);
    expect(isNonNegativeDecimal('0')).toBe(true);
    expect(isNonNegativeDecimal('-0')).toBe(true);
    expect(isNonNegativeDecimal('-0.01')).toBe(false);
  });
});
