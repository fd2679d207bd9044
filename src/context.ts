// Builds the services of one Cordon process from its configuration and database. Routes, message
// handlers, the simulator and the CLI all reach the rules through this context.
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/db.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import type { ReferenceData } from './reference/reference.ts';
import { createIdentityService } from './identity/identity.service.ts';
import { loadReferenceData } from './reference/reference.ts';
import { createRegistryService, type RegistryService } from './registry/registry.service.ts';
import { createDeclarationService } from './declarations/declaration.service.ts';
import { createBooksService } from './books/books.service.ts';
import { createBookControlService } from './books/reconciliation.context.ts';
import { combineHooks, type DeclarationHooks } from './declarations/declaration.hooks.ts';
import { createDutiesService } from './duties/duties.service.ts';
import { createAnalyticsService } from './analytics/analytics.service.ts';
import { createLiveService } from './live/live.service.ts';
import { createRiskService, type RiskService } from './risk/risk.service.ts';
import { createAlertsService } from './alerts/alerts.service.ts';
import { createInspectionsService } from './inspections/inspections.service.ts';
import { createObjectStore, type ObjectStore } from './platform/storage/object-store.ts';
import { createGatesService } from './gates/gates.service.ts';
import { createCctvService } from './cctv/cctv.service.ts';
import { loadSigningKey } from './platform/keys/signing-key.ts';
import { createLogService } from './proof/log.service.ts';
import { createFeedsService } from './feeds/feeds.service.ts';
import { createCredentialsService } from './credentials/credentials.service.ts';
import { createTracking } from './tracking/tracking.service.ts';
import { createMetrics, type Meters } from './platform/operations/metrics.ts';
import { createReadiness } from './platform/operations/readiness.ts';

export interface DeclarationStackDeps {
  db: Db;
  clock: Clock;
  reference: ReferenceData;
  registry: RegistryService;
  /** Uniform draw in [0, 1) for selectivity's random share; cryptographic unless given. */
  random?: () => number;
  /** The risk engine that assesses declarations; the administration's selectivity alone without it. */
  risk?: RiskService;
  /** Where scan images are kept; inspections refuse uploads without it. */
  objects?: ObjectStore;
  /** What other capabilities do at a declaration's steps (the documents issued for it). */
  hooks?: Partial<DeclarationHooks>;
  /** Where the gates count their decisions; nothing is counted without it. */
  meters?: Meters;
}

/**
 * Declarations with the books, duties and gates that act at their steps, and the book control built
 * on them, all on one clock: whoever moves that clock (the demo loader does) moves postings, bills
 * and passes with it.
 */
export function createDeclarationStack(deps: DeclarationStackDeps) {
  const { db, clock, reference, registry, random, risk, objects, hooks, meters } = deps;
  const books = createBooksService({ db, clock, registry });
  const alerts = createAlertsService({ db, clock });
  // The gate completes a declaration when its last goods pass, through the declaration service built below.
  const gates = createGatesService({ db, clock, alerts, completeDeclaration: (tx, id, at, reason) => declarations.completeFromGate(tx, id, at, reason), ...(meters ? { meters } : {}) });
  // Duties release a declaration once its bill is settled, through the declaration service built below:
  // a GREEN one held for its duties, or one an inspection cleared.
  const duties = createDutiesService({
    db,
    clock,
    reference,
    registry,
    releaseIfReady: async (tx, id) => {
      await declarations.releaseIfReady(tx, id);
      await inspections.releaseIfCleared(tx, id);
    },
  });
  const inspections = createInspectionsService({ db, clock, reference, registry, declarations: () => declarations, ...(risk ? { risk } : {}), ...(objects ? { objects } : {}) });
  const declarations = createDeclarationService({
    db,
    clock,
    reference,
    registry,
    hooks: combineHooks(books.hooks, duties.hooks, gates.hooks, inspections.hooks, hooks ?? {}),
    ...(random ? { random } : {}),
    ...(risk ? { assessor: risk.assessor } : {}),
  });
  const bookControl = createBookControlService({ db, clock, reference, registry, declarations });
  return { books, duties, declarations, bookControl, alerts, gates, inspections };
}

export type DeclarationStack = ReturnType<typeof createDeclarationStack>;

export async function createContext(config: Config, db: Db, clock: Clock = systemClock) {
  const reference = await loadReferenceData();
  // The metrics read the telemetry ingest's queue, built below with the tracking.
  const metrics = createMetrics({ db, clock, telemetryQueue: () => tracking.ingest.queuedMessages() });
  const identity = createIdentityService({ db, clock, tokenTtlSeconds: config.tokenTtlSeconds });
  const registry = createRegistryService({ db, clock, reference });
  // The risk engine reads line duty rates from the duties' tariff, which the stack builds after it.
  const risk = createRiskService({
    db,
    clock,
    tariff: { schedule: (handle) => duties.schedule(handle), resolve: (handle, hsCode, tariffCode) => duties.resolve(handle, hsCode, tariffCode) },
  });
  const objects = createObjectStore(config.objectDir);
  // A cancelled declaration's documents are revoked by the credentials service, built below from the declarations.
  const documents: Partial<DeclarationHooks> = { withdrawn: (tx, declaration, at) => credentials.hooks.withdrawn(tx, declaration, at) };
  const { books, duties, declarations, bookControl, alerts, gates, inspections } = createDeclarationStack({ db, clock, reference, registry, risk, objects, hooks: documents, meters: metrics });
  const analytics = createAnalyticsService({ db, clock, reference, registry });
  const live = createLiveService({ db, clock, identity });
  // Signs the transparency log's checkpoints and the credentials Cordon issues.
  const signingKey = await loadSigningKey(db, config.signingKeyPem);
  // Cargo tracking: the telemetry ingest (fed by MQTT and HTTP) and the trips' service.
  const tracking = createTracking({ db, clock, alerts, meters: metrics });
  // Trips' custody records read the trips through the tracking service.
  const credentials = createCredentialsService({ db, clock, publicUrl: config.publicUrl, signingKey, reference, registry, declarations, trips: tracking.service });
  return {
    config,
    db,
    clock,
    reference,
    identity,
    registry,
    books,
    declarations,
    bookControl,
    duties,
    analytics,
    live,
    risk,
    alerts,
    gates,
    inspections,
    cctv: createCctvService({ db, clock, reference, registry, alerts }),
    signingKey,
    log: createLogService({ db, clock, signingKey, origin: config.logOrigin }),
    feeds: createFeedsService({ db, clock, signingKey, publicUrl: config.publicUrl }),
    credentials,
    tracking,
    metrics,
    /** What /ready checks; the server adds the MQTT subscriber once started. */
    readiness: createReadiness({ db }),
  };
}

export type AppContext = Awaited<ReturnType<typeof createContext>>;
