// SQL for inspection tasks, their scans and findings.
import type { Db } from '../platform/db/db.ts';
import { recordLeaves } from '../proof/leaves.ts';
import type { Role } from '../platform/auth/principal.ts';
import type { DeclarationState } from '../declarations/lifecycle.ts';
import type { Lane } from '../declarations/selectivity.schema.ts';
import type { Corrections, FindingKind, Label, Outcome, Reading, ScanKind, TaskKind, TaskStatus } from './inspections.schemas.ts';

export interface TaskRow extends Record<string, unknown> {
  id: string;
  declaration_id: string;
  declaration_version: number;
  zone_id: string;
  enterprise_id: string;
  kind: TaskKind;
  status: TaskStatus;
  origin: 'LANE' | 'OFFICER';
  lane: Lane | null;
  reason: string | null;
  opened_by: string | null;
  opened_at: Date;
  assignee_id: string | null;
  assignee_name: string | null;
  assigned_by: string | null;
  assigned_at: Date | null;
  started_by: string | null;
  started_at: Date | null;
  outcome: Outcome | null;
  outcome_reason: string | null;
  label: Label | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Date | null;
  release_waiting_for: string | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  updated_at: Date;
  declaration_reference: string;
  declaration_state: DeclarationState;
  declaration_lane: Lane | null;
  enterprise_name: string;
}

/** What inspections read of a declaration inside their own transaction. */
export interface DeclarationFacts extends Record<string, unknown> {
  id: string;
  reference: string;
  zone_id: string;
  enterprise_id: string;
  state: DeclarationState;
  lane: Lane | null;
  version: number;
  container_numbers: string[];
}

export interface ScanRow extends Record<string, unknown> {
  id: string;
  task_id: string | null;
  zone_id: string;
  kind: ScanKind;
  scanner_id: string;
  container_number: string | null;
  scanned_at: Date;
  image_sha256: string;
  image_size: number | string;
  image_type: string;
  recorded_by: string;
  recorded_at: Date;
  attached_at: Date | null;
  reading: Reading | null;
  reading_note: string | null;
  read_by: string | null;
  read_by_name: string | null;
  read_at: Date | null;
}

export interface FindingRow extends Record<string, unknown> {
  id: string;
  task_id: string;
  declaration_id: string;
  line_no: number;
  kind: FindingKind;
  note: string;
  corrections: Corrections;
  recorded_by: string;
  recorded_by_name: string | null;
  recorded_at: Date;
}

export interface UserRow extends Record<string, unknown> {
  id: string;
  display_name: string;
  role: Role;
  zone_ids: string[] | null;
  active: boolean;
}

export interface TaskFilters {
  status?: TaskStatus;
  kind?: TaskKind;
  /** A user id, or null for unassigned tasks; undefined for any. */
  assigneeId?: string | null;
  zoneId?: string;
  declarationId?: string;
  scopeZoneIds: string[] | null;
  beforeId: string | null;
  limit: number;
}

const SELECT_TASK = `
  SELECT t.*, d.reference AS declaration_reference, d.state AS declaration_state, d.lane AS declaration_lane, e.name AS enterprise_name,
         a.display_name AS assignee_name, decider.display_name AS decided_by_name
  FROM inspection_tasks t
  JOIN declarations d ON d.id = t.declaration_id
  JOIN enterprises e ON e.id = t.enterprise_id
  LEFT JOIN users a ON a.id = t.assignee_id
  LEFT JOIN users decider ON decider.id = t.decided_by`;

const SELECT_SCAN = `
  SELECT s.*, u.display_name AS read_by_name FROM inspection_scans s LEFT JOIN users u ON u.id = s.read_by`;

const SELECT_FINDING = `
  SELECT f.*, u.display_name AS recorded_by_name FROM inspection_findings f LEFT JOIN users u ON u.id = f.recorded_by`;

