// The bitstring of a W3C Bitstring Status List: one bit per credential, index 0 the left-most
// (most significant) bit of the first byte, published as `encodedList`, the multibase base64url
// ("u" prefix, no padding) of the GZIP of the bitstring. Pure.
import { gunzipSync, gzipSync } from 'node:zlib';

/** The shortest list the specification allows (16 KiB): shorter lists would say too much of who is revoked. */
export const MIN_STATUS_LIST_BITS = 131_072;
/** The longest list accepted from others: 16 Mi entries (2 MiB once decompressed). */
export const MAX_STATUS_LIST_BITS = 16 * 1024 * 1024;

export class StatusListError extends Error {
  override name = 'StatusListError';
}

/** A bitstring of `size` bits with the bits at `indexes` set. */
export function bitstringWith(size: number, indexes: Iterable<number>): Uint8Array {
  if (!Number.isInteger(size) || size <= 0 || size % 8 !== 0) throw new StatusListError(`a bitstring has a whole number of bytes, not ${size} bits`);
  const bits = new Uint8Array(size / 8);
  for (const index of indexes) setBit(bits, index);
  return bits;
}

export function setBit(bits: Uint8Array, index: number): void {
  checkIndex(bits, index);
  bits[index >> 3] = (bits[index >> 3] ?? 0) | (0x80 >> (index & 7));
}

export function getBit(bits: Uint8Array, index: number): boolean {
  checkIndex(bits, index);
  return ((bits[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}

function checkIndex(bits: Uint8Array, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) {
    throw new StatusListError(`index ${index} is outside a list of ${bits.length * 8} entries`);
  }
}

export function encodeStatusList(bits: Uint8Array): string {
  return `u${gzipSync(bits).toString('base64url')}`;
}

/**
 * The bitstring of an `encodedList`. A compressed list that would grow past `maxBits` is refused
 * while it is decompressed, so a small hostile list cannot exhaust memory.
 */
export function decodeStatusList(encodedList: string, maxBits = MAX_STATUS_LIST_BITS): Uint8Array {
  if (!encodedList.startsWith('u')) throw new StatusListError('encodedList must be multibase base64url (starting with "u")');
  const body = encodedList.slice(1);
  if (!/^[A-Za-z0-9_-]*$/.test(body)) throw new StatusListError('encodedList is not base64url');
  let bits: Buffer;
  try {
    bits = gunzipSync(Buffer.from(body, 'base64url'), { maxOutputLength: maxBits / 8 });
  } catch {
    throw new StatusListError(`encodedList is not GZIP data of at most ${maxBits} bits`);
  }
  return new Uint8Array(bits);
}
