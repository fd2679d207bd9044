// Exact sums and differences of the API's decimal strings (quantities, kilograms) for what a page
// derives itself, such as what is left of a line after its passes. Scaled integers, never floats.

function scaleOf(...values: string[]): number {
  return Math.max(0, ...values.map((value) => value.split('.')[1]?.length ?? 0));
}

function toScaled(value: string, scale: number): bigint {
  const negative = value.trim().startsWith('-');
  const [whole = '0', fraction = ''] = value.trim().replace(/^[-+]/, '').split('.');
  const digits = BigInt(`${whole || '0'}${fraction.padEnd(scale, '0')}`);
  return negative ? -digits : digits;
}

function fromScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  let text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return `${negative ? '-' : ''}${text}`;
}

export const isDecimal = (value: string): boolean => /^[-+]?\d+(\.\d+)?$/.test(value.trim());

export function addDecimals(values: string[]): string {
  const scale = scaleOf(...values);
  return fromScaled(
    values.reduce((sum, value) => sum + toScaled(value, scale), 0n),
    scale,
  );
}

export function subtractDecimal(a: string, b: string): string {
  const scale = scaleOf(a, b);
  return fromScaled(toScaled(a, scale) - toScaled(b, scale), scale);
}

/** −1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareDecimal(a: string, b: string): number {
  const scale = scaleOf(a, b);
  const difference = toScaled(a, scale) - toScaled(b, scale);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}
