// Cordon's declarations, and the shipped KCS declarations the first model learns from, as rows of
// one feature space: the same field names, values in the administration's currency, transport modes
// in the KCS codes where the two agree. A Cordon declaration gives one row per line.
import type { FeatureRow, FeatureSpec } from './model/features.ts';
import { KCS_FEATURE_SPEC } from './evaluate/kcs.ts';

/**
 * KCS item prices are in Korean won. The shipped rows are converted at the 2020 average rate
 * (about 1,180 KRW per USD, Bank of Korea) so that value per kilogram means the same in both sources
 * when the administration's currency is the US dollar; in another currency the value features learn
 * again from the administration's own labelled declarations.
 */
export const KRW_PER_USD_2020 = 1180;

/** KCS transport mode codes for the Cordon modes they certainly match (10 vessel, 40 aircraft). */
const KCS_TRANSPORT_CODES: Record<string, string> = { SEA: '10', AIR: '40' };

/** The KCS features, with what Cordon knows of the enterprise besides (missing on the shipped rows). */
export const PRODUCT_FEATURE_SPEC: FeatureSpec = {
  ...KCS_FEATURE_SPEC,
  numeric: [...KCS_FEATURE_SPEC.numeric, 'enterpriseAgeDays', 'priorInspections', 'priorFindingRate', 'bookDiscrepancies'],
  codes: [...KCS_FEATURE_SPEC.codes, 'aeoStatus'],
};

export interface DeclarationForFeatures {
  at: Date;
  type: string;
  zoneCode: string;
  transportMode: string;
  declarantId: string;
  enterpriseId: string;
  carrier: string | null;
  departureCountry: string | null;
  aeoStatus: string;
  enterpriseAgeDays: number;
  priorInspections: number;
  priorFindings: number;
  bookDiscrepancies: number;
  lines: Array<{ hsCode: string; originCountry: string; netMass: number; customsValue: number; taxRate: number | null; taxType: string | null }>;
}

export function declarationRows(d: DeclarationForFeatures, label?: 0 | 1): FeatureRow[] {
  return d.lines.map((line) => ({
    time: d.at.getTime(),
    categorical: {
      office: d.zoneCode,
      processType: d.type,
      importType: null,
      importUse: null,
      paymentType: null,
      transportMode: KCS_TRANSPORT_CODES[d.transportMode] ?? d.transportMode,
      declarant: d.declarantId,
      importer: d.enterpriseId,
      seller: null,
      courier: d.carrier,
      hs6: line.hsCode,
      departureCountry: d.departureCountry,
      originCountry: line.originCountry,
      taxType: line.taxType,
      originIndicator: null,
      aeoStatus: d.aeoStatus,
    },
    numeric: {
      taxRate: line.taxRate,
      netMass: line.netMass,
      itemPrice: line.customsValue,
      enterpriseAgeDays: d.enterpriseAgeDays,
      priorInspections: d.priorInspections,
      priorFindingRate: d.priorInspections > 0 ? d.priorFindings / d.priorInspections : null,
      bookDiscrepancies: d.bookDiscrepancies,
    },
    ...(label === undefined ? {} : { label }),
  }));
}

/** A shipped KCS row in the product's feature space: price in US dollars. */
export function kcsRowInProductSpace(row: FeatureRow): FeatureRow {
  const price = row.numeric.itemPrice;
  return { ...row, numeric: { ...row.numeric, itemPrice: price === null || price === undefined ? null : price / KRW_PER_USD_2020 } };
}

/** "a", "a and b", "a, b and c". */
function listed(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** Words for a model feature (see featureNamesOf), for the reasons an officer reads: "the net mass". */
export function describeFeature(name: string): string {
  const field = (f: string) => FIELD_WORDS[f] ?? f;
  const fields = (crossing: string) => listed(crossing.split('×').map(field));
  const deviation = name.indexOf(':deviation|');
  if (deviation >= 0) {
    const groups = listed(name.slice(deviation + ':deviation|'.length).split('×').map(field));
    return `the ${field(name.slice(0, deviation))} against earlier declarations of the same ${groups}`;
  }
  if (name.endsWith(':rate')) return `the record of findings for this ${fields(name.slice(0, -':rate'.length))}`;
  if (name.endsWith(':count')) return `how often this ${fields(name.slice(0, -':count'.length))} was seen before`;
  if (name.endsWith(':code')) return `the ${field(name.slice(0, -':code'.length))}`;
  return `the ${field(name)}`;
}

const FIELD_WORDS: Record<string, string> = {
  office: 'zone',
  processType: 'declaration type',
  transportMode: 'transport mode',
  declarant: 'declarant',
  importer: 'enterprise',
  seller: 'seller',
  courier: 'carrier',
  hs6: 'HS subheading',
  'hs6:4': 'HS heading',
  'hs6:2': 'HS chapter',
  departureCountry: 'country of departure',
  originCountry: 'origin',
  taxType: 'tax type',
  taxRate: 'duty rate',
  netMass: 'net mass',
  itemPrice: 'value',
  valuePerKg: 'value per kg',
  aeoStatus: 'AEO status',
  enterpriseAgeDays: 'age of the enterprise',
  priorInspections: 'earlier inspections of the enterprise',
  priorFindingRate: 'share of the enterprise’s inspections that found something',
  bookDiscrepancies: 'stock discrepancies of the enterprise',
};
