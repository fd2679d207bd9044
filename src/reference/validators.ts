// Checks of codes and numbers against their standards and the reference data, as pure functions.
// Each `check…`/`validate…` returns a message for people (or null when the value is fine), so the
// caller can put it on a field error with its own path.
import { Decimal } from 'decimal.js';
import type { HsEdition, ReferenceData } from './reference.ts';

// --- ISO 6346 container numbers ------------------------------------------------------------------

/** ISO 6346 letter values: A=10 … Z=38, skipping 11, 22 and 33 (multiples of 11). */
function letterValue(letter: string): number {
  let value = 10;
  for (let code = 'A'.charCodeAt(0); code < letter.charCodeAt(0); code += 1) {
    value += 1;
    if (value % 11 === 0) value += 1;
  }
  return value;
}

const LETTER_VALUES = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((letter) => [letter, letterValue(letter)]));

/**
 * The ISO 6346 check digit of an owner code, equipment category and serial number
 * ("CSQU305438" → 3): each character's value weighted by 2^position, summed, modulo 11,
 * where a remainder of 10 gives check digit 0.
 */
export function containerCheckDigit(ownerAndSerial10: string): number {
  if (!/^[A-Z]{4}\d{6}$/.test(ownerAndSerial10)) {
    throw new RangeError('expected 4 capital letters followed by 6 digits');
  }
  let sum = 0;
  [...ownerAndSerial10].forEach((char, position) => {
    const value = LETTER_VALUES.get(char) ?? Number(char);
    sum += value * 2 ** position;
  });
  return (sum % 11) % 10;
}

export interface ContainerCheck {
  /** Upper case without spaces, e.g. CSQU3054383. */
  normalized: string;
  valid: boolean;
  /** What is wrong, for people; null when valid. */
  problem: string | null;
}

/** Validates a container number as written by people: "csqu 305438 3" is accepted as CSQU3054383. */
export function checkContainerNumber(input: string): ContainerCheck {
  const normalized = input.trim().replace(/\s+/g, '').toUpperCase();
  const fail = (problem: string): ContainerCheck => ({ normalized, valid: false, problem });
  if (!/^[A-Z]{4}\d{7}$/.test(normalized)) return fail('must be 4 letters followed by 7 digits');
  if (!/^[UJZ]$/.test(normalized.charAt(3))) {
    return fail('the fourth letter (equipment category) must be U, J or Z');
  }
  const expected = containerCheckDigit(normalized.slice(0, 10));
  if (Number(normalized.charAt(10)) !== expected) return fail(`check digit should be ${expected}`);
  return { normalized, valid: true, problem: null };
}

// --- Codes against the reference data ------------------------------------------------------------

/**
 * A UN/LOCODE's shape: 2 letters of the country and 3 letters or digits of the location.
 * (UN/LOCODE intends digits 2 to 9 only, but the published list has locations with 0.)
 */
export function isValidLocodeFormat(code: string): boolean {
  return /^[A-Z]{2}[A-Z0-9]{3}$/.test(code);
}

export function validateLocode(reference: ReferenceData, code: string): string | null {
  if (!isValidLocodeFormat(code)) return 'must be a UN/LOCODE: 2 letters of the country and 3 letters or digits, e.g. NLRTM';
  return reference.locodes.get(code) ? null : `${code} is not a UN/LOCODE`;
}

/** A code a declaration line may carry: a 6-digit subheading of the given edition. */
export function validateHsCode(reference: ReferenceData, edition: HsEdition, code: string): string | null {
  if (!/^\d{6}$/.test(code)) return 'must be a 6-digit HS subheading, e.g. 851713';
  return reference.hs(edition).isSubheading(code) ? null : `${code} is not a subheading of ${edition}`;
}

export function validateCountry(reference: ReferenceData, code: string): string | null {
  if (!/^[A-Z]{2}$/.test(code)) return 'must be an ISO 3166 alpha-2 country code, e.g. DE';
  return reference.countries.get(code) ? null : `${code} is not an ISO 3166 country code`;
}

export function validateCurrency(reference: ReferenceData, code: string): string | null {
  if (!/^[A-Z]{3}$/.test(code)) return 'must be an ISO 4217 currency code, e.g. EUR';
  return reference.currencies.get(code) ? null : `${code} is not a current ISO 4217 currency code`;
}

export function validateUnit(reference: ReferenceData, code: string): string | null {
  if (!/^[A-Z0-9]{2,3}$/.test(code)) return 'must be a UN/ECE Recommendation 20 unit code, e.g. KGM';
  return reference.units.get(code) ? null : `${code} is not a known UN/ECE Recommendation 20 unit`;
}

// --- Decimal strings -----------------------------------------------------------------------------

const DECIMAL_PATTERN = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/**
 * Reads a decimal written as a string ("1250.50", "-3", "0.125"); null when it is not one. Plain
 * notation only: no exponent, sign "+", spaces or thousands separators. Amounts never pass through
 * a float, so "0.1" stays exactly 0.1.
 */
export function parseDecimal(text: string): Decimal | null {
  if (text.length > 100 || !DECIMAL_PATTERN.test(text)) return null;
  return new Decimal(text);
}

/** True for a decimal string greater than zero (a quantity or an amount that must be there). */
export function isPositiveDecimal(text: string): boolean {
  return parseDecimal(text)?.greaterThan(0) ?? false;
}

/** True for a decimal string of zero or more. */
export function isNonNegativeDecimal(text: string): boolean {
  return parseDecimal(text)?.greaterThanOrEqualTo(0) ?? false;
}

/** An amount in a currency may not have more decimal places than the currency's minor unit (2 for EUR, 0 for JPY). */
export function validateAmountForCurrency(reference: ReferenceData, currency: string, amount: string): string | null {
  const value = parseDecimal(amount);
  if (value === null) return 'must be a decimal number written as a string, e.g. "1250.50"';
  const minorUnit = reference.currencies.get(currency)?.minorUnit;
  if (minorUnit === undefined || minorUnit === null) return null;
  return value.decimalPlaces() > minorUnit
    ? `has more decimal places than ${currency} allows (${minorUnit})`
    : null;
}
