// ISO 11649 structured creditor references ("RF references"): "RF", two check digits and a
// reference of 1 to 21 letters and digits, checked with ISO 7064 MOD 97-10 as IBANs are.
// The electronic format has no spaces; the printed one groups by four ("RF18 5390 0754 7034").

const REFERENCE = /^[0-9A-Z]{1,21}$/;

/** The number ISO 7064 reads from letters and digits: A is 10 … Z is 35. Mod 97, piece by piece. */
function mod97(text: string): number {
  let remainder = 0;
  for (const char of text) {
    const value = parseInt(char, 36);
    remainder = value < 10 ? (remainder * 10 + value) % 97 : (remainder * 100 + value) % 97;
  }
  return remainder;
}

/** Makes the RF reference of a creditor reference ("539007547034" → "RF18539007547034"). */
export function createRfReference(reference: string): string {
  const upper = reference.toUpperCase();
  if (!REFERENCE.test(upper)) throw new Error('An RF reference carries 1 to 21 letters and digits');
  const check = 98 - mod97(`${upper}RF00`);
  return `RF${String(check).padStart(2, '0')}${upper}`;
}

/** The electronic format of a reference as written by people or banks: no spaces, upper case. */
export function normaliseRfReference(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/** Whether `text` (printed or electronic) is a well-formed RF reference with correct check digits. */
export function isValidRfReference(text: string): boolean {
  const compact = normaliseRfReference(text);
  if (!/^RF[0-9]{2}[0-9A-Z]{1,21}$/.test(compact)) return false;
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

/** The printed format: groups of four characters. */
export function printRfReference(reference: string): string {
  return normaliseRfReference(reference).replace(/(.{4})(?=.)/g, '$1 ');
}
