// The administration's duty settings (excise rates and what an ad valorem excise is a share of) and
// its exchange rates to the national currency, by the date from which each rate is valid.
import { Decimal } from 'decimal.js';
import type { Db } from '../platform/db/db.ts';
import type { Principal, Role } from '../platform/auth/principal.ts';
import { AppError, FieldErrors, forbidden } from '../platform/errors.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { exchangeRateRepository as rates, settingsRepository as settingsRepo, type ExchangeRateRow, type SettingsRow } from './duties.repository.ts';
import type { DutiesDeps } from './duties.deps.ts';
import type { DutySettings, DutySettingsInput, ExchangeRate, ExchangeRateQuery, ExchangeRatesInput } from './duties.schemas.ts';

/** Who may change duty settings and exchange rates. */
export const SETTINGS_WRITERS: readonly Role[] = ['admin'];

export function presentRate(row: ExchangeRateRow): ExchangeRate {
  return { currency: row.currency, validFrom: row.valid_from, rateToNational: new Decimal(row.rate_to_national).toFixed() };
}

function presentSettings(row: SettingsRow): DutySettings {
  return { ...row.settings, version: row.version, updatedAt: row.updated_at.toISOString() };
}

export function createDutySettingsService(deps: Pick<DutiesDeps, 'db' | 'clock' | 'reference' | 'registry'>) {
  const { db, clock, reference, registry } = deps;

  function requireWriter(actor: Principal): void {
    if (!SETTINGS_WRITERS.includes(actor.role)) throw forbidden();
  }

  async function readSettings(handle: Db): Promise<SettingsRow> {
    const row = await settingsRepo.get(handle);
    // Migration 006 creates the row; without it the database is not set up.
    if (!row) throw new AppError('INTERNAL', 'The duty settings are missing; run the migrations');
    return row;
  }

  return {
    /** The settings as the computation uses them. */
    async dutySettings(handle: Db): Promise<DutySettingsInput> {
      const { settings } = await readSettings(handle);
      return { exciseBasis: settings.exciseBasis, excise: settings.excise };
    },

    async getDutySettings(): Promise<DutySettings> {
      return presentSettings(await readSettings(db));
    },

    async updateDutySettings(tx: Db, actor: Principal, input: DutySettingsInput): Promise<DutySettings> {
      requireWriter(actor);
      const errors = new FieldErrors();
      const prefixes = new Map<string, number>();
      for (const [index, rate] of input.excise.entries()) {
        const path = `/excise/${index}`;
        const first = prefixes.get(rate.hsPrefix);
        if (first !== undefined) errors.add(`${path}/hsPrefix`, `${rate.hsPrefix} is already set by /excise/${first}`);
        else prefixes.set(rate.hsPrefix, index);
        if (rate.adValorem === undefined && rate.specific === undefined) errors.add(path, 'needs adValorem, specific or both');
        if (rate.specific && !reference.units.get(rate.specific.per)) {
          errors.add(`${path}/specific/per`, 'is not a known UN/ECE Recommendation 20 unit');
        }
      }
      errors.throwIfAny('The duty settings have invalid fields');
      const current = await settingsRepo.get(tx, true);
      if (!current) throw new AppError('INTERNAL', 'The duty settings are missing; run the migrations');
      const next: DutySettingsInput = { exciseBasis: input.exciseBasis, excise: input.excise };
      if (JSON.stringify(current.settings) === JSON.stringify(next)) return presentSettings(current);
      const row = await settingsRepo.update(tx, next, clock.now(), actor.id);
      await appendEvent(tx, {
        type: 'duty_settings.updated',
        aggregateType: 'duty_settings',
        aggregateId: '1',
        actorId: actor.id,
        payload: { version: row.version, exciseRates: next.excise.length, exciseBasis: next.exciseBasis },
      });
      return presentSettings(row);
    },

    /** Rates to the national currency valid on `date`, by currency. */
    async ratesValidOn(handle: Db, currencies: string[], date: string): Promise<Map<string, ExchangeRate>> {
      const rows = await rates.validOn(handle, [...new Set(currencies)], date);
      return new Map(rows.map((row) => [row.currency, presentRate(row)]));
    },

    async listExchangeRates(query: ExchangeRateQuery) {
      const { currency } = await registry.getAdministration(db);
      const rows = await rates.list(db, { currency: query.currency ?? null, on: query.on ?? null });
      return { nationalCurrency: currency, items: rows.map(presentRate) };
    },

    /** Stores the rates given; a rate for a currency and date already stored is replaced. */
    async putExchangeRates(tx: Db, actor: Principal, input: ExchangeRatesInput) {
      requireWriter(actor);
      const { currency: national } = await registry.getAdministration(tx);
      const errors = new FieldErrors();
      const seen = new Map<string, number>();
      for (const [index, rate] of input.rates.entries()) {
        const path = `/rates/${index}`;
        if (!reference.currencies.get(rate.currency)) errors.add(`${path}/currency`, 'is not an ISO 4217 currency code');
        else if (rate.currency === national) errors.add(`${path}/currency`, `is the administration currency; its rate is 1`);
        if (new Decimal(rate.rateToNational).lte(0)) errors.add(`${path}/rateToNational`, 'must be greater than 0');
        const key = `${rate.currency} ${rate.validFrom}`;
        const first = seen.get(key);
        if (first !== undefined) errors.add(`${path}/validFrom`, `${rate.currency} from ${rate.validFrom} is already given by /rates/${first}`);
        else seen.set(key, index);
      }
      errors.throwIfAny('The exchange rates have invalid fields');
      await rates.upsert(tx, input.rates, clock.now(), actor.id);
      await appendEvent(tx, {
        type: 'exchange_rates.updated',
        aggregateType: 'exchange_rates',
        aggregateId: national,
        actorId: actor.id,
        payload: { rates: input.rates },
      });
      const currencies = [...new Set(input.rates.map((rate) => rate.currency))];
      const stored = [];
      for (const currency of currencies) stored.push(...(await rates.list(tx, { currency, on: null })));
      return { nationalCurrency: national, items: stored.map(presentRate) };
    },
  };
}

export type DutySettingsService = ReturnType<typeof createDutySettingsService>;
