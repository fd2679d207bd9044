// Gates: a release issues a gate pass for its goods; a trader or officer may split the goods over
// several passes; readers at the gate post what they saw and get OPEN or HOLD at once with the
// reasons; a hold raises an alert an officer can override. The truck does not wait for the books:
// the used pass is the durable fact, and the settler completes the declaration whose goods have all
// passed (its book movements post in that transaction, dated at the passage) moments later.
import { Decimal } from 'decimal.js';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { canSeeRecord, canSeeZone, type Principal, type Role } from '../platform/auth/principal.ts';
import { appendEvent, type DomainEvent } from '../platform/events/outbox.ts';
import { AppError, FieldErrors, notFound } from '../platform/errors.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import type { DeclarationHooks, DeclarationSnapshot } from '../declarations/declaration.hooks.ts';
import type { AlertsService } from '../alerts/alerts.service.ts';
import type { Meters } from '../platform/operations/metrics.ts';
import {
  gatesRepository as repo,
  type DeclaredLineRow,
  type GateRow,
  type GateSettingsRow,
  type PassageRow,
  type PassLineRow,
  type PassRow,
  type UnsettledPassRow,
} from './gates.repository.ts';
import { judge, normalizeContainer, normalizePlate, pickPass, weightTolerance, type PassToMatch, type Reading, type Reason } from './matching.ts';
import type { GateEventInput, GatePass, GatePassage, GatePassageListQuery, GatePassInput, GatePassListQuery, GateSettings, GateSettingsInput } from './gates.schemas.ts';

/** Staff who read passes and passages within their zones; traders read their own passes only. */
export const GATE_READERS: readonly Role[] = ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator'];
export const PASS_READERS: readonly Role[] = [...GATE_READERS, 'enterprise_user'];
export const PASS_ISSUERS: readonly Role[] = ['admin', 'customs_officer', 'enterprise_user'];
/** Readers at the gate: a zone operator's API key (scope gate-events:write), or staff typing at the gate desk. */
export const GATE_EVENT_SENDERS: readonly Role[] = ['admin', 'customs_officer', 'zone_operator'];
export const GATE_OVERRIDERS: readonly Role[] = ['admin', 'customs_officer'];

/** Which way the goods of a declaration cross the zone's fence; no crossing for the others. */
const DIRECTION_BY_TYPE: Partial<Record<DeclarationSnapshot['type'], 'IN' | 'OUT'>> = {
  ADMISSION: 'IN',
  DOMESTIC_ADMISSION: 'IN',
  EXPORT: 'OUT',
  DOMESTIC_RELEASE: 'OUT',
  TRANSFER: 'OUT',
};

/** A reader's clock may run a little ahead; an event further in the future is refused. */
const FUTURE_SKEW_MS = 5 * 60_000;
const CACHE_MS = 30_000;
const HOURS = 3_600_000;
/** Passes settled per transaction: enough to keep up with a busy gate, few enough to hold locks briefly. */
const SETTLE_BATCH = 50;
/** A declaration whose settlement failed (its alert says why) is tried again after this long. */
const SETTLE_RETRY_MS = 5 * 60_000;
/**
 * The books post once the gate has been quiet this long after an opening, and never later than
 * SETTLE_MAX_DELAY_MS after it: while trucks keep coming, their answers go first.
 */
const SETTLE_QUIET_MS = 500;
const SETTLE_MAX_DELAY_MS = 30_000;

interface Settings {
  minConfidence: number;
  weightTolerancePercent: string;
  minWeightToleranceKg: string;
  passValidityHours: number;
}

function settingsOf(row: GateSettingsRow): Settings {
  return {
    minConfidence: Number(row.min_confidence),
    weightTolerancePercent: row.weight_tolerance_percent,
    minWeightToleranceKg: row.min_weight_tolerance_kg,
    passValidityHours: row.pass_validity_hours,
  };
}

function presentPass(row: PassRow, lines: PassLineRow[]): GatePass {
  return {
    id: row.id,
    number: row.number,
    declarationId: row.declaration_id,
    declarationReference: row.declaration_reference,
    automatic: row.automatic,
    zoneId: row.zone_id,
    enterpriseId: row.enterprise_id,
    direction: row.direction,
    gateIds: row.gate_ids,
    vehiclePlate: row.vehicle_plate,
    containers: row.containers,
    seals: row.seals,
    expectedGrossKg: new Decimal(row.expected_gross_kg).toFixed(),
    toleranceKg: new Decimal(row.tolerance_kg).toFixed(),
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to.toISOString(),
    status: row.status,
    lines: lines.filter((line) => line.pass_id === row.id).map((line) => ({ lineNo: line.line_no, quantity: new Decimal(line.quantity).toFixed(), unit: line.unit })),
    usedAt: row.used_at?.toISOString() ?? null,
    passageId: row.passage_id,
    cancelledAt: row.cancelled_at?.toISOString() ?? null,
    cancellationReason: row.cancellation_reason,
    createdAt: row.created_at.toISOString(),
  };
}

