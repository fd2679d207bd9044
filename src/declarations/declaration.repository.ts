// SQL for declarations, their lines, transitions and amended versions.
import type { Db } from '../platform/db/db.ts';
import { recordLeaves } from '../proof/leaves.ts';
import type { Transport } from './declaration.schemas.ts';
import type { ProcessingRole } from './declaration.hooks.ts';
import type { DeclarationAction, DeclarationState } from './lifecycle.ts';
import type { DeclarationType, Lane } from './selectivity.schema.ts';

export interface DeclarationRow extends Record<string, unknown> {
  id: string;
  reference: string;
  type: DeclarationType;
  state: DeclarationState;
  lane: Lane | null;
  lane_reasons: string[];
  risk_score: string | null;
  zone_id: string;
  enterprise_id: string;
  enterprise_name: string;
  book_id: string | null;
  destination_zone_id: string | null;
  destination_enterprise_id: string | null;
  destination_book_id: string | null;
  trader_reference: string | null;
  origin_country: string | null;
  destination_country: string | null;
  currency: string;
  total_value: string;
  total_gross_mass: string;
  transport: Transport;
  line_count: number;
  version: number;
  submitted_by: string;
  submitted_at: Date;
  assessed_at: Date | null;
  released_at: Date | null;
  decided_at: Date | null;
  completed_at: Date | null;
  updated_at: Date;
}

export interface LineRow extends Record<string, unknown> {
  line_no: number;
  item_id: string | null;
  part_number: string | null;
  hs_code: string;
  description: string;
  origin_country: string;
  quantity: string;
  unit: string;
  net_mass: string;
  gross_mass: string;
  customs_value: string;
  currency: string;
  lot_id: string | null;
  tariff_code: string | null;
  processing_role: ProcessingRole | null;
}

export interface TransitionRow extends Record<string, unknown> {
  action: DeclarationAction;
  from_state: DeclarationState | null;
  to_state: DeclarationState;
  lane: Lane | null;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string;
  reason: string | null;
  at: Date;
}

export interface NewDeclaration {
  id: string;
  reference: string;
  type: DeclarationType;
  zoneId: string;
  enterpriseId: string;
  bookId: string | null;
  destinationZoneId: string | null;
  destinationEnterpriseId: string | null;
  destinationBookId: string | null;
  traderReference: string | null;
  originCountry: string | null;
  destinationCountry: string | null;
  currency: string;
  totalValue: string;
  totalGrossMass: string;
  transport: Transport;
  submittedBy: string;
  at: Date;
}

export interface NewLine {
  itemId: string | null;
  partNumber: string | null;
  hsCode: string;
  description: string;
  originCountry: string;
  quantity: string;
  unit: string;
  netMass: string;
  grossMass: string;
  customsValue: string;
  lotId: string | null;
  tariffCode: string | null;
  processingRole: ProcessingRole | null;
}

export interface ListFilters {
  type?: DeclarationType;
  state?: DeclarationState;
  lane?: Lane;
  enterpriseId?: string;
  zoneId?: string;
  hsCode?: string;
  from?: string;
  to?: string;
  q?: string;
  /** Scope of the caller: only this enterprise / only these zones. */
  scopeEnterpriseId: string | null;
  scopeZoneIds: string[] | null;
  beforeId: string | null;
  limit: number;
}

const SELECT_DECLARATION = `
  SELECT d.*, e.name AS enterprise_name,
         (SELECT count(*)::int FROM declaration_lines l WHERE l.declaration_id = d.id) AS line_count
  FROM declarations d JOIN enterprises e ON e.id = d.enterprise_id`;

function header(d: Omit<NewDeclaration, 'id' | 'reference' | 'type' | 'zoneId' | 'enterpriseId' | 'submittedBy' | 'at'>) {
  return [
    d.bookId,
    d.destinationZoneId,
    d.destinationEnterpriseId,
    d.destinationBookId,
    d.traderReference,
    d.originCountry,
    d.destinationCountry,
    d.currency,
    d.totalValue,
    d.totalGrossMass,
    JSON.stringify(d.transport),
    d.transport.vehiclePlate ?? null,
    d.transport.containers ?? [],
  ];
}

