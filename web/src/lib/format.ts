// How values read on screen: dates in the user's locale, decimals grouped as they are (never
// through floating point for money), durations in the largest sensible unit, codes as words.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

const shortThisYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const shortOtherYear = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

/** For table cells: "Nov 27, 3:28 AM" this year, "Nov 27, 2025" before. */
export function formatShortDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.getFullYear() === new Date().getFullYear() ? shortThisYear.format(date) : shortOtherYear.format(date);
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timeOnly.format(date);
}

/** A calendar date (YYYY-MM-DD) shown in the locale, without shifting it through a time zone. */
export function formatDate(day: string | null | undefined): string {
  if (!day) return '—';
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  return dateOnly.format(new Date(y, m - 1, d));
}

/**
 * A decimal string with thousands separators, keeping its digits exactly. `fraction` pads or cuts
 * the fraction (money shows two digits); quantities keep what they have.
 */
export function formatDecimal(value: string | null | undefined, fraction?: number): string {
  if (value === null || value === undefined || value === '') return '—';
  const negative = value.startsWith('-');
  const [whole = '0', part = ''] = (negative ? value.slice(1) : value).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  let decimals = part;
  if (fraction !== undefined) decimals = part.padEnd(fraction, '0').slice(0, fraction);
  decimals = fraction === undefined ? decimals.replace(/0+$/, '') : decimals;
  return `${negative ? '−' : ''}${grouped}${decimals ? `.${decimals}` : ''}`;
}

export function formatMoney(value: string | null | undefined, currency?: string | null): string {
  const text = formatDecimal(value, 2);
  return currency && text !== '—' ? `${text} ${currency}` : text;
}

/** Money in whole units for a summary (the cents are in the tables). */
export function formatWhole(value: string): string {
  const [whole = '0', part = ''] = value.split('.');
  const rounded = BigInt(whole.replace('-', '') || '0') + (Number(part.charAt(0) || '0') >= 5 ? 1n : 0n);
  return `${whole.startsWith('-') ? '−' : ''}${rounded.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

export function formatCount(value: number): string {
  return value.toLocaleString();
}

/** Seconds as "45 s", "12 min", "3 h 20 min", "2.4 d". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = seconds / 60;
  if (minutes < 60) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) {
    const h = Math.floor(hours);
    const m = Math.round(minutes - h * 60);
    return m === 0 || h >= 10 ? `${Math.round(hours)} h` : `${h} h ${m} min`;
  }
  return `${(hours / 24).toFixed(1)} d`;
}

/** Words for an upper-case code: UNDER_INSPECTION → "Under inspection". */
export function humanize(code: string): string {
  const words = code.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const ACTION_LABELS: Record<string, string> = {
  SUBMIT: 'Submitted',
  ASSESS: 'Assessed',
  START_INSPECTION: 'Inspection started',
  RELEASE: 'Released',
  REJECT: 'Rejected',
  COMPLETE: 'Goods exited',
  AMEND: 'Amended',
  CANCEL: 'Cancelled',
};

/** ISO date (YYYY-MM-DD, UTC) of a day `offset` days from today. */
export function isoDay(offset = 0): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}
