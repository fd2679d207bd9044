// Declarations: submission, assessment into a lane, officers' decisions, amendment and cancellation.
// Every transition is checked by the state machine, stored with who, when and why, and published
// to the outbox in the same transaction.
import { randomInt } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { Decimal } from 'decimal.js';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError, FieldErrors, notFound } from '../platform/errors.ts';
import { canSeeRecord, canSeeTargeting, type Principal } from '../platform/auth/principal.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import type { ReferenceData } from '../reference/reference.ts';
import { validateCountry, validateHsCode } from '../reference/validators.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import { declarationRepository as repo, type DeclarationRow, type LineRow, type TransitionRow } from './declaration.repository.ts';
import type { AmendDeclaration, Decision, ListQuery, SubmitDeclaration, Transport } from './declaration.schemas.ts';
import { validateDeclaration, type ResolvedDeclaration } from './declaration.validation.ts';
import { allowedActions, transition, type Actor, type DeclarationAction, type DeclarationState } from './lifecycle.ts';
import { selectLane, type LaneDecision } from './selectivity.ts';
import { NO_HOOKS, type DeclarationHooks, type DeclarationSnapshot } from './declaration.hooks.ts';
import type { DeclarationType, Lane } from './selectivity.schema.ts';

export interface DeclarationServiceDeps {
  db: Db;
  clock: Clock;
  reference: ReferenceData;
  registry: RegistryService;
  /** Uniform draw in [0, 1) for the random control share; injectable for tests. */
  random?: () => number;
  /** What books, duties and later capabilities do at each step. */
  hooks?: DeclarationHooks;
  /** The risk engine: turns the administration's policy lane into the declaration's lane, score and reasons. */
  assessor?: LaneAssessor;
}

export interface AssessmentRequest {
  declaration: { id: string; type: DeclarationType; enterpriseId: string; version: number; declarantId: string };
  resolved: ResolvedDeclaration;
  /** The administration's selectivity rules and random control draw, applied already. */
  policy: LaneDecision;
  at: Date;
}

/** Decides the lane of a declaration being assessed, in the assessment's transaction. */
export type LaneAssessor = (tx: Db, request: AssessmentRequest) => Promise<LaneDecision>;

/** An officer's corrected values for one line, found at inspection; what is not given stays as declared. */
export interface LineCorrection {
  lineNo: number;
  quantity?: string;
  netMass?: string;
  grossMass?: string;
  hsCode?: string;
  tariffCode?: string;
  customsValue?: string;
  originCountry?: string;
}

/** What each recorded step's event names of its declaration. */
type EventFields = 'id' | 'reference' | 'type' | 'zone_id' | 'enterprise_id' | 'destination_zone_id' | 'destination_enterprise_id';

const cryptoRandom = () => randomInt(0, 2 ** 47) / 2 ** 47;