export const declarationRepository = {
  /** Next number in the zone's yearly series; the row lock serialises concurrent submissions per zone. */
  async nextNumber(db: Db, zoneId: string, year: number): Promise<number> {
    const [row] = await db.query<{ last_number: number }>(
      `INSERT INTO declaration_counters (zone_id, year, last_number) VALUES ($1, $2, 1)
       ON CONFLICT (zone_id, year) DO UPDATE SET last_number = declaration_counters.last_number + 1
       RETURNING last_number`,
      [zoneId, year],
    );
    return row?.last_number ?? 1;
  },

  async insert(db: Db, d: NewDeclaration): Promise<void> {
    await db.query(
      `INSERT INTO declarations (id, reference, type, state, zone_id, enterprise_id, submitted_by, submitted_at, updated_at,
         book_id, destination_zone_id, destination_enterprise_id, destination_book_id, trader_reference,
         origin_country, destination_country, currency, total_value, total_gross_mass, transport, vehicle_plate, container_numbers)
       VALUES ($1, $2, $3, 'SUBMITTED', $4, $5, $6, $7, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, $19, $20::text[])`,
      [d.id, d.reference, d.type, d.zoneId, d.enterpriseId, d.submittedBy, d.at, ...header(d)],
    );
  },

  async updateHeader(db: Db, id: string, d: Omit<NewDeclaration, 'id' | 'reference' | 'type' | 'zoneId' | 'enterpriseId' | 'submittedBy' | 'at'>, at: Date): Promise<void> {
    await db.query(
      `UPDATE declarations SET book_id = $2, destination_zone_id = $3, destination_enterprise_id = $4, destination_book_id = $5,
         trader_reference = $6, origin_country = $7, destination_country = $8, currency = $9, total_value = $10,
         total_gross_mass = $11, transport = $12::jsonb, vehicle_plate = $13, container_numbers = $14::text[],
         version = version + 1, lane = NULL, lane_reasons = '[]', risk_score = NULL, assessed_at = NULL, updated_at = $15
       WHERE id = $1`,
      [id, ...header(d), at],
    );
  },

  /** New totals after officers corrected lines: the next version, still in its lane and state. */
  async updateTotals(db: Db, id: string, t: { totalValue: string; totalGrossMass: string; originCountry: string | null }, at: Date): Promise<void> {
    await db.query(
      `UPDATE declarations SET total_value = $2, total_gross_mass = $3, origin_country = $4, version = version + 1, updated_at = $5
       WHERE id = $1`,
      [id, t.totalValue, t.totalGrossMass, t.originCountry, at],
    );
  },

  async insertLines(db: Db, declarationId: string, currency: string, lines: NewLine[]): Promise<void> {
    const columns = 15;
    const values: unknown[] = [];
    const tuples = lines.map((line, index) => {
      values.push(
        declarationId,
        index + 1,
        line.itemId,
        line.partNumber,
        line.hsCode,
        line.description,
        line.originCountry,
        line.quantity,
        line.unit,
        line.netMass,
        line.grossMass,
        line.customsValue,
        line.lotId,
        line.tariffCode,
        line.processingRole,
      );
      const base = index * columns;
      return `(${Array.from({ length: columns }, (_, i) => `$${base + i + 1}`).join(', ')}, $${lines.length * columns + 1})`;
    });
    values.push(currency);
    await db.query(
      `INSERT INTO declaration_lines (declaration_id, line_no, item_id, part_number, hs_code, description, origin_country,
         quantity, unit, net_mass, gross_mass, customs_value, lot_id, tariff_code, processing_role, currency) VALUES ${tuples.join(', ')}`,
      values,
    );
  },

  async deleteLines(db: Db, declarationId: string): Promise<void> {
    await db.query('DELETE FROM declaration_lines WHERE declaration_id = $1', [declarationId]);
  },

  async find(db: Db, id: string, forUpdate = false): Promise<DeclarationRow | undefined> {
    if (forUpdate) await db.query('SELECT 1 FROM declarations WHERE id = $1 FOR UPDATE', [id]);
    const [row] = await db.query<DeclarationRow>(`${SELECT_DECLARATION} WHERE d.id = $1`, [id]);
    return row;
  },

  async lines(db: Db, id: string): Promise<LineRow[]> {
    return db.query<LineRow>('SELECT * FROM declaration_lines WHERE declaration_id = $1 ORDER BY line_no', [id]);
  },

  async transitions(db: Db, id: string): Promise<TransitionRow[]> {
    return db.query<TransitionRow>(
      `SELECT t.*, COALESCE(u.display_name, k.name) AS actor_name
       FROM declaration_transitions t
       LEFT JOIN users u ON u.id = t.actor_id
       LEFT JOIN api_keys k ON k.id = t.actor_id
       WHERE t.declaration_id = $1 ORDER BY t.id`,
      [id],
    );
  },

  async recordTransition(
    db: Db,
    t: { declarationId: string; action: DeclarationAction; from: DeclarationState | null; to: DeclarationState; lane: Lane | null; actorId: string | null; actorRole: string; reason: string | null; at: Date },
  ): Promise<void> {
    const rows = await db.query<{ id: number }>(
      `INSERT INTO declaration_transitions (declaration_id, action, from_state, to_state, lane, actor_id, actor_role, reason, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [t.declarationId, t.action, t.from, t.to, t.lane, t.actorId, t.actorRole, t.reason, t.at],
    );
    await recordLeaves(db, 'declaration.transition', rows.map((row) => row.id));
  },

  /** Sets the state and stamps the moment of the step that reached it. */
  async setState(db: Db, id: string, state: DeclarationState, at: Date): Promise<void> {
    await db.query(
      `UPDATE declarations SET state = $2, updated_at = $3,
         released_at = CASE WHEN $2 = 'RELEASED' THEN $3 ELSE released_at END,
         decided_at = CASE WHEN $2 IN ('RELEASED', 'REJECTED') AND decided_at IS NULL THEN $3 ELSE decided_at END,
         completed_at = CASE WHEN $2 = 'COMPLETED' THEN $3 ELSE completed_at END
       WHERE id = $1`,
      [id, state, at],
    );
  },

  async setAssessment(db: Db, id: string, lane: Lane, score: number, reasons: string[], at: Date): Promise<void> {
    await db.query(
      `UPDATE declarations SET state = 'ASSESSED', lane = $2, risk_score = $3, lane_reasons = $4::jsonb, assessed_at = $5, updated_at = $5
       WHERE id = $1`,
      [id, lane, score.toFixed(2), JSON.stringify(reasons), at],
    );
  },

  async insertVersion(db: Db, v: { declarationId: string; version: number; snapshot: unknown; amendedBy: string; reason: string; at: Date }): Promise<void> {
    await db.query(
      `INSERT INTO declaration_versions (declaration_id, version, snapshot, amended_by, reason, at) VALUES ($1, $2, $3::jsonb, $4, $5, $6)`,
      [v.declarationId, v.version, JSON.stringify(v.snapshot), v.amendedBy, v.reason, v.at],
    );
  },

  async versions(db: Db, id: string) {
    return db.query<{ version: number; snapshot: unknown; amended_by: string; reason: string; at: Date }>(
      'SELECT version, snapshot, amended_by, reason, at FROM declaration_versions WHERE declaration_id = $1 ORDER BY version',
      [id],
    );
  },

  async list(db: Db, f: ListFilters): Promise<DeclarationRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (f.scopeEnterpriseId) add('d.enterprise_id = ?', f.scopeEnterpriseId);
    if (f.scopeZoneIds) add('(d.zone_id = ANY(?::uuid[]) OR d.destination_zone_id = ANY(?::uuid[]))', f.scopeZoneIds);
    if (f.type) add('d.type = ?', f.type);
    if (f.state) add('d.state = ?', f.state);
    if (f.lane) add('d.lane = ?', f.lane);
    if (f.enterpriseId) add('d.enterprise_id = ?', f.enterpriseId);
    if (f.zoneId) add('d.zone_id = ?', f.zoneId);
    if (f.from) add('d.submitted_at >= ?', f.from);
    if (f.to) add('d.submitted_at < ?', f.to);
    if (f.hsCode) add(`EXISTS (SELECT 1 FROM declaration_lines l WHERE l.declaration_id = d.id AND l.hs_code LIKE ? || '%')`, f.hsCode);
    if (f.q) add(`(d.reference ILIKE '%' || ? || '%' OR d.trader_reference ILIKE '%' || ? || '%')`, f.q);
    if (f.beforeId) add('d.id < ?', f.beforeId);
    params.push(f.limit);
    return db.query<DeclarationRow>(
      `${SELECT_DECLARATION} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.id DESC LIMIT $${params.length}`,
      params,
    );
  },
};
