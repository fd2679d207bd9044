// Derives the reference files shipped in this folder from the upstream data sets, so that every
// trimmed file can be made again from its source (see SOURCES.md for where each one comes from).
//
//   npx tsx src/reference/data/build.ts <source-dir>
//
// <source-dir> holds the upstream files laid out as:
//   hs/hs2022.csv  hs/hs2017.csv  hs/sections.csv        (datasets/harmonized-system)
//   countries/country-codes.csv                           (datasets/country-codes)
//   currencies/codes-all.csv                              (datasets/currency-codes)
//   unlocode/code-list-2023-2.csv                         (uncefact/vocab-locode, 2023-2)
// units.csv is written by hand and not made here.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

type Row = Record<string, string>;

const OUT_DIR = fileURLToPath(new URL('.', import.meta.url));

function readCsv(path: string): Row[] {
  return parse<Row>(readFileSync(path), { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true });
}

/** Quotes a field only when it must be, so the output stays small and diffs stay readable. */
function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

function field(row: Row, name: string): string {
  const value = row[name];
  if (value === undefined) throw new Error(`column ${name} is missing`);
  return value;
}

// --- HS nomenclature ---------------------------------------------------------------------------

/** Comtrade adds a chapter 99 "Commodities not specified according to kind" and a TOTAL row: not HS codes. */
function isComtradeArtefact(row: Row): boolean {
  const code = row.hscode ?? '';
  return code === '' || code === 'TOTAL' || row.section === 'TOTAL' || /^(99|9999|999999)$/.test(code);
}

function buildHs(sourceDir: string, edition: string): number {
  const rows = readCsv(join(sourceDir, 'hs', `${edition}.csv`))
    .filter((row) => !isComtradeArtefact(row))
    .map((row) => {
      const code = field(row, 'hscode');
      const parent = field(row, 'parent');
      if (!/^(\d{2}|\d{4}|\d{6})$/.test(code)) throw new Error(`${edition}: unexpected code ${code}`);
      if (String(code.length) !== field(row, 'level')) throw new Error(`${edition}: level of ${code} does not match its length`);
      return [code, field(row, 'description').trim(), field(row, 'section'), parent === 'TOTAL' ? '' : parent];
    })
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  writeFileSync(join(OUT_DIR, 'hs', `${edition}.csv`), toCsv(['code', 'description', 'section', 'parent'], rows));
  return rows.length;
}

function buildSections(sourceDir: string): number {
  const rows = readCsv(join(sourceDir, 'hs', 'sections.csv')).map((row) => {
    // Upstream writes section I in lower case and leaves a trailing space on section VII.
    const name = field(row, 'name').trim();
    return [field(row, 'section'), name.charAt(0).toUpperCase() + name.slice(1)];
  });
  writeFileSync(join(OUT_DIR, 'hs', 'sections.csv'), toCsv(['section', 'name'], rows));
  return rows.length;
}

// --- Countries ---------------------------------------------------------------------------------

/** Known gaps of the upstream join, corrected here so the correction is visible and repeatable. */
const COUNTRY_OVERRIDES: Record<string, { name?: string; currencies?: string }> = {
  // The upstream join misses Türkiye's currency.
  TR: { currencies: 'TRY' },
  // Upstream's English name is "Ivory Coast"; ISO 3166's English short name is Côte d'Ivoire.
  CI: { name: "Côte d'Ivoire" },
};

function buildCountries(sourceDir: string): number {
  const rows = readCsv(join(sourceDir, 'countries', 'country-codes.csv'))
    .map((row) => {
      // Addressed by column name: upstream's column order changes between updates.
      const alpha2 = field(row, 'ISO3166-1-Alpha-2');
      const override = COUNTRY_OVERRIDES[alpha2] ?? {};
      const currencies = (override.currencies ?? field(row, 'ISO4217-currency_alphabetic_code'))
        .split(',')
        .map((code) => code.trim())
        .filter((code) => code !== '');
      return [
        alpha2,
        field(row, 'ISO3166-1-Alpha-3'),
        field(row, 'ISO3166-1-numeric').padStart(3, '0'),
        override.name ?? field(row, 'official_name_en').trim(),
        currencies.join(' '),
      ];
    })
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  for (const row of rows) {
    if (!/^[A-Z]{2}$/.test(row[0]!) || !/^[A-Z]{3}$/.test(row[1]!) || !/^\d{3}$/.test(row[2]!) || row[3] === '') {
      throw new Error(`country row is incomplete: ${row.join(',')}`);
    }
  }
  writeFileSync(join(OUT_DIR, 'countries.csv'), toCsv(['alpha2', 'alpha3', 'numeric', 'name', 'currencies'], rows));
  return rows.length;
}

