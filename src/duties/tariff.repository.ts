// SQL for the tariff schedule in force and its lines.
import type { Db } from '../platform/db/db.ts';
import type { TariffLine } from './tariff.schedule.ts';

export interface ScheduleRow extends Record<string, unknown> {
  source: string;
  currency: string;
  sha256: string;
  line_count: number;
  loaded_at: Date;
  loaded_by: string | null;
}

export interface TariffLineRow extends Record<string, unknown> {
  code: string;
  hs_code: string;
  rate_code: string;
  description: string;
  context: string[];
  units: string[];
  /** The rate of the line named by rate_code (the line's own, or its parent's). */
  general_rate: string | null;
}

export interface NewSchedule {
  source: string;
  currency: string;
  sha256: string;
  loadedAt: Date;
  loadedBy: string | null;
  lines: TariffLine[];
}

/** Rows inserted per statement: keeps each statement's arrays small on both drivers. */
const CHUNK = 5000;

const LINE_COLUMNS = `l.code, l.hs_code, l.rate_code, l.description, l.context, l.units,
  COALESCE(r.general_rate, l.general_rate) AS general_rate`;
const LINE_FROM = 'tariff_lines l LEFT JOIN tariff_lines r ON r.code = l.rate_code AND r.code <> l.code';

export const tariffRepository = {
  async schedule(db: Db): Promise<ScheduleRow | undefined> {
    const [row] = await db.query<ScheduleRow>('SELECT source, currency, sha256, line_count, loaded_at, loaded_by FROM tariff_schedule WHERE id = 1');
    return row;
  },

  /** Serialises loads: two processes finding an empty schedule at once load it once. */
  async lock(db: Db): Promise<void> {
    await db.query('SELECT pg_advisory_xact_lock(7461006)');
  },

  /** Replaces the schedule and all its lines; run inside a transaction. */
  async replace(db: Db, schedule: NewSchedule): Promise<void> {
    await db.query('DELETE FROM tariff_lines');
    for (let start = 0; start < schedule.lines.length; start += CHUNK) {
      const chunk = schedule.lines.slice(start, start + CHUNK);
      await db.query(
        `INSERT INTO tariff_lines (code, hs_code, rate_code, description, context, units, general_rate)
         SELECT code, hs_code, rate_code, description, context::jsonb, units::jsonb, general_rate
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
           AS t(code, hs_code, rate_code, description, context, units, general_rate)`,
        [
          chunk.map((line) => line.code),
          chunk.map((line) => line.hsCode),
          chunk.map((line) => line.rateCode),
          chunk.map((line) => line.description),
          chunk.map((line) => JSON.stringify(line.context)),
          chunk.map((line) => JSON.stringify(line.units)),
          chunk.map((line) => line.generalRate),
        ],
      );
    }
    await db.query(
      `INSERT INTO tariff_schedule (id, source, currency, sha256, line_count, loaded_at, loaded_by)
       VALUES (1, $1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET source = $1, currency = $2, sha256 = $3, line_count = $4, loaded_at = $5, loaded_by = $6`,
      [schedule.source, schedule.currency, schedule.sha256, schedule.lines.length, schedule.loadedAt, schedule.loadedBy],
    );
  },

  async line(db: Db, code: string): Promise<TariffLineRow | undefined> {
    const [row] = await db.query<TariffLineRow>(`SELECT ${LINE_COLUMNS} FROM ${LINE_FROM} WHERE l.code = $1`, [code]);
    return row;
  },

  /** The lines that carry a rate (national lines) whose code starts with `prefix`, in code order. */
  async rateLines(db: Db, prefix: string): Promise<TariffLineRow[]> {
    return db.query<TariffLineRow>(
      `SELECT ${LINE_COLUMNS} FROM ${LINE_FROM}
       WHERE l.hs_code = $1 AND l.code LIKE $2 AND l.rate_code = l.code ORDER BY l.code`,
      [prefix.slice(0, 6), `${prefix}%`],
    );
  },
};
