// Image types read from content, whatever a client claims.
import { describe, expect, it } from 'vitest';
import { detectImageType } from './image-type.ts';

const bytes = (...values: number[]) => Buffer.from(values);

describe('image types by content', () => {
  it('recognises JPEG, PNG, TIFF in both byte orders, BigTIFF and DICOM', () => {
    expect(detectImageType(bytes(0xff, 0xd8, 0xff, 0xdb, 0))).toBe('image/jpeg');
    expect(detectImageType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
    expect(detectImageType(Buffer.from('II*\0rest', 'latin1'))).toBe('image/tiff');
    expect(detectImageType(Buffer.from('MM\0*rest', 'latin1'))).toBe('image/tiff');
    expect(detectImageType(Buffer.from('II+\0rest', 'latin1'))).toBe('image/tiff');
    expect(detectImageType(Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.alloc(16)]))).toBe('application/dicom');
  });

  it('refuses everything else, including truncated signatures', () => {
    expect(detectImageType(Buffer.from('%PDF-1.7'))).toBeNull();
    expect(detectImageType(Buffer.from('GIF89a'))).toBeNull();
    expect(detectImageType(bytes(0x89, 0x50, 0x4e, 0x47))).toBeNull();
    expect(detectImageType(bytes(0xff, 0xd8))).toBeNull();
    expect(detectImageType(Buffer.concat([Buffer.alloc(128), Buffer.from('DIC')]))).toBeNull();
    expect(detectImageType(Buffer.alloc(0))).toBeNull();
  });
});
