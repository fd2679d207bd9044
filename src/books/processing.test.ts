import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { admittedForeignStatus, dominantOrigin, earliestAdmission, movementValue, producedStatus, unitValueOf } from './processing.ts';

describe('rules for lots created in the zone', () => {
  it('gives admitted and produced goods their customs status', () => {
    expect(admittedForeignStatus('STANDARD')).toBe('FOREIGN');
    expect(admittedForeignStatus('US_FTZ')).toBe('NON_PRIVILEGED_FOREIGN');
    expect(producedStatus(['DOMESTIC', 'FOREIGN'], 'STANDARD')).toBe('FOREIGN');
    expect(producedStatus(['DOMESTIC', 'PRIVILEGED_FOREIGN'], 'US_FTZ')).toBe('NON_PRIVILEGED_FOREIGN');
    expect(producedStatus(['DOMESTIC', 'ZONE_RESTRICTED'], 'US_FTZ')).toBe('ZONE_RESTRICTED');
    expect(producedStatus(['DOMESTIC', 'DOMESTIC'], 'STANDARD')).toBe('DOMESTIC');
  });

  it('takes the origin of the inputs of the largest consumed value, summed per country', () => {
    const value = (v: number) => new Decimal(v);
    expect(dominantOrigin([{ originCountry: 'CN', value: value(600) }, { originCountry: 'JP', value: value(500) }, { originCountry: 'JP', value: value(200) }])).toBe('JP');
    expect(dominantOrigin([{ originCountry: 'VN', value: value(100) }, { originCountry: 'DE', value: value(100) }])).toBe('DE');
    expect(dominantOrigin([])).toBeNull();
  });

  it('dates the products from the earliest admission of their inputs', () => {
    expect(earliestAdmission([{ declarationId: 'b', date: '2025-02-01' }, { declarationId: 'a', date: '2025-01-15' }, { declarationId: null, date: null }])).toEqual({
      declarationId: 'a',
      date: '2025-01-15',
    });
    expect(earliestAdmission([])).toEqual({ declarationId: null, date: null });
  });

  it('computes unit values to 6 decimals and movement values to the cent, signed, half away from zero', () => {
    expect(unitValueOf('100.00', '3')).toBe('33.333333');
    expect(unitValueOf('2.00', '3')).toBe('0.666667');
    expect(movementValue('3', '33.333333')).toBe('100.00');
    expect(movementValue('-3', '33.333333')).toBe('-100.00');
    expect(movementValue('0.5', '0.01')).toBe('0.01');
    expect(movementValue('-0.5', '0.01')).toBe('-0.01');
    expect(movementValue('123456789012.123456', '999999.999999')).toBe('123456789011999999.21');
  });
});
