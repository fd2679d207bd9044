// SQL of gates: the settings, passes and their lines, and passages (reader events with their decision).
import type { Db } from '../platform/db/db.ts';
import type { DomainEvent } from '../platform/events/outbox.ts';
import { LEAF_KINDS, recordLeaves } from '../proof/leaves.ts';

export interface GateSettingsRow extends Record<string, unknown> {
  min_confidence: string;
  weight_tolerance_percent: string;
  min_weight_tolerance_kg: string;
  pass_validity_hours: number;
  version: number;
  updated_at: Date;
}

export interface PassRow extends Record<string, unknown> {
  id: string;
  number: string;
  declaration_id: string;
  declaration_reference: string;
  declaration_state: string;
  seq: number;
  automatic: boolean;
  zone_id: string;
  enterprise_id: string;
  direction: 'IN' | 'OUT';
  gate_ids: string[];
  vehicle_plate: string | null;
  containers: string[];
  seals: string[];
  expected_gross_kg: string;
  tolerance_kg: string;
  valid_from: Date;
  valid_to: Date;
  status: 'ISSUED' | 'USED' | 'CANCELLED';
  used_at: Date | null;
  passage_id: string | null;
  settled_at: Date | null;
  cancelled_at: Date | null;
  cancellation_reason: string | null;
  created_at: Date;
}

export interface UnsettledPassRow extends Record<string, unknown> {
  id: string;
  number: string;
  declaration_id: string;
  zone_id: string;
  enterprise_id: string;
  passage_id: string;
  used_at: Date;
}

export interface PassLineRow extends Record<string, unknown> {
  pass_id: string;
  line_no: number;
  quantity: string;
  unit: string;
}

export interface NewPass {
  id: string;
  number: string;
  declarationId: string;
  seq: number;
  automatic: boolean;
  zoneId: string;
  enterpriseId: string;
  direction: 'IN' | 'OUT';
  gateIds: string[];
  vehiclePlate: string | null;
  containers: string[];
  seals: string[];
  expectedGrossKg: string;
  toleranceKg: string;
  validFrom: Date;
  validTo: Date;
  createdBy: string | null;
  at: Date;
  lines: Array<{ lineNo: number; quantity: string }>;
}

export interface DeclarationForGateRow extends Record<string, unknown> {
  id: string;
  reference: string;
  type: string;
  state: string;
  zone_id: string;
  enterprise_id: string;
  transport: { containers?: string[]; seals?: string[]; vehiclePlate?: string };
}

export interface DeclaredLineRow extends Record<string, unknown> {
  line_no: number;
  quantity: string;
  unit: string;
  gross_mass: string;
  /** On passes already used or still issued (not cancelled), and on the still-issued automatic pass. */
  on_passes: string;
  on_automatic: string;
}

export interface GateRow extends Record<string, unknown> {
  id: string;
  zone_id: string;
  code: string;
  direction: 'IN' | 'OUT' | 'BOTH';
  active: boolean;
}

export interface PassageRow extends Record<string, unknown> {
  id: string;
  zone_id: string;
  gate_id: string;
  gate_code: string;
  lane: string | null;
  reader_event_id: string;
  at: Date;
  decision: 'OPEN' | 'HOLD';
  status: 'OPENED' | 'HELD' | 'OVERRIDDEN';
  reasons: Array<{ code: string; message: string }>;
  pass_id: string | null;
  pass_number: string | null;
  declaration_id: string | null;
  declaration_reference: string | null;
  completed_declaration: boolean;
  plate: string | null;
  plate_confidence: string | null;
  containers: Array<{ number: string; confidence: number }>;
  seals: string[] | null;
  weight_kg: string | null;
  pass_plate: string | null;
  pass_containers: string[] | null;
  pass_seals: string[] | null;
  pass_expected_gross_kg: string | null;
  pass_tolerance_kg: string | null;
  overridden_by: string | null;
  override_reason: string | null;
  overridden_at: Date | null;
}

