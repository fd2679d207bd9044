// The administration's settings: country, currency, HS edition in force, VAT rate, status model
// and selectivity. One row, read by every module that applies the administration's rules.
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { AppError, FieldErrors } from '../platform/errors.ts';
import type { SelectivitySettings } from '../declarations/selectivity.schema.ts';
import { administrationRepository as repo, type AdministrationRow } from './administration.repository.ts';
import { changedKeys, recordChange, trimDecimal } from './registry.common.ts';
import { canSeeTargeting, requireRole, WRITERS } from './registry.scope.ts';
import type { Administration, AdministrationInput, AdministrationView } from './registry.schemas.ts';
import type { RegistryDeps } from './registry.deps.ts';

/** The administration's id in registry_history (its table holds the single row 1). */
export const ADMINISTRATION_ID = '1';

export function presentAdministration(row: AdministrationRow): Administration {
  return {
    name: row.name,
    country: row.country,
    currency: row.currency,
    hsEdition: row.hs_edition,
    vatRate: trimDecimal(row.vat_rate),
    statusModel: row.status_model,
    selectivity: row.selectivity,
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
  };
}

export function hideTargeting<T extends { selectivity?: unknown }>(principal: Principal, record: T): T {
  if (canSeeTargeting(principal)) return record;
  const { selectivity: _hidden, ...rest } = record;
  return rest as T;
}

/** A share "0.0125" in ten-thousandths (125), exactly. */
function tenThousandths(share: string): number {
  const [whole = '0', fraction = ''] = share.split('.');
  return Number(whole) * 10_000 + Number(fraction.padEnd(4, '0').slice(0, 4));
}

export function createAdministrationService(deps: RegistryDeps) {
  const { clock, reference } = deps;

  async function checkSelectivity(db: Db, selectivity: SelectivitySettings, errors: FieldErrors): Promise<void> {
    if (tenThousandths(selectivity.randomRedShare) + tenThousandths(selectivity.randomYellowShare) > 10_000) {
      errors.add('/selectivity/randomYellowShare', 'randomRedShare and randomYellowShare together must not exceed 1');
    }
    for (const [r, rule] of selectivity.rules.entries()) {
      for (const [c, country] of (rule.originCountries ?? []).entries()) {
        if (!reference.countries.get(country)) {
          errors.add(`/selectivity/rules/${r}/originCountries/${c}`, 'is not an ISO 3166 country code');
        }
      }
      const enterpriseIds = rule.enterpriseIds ?? [];
      for (const missing of await repo.missingEnterprises(db, enterpriseIds)) {
        errors.add(`/selectivity/rules/${r}/enterpriseIds/${enterpriseIds.indexOf(missing)}`, 'no such enterprise');
      }
    }
  }

  async function getAdministration(db: Db): Promise<Administration> {
    const row = await repo.get(db);
    // Migration 004 creates the row; without it the database is not set up.
    if (!row) throw new AppError('INTERNAL', 'The administration settings are missing; run the migrations');
    return presentAdministration(row);
  }

  return {
    getAdministration,

    /** The settings as `principal` may see them (without the selectivity rules for traders and operators). */
    async viewAdministration(principal: Principal): Promise<AdministrationView> {
      return hideTargeting(principal, await getAdministration(deps.db));
    },

    async updateAdministration(tx: Db, actor: Principal, input: AdministrationInput): Promise<Administration> {
      requireRole(actor, WRITERS.administration);
      const current = await repo.get(tx, true);
      if (!current) throw new AppError('INTERNAL', 'The administration settings are missing; run the migrations');
      const errors = new FieldErrors();
      if (!reference.countries.get(input.country)) errors.add('/country', 'is not an ISO 3166 country code');
      if (!reference.currencies.get(input.currency)) errors.add('/currency', 'is not an ISO 4217 currency code');
      await checkSelectivity(tx, input.selectivity, errors);
      errors.throwIfAny();
      const before = presentAdministration(current);
      const next: AdministrationInput = { ...input, vatRate: trimDecimal(input.vatRate) };
      if (changedKeys(before, next).length === 0) return before;
      const administration = presentAdministration(await repo.update(tx, next, clock.now()));
      await recordChange(tx, {
        entityType: 'administration',
        entityId: ADMINISTRATION_ID,
        version: administration.version,
        action: 'UPDATED',
        actor,
        at: new Date(administration.updatedAt),
        data: administration,
      });
      return administration;
    },
  };
}