// --- Currencies --------------------------------------------------------------------------------

function buildCurrencies(sourceDir: string): number {
  const byCode = new Map<string, string[]>();
  for (const row of readCsv(join(sourceDir, 'currencies', 'codes-all.csv'))) {
    const code = field(row, 'AlphabeticCode').trim();
    // Rows with a withdrawal date are historic (ISO 4217 table A.3); rows without a code are "No universal currency".
    if (code === '' || field(row, 'WithdrawalDate').trim() !== '' || byCode.has(code)) continue;
    const minorUnit = field(row, 'MinorUnit').trim();
    byCode.set(code, [code, field(row, 'NumericCode').trim().padStart(3, '0'), field(row, 'Currency').trim(), minorUnit === '-' ? '' : minorUnit]);
  }
  const rows = [...byCode.values()].sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  writeFileSync(join(OUT_DIR, 'currencies.csv'), toCsv(['code', 'numeric', 'name', 'minorUnit'], rows));
  return rows.length;
}

// --- UN/LOCODE ---------------------------------------------------------------------------------

/** The printable characters cp1252 puts at 0x80 to 0x9F (the five unassigned bytes keep their C1 code). */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * UN/CEFACT read the cp1252 source as Latin-1, which left C1 control characters in two names
 * (U+009C for œ, U+0092 for ’); read those characters as cp1252 meant them.
 */
function repairC1(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (char) => CP1252_HIGH.charAt(char.charCodeAt(0) - 0x80));
}

function buildLocodes(sourceDir: string): number {
  // A real CSV parser: the Remarks of MA MDT hold a quoted line break.
  const records = parse<Row>(readFileSync(join(sourceDir, 'unlocode', 'code-list-2023-2.csv')), { columns: true, bom: true });
  const rows: string[][] = [];
  for (const row of records) {
    const change = field(row, 'Change');
    // Country headers and cross-references have no Location; X / x mark entries to be removed.
    if (field(row, 'Location') === '' || change === 'X' || change === 'x') continue;
    const name = repairC1(field(row, 'Name'));
    const plainName = repairC1(field(row, 'NameWoDiacritics')).replace(/[\u2018\u2019]/g, "'");
    rows.push([
      field(row, 'Country'),
      field(row, 'Location'),
      name,
      // Most names have no diacritics; an empty column means "same as the name" and keeps the file small.
      plainName === name ? '' : plainName,
      field(row, 'Subdivision'),
      field(row, 'Function'),
      field(row, 'Coordinates'),
    ]);
  }
  rows.sort((a, b) => {
    const left = a[0]! + a[1]!;
    const right = b[0]! + b[1]!;
    return left < right ? -1 : left > right ? 1 : 0;
  });
  const csv = toCsv(['country', 'location', 'name', 'nameWoDiacritics', 'subdivision', 'function', 'coordinates'], rows);
  writeFileSync(join(OUT_DIR, 'locodes.csv.gz'), gzipSync(csv, { level: 9 }));
  return rows.length;
}

function main(): void {
  const sourceDir = process.argv[2];
  if (!sourceDir) {
    console.error('usage: npx tsx src/reference/data/build.ts <source-dir>');
    process.exit(2);
  }
  mkdirSync(join(OUT_DIR, 'hs'), { recursive: true });
  const counts = {
    hs2022: buildHs(sourceDir, 'hs2022'),
    hs2017: buildHs(sourceDir, 'hs2017'),
    sections: buildSections(sourceDir),
    countries: buildCountries(sourceDir),
    currencies: buildCurrencies(sourceDir),
    locodes: buildLocodes(sourceDir),
  };
  console.log(JSON.stringify(counts));
}

main();
