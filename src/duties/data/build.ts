// Derives the tariff sample shipped in this folder from the USITC export of the US Harmonized
// Tariff Schedule, so that the trimmed file can be made again from its source (see SOURCES.md).
//
//   npx tsx src/duties/data/build.ts <us-hts-2025-april.csv>
//
// Kept: the columns the duty computation and the lookup need (number, indent, description, unit of
// quantity, General rate), for chapters 01 to 97. Running it again on the same input gives a
// byte-identical file (the gzip stream included).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

type Row = Record<string, string>;

const OUT_FILE = join(fileURLToPath(new URL('.', import.meta.url)), 'us-hts-2025-04.csv.gz');
const HEADER = ['code', 'indent', 'description', 'units', 'general_rate'] as const;

function field(row: Row, name: string): string {
  const value = row[name];
  if (value === undefined) throw new Error(`column ${name} is missing`);
  return value;
}

/** Quotes a field only when it must be, so the output stays small. */
function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** USITC writes the units as a JSON list (`["No.","kg"]`); a few entries carry stray blanks or line breaks. */
function units(text: string): string {
  if (text.trim() === '') return '';
  const list: unknown = JSON.parse(text);
  if (!Array.isArray(list)) throw new Error(`unit of quantity is not a list: ${text}`);
  return list
    .map((unit) => String(unit).replace(/\s+/g, ' ').trim())
    .filter((unit) => unit !== '')
    .join(';');
}

function main(): void {
  const source = process.argv[2];
  if (!source) {
    console.error('usage: npx tsx src/duties/data/build.ts <us-hts-2025-april.csv>');
    process.exit(2);
  }
  const records = parse<Row>(readFileSync(source), { columns: true, bom: true });
  const rows: string[][] = [];
  for (const record of records) {
    const code = field(record, 'HTS Number').replace(/\./g, '');
    if (!/^(\d{4}|\d{6}|\d{8}|\d{10})?$/.test(code)) throw new Error(`unexpected HTS number ${field(record, 'HTS Number')}`);
    // Chapters 98 and 99 are national special provisions and temporary additional duties (time-bound
    // Section 301/232/IEEPA lines), not HS-based goods lines: a declaration line cannot name them.
    // The file is in code order, so everything from the first chapter 98 row on is left out.
    if (code.startsWith('98') || code.startsWith('99')) break;
    rows.push([
      code,
      field(record, 'Indent'),
      // 33 descriptions hold a bare line break; one space reads the same.
      field(record, 'Description').replace(/\s+/g, ' ').trim(),
      units(field(record, 'Unit of Quantity')),
      field(record, 'General Rate of Duty').replace(/\s+/g, ' ').trim(),
    ]);
  }
  const csv = [HEADER, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
  writeFileSync(OUT_FILE, gzipSync(csv, { level: 9 }));
  const count = (length: number) => rows.filter((row) => row[0]?.length === length).length;
  console.log(JSON.stringify({ rows: rows.length, headings: count(4), subheadings: count(6), lines8: count(8), lines10: count(10), text: count(0) }));
}

main();
