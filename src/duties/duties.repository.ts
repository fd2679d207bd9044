// SQL for exchange rates and the duty settings (excise).
import type { Db } from '../platform/db/db.ts';
import type { DutySettingsInput, ExchangeRate } from './duties.schemas.ts';

export interface ExchangeRateRow extends Record<string, unknown> {
  currency: string;
  valid_from: string;
  rate_to_national: string;
}

export interface SettingsRow extends Record<string, unknown> {
  settings: DutySettingsInput;
  version: number;
  updated_at: Date;
}

const RATE_COLUMNS = "currency, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, rate_to_national::text AS rate_to_national";

export const exchangeRateRepository = {
  async list(db: Db, filter: { currency: string | null; on: string | null }): Promise<ExchangeRateRow[]> {
    if (filter.on !== null) {
      return db.query<ExchangeRateRow>(
        `SELECT DISTINCT ON (currency) ${RATE_COLUMNS} FROM exchange_rates
         WHERE valid_from <= $1::date AND ($2::text IS NULL OR currency = $2)
         ORDER BY currency, exchange_rates.valid_from DESC`,
        [filter.on, filter.currency],
      );
    }
    return db.query<ExchangeRateRow>(
      `SELECT ${RATE_COLUMNS} FROM exchange_rates WHERE ($1::text IS NULL OR currency = $1)
       ORDER BY currency, exchange_rates.valid_from DESC LIMIT 5000`,
      [filter.currency],
    );
  },

  /** The rate of each currency valid on `date`: the latest that starts on or before it. */
  async validOn(db: Db, currencies: string[], date: string): Promise<ExchangeRateRow[]> {
    if (currencies.length === 0) return [];
    return db.query<ExchangeRateRow>(
      `SELECT DISTINCT ON (currency) ${RATE_COLUMNS} FROM exchange_rates
       WHERE currency = ANY($1::text[]) AND valid_from <= $2::date
       ORDER BY currency, exchange_rates.valid_from DESC`,
      [currencies, date],
    );
  },

  async upsert(db: Db, rates: ExchangeRate[], at: Date, actorId: string | null): Promise<void> {
    await db.query(
      `INSERT INTO exchange_rates (currency, valid_from, rate_to_national, updated_at, updated_by)
       SELECT currency, valid_from::date, rate::numeric, $4, $5 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(currency, valid_from, rate)
       ON CONFLICT (currency, valid_from) DO UPDATE SET rate_to_national = EXCLUDED.rate_to_national, updated_at = $4, updated_by = $5`,
      [rates.map((rate) => rate.currency), rates.map((rate) => rate.validFrom), rates.map((rate) => rate.rateToNational), at, actorId],
    );
  },
};

export const settingsRepository = {
  async get(db: Db, forUpdate = false): Promise<SettingsRow | undefined> {
    const [row] = await db.query<SettingsRow>(`SELECT settings, version, updated_at FROM duty_settings WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`);
    return row;
  },

  async update(db: Db, settings: DutySettingsInput, at: Date, actorId: string): Promise<SettingsRow> {
    const [row] = await db.query<SettingsRow>(
      `UPDATE duty_settings SET settings = $1::jsonb, version = version + 1, updated_at = $2, updated_by = $3
       WHERE id = 1 RETURNING settings, version, updated_at`,
      [JSON.stringify(settings), at, actorId],
    );
    return row as SettingsRow;
  },
};
