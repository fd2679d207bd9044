// The registry: the administration's settings, zones and gates, enterprises, their account books
// and items. Every write runs in the caller's transaction, bumps the record's version, keeps the
// new version in registry_history and appends an outbox event. Reads named find* serve other
// modules and apply no scope; get*/list* apply the principal's scope.
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import type { ReferenceData } from '../reference/reference.ts';
import { createAdministrationService } from './administration.service.ts';
import { createBooksService } from './books.service.ts';
import { createEnterprisesService } from './enterprises.service.ts';
import { createHistoryService } from './history.service.ts';
import { createItemsService } from './items.service.ts';
import { createZonesService } from './zones.service.ts';

export type {
  Administration,
  AdministrationInput,
  Book,
  BookInput,
  BookPatch,
  Enterprise,
  EnterpriseInput,
  EnterprisePatch,
  EntityType,
  Gate,
  GateInput,
  GatePatch,
  HistoryEntry,
  Item,
  ItemInput,
  ItemPatch,
  Perimeter,
  Zone,
  ZoneInput,
  ZonePatch,
  ZoneRecord,
} from './registry.schemas.ts';
export { canSeeEnterprise } from './registry.scope.ts';

export function createRegistryService(deps: { db: Db; clock: Clock; reference: ReferenceData }) {
  const administration = createAdministrationService(deps);
  const zones = createZonesService(deps);
  const enterprises = createEnterprisesService(deps);
  const books = createBooksService(deps);
  const items = createItemsService(deps);
  const history = createHistoryService(deps, {
    zone: (principal, id) => zones.getZone(principal, id),
    gate: (principal, id) => zones.getGate(principal, id),
    enterprise: (principal, id) => enterprises.getEnterprise(principal, id),
    book: (principal, id) => books.getBook(principal, id),
    item: (principal, id) => items.getItem(principal, id),
  });
  return { ...administration, ...zones, ...enterprises, ...books, ...items, ...history };
}

export type RegistryService = ReturnType<typeof createRegistryService>;
