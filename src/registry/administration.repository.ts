// SQL for the administration's one settings row (id 1), created by migration 004.
import type { Db } from '../platform/db/db.ts';
import type { SelectivitySettings } from '../declarations/selectivity.schema.ts';
import type { AdministrationInput } from './registry.schemas.ts';

export interface AdministrationRow extends Record<string, unknown> {
  name: string;
  country: string;
  currency: string;
  hs_edition: AdministrationInput['hsEdition'];
  vat_rate: string;
  status_model: AdministrationInput['statusModel'];
  selectivity: SelectivitySettings;
  version: number;
  updated_at: Date;
}

const COLUMNS = 'name, country, currency, hs_edition, vat_rate::text AS vat_rate, status_model, selectivity, version, updated_at';

export const administrationRepository = {
  async get(db: Db, forUpdate = false): Promise<AdministrationRow | undefined> {
    const [row] = await db.query<AdministrationRow>(
      `SELECT ${COLUMNS} FROM administration WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`,
    );
    return row;
  },

  async update(db: Db, values: AdministrationInput, at: Date): Promise<AdministrationRow> {
    const [row] = await db.query<AdministrationRow>(
      `UPDATE administration SET name = $1, country = $2, currency = $3, hs_edition = $4, vat_rate = $5::numeric,
         status_model = $6, selectivity = $7::jsonb, version = version + 1, updated_at = $8
       WHERE id = 1 RETURNING ${COLUMNS}`,
      [
        values.name,
        values.country,
        values.currency,
        values.hsEdition,
        values.vatRate,
        values.statusModel,
        JSON.stringify(values.selectivity),
        at,
      ],
    );
    return row as AdministrationRow;
  },

  async missingEnterprises(db: Db, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await db.query<{ id: string }>('SELECT id FROM enterprises WHERE id = ANY($1::uuid[])', [ids]);
    const found = new Set(rows.map((row) => row.id));
    return ids.filter((id) => !found.has(id));
  },
};
