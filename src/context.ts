// Builds the services of one Cordon process from its configuration and database. Routes, message
// handlers, the simulator and the CLI all reach the rules through this context.
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/db.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { createIdentityService } from './identity/identity.service.ts';
import { loadReferenceData } from './reference/reference.ts';
import { createRegistryService } from './registry/registry.service.ts';
import { createDeclarationService } from './declarations/declaration.service.ts';

export async function createContext(config: Config, db: Db, clock: Clock = systemClock) {
  const reference = await loadReferenceData();
  const identity = createIdentityService({ db, clock, tokenTtlSeconds: config.tokenTtlSeconds });
  const registry = createRegistryService({ db, clock, reference });
  const declarations = createDeclarationService({ db, clock, reference, registry });
  return { config, db, clock, reference, identity, registry, declarations };
}

export type AppContext = Awaited<ReturnType<typeof createContext>>;
