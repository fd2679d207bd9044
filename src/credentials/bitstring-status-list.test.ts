import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bitstringWith, decodeStatusList, encodeStatusList, getBit, MIN_STATUS_LIST_BITS, StatusListError } from './bitstring-status-list.ts';

describe('the bitstring of a status list', () => {
  it('puts index 0 at the left-most bit of the first byte: indexes 0, 9 and 15 of 16 are 0x80 0x41', () => {
    const bits = bitstringWith(16, [0, 9, 15]);
    expect([...bits]).toEqual([0b1000_0000, 0b0100_0001]);
    expect([0, 1, 8, 9, 14, 15].map((index) => getBit(bits, index))).toEqual([true, false, false, true, false, true]);
  });

  it('encodes as "u" + base64url (no padding) of the GZIP of the bytes', () => {
    const encoded = encodeStatusList(bitstringWith(16, [0, 9, 15]));
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);
    expect([...gunzipSync(Buffer.from(encoded.slice(1), 'base64url'))]).toEqual([0x80, 0x41]);
  });

  it('round-trips a full-size list with scattered revocations', () => {
    const revoked = [0, 1, 7, 8, 4095, 65_536, MIN_STATUS_LIST_BITS - 1];
    const decoded = decodeStatusList(encodeStatusList(bitstringWith(MIN_STATUS_LIST_BITS, revoked)));
    expect(decoded.length * 8).toBe(MIN_STATUS_LIST_BITS);
    const set: number[] = [];
    for (let index = 0; index < MIN_STATUS_LIST_BITS; index += 1) if (getBit(decoded, index)) set.push(index);
    expect(set).toEqual(revoked);
  });

  it("reads the specification's example of an empty list of 131,072 entries", () => {
    const bits = decodeStatusList('uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA');
    expect(bits.length * 8).toBe(131_072);
    expect(bits.every((byte) => byte === 0)).toBe(true);
  });

  it('refuses what is not a multibase base64url GZIP list, and a list that inflates past the limit', () => {
    expect(() => decodeStatusList(encodeStatusList(bitstringWith(16, [])).slice(1))).toThrow(StatusListError);
    expect(() => decodeStatusList('u!!!')).toThrow(StatusListError);
    expect(() => decodeStatusList(`u${Buffer.from('not gzip').toString('base64url')}`)).toThrow(StatusListError);
    const bomb = `u${gzipSync(Buffer.alloc(1024 * 1024)).toString('base64url')}`;
    expect(bomb.length).toBeLessThan(2000);
    expect(() => decodeStatusList(bomb, 8 * 1024)).toThrow(/at most 8192 bits/);
  });

  it('refuses an index outside the list', () => {
    expect(() => bitstringWith(16, [16])).toThrow(StatusListError);
    expect(() => getBit(bitstringWith(16, []), -1)).toThrow(StatusListError);
  });
});
