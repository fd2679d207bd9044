// The duty computation: per declaration line, customs duty by its tariff line, excise by the duty
// settings, and VAT on the customs value plus both; each tax with its rate, its basis and its
// formula in words, rounded half-up to the currency's minor unit at line level. Pure and exact:
// decimal.js throughout, no floating point, no I/O. The caller resolves tariff lines and exchange
// rates; what is missing or not computable comes back as field errors naming the line.
import { Decimal as DecimalJs } from 'decimal.js';
import type { ErrorDetail } from '../platform/errors.ts';
import { CONVERSIONS, measureOfUnit, type Measure, type ParsedRate } from './tariff.rates.ts';
import type { DutySettingsInput, ExchangeRate, ExciseRate } from './duties.schemas.ts';

/** Enough digits for 15-digit values times 10-digit rates without a hidden rounding. */
const Decimal = DecimalJs.clone({ precision: 60, rounding: DecimalJs.ROUND_HALF_UP });
type Decimal = InstanceType<typeof Decimal>;

/** Quantities converted by an inexact ratio (litres to barrels, pieces to dozens) keep 6 decimals. */
const QUANTITY_PLACES = 6;

export interface LineToAssess {
  lineNo: number;
  hsCode: string;
  quantity: string;
  unit: string;
  netMass: string;
  customsValue: string;
  /** The national tariff line whose rate applies, and that rate. */
  tariffCode: string;
  rate: ParsedRate;
}

export interface AssessmentInput {
  /** The administration's currency, in which the bill is made out. */
  currency: string;
  /** ISO 4217 minor unit of that currency (2 for USD, 0 for JPY, 3 for KWD). */
  minorUnit: number;
  /** VAT as a share ("0.05"). */
  vatRate: string;
  assessmentDate: string;
  /** The currency the declaration's values are stated in. */
  declaredCurrency: string;
  /** The currency of the tariff's specific rates. */
  tariffCurrency: string;
  /** Rates to the national currency valid on the assessment date, by currency (as found). */
  exchangeRates: ReadonlyMap<string, ExchangeRate>;
  settings: DutySettingsInput;
  lines: LineToAssess[];
}

export interface Tax {
  amount: string;
  rate: string;
  basis: string;
  formula: string;
}

export interface AssessedLine {
  lineNo: number;
  hsCode: string;
  tariffCode: string;
  customsValue: { declared: string; declaredCurrency: string; amount: string; formula: string };
  duty: Tax;
  excise: Tax;
  vat: Tax;
  total: string;
}

export interface Assessment {
  currency: string;
  assessmentDate: string;
  vatRate: string;
  exciseBasis: DutySettingsInput['exciseBasis'];
  exchangeRates: ExchangeRate[];
  lines: AssessedLine[];
  duty: string;
  excise: string;
  vat: string;
  total: string;
}

export type AssessmentResult = { ok: true; assessment: Assessment } | { ok: false; errors: ErrorDetail[] };

// --- formatting ----------------------------------------------------------------------------------

