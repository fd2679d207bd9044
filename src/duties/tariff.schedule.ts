// Reads a tariff schedule from CSV into the lines Cordon stores: every 8- and 10-digit line with its
// description in context, its units and the line whose rate applies. A rate sits on the 8-digit
// line, or on a 10-digit line when there is no 8-digit row above it; a 10-digit statistical line
// under an 8-digit row takes that row's rate. Pure apart from reading the shipped sample.
//
// Layout (header names, any order, other columns ignored):
//   code,indent,description,units,general_rate
// `code` is the line's number with or without dots (empty for a row of grouping text), `indent` its
// depth (0 for headings), `units` the units of quantity separated by ";", `general_rate` the rate
// as text. The header of a USITC "export to CSV" file (HTS Number, Indent, Description, Unit of
// Quantity, General Rate of Duty) is accepted as well, so a fresh US schedule can be loaded as it is.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { ErrorDetail } from '../platform/errors.ts';

export interface TariffLine {
  /** 8 or 10 digits. */
  code: string;
  hsCode: string;
  /** The national line whose rate applies: the line itself, or its 8-digit parent. */
  rateCode: string;
  description: string;
  /** The headings and grouping texts above the line, outermost first. */
  context: string[];
  units: string[];
  /** The General rate as written, on rate lines; null on statistical lines and when the schedule gives none. */
  generalRate: string | null;
}

export interface ParsedSchedule {
  lines: TariffLine[];
  errors: ErrorDetail[];
}

const COLUMNS = {
  code: ['code', 'HTS Number'],
  indent: ['indent', 'Indent'],
  description: ['description', 'Description'],
  units: ['units', 'Unit of Quantity'],
  generalRate: ['general_rate', 'General Rate of Duty'],
} as const;

const MAX_ERRORS = 50;

function unitsOf(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    try {
      const list: unknown = JSON.parse(trimmed);
      if (Array.isArray(list)) return list.map((unit) => String(unit).replace(/\s+/g, ' ').trim()).filter((unit) => unit !== '');
    } catch {
      // not a JSON list: read as a plain list below
    }
  }
  return trimmed.split(';').map((unit) => unit.trim()).filter((unit) => unit !== '');
}

/** Drops the colon that ends a grouping text ("Horses:"), so the context reads as a path. */
function contextText(description: string): string {
  return description.replace(/\s*:\s*$/, '');
}

export function parseSchedule(content: Buffer | string): ParsedSchedule {
  const errors: ErrorDetail[] = [];
  const fail = (path: string, message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ path, message });
  };
  let records: string[][];
  try {
    records = parse(content, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    return { lines: [], errors: [{ path: '/', message: `is not a readable CSV file: ${(error as Error).message}` }] };
  }
  const header = (records.shift() ?? []).map((name) => name.trim());
  const at = {} as Record<keyof typeof COLUMNS, number>;
  for (const [key, names] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, readonly string[]][]) {
    at[key] = header.findIndex((name) => names.includes(name));
    if (at[key] < 0) fail(`/header/${names[0]}`, `the column ${names[0]} is missing`);
  }
  if (errors.length > 0) return { lines: [], errors };

  const lines: TariffLine[] = [];
  const seen = new Set<string>();
  const eightDigit = new Set<string>();
  // The texts above the current row by indent: stack[i] is the last row seen at indent i.
  const stack: string[] = [];
  records.forEach((record, index) => {
    const row = index + 2; // 1-based, after the header: the line number a spreadsheet shows
    const cell = (key: keyof typeof COLUMNS) => (record[at[key]] ?? '').trim();
    const code = cell('code').replace(/[.\s]/g, '');
    const indentText = cell('indent');
    const description = cell('description').replace(/\s+/g, ' ');
    if (!/^\d{1,2}$/.test(indentText)) return fail(`/rows/${row}/indent`, 'must be a whole number from 0 to 99');
    if (!/^(\d{2}|\d{4}|\d{6}|\d{8}|\d{10})?$/.test(code)) return fail(`/rows/${row}/code`, 'must have 2, 4, 6, 8 or 10 digits');
    if (description.length > 4000) return fail(`/rows/${row}/description`, 'is longer than 4000 characters');
    const rate = cell('generalRate').replace(/\s+/g, ' ');
    if (rate.length > 1000) return fail(`/rows/${row}/general_rate`, 'is longer than 1000 characters');
    const indent = Number(indentText);
    const context = stack.slice(0, indent).filter((text) => text !== '');
    stack.length = indent;
    stack[indent] = contextText(description);
    if (code.length !== 8 && code.length !== 10) return;
    if (seen.has(code)) return fail(`/rows/${row}/code`, `${code} appears more than once`);
    seen.add(code);
    if (code.length === 8) eightDigit.add(code);
    lines.push({ code, hsCode: code.slice(0, 6), rateCode: code, description, context, units: unitsOf(cell('units')), generalRate: rate === '' ? null : rate });
  });

  for (const line of lines) {
    const parent = line.code.slice(0, 8);
    if (line.code.length === 10 && eightDigit.has(parent)) {
      line.rateCode = parent;
      line.generalRate = null;
    }
  }
  // An 8-digit line states no unit itself; its statistical lines do.
  const unitsByParent = new Map<string, Set<string>>();
  for (const line of lines) {
    if (line.rateCode === line.code) continue;
    const units = unitsByParent.get(line.rateCode) ?? new Set<string>();
    for (const unit of line.units) units.add(unit);
    unitsByParent.set(line.rateCode, units);
  }
  for (const line of lines) {
    if (line.units.length === 0) line.units = [...(unitsByParent.get(line.code) ?? [])];
  }
  if (errors.length === 0 && !lines.some((line) => line.rateCode === line.code)) {
    fail('/', 'the schedule has no 8- or 10-digit tariff line');
  }
  return { lines: errors.length > 0 ? [] : lines, errors };
}

/** The shipped sample: the US HTS 2025 (April), chapters 01 to 97 (see data/SOURCES.md). */
export const SAMPLE = {
  file: new URL('./data/us-hts-2025-04.csv.gz', import.meta.url),
  source: 'US Harmonized Tariff Schedule 2025 (USITC, April 2025), chapters 01-97: Cordon sample',
  currency: 'USD',
};

let sample: Promise<{ content: Buffer; schedule: ParsedSchedule }> | null = null;

/** The shipped sample, read and parsed once per process. */
export function readSample(): Promise<{ content: Buffer; schedule: ParsedSchedule }> {
  if (sample === null) {
    sample = readFile(SAMPLE.file).then((gz) => {
      const content = gunzipSync(gz);
      const schedule = parseSchedule(content);
      if (schedule.errors.length > 0) throw new Error(`the shipped tariff sample is invalid: ${JSON.stringify(schedule.errors)}`);
      return { content, schedule };
    });
    sample.catch(() => {
      sample = null;
    });
  }
  return sample;
}
