// The risk engine's SQL: settings, rules and their hits, models, assessments, inspection results,
// and the facts an assessment reads about a declaration and its enterprise.
import type { Db } from '../platform/db/db.ts';
import type { Lane } from '../declarations/selectivity.schema.ts';
import type { RuleCondition } from './rules.ts';

export type RiskSettingsRow = {
  red_rate: string;
  yellow_rate: string;
  retrain_every_days: number | null;
  version: number;
  updated_at: Date;
};

export type RuleRow = {
  id: string;
  name: string;
  reason: string;
  conditions: RuleCondition[];
  weight: number | null;
  forced_lane: Lane | null;
  valid_from: string;
  valid_to: string | null;
  active: boolean;
  owner_id: string;
  owner_name: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
};

export type RuleStatsRow = {
  rule_id: string;
  hits: string;
  inspected: string;
  found: string;
  last_hit_at: Date | null;
};

export type ModelRow = {
  id: string;
  version: number;
  status: 'TRAINED' | 'ACTIVE' | 'RETIRED';
  training: Record<string, unknown>;
  metrics: Record<string, unknown>;
  trained_at: Date;
  trained_by: string | null;
  activated_at: Date | null;
};

export type AssessmentRow = {
  id: string;
  declaration_id: string;
  declaration_version: number;
  model_id: string | null;
  model_version: number | null;
  model_probability: string | null;
  model_points: string;
  rule_points: string;
  enterprise_points: string;
  score: string;
  lane: Lane;
  random_selected: boolean;
  reasons: string[];
  drivers: Array<{ feature: string; words: string; effect: number }>;
  at: Date;
};

export type InspectionResultRow = {
  declaration_id: string;
  outcome: 'NOTHING_FOUND' | 'FOUND' | 'CRITICAL';
  findings: string | null;
  recorded_by: string;
  recorded_at: Date;
};

/** What an assessment reads of an enterprise's record, as it stands at `at`. */
export type EnterpriseRecordRow = {
  created_at: Date;
  prior_inspections: string;
  prior_findings: string;
  book_discrepancies: string;
  gate_mismatches: string;
  tracking_alerts: string;
};

/** A labelled declaration line for training. */
export type LabelledLineRow = {
  declaration_id: string;
  submitted_at: Date;
  type: string;
  zone_code: string;
  transport: { mode: string; vesselOrFlight?: string; portOfLoading?: string };
  submitted_by: string;
  enterprise_id: string;
  aeo_status: string;
  enterprise_created_at: Date;
  hs_code: string;
  tariff_code: string | null;
  origin_country: string;
  net_mass: string;
  customs_value: string;
  outcome: InspectionResultRow['outcome'];
  recorded_at: Date;
};

const RULE_COLUMNS = `r.id, r.name, r.reason, r.conditions, r.weight, r.forced_lane, r.valid_from::text AS valid_from, r.valid_to::text AS valid_to,
  r.active, r.owner_id, u.display_name AS owner_name, r.version, r.created_at, r.updated_at`;

