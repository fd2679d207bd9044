// A small RFC 4180 CSV writer for the book exports: fields with commas, quotes or line breaks are
// quoted, quotes doubled, lines end in CRLF. Text that a spreadsheet would run as a formula
// (=, +, -, @ first) is prefixed with an apostrophe; numbers, negative ones included, are left alone.

export type Cell = string | number | null | undefined;

const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
