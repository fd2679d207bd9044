// Whether this process should be sent traffic: the database answers, every migration this code knows
// is applied, and each part the server started (the MQTT subscriber) says it is up. Cheap enough to
// be asked every few seconds by a load balancer or an orchestrator.
import type { Db } from '../db/db.ts';
import { listMigrations } from '../db/migrate.ts';
import type { ErrorDetail } from '../errors.ts';
import { operationsRepository as repo } from './operations.repository.ts';

/** A part's state: null when ready, otherwise why it is not. */
export type ReadinessCheck = () => string | null;

/** Past this the database counts as not answering: a probe must not hang on it. */
const DATABASE_TIMEOUT_MS = 3_000;

export interface Readiness {
  /** Adds a part that must be up for the process to be ready, named as it appears in the answer. */
  watch(part: string, check: ReadinessCheck): void;
  /** What is not ready, one detail per part (`/database`, `/migrations`, `/mqtt`); empty when ready. */
  check(): Promise<ErrorDetail[]>;
  /** The parts watched besides the database and its migrations. */
  readonly parts: readonly string[];
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createReadiness(deps: { db: Db }): Readiness {
  const { db } = deps;
  // The migrations this code was shipped with, read once: the files do not change under a running process.
  const expected = listMigrations().map((migration) => migration.version);
  const checks = new Map<string, ReadinessCheck>();

  return {
    watch(part, check) {
      checks.set(part, check);
    },

    get parts() {
      return [...checks.keys()];
    },

    async check() {
      const failures: ErrorDetail[] = [];
      try {
        await withTimeout(repo.ping(db), DATABASE_TIMEOUT_MS);
        try {
          const applied = new Set(await withTimeout(repo.appliedMigrations(db), DATABASE_TIMEOUT_MS));
          const missing = expected.filter((version) => !applied.has(version));
          if (missing.length > 0) failures.push({ path: '/migrations', message: `${missing.length} migration(s) not applied, from version ${missing[0]}` });
        } catch {
          failures.push({ path: '/migrations', message: 'the migrations table cannot be read' });
        }
      } catch {
        failures.push({ path: '/database', message: 'the database does not answer' });
      }
      for (const [part, check] of checks) {
        const why = check();
        if (why !== null) failures.push({ path: `/${part}`, message: why });
      }
      return failures;
    },
  };
}