export const riskRepository = {
  async settings(db: Db, forUpdate = false): Promise<RiskSettingsRow> {
    const [row] = await db.query<RiskSettingsRow>(
      `SELECT red_rate::text, yellow_rate::text, retrain_every_days, version, updated_at FROM risk_settings WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`,
    );
    if (!row) throw new Error('risk_settings is empty; run the migrations');
    return row;
  },

  async updateSettings(db: Db, input: { redRate: string; yellowRate: string; retrainEveryDays: number | null }, by: string | null, at: Date): Promise<void> {
    await db.query(
      `UPDATE risk_settings SET red_rate = $1, yellow_rate = $2, retrain_every_days = $3, version = version + 1, updated_at = $4, updated_by = $5 WHERE id = 1`,
      [input.redRate, input.yellowRate, input.retrainEveryDays, at, by],
    );
  },

  async rules(db: Db): Promise<RuleRow[]> {
    return db.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM risk_rules r LEFT JOIN users u ON u.id = r.owner_id ORDER BY lower(r.name)`);
  },

  async rule(db: Db, id: string, forUpdate = false): Promise<RuleRow | null> {
    const [row] = await db.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM risk_rules r LEFT JOIN users u ON u.id = r.owner_id WHERE r.id = $1${forUpdate ? ' FOR UPDATE OF r' : ''}`,
      [id],
    );
    return row ?? null;
  },

  async ruleNamed(db: Db, name: string): Promise<{ id: string } | null> {
    const [row] = await db.query<{ id: string }>('SELECT id FROM risk_rules WHERE lower(name) = lower($1)', [name]);
    return row ?? null;
  },

  async insertRule(
    db: Db,
    r: { id: string; name: string; reason: string; conditions: RuleCondition[]; weight: number | null; forcedLane: Lane | null; validFrom: string; validTo: string | null; active: boolean; ownerId: string; at: Date },
  ): Promise<void> {
    await db.query(
      `INSERT INTO risk_rules (id, name, reason, conditions, weight, forced_lane, valid_from, valid_to, active, owner_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $11)`,
      [r.id, r.name, r.reason, JSON.stringify(r.conditions), r.weight, r.forcedLane, r.validFrom, r.validTo, r.active, r.ownerId, r.at],
    );
  },

  async updateRule(
    db: Db,
    id: string,
    r: { name: string; reason: string; conditions: RuleCondition[]; weight: number | null; forcedLane: Lane | null; validFrom: string; validTo: string | null; active: boolean },
    at: Date,
  ): Promise<void> {
    await db.query(
      `UPDATE risk_rules SET name = $2, reason = $3, conditions = $4::jsonb, weight = $5, forced_lane = $6, valid_from = $7, valid_to = $8, active = $9,
         version = version + 1, updated_at = $10 WHERE id = $1`,
      [id, r.name, r.reason, JSON.stringify(r.conditions), r.weight, r.forcedLane, r.validFrom, r.validTo, r.active, at],
    );
  },

  /** Per rule: declarations hit, how many of them were inspected, and how many inspections found something. */
  async ruleStats(db: Db, ruleId?: string): Promise<RuleStatsRow[]> {
    return db.query<RuleStatsRow>(
      `SELECT h.rule_id, count(DISTINCT h.declaration_id)::text AS hits,
              count(DISTINCT i.declaration_id)::text AS inspected,
              count(DISTINCT i.declaration_id) FILTER (WHERE i.outcome <> 'NOTHING_FOUND')::text AS found,
              max(h.at) AS last_hit_at
       FROM risk_rule_hits h LEFT JOIN inspection_results i ON i.declaration_id = h.declaration_id
       ${ruleId ? 'WHERE h.rule_id = $1' : ''}
       GROUP BY h.rule_id`,
      ruleId ? [ruleId] : [],
    );
  },

  async recentHits(db: Db, ruleId: string, limit: number) {
    return db.query<{ declaration_id: string; reference: string; lane: Lane; at: Date; outcome: string | null }>(
      `SELECT h.declaration_id, d.reference, a.lane, h.at, i.outcome
       FROM risk_rule_hits h JOIN declarations d ON d.id = h.declaration_id JOIN risk_assessments a ON a.id = h.assessment_id
       LEFT JOIN inspection_results i ON i.declaration_id = h.declaration_id
       WHERE h.rule_id = $1 ORDER BY h.at DESC, h.assessment_id DESC LIMIT $2`,
      [ruleId, limit],
    );
  },

  async enterpriseRecord(db: Db, enterpriseId: string, at: Date): Promise<EnterpriseRecordRow> {
    const [row] = await db.query<EnterpriseRecordRow>(
      `SELECT e.created_at,
              (SELECT count(*) FROM inspection_results i JOIN declarations p ON p.id = i.declaration_id
                 WHERE p.enterprise_id = e.id AND i.recorded_at < $2)::text AS prior_inspections,
              (SELECT count(*) FROM inspection_results i JOIN declarations p ON p.id = i.declaration_id
                 WHERE p.enterprise_id = e.id AND i.recorded_at < $2 AND i.outcome <> 'NOTHING_FOUND')::text AS prior_findings,
              (SELECT count(*) FROM outbox o WHERE o.event_type = 'book.discrepancy' AND o.enterprise_id = e.id
                 AND o.occurred_at >= $2::timestamptz - interval '365 days' AND o.occurred_at < $2)::text AS book_discrepancies,
              (SELECT count(*) FROM alerts a WHERE a.enterprise_id = e.id AND a.kind = 'GATE_HOLD'
                 AND a.raised_at >= $2::timestamptz - interval '365 days' AND a.raised_at < $2
                 AND a.details->'reasons' ?| ARRAY['PLATE_MISMATCH', 'CONTAINER_MISMATCH', 'SEAL_MISMATCH', 'WEIGHT_OUT_OF_TOLERANCE'])::text AS gate_mismatches,
              (SELECT count(*) FROM alerts a WHERE a.enterprise_id = e.id AND a.subject_type = 'trip'
                 AND a.kind IN ('SEAL_OPENED_OUTSIDE_GATE', 'SEAL_TAMPERED', 'ROUTE_DEVIATION', 'OVERDUE_ARRIVAL', 'UNAUTHORISED_STOP', 'SIGNAL_LOST', 'WRONG_GATE_ARRIVAL')
                 AND a.raised_at >= $2::timestamptz - interval '365 days' AND a.raised_at < $2)::text AS tracking_alerts
       FROM enterprises e WHERE e.id = $1`,
      [enterpriseId, at],
    );
    if (!row) throw new Error(`enterprise ${enterpriseId} vanished during an assessment`);
    return row;
  },

  /** Scores of the latest assessments within `days` before `at`, newest first. */
  async recentScores(db: Db, at: Date, days: number, limit: number): Promise<number[]> {
    const rows = await db.query<{ score: string }>(
      `SELECT score::text FROM risk_assessments WHERE at >= $1::timestamptz - make_interval(days => $2) AND at <= $1 ORDER BY at DESC LIMIT $3`,
      [at, days, limit],
    );
    return rows.map((row) => Number(row.score));
  },

  /** The assessment and the hits of its rules, in one statement: it sits on every submission's path. */
  async insertAssessment(
    db: Db,
    a: {
      declarationId: string;
      declarationVersion: number;
      modelId: string | null;
      modelProbability: number | null;
      modelPoints: number;
      rulePoints: number;
      enterprisePoints: number;
      score: number;
      lane: Lane;
      randomSelected: boolean;
      reasons: string[];
      drivers: unknown;
      ruleIds: string[];
      at: Date;
    },
  ): Promise<void> {
    await db.query(
      `WITH assessment AS (
         INSERT INTO risk_assessments (declaration_id, declaration_version, model_id, model_probability, model_points, rule_points, enterprise_points,
           score, lane, random_selected, reasons, drivers, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13) RETURNING id)
       INSERT INTO risk_rule_hits (rule_id, assessment_id, declaration_id, at)
       SELECT rule_id, assessment.id, $1, $13 FROM assessment, unnest($14::uuid[]) AS rule_id`,
      [
        a.declarationId,
        a.declarationVersion,
        a.modelId,
        a.modelProbability === null ? null : a.modelProbability.toFixed(6),
        a.modelPoints.toFixed(2),
        a.rulePoints.toFixed(2),
        a.enterprisePoints.toFixed(2),
        a.score.toFixed(2),
        a.lane,
        a.randomSelected,
        JSON.stringify(a.reasons),
        JSON.stringify(a.drivers),
        a.at,
        a.ruleIds,
      ],
    );
  },

  async assessments(db: Db, declarationId: string): Promise<AssessmentRow[]> {
    return db.query<AssessmentRow>(
      `SELECT a.id::text, a.declaration_id, a.declaration_version, a.model_id, m.version AS model_version, a.model_probability::text,
              a.model_points::text, a.rule_points::text, a.enterprise_points::text, a.score::text, a.lane, a.random_selected, a.reasons, a.drivers, a.at
       FROM risk_assessments a LEFT JOIN risk_models m ON m.id = a.model_id WHERE a.declaration_id = $1 ORDER BY a.id`,
      [declarationId],
    );
  },

  async inspectionResult(db: Db, declarationId: string): Promise<InspectionResultRow | null> {
    const [row] = await db.query<InspectionResultRow>('SELECT * FROM inspection_results WHERE declaration_id = $1', [declarationId]);
    return row ?? null;
  },

  async insertInspectionResult(db: Db, r: { declarationId: string; outcome: InspectionResultRow['outcome']; findings: string | null; recordedBy: string; at: Date }) {
    await db.query(
      `INSERT INTO inspection_results (declaration_id, outcome, findings, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)`,
      [r.declarationId, r.outcome, r.findings, r.recordedBy, r.at],
    );
  },

  async labelledLines(db: Db): Promise<LabelledLineRow[]> {
    return db.query<LabelledLineRow>(
      `SELECT d.id AS declaration_id, d.submitted_at, d.type, z.code AS zone_code, d.transport, d.submitted_by, d.enterprise_id,
              e.aeo_status, e.created_at AS enterprise_created_at, l.hs_code, l.tariff_code, l.origin_country, l.net_mass::text, l.customs_value::text, i.outcome, i.recorded_at
       FROM inspection_results i JOIN declarations d ON d.id = i.declaration_id JOIN zones z ON z.id = d.zone_id
       JOIN enterprises e ON e.id = d.enterprise_id JOIN declaration_lines l ON l.declaration_id = d.id
       ORDER BY d.submitted_at, d.id, l.line_no`,
    );
  },

  /** Inspection results recorded after `after` (all when null). */
  async countLabels(db: Db, after: Date | null): Promise<number> {
    const [row] = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM inspection_results WHERE $1::timestamptz IS NULL OR recorded_at > $1', [after]);
    return Number(row?.n ?? 0);
  },

  async discrepancyTimes(db: Db): Promise<{ enterprise_id: string; occurred_at: Date }[]> {
    return db.query<{ enterprise_id: string; occurred_at: Date }>(
      `SELECT enterprise_id, occurred_at FROM outbox WHERE event_type = 'book.discrepancy' AND enterprise_id IS NOT NULL ORDER BY occurred_at`,
    );
  },

  async models(db: Db): Promise<ModelRow[]> {
    return db.query<ModelRow>(
      'SELECT id, version, status, training, metrics, trained_at, trained_by, activated_at FROM risk_models ORDER BY version DESC',
    );
  },

  async model(db: Db, id: string): Promise<ModelRow | null> {
    const [row] = await db.query<ModelRow>(
      'SELECT id, version, status, training, metrics, trained_at, trained_by, activated_at FROM risk_models WHERE id = $1',
      [id],
    );
    return row ?? null;
  },

  /** The active model's record, without the (large) model itself. */
  async activeModel(db: Db): Promise<ModelRow | null> {
    const [row] = await db.query<ModelRow>(
      `SELECT id, version, status, training, metrics, trained_at, trained_by, activated_at FROM risk_models WHERE status = 'ACTIVE'`,
    );
    return row ?? null;
  },

  async storedModel(db: Db, id: string): Promise<unknown> {
    const [row] = await db.query<{ model: unknown }>('SELECT model FROM risk_models WHERE id = $1', [id]);
    return row?.model ?? null;
  },

  async insertModel(db: Db, m: { id: string; training: unknown; metrics: unknown; model: unknown; by: string | null; at: Date }): Promise<number> {
    const [row] = await db.query<{ version: number }>(
      `INSERT INTO risk_models (id, version, status, training, metrics, model, trained_at, trained_by)
       VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM risk_models), 'TRAINED', $2::jsonb, $3::jsonb, $4::jsonb, $5, $6) RETURNING version`,
      [m.id, JSON.stringify(m.training), JSON.stringify(m.metrics), JSON.stringify(m.model), m.at, m.by],
    );
    return (row as { version: number }).version;
  },

  async activate(db: Db, id: string, by: string | null, at: Date): Promise<void> {
    await db.query(`UPDATE risk_models SET status = 'RETIRED' WHERE status = 'ACTIVE' AND id <> $1`, [id]);
    await db.query(`UPDATE risk_models SET status = 'ACTIVE', activated_at = $2, activated_by = $3 WHERE id = $1`, [id, at, by]);
  },

  /** Per ISO week: assessments with an inspection result, by lane, with what was found and the model's probabilities. */
  async outcomes(db: Db, since: Date) {
    return db.query<{ week: string; lane: Lane; random_selected: boolean; model_probability: string | null; found: boolean }>(
      `SELECT to_char(date_trunc('week', a.at), 'YYYY-MM-DD') AS week, a.lane, a.random_selected, a.model_probability::text,
              i.outcome <> 'NOTHING_FOUND' AS found
       FROM inspection_results i
       JOIN LATERAL (SELECT * FROM risk_assessments x WHERE x.declaration_id = i.declaration_id ORDER BY x.id DESC LIMIT 1) a ON true
       WHERE a.at >= $1 ORDER BY a.at`,
      [since],
    );
  },
};