function groupThousands(fixed: string): string {
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** Money in words: "1,250.00". */
export function formatMoney(value: Decimal, places: number): string {
  return groupThousands(value.toFixed(places));
}

/** A quantity as declared, without trailing zeros: "1,000", "6.289811". */
function formatQuantity(value: Decimal): string {
  return groupThousands(value.toFixed());
}

/** A share as a percentage: "0.085" → "8.5%". */
export function formatShare(share: string): string {
  return `${new Decimal(share).times(100).toFixed()}%`;
}

// --- bases ---------------------------------------------------------------------------------------

interface Basis {
  quantity: Decimal;
  /** "120.000 kg", "6.289811 bbl (1,000 LTR ÷ 158.987294928)". */
  text: string;
}

const MEASURE_LABELS: Record<Measure, string> = {
  KGM: 'kg',
  TNE: 't',
  LTR: 'liter',
  MTQ: 'm³',
  LPA: 'LPA',
  PFL: 'pf.liter',
  BLL: 'bbl',
  H87: 'No.',
  PR: 'pr.',
  DZN: 'doz.',
  GRO: 'gross',
  MIL: 'thousand',
  MTK: 'm²',
  MTR: 'm',
};

/** The units a line may be declared in for `measure`, for the error that asks for one of them. */
export function unitsFor(measure: Measure): string[] {
  if (measure === 'KGM' || measure === 'TNE') return ['net mass'];
  return CONVERSIONS[measure].map((conversion) => conversion.unit);
}

/**
 * What a specific rate per `measure` is charged on for this line, or null when the line does not
 * carry it: net mass for KGM and TNE, else the quantity when the line's unit is one that the
 * measure can be read from.
 */
export function basisOf(line: Pick<LineToAssess, 'quantity' | 'unit' | 'netMass'>, measure: Measure, label = MEASURE_LABELS[measure]): Basis | null {
  const netMass = new Decimal(line.netMass);
  if (measure === 'KGM') return { quantity: netMass, text: `${groupThousands(netMass.toFixed(3))} ${label}` };
  if (measure === 'TNE') {
    const tonnes = netMass.dividedBy(1000);
    return { quantity: tonnes, text: `${formatQuantity(tonnes)} ${label} (${groupThousands(netMass.toFixed(3))} kg ÷ 1000)` };
  }
  const conversion = CONVERSIONS[measure].find((candidate) => candidate.unit === line.unit);
  if (!conversion) return null;
  const declared = new Decimal(line.quantity);
  if (conversion.multiply === '1' && conversion.divide === '1') return { quantity: declared, text: `${formatQuantity(declared)} ${label}` };
  const quantity = declared.times(conversion.multiply).dividedBy(conversion.divide).toDecimalPlaces(QUANTITY_PLACES);
  const ratio = conversion.divide === '1' ? `× ${conversion.multiply}` : conversion.multiply === '1' ? `÷ ${conversion.divide}` : `× ${conversion.multiply} ÷ ${conversion.divide}`;
  return { quantity, text: `${formatQuantity(quantity)} ${label} (${formatQuantity(declared)} ${line.unit} ${ratio})` };
}

function plainBasis(quantity: string, unit: string): Basis {
  const value = new Decimal(quantity);
  return { quantity: value, text: `${formatQuantity(value)} ${unit}` };
}

// --- the computation -----------------------------------------------------------------------------

/** The excise rate of the longest hsPrefix that the tariff code begins with. */
export function exciseRateFor(tariffCode: string, rates: readonly ExciseRate[]): ExciseRate | null {
  let best: ExciseRate | null = null;
  for (const rate of rates) {
    if (tariffCode.startsWith(rate.hsPrefix) && (!best || rate.hsPrefix.length > best.hsPrefix.length)) best = rate;
  }
  return best;
}

export function computeDuties(input: AssessmentInput): AssessmentResult {
  const errors: ErrorDetail[] = [];
  const places = input.minorUnit;
  const round = (value: Decimal) => value.toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
  /** Amounts on the bill: plain decimal strings ("1250.00"); formulas group thousands ("1,250.00"). */
  const amount = (value: Decimal) => value.toFixed(places);
  const money = (value: Decimal) => formatMoney(value, places);
  const national = input.currency;
  const used = new Map<string, ExchangeRate>();

  /** The rate of `currency` to the national currency, or null (with the error recorded at `path`). */
  function exchangeRate(currency: string, path: string, why: string): Decimal | null {
    if (currency === national) return new Decimal(1);
    const found = input.exchangeRates.get(currency);
    if (!found) {
      if (!errors.some((error) => error.path === path && error.message.startsWith(`no exchange rate for ${currency}`))) {
        errors.push({ path, message: `no exchange rate for ${currency} on ${input.assessmentDate}${why}` });
      }
      return null;
    }
    used.set(currency, found);
    return new Decimal(found.rateToNational);
  }

  const valueRate = exchangeRate(input.declaredCurrency, '/currency', '');
  const lines: AssessedLine[] = [];
  for (const line of input.lines) {
    // Paths name the line as the declaration does: /lines/0 is line 1.
    const path = `/lines/${line.lineNo - 1}`;
    const rate = line.rate;
    if (!rate.computable) {
      errors.push({
        path: `${path}/tariffCode`,
        message: `the rate of tariff line ${line.tariffCode} is not computed by Cordon ("${rate.text}": ${rate.reason}); customs assesses it by hand`,
      });
      continue;
    }
    if (valueRate === null) continue;

    // Customs value in the national currency, rounded like every amount on the bill.
    const declared = new Decimal(line.customsValue);
    const value = round(declared.times(valueRate));
    const valueFormula =
      input.declaredCurrency === national
        ? `${money(value)} ${national}`
        : `${groupThousands(line.customsValue)} ${input.declaredCurrency} × ${valueRate.toFixed()} ${national}/${input.declaredCurrency} = ${money(value)} ${national}`;

    // Customs duty: each component of the rate, summed, then rounded once for the line.
    let duty = new Decimal(0);
    const dutyTerms: string[] = [];
    const dutyBases: string[] = [];
    let lineFailed = false;
    for (const component of rate.components) {
      if (component.kind === 'AD_VALOREM') {
        duty = duty.plus(new Decimal(component.percent).dividedBy(100).times(value));
        dutyTerms.push(`${component.text} × ${money(value)} ${national}`);
        dutyBases.push(`${money(value)} ${national}`);
        continue;
      }
      const basis = basisOf(line, component.measure, component.label);
      if (!basis) {
        errors.push({
          path: `${path}/unit`,
          message: `the rate ${component.text} of tariff line ${line.tariffCode} is charged per ${component.label}; declare the quantity in ${unitsFor(component.measure).join(', ')}`,
        });
        lineFailed = true;
        continue;
      }
      const tariffRate = exchangeRate(input.tariffCurrency, `${path}/tariffCode`, ` (the specific rates of the tariff are in ${input.tariffCurrency})`);
      if (tariffRate === null) {
        lineFailed = true;
        continue;
      }
      duty = duty.plus(new Decimal(component.amount).times(basis.quantity).times(tariffRate));
      const conversion = input.tariffCurrency === national ? '' : ` × ${tariffRate.toFixed()} ${national}/${input.tariffCurrency}`;
      dutyTerms.push(`${component.text} × ${basis.text}${conversion}`);
      dutyBases.push(basis.text);
    }

    // Excise: the settings' rate for the longest matching prefix, if any.
    const exciseRate = exciseRateFor(line.tariffCode, input.settings.excise);
    let excise = new Decimal(0);
    const exciseTerms: string[] = [];
    const exciseBases: string[] = [];
    const exciseRates: string[] = [];
    const dutyRounded = round(duty);
    if (exciseRate?.adValorem !== undefined) {
      const base = input.settings.exciseBasis === 'DUTY_PAID_VALUE' ? value.plus(dutyRounded) : value;
      const baseText =
        input.settings.exciseBasis === 'DUTY_PAID_VALUE' ? `(${money(value)} + ${money(dutyRounded)}) ${national}` : `${money(value)} ${national}`;
      excise = excise.plus(new Decimal(exciseRate.adValorem).times(base));
      exciseRates.push(formatShare(exciseRate.adValorem));
      exciseTerms.push(`${formatShare(exciseRate.adValorem)} × ${baseText}`);
      exciseBases.push(`${money(base)} ${national}`);
    }
    if (exciseRate?.specific !== undefined) {
      const { amount: perUnit, per } = exciseRate.specific;
      const measure = measureOfUnit(per);
      const basis = measure ? basisOf(line, measure, per) : line.unit === per ? plainBasis(line.quantity, per) : null;
      if (!basis) {
        errors.push({
          path: `${path}/unit`,
          message: `the excise on ${exciseRate.hsPrefix} is charged per ${per}; declare the quantity in ${measure ? unitsFor(measure).join(', ') : per}`,
        });
        lineFailed = true;
      } else {
        const specificText = `${groupThousands(perUnit)} ${national}/${per}`;
        excise = excise.plus(new Decimal(perUnit).times(basis.quantity));
        exciseRates.push(specificText);
        exciseTerms.push(`${specificText} × ${basis.text}`);
        exciseBases.push(basis.text);
      }
    }
    if (lineFailed) continue;

    const exciseRounded = round(excise);
    const vatBase = value.plus(dutyRounded).plus(exciseRounded);
    const vat = round(new Decimal(input.vatRate).times(vatBase));
    lines.push({
      lineNo: line.lineNo,
      hsCode: line.hsCode,
      tariffCode: line.tariffCode,
      customsValue: { declared: line.customsValue, declaredCurrency: input.declaredCurrency, amount: amount(value), formula: valueFormula },
      duty: {
        amount: amount(dutyRounded),
        rate: `${rate.text} (tariff line ${line.tariffCode})`,
        basis: rate.free ? `${money(value)} ${national}` : [...new Set(dutyBases)].join('; '),
        formula: rate.free ? 'Free' : dutyTerms.join(' + '),
      },
      excise: exciseRate
        ? {
            amount: amount(exciseRounded),
            rate: `${exciseRates.join(' + ')} (excise on ${exciseRate.hsPrefix}${exciseRate.description ? `, ${exciseRate.description}` : ''})`,
            basis: exciseBases.join('; '),
            formula: exciseTerms.join(' + '),
          }
        : { amount: amount(exciseRounded), rate: 'none', basis: '-', formula: `no excise on ${line.tariffCode}` },
      vat: {
        amount: amount(vat),
        rate: formatShare(input.vatRate),
        basis: `${money(vatBase)} ${national}`,
        formula: `${formatShare(input.vatRate)} × (${money(value)} + ${money(dutyRounded)} + ${money(exciseRounded)}) ${national}`,
      },
      total: amount(dutyRounded.plus(exciseRounded).plus(vat)),
    });
  }
  if (errors.length > 0) return { ok: false, errors };

  const sum = (pick: (line: AssessedLine) => string) => amount(lines.reduce((total, line) => total.plus(pick(line)), new Decimal(0)));
  return {
    ok: true,
    assessment: {
      currency: national,
      assessmentDate: input.assessmentDate,
      vatRate: input.vatRate,
      exciseBasis: input.settings.exciseBasis,
      exchangeRates: [...used.values()],
      lines,
      duty: sum((line) => line.duty.amount),
      excise: sum((line) => line.excise.amount),
      vat: sum((line) => line.vat.amount),
      total: sum((line) => line.total),
    },
  };
}
