// PLACEHOLDER implementation; the interface below is the contract other modules code against.

export type HsEdition = 'HS2022' | 'HS2017';

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

export function loadReferenceData(): Promise<ReferenceData> {
  throw new Error('not implemented');
}
