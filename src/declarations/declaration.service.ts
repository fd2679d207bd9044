// PLACEHOLDER
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import type { ReferenceData } from '../reference/reference.ts';
import type { RegistryService } from '../registry/registry.service.ts';
export function createDeclarationService(_deps: { db: Db; clock: Clock; reference: ReferenceData; registry: RegistryService }) {
  return {};
}