function presentPassage(row: PassageRow): GatePassage {
  return {
    id: row.id,
    gateId: row.gate_id,
    gateCode: row.gate_code,
    zoneId: row.zone_id,
    lane: row.lane,
    readerEventId: row.reader_event_id,
    at: row.at.toISOString(),
    decision: row.decision,
    status: row.status,
    reasons: row.reasons as GatePassage['reasons'],
    passId: row.pass_id,
    passNumber: row.pass_number,
    declarationId: row.declaration_id,
    declarationReference: row.declaration_reference,
    evidence: {
      plate: row.plate === null ? null : { value: row.plate, confidence: Number(row.plate_confidence) },
      containers: row.containers,
      seals: row.seals,
      weightKg: row.weight_kg === null ? null : new Decimal(row.weight_kg).toFixed(),
    },
    expected:
      row.pass_id === null
        ? null
        : {
            vehiclePlate: row.pass_plate,
            containers: row.pass_containers ?? [],
            seals: row.pass_seals ?? [],
            expectedGrossKg: new Decimal(row.pass_expected_gross_kg ?? 0).toFixed(),
            toleranceKg: new Decimal(row.pass_tolerance_kg ?? 0).toFixed(),
          },
    declarationCompleted: row.completed_declaration,
    overriddenBy: row.overridden_by,
    overrideReason: row.override_reason,
    overriddenAt: row.overridden_at?.toISOString() ?? null,
  };
}

const keyOf = (row: PassRow) => ({ id: row.id, number: row.number, declarationId: row.declaration_id, zoneId: row.zone_id, enterpriseId: row.enterprise_id });

/** The pass as the matcher sees it, holding on to its row. */
function toMatch(row: PassRow): PassToMatch & { row: PassRow } {
  return {
    row,
    id: row.id,
    direction: row.direction,
    gateIds: row.gate_ids,
    vehiclePlate: row.vehicle_plate,
    containers: row.containers,
    seals: row.seals,
    expectedGrossKg: row.expected_gross_kg,
    toleranceKg: row.tolerance_kg,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    declarationState: row.declaration_state,
  };
}

/** Gross mass of part of a line: its share of the line's gross mass. */
function grossOf(lines: readonly DeclaredLineRow[], taken: ReadonlyArray<{ lineNo: number; quantity: Decimal.Value }>): Decimal {
  let total = new Decimal(0);
  for (const part of taken) {
    const line = lines.find((candidate) => candidate.line_no === part.lineNo);
    if (!line || new Decimal(line.quantity).isZero()) continue;
    total = total.plus(new Decimal(line.gross_mass).times(part.quantity).dividedBy(line.quantity));
  }
  return total.toDecimalPlaces(3);
}

export interface GatesDeps {
  db: Db;
  clock: Clock;
  alerts: AlertsService;
  /** Completes a declaration whose goods have all passed (the declaration service, built after this one). */
  completeDeclaration: (tx: Db, declarationId: string, at: Date, reason: string) => Promise<void>;
  /** Counts the decisions (OPEN, HOLD) for the metrics. */
  meters?: Pick<Meters, 'gateDecision'>;
}

