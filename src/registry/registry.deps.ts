// What the registry's services are built from.
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import type { ReferenceData } from '../reference/reference.ts';

export interface RegistryDeps {
  db: Db;
  clock: Clock;
  reference: ReferenceData;
}