export interface NewPassage {
  id: string;
  zoneId: string;
  gateId: string;
  lane: string | null;
  readerEventId: string;
  readerId: string;
  at: Date;
  receivedAt: Date;
  decision: 'OPEN' | 'HOLD';
  reasons: Array<{ code: string; message: string }>;
  passId: string | null;
  declarationId: string | null;
  plate: { value: string; confidence: number } | null;
  containers: Array<{ number: string; confidence: number }>;
  seals: string[] | null;
  weightKg: string | null;
}

const PASS_COLUMNS = `p.*, d.reference AS declaration_reference, d.state AS declaration_state`;
const PASSAGE_SELECT = `
  SELECT g.*, gt.code AS gate_code, p.number AS pass_number, d.reference AS declaration_reference,
         p.vehicle_plate AS pass_plate, p.containers AS pass_containers, p.seals AS pass_seals,
         p.expected_gross_kg AS pass_expected_gross_kg, p.tolerance_kg AS pass_tolerance_kg
  FROM gate_passages g
  JOIN gates gt ON gt.id = g.gate_id
  LEFT JOIN gate_passes p ON p.id = g.pass_id
  LEFT JOIN declarations d ON d.id = g.declaration_id`;

export const gatesRepository = {
  async settings(db: Db): Promise<GateSettingsRow> {
    const rows = await db.query<GateSettingsRow>('SELECT * FROM gate_settings WHERE id = 1');
    if (!rows[0]) throw new Error('gate settings missing: the migration inserts them');
    return rows[0];
  },

  async updateSettings(
    db: Db,
    values: { minConfidence: number; weightTolerancePercent: string; minWeightToleranceKg: string; passValidityHours: number },
    by: string,
    at: Date,
  ): Promise<GateSettingsRow> {
    const rows = await db.query<GateSettingsRow>(
      `UPDATE gate_settings SET min_confidence = $1, weight_tolerance_percent = $2, min_weight_tolerance_kg = $3,
              pass_validity_hours = $4, version = version + 1, updated_at = $5, updated_by = $6
       WHERE id = 1 RETURNING *`,
      [values.minConfidence, values.weightTolerancePercent, values.minWeightToleranceKg, values.passValidityHours, at, by],
    );
    return rows[0] as GateSettingsRow;
  },

  async declaration(db: Db, id: string, forUpdate = false): Promise<DeclarationForGateRow | null> {
    const rows = await db.query<DeclarationForGateRow>(
      `SELECT id, reference, type, state, zone_id, enterprise_id, transport FROM declarations WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  },

  /** The declaration's lines with what of each is on passes not cancelled, and on its issued automatic pass. */
  async declaredLines(db: Db, declarationId: string): Promise<DeclaredLineRow[]> {
    return db.query<DeclaredLineRow>(
      `SELECT l.line_no, l.quantity, l.unit, l.gross_mass,
              COALESCE(sum(pl.quantity) FILTER (WHERE p.status IN ('ISSUED', 'USED')), 0) AS on_passes,
              COALESCE(sum(pl.quantity) FILTER (WHERE p.status = 'ISSUED' AND p.automatic), 0) AS on_automatic
       FROM declaration_lines l
       LEFT JOIN gate_passes p ON p.declaration_id = l.declaration_id
       LEFT JOIN gate_pass_lines pl ON pl.pass_id = p.id AND pl.line_no = l.line_no
       WHERE l.declaration_id = $1
       GROUP BY l.line_no, l.quantity, l.unit, l.gross_mass
       ORDER BY l.line_no`,
      [declarationId],
    );
  },

  /** Whether every line's declared quantity is on used passes: all the goods have passed. */
  async allPassed(db: Db, declarationId: string): Promise<boolean> {
    const rows = await db.query<{ all_passed: boolean }>(
      `SELECT bool_and(COALESCE(used.quantity, 0) >= l.quantity) AS all_passed
       FROM declaration_lines l
       LEFT JOIN (SELECT pl.line_no, sum(pl.quantity) AS quantity
                  FROM gate_pass_lines pl JOIN gate_passes p ON p.id = pl.pass_id
                  WHERE p.declaration_id = $1 AND p.status = 'USED'
                  GROUP BY pl.line_no) used ON used.line_no = l.line_no
       WHERE l.declaration_id = $1`,
      [declarationId],
    );
    return rows[0]?.all_passed === true;
  },

  async nextSeq(db: Db, declarationId: string): Promise<number> {
    const rows = await db.query<{ seq: number }>('SELECT COALESCE(max(seq), 0) + 1 AS seq FROM gate_passes WHERE declaration_id = $1', [declarationId]);
    return rows[0]?.seq ?? 1;
  },

  async insertPass(db: Db, pass: NewPass): Promise<void> {
    await db.query(
      `INSERT INTO gate_passes (id, number, declaration_id, seq, automatic, zone_id, enterprise_id, direction, gate_ids, vehicle_plate,
                                containers, seals, expected_gross_kg, tolerance_kg, valid_from, valid_to, status, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[], $10, $11::text[], $12::text[], $13, $14, $15, $16, 'ISSUED', $17, $18)`,
      [
        pass.id,
        pass.number,
        pass.declarationId,
        pass.seq,
        pass.automatic,
        pass.zoneId,
        pass.enterpriseId,
        pass.direction,
        pass.gateIds,
        pass.vehiclePlate,
        pass.containers,
        pass.seals,
        pass.expectedGrossKg,
        pass.toleranceKg,
        pass.validFrom,
        pass.validTo,
        pass.createdBy,
        pass.at,
      ],
    );
    await db.query(
      `INSERT INTO gate_pass_lines (pass_id, line_no, quantity)
       SELECT $1, line_no, quantity FROM unnest($2::int[], $3::numeric[]) AS l(line_no, quantity)`,
      [pass.id, pass.lines.map((line) => line.lineNo), pass.lines.map((line) => line.quantity)],
    );
  },

  /** Replaces a pass's lines and expected weight (the automatic pass giving goods up to a partial one). */
  async reducePass(db: Db, passId: string, lines: Array<{ lineNo: number; quantity: string }>, expectedGrossKg: string, toleranceKg: string): Promise<void> {
    await db.query('DELETE FROM gate_pass_lines WHERE pass_id = $1', [passId]);
    await db.query(
      `INSERT INTO gate_pass_lines (pass_id, line_no, quantity)
       SELECT $1, line_no, quantity FROM unnest($2::int[], $3::numeric[]) AS l(line_no, quantity)`,
      [passId, lines.map((line) => line.lineNo), lines.map((line) => line.quantity)],
    );
    await db.query('UPDATE gate_passes SET expected_gross_kg = $2, tolerance_kg = $3 WHERE id = $1', [passId, expectedGrossKg, toleranceKg]);
  },

  async pass(db: Db, id: string, forUpdate = false): Promise<PassRow | null> {
    const rows = await db.query<PassRow>(
      `SELECT ${PASS_COLUMNS} FROM gate_passes p JOIN declarations d ON d.id = p.declaration_id WHERE p.id = $1${forUpdate ? ' FOR UPDATE OF p' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  },

  async passLines(db: Db, passIds: readonly string[]): Promise<PassLineRow[]> {
    if (passIds.length === 0) return [];
    return db.query<PassLineRow>(
      `SELECT pl.pass_id, pl.line_no, pl.quantity, l.unit
       FROM gate_pass_lines pl
       JOIN gate_passes p ON p.id = pl.pass_id
       JOIN declaration_lines l ON l.declaration_id = p.declaration_id AND l.line_no = pl.line_no
       WHERE pl.pass_id = ANY($1::uuid[])
       ORDER BY pl.pass_id, pl.line_no`,
      [passIds],
    );
  },

  async listPasses(
    db: Db,
    filter: { declarationId?: string | undefined; zoneId?: string | undefined; status?: string | undefined; zoneIds: string[] | null; enterpriseId: string | null; beforeId: string | null; limit: number },
  ): Promise<PassRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replaceAll('?', `$${params.length}`));
    };
    if (filter.declarationId) add('p.declaration_id = ?', filter.declarationId);
    if (filter.zoneId) add('p.zone_id = ?', filter.zoneId);
    if (filter.status) add('p.status = ?', filter.status);
    if (filter.zoneIds) add('p.zone_id = ANY(?::uuid[])', filter.zoneIds);
    if (filter.enterpriseId) add('p.enterprise_id = ?', filter.enterpriseId);
    if (filter.beforeId) add('p.id < ?', filter.beforeId);
    params.push(filter.limit + 1);
    return db.query<PassRow>(
      `SELECT ${PASS_COLUMNS} FROM gate_passes p JOIN declarations d ON d.id = p.declaration_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.id DESC LIMIT $${params.length}`,
      params,
    );
  },

  async issuedPassesOf(db: Db, declarationId: string): Promise<PassRow[]> {
    return db.query<PassRow>(
      `SELECT ${PASS_COLUMNS} FROM gate_passes p JOIN declarations d ON d.id = p.declaration_id
       WHERE p.declaration_id = $1 AND p.status = 'ISSUED' ORDER BY p.seq FOR UPDATE OF p`,
      [declarationId],
    );
  },

  /** Uses the pass unless another truck just did (the row lock orders the two); true when this one did. */
  async usePass(db: Db, id: string, passageId: string, at: Date): Promise<boolean> {
    const rows = await db.query(`UPDATE gate_passes SET status = 'USED', used_at = $3, passage_id = $2 WHERE id = $1 AND status = 'ISSUED' RETURNING id`, [id, passageId, at]);
    return rows.length === 1;
  },

  /** Used passes whose declaration has not been looked at since, oldest first; another settler's are skipped. */
  async unsettledPasses(db: Db, limit: number, retryFailedBefore: Date, declarationId: string | null): Promise<UnsettledPassRow[]> {
    return db.query<UnsettledPassRow>(
      `SELECT id, number, declaration_id, zone_id, enterprise_id, passage_id, used_at FROM gate_passes
       WHERE status = 'USED' AND settled_at IS NULL AND (settle_failed_at IS NULL OR settle_failed_at < $2)
         AND ($3::uuid IS NULL OR declaration_id = $3)
       ORDER BY used_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit, retryFailedBefore, declarationId],
    );
  },

  async markSettled(db: Db, ids: readonly string[], at: Date): Promise<void> {
    await db.query('UPDATE gate_passes SET settled_at = $2, settle_failed_at = NULL WHERE id = ANY($1::uuid[])', [ids, at]);
  },

  async markSettleFailed(db: Db, ids: readonly string[], at: Date): Promise<void> {
    await db.query('UPDATE gate_passes SET settle_failed_at = $2 WHERE id = ANY($1::uuid[])', [ids, at]);
  },

  /** The declaration's state, its row locked: two settlers of one declaration take turns. */
  async lockDeclarationState(db: Db, id: string): Promise<string | null> {
    const rows = await db.query<{ state: string }>('SELECT state FROM declarations WHERE id = $1 FOR UPDATE', [id]);
    return rows[0]?.state ?? null;
  },

  async cancelPasses(db: Db, ids: readonly string[], reason: string, at: Date): Promise<void> {
    await db.query(`UPDATE gate_passes SET status = 'CANCELLED', cancelled_at = $3, cancellation_reason = $2 WHERE id = ANY($1::uuid[])`, [ids, reason, at]);
  },

  async gate(db: Db, id: string): Promise<GateRow | null> {
    const rows = await db.query<GateRow>('SELECT id, zone_id, code, direction, active FROM gates WHERE id = $1', [id]);
    return rows[0] ?? null;
  },

  async gatesOfZone(db: Db, zoneId: string): Promise<GateRow[]> {
    return db.query<GateRow>('SELECT id, zone_id, code, direction, active FROM gates WHERE zone_id = $1', [zoneId]);
  },

  /** Issued passes of the zone sharing the plate or a container read at the gate. */
  async candidates(db: Db, zoneId: string, plate: string | null, containers: readonly string[]): Promise<PassRow[]> {
    return db.query<PassRow>(
      // Two index lookups (plate, containers) rather than one OR, which would read every issued pass of the zone.
      `SELECT ${PASS_COLUMNS} FROM gate_passes p JOIN declarations d ON d.id = p.declaration_id
       WHERE p.id IN (SELECT id FROM gate_passes WHERE zone_id = $1 AND status = 'ISSUED' AND vehicle_plate = $2
                      UNION
                      SELECT id FROM gate_passes WHERE status = 'ISSUED' AND containers && $3::text[])
         AND p.zone_id = $1
       LIMIT 20`,
      [zoneId, plate, containers],
    );
  },

  /** Why no pass matched: a declaration naming the plate or a container that is not released, or a pass already used. */
  async explainNoPass(
    db: Db,
    zoneId: string,
    plate: string | null,
    containers: readonly string[],
  ): Promise<{ notReleased: { id: string; reference: string; state: string } | null; used: { number: string; used_at: Date; declaration_id: string } | null }> {
    // One after the other: both run on the transaction's one connection.
    const notReleased = await db.query<{ id: string; reference: string; state: string }>(
      `SELECT id, reference, state FROM declarations
       WHERE zone_id = $1 AND state IN ('SUBMITTED', 'ASSESSED', 'UNDER_INSPECTION')
         AND (container_numbers && $3::text[] OR replace(replace(vehicle_plate, ' ', ''), '-', '') = $2)
       ORDER BY id DESC LIMIT 1`,
      [zoneId, plate, containers],
    );
    const used = await db.query<{ number: string; used_at: Date; declaration_id: string }>(
      `SELECT number, used_at, declaration_id FROM gate_passes
       WHERE zone_id = $1 AND status = 'USED' AND (vehicle_plate = $2 OR containers && $3::text[])
       ORDER BY used_at DESC LIMIT 1`,
      [zoneId, plate, containers],
    );
    return { notReleased: notReleased[0] ?? null, used: used[0] ?? null };
  },

  async passageByReaderEvent(db: Db, gateId: string, readerEventId: string): Promise<PassageRow | null> {
    const rows = await db.query<PassageRow>(`${PASSAGE_SELECT} WHERE g.gate_id = $1 AND g.reader_event_id = $2`, [gateId, readerEventId]);
    return rows[0] ?? null;
  },

  async passage(db: Db, id: string, forUpdate = false): Promise<PassageRow | null> {
    const rows = await db.query<PassageRow>(`${PASSAGE_SELECT} WHERE g.id = $1${forUpdate ? ' FOR UPDATE OF g' : ''}`, [id]);
    return rows[0] ?? null;
  },

  /** Inserts the passage; false when the reader already sent this event (a concurrent retry). */
  async insertPassage(db: Db, p: NewPassage): Promise<boolean> {
    const rows = await db.query(
      `INSERT INTO gate_passages (id, zone_id, gate_id, lane, reader_event_id, reader_id, at, received_at, decision, status, reasons,
                                  pass_id, declaration_id, plate, plate_confidence, containers, seals, weight_kg)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15, $16::jsonb, $17::text[], $18)
       ON CONFLICT (gate_id, reader_event_id) DO NOTHING RETURNING id`,
      [
        p.id,
        p.zoneId,
        p.gateId,
        p.lane,
        p.readerEventId,
        p.readerId,
        p.at,
        p.receivedAt,
        p.decision,
        p.decision === 'OPEN' ? 'OPENED' : 'HELD',
        JSON.stringify(p.reasons),
        p.passId,
        p.declarationId,
        p.plate?.value ?? null,
        p.plate?.confidence ?? null,
        JSON.stringify(p.containers),
        p.seals,
        p.weightKg,
      ],
    );
    await recordLeaves(db, 'gate.decision', rows.map((row) => row.id as string));
    return rows.length === 1;
  },

  /**
   * A matching truck's passage in one statement, atomic without a transaction of its own: takes the
   * pass unless another truck did a moment ago (the pass's row lock orders them) or this reader
   * event was recorded before, and records the passage (OPEN, or HOLD with `lost` when the pass was
   * gone) with its outbox event. Null when the reader event was already recorded.
   */
  async recordOpening(
    db: Db,
    p: Omit<NewPassage, 'decision' | 'reasons'> & { passId: string },
    lost: ReadonlyArray<{ code: string; message: string }>,
    opened: DomainEvent,
    held: DomainEvent,
  ): Promise<'OPEN' | 'HOLD' | null> {
    const rows = await db.query<{ decision: 'OPEN' | 'HOLD' }>(
      `WITH claim AS (
         UPDATE gate_passes SET status = 'USED', used_at = $8, passage_id = $1
         WHERE id = $9 AND status = 'ISSUED'
           AND NOT EXISTS (SELECT 1 FROM gate_passages WHERE gate_id = $3 AND reader_event_id = $5)
         RETURNING id
       ), passage AS (
         INSERT INTO gate_passages (id, zone_id, gate_id, lane, reader_event_id, reader_id, at, received_at, decision, status, reasons,
                                    pass_id, declaration_id, plate, plate_confidence, containers, seals, weight_kg)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8,
                CASE WHEN taken THEN 'OPEN' ELSE 'HOLD' END, CASE WHEN taken THEN 'OPENED' ELSE 'HELD' END,
                CASE WHEN taken THEN '[]'::jsonb ELSE $17::jsonb END,
                $9, $10, $11, $12, $13::jsonb, $14::text[], $15
         FROM (SELECT EXISTS (SELECT 1 FROM claim) AS taken) outcome
         ON CONFLICT (gate_id, reader_event_id) DO NOTHING
         RETURNING *
       ), event AS (
         INSERT INTO outbox (event_type, aggregate_type, aggregate_id, zone_id, actor_id, payload, occurred_at)
         SELECT $16, 'gate_passage', passage.id::text, $2, $6, CASE WHEN passage.decision = 'OPEN' THEN $18::jsonb ELSE $19::jsonb END, $8
         FROM passage
       ), leaf AS (
         INSERT INTO log_entries (kind, subject_id, record)
         SELECT 'gate.decision', passage.id::text, ${LEAF_KINDS['gate.decision'].projection} FROM passage
       )
       SELECT decision FROM passage`,
      [
        p.id,
        p.zoneId,
        p.gateId,
        p.lane,
        p.readerEventId,
        p.readerId,
        p.at,
        p.receivedAt,
        p.passId,
        p.declarationId,
        p.plate?.value ?? null,
        p.plate?.confidence ?? null,
        JSON.stringify(p.containers),
        p.seals,
        p.weightKg,
        opened.type,
        JSON.stringify(lost),
        JSON.stringify(opened.payload),
        JSON.stringify(held.payload),
      ],
    );
    return rows[0]?.decision ?? null;
  },

  async markCompleted(db: Db, id: string): Promise<void> {
    await db.query('UPDATE gate_passages SET completed_declaration = true WHERE id = $1', [id]);
  },

  async overridePassage(db: Db, id: string, by: string, reason: string, at: Date): Promise<void> {
    await db.query(`UPDATE gate_passages SET status = 'OVERRIDDEN', overridden_by = $2, override_reason = $3, overridden_at = $4 WHERE id = $1`, [
      id,
      by,
      reason,
      at,
    ]);
    await recordLeaves(db, 'gate.override', [id]);
  },

  async listPassages(
    db: Db,
    filter: {
      zoneId?: string | undefined;
      gateId?: string | undefined;
      declarationId?: string | undefined;
      status?: string | undefined;
      decision?: string | undefined;
      zoneIds: string[] | null;
      beforeId: string | null;
      limit: number;
    },
  ): Promise<PassageRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replaceAll('?', `$${params.length}`));
    };
    if (filter.zoneId) add('g.zone_id = ?', filter.zoneId);
    if (filter.gateId) add('g.gate_id = ?', filter.gateId);
    if (filter.declarationId) add('g.declaration_id = ?', filter.declarationId);
    if (filter.status) add('g.status = ?', filter.status);
    if (filter.decision) add('g.decision = ?', filter.decision);
    if (filter.zoneIds) add('g.zone_id = ANY(?::uuid[])', filter.zoneIds);
    if (filter.beforeId) add('g.id < ?', filter.beforeId);
    params.push(filter.limit + 1);
    return db.query<PassageRow>(`${PASSAGE_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY g.id DESC LIMIT $${params.length}`, params);
  },
};