export function createGatesService(deps: GatesDeps) {
  const { db, clock, alerts, completeDeclaration } = deps;
  const counted = (decision: 'OPEN' | 'HOLD') => deps.meters?.gateDecision(decision);

  // The gate answers trucks all day from a handful of rows that rarely change: the settings and the
  // gates are read once per half minute (a change made through this process applies at once).
  let settingsCache: { value: Settings; until: number } | null = null;
  const gateCache = new Map<string, { row: GateRow | null; until: number }>();

  async function loadSettings(tx: Db): Promise<Settings> {
    const now = Date.now();
    if (settingsCache && settingsCache.until > now) return settingsCache.value;
    const value = settingsOf(await repo.settings(tx));
    settingsCache = { value, until: now + CACHE_MS };
    return value;
  }

  async function loadGate(tx: Db, id: string): Promise<GateRow | null> {
    const now = Date.now();
    const cached = gateCache.get(id);
    if (cached && cached.until > now) return cached.row;
    const row = await repo.gate(tx, id);
    if (gateCache.size > 10_000) gateCache.clear();
    gateCache.set(id, { row, until: now + CACHE_MS });
    return row;
  }

  async function withLines(tx: Db, rows: PassRow[]): Promise<GatePass[]> {
    const lines = await repo.passLines(tx, rows.map((row) => row.id));
    return rows.map((row) => presentPass(row, lines));
  }

  async function passEvent(
    tx: Db,
    type: 'gate_pass.issued' | 'gate_pass.cancelled',
    pass: { id: string; number: string; declarationId: string; zoneId: string; enterpriseId: string },
    actorId: string | null,
    at: Date,
  ) {
    await appendEvent(tx, {
      type,
      aggregateType: 'gate_pass',
      aggregateId: pass.id,
      zoneId: pass.zoneId,
      enterpriseId: pass.enterpriseId,
      actorId,
      payload: { number: pass.number, declarationId: pass.declarationId, status: type === 'gate_pass.issued' ? 'ISSUED' : 'CANCELLED' },
      at,
    });
  }

  /** Cancels the declaration's unused passes: it completed without them, or it was withdrawn. */
  async function voidIssuedPasses(tx: Db, declarationId: string, reason: string, at: Date) {
    const issued = await repo.issuedPassesOf(tx, declarationId);
    if (issued.length === 0) return;
    await repo.cancelPasses(tx, issued.map((pass) => pass.id), reason, at);
    for (const pass of issued) await passEvent(tx, 'gate_pass.cancelled', keyOf(pass), null, at);
  }

  /**
   * Settles a declaration's newly used passes: completes it when all its goods have passed (the
   * books post, dated at the last passage) and marks the passage that took the last goods.
   */
  async function settleDeclaration(tx: Db, declarationId: string, passes: readonly UnsettledPassRow[], now: Date): Promise<void> {
    const last = passes.reduce((latest, pass) => (pass.used_at > latest.used_at ? pass : latest));
    if ((await repo.lockDeclarationState(tx, declarationId)) === 'RELEASED' && (await repo.allPassed(tx, declarationId))) {
      await completeDeclaration(tx, declarationId, last.used_at, `all goods passed the gate (pass ${last.number})`);
      await repo.markCompleted(tx, last.passage_id);
    }
    await repo.markSettled(tx, passes.map((pass) => pass.id), now);
  }

  function byDeclaration(passes: readonly UnsettledPassRow[]): Map<string, UnsettledPassRow[]> {
    const groups = new Map<string, UnsettledPassRow[]>();
    for (const pass of passes) groups.set(pass.declaration_id, [...(groups.get(pass.declaration_id) ?? []), pass]);
    return groups;
  }

  /** A declaration that would not settle: its passes wait SETTLE_RETRY_MS, and customs is told why. */
  async function settlementFailed(declarationId: string, passes: readonly UnsettledPassRow[], error: unknown) {
    const now = clock.now();
    const first = passes[0] as UnsettledPassRow;
    const why = error instanceof Error ? error.message : String(error);
    await db.transaction(async (tx) => {
      await repo.markSettleFailed(tx, passes.map((pass) => pass.id), now);
      await alerts.raise(tx, {
        kind: 'GATE_SETTLEMENT',
        severity: 'CRITICAL',
        zoneId: first.zone_id,
        enterpriseId: first.enterprise_id,
        declarationId,
        subjectType: 'gate_pass',
        subjectId: first.id,
        dedupKey: `gate-settlement:${declarationId}`,
        message: `The goods of pass ${first.number} passed the gate but the declaration could not be completed: ${why}`,
        details: { passes: passes.map((pass) => pass.number), error: why },
        at: now,
      });
    });
  }

  /** One batch of used passes; a batch that fails is settled again declaration by declaration. */
  async function settleBatch(declarationId: string | null): Promise<number> {
    const now = clock.now();
    const retryBefore = new Date(now.getTime() - SETTLE_RETRY_MS);
    try {
      return await db.transaction(async (tx) => {
        const passes = await repo.unsettledPasses(tx, SETTLE_BATCH, retryBefore, declarationId);
        for (const [id, own] of byDeclaration(passes)) await settleDeclaration(tx, id, own, now);
        return passes.length;
      });
    } catch {
      const passes = await db.transaction((tx) => repo.unsettledPasses(tx, SETTLE_BATCH, retryBefore, declarationId));
      for (const [id, own] of byDeclaration(passes)) {
        try {
          await db.transaction(async (tx) => {
            const locked = await repo.unsettledPasses(tx, SETTLE_BATCH, retryBefore, id);
            if (locked.length > 0) await settleDeclaration(tx, id, locked, now);
          });
        } catch (error) {
          await settlementFailed(id, own, error);
        }
      }
      return passes.length;
    }
  }

  async function drain(): Promise<void> {
    while ((await settleBatch(null)) === SETTLE_BATCH);
  }

  // One drain at a time in this process; a call made while one runs gets the next, which starts when
  // it ends and so sees every pass used before the call.
  let draining: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  function settle(): Promise<void> {
    if (!draining) {
      draining = drain().finally(() => {
        draining = null;
      });
      return draining;
    }
    queued ??= draining.then(
      () => {
        queued = null;
        return settle();
      },
      () => {
        queued = null;
        return settle();
      },
    );
    return queued;
  }

  function passageEventOf(passage: PassageRow, at: Date, actorId: string | null): DomainEvent {
    // No enterprise on the event: the gate's decisions and their reasons are for the zone's staff.
    return {
      type: 'gate.passage',
      aggregateType: 'gate_passage',
      aggregateId: passage.id,
      zoneId: passage.zone_id,
      actorId,
      payload: {
        gateId: passage.gate_id,
        decision: passage.decision,
        status: passage.status,
        declarationId: passage.declaration_id,
        declarationReference: passage.declaration_reference,
        reasons: passage.reasons.map((reason) => reason.code).join(', '),
        declarationCompleted: passage.completed_declaration,
      },
      at,
    };
  }

  /** One open hold alert per truck at a gate: a reader's repeated reads of it count as occurrences. */
  const holdKey = (gateId: string, plate: string | null, containers: ReadonlyArray<{ number: string }>) =>
    `gate-hold:${gateId}:${plate ? normalizePlate(plate) : containers.map((c) => normalizeContainer(c.number)).sort().join('+') || 'unread'}`;

  const hooks: Partial<DeclarationHooks> = {
    async released(tx, declaration, at) {
      const direction = DIRECTION_BY_TYPE[declaration.type];
      if (!direction) return;
      const settings = await loadSettings(tx);
      const lines = await repo.declaredLines(tx, declaration.id);
      const open = lines
        .map((line) => ({ lineNo: line.line_no, quantity: new Decimal(line.quantity).minus(line.on_passes) }))
        .filter((line) => line.quantity.greaterThan(0));
      if (open.length === 0) return;
      const expected = grossOf(lines, open);
      const seq = await repo.nextSeq(tx, declaration.id);
      const id = uuidv7();
      await repo.insertPass(tx, {
        id,
        number: `${declaration.reference}/${seq}`,
        declarationId: declaration.id,
        seq,
        automatic: true,
        zoneId: declaration.zoneId,
        enterpriseId: declaration.enterpriseId,
        direction,
        gateIds: [],
        vehiclePlate: declaration.transport.vehiclePlate ? normalizePlate(declaration.transport.vehiclePlate) : null,
        containers: declaration.transport.containers.map(normalizeContainer),
        seals: declaration.transport.seals,
        expectedGrossKg: expected.toFixed(),
        toleranceKg: weightTolerance(expected, settings).toFixed(),
        validFrom: at,
        validTo: new Date(at.getTime() + settings.passValidityHours * HOURS),
        createdBy: null,
        at,
        lines: open.map((line) => ({ lineNo: line.lineNo, quantity: line.quantity.toFixed() })),
      });
      const number = `${declaration.reference}/${seq}`;
      await passEvent(tx, 'gate_pass.issued', { id, number, declarationId: declaration.id, zoneId: declaration.zoneId, enterpriseId: declaration.enterpriseId }, null, at);
    },
    async completed(tx, declaration, at) {
      await voidIssuedPasses(tx, declaration.id, 'the declaration was completed', at);
    },
    async withdrawn(tx, declaration, at) {
      await voidIssuedPasses(tx, declaration.id, 'the declaration was withdrawn', at);
    },
  };

  function canSeePass(principal: Principal, row: PassRow): boolean {
    return canSeeRecord(principal, { enterpriseId: row.enterprise_id, zoneId: row.zone_id });
  }

  let soon: { timer: NodeJS.Timeout; firstAt: number } | null = null;
  function settleSoon(onError: (error: unknown) => void): void {
    const now = Date.now();
    const firstAt = soon?.firstAt ?? now;
    if (soon) clearTimeout(soon.timer);
    const timer = setTimeout(
      () => {
        soon = null;
        settle().catch(onError);
      },
      Math.max(0, Math.min(SETTLE_QUIET_MS, firstAt + SETTLE_MAX_DELAY_MS - now)),
    );
    timer.unref();
    soon = { timer, firstAt };
  }

  return {
    hooks,

    /**
     * Completes the declarations whose goods have all passed since the last run; resolves once
     * every pass used before the call is settled. A timer calls it too, for passes a restart left
     * and to retry failed ones.
     */
    settle,

    /** After an opening: settles when the gate is next quiet (see SETTLE_QUIET_MS). */
    settleSoon,

    async getSettings(): Promise<GateSettings> {
      const row = await repo.settings(db);
      return { ...settingsOf(row), version: row.version, updatedAt: row.updated_at.toISOString() };
    },

    async updateSettings(tx: Db, principal: Principal, input: GateSettingsInput): Promise<GateSettings> {
      const errors = new FieldErrors();
      if (new Decimal(input.weightTolerancePercent).greaterThan(50)) errors.add('/weightTolerancePercent', 'must be at most 50');
      if (new Decimal(input.minWeightToleranceKg).greaterThan(9_999_999)) errors.add('/minWeightToleranceKg', 'must be below 10,000,000 kg');
      errors.throwIfAny();
      const at = clock.now();
      const row = await repo.updateSettings(tx, input, principal.id, at);
      settingsCache = null;
      await appendEvent(tx, { type: 'gate.settings_changed', aggregateType: 'gate_settings', aggregateId: '1', actorId: principal.id, payload: { ...input }, at });
      return { ...settingsOf(row), version: row.version, updatedAt: row.updated_at.toISOString() };
    },

    async listPasses(principal: Principal, query: GatePassListQuery) {
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''));
      const rows = await repo.listPasses(db, {
        declarationId: query.declarationId,
        zoneId: query.zoneId,
        status: query.status,
        zoneIds: principal.role === 'enterprise_user' ? null : principal.zoneIds,
        enterpriseId: principal.role === 'enterprise_user' ? (principal.enterpriseId ?? '00000000-0000-0000-0000-000000000000') : null,
        beforeId: cursor?.[0] ?? null,
        limit,
      });
      const page = toPage(rows, limit, (row) => [row.id], (row) => row);
      return { items: await withLines(db, page.items), nextCursor: page.nextCursor };
    },

    async getPass(principal: Principal, id: string): Promise<GatePass> {
      const row = await repo.pass(db, id);
      if (!row || !canSeePass(principal, row)) throw notFound('Gate pass');
      return (await withLines(db, [row]))[0] as GatePass;
    },

    /** A pass for part of a released declaration's goods; the quantities come off its automatic pass while that is unused. */
    async issuePass(tx: Db, principal: Principal, input: GatePassInput): Promise<GatePass> {
      const declaration = await repo.declaration(tx, input.declarationId, true);
      if (!declaration || !canSeeRecord(principal, { enterpriseId: declaration.enterprise_id, zoneId: declaration.zone_id })) {
        throw new AppError('VALIDATION_FAILED', 'No such declaration', [{ path: '/declarationId', message: 'no declaration with this id that you may see' }]);
      }
      const direction = DIRECTION_BY_TYPE[declaration.type as DeclarationSnapshot['type']];
      if (!direction) throw new AppError('VALIDATION_FAILED', `A ${declaration.type} declaration moves no goods through a gate`, [{ path: '/declarationId', message: 'names no goods crossing a gate' }]);
      if (declaration.state !== 'RELEASED') {
        throw new AppError('INVALID_TRANSITION', `Gate passes are issued for released declarations; this one is ${declaration.state}`, [{ path: '/declarationId', message: `is ${declaration.state}` }]);
      }
      const at = clock.now();
      const settings = await loadSettings(tx);
      const lines = await repo.declaredLines(tx, declaration.id);
      const errors = new FieldErrors();
      const seen = new Set<number>();
      const taken: Array<{ lineNo: number; quantity: Decimal; fromAutomatic: Decimal }> = [];
      input.lines.forEach((requested, index) => {
        const line = lines.find((candidate) => candidate.line_no === requested.lineNo);
        if (!line) return errors.add(`/lines/${index}/lineNo`, `the declaration has no line ${requested.lineNo}`);
        if (seen.has(requested.lineNo)) return errors.add(`/lines/${index}/lineNo`, 'appears twice');
        seen.add(requested.lineNo);
        const quantity = new Decimal(requested.quantity);
        if (quantity.isZero()) return errors.add(`/lines/${index}/quantity`, 'must be greater than zero');
        const free = new Decimal(line.quantity).minus(line.on_passes);
        const available = free.plus(line.on_automatic);
        if (quantity.greaterThan(available)) return errors.add(`/lines/${index}/quantity`, `at most ${available.toFixed()} ${line.unit} remain without a used or separate pass`);
        taken.push({ lineNo: requested.lineNo, quantity, fromAutomatic: Decimal.max(quantity.minus(free), 0) });
      });
      const declaredContainers = (declaration.transport.containers ?? []).map(normalizeContainer);
      const containers = (input.containers ?? []).map(normalizeContainer);
      containers.forEach((container, index) => {
        if (!declaredContainers.includes(container)) errors.add(`/containers/${index}`, 'is not a container of the declaration');
      });
      const gates = input.gateIds?.length ? await repo.gatesOfZone(tx, declaration.zone_id) : [];
      (input.gateIds ?? []).forEach((gateId, index) => {
        const gate = gates.find((candidate) => candidate.id === gateId);
        if (!gate || !gate.active) errors.add(`/gateIds/${index}`, "is not an active gate of the declaration's zone");
        else if (gate.direction !== 'BOTH' && gate.direction !== direction) errors.add(`/gateIds/${index}`, `gate ${gate.code} does not open for ${direction === 'IN' ? 'entry' : 'exit'}`);
      });
      const validTo = input.validTo ? new Date(input.validTo) : new Date(at.getTime() + settings.passValidityHours * HOURS);
      if (validTo <= at) errors.add('/validTo', 'must be in the future');
      else if (validTo.getTime() - at.getTime() > 720 * HOURS) errors.add('/validTo', 'must be within 30 days');
      errors.throwIfAny('The gate pass cannot be issued');

      // Give up what the automatic pass held; it goes when it holds nothing more.
      const automatic = (await repo.issuedPassesOf(tx, declaration.id)).find((pass) => pass.automatic);
      if (automatic && taken.some((part) => part.fromAutomatic.greaterThan(0))) {
        const remaining = (await repo.passLines(tx, [automatic.id]))
          .map((line) => ({ lineNo: line.line_no, quantity: new Decimal(line.quantity).minus(taken.find((part) => part.lineNo === line.line_no)?.fromAutomatic ?? 0) }))
          .filter((line) => line.quantity.greaterThan(0));
        if (remaining.length === 0) {
          await repo.cancelPasses(tx, [automatic.id], 'its goods were moved to passes for part of the goods', at);
          await passEvent(tx, 'gate_pass.cancelled', keyOf(automatic), principal.id, at);
        } else {
          const gross = grossOf(lines, remaining);
          await repo.reducePass(tx, automatic.id, remaining.map((line) => ({ lineNo: line.lineNo, quantity: line.quantity.toFixed() })), gross.toFixed(), weightTolerance(gross, settings).toFixed());
        }
      }

      const expected = grossOf(lines, taken);
      const seq = await repo.nextSeq(tx, declaration.id);
      const id = uuidv7();
      await repo.insertPass(tx, {
        id,
        number: `${declaration.reference}/${seq}`,
        declarationId: declaration.id,
        seq,
        automatic: false,
        zoneId: declaration.zone_id,
        enterpriseId: declaration.enterprise_id,
        direction,
        gateIds: input.gateIds ?? [],
        vehiclePlate: input.vehiclePlate ? normalizePlate(input.vehiclePlate) : null,
        containers,
        seals: input.seals ?? [],
        expectedGrossKg: expected.toFixed(),
        toleranceKg: weightTolerance(expected, settings).toFixed(),
        validFrom: at,
        validTo,
        createdBy: principal.kind === 'user' ? principal.id : null,
        at,
        lines: taken.map((part) => ({ lineNo: part.lineNo, quantity: part.quantity.toFixed() })),
      });
      const row = (await repo.pass(tx, id)) as PassRow;
      await passEvent(tx, 'gate_pass.issued', keyOf(row), principal.id, at);
      return (await withLines(tx, [row]))[0] as GatePass;
    },

    async cancelPass(tx: Db, principal: Principal, id: string, reason: string): Promise<GatePass> {
      const row = await repo.pass(tx, id, true);
      if (!row || !canSeePass(principal, row)) throw notFound('Gate pass');
      if (row.status !== 'ISSUED') throw new AppError('INVALID_TRANSITION', `The pass is ${row.status}; only an unused pass can be cancelled`, [{ path: '/reason', message: `the pass is ${row.status}` }]);
      const at = clock.now();
      await repo.cancelPasses(tx, [id], reason.trim(), at);
      await passEvent(tx, 'gate_pass.cancelled', keyOf(row), principal.id, at);
      return (await withLines(tx, [(await repo.pass(tx, id)) as PassRow]))[0] as GatePass;
    },

    /**
     * One reader event: the decision at once, recorded with its evidence. A retry with the same
     * reader event id gets the stored decision, so a lost answer never opens the gate twice. The
     * truck waits for this answer, so an opening costs two reads and one write; `on` is a caller's
     * transaction, if any.
     */
    async recordEvent(principal: Principal, input: GateEventInput, on: Db = db): Promise<{ passage: GatePassage; replayed: boolean }> {
      const gate = await loadGate(on, input.gateId);
      if (!gate || !canSeeZone(principal, gate.zone_id)) throw new AppError('VALIDATION_FAILED', 'Unknown gate', [{ path: '/gateId', message: 'no gate with this id in your zones' }]);
      if (!gate.active) throw new AppError('VALIDATION_FAILED', `Gate ${gate.code} is inactive`, [{ path: '/gateId', message: 'the gate is inactive' }]);
      const receivedAt = clock.now();
      const at = new Date(input.at);
      if (at.getTime() > receivedAt.getTime() + FUTURE_SKEW_MS) throw new AppError('VALIDATION_FAILED', 'The event is in the future', [{ path: '/at', message: 'must not be more than 5 minutes ahead of the server' }]);

      const reading: Reading = {
        at,
        plate: input.plate ?? null,
        containers: input.containers ?? [],
        seals: input.seals ?? null,
        weightKg: input.weightKg ?? null,
      };
      const plate = reading.plate ? normalizePlate(reading.plate.value) : null;
      const containers = reading.containers.map((read) => normalizeContainer(read.number));
      const settings = await loadSettings(on);
      const matched = pickPass(reading, (await repo.candidates(on, gate.zone_id, plate, containers)).map(toMatch));
      const pass = matched?.row ?? null;
      let reasons: Reason[];
      let declarationId: string | null = pass?.declaration_id ?? null;
      let declarationReference: string | null = pass?.declaration_reference ?? null;
      if (matched) {
        reasons = judge(reading, matched, gate, settings);
      } else {
        const { notReleased, used } = await repo.explainNoPass(on, gate.zone_id, plate, containers);
        if (notReleased) {
          declarationId = notReleased.id;
          declarationReference = notReleased.reference;
          reasons = [{ code: 'NOT_RELEASED', message: `declaration ${notReleased.reference} is ${notReleased.state}, not released` }];
        } else if (used) {
          reasons = [{ code: 'NO_PASS', message: `pass ${used.number} was already used at ${used.used_at.toISOString()}` }];
        } else {
          reasons = [{ code: 'NO_PASS', message: 'no valid gate pass for this plate or these containers' }];
        }
      }
      const id = uuidv7();
      const passage = {
        id,
        zoneId: gate.zone_id,
        gateId: gate.id,
        lane: input.lane ?? null,
        readerEventId: input.readerEventId,
        readerId: principal.id,
        at,
        receivedAt,
        passId: pass?.id ?? null,
        declarationId,
        plate: reading.plate,
        containers: reading.containers,
        seals: reading.seals,
        weightKg: reading.weightKg,
      };
      // The answer is built from what is known here rather than read back: the reader is waiting.
      const storedAs = (decision: 'OPEN' | 'HOLD', why: Reason[]): PassageRow => ({
        id,
        zone_id: gate.zone_id,
        gate_id: gate.id,
        gate_code: gate.code,
        lane: input.lane ?? null,
        reader_event_id: input.readerEventId,
        at,
        decision,
        status: decision === 'OPEN' ? 'OPENED' : 'HELD',
        reasons: why,
        pass_id: pass?.id ?? null,
        pass_number: pass?.number ?? null,
        declaration_id: declarationId,
        declaration_reference: declarationReference,
        completed_declaration: false,
        plate: reading.plate?.value ?? null,
        plate_confidence: reading.plate ? String(reading.plate.confidence) : null,
        containers: reading.containers,
        seals: reading.seals,
        weight_kg: reading.weightKg,
        pass_plate: pass?.vehicle_plate ?? null,
        pass_containers: pass?.containers ?? null,
        pass_seals: pass?.seals ?? null,
        pass_expected_gross_kg: pass?.expected_gross_kg ?? null,
        pass_tolerance_kg: pass?.tolerance_kg ?? null,
        overridden_by: null,
        override_reason: null,
        overridden_at: null,
      });
      const replay = async (on: Db) => ({ passage: presentPassage((await repo.passageByReaderEvent(on, input.gateId, input.readerEventId)) as PassageRow), replayed: true });
      const hold = async (tx: Db, why: Reason[]) =>
        alerts.raise(tx, {
          kind: 'GATE_HOLD',
          severity: why.some((reason) => reason.code === 'SEAL_MISMATCH') ? 'CRITICAL' : 'WARNING',
          zoneId: gate.zone_id,
          enterpriseId: pass?.enterprise_id ?? null,
          declarationId,
          subjectType: 'gate_passage',
          subjectId: id,
          dedupKey: holdKey(gate.id, plate, reading.containers),
          message: `Held at gate ${gate.code}: ${why.map((reason) => reason.message).join('; ')}`,
          details: { gateId: gate.id, gateCode: gate.code, reasons: why.map((reason) => reason.code), passId: pass?.id ?? null, plate },
          at: receivedAt,
        });

      if (reasons.length === 0 && pass) {
        // The common case in one statement: the pass is taken and the passage recorded as OPEN,
        // or as HOLD when another truck took the pass a moment before.
        const lost: Reason[] = [{ code: 'NO_PASS', message: `pass ${pass.number} was used by another truck a moment ago` }];
        const opened = storedAs('OPEN', []);
        const held = storedAs('HOLD', lost);
        const decided = await repo.recordOpening(on, { ...passage, passId: pass.id }, lost, passageEventOf(opened, receivedAt, principal.id), passageEventOf(held, receivedAt, principal.id));
        if (decided === null) return replay(on);
        counted(decided);
        if (decided === 'OPEN') return { passage: presentPassage(opened), replayed: false };
        await on.transaction((tx) => hold(tx, lost));
        return { passage: presentPassage(held), replayed: false };
      }
      const result = await on.transaction(async (tx) => {
        if (!(await repo.insertPassage(tx, { ...passage, decision: 'HOLD', reasons }))) return replay(tx);
        const held = storedAs('HOLD', reasons);
        await hold(tx, reasons);
        await appendEvent(tx, passageEventOf(held, receivedAt, principal.id));
        return { passage: presentPassage(held), replayed: false };
      });
      if (!result.replayed) counted('HOLD');
      return result;
    },

    async listPassages(principal: Principal, query: GatePassageListQuery) {
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''));
      const rows = await repo.listPassages(db, { ...query, zoneIds: principal.zoneIds, beforeId: cursor?.[0] ?? null, limit });
      return toPage(rows, limit, (row) => [row.id], presentPassage);
    },

    async getPassage(principal: Principal, id: string): Promise<GatePassage> {
      const row = await repo.passage(db, id);
      if (!row || !canSeeZone(principal, row.zone_id)) throw notFound('Gate passage');
      return presentPassage(row);
    },

    /**
     * An officer lets a held truck through. When it presented a pass of a released declaration, the
     * pass is used as if the gate had opened; the hold's alert is acknowledged with the same reason.
     */
    async override(tx: Db, principal: Principal, id: string, reason: string): Promise<GatePassage> {
      const row = await repo.passage(tx, id, true);
      if (!row || !canSeeZone(principal, row.zone_id)) throw notFound('Gate passage');
      if (row.status !== 'HELD') throw new AppError('INVALID_TRANSITION', `The passage is ${row.status}; only a held passage can be overridden`, [{ path: '/reason', message: `the passage is ${row.status}` }]);
      const at = clock.now();
      await repo.overridePassage(tx, id, principal.id, reason.trim(), at);
      const pass = row.pass_id ? await repo.pass(tx, row.pass_id, true) : null;
      // The officer waits for the outcome: the declaration settles in this transaction.
      if (pass && (await repo.usePass(tx, pass.id, id, at))) {
        const used = await repo.unsettledPasses(tx, SETTLE_BATCH, at, pass.declaration_id);
        if (used.length > 0) await settleDeclaration(tx, pass.declaration_id, used, at);
      }
      await alerts.acknowledgeOpen(tx, principal, holdKey(row.gate_id, row.plate, row.containers), `Overridden: ${reason.trim()}`);
      const stored = (await repo.passage(tx, id)) as PassageRow;
      await appendEvent(tx, passageEventOf(stored, at, principal.id));
      return presentPassage(stored);
    },
  };
}

export type GatesService = ReturnType<typeof createGatesService>;
