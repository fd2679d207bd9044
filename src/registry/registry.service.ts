// PLACEHOLDER: replaced by the registry module.
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import type { ReferenceData } from '../reference/reference.ts';
export function createRegistryService(_deps: { db: Db; clock: Clock; reference: ReferenceData }) {
  return {};
}
export type RegistryService = ReturnType<typeof createRegistryService>;
