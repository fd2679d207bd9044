// Lookups behind the reference routes: search and detail of HS codes and UN/LOCODEs, the code lists,
// and the container number check. Read-only; unknown codes are reported as NOT_FOUND.
import type { Db } from '../platform/db/db.ts';
import { notFound } from '../platform/errors.ts';
import type { HsEdition, HsEntry, Locode, ReferenceData } from './reference.ts';
import { findHsEditionInForce } from './reference.repository.ts';
import { checkContainerNumber } from './validators.ts';

export interface HsDetail extends HsEntry {
  edition: HsEdition;
  sectionName: string | null;
  /** The chapter and heading above the entry, chapter first; empty for a chapter. */
  ancestors: HsEntry[];
}

export function createReferenceService(deps: { db: Db; reference: ReferenceData }) {
  const { db, reference } = deps;

  const editionOf = async (edition: HsEdition | undefined): Promise<HsEdition> => edition ?? (await findHsEditionInForce(db));

  return {
    async searchHs(query: string, limit: number, edition?: HsEdition): Promise<{ items: HsEntry[]; nextCursor: null }> {
      const nomenclature = reference.hs(await editionOf(edition));
      return { items: nomenclature.search(query, limit), nextCursor: null };
    },

    async getHs(code: string, edition?: HsEdition): Promise<HsDetail> {
      const nomenclature = reference.hs(await editionOf(edition));
      const entry = nomenclature.get(code.replace(/\./g, ''));
      if (!entry) throw notFound(`HS code ${code} of ${nomenclature.edition}`);
      const ancestors: HsEntry[] = [];
      let above = entry.parent === null ? undefined : nomenclature.get(entry.parent);
      while (above) {
        ancestors.unshift(above);
        above = above.parent === null ? undefined : nomenclature.get(above.parent);
      }
      return {
        ...entry,
        edition: nomenclature.edition,
        sectionName: nomenclature.sectionName(entry.section) ?? null,
        ancestors,
      };
    },

    searchLocodes(query: string, country: string | null, limit: number): { items: Locode[]; nextCursor: null } {
      return { items: reference.locodes.search(query, country, limit), nextCursor: null };
    },

    getLocode(code: string): Locode {
      const normalized = code.replace(/\s+/g, '').toUpperCase();
      const locode = reference.locodes.get(normalized);
      if (!locode) throw notFound(`UN/LOCODE ${normalized}`);
      return locode;
    },

    listCountries: () => ({ items: reference.countries.list(), nextCursor: null }),
    listCurrencies: () => ({ items: reference.currencies.list(), nextCursor: null }),
    listUnits: () => ({ items: reference.units.list(), nextCursor: null }),

    checkContainer(number: string): { number: string; valid: boolean; problem: string | null } {
      const check = checkContainerNumber(number);
      return { number: check.normalized, valid: check.valid, problem: check.problem };
    },
  };
}

export type ReferenceService = ReturnType<typeof createReferenceService>;
