// The rules that give lots created in the zone their customs status, origin, value and trail back to
// admission. Pure functions: the posting code applies them to what a declaration consumed.
import { Decimal } from 'decimal.js';
import type { CustomsStatus, StatusModel } from './books.schemas.ts';

/** Statuses of goods that have not been cleared into the customs territory. */
export const FOREIGN_FAMILY: readonly CustomsStatus[] = ['FOREIGN', 'PRIVILEGED_FOREIGN', 'NON_PRIVILEGED_FOREIGN'];

/** Status of goods admitted from abroad: in a US foreign-trade zone they start non-privileged foreign. */
export function admittedForeignStatus(model: StatusModel): CustomsStatus {
  return model === 'US_FTZ' ? 'NON_PRIVILEGED_FOREIGN' : 'FOREIGN';
}

/**
 * Status of the products of processing. Any foreign input makes the products foreign (they have not
 * been cleared; duties are due on release); inputs restricted to the zone keep the products there;
 * only products made wholly of domestic goods are domestic.
 */
export function producedStatus(inputs: readonly CustomsStatus[], model: StatusModel): CustomsStatus {
  if (inputs.some((status) => FOREIGN_FAMILY.includes(status))) return admittedForeignStatus(model);
  if (inputs.includes('ZONE_RESTRICTED')) return 'ZONE_RESTRICTED';
  return 'DOMESTIC';
}

/** Origin of the products: that of the inputs with the largest consumed value (ties: first by country code). */
export function dominantOrigin(inputs: readonly { originCountry: string; value: Decimal }[]): string | null {
  const byOrigin = new Map<string, Decimal>();
  for (const input of inputs) byOrigin.set(input.originCountry, (byOrigin.get(input.originCountry) ?? new Decimal(0)).plus(input.value));
  let best: [string, Decimal] | null = null;
  for (const entry of [...byOrigin.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (best === null || entry[1].gt(best[1])) best = entry;
  }
  return best?.[0] ?? null;
}

export interface Admission {
  declarationId: string | null;
  date: string | null;
}

/** The earliest first admission among the inputs: the products are as old in the zone as their oldest part. */
export function earliestAdmission(inputs: readonly Admission[]): Admission {
  let earliest: Admission = { declarationId: null, date: null };
  for (const input of inputs) {
    if (input.date === null) continue;
    if (earliest.date === null || input.date < earliest.date) earliest = input;
  }
  return earliest;
}

/** Customs value of one unit, to 6 decimals. */
export function unitValueOf(customsValue: string, quantity: string): string {
  return new Decimal(customsValue).div(quantity).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed(6);
}

/** Value of a movement: its signed quantity times the lot's unit value, to the cent. */
export function movementValue(quantity: Decimal.Value, unitValue: Decimal.Value): string {
  return new Decimal(quantity).times(unitValue).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}
