// The duty rate and kind of a declaration line, from the tariff schedule in force: risk features
// (high duty invites undervaluation and misclassification). Read through the duties' own resolution
// of a line's national code, and kept for a while per code: assessments sit on every submission.
import type { Db } from '../platform/db/db.ts';
import type { ResolvedLine } from '../duties/tariff.service.ts';

export interface LineTax {
  /** Ad valorem percent (0 when free or only specific); null when the schedule gives no rate. */
  rate: number | null;
  /** FREE, AD_VALOREM, SPECIFIC or COMPOUND; null when the schedule gives no rate. */
  type: string | null;
}

export interface TariffResolver {
  /** The schedule in force (the shipped sample is loaded into a new database on first use). */
  schedule(handle: Db): Promise<unknown>;
  resolve(handle: Db, hsCode: string, tariffCode: string | null): Promise<ResolvedLine>;
}

export type TaxOf = (handle: Db, hsCode: string, tariffCode: string | null) => Promise<LineTax>;

const NONE: LineTax = { rate: null, type: null };

export function taxOfResolved(resolved: ResolvedLine): LineTax {
  if (!resolved.ok || !resolved.rate.computable) return NONE;
  const { components, free } = resolved.rate;
  if (free) return { rate: 0, type: 'FREE' };
  const adValorem = components.filter((c) => c.kind === 'AD_VALOREM');
  const specific = components.some((c) => c.kind === 'SPECIFIC');
  const rate = adValorem.reduce((sum, c) => sum + Number(c.percent), 0);
  return { rate, type: adValorem.length > 0 && specific ? 'COMPOUND' : specific ? 'SPECIFIC' : 'AD_VALOREM' };
}

/** Looks lines' taxes up through `tariff`, each code at most once per `ttlMs`; none without a tariff. */
export function cachedTaxes(tariff: TariffResolver | undefined, ttlMs: number): TaxOf {
  const cache = new Map<string, { at: number; tax: LineTax }>();
  return async (handle, hsCode, tariffCode) => {
    if (!tariff) return NONE;
    const key = `${hsCode}/${tariffCode ?? ''}`;
    const cached = cache.get(key);
    if (cached && Date.now() - cached.at < ttlMs) return cached.tax;
    await tariff.schedule(handle);
    const tax = taxOfResolved(await tariff.resolve(handle, hsCode, tariffCode));
    cache.set(key, { at: Date.now(), tax });
    return tax;
  };
}