export function presentSummary(row: DeclarationRow) {
  return {
    id: row.id,
    reference: row.reference,
    type: row.type,
    state: row.state,
    lane: row.lane,
    zoneId: row.zone_id,
    enterpriseId: row.enterprise_id,
    enterpriseName: row.enterprise_name,
    traderReference: row.trader_reference,
    currency: row.currency,
    totalValue: row.total_value,
    totalGrossMass: row.total_gross_mass,
    lineCount: row.line_count,
    submittedAt: row.submitted_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function presentLine(row: LineRow) {
  return {
    lineNo: row.line_no,
    itemId: row.item_id,
    partNumber: row.part_number,
    hsCode: row.hs_code,
    description: row.description,
    originCountry: row.origin_country,
    quantity: row.quantity,
    unit: row.unit,
    netMass: row.net_mass,
    grossMass: row.gross_mass,
    customsValue: row.customs_value,
    currency: row.currency,
    lotId: row.lot_id,
    tariffCode: row.tariff_code,
    processingRole: row.processing_role,
  };
}

function presentTransition(row: TransitionRow) {
  return {
    action: row.action,
    fromState: row.from_state,
    toState: row.to_state,
    lane: row.lane,
    actorId: row.actor_id,
    actorName: row.actor_name,
    actorRole: row.actor_role,
    reason: row.reason,
    at: row.at.toISOString(),
  };
}

function transportOf(transport: Transport): DeclarationSnapshot['transport'] {
  return {
    mode: transport.mode,
    vehiclePlate: transport.vehiclePlate ?? null,
    containers: transport.containers ?? [],
    seals: transport.seals ?? [],
  };
}

function snapshotOf(row: DeclarationRow, lines: LineRow[]): DeclarationSnapshot {
  return {
    id: row.id,
    reference: row.reference,
    type: row.type,
    zoneId: row.zone_id,
    enterpriseId: row.enterprise_id,
    bookId: row.book_id as string,
    destination:
      row.destination_zone_id && row.destination_enterprise_id && row.destination_book_id
        ? { zoneId: row.destination_zone_id, enterpriseId: row.destination_enterprise_id, bookId: row.destination_book_id }
        : null,
    currency: row.currency,
    lane: row.lane,
    totalGrossMass: row.total_gross_mass,
    transport: transportOf(row.transport),
    lines: lines.map((line) => ({
      lineNo: line.line_no,
      itemId: line.item_id,
      partNumber: line.part_number,
      hsCode: line.hs_code,
      tariffCode: line.tariff_code,
      description: line.description,
      originCountry: line.origin_country,
      quantity: line.quantity,
      unit: line.unit,
      netMass: line.net_mass,
      grossMass: line.gross_mass,
      customsValue: line.customs_value,
      lotId: line.lot_id,
      processingRole: line.processing_role,
    })),
  };
}

function actorOf(principal: Principal, row: Pick<DeclarationRow, 'enterprise_id'>): Actor {
  // Only the declaring enterprise acts as the trader on its declaration.
  if (principal.role === 'enterprise_user' && principal.enterpriseId !== row.enterprise_id) return 'auditor';
  return principal.role;
}

export function createDeclarationService(deps: DeclarationServiceDeps) {
  const { db, clock, reference, registry } = deps;
  const random = deps.random ?? cryptoRandom;
  const hooks = deps.hooks ?? NO_HOOKS;

  async function snapshot(tx: Db, id: string): Promise<DeclarationSnapshot> {
    const row = (await repo.find(tx, id)) as DeclarationRow;
    return snapshotOf(row, await repo.lines(tx, id));
  }

  /** Checks by other capabilities (stock, duties) before anything is stored. */
  async function runChecks(tx: Db, id: string, type: DeclarationSnapshot['type'], zoneId: string, resolved: ResolvedDeclaration) {
    const details = await hooks.checked(tx, {
      id,
      reference: '',
      type,
      zoneId,
      enterpriseId: resolved.enterpriseId,
      bookId: resolved.bookId,
      destination: resolved.destination,
      currency: resolved.currency,
      lane: null,
      totalGrossMass: resolved.totalGrossMass,
      transport: transportOf(resolved.transport),
      lines: resolved.lines.map((line, index) => ({ ...line, lineNo: index + 1 })),
    });
    if (details.length > 0) throw new AppError('VALIDATION_FAILED', 'The declaration cannot be accepted as it stands', details);
  }

  /** Releases through the hooks: refused while something blocks release, or when the stock is not there. */
  async function release(
    tx: Db,
    row: Pick<DeclarationRow, EventFields | 'state' | 'lane'>,
    actor: Principal | null,
    reason: string | null,
    at: Date,
    loaded?: DeclarationSnapshot,
  ) {
    const actorRole = actor ? actorOf(actor, row) : 'system';
    transition(row.state, 'RELEASE', row.lane, actorRole, reason);
    const current = loaded ?? (await snapshot(tx, row.id));
    const blocker = await hooks.releaseBlocker(tx, current);
    if (blocker) throw new AppError('INVALID_TRANSITION', `Cannot RELEASE: ${blocker}`, [{ path: '/action', message: blocker }]);
    await hooks.released(tx, current, at);
    await repo.setState(tx, row.id, 'RELEASED', at);
    await record(tx, row, { action: 'RELEASE', from: row.state, to: 'RELEASED', lane: row.lane, actor, reason, at });
  }

  /** A GREEN declaration goes at once, unless duties are unpaid or the stock is not there. */
  async function releaseAutomatically(
    tx: Db,
    row: Pick<DeclarationRow, EventFields>,
    at: Date,
    loaded?: DeclarationSnapshot,
  ) {
    try {
      await release(tx, { ...row, state: 'ASSESSED', lane: 'GREEN' }, null, 'GREEN lane: released without intervention', at, loaded);
    } catch (error) {
      // Refused before anything is written (duties unpaid, or the stock has gone since submission):
      // the declaration waits for payment or for an officer instead.
      if (error instanceof AppError && error.status < 500) return;
      throw error;
    }
  }

  function visible(principal: Principal, row: DeclarationRow | undefined): DeclarationRow {
    const seen =
      row &&
      (canSeeRecord(principal, { enterpriseId: row.enterprise_id, zoneId: row.zone_id }) ||
        (principal.role !== 'enterprise_user' && row.destination_zone_id !== null &&
          canSeeRecord(principal, { enterpriseId: row.enterprise_id, zoneId: row.destination_zone_id })));
    if (!seen) throw notFound('Declaration');
    return row;
  }

  async function record(
    tx: Db,
    row: Pick<DeclarationRow, EventFields>,
    step: { action: DeclarationAction; from: DeclarationState | null; to: DeclarationState; lane: Lane | null; actor: Principal | null; reason: string | null; at: Date },
  ) {
    await repo.recordTransition(tx, {
      declarationId: row.id,
      action: step.action,
      from: step.from,
      to: step.to,
      lane: step.lane,
      actorId: step.actor?.id ?? null,
      actorRole: step.actor?.role ?? 'system',
      reason: step.reason,
      at: step.at,
    });
    await appendEvent(tx, {
      type: `declaration.${step.action.toLowerCase()}`,
      aggregateType: 'declaration',
      aggregateId: row.id,
      zoneId: row.zone_id,
      enterpriseId: row.enterprise_id,
      actorId: step.actor?.id ?? null,
      at: step.at,
      // A transfer concerns its destination too: the live stream lets that zone's staff and enterprise see it.
      payload: {
        reference: row.reference,
        type: row.type,
        from: step.from,
        state: step.to,
        lane: step.lane,
        reason: step.reason,
        destinationZoneId: row.destination_zone_id,
        destinationEnterpriseId: row.destination_enterprise_id,
      },
    });
  }

  /** Assesses a SUBMITTED declaration into a lane, and releases it at once when GREEN and allowed. */
  async function assess(tx: Db, row: Pick<DeclarationRow, EventFields | 'version' | 'submitted_by'>, resolved: ResolvedDeclaration, at: Date) {
    const { administration } = resolved;
    const policy = selectLane(
      administration.selectivity,
      { type: row.type, enterpriseId: row.enterprise_id, aeoStatus: resolved.aeoStatus, totalValue: resolved.totalValue, lines: resolved.lines },
      random,
    );
    const decision = deps.assessor
      ? await deps.assessor(tx, {
          declaration: { id: row.id, type: row.type, enterpriseId: row.enterprise_id, version: row.version, declarantId: row.submitted_by },
          resolved,
          policy,
          at,
        })
      : policy;
    transition('SUBMITTED', 'ASSESS', decision.lane, 'system', null);
    await repo.setAssessment(tx, row.id, decision.lane, decision.score, decision.reasons, at);
    await record(tx, row, { action: 'ASSESS', from: 'SUBMITTED', to: 'ASSESSED', lane: decision.lane, actor: null, reason: decision.reasons.join('; '), at });
    const current = await snapshot(tx, row.id);
    await hooks.assessed(tx, current, at);
    if (decision.lane === 'GREEN' && administration.selectivity.autoReleaseGreen) await releaseAutomatically(tx, row, at, current);
  }

  async function detail(tx: Db, principal: Principal, id: string) {
    const row = visible(principal, await repo.find(tx, id));
    // One after the other: `tx` may be a transaction, whose one connection runs one query at a time.
    const lines = await repo.lines(tx, id);
    const transitions = await repo.transitions(tx, id);
    const targeting = canSeeTargeting(principal);
    const history = transitions.map(presentTransition).map((step) => (targeting || step.action !== 'ASSESS' ? step : { ...step, reason: null }));
    return {
      ...presentSummary(row),
      laneReasons: targeting ? row.lane_reasons : [],
      riskScore: targeting ? row.risk_score : null,
      bookId: row.book_id,
      destination:
        row.destination_zone_id && row.destination_enterprise_id
          ? { zoneId: row.destination_zone_id, enterpriseId: row.destination_enterprise_id, bookId: row.destination_book_id }
          : null,
      originCountry: row.origin_country,
      destinationCountry: row.destination_country,
      transport: row.transport,
      lines: lines.map(presentLine),
      version: row.version,
      submittedBy: row.submitted_by,
      assessedAt: row.assessed_at?.toISOString() ?? null,
      releasedAt: row.released_at?.toISOString() ?? null,
      decidedAt: row.decided_at?.toISOString() ?? null,
      completedAt: row.completed_at?.toISOString() ?? null,
      history,
      allowedActions: allowedActions(row.state, row.lane, actorOf(principal, row)),
    };
  }

  async function lockVisible(tx: Db, principal: Principal, id: string) {
    return visible(principal, await repo.find(tx, id, true));
  }

  return {
    async submit(tx: Db, principal: Principal, input: SubmitDeclaration) {
      const at = clock.now();
      transition(null, 'SUBMIT', null, principal.role, null);
      const resolved = await validateDeclaration(
        { reference, registry },
        tx,
        principal,
        { type: input.type, zoneId: input.zoneId, enterpriseId: input.enterpriseId ?? null },
        input,
        at.toISOString().slice(0, 10),
      );
      const id = uuidv7();
      await runChecks(tx, id, input.type, input.zoneId, resolved);
      const year = at.getUTCFullYear();
      const number = await repo.nextNumber(tx, input.zoneId, year);
      const declarationReference = `${resolved.zoneCode}-${year}-${String(number).padStart(6, '0')}`;
      await repo.insert(tx, {
        id,
        reference: declarationReference,
        type: input.type,
        zoneId: input.zoneId,
        enterpriseId: resolved.enterpriseId,
        bookId: resolved.bookId,
        destinationZoneId: resolved.destination?.zoneId ?? null,
        destinationEnterpriseId: resolved.destination?.enterpriseId ?? null,
        destinationBookId: resolved.destination?.bookId ?? null,
        traderReference: input.traderReference ?? null,
        originCountry: resolved.originCountry,
        destinationCountry: resolved.destinationCountry,
        currency: resolved.currency,
        totalValue: resolved.totalValue,
        totalGrossMass: resolved.totalGrossMass,
        transport: resolved.transport,
        submittedBy: principal.id,
        at,
      });
      await repo.insertLines(tx, id, resolved.currency, resolved.lines);
      const row = {
        id,
        reference: declarationReference,
        type: input.type,
        zone_id: input.zoneId,
        enterprise_id: resolved.enterpriseId,
        destination_zone_id: resolved.destination?.zoneId ?? null,
        destination_enterprise_id: resolved.destination?.enterpriseId ?? null,
        version: 1,
        submitted_by: principal.id,
      };
      await record(tx, row, { action: 'SUBMIT', from: null, to: 'SUBMITTED', lane: null, actor: principal, reason: null, at });
      await assess(tx, row, resolved, at);
      return detail(tx, principal, id);
    },

    /** The declaration as the principal may see it; in the caller's transaction when given one. */
    get(principal: Principal, id: string, tx: Db = db) {
      return detail(tx, principal, id);
    },

    async list(principal: Principal, query: ListQuery) {
      const limit = query.limit ?? 50;
      const before = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''))?.[0] ?? null;
      const rows = await repo.list(db, {
        ...query,
        scopeEnterpriseId: principal.role === 'enterprise_user' ? principal.enterpriseId : null,
        scopeZoneIds: principal.zoneIds,
        beforeId: before,
        limit: limit + 1,
      });
      return toPage(rows, limit, (row) => [row.id], presentSummary);
    },

    async decide(tx: Db, principal: Principal, id: string, decision: Decision) {
      const row = await lockVisible(tx, principal, id);
      const at = clock.now();
      const reason = decision.reason?.trim() || null;
      if (decision.action === 'RELEASE') {
        await release(tx, row, principal, reason, at);
        return detail(tx, principal, id);
      }
      const to = transition(row.state, decision.action, row.lane, actorOf(principal, row), reason);
      if (decision.action === 'COMPLETE') await hooks.completed(tx, await snapshot(tx, id), at, principal);
      if (decision.action === 'REJECT') await hooks.withdrawn(tx, await snapshot(tx, id), at);
      await repo.setState(tx, id, to, at);
      await record(tx, row, { action: decision.action, from: row.state, to, lane: row.lane, actor: principal, reason, at });
      return detail(tx, principal, id);
    },

    async amend(tx: Db, principal: Principal, id: string, amendment: AmendDeclaration) {
      const row = await lockVisible(tx, principal, id);
      const at = clock.now();
      const reason = amendment.reason.trim();
      transition(row.state, 'AMEND', row.lane, actorOf(principal, row), reason);
      const resolved = await validateDeclaration(
        { reference, registry },
        tx,
        principal,
        { type: row.type, zoneId: row.zone_id, enterpriseId: row.enterprise_id },
        amendment.declaration,
        at.toISOString().slice(0, 10),
      );
      await runChecks(tx, id, row.type, row.zone_id, resolved);
      await hooks.withdrawn(tx, await snapshot(tx, id), at);
      // Keep the declaration as it stood, so the history shows what was changed.
      const before = await detail(tx, principal, id);
      const { history: _history, allowedActions: _actions, ...previous } = before;
      await repo.insertVersion(tx, { declarationId: id, version: row.version, snapshot: previous, amendedBy: principal.id, reason, at });
      await repo.updateHeader(
        tx,
        id,
        {
          bookId: resolved.bookId,
          destinationZoneId: resolved.destination?.zoneId ?? null,
          destinationEnterpriseId: resolved.destination?.enterpriseId ?? null,
          destinationBookId: resolved.destination?.bookId ?? null,
          traderReference: amendment.declaration.traderReference ?? null,
          originCountry: resolved.originCountry,
          destinationCountry: resolved.destinationCountry,
          currency: resolved.currency,
          totalValue: resolved.totalValue,
          totalGrossMass: resolved.totalGrossMass,
          transport: resolved.transport,
        },
        at,
      );
      await repo.deleteLines(tx, id);
      await repo.insertLines(tx, id, resolved.currency, resolved.lines);
      await repo.setState(tx, id, 'SUBMITTED', at);
      const amended = {
        ...row,
        version: row.version + 1,
        destination_zone_id: resolved.destination?.zoneId ?? null,
        destination_enterprise_id: resolved.destination?.enterpriseId ?? null,
      };
      await record(tx, amended, { action: 'AMEND', from: row.state, to: 'SUBMITTED', lane: null, actor: principal, reason, at });
      await assess(tx, amended, resolved, at);
      return detail(tx, principal, id);
    },

    async cancel(tx: Db, principal: Principal, id: string, reason: string) {
      const row = await lockVisible(tx, principal, id);
      const at = clock.now();
      const to = transition(row.state, 'CANCEL', row.lane, actorOf(principal, row), reason.trim());
      await hooks.withdrawn(tx, await snapshot(tx, id), at);
      await repo.setState(tx, id, to, at);
      await record(tx, row, { action: 'CANCEL', from: row.state, to, lane: row.lane, actor: principal, reason: reason.trim(), at });
      return detail(tx, principal, id);
    },

    /**
     * All the goods have passed the gate: Cordon completes the declaration and the books post its
     * movements, in the caller's transaction (the gate passage's).
     */
    async completeFromGate(tx: Db, id: string, at: Date, reason: string): Promise<void> {
      const row = await repo.find(tx, id, true);
      if (!row) throw notFound('Declaration');
      const to = transition(row.state, 'COMPLETE', row.lane, 'system', reason);
      await hooks.completed(tx, await snapshot(tx, id), at, null);
      await repo.setState(tx, id, to, at);
      await record(tx, row, { action: 'COMPLETE', from: row.state, to, lane: row.lane, actor: null, reason, at });
    },

    /**
     * Releases a GREEN declaration whose release was held back (duties now paid). Cordon acts
     * itself; nothing happens when the declaration is not waiting for that.
     */
    async releaseIfReady(tx: Db, id: string): Promise<void> {
      const row = await repo.find(tx, id, true);
      if (!row || row.state !== 'ASSESSED' || row.lane !== 'GREEN') return;
      const administration = await registry.getAdministration(tx);
      if (administration.selectivity.autoReleaseGreen) await releaseAutomatically(tx, row, clock.now());
    },

    /**
     * Officers' corrections found at inspection: the declaration keeps its earlier version (like an
     * amendment), takes the corrected lines as its next version and stays under inspection; duties
     * are billed again for the difference (hook `corrected`). Paths name `/corrections/{index}/…`.
     */
    async correct(tx: Db, principal: Principal, id: string, corrections: LineCorrection[], reason: string) {
      const row = await lockVisible(tx, principal, id);
      const at = clock.now();
      if (!['customs_officer', 'admin'].includes(actorOf(principal, row))) throw new AppError('FORBIDDEN', 'Only customs corrects a declaration at inspection');
      if (row.state !== 'UNDER_INSPECTION') {
        throw new AppError('INVALID_TRANSITION', `Corrections are made under inspection; the declaration is ${row.state}`, [
          { path: '/corrections', message: `not while the declaration is ${row.state}` },
        ]);
      }
      const lines = await repo.lines(tx, id);
      const administration = await registry.getAdministration(tx);
      const errors = new FieldErrors();
      const corrected = lines.map((line) => ({ ...line }));
      corrections.forEach((correction, index) => {
        const path = `/corrections/${index}`;
        const line = corrected.find((candidate) => candidate.line_no === correction.lineNo);
        if (!line) return errors.add(`${path}/lineNo`, `the declaration has no line ${correction.lineNo}`);
        if (correction.hsCode !== undefined) {
          const problem = validateHsCode(reference, administration.hsEdition, correction.hsCode);
          if (problem) errors.add(`${path}/hsCode`, problem);
          line.hs_code = correction.hsCode;
          // A national line under the old heading no longer applies; duties resolve the new one.
          if (line.tariff_code && !line.tariff_code.startsWith(correction.hsCode)) line.tariff_code = null;
        }
        if (correction.tariffCode !== undefined) {
          if (!correction.tariffCode.startsWith(line.hs_code)) errors.add(`${path}/tariffCode`, `must begin with the HS code ${line.hs_code}`);
          line.tariff_code = correction.tariffCode;
        }
        if (correction.originCountry !== undefined) {
          const problem = validateCountry(reference, correction.originCountry);
          if (problem) errors.add(`${path}/originCountry`, problem);
          line.origin_country = correction.originCountry;
        }
        if (correction.quantity !== undefined) {
          if (new Decimal(correction.quantity).lte(0)) errors.add(`${path}/quantity`, 'must be greater than zero');
          line.quantity = correction.quantity;
        }
        if (correction.customsValue !== undefined) {
          if (new Decimal(correction.customsValue).decimalPlaces() > 2) errors.add(`${path}/customsValue`, 'has more than 2 decimal places');
          line.customs_value = correction.customsValue;
        }
        for (const [field, column] of [['netMass', 'net_mass'], ['grossMass', 'gross_mass']] as const) {
          const value = correction[field];
          if (value === undefined) continue;
          if (new Decimal(value).decimalPlaces() > 3) errors.add(`${path}/${field}`, 'has more than 3 decimal places');
          line[column] = value;
        }
        if (new Decimal(line.gross_mass).lte(0)) errors.add(`${path}/grossMass`, 'must be greater than zero');
        if (new Decimal(line.net_mass).gt(line.gross_mass)) errors.add(`${path}/netMass`, `must not exceed the gross mass ${line.gross_mass}`);
      });
      errors.throwIfAny('The corrections cannot be applied');

      // Keep the declaration as it stood, so the versions show what the inspection changed.
      const { history: _history, allowedActions: _actions, ...previous } = await detail(tx, principal, id);
      await repo.insertVersion(tx, { declarationId: id, version: row.version, snapshot: previous, amendedBy: principal.id, reason, at });
      await repo.deleteLines(tx, id);
      await repo.insertLines(
        tx,
        id,
        row.currency,
        corrected.map((line) => ({
          itemId: line.item_id,
          partNumber: line.part_number,
          hsCode: line.hs_code,
          description: line.description,
          originCountry: line.origin_country,
          quantity: line.quantity,
          unit: line.unit,
          netMass: line.net_mass,
          grossMass: line.gross_mass,
          customsValue: line.customs_value,
          lotId: line.lot_id,
          tariffCode: line.tariff_code,
          processingRole: line.processing_role,
        })),
      );
      const origins = [...new Set(corrected.map((line) => line.origin_country))];
      await repo.updateTotals(
        tx,
        id,
        {
          totalValue: corrected.reduce((sum, line) => sum.plus(line.customs_value), new Decimal(0)).toFixed(2),
          totalGrossMass: corrected.reduce((sum, line) => sum.plus(line.gross_mass), new Decimal(0)).toFixed(3),
          originCountry: origins.length === 1 ? (origins[0] ?? null) : null,
        },
        at,
      );
      await appendEvent(tx, {
        type: 'declaration.corrected',
        aggregateType: 'declaration',
        aggregateId: id,
        zoneId: row.zone_id,
        enterpriseId: row.enterprise_id,
        actorId: principal.id,
        at,
        payload: { reference: row.reference, type: row.type, from: row.state, state: row.state, lane: row.lane, version: row.version + 1, reason },
      });
      await hooks.corrected?.(tx, await snapshot(tx, id), at);
      return detail(tx, principal, id);
    },

    /**
     * An officer's release at the end of an inspection: done at once, or, while something holds it
     * back (unpaid duties), left under inspection for `releaseCleared`. Answers what it waits for, or null.
     */
    async releaseAfterInspection(tx: Db, principal: Principal, id: string, reason: string): Promise<string | null> {
      const row = await lockVisible(tx, principal, id);
      transition(row.state, 'RELEASE', row.lane, actorOf(principal, row), reason);
      const current = await snapshot(tx, id);
      const blocker = await hooks.releaseBlocker(tx, current);
      if (blocker) return blocker;
      await release(tx, row, principal, reason, clock.now(), current);
      return null;
    },

    /**
     * Cordon releases a declaration an officer cleared at inspection once nothing holds it back any
     * more (its duties paid). False when it is not under inspection or still held (it keeps waiting).
     */
    async releaseCleared(tx: Db, id: string, reason: string): Promise<boolean> {
      const row = await repo.find(tx, id, true);
      if (row?.state !== 'UNDER_INSPECTION') return false;
      try {
        await release(tx, row, null, reason, clock.now());
        return true;
      } catch (error) {
        // Refused before anything is written (another bill unpaid, or the stock has gone): an officer decides.
        if (error instanceof AppError && error.status < 500) return false;
        throw error;
      }
    },

    async versions(principal: Principal, id: string) {
      visible(principal, await repo.find(db, id));
      const rows = await repo.versions(db, id);
      return {
        items: rows.map((row) => ({
          version: row.version,
          reason: row.reason,
          amendedBy: row.amended_by,
          at: row.at.toISOString(),
          snapshot: row.snapshot,
        })),
        nextCursor: null,
      };
    },

  };
}

export type DeclarationService = ReturnType<typeof createDeclarationService>;
