// What the duties services are built from.
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import type { ReferenceData } from '../reference/reference.ts';
import type { RegistryService } from '../registry/registry.service.ts';

export interface DutiesDeps {
  db: Db;
  clock: Clock;
  reference: ReferenceData;
  registry: RegistryService;
  /**
   * Releases a GREEN declaration held back for its duties, once they are paid or guaranteed
   * (the declaration service's `releaseIfReady`, passed in because that service is built with
   * the duties' hooks).
   */
  releaseIfReady(tx: Db, declarationId: string): Promise<void>;
}
