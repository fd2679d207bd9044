// The risk engine: assesses each declaration (analysts' rules, the active model, the enterprise's
// record) into a score, turns the score into a lane at the administration's target rates, records
// the score, the lane and their reasons; keeps the rules, the models and the inspection results the
// models learn from.
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError, forbidden, notFound } from '../platform/errors.ts';
import { canSeeRecord, canSeeTargeting, type Principal } from '../platform/auth/principal.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import type { LaneAssessor } from '../declarations/declaration.service.ts';
import type { Lane } from '../declarations/selectivity.schema.ts';
import { laneOfScore, severer, thresholdsFor, enterprisePoints, type Thresholds } from './allocation.ts';
import { checkConditions, ruleHits, type DeclarationFacts, type RiskRule } from './rules.ts';
import { declarationRows, describeFeature } from './declaration-features.ts';
import { riskRepository as repo, type EnterpriseRecordRow, type ModelRow, type RiskSettingsRow, type RuleRow, type RuleStatsRow } from './risk.repository.ts';
import { transformFeatures } from './model/features.ts';
import { contributions } from './explain.ts';
import { cachedTaxes, type LineTax, type TariffResolver } from './taxes.ts';
import type { RiskModel } from './model/risk-model.ts';
import { loadRiskModel, type StoredRiskModel } from './model-store.ts';
import { trainProductModel, type TrainingReport } from './training.ts';
import type { InspectionResultInput, RiskSettingsInput, RuleInput } from './risk.schemas.ts';

export interface RiskServiceDeps {
  db: Db;
  clock: Clock;
  /** The duties' tariff, for each line's duty rate and kind; without it those features stay unknown. */
  tariff?: TariffResolver;
}

/** Who may read and write what: analysts own the rules and models; officers record inspection results. */
export const RISK_READERS = ['admin', 'risk_analyst', 'customs_officer', 'auditor'] as const;
export const RISK_WRITERS = ['admin', 'risk_analyst'] as const;
export const INSPECTION_RECORDERS = ['admin', 'customs_officer'] as const;

/** Recent assessments the lane thresholds are read from, and how long a reading stays in use. */
const THRESHOLD_WINDOW_DAYS = 90;
const THRESHOLD_SAMPLE = 5000;
const THRESHOLD_MIN_BASIS = 200;
const CACHE_MS = 30_000;
/** Model features named as reasons: those that moved the probability most, by at least a point. */
const DRIVERS = 3;

interface ActiveModel {
  row: ModelRow;
  model: RiskModel;
  /** Model points (100 × probability) on the model's validation rows, to set thresholds before there is traffic. */
  calibration: number[];
}

const dayOf = (at: Date) => at.toISOString().slice(0, 10);
const round2 = (n: number) => Math.round(n * 100) / 100;

function presentRule(row: RuleRow, stats: RuleStatsRow | undefined) {
  const hits = Number(stats?.hits ?? 0);
  const inspected = Number(stats?.inspected ?? 0);
  const found = Number(stats?.found ?? 0);
  return {
    id: row.id,
    name: row.name,
    reason: row.reason,
    conditions: row.conditions,
    weight: row.weight,
    forcedLane: row.forced_lane,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    active: row.active,
    owner: { id: row.owner_id, name: row.owner_name },
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    hits: { declarations: hits, inspected, found, hitRate: inspected > 0 ? round2(found / inspected) : null, lastHitAt: stats?.last_hit_at?.toISOString() ?? null },
  };
}

function ruleOf(row: RuleRow): RiskRule {
  return {
    id: row.id,
    name: row.name,
    reason: row.reason,
    conditions: row.conditions,
    weight: row.weight,
    forcedLane: row.forced_lane,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    active: row.active,
  };
}

/** A share as the settings take it ("0.03", not the column's "0.03000"). */
const shareText = (value: string) => (value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value);

function presentSettings(row: RiskSettingsRow) {
  return {
    redRate: shareText(row.red_rate),
    yellowRate: shareText(row.yellow_rate),
    retrainEveryDays: row.retrain_every_days,
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
  };
}

function presentModel(row: ModelRow) {
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    training: row.training,
    metrics: row.metrics,
    trainedAt: row.trained_at.toISOString(),
    activatedAt: row.activated_at?.toISOString() ?? null,
  };
}

