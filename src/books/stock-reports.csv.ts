// CSV in and out of book control: reading an ERP/WMS stock file into report lines, naming each bad
// field by the row of the file it is on, and writing reports as CSV a spreadsheet opens safely.
import { parse } from 'csv-parse/sync';
import { Ajv, type ErrorObject } from 'ajv';
import { AppError, FieldErrors } from '../platform/errors.ts';
import { CSV_COLUMNS, MAX_REPORT_LINES, StockReportLine } from './stock-reports.schemas.ts';

const ajv = new Ajv({ allErrors: true, strict: false, strictNumbers: true, coerceTypes: false });
const validateLine = ajv.compile<StockReportLine>(StockReportLine);

type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['partNumber', 'quantity', 'unit'];

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'pattern':
      return 'has an invalid format';
    default:
      return error.message ?? 'is invalid';
  }
}

/** The CSV column a header names, matched without regard to case and surrounding spaces. */
function columnOf(header: string): Column | undefined {
  const wanted = header.trim().toLowerCase();
  return CSV_COLUMNS.find((column) => column.toLowerCase() === wanted);
}

/**
 * Reads a stock file with a header row into report lines. Rows are named by their line in the file
 * (the header is line 1), so `/rows/13/quantity` is the quantity on line 13. Nothing is returned
 * unless every row is valid.
 */
export function parseStockCsv(text: string): { lines: StockReportLine[]; rowNumbers: number[] } {
  let records: ParsedRecord[];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, info: true }) as unknown as ParsedRecord[];
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    const at = typeof line === 'number' ? `/rows/${line}` : '/';
    throw new AppError('VALIDATION_FAILED', 'The CSV file cannot be read', [
      { path: at, message: error instanceof Error ? error.message.replace(/^Invalid Record Length: /, '') : 'is not valid CSV' },
    ]);
  }
  const [header, ...rows] = records;
  if (!header) throw new AppError('VALIDATION_FAILED', 'The CSV file is empty', [{ path: '/rows/1', message: 'a header row is required' }]);
  if (rows.length > MAX_REPORT_LINES) {
    throw new AppError('VALIDATION_FAILED', `A stock report holds at most ${MAX_REPORT_LINES} lines; split the file`, [
      { path: '/rows', message: `has ${rows.length} rows, more than ${MAX_REPORT_LINES}` },
    ]);
  }

  const errors = new FieldErrors();
  const headerRow = header.info.lines;
  const columns = header.record.map((name, index) => {
    const column = columnOf(name);
    if (!column) errors.add(`/rows/${headerRow}/${index}`, `"${name}" is not a known column; use ${CSV_COLUMNS.join(', ')}`);
    return column;
  });
  for (const column of REQUIRED) {
    if (!columns.includes(column)) errors.add(`/rows/${headerRow}`, `the column ${column} is missing`);
  }
  columns.forEach((column, index) => {
    if (column && columns.indexOf(column) !== index) errors.add(`/rows/${headerRow}/${index}`, `the column ${column} appears twice`);
  });
  errors.throwIfAny('The CSV header is not valid');

  const lines: StockReportLine[] = [];
  const rowNumbers: number[] = [];
  for (const { record, info } of rows) {
    const row = info.lines;
    const candidate: Record<string, string> = {};
    columns.forEach((column, index) => {
      const cell = record[index];
      if (column && cell !== undefined && cell !== '') candidate[column] = cell;
    });
    if (validateLine(candidate)) {
      lines.push(candidate);
      rowNumbers.push(row);
      continue;
    }
    for (const error of validateLine.errors ?? []) {
      const field =
        error.keyword === 'required' ? String((error.params as { missingProperty: string }).missingProperty) : error.instancePath.slice(1);
      errors.add(`/rows/${row}/${field}`, error.keyword === 'required' ? 'is required' : messageOf(error));
    }
  }
  errors.throwIfAny('The stock report has invalid rows');
  return { lines, rowNumbers };
}

export type CsvValue = string | number | boolean | null | undefined;

/**
 * One cell: quoted when it holds a separator, quote or line break; text that a spreadsheet would
 * run as a formula (=, +, -, @ first) is prefixed with an apostrophe, numbers are left alone.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-?[0-9]+(\.[0-9]+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 text: a header row, then one row per record, CRLF line ends. */
export function writeCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
