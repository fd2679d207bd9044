// Reference data every capability checks against: the HS nomenclature (2022 and 2017 editions),
// ISO 3166 countries, ISO 4217 currencies, UN/LOCODE locations and UN/ECE Rec. 20 units. It is read
// once per process from the files in ./data (see data/SOURCES.md) and kept in memory, read-only.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

export const HS_EDITIONS = ['HS2022', 'HS2017'] as const;
export type HsEdition = (typeof HS_EDITIONS)[number];

/** The edition used when the administration has not chosen one. */
export const DEFAULT_HS_EDITION: HsEdition = 'HS2022';

export interface HsEntry {
  /** 2 (chapter), 4 (heading) or 6 (subheading) digits. */
  code: string;
  description: string;
  level: 2 | 4 | 6;
  /** Roman numeral I to XXI. */
  section: string;
  /** Code one level up; null for a chapter. */
  parent: string | null;
}

export interface HsNomenclature {
  edition: HsEdition;
  get(code: string): HsEntry | undefined;
  /** True when `code` is a 6-digit subheading of this edition (what a declaration line must carry). */
  isSubheading(code: string): boolean;
  /** Entries whose code starts with the query's digits, or whose description has all its words. */
  search(query: string, limit: number): HsEntry[];
  sectionName(section: string): string | undefined;
}

export interface Country {
  alpha2: string;
  alpha3: string;
  numeric: string;
  name: string;
  currencies: string[];
}

export interface Currency {
  code: string;
  numeric: string;
  name: string;
  /** Digits after the decimal point; null for funds and metals. */
  minorUnit: number | null;
}

export interface Locode {
  /** Five characters: country + location, e.g. USNYC. */
  code: string;
  country: string;
  name: string;
  subdivision: string | null;
  /** Function classifier string, e.g. "1234----" (1 port, 3 road, 4 airport ...). */
  functions: string;
  latitude: number | null;
  longitude: number | null;
}

export interface Unit {
  /** UN/ECE Recommendation 20 code, e.g. KGM. */
  code: string;
  name: string;
}

export interface ReferenceData {
  hs(edition: HsEdition): HsNomenclature;
  countries: { get(alpha2: string): Country | undefined; list(): Country[] };
  currencies: { get(code: string): Currency | undefined; list(): Currency[] };
  locodes: { get(code: string): Locode | undefined; search(query: string, country: string | null, limit: number): Locode[] };
  units: { get(code: string): Unit | undefined; list(): Unit[] };
}

export function isHsEdition(value: unknown): value is HsEdition {
  return typeof value === 'string' && (HS_EDITIONS as readonly string[]).includes(value);
}

// --- Text matching -------------------------------------------------------------------------------

