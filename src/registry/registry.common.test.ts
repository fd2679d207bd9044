import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import { changedKeys, containsPattern, guardUnique, trimDecimal } from './registry.common.ts';

describe('registry helpers', () => {
  it('turns a unique violation that slipped past the check into 409 CONFLICT naming the field', async () => {
    const violation = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    const error: unknown = await guardUnique('/code', 'is already used', () => Promise.reject(violation)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CONFLICT', status: 409, details: [{ path: '/code', message: 'is already used' }] });
    const other = new Error('connection lost');
    await expect(guardUnique('/code', 'x', () => Promise.reject(other))).rejects.toBe(other);
  });

  it('finds the fields a patch really changes, whatever the key order of stored JSON', () => {
    const current = { name: 'A', perimeter: { type: 'Polygon', coordinates: [[1]] }, licence: null as string | null };
    expect(changedKeys(current, { name: 'A', perimeter: { coordinates: [[1]], type: 'Polygon' }, licence: null })).toEqual([]);
    expect(changedKeys(current, { name: 'B', licence: 'L-1' })).toEqual(['name', 'licence']);
    expect(changedKeys(current, { name: undefined })).toEqual([]);
  });

  it('trims NUMERIC padding without floats and escapes LIKE wildcards', () => {
    expect(['0.0500', '0.0000', '1.0000', '12', '0.1250'].map(trimDecimal)).toEqual(['0.05', '0', '1', '12', '0.125']);
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
