// The demo's X-ray images are real PNG files: their chunks carry correct CRC-32s and their pixels
// inflate to the declared size, so the scan upload accepts them and a browser shows them.
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectImageType } from '../inspections/image-type.ts';
import { seededRng } from './demo.random.ts';
import { crc32, xrayImage } from './demo.inspections.ts';

describe('demo X-ray images', () => {
  it('computes CRC-32 as ISO 3309 and PNG define it (check value of "123456789")', () => {
    expect(crc32(Buffer.from('123456789', 'latin1'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it('writes a greyscale PNG whose every chunk checks and whose image data has one byte per pixel', () => {
    const png = xrayImage(seededRng(7));
    expect(detectImageType(png)).toBe('image/png');
    let offset = 8;
    const chunks: Record<string, Buffer> = {};
    while (offset < png.length) {
      const length = png.readUInt32BE(offset);
      const typed = png.subarray(offset + 4, offset + 8 + length);
      expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(typed));
      chunks[typed.subarray(0, 4).toString('latin1')] = typed.subarray(4);
      offset += 12 + length;
    }
    expect(Object.keys(chunks)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const width = chunks.IHDR?.readUInt32BE(0) ?? 0;
    const height = chunks.IHDR?.readUInt32BE(4) ?? 0;
    expect(inflateSync(chunks.IDAT ?? Buffer.alloc(0)).length).toBe((width + 1) * height);
  });
});
