// What other capabilities do at the steps of a declaration's life. The declaration service calls
// these inside the transaction of the transition, so a refusal (no stock, unpaid duties) rolls the
// transition back, and a posting is never recorded without the step that caused it.
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { ErrorDetail } from '../platform/errors.ts';
import type { DeclarationType, Lane } from './selectivity.schema.ts';

export const PROCESSING_ROLES = ['INPUT', 'OUTPUT', 'WASTE', 'SCRAP'] as const;
export type ProcessingRole = (typeof PROCESSING_ROLES)[number];

/** A declaration as the books, duties and later capabilities see it. */
export interface DeclarationSnapshot {
  id: string;
  reference: string;
  type: DeclarationType;
  zoneId: string;
  enterpriseId: string;
  /** The book the declaration posts to (resolved at submission). */
  bookId: string;
  destination: { zoneId: string; enterpriseId: string; bookId: string } | null;
  currency: string;
  /** The lane once assessed; null before (at submission checks). */
  lane: Lane | null;
  /** Total gross mass of the goods, kg. */
  totalGrossMass: string;
  transport: {
    mode: string;
    vehiclePlate: string | null;
    containers: string[];
    seals: string[];
  };
  lines: Array<{
    lineNo: number;
    itemId: string | null;
    partNumber: string | null;
    hsCode: string;
    tariffCode: string | null;
    description: string;
    originCountry: string;
    quantity: string;
    unit: string;
    netMass: string;
    grossMass: string;
    customsValue: string;
    lotId: string | null;
    processingRole: ProcessingRole | null;
  }>;
}

export interface DeclarationHooks {
  /**
   * Checks at submission and amendment, before anything is stored: stock available for the lines
   * that draw down, lots named on lines, duties computable. Returns field errors (paths like
   * `/lines/0/quantity`), empty when all is well.
   */
  checked(tx: Db, declaration: DeclarationSnapshot): Promise<ErrorDetail[]>;
  /** After assessment into a lane (duties issue the bill of a DOMESTIC_RELEASE here). */
  assessed(tx: Db, declaration: DeclarationSnapshot, at: Date): Promise<void>;
  /** Why the declaration may not be released yet (unpaid duties), or null. */
  releaseBlocker(tx: Db, declaration: DeclarationSnapshot): Promise<string | null>;
  /**
   * At release: hold the quantities that will leave. Throws an AppError when the stock is not there,
   * before writing anything, so that an automatic release can be skipped and the declaration stays assessed.
   */
  released(tx: Db, declaration: DeclarationSnapshot, at: Date): Promise<void>;
  /** The goods have passed: post the movements to the books. */
  completed(tx: Db, declaration: DeclarationSnapshot, at: Date, actor: Principal | null): Promise<void>;
  /** Cancelled or amended: undo what `assessed` and `released` did. */
  withdrawn(tx: Db, declaration: DeclarationSnapshot, at: Date): Promise<void>;
  /**
   * Officers corrected lines at inspection (a new version, still under inspection): duties bill the
   * difference. Optional, as few capabilities care.
   */
  corrected?(tx: Db, declaration: DeclarationSnapshot, at: Date): Promise<void>;
}

export const NO_HOOKS: DeclarationHooks = {
  checked: () => Promise.resolve([]),
  assessed: () => Promise.resolve(),
  releaseBlocker: () => Promise.resolve(null),
  released: () => Promise.resolve(),
  completed: () => Promise.resolve(),
  withdrawn: () => Promise.resolve(),
};

/** Runs several capabilities' hooks in order. */
export function combineHooks(...all: Partial<DeclarationHooks>[]): DeclarationHooks {
  return {
    async checked(tx, d) {
      const details: ErrorDetail[] = [];
      for (const hooks of all) details.push(...((await hooks.checked?.(tx, d)) ?? []));
      return details;
    },
    async assessed(tx, d, at) {
      for (const hooks of all) await hooks.assessed?.(tx, d, at);
    },
    async releaseBlocker(tx, d) {
      for (const hooks of all) {
        const blocker = await hooks.releaseBlocker?.(tx, d);
        if (blocker) return blocker;
      }
      return null;
    },
    async released(tx, d, at) {
      for (const hooks of all) await hooks.released?.(tx, d, at);
    },
    async completed(tx, d, at, actor) {
      for (const hooks of all) await hooks.completed?.(tx, d, at, actor);
    },
    async withdrawn(tx, d, at) {
      for (const hooks of all) await hooks.withdrawn?.(tx, d, at);
    },
    async corrected(tx, d, at) {
      for (const hooks of all) await hooks.corrected?.(tx, d, at);
    },
  };
}
