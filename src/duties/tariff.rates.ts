// Reads the rate of duty of a tariff line as the schedule writes it ("6.8%", "5.5¢/kg", "$1.055/kg",
// "30.5¢/kg + 8.5%", "Free") into components the duty computation can apply, and names what each
// specific rate is charged on. Anything else ("The duty provided in the applicable subheading", "less
// … for each degree", "on the case", "/jewel") is kept as text and marked not computable: a duty
// is computed exactly as written or not at all. Pure; no I/O.

/**
 * What a specific rate is charged on, as a UN/ECE Recommendation 20 unit. `KGM` and `TNE` come from
 * the line's net mass; the others from the line's quantity when its unit is one of those accepted.
 */
export type Measure = 'KGM' | 'TNE' | 'LTR' | 'MTQ' | 'LPA' | 'PFL' | 'BLL' | 'H87' | 'PR' | 'DZN' | 'GRO' | 'MIL' | 'MTK' | 'MTR';

export interface AdValorem {
  kind: 'AD_VALOREM';
  /** Percent of the customs value, as written ("6.8"). */
  percent: string;
  text: string;
}

export interface Specific {
  kind: 'SPECIFIC';
  /** Amount per unit in the schedule's currency units ("5.5¢" is "0.055"). */
  amount: string;
  measure: Measure;
  /** The unit as the schedule writes it ("kg", "liter", "No."), used in formulas. */
  label: string;
  text: string;
}

export type RateComponent = AdValorem | Specific;

export type ParsedRate =
  | { computable: true; text: string; free: boolean; components: RateComponent[] }
  | { computable: false; text: string; reason: string };

/** The schedule's unit words and the measure each one is. */
const UNIT_WORDS: Record<string, { measure: Measure; label: string }> = {
  kg: { measure: 'KGM', label: 'kg' },
  t: { measure: 'TNE', label: 't' },
  liter: { measure: 'LTR', label: 'liter' },
  l: { measure: 'LTR', label: 'liter' },
  'pf.liter': { measure: 'PFL', label: 'pf.liter' },
  bbl: { measure: 'BLL', label: 'bbl' },
  each: { measure: 'H87', label: 'No.' },
  'no.': { measure: 'H87', label: 'No.' },
  head: { measure: 'H87', label: 'head' },
  article: { measure: 'H87', label: 'article' },
  'pr.': { measure: 'PR', label: 'pr.' },
  'doz.': { measure: 'DZN', label: 'doz.' },
  gross: { measure: 'GRO', label: 'gross' },
  thousand: { measure: 'MIL', label: 'thousand' },
  '1000': { measure: 'MIL', label: 'thousand' },
  '1,000': { measure: 'MIL', label: 'thousand' },
  m2: { measure: 'MTK', label: 'm²' },
  'm²': { measure: 'MTK', label: 'm²' },
  m3: { measure: 'MTQ', label: 'm³' },
  'm³': { measure: 'MTQ', label: 'm³' },
  m: { measure: 'MTR', label: 'm' },
};

/** A ratio that turns a line quantity in `unit` into the measure: quantity × multiply ÷ divide. */
export interface Conversion {
  unit: string;
  multiply: string;
  divide: string;
}

const same = (unit: string): Conversion => ({ unit, multiply: '1', divide: '1' });
const NUMBER_UNITS = ['H87', 'C62', 'NAR'];

/**
 * The line units each measure can be read from, with their exact ratios. KGM and TNE are read from
 * the net mass, never from the quantity. A US proof liter is a liter at 50% alcohol by volume, so
 * one litre of pure alcohol (LPA) is two proof liters; a US petroleum barrel is 42 US gallons,
 * 158.987294928 litres exactly.
 */
export const CONVERSIONS: Record<Exclude<Measure, 'KGM' | 'TNE'>, readonly Conversion[]> = {
  LTR: [same('LTR'), { unit: 'MLT', multiply: '1', divide: '1000' }, { unit: 'MTQ', multiply: '1000', divide: '1' }],
  MTQ: [same('MTQ'), { unit: 'LTR', multiply: '1', divide: '1000' }],
  LPA: [same('LPA')],
  PFL: [{ unit: 'LPA', multiply: '2', divide: '1' }],
  BLL: [{ unit: 'LTR', multiply: '1', divide: '158.987294928' }],
  H87: NUMBER_UNITS.map(same),
  PR: [same('PR'), same('NPR')],
  DZN: [same('DZN'), ...NUMBER_UNITS.map((unit) => ({ unit, multiply: '1', divide: '12' }))],
  GRO: [{ unit: 'DZN', multiply: '1', divide: '12' }, ...NUMBER_UNITS.map((unit) => ({ unit, multiply: '1', divide: '144' }))],
  MIL: [same('MIL'), ...NUMBER_UNITS.map((unit) => ({ unit, multiply: '1', divide: '1000' }))],
  MTK: [same('MTK')],
  MTR: [same('MTR')],
};

/** Measures that a Recommendation 20 unit code names directly (for excise rates set per unit). */
export function measureOfUnit(code: string): Measure | null {
  if (code === 'KGM' || code === 'TNE') return code;
  if (NUMBER_UNITS.includes(code)) return 'H87';
  return code in CONVERSIONS ? (code as Measure) : null;
}

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const PERCENT = new RegExp(`^(${NUMBER})%$`);
/** "5.5¢/kg", "0.9¢ each", "$1.055/kg", "$5 each", "10.5¢/bbl", "3.2¢/ liter". */
const SPECIFIC = new RegExp(String.raw`^(?:(${NUMBER})¢|\$(${NUMBER}))\s*(?:/\s*(.+)|(each))$`);

function notComputable(text: string, reason: string): ParsedRate {
  return { computable: false, text, reason };
}

/** Parses a rate as the schedule writes it; an empty text is "no rate". */
export function parseRate(raw: string): ParsedRate {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text === '') return notComputable(text, 'the tariff line has no rate of duty');
  if (/^free$/i.test(text)) return { computable: true, text, free: true, components: [] };
  const components: RateComponent[] = [];
  for (const part of text.split('+').map((piece) => piece.trim())) {
    const percent = PERCENT.exec(part);
    if (percent?.[1]) {
      components.push({ kind: 'AD_VALOREM', percent: percent[1], text: part });
      continue;
    }
    const specific = SPECIFIC.exec(part);
    if (specific) {
      const [, cents, units, per, each] = specific;
      const word = (each ?? per ?? '').trim().toLowerCase().replace(/\.\s+/g, '.');
      const unit = UNIT_WORDS[word];
      if (!unit) return notComputable(text, `"${clip((per ?? '').trim())}" is not a quantity that a declaration line states`);
      const amount = cents !== undefined ? shiftLeft(cents, 2) : (units as string);
      components.push({ kind: 'SPECIFIC', amount, measure: unit.measure, label: unit.label, text: part });
      continue;
    }
    return notComputable(text, 'the rate is not an ad valorem, specific or compound rate');
  }
  return { computable: true, text, free: false, components };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** Divides a decimal string by 10^places exactly, as text ("5.5", 2 → "0.055"). */
function shiftLeft(value: string, places: number): string {
  const [whole = '0', fraction = ''] = value.split('.');
  const digits = whole.padStart(places + 1, '0');
  const integer = digits.slice(0, digits.length - places).replace(/^0+(?=\d)/, '');
  const rest = (digits.slice(digits.length - places) + fraction).replace(/0+$/, '');
  return rest === '' ? integer : `${integer}.${rest}`;
}