export function createRiskService(deps: RiskServiceDeps) {
  const { db, clock } = deps;
  const taxOf = cachedTaxes(deps.tariff, CACHE_MS);

  let rulesCache: { at: number; rules: RiskRule[]; rates: { red: number; yellow: number } } | null = null;
  // An enterprise's record changes with inspection results (recorded here, which forget it) and
  // flagged discrepancies (which reach other processes' assessments within the cache's lifetime).
  // Never reused for an earlier moment than it was read at: a record must not carry the future.
  const records = new Map<string, { at: number; asOf: number; row: EnterpriseRecordRow }>();
  let modelCache: { at: number; active: ActiveModel | null } | null = null;
  let thresholdCache: { at: number; key: string; thresholds: Thresholds } | null = null;

  function forget() {
    rulesCache = null;
    records.clear();
    modelCache = null;
    thresholdCache = null;
  }

  /** The rules and the lane targets in force, read at most every CACHE_MS (at once after a change here). */
  async function policy(tx: Db): Promise<NonNullable<typeof rulesCache>> {
    if (rulesCache && Date.now() - rulesCache.at < CACHE_MS) return rulesCache;
    const rows = await repo.rules(tx);
    const settings = await repo.settings(tx);
    rulesCache = { at: Date.now(), rules: rows.map(ruleOf), rates: { red: Number(settings.red_rate), yellow: Number(settings.yellow_rate) } };
    return rulesCache;
  }

  async function enterpriseRecord(tx: Db, enterpriseId: string, at: Date): Promise<EnterpriseRecordRow> {
    const cached = records.get(enterpriseId);
    if (cached && Date.now() - cached.at < CACHE_MS && cached.asOf <= at.getTime()) return cached.row;
    const row = await repo.enterpriseRecord(tx, enterpriseId, at);
    records.set(enterpriseId, { at: Date.now(), asOf: at.getTime(), row });
    return row;
  }

  async function activeModel(tx: Db): Promise<ActiveModel | null> {
    if (modelCache && Date.now() - modelCache.at < CACHE_MS) return modelCache.active;
    // Only the record is read every time; the model (megabytes of trees) only when another is active.
    const row = await repo.activeModel(tx);
    let active: ActiveModel | null = null;
    if (row) {
      const sameModel = modelCache?.active?.row.id === row.id ? modelCache.active : null;
      if (sameModel) active = sameModel;
      else {
        const stored = (await repo.storedModel(tx, row.id)) as StoredRiskModel & { calibration?: number[] };
        active = { row, model: loadRiskModel(stored), calibration: stored.calibration ?? [] };
      }
    }
    modelCache = { at: Date.now(), active };
    return active;
  }

  async function thresholds(tx: Db, at: Date, rates: { red: number; yellow: number }, model: ActiveModel | null): Promise<Thresholds> {
    const key = `${rates.red}/${rates.yellow}/${model?.row.id ?? ''}`;
    if (thresholdCache && thresholdCache.key === key && Date.now() - thresholdCache.at < CACHE_MS) return thresholdCache.thresholds;
    // Recent traffic once there is enough of it; until then the model's validation scores; with
    // neither, no score threshold at all (rules, policy and the random draw still choose lanes).
    const recent = await repo.recentScores(tx, at, THRESHOLD_WINDOW_DAYS, THRESHOLD_SAMPLE);
    const basis = recent.length >= THRESHOLD_MIN_BASIS ? recent : (model?.calibration ?? []);
    const computed = thresholdsFor(basis, rates);
    thresholdCache = { at: Date.now(), key, thresholds: computed };
    return computed;
  }

  /** The model's view of each line, and the features that moved the likeliest line's probability most. */
  function modelView(active: ActiveModel, rows: ReturnType<typeof declarationRows>) {
    const matrix = transformFeatures(active.model.features, rows);
    const probabilities = active.model.gbdt.predict(matrix);
    let worst = 0;
    for (let i = 1; i < probabilities.length; i++) if ((probabilities[i] as number) > (probabilities[worst] as number)) worst = i;
    // Each feature of that line forgotten in turn (missing, as if unknown): how far the probability falls or rises.
    const width = matrix.featureNames.length;
    const base = probabilities[worst] as number;
    const logOdds = Math.log(base / (1 - base));
    const effects = contributions(active.model.gbdt.model, matrix.values.subarray(worst * width, (worst + 1) * width), matrix.featureNames);
    const drivers = active.model.gbdt.model.featureNames
      .map((feature, f) => ({ feature, words: describeFeature(feature), effect: round2(100 * (base - 1 / (1 + Math.exp(-(logOdds - (effects[f] as number)))))) }))
      .filter((d) => Math.abs(d.effect) >= 1)
      .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect))
      .slice(0, DRIVERS);
    const deviationColumn = matrix.featureNames.indexOf('valuePerKg:deviation|hs6×originCountry');
    const deviations = rows.map((_, i) => {
      const value = deviationColumn < 0 ? Number.NaN : (matrix.values[i * width + deviationColumn] as number);
      return Number.isFinite(value) ? value : null;
    });
    return { probabilities, worst: base, drivers, deviations };
  }

  /** Assesses a declaration at submission or after an amendment: the lane assessor of the declaration service. */
  const assessor: LaneAssessor = async (tx, request) => {
    const { declaration, resolved, policy: administration, at } = request;
    // One after the other: a transaction is one connection, which runs one query at a time.
    const { rules: allRules, rates } = await policy(tx);
    const active = await activeModel(tx);
    const enterpriseRow = await enterpriseRecord(tx, declaration.enterpriseId, at);
    const record = {
      aeoStatus: resolved.aeoStatus,
      enterpriseAgeDays: Math.max(0, Math.floor((at.getTime() - enterpriseRow.created_at.getTime()) / 86_400_000)),
      priorInspections: Number(enterpriseRow.prior_inspections),
      priorFindings: Number(enterpriseRow.prior_findings),
      bookDiscrepancies: Number(enterpriseRow.book_discrepancies),
      gateMismatches: Number(enterpriseRow.gate_mismatches),
      trackingAlerts: Number(enterpriseRow.tracking_alerts),
    };
    // One line after another: the first use of a new database loads the tariff in this transaction.
    const taxes: LineTax[] = [];
    for (const line of resolved.lines) taxes.push(await taxOf(tx, line.hsCode, line.tariffCode));
    const rows = declarationRows({
      at,
      type: declaration.type,
      zoneCode: resolved.zoneCode,
      transportMode: resolved.transport.mode,
      declarantId: declaration.declarantId,
      enterpriseId: declaration.enterpriseId,
      carrier: resolved.transport.vesselOrFlight ?? null,
      departureCountry: resolved.transport.portOfLoading?.slice(0, 2) ?? null,
      ...record,
      lines: resolved.lines.map((line, i) => ({
        hsCode: line.hsCode,
        originCountry: line.originCountry,
        netMass: Number(line.netMass),
        customsValue: Number(line.customsValue),
        taxRate: taxes[i]?.rate ?? null,
        taxType: taxes[i]?.type ?? null,
      })),
    });
    const view = active ? modelView(active, rows) : null;

    const declarationFacts: DeclarationFacts = {
      type: declaration.type,
      zone: resolved.zoneCode,
      transportMode: resolved.transport.mode,
      enterpriseId: declaration.enterpriseId,
      departureCountry: resolved.transport.portOfLoading?.slice(0, 2) ?? null,
      totalValue: Number(resolved.totalValue),
      ...record,
      lines: resolved.lines.map((line, i) => {
        const netMass = Number(line.netMass);
        const customsValue = Number(line.customsValue);
        return {
          hsCode: line.hsCode,
          originCountry: line.originCountry,
          netMass,
          customsValue,
          valuePerKg: netMass > 0 ? customsValue / netMass : null,
          valuePerKgDeviation: view?.deviations[i] ?? null,
          taxRate: taxes[i]?.rate ?? null,
          modelProbability: view ? (view.probabilities[i] as number) : null,
        };
      }),
    };

    const reasons: string[] = [];
    const hit = allRules.filter((rule) => ruleHits(rule, declarationFacts, dayOf(at)));
    let rulePoints = 0;
    let forced: Lane = 'GREEN';
    for (const rule of hit) {
      if (rule.forcedLane) {
        forced = severer(forced, rule.forcedLane);
        reasons.push(`Rule “${rule.name}”: ${rule.reason} (forces ${rule.forcedLane})`);
      } else {
        rulePoints += rule.weight ?? 0;
        reasons.push(`Rule “${rule.name}”: ${rule.reason} (${(rule.weight ?? 0) >= 0 ? '+' : ''}${rule.weight})`);
      }
    }
    const modelPoints = view ? round2(100 * view.worst) : 0;
    if (view && active) {
      reasons.push(`Model v${active.row.version}: ${modelPoints.toFixed(0)} % likelihood of a finding (+${modelPoints.toFixed(0)})`);
      for (const driver of view.drivers) {
        reasons.push(`${driver.effect > 0 ? 'Raised' : 'Lowered'} by ${driver.words} (${driver.effect > 0 ? '+' : ''}${driver.effect.toFixed(0)})`);
      }
    }
    const enterprise = enterprisePoints(record);
    reasons.push(...enterprise.reasons);
    const score = round2(modelPoints + rulePoints + enterprise.points);

    const limits = await thresholds(tx, at, rates, active);
    const scoreLane = laneOfScore(score, limits);
    if (scoreLane !== 'GREEN') {
      const threshold = scoreLane === 'RED' ? limits.red : limits.yellow;
      const share = scoreLane === 'RED' ? rates.red : rates.red + rates.yellow;
      reasons.push(`Score ${score.toFixed(0)} is in the riskiest ${(share * 100).toFixed(0)} % (${scoreLane} from ${threshold.toFixed(1)})`);
    }
    const policyReasons = administration.random || administration.lane !== 'GREEN' ? administration.reasons : [];
    const lane = severer(severer(administration.lane, forced), scoreLane);
    const allReasons = [...policyReasons, ...reasons];
    if (lane === 'GREEN') allReasons.push(`Score ${score.toFixed(0)} is below the YELLOW threshold (${Number.isFinite(limits.yellow) ? limits.yellow.toFixed(1) : 'none yet'})`);

    await repo.insertAssessment(tx, {
      declarationId: declaration.id,
      declarationVersion: declaration.version,
      modelId: active?.row.id ?? null,
      modelProbability: view ? view.worst : null,
      modelPoints,
      rulePoints,
      enterprisePoints: enterprise.points,
      score,
      lane,
      randomSelected: administration.random,
      reasons: allReasons,
      drivers: view?.drivers ?? [],
      ruleIds: hit.map((rule) => rule.id),
      at,
    });
    return { lane, score: Math.max(0, Math.min(score, 99999)), reasons: allReasons, random: administration.random };
  };

  async function visibleDeclaration(tx: Db, principal: Principal, id: string) {
    const [row] = await tx.query<{ id: string; enterprise_id: string; zone_id: string; state: string; lane: Lane | null }>(
      'SELECT id, enterprise_id, zone_id, state, lane FROM declarations WHERE id = $1',
      [id],
    );
    if (!row || !canSeeRecord(principal, { enterpriseId: row.enterprise_id, zoneId: row.zone_id })) throw notFound('Declaration');
    return row;
  }

  async function train(by: Principal | null): Promise<ReturnType<typeof presentModel>> {
    const at = clock.now();
    const report: TrainingReport = await trainProductModel(db, taxOf);
    const id = uuidv7();
    await db.transaction(async (tx) => {
      await repo.insertModel(tx, {
        id,
        training: report.training,
        metrics: report.metrics,
        model: { ...report.stored, calibration: report.calibration },
        by: by?.id ?? null,
        at,
      });
      await appendEvent(tx, { type: 'risk-model.trained', aggregateType: 'risk-model', aggregateId: id, actorId: by?.id ?? null, payload: { metrics: report.metrics }, at });
    });
    return presentModel((await repo.model(db, id)) as ModelRow);
  }

  return {
    assessor,
    forget,

    async getSettings() {
      const row = await repo.settings(db);
      return presentSettings(row);
    },

    async updateSettings(tx: Db, principal: Principal, input: RiskSettingsInput) {
      if (principal.role !== 'admin') throw forbidden('Only an administrator sets the lane targets');
      if (Number(input.redRate) + Number(input.yellowRate) > 1) {
        throw new AppError('VALIDATION_FAILED', 'The lane targets cannot take more than every declaration', [
          { path: '/yellowRate', message: 'redRate + yellowRate must be at most 1' },
        ]);
      }
      await repo.settings(tx, true);
      await repo.updateSettings(tx, input, principal.kind === 'user' ? principal.id : null, clock.now());
      forget();
      const row = await repo.settings(tx);
      return presentSettings(row);
    },

    async listRules() {
      const [rows, stats] = await Promise.all([repo.rules(db), repo.ruleStats(db)]);
      const byRule = new Map(stats.map((s) => [s.rule_id, s]));
      return { items: rows.map((row) => presentRule(row, byRule.get(row.id))) };
    },

    async getRule(id: string) {
      const row = await repo.rule(db, id);
      if (!row) throw notFound('Rule');
      const [stats] = await repo.ruleStats(db, id);
      const recent = await repo.recentHits(db, id, 20);
      return {
        ...presentRule(row, stats),
        recentHits: recent.map((h) => ({ declarationId: h.declaration_id, reference: h.reference, lane: h.lane, at: h.at.toISOString(), outcome: h.outcome })),
      };
    },

    async createRule(tx: Db, principal: Principal, input: RuleInput) {
      checkRule(input);
      if (await repo.ruleNamed(tx, input.name)) throw new AppError('CONFLICT', 'A rule of that name exists', [{ path: '/name', message: 'must be unique' }]);
      const id = uuidv7();
      await repo.insertRule(tx, { ...ruleFields(input), id, ownerId: principal.id, at: clock.now() });
      forget();
      return presentRule((await repo.rule(tx, id)) as RuleRow, undefined);
    },

    async updateRule(tx: Db, id: string, input: RuleInput) {
      const current = await repo.rule(tx, id, true);
      if (!current) throw notFound('Rule');
      checkRule(input);
      const named = await repo.ruleNamed(tx, input.name);
      if (named && named.id !== id) throw new AppError('CONFLICT', 'A rule of that name exists', [{ path: '/name', message: 'must be unique' }]);
      await repo.updateRule(tx, id, ruleFields(input), clock.now());
      forget();
      const [stats] = await repo.ruleStats(tx, id);
      return presentRule((await repo.rule(tx, id)) as RuleRow, stats);
    },

    async listModels() {
      return { items: (await repo.models(db)).map(presentModel) };
    },

    async getModel(id: string) {
      const row = await repo.model(db, id);
      if (!row) throw notFound('Model');
      return presentModel(row);
    },

    train,

    async activate(tx: Db, principal: Principal | null, id: string) {
      const row = await repo.model(tx, id);
      if (!row) throw notFound('Model');
      await repo.activate(tx, id, principal?.id ?? null, clock.now());
      await appendEvent(tx, { type: 'risk-model.activated', aggregateType: 'risk-model', aggregateId: id, actorId: principal?.id ?? null, payload: { version: row.version }, at: clock.now() });
      forget();
      return presentModel((await repo.model(tx, id)) as ModelRow);
    },

    /** Trains and activates a new model when the schedule says so and new inspection results have come in. */
    async retrainIfDue(): Promise<boolean> {
      const settings = await repo.settings(db);
      if (settings.retrain_every_days === null) return false;
      const latest = (await repo.models(db))[0];
      const now = clock.now();
      if (latest && now.getTime() - latest.trained_at.getTime() < settings.retrain_every_days * 86_400_000) return false;
      if (latest && (await repo.countLabels(db, latest.trained_at)) === 0) return false;
      const model = await train(null);
      await db.transaction((tx) => this.activate(tx, null, model.id));
      return true;
    },

    /** Per week: what inspections of each lane found, and how well the model's probabilities ranked them. */
    async quality(weeks: number) {
      const since = new Date(clock.now().getTime() - weeks * 7 * 86_400_000);
      const outcomes = await repo.outcomes(db, since);
      const byWeek = new Map<string, typeof outcomes>();
      for (const o of outcomes) byWeek.set(o.week, [...(byWeek.get(o.week) ?? []), o]);
      const models = (await repo.models(db)).map((m) => ({ version: m.version, trainedAt: m.trained_at.toISOString(), status: m.status, metrics: m.metrics }));
      return {
        weeks: [...byWeek.entries()].map(([week, rows]) => {
          const share = (filter: (r: (typeof rows)[number]) => boolean) => {
            const selected = rows.filter(filter);
            return { inspected: selected.length, found: selected.filter((r) => r.found).length, hitRate: selected.length ? round2(selected.filter((r) => r.found).length / selected.length) : null };
          };
          return { week, targeted: share((r) => r.lane !== 'GREEN' && !r.random_selected), random: share((r) => r.random_selected), all: share(() => true) };
        }),
        models: models.reverse(),
      };
    },

    async declarationRisk(principal: Principal, id: string) {
      if (!canSeeTargeting(principal)) throw forbidden('Your role does not read targeting');
      await visibleDeclaration(db, principal, id);
      const [assessments, result] = await Promise.all([repo.assessments(db, id), repo.inspectionResult(db, id)]);
      return {
        assessments: assessments.map((a) => ({
          id: a.id,
          declarationVersion: a.declaration_version,
          model: a.model_id ? { id: a.model_id, version: a.model_version } : null,
          modelProbability: a.model_probability,
          points: { model: a.model_points, rules: a.rule_points, enterprise: a.enterprise_points },
          score: a.score,
          lane: a.lane,
          randomSelected: a.random_selected,
          reasons: a.reasons,
          drivers: a.drivers,
          at: a.at.toISOString(),
        })),
        inspectionResult: result
          ? { outcome: result.outcome, findings: result.findings, recordedBy: result.recorded_by, recordedAt: result.recorded_at.toISOString() }
          : null,
      };
    },

    async recordInspectionResult(tx: Db, principal: Principal, id: string, input: InspectionResultInput) {
      const declaration = await visibleDeclaration(tx, principal, id);
      if (!['UNDER_INSPECTION', 'RELEASED', 'REJECTED', 'COMPLETED'].includes(declaration.state)) {
        throw new AppError('INVALID_TRANSITION', `An inspection result is recorded once the goods were inspected; the declaration is ${declaration.state}`, [
          { path: '/outcome', message: `not while the declaration is ${declaration.state}` },
        ]);
      }
      if (await repo.inspectionResult(tx, id)) throw new AppError('CONFLICT', 'The inspection result of this declaration is recorded already', [{ path: '/outcome', message: 'recorded already' }]);
      const at = clock.now();
      await repo.insertInspectionResult(tx, { declarationId: id, outcome: input.outcome, findings: input.findings ?? null, recordedBy: principal.id, at });
      records.delete(declaration.enterprise_id);
      await appendEvent(tx, {
        type: 'inspection.result_recorded',
        aggregateType: 'declaration',
        aggregateId: id,
        zoneId: declaration.zone_id,
        enterpriseId: declaration.enterprise_id,
        actorId: principal.id,
        payload: { outcome: input.outcome },
        at,
      });
      const result = (await repo.inspectionResult(tx, id)) as NonNullable<Awaited<ReturnType<typeof repo.inspectionResult>>>;
      return { outcome: result.outcome, findings: result.findings, recordedBy: result.recorded_by, recordedAt: result.recorded_at.toISOString() };
    },
  };
}

function checkRule(input: RuleInput): void {
  const problems = checkConditions(input.conditions);
  if ((input.weight === undefined) === (input.forcedLane === undefined)) problems.push({ path: '/weight', message: 'give either a weight or a forced lane, not both' });
  if (input.validTo !== undefined && input.validTo < input.validFrom) problems.push({ path: '/validTo', message: 'must not be before validFrom' });
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', 'The rule cannot be saved as it stands', problems);
}

function ruleFields(input: RuleInput) {
  return {
    name: input.name.trim(),
    reason: input.reason.trim(),
    conditions: input.conditions,
    weight: input.weight ?? null,
    forcedLane: input.forcedLane ?? null,
    validFrom: input.validFrom,
    validTo: input.validTo ?? null,
    active: input.active ?? true,
  };
}

export type RiskService = ReturnType<typeof createRiskService>;
