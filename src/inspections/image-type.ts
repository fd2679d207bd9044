// What kind of image a file is, read from its first bytes: a scanner's upload is trusted for its
// content, never for the Content-Type it claims.

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/tiff', 'application/dicom'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

const startsWith = (bytes: Buffer, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);

/** The media type of a JPEG, PNG, TIFF (classic or BigTIFF, either byte order) or DICOM file; null for anything else. */
export function detectImageType(bytes: Buffer): ImageType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  // "II" little-endian or "MM" big-endian, then 42 (classic TIFF) or 43 (BigTIFF).
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x49, 0x49, 0x2b, 0x00])) return 'image/tiff';
  if (startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])) return 'image/tiff';
  // DICOM Part 10: a 128-byte preamble, then "DICM".
  if (startsWith(bytes, [0x44, 0x49, 0x43, 0x4d], 128)) return 'application/dicom';
  return null;
}

/** The file name extension a client saving the image would expect. */
export function extensionOf(type: string): string {
  switch (type) {
    case 'image/jpeg':
      return 'jpg';
    case 'image/png':
      return 'png';
    case 'image/tiff':
      return 'tif';
    case 'application/dicom':
      return 'dcm';
    default:
      return 'bin';
  }
}