export const inspectionRepository = {
  /**
   * Locks the declaration a task belongs to. The declaration service locks the declaration before it
   * calls the hooks that change tasks (amendment, cancellation): taking the declaration first here as
   * well means the two never wait on each other.
   */
  async lockDeclaration(db: Db, declarationId: string): Promise<void> {
    await db.query('SELECT 1 FROM declarations WHERE id = $1 FOR UPDATE', [declarationId]);
  },

  async declaration(db: Db, id: string): Promise<DeclarationFacts | undefined> {
    const [row] = await db.query<DeclarationFacts>(
      'SELECT id, reference, zone_id, enterprise_id, state, lane, version, container_numbers FROM declarations WHERE id = $1',
      [id],
    );
    return row;
  },

  async insertTask(
    db: Db,
    t: { id: string; declarationId: string; declarationVersion: number; zoneId: string; enterpriseId: string; kind: TaskKind; origin: 'LANE' | 'OFFICER'; lane: Lane | null; reason: string | null; openedBy: string | null; at: Date },
  ): Promise<void> {
    await db.query(
      `INSERT INTO inspection_tasks (id, declaration_id, declaration_version, zone_id, enterprise_id, kind, status, origin, lane, reason, opened_by, opened_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'OPEN', $7, $8, $9, $10, $11, $11)`,
      [t.id, t.declarationId, t.declarationVersion, t.zoneId, t.enterpriseId, t.kind, t.origin, t.lane, t.reason, t.openedBy, t.at],
    );
  },

  async findTask(db: Db, id: string, forUpdate = false): Promise<TaskRow | undefined> {
    if (forUpdate) await db.query('SELECT 1 FROM inspection_tasks WHERE id = $1 FOR UPDATE', [id]);
    const [row] = await db.query<TaskRow>(`${SELECT_TASK} WHERE t.id = $1`, [id]);
    return row;
  },

  async listTasks(db: Db, f: TaskFilters): Promise<TaskRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (f.scopeZoneIds) add((p) => `t.zone_id = ANY(${p}::uuid[])`, f.scopeZoneIds);
    if (f.status) add((p) => `t.status = ${p}`, f.status);
    if (f.kind) add((p) => `t.kind = ${p}`, f.kind);
    if (f.assigneeId === null) where.push('t.assignee_id IS NULL');
    else if (f.assigneeId !== undefined) add((p) => `t.assignee_id = ${p}`, f.assigneeId);
    if (f.zoneId) add((p) => `t.zone_id = ${p}`, f.zoneId);
    if (f.declarationId) add((p) => `t.declaration_id = ${p}`, f.declarationId);
    if (f.beforeId) add((p) => `t.id < ${p}`, f.beforeId);
    params.push(f.limit);
    return db.query<TaskRow>(
      `${SELECT_TASK} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.id DESC LIMIT $${params.length}`,
      params,
    );
  },

  /** The declaration's tasks still open or in progress, oldest first. */
  async openTasksOf(db: Db, declarationId: string): Promise<TaskRow[]> {
    return db.query<TaskRow>(`${SELECT_TASK} WHERE t.declaration_id = $1 AND t.status IN ('OPEN', 'IN_PROGRESS') ORDER BY t.id`, [declarationId]);
  },

  /** The task whose release outcome waits (for duties), if any. */
  async waitingReleaseOf(db: Db, declarationId: string): Promise<TaskRow | undefined> {
    const [row] = await db.query<TaskRow>(
      `${SELECT_TASK} WHERE t.declaration_id = $1 AND t.status = 'COMPLETED' AND t.release_waiting_for IS NOT NULL ORDER BY t.id DESC LIMIT 1`,
      [declarationId],
    );
    return row;
  },

  async setKind(db: Db, id: string, kind: TaskKind, at: Date): Promise<void> {
    await db.query('UPDATE inspection_tasks SET kind = $2, updated_at = $3 WHERE id = $1', [id, kind, at]);
  },

  async assign(db: Db, id: string, assigneeId: string, by: string, at: Date): Promise<void> {
    await db.query('UPDATE inspection_tasks SET assignee_id = $2, assigned_by = $3, assigned_at = $4, updated_at = $4 WHERE id = $1', [id, assigneeId, by, at]);
  },

  async start(db: Db, id: string, by: string, at: Date): Promise<void> {
    await db.query(`UPDATE inspection_tasks SET status = 'IN_PROGRESS', started_by = $2, started_at = $3, updated_at = $3 WHERE id = $1`, [id, by, at]);
  },

  async complete(db: Db, id: string, d: { outcome: Outcome; reason: string; label: Label; decidedBy: string; at: Date }): Promise<void> {
    await db.query(
      `UPDATE inspection_tasks SET status = 'COMPLETED', outcome = $2, outcome_reason = $3, label = $4, decided_by = $5, decided_at = $6, updated_at = $6
       WHERE id = $1`,
      [id, d.outcome, d.reason, d.label, d.decidedBy, d.at],
    );
    await recordLeaves(db, 'inspection.outcome', [id]);
  },

  async setReleaseWaiting(db: Db, id: string, waitingFor: string | null, at: Date): Promise<void> {
    await db.query('UPDATE inspection_tasks SET release_waiting_for = $2, updated_at = $3 WHERE id = $1', [id, waitingFor, at]);
  },

  /** Clears what the declaration's release outcomes waited for: it has been released. */
  async clearReleaseWaiting(db: Db, declarationId: string, at: Date): Promise<void> {
    await db.query(
      'UPDATE inspection_tasks SET release_waiting_for = NULL, updated_at = $2 WHERE declaration_id = $1 AND release_waiting_for IS NOT NULL',
      [declarationId, at],
    );
  },

  /** Cancels the declaration's open tasks; answers those cancelled. */
  async cancelOpenTasks(db: Db, declarationId: string, reason: string, at: Date): Promise<{ id: string; kind: TaskKind }[]> {
    return db.query<{ id: string; kind: TaskKind }>(
      `UPDATE inspection_tasks SET status = 'CANCELLED', cancelled_at = $3, cancel_reason = $2, updated_at = $3
       WHERE declaration_id = $1 AND status IN ('OPEN', 'IN_PROGRESS') RETURNING id, kind`,
      [declarationId, reason, at],
    );
  },

  async findUser(db: Db, id: string): Promise<UserRow | undefined> {
    const [row] = await db.query<UserRow>('SELECT id, display_name, role, zone_ids, active FROM users WHERE id = $1', [id]);
    return row;
  },

  async insertScan(
    db: Db,
    s: { id: string; taskId: string | null; zoneId: string; kind: ScanKind; scannerId: string; containerNumber: string | null; scannedAt: Date; sha256: string; size: number; type: string; recordedBy: string; at: Date },
  ): Promise<void> {
    await db.query(
      `INSERT INTO inspection_scans (id, task_id, zone_id, kind, scanner_id, container_number, scanned_at, image_sha256, image_size, image_type, recorded_by, recorded_at, attached_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $2::uuid IS NULL THEN NULL ELSE $12::timestamptz END)`,
      [s.id, s.taskId, s.zoneId, s.kind, s.scannerId, s.containerNumber, s.scannedAt, s.sha256, s.size, s.type, s.recordedBy, s.at],
    );
  },

  async findScan(db: Db, id: string, forUpdate = false): Promise<ScanRow | undefined> {
    if (forUpdate) await db.query('SELECT 1 FROM inspection_scans WHERE id = $1 FOR UPDATE', [id]);
    const [row] = await db.query<ScanRow>(`${SELECT_SCAN} WHERE s.id = $1`, [id]);
    return row;
  },

  async scansOfTask(db: Db, taskId: string): Promise<ScanRow[]> {
    return db.query<ScanRow>(`${SELECT_SCAN} WHERE s.task_id = $1 ORDER BY s.scanned_at, s.id`, [taskId]);
  },

  /** Attaches the zone's advance scans of these containers taken in [since, until] to the task; answers their ids. */
  async attachAdvanceScans(
    db: Db,
    a: { zoneId: string; containers: string[]; since: Date; until: Date; taskId: string; at: Date },
  ): Promise<{ id: string; container_number: string }[]> {
    return db.query<{ id: string; container_number: string }>(
      `UPDATE inspection_scans SET task_id = $5, attached_at = $6
       WHERE task_id IS NULL AND zone_id = $1 AND container_number = ANY($2::text[]) AND scanned_at >= $3 AND scanned_at <= $4
       RETURNING id, container_number`,
      [a.zoneId, a.containers, a.since, a.until, a.taskId, a.at],
    );
  },

  /** The newest open task in the zone whose declaration names the container. */
  async openTaskForContainer(db: Db, zoneId: string, containerNumber: string): Promise<{ id: string; declaration_id: string } | undefined> {
    const [row] = await db.query<{ id: string; declaration_id: string }>(
      `SELECT t.id, t.declaration_id FROM inspection_tasks t JOIN declarations d ON d.id = t.declaration_id
       WHERE t.zone_id = $1 AND t.status IN ('OPEN', 'IN_PROGRESS') AND $2 = ANY(d.container_numbers)
       ORDER BY t.id DESC LIMIT 1`,
      [zoneId, containerNumber],
    );
    return row;
  },

  async setReading(db: Db, id: string, r: { reading: Reading; note: string; readBy: string; at: Date }): Promise<void> {
    await db.query('UPDATE inspection_scans SET reading = $2, reading_note = $3, read_by = $4, read_at = $5 WHERE id = $1', [id, r.reading, r.note, r.readBy, r.at]);
  },

  async insertFinding(
    db: Db,
    f: { id: string; taskId: string; declarationId: string; lineNo: number; kind: FindingKind; note: string; corrections: Corrections; recordedBy: string; at: Date },
  ): Promise<void> {
    await db.query(
      `INSERT INTO inspection_findings (id, task_id, declaration_id, line_no, kind, note, corrections, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
      [f.id, f.taskId, f.declarationId, f.lineNo, f.kind, f.note, JSON.stringify(f.corrections), f.recordedBy, f.at],
    );
    await recordLeaves(db, 'inspection.finding', [f.id]);
  },

  async findingsOfTask(db: Db, taskId: string): Promise<FindingRow[]> {
    return db.query<FindingRow>(`${SELECT_FINDING} WHERE f.task_id = $1 ORDER BY f.id`, [taskId]);
  },

  /** The findings that decide the declaration now: those of its open tasks and of the task being decided, in order. */
  async findingsInForce(db: Db, declarationId: string, decidingTaskId: string): Promise<FindingRow[]> {
    return db.query<FindingRow>(
      `${SELECT_FINDING} JOIN inspection_tasks t ON t.id = f.task_id
       WHERE f.declaration_id = $1 AND (t.id = $2 OR t.status IN ('OPEN', 'IN_PROGRESS')) ORDER BY f.id`,
      [declarationId, decidingTaskId],
    );
  },
};