/** Lower case without diacritics, so that "Sao Paulo", "são paulo" and "São Paulo" match alike. */
export function foldText(text: string): string {
  // Most names are plain ASCII already: skip the costly normalisation for them.
  if (/^[\x20-\x7e]*$/.test(text)) return text.toLowerCase().replace(/\s+/g, ' ').trim();
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function words(query: string): string[] {
  return foldText(query)
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** A query word matches its plural's singular too: "telephones" finds "Telephone sets", "boxes" finds "box". */
function matchesWord(text: string, word: string): boolean {
  if (text.includes(word)) return true;
  if (word.length > 3 && word.endsWith('s') && text.includes(word.slice(0, -1))) return true;
  return word.length > 4 && word.endsWith('es') && text.includes(word.slice(0, -2));
}

// --- Loading -------------------------------------------------------------------------------------

const DATA_DIR = new URL('./data/', import.meta.url);

/** Parses a CSV file with a header line; columns are addressed by name so a reordered file still loads. */
function parseTable(content: Buffer, required: readonly string[], file: string): string[][] & { column(name: string): number } {
  const records = parse(content, { bom: true, skip_empty_lines: true });
  const header = records.shift() ?? [];
  for (const name of required) {
    if (!header.includes(name)) throw new Error(`reference file ${file} lacks the column ${name}`);
  }
  return Object.assign(records, { column: (name: string) => header.indexOf(name) });
}

async function readTable(file: string, required: readonly string[]) {
  let content = await readFile(new URL(file, DATA_DIR));
  if (file.endsWith('.gz')) content = gunzipSync(content);
  return parseTable(content, required, file);
}

function cell(row: readonly string[], index: number): string {
  return row[index] ?? '';
}

/**
 * "DDMMN DDDMME" (degrees and minutes, as UN/LOCODE writes them) to decimal degrees, rounded to
 * 4 places (minutes carry no more precision). Null when the text is absent or not in that form.
 */
export function parseLocodeCoordinates(text: string): { latitude: number; longitude: number } | null {
  const match = /^(\d{2})(\d{2})([NS])\s+(\d{3})(\d{2})([EW])$/.exec(text.trim());
  if (!match) return null;
  const [, latDeg, latMin, ns, lonDeg, lonMin, ew] = match as unknown as [string, string, string, string, string, string, string];
  const toDegrees = (degrees: string, minutes: string) => Math.round((Number(degrees) + Number(minutes) / 60) * 10_000) / 10_000;
  const latitude = toDegrees(latDeg, latMin) * (ns === 'S' ? -1 : 1);
  const longitude = toDegrees(lonDeg, lonMin) * (ew === 'W' ? -1 : 1);
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180 || Number(latMin) >= 60 || Number(lonMin) >= 60) return null;
  return { latitude, longitude };
}

function buildNomenclature(edition: HsEdition, table: Awaited<ReturnType<typeof readTable>>, sections: Map<string, string>): HsNomenclature {
  const [codeAt, descriptionAt, sectionAt, parentAt] = ['code', 'description', 'section', 'parent'].map((name) => table.column(name)) as [number, number, number, number];
  const entries: HsEntry[] = [];
  const byCode = new Map<string, HsEntry>();
  for (const row of table) {
    const code = cell(row, codeAt);
    // Chapter 99 and the TOTAL row are UN Comtrade's, not HS codes; the build step drops them already.
    if (!/^(\d{2}|\d{4}|\d{6})$/.test(code) || code.startsWith('99')) continue;
    const parent = cell(row, parentAt);
    const entry: HsEntry = {
      code,
      description: cell(row, descriptionAt),
      level: code.length as 2 | 4 | 6,
      section: cell(row, sectionAt),
      parent: parent === '' || parent === 'TOTAL' ? null : parent,
    };
    entries.push(entry);
    byCode.set(code, entry);
  }
  entries.sort((a, b) => compareCodes(a.code, b.code));
  const folded = entries.map((entry) => foldText(entry.description));

  return {
    edition,
    get: (code) => byCode.get(code),
    isSubheading: (code) => code.length === 6 && byCode.has(code),
    sectionName: (section) => sections.get(section),
    search(query, limit) {
      const trimmed = query.trim();
      if (limit <= 0) return [];
      if (trimmed === '') return entries.filter((entry) => entry.level === 2).slice(0, limit);
      // "8517", "8517.12" or "85 17 12": a code prefix, answered in code order.
      if (/^[\d.\s]+$/.test(trimmed)) {
        const prefix = trimmed.replace(/[^\d]/g, '');
        const found: HsEntry[] = [];
        for (const entry of entries) {
          if (entry.code.startsWith(prefix)) {
            found.push(entry);
            if (found.length === limit) break;
          }
        }
        return found;
      }
      // Words: every one must appear in the description. Subheadings (what a declaration carries) come first.
      const wanted = words(trimmed);
      if (wanted.length === 0) return [];
      const subheadings: HsEntry[] = [];
      const others: HsEntry[] = [];
      entries.forEach((entry, index) => {
        const text = folded[index] ?? '';
        if (!wanted.every((word) => matchesWord(text, word))) return;
        const bucket = entry.level === 6 ? subheadings : others;
        if (bucket.length < limit) bucket.push(entry);
      });
      return [...subheadings, ...others].slice(0, limit);
    },
  };
}

function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * UN/LOCODE is by far the largest table (116,000 rows), so its rows stay as parsed and a Locode is
 * made the first time it is asked for; the name index for search is built at the first search.
 */
function buildLocodes(table: Awaited<ReturnType<typeof readTable>>) {
  const at = {
    country: table.column('country'),
    location: table.column('location'),
    name: table.column('name'),
    plain: table.column('nameWoDiacritics'),
    subdivision: table.column('subdivision'),
    functions: table.column('function'),
    coordinates: table.column('coordinates'),
  };
  // Some places are listed once per language under the same code (Brussel, Bruxelles): the first row
  // gives the place's name, every row is searchable by its name.
  const rowOf = new Map<string, readonly string[]>();
  const rowCodes: string[] = [];
  for (const row of table) {
    const code = cell(row, at.country) + cell(row, at.location);
    rowCodes.push(code);
    if (!rowOf.has(code)) rowOf.set(code, row);
  }
  const codes = [...rowOf.keys()].sort(compareCodes);
  const made = new Map<string, Locode>();

  function get(code: string): Locode | undefined {
    const cached = made.get(code);
    if (cached) return cached;
    const row = rowOf.get(code);
    if (!row) return undefined;
    const position = parseLocodeCoordinates(cell(row, at.coordinates));
    const subdivision = cell(row, at.subdivision);
    const locode: Locode = {
      code,
      country: cell(row, at.country),
      name: cell(row, at.name),
      subdivision: subdivision === '' ? null : subdivision,
      functions: cell(row, at.functions),
      latitude: position?.latitude ?? null,
      longitude: position?.longitude ?? null,
    };
    made.set(code, locode);
    return locode;
  }

  let foldedNames: string[] | null = null;
  const namesForSearch = (): string[] =>
    (foldedNames ??= table.map((row) => {
      const plain = cell(row, at.plain);
      return foldText(plain === '' ? cell(row, at.name) : plain);
    }));

  function search(query: string, country: string | null, limit: number): Locode[] {
    if (limit <= 0) return [];
    const countryCode = country?.trim().toUpperCase() || null;
    const inCountry = (code: string) => countryCode === null || code.slice(0, 2) === countryCode;
    const found = new Set<string>();
    const result = () => [...found].flatMap((code) => get(code) ?? []);

    const trimmed = query.trim();
    if (trimmed === '') {
      // Without a query, a country's locations in code order (or the first ones overall).
      for (const code of codes) {
        if (inCountry(code)) found.add(code);
        if (found.size === limit) break;
      }
      return result();
    }
    // A code or the start of one ("NLRTM", "NL RTM", "nlr"; "rtm" within NL) comes before names.
    const compact = trimmed.replace(/\s+/g, '').toUpperCase();
    const codePrefix = countryCode !== null && /^[A-Z0-9]{1,3}$/.test(compact) ? countryCode + compact : compact;
    if (/^[A-Z]{2}[A-Z0-9]{0,3}$/.test(codePrefix)) {
      for (const code of codes) {
        if (code.startsWith(codePrefix)) {
          if (inCountry(code)) found.add(code);
          if (found.size === limit) return result();
        } else if (code > codePrefix) break;
      }
    }
    // Names: exact match, then names starting with the query, then names containing it.
    const wanted = foldText(trimmed);
    const exact: string[] = [];
    const starts: string[] = [];
    const contains: string[] = [];
    namesForSearch().forEach((name, index) => {
      const position = name.indexOf(wanted);
      if (position < 0) return;
      const code = rowCodes[index] ?? '';
      if (!inCountry(code)) return;
      const bucket = name.length === wanted.length ? exact : position === 0 ? starts : contains;
      if (bucket.length < limit) bucket.push(code);
    });
    for (const code of [...exact, ...starts, ...contains]) {
      if (found.size === limit) break;
      found.add(code);
    }
    return result();
  }

  return { get, search };
}

async function load(): Promise<ReferenceData> {
  const [hs2022, hs2017, sectionTable, countryTable, currencyTable, unitTable, locodeTable] = await Promise.all([
    readTable('hs/hs2022.csv', ['code', 'description', 'section', 'parent']),
    readTable('hs/hs2017.csv', ['code', 'description', 'section', 'parent']),
    readTable('hs/sections.csv', ['section', 'name']),
    readTable('countries.csv', ['alpha2', 'alpha3', 'numeric', 'name', 'currencies']),
    readTable('currencies.csv', ['code', 'numeric', 'name', 'minorUnit']),
    readTable('units.csv', ['code', 'name']),
    readTable('locodes.csv.gz', ['country', 'location', 'name', 'nameWoDiacritics', 'subdivision', 'function', 'coordinates']),
  ]);

  const [sectionAt, sectionNameAt] = [sectionTable.column('section'), sectionTable.column('name')];
  const sections = new Map(sectionTable.map((row) => [cell(row, sectionAt), cell(row, sectionNameAt)]));
  const nomenclatures: Record<HsEdition, HsNomenclature> = {
    HS2022: buildNomenclature('HS2022', hs2022, sections),
    HS2017: buildNomenclature('HS2017', hs2017, sections),
  };

  const countries = countryTable.map((row): Country => {
    const currencies = cell(row, countryTable.column('currencies'));
    return {
      alpha2: cell(row, countryTable.column('alpha2')),
      alpha3: cell(row, countryTable.column('alpha3')),
      numeric: cell(row, countryTable.column('numeric')).padStart(3, '0'),
      name: cell(row, countryTable.column('name')),
      currencies: currencies === '' ? [] : currencies.split(' '),
    };
  });
  const currencies = currencyTable.map((row): Currency => {
    const minorUnit = cell(row, currencyTable.column('minorUnit'));
    return {
      code: cell(row, currencyTable.column('code')),
      numeric: cell(row, currencyTable.column('numeric')).padStart(3, '0'),
      name: cell(row, currencyTable.column('name')),
      minorUnit: /^\d+$/.test(minorUnit) ? Number(minorUnit) : null,
    };
  });
  const units = unitTable.map((row): Unit => ({ code: cell(row, unitTable.column('code')), name: cell(row, unitTable.column('name')) }));

  return {
    hs(edition) {
      return nomenclatures[edition];
    },
    countries: lookup(countries, (country) => country.alpha2),
    currencies: lookup(currencies, (currency) => currency.code),
    locodes: buildLocodes(locodeTable),
    units: lookup(units, (unit) => unit.code),
  };
}

/**
 * A list with an exact lookup by code (codes are upper case: a validator must not accept "de" for DE);
 * `list()` hands out a copy so callers cannot reorder the shared one.
 */
function lookup<T>(items: T[], keyOf: (item: T) => string): { get(code: string): T | undefined; list(): T[] } {
  const byKey = new Map(items.map((item) => [keyOf(item), item]));
  return { get: (code) => byKey.get(code), list: () => [...items] };
}

let loading: Promise<ReferenceData> | null = null;

/** Loads the reference data on first call; later calls in the same process share the same data. */
export function loadReferenceData(): Promise<ReferenceData> {
  if (loading === null) {
    loading = load();
    // A failed load (a missing file) is not cached, so a later call can try again.
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}
