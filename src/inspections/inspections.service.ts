// Inspections: the tasks a YELLOW or RED lane opens at assessment (or an officer adds), their
// assignment to customs officers, the scanner images taken of the goods (also before any declaration
// names their container), findings per declaration line and the outcome that decides the declaration.
// An outcome releases or rejects through the declaration service, applies the findings' corrections
// as a new version of the declaration (duties bill the difference) and gives the risk engine its
// label, all in one transaction.
import { v7 as uuidv7 } from 'uuid';
import { Decimal } from 'decimal.js';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError, FieldErrors, forbidden, notFound } from '../platform/errors.ts';
import { canSeeZone, type Principal, type Role } from '../platform/auth/principal.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import { sha256Of, type ObjectStore } from '../platform/storage/object-store.ts';
import type { ReferenceData } from '../reference/reference.ts';
import { checkContainerNumber, validateCountry, validateHsCode } from '../reference/validators.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import type { DeclarationHooks, DeclarationSnapshot } from '../declarations/declaration.hooks.ts';
import type { DeclarationService } from '../declarations/declaration.service.ts';
import type { RiskService } from '../risk/risk.service.ts';
import { detectImageType, type ImageType } from './image-type.ts';
import { correctionsOf, kindForLane, labelOf } from './inspections.rules.ts';
import { inspectionRepository as repo, type FindingRow, type ScanRow, type TaskRow } from './inspections.repository.ts';
import {
  CORRECTABLE,
  CORRECTION_FIELDS,
  type AdvanceScanQuery,
  type AssignmentInput,
  type FindingInput,
  type KindChangeInput,
  type OpenTaskInput,
  type OutcomeInput,
  type ReadingInput,
  type TaskKind,
  type TaskListQuery,
  type TaskScanQuery,
} from './inspections.schemas.ts';

/** Who reads tasks, scans and findings (within their zones); traders never do, lest targeting leak. */
export const INSPECTION_READERS: readonly Role[] = ['admin', 'customs_officer', 'risk_analyst', 'auditor'];
/** Who works tasks: assigns, starts, records scans and findings, decides. */
export const INSPECTION_WRITERS: readonly Role[] = ['admin', 'customs_officer'];
/**
 * Who uploads scans: customs, and a scanner of the zone through an API key with the `scans:write`
 * scope. A quay scanner is usually the zone operator's: its key may hold that role, and uploads only.
 */
export const SCAN_UPLOADERS: readonly Role[] = ['admin', 'customs_officer', 'zone_operator'];
export const SCAN_SCOPE = 'scans:write';

/** How far back a scan of a container is still good for a declaration that names it. */
const ADVANCE_SCAN_DAYS = 30;
/** A scanner's clock may run a little ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

const RELEASE_OUTCOMES = ['RELEASE_AS_DECLARED', 'RELEASE_WITH_CORRECTIONS'] as const;
const isReleaseOutcome = (outcome: string): outcome is (typeof RELEASE_OUTCOMES)[number] => (RELEASE_OUTCOMES as readonly string[]).includes(outcome);

/** An upload read and checked before it is stored: the bytes, their hash and the type their content shows. */
export interface ImageUpload {
  bytes: Buffer;
  sha256: string;
  size: number;
  type: ImageType;
}

export interface InspectionsDeps {
  db: Db;
  clock: Clock;
  reference: ReferenceData;
  registry: RegistryService;
  /** The declaration service, built after this one because its hooks include ours. */
  declarations: () => DeclarationService;
  /** The risk engine that learns from outcomes; without it outcomes give no label. */
  risk?: Pick<RiskService, 'recordInspectionResult'>;
  /** Where scan images are kept; without it uploads are refused. */
  objects?: ObjectStore;
}

const person = (id: string | null, name: string | null) => (id ? { id, name } : null);
const iso = (at: Date | null) => at?.toISOString() ?? null;

function presentSummary(row: TaskRow) {
  return {
    id: row.id,
    declarationId: row.declaration_id,
    declarationReference: row.declaration_reference,
    declarationState: row.declaration_state,
    enterpriseName: row.enterprise_name,
    zoneId: row.zone_id,
    kind: row.kind,
    status: row.status,
    origin: row.origin,
    lane: row.lane,
    reason: row.reason,
    openedAt: row.opened_at.toISOString(),
    assignee: person(row.assignee_id, row.assignee_name),
    assignedAt: iso(row.assigned_at),
    startedAt: iso(row.started_at),
    outcome: row.outcome,
    decidedAt: iso(row.decided_at),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function presentScan(row: ScanRow) {
  return {
    id: row.id,
    taskId: row.task_id,
    zoneId: row.zone_id,
    kind: row.kind,
    scannerId: row.scanner_id,
    containerNumber: row.container_number,
    scannedAt: row.scanned_at.toISOString(),
    image: { sha256: row.image_sha256, size: Number(row.image_size), type: row.image_type, url: `/api/v1/scans/${row.id}/image` },
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at.toISOString(),
    attachedAt: iso(row.attached_at),
    reading:
      row.reading && row.read_at
        ? { reading: row.reading, note: row.reading_note, readBy: person(row.read_by, row.read_by_name), readAt: row.read_at.toISOString() }
        : null,
  };
}

function presentFinding(row: FindingRow) {
  return {
    id: row.id,
    taskId: row.task_id,
    lineNo: row.line_no,
    kind: row.kind,
    note: row.note,
    corrections: row.corrections,
    recordedBy: person(row.recorded_by, row.recorded_by_name),
    recordedAt: row.recorded_at.toISOString(),
  };
}

export function createInspectionsService(deps: InspectionsDeps) {
  const { db, clock, reference, registry } = deps;

  function visibleTask(principal: Principal, row: TaskRow | undefined): TaskRow {
    if (!row || !INSPECTION_READERS.includes(principal.role) || !canSeeZone(principal, row.zone_id)) throw notFound('Inspection task');
    return row;
  }

  function visibleScan(principal: Principal, row: ScanRow | undefined): ScanRow {
    if (!row || !INSPECTION_READERS.includes(principal.role) || !canSeeZone(principal, row.zone_id)) throw notFound('Scan');
    return row;
  }

  /** Locks the task for a change, its declaration first (see inspectionRepository.lockDeclaration). */
  async function lockTask(tx: Db, principal: Principal, id: string): Promise<TaskRow> {
    if (!INSPECTION_WRITERS.includes(principal.role)) throw forbidden();
    const found = visibleTask(principal, await repo.findTask(tx, id));
    await repo.lockDeclaration(tx, found.declaration_id);
    return (await repo.findTask(tx, id, true)) as TaskRow;
  }

  function requirePerson(principal: Principal, what: string) {
    if (principal.kind !== 'user' || !INSPECTION_WRITERS.includes(principal.role)) throw forbidden(`Only a customs officer ${what}`);
  }

  /** A task assigned to an officer is theirs to work; another officer takes it over first. */
  function requireAssignee(principal: Principal, task: TaskRow) {
    if (principal.kind === 'user' && principal.role === 'customs_officer' && task.assignee_id !== null && task.assignee_id !== principal.id) {
      throw forbidden(`The task is assigned to ${task.assignee_name ?? 'another officer'}; take it over first (POST /api/v1/inspections/${task.id}/assignment)`);
    }
  }

  function requireOpen(task: TaskRow, path: string) {
    if (task.status === 'COMPLETED' || task.status === 'CANCELLED') {
      throw new AppError('INVALID_TRANSITION', `The inspection task is ${task.status}`, [{ path, message: `the task is ${task.status}` }]);
    }
  }

  async function event(tx: Db, type: string, task: Pick<TaskRow, 'id' | 'zone_id' | 'enterprise_id' | 'declaration_id'>, actor: Principal | null, at: Date, payload: Record<string, unknown>) {
    await appendEvent(tx, {
      type,
      aggregateType: 'inspection',
      aggregateId: task.id,
      zoneId: task.zone_id,
      enterpriseId: task.enterprise_id,
      actorId: actor?.id ?? null,
      at,
      payload: { declarationId: task.declaration_id, ...payload },
    });
  }

  async function detail(tx: Db, principal: Principal, id: string) {
    const row = visibleTask(principal, await repo.findTask(tx, id));
    // One after another: a transaction's connection runs one statement at a time.
    const declaration = await deps.declarations().get(principal, row.declaration_id, tx);
    const scans = await repo.scansOfTask(tx, id);
    const findings = await repo.findingsOfTask(tx, id);
    return {
      ...presentSummary(row),
      declarationVersion: row.declaration_version,
      openedBy: row.opened_by,
      startedBy: row.started_by,
      outcomeReason: row.outcome_reason,
      label: row.label,
      decidedBy: person(row.decided_by, row.decided_by_name),
      releaseWaitingFor: row.release_waiting_for,
      cancelledAt: iso(row.cancelled_at),
      cancelReason: row.cancel_reason,
      declaration: {
        id: declaration.id,
        reference: declaration.reference,
        type: declaration.type,
        state: declaration.state,
        lane: declaration.lane,
        version: declaration.version,
        enterpriseId: declaration.enterpriseId,
        enterpriseName: declaration.enterpriseName,
        currency: declaration.currency,
        totalValue: declaration.totalValue,
        totalGrossMass: declaration.totalGrossMass,
        transport: declaration.transport,
        lines: declaration.lines,
      },
      scans: scans.map(presentScan),
      findings: findings.map(presentFinding),
    };
  }

  /** Attaches the zone's recent advance scans of the declaration's containers to a new task. */
  async function attachAdvanceScans(tx: Db, task: { id: string; zone_id: string; enterprise_id: string; declaration_id: string }, containers: string[], at: Date) {
    if (containers.length === 0) return;
    const attached = await repo.attachAdvanceScans(tx, {
      zoneId: task.zone_id,
      containers,
      since: new Date(at.getTime() - ADVANCE_SCAN_DAYS * 86_400_000),
      until: at,
      taskId: task.id,
      at,
    });
    for (const scan of attached) {
      await event(tx, 'inspection.scan_attached', task, null, at, { scanId: scan.id, containerNumber: scan.container_number });
    }
  }

  async function openTask(
    tx: Db,
    declaration: { id: string; reference: string; zoneId: string; enterpriseId: string; version: number; lane: TaskRow['lane']; containers: string[] },
    kind: TaskKind,
    opener: Principal | null,
    reason: string | null,
    at: Date,
  ): Promise<string> {
    const id = uuidv7();
    await repo.insertTask(tx, {
      id,
      declarationId: declaration.id,
      declarationVersion: declaration.version,
      zoneId: declaration.zoneId,
      enterpriseId: declaration.enterpriseId,
      kind,
      origin: opener ? 'OFFICER' : 'LANE',
      lane: declaration.lane,
      reason,
      openedBy: opener?.id ?? null,
      at,
    });
    const task = { id, zone_id: declaration.zoneId, enterprise_id: declaration.enterpriseId, declaration_id: declaration.id };
    await event(tx, 'inspection.opened', task, opener, at, { reference: declaration.reference, kind, lane: declaration.lane, origin: opener ? 'OFFICER' : 'LANE' });
    await attachAdvanceScans(tx, task, declaration.containers, at);
    return id;
  }

  async function cancelOpenTasks(tx: Db, declaration: Pick<DeclarationSnapshot, 'id' | 'zoneId' | 'enterpriseId' | 'reference'>, reason: string, at: Date) {
    for (const task of await repo.cancelOpenTasks(tx, declaration.id, reason, at)) {
      await event(tx, 'inspection.cancelled', { id: task.id, zone_id: declaration.zoneId, enterprise_id: declaration.enterpriseId, declaration_id: declaration.id }, null, at, {
        reference: declaration.reference,
        kind: task.kind,
        status: 'CANCELLED',
      });
    }
  }

  const hooks: Partial<DeclarationHooks> = {
    async assessed(tx, declaration, at) {
      const kind = kindForLane(declaration);
      if (!kind) return;
      const facts = await repo.declaration(tx, declaration.id);
      await openTask(
        tx,
        {
          id: declaration.id,
          reference: declaration.reference,
          zoneId: declaration.zoneId,
          enterpriseId: declaration.enterpriseId,
          version: facts?.version ?? 1,
          lane: declaration.lane,
          containers: declaration.transport.containers,
        },
        kind,
        null,
        null,
        at,
      );
    },

    async withdrawn(tx, declaration, at) {
      await cancelOpenTasks(tx, declaration, 'the declaration was amended, cancelled or rejected', at);
    },

    async released(tx, declaration, at) {
      // A release decided outside an inspection outcome leaves nothing to inspect.
      await cancelOpenTasks(tx, declaration, 'the declaration was released', at);
      await repo.clearReleaseWaiting(tx, declaration.id, at);
    },
  };

  /** What a scan upload names, checked; `declarationContainers` when it is a task's. */
  function checkScanFields(
    query: { containerNumber?: string; scannedAt?: string },
    declarationContainers: string[] | null,
    now: Date,
  ): { containerNumber: string | null; scannedAt: Date } {
    const errors = new FieldErrors();
    let containerNumber: string | null = null;
    if (query.containerNumber !== undefined) {
      const check = checkContainerNumber(query.containerNumber);
      if (!check.valid) errors.add('/querystring/containerNumber', `${query.containerNumber} is not a valid ISO 6346 container number: ${check.problem}`);
      else if (declarationContainers && !declarationContainers.includes(check.normalized)) {
        errors.add('/querystring/containerNumber', `${check.normalized} is not a container of the declaration`);
      } else containerNumber = check.normalized;
    }
    const scannedAt = query.scannedAt ? new Date(query.scannedAt) : now;
    if (scannedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) errors.add('/querystring/scannedAt', 'must not be in the future');
    errors.throwIfAny('The scan has invalid fields');
    return { containerNumber, scannedAt };
  }

  async function storeImage(upload: ImageUpload): Promise<void> {
    if (!deps.objects) throw new AppError('UNAVAILABLE', 'No object store is configured for scan images');
    const stored = await deps.objects.put(upload.bytes);
    // The hash was taken of these very bytes; a different answer means the store is broken.
    if (stored.sha256 !== upload.sha256) throw new Error('The object store answered another hash than the upload has');
  }

  async function insertScan(
    tx: Db,
    principal: Principal,
    target: { taskId: string | null; zoneId: string },
    query: { kind: ScanRow['kind']; scannerId: string },
    fields: { containerNumber: string | null; scannedAt: Date },
    upload: ImageUpload,
    at: Date,
  ): Promise<ScanRow> {
    await storeImage(upload);
    const id = uuidv7();
    await repo.insertScan(tx, {
      id,
      taskId: target.taskId,
      zoneId: target.zoneId,
      kind: query.kind,
      scannerId: query.scannerId,
      containerNumber: fields.containerNumber,
      scannedAt: fields.scannedAt,
      sha256: upload.sha256,
      size: upload.size,
      type: upload.type,
      recordedBy: principal.id,
      at,
    });
    return (await repo.findScan(tx, id)) as ScanRow;
  }

  return {
    hooks,

    async list(principal: Principal, query: TaskListQuery) {
      if (!INSPECTION_READERS.includes(principal.role)) throw forbidden();
      const limit = query.limit ?? 50;
      const before = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''))?.[0] ?? null;
      const assigneeId = query.assignee === undefined ? undefined : query.assignee === 'none' ? null : query.assignee === 'me' ? principal.id : query.assignee;
      const rows = await repo.listTasks(db, {
        ...(query.status ? { status: query.status } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
        ...(assigneeId !== undefined ? { assigneeId } : {}),
        ...(query.zoneId ? { zoneId: query.zoneId } : {}),
        ...(query.declarationId ? { declarationId: query.declarationId } : {}),
        scopeZoneIds: principal.zoneIds,
        beforeId: before,
        limit: limit + 1,
      });
      return toPage(rows, limit, (row) => [row.id], presentSummary);
    },

    get(principal: Principal, id: string) {
      return detail(db, principal, id);
    },

    /** An officer adds a task to an assessed declaration (or one under inspection), saying why. */
    async open(tx: Db, principal: Principal, input: OpenTaskInput) {
      requirePerson(principal, 'opens an inspection');
      await repo.lockDeclaration(tx, input.declarationId);
      const declaration = await repo.declaration(tx, input.declarationId);
      if (!declaration || !canSeeZone(principal, declaration.zone_id)) {
        throw new AppError('VALIDATION_FAILED', 'No such declaration', [{ path: '/declarationId', message: 'no such declaration' }]);
      }
      if (declaration.state !== 'ASSESSED' && declaration.state !== 'UNDER_INSPECTION') {
        throw new AppError('INVALID_TRANSITION', `A declaration is inspected once assessed and before it is decided; it is ${declaration.state}`, [
          { path: '/declarationId', message: `the declaration is ${declaration.state}` },
        ]);
      }
      const at = clock.now();
      const id = await openTask(
        tx,
        {
          id: declaration.id,
          reference: declaration.reference,
          zoneId: declaration.zone_id,
          enterpriseId: declaration.enterprise_id,
          version: declaration.version,
          lane: declaration.lane,
          containers: declaration.container_numbers,
        },
        input.kind,
        principal,
        input.reason.trim(),
        at,
      );
      return detail(tx, principal, id);
    },

    async changeKind(tx: Db, principal: Principal, id: string, input: KindChangeInput) {
      requirePerson(principal, 'changes an inspection');
      const task = await lockTask(tx, principal, id);
      requireOpen(task, '/kind');
      requireAssignee(principal, task);
      if (task.kind === input.kind) {
        throw new AppError('VALIDATION_FAILED', `The task is a ${task.kind} already`, [{ path: '/kind', message: 'is the kind of the task already' }]);
      }
      const at = clock.now();
      await repo.setKind(tx, id, input.kind, at);
      await event(tx, 'inspection.kind_changed', task, principal, at, { reference: task.declaration_reference, kind: input.kind, previousKind: task.kind, reason: input.reason.trim() });
      return detail(tx, principal, id);
    },

    /** Assigns the task to a customs officer of its zone; without an assignee, the calling officer takes it. */
    async assign(tx: Db, principal: Principal, id: string, input: AssignmentInput) {
      requirePerson(principal, 'assigns an inspection');
      const task = await lockTask(tx, principal, id);
      requireOpen(task, '/assigneeId');
      const assigneeId = input.assigneeId ?? (principal.role === 'customs_officer' ? principal.id : null);
      if (!assigneeId) {
        throw new AppError('VALIDATION_FAILED', 'Say whom to assign the task to', [{ path: '/assigneeId', message: 'is required: only customs officers take a task themselves' }]);
      }
      const user = await repo.findUser(tx, assigneeId);
      if (!user || user.role !== 'customs_officer' || !user.active || (user.zone_ids !== null && !user.zone_ids.includes(task.zone_id))) {
        throw new AppError('VALIDATION_FAILED', 'The task can be assigned only to a customs officer of its zone', [
          { path: '/assigneeId', message: 'must be an active customs officer who works in the zone of the task' },
        ]);
      }
      if (task.assignee_id !== assigneeId) {
        const at = clock.now();
        await repo.assign(tx, id, assigneeId, principal.id, at);
        await event(tx, 'inspection.assigned', task, principal, at, { reference: task.declaration_reference, assigneeId, previousAssigneeId: task.assignee_id });
      }
      return detail(tx, principal, id);
    },

    /** Starts work on the task (taking it when unassigned); a RED declaration still assessed goes under inspection. */
    async start(tx: Db, principal: Principal, id: string) {
      requirePerson(principal, 'starts an inspection');
      const task = await lockTask(tx, principal, id);
      if (task.status !== 'OPEN') {
        throw new AppError('INVALID_TRANSITION', `The inspection task is ${task.status}; only an OPEN task is started`, [{ path: '/', message: `the task is ${task.status}` }]);
      }
      requireAssignee(principal, task);
      const at = clock.now();
      if (task.assignee_id === null && principal.role === 'customs_officer') {
        await repo.assign(tx, id, principal.id, principal.id, at);
        await event(tx, 'inspection.assigned', task, principal, at, { reference: task.declaration_reference, assigneeId: principal.id, previousAssigneeId: null });
      }
      await repo.start(tx, id, principal.id, at);
      await event(tx, 'inspection.started', task, principal, at, { reference: task.declaration_reference, kind: task.kind });
      if (task.declaration_lane === 'RED' && task.declaration_state === 'ASSESSED') {
        await deps.declarations().decide(tx, principal, task.declaration_id, { action: 'START_INSPECTION', reason: `Inspection task started: ${task.kind}` });
      }
      return detail(tx, principal, id);
    },

    /** Checks an upload by its content: refused (415) unless it is a JPEG, PNG, TIFF or DICOM image. */
    checkImage(body: unknown): ImageUpload {
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new AppError('VALIDATION_FAILED', 'Send the image as the request body', [{ path: '/body', message: 'is required: the image file' }]);
      }
      const type = detectImageType(body);
      if (!type) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The file is not an image Cordon keeps', [
          { path: '/body', message: 'must be a JPEG, PNG, TIFF or DICOM image, recognised by its content whatever the Content-Type says' },
        ]);
      }
      return { bytes: body, sha256: sha256Of(body), size: body.length, type };
    },

    /** A scan taken for the task (by an officer, or a scanner's API key). */
    async recordTaskScan(tx: Db, principal: Principal, id: string, query: TaskScanQuery, upload: ImageUpload) {
      if (!INSPECTION_WRITERS.includes(principal.role)) throw forbidden();
      const task = await lockTask(tx, principal, id);
      requireOpen(task, '/');
      requireAssignee(principal, task);
      const declaration = await repo.declaration(tx, task.declaration_id);
      const now = clock.now();
      const fields = checkScanFields(query, declaration?.container_numbers ?? [], now);
      const scan = await insertScan(tx, principal, { taskId: id, zoneId: task.zone_id }, query, fields, upload, now);
      await event(tx, 'inspection.scan_recorded', task, principal, now, { scanId: scan.id, kind: scan.kind, containerNumber: scan.container_number });
      return presentScan(scan);
    },

    /**
     * A scan of a container taken in a zone, whether or not a declaration names it yet. It joins the
     * newest open task whose declaration names the container; otherwise it waits (30 days) for a
     * declaration naming that container to be assessed.
     */
    async recordAdvanceScan(tx: Db, principal: Principal, query: AdvanceScanQuery, upload: ImageUpload) {
      if (!SCAN_UPLOADERS.includes(principal.role)) throw forbidden();
      if (principal.role === 'zone_operator' && principal.kind !== 'api_key') throw forbidden("Scans come from customs or from a scanner's API key");
      const zone = await registry.findZone(tx, query.zoneId);
      if (!zone || !canSeeZone(principal, zone.id)) {
        throw new AppError('VALIDATION_FAILED', 'No such zone', [{ path: '/querystring/zoneId', message: 'no such zone' }]);
      }
      const now = clock.now();
      const fields = checkScanFields(query, null, now);
      const container = fields.containerNumber as string;
      const task = await repo.openTaskForContainer(tx, zone.id, container);
      const scan = await insertScan(tx, principal, { taskId: task?.id ?? null, zoneId: zone.id }, query, fields, upload, now);
      const payload = { scanId: scan.id, kind: scan.kind, containerNumber: scan.container_number };
      if (task) {
        const row = (await repo.findTask(tx, task.id)) as TaskRow;
        await event(tx, 'inspection.scan_recorded', row, principal, now, payload);
      } else {
        await appendEvent(tx, { type: 'inspection.scan_recorded', aggregateType: 'scan', aggregateId: scan.id, zoneId: zone.id, actorId: principal.id, at: now, payload });
      }
      return presentScan(scan);
    },

    async getScan(principal: Principal, id: string) {
      return presentScan(visibleScan(principal, await repo.findScan(db, id)));
    },

    /** The stored image of a scan, for staff who may see the scan. */
    async scanImage(principal: Principal, id: string) {
      const scan = visibleScan(principal, await repo.findScan(db, id));
      const found = deps.objects ? await deps.objects.open(scan.image_sha256) : null;
      if (!found) throw new AppError('UNAVAILABLE', `The image ${scan.image_sha256} is missing from the object store`);
      return { ...found, type: scan.image_type, sha256: scan.image_sha256, scanId: scan.id };
    },

    /** The image analyst's reading of a scan: CLEAR or SUSPECT, with what they saw. */
    async readScan(tx: Db, principal: Principal, id: string, input: ReadingInput) {
      requirePerson(principal, 'reads a scan');
      const found = visibleScan(principal, await repo.findScan(tx, id));
      const task = found.task_id ? await lockTask(tx, principal, found.task_id) : null;
      if (task) requireOpen(task, '/reading');
      const scan = (await repo.findScan(tx, id, true)) as ScanRow;
      const at = clock.now();
      await repo.setReading(tx, id, { reading: input.reading, note: input.note.trim(), readBy: principal.id, at });
      const payload = { scanId: id, reading: input.reading, containerNumber: scan.container_number };
      if (task) await event(tx, 'inspection.scan_read', task, principal, at, payload);
      else await appendEvent(tx, { type: 'inspection.scan_read', aggregateType: 'scan', aggregateId: id, zoneId: scan.zone_id, actorId: principal.id, at, payload });
      return presentScan((await repo.findScan(tx, id)) as ScanRow);
    },

    /** A finding on one line of the declaration, with corrected values where its kind applies to them. */
    async recordFinding(tx: Db, principal: Principal, id: string, input: FindingInput) {
      requirePerson(principal, 'records findings');
      const task = await lockTask(tx, principal, id);
      requireOpen(task, '/');
      requireAssignee(principal, task);
      if (task.status !== 'IN_PROGRESS') {
        throw new AppError('INVALID_TRANSITION', 'Start the inspection before recording what it found', [{ path: '/', message: 'the task is not started' }]);
      }
      const declaration = await deps.declarations().get(principal, task.declaration_id, tx);
      const line = declaration.lines.find((candidate) => candidate.lineNo === input.lineNo);
      const errors = new FieldErrors();
      if (!line) errors.add('/lineNo', `the declaration has no line ${input.lineNo}`);
      const corrections = input.corrections ?? {};
      const allowed = CORRECTABLE[input.kind];
      const administration = await registry.getAdministration(tx);
      for (const field of CORRECTION_FIELDS) {
        const value = corrections[field];
        if (value === undefined) continue;
        const path = `/corrections/${field}`;
        if (!allowed.includes(field)) {
          errors.add(path, allowed.length ? `does not apply to findings of kind ${input.kind}, which correct ${allowed.join(', ')}` : `findings of kind ${input.kind} correct no value`);
          continue;
        }
        if (!line) continue;
        const declared = line[field];
        if (declared !== null && (['hsCode', 'tariffCode', 'originCountry'].includes(field) ? declared === value : new Decimal(declared).equals(value))) {
          errors.add(path, `is the declared value ${declared}`);
          continue;
        }
        if (field === 'hsCode') {
          const problem = validateHsCode(reference, administration.hsEdition, value);
          if (problem) errors.add(path, problem);
        } else if (field === 'tariffCode') {
          const hsCode = corrections.hsCode ?? line.hsCode;
          if (!value.startsWith(hsCode)) errors.add(path, `must begin with the HS code ${hsCode}`);
        } else if (field === 'originCountry') {
          const problem = validateCountry(reference, value);
          if (problem) errors.add(path, problem);
        } else if (field === 'customsValue') {
          if (new Decimal(value).lte(0)) errors.add(path, 'must be greater than zero');
          else if (new Decimal(value).decimalPlaces() > 2) errors.add(path, 'has more than 2 decimal places');
        } else if (field === 'quantity') {
          if (new Decimal(value).lte(0)) errors.add(path, 'must be greater than zero');
        } else if (new Decimal(value).decimalPlaces() > 3) {
          errors.add(path, 'has more than 3 decimal places');
        } else if (field === 'grossMass' && new Decimal(value).lte(0)) {
          errors.add(path, 'must be greater than zero');
        }
      }
      if (line && (corrections.netMass !== undefined || corrections.grossMass !== undefined)) {
        const netMass = corrections.netMass ?? line.netMass;
        const grossMass = corrections.grossMass ?? line.grossMass;
        if (new Decimal(netMass).gt(grossMass)) errors.add(`/corrections/${corrections.netMass !== undefined ? 'netMass' : 'grossMass'}`, `the net mass ${netMass} must not exceed the gross mass ${grossMass}`);
      }
      errors.throwIfAny('The finding has invalid fields');
      const at = clock.now();
      const findingId = uuidv7();
      await repo.insertFinding(tx, { id: findingId, taskId: id, declarationId: task.declaration_id, lineNo: input.lineNo, kind: input.kind, note: input.note.trim(), corrections, recordedBy: principal.id, at });
      await event(tx, 'inspection.finding_recorded', task, principal, at, { reference: task.declaration_reference, findingId, lineNo: input.lineNo, kind: input.kind });
      return detail(tx, principal, id);
    },

    /**
     * Decides the declaration. Release outcomes release it (with corrections: a new version of the
     * declaration first, billed again), or leave it under inspection until its duties are paid;
     * SEIZE and REJECT reject it. The outcome becomes the risk engine's label, and the declaration's
     * other open tasks close.
     */
    async decide(tx: Db, principal: Principal, id: string, input: OutcomeInput) {
      requirePerson(principal, 'decides an inspection');
      const task = await lockTask(tx, principal, id);
      requireOpen(task, '/outcome');
      requireAssignee(principal, task);
      if (task.status !== 'IN_PROGRESS') {
        throw new AppError('INVALID_TRANSITION', 'Start the inspection before deciding it', [{ path: '/outcome', message: 'the task is not started' }]);
      }
      const { outcome } = input;
      const reason = input.reason.trim();
      const findings = await repo.findingsInForce(tx, task.declaration_id, id);
      const corrections = correctionsOf(findings);
      const prohibited = findings.filter((finding) => finding.kind === 'PROHIBITED');
      const refuse = (message: string) => {
        throw new AppError('VALIDATION_FAILED', message, [{ path: '/outcome', message }]);
      };
      if (isReleaseOutcome(outcome) && prohibited.length > 0) refuse(`prohibited goods (line ${prohibited.map((f) => f.line_no).join(', ')}) are not released: SEIZE or REJECT`);
      if (outcome === 'RELEASE_AS_DECLARED' && corrections.length > 0) {
        refuse(`findings correct line ${corrections.map((c) => c.lineNo).join(', ')}: release with corrections`);
      }
      if (outcome === 'RELEASE_WITH_CORRECTIONS' && corrections.length === 0) refuse('no finding corrects the declaration: record the findings, or release as declared');
      if (task.kind === 'NON_INTRUSIVE_SCAN' && !(await repo.scansOfTask(tx, id)).some((scan) => scan.reading !== null)) {
        refuse('a non-intrusive scan is decided on a read image: upload the scan and record its reading, or change the kind of the task');
      }

      const at = clock.now();
      const label = labelOf(outcome, findings);
      await repo.complete(tx, id, { outcome, reason, label, decidedBy: principal.id, at });
      await cancelOpenTasks(
        tx,
        { id: task.declaration_id, zoneId: task.zone_id, enterpriseId: task.enterprise_id, reference: task.declaration_reference },
        `the declaration was decided by another inspection task (${outcome})`,
        at,
      );
      const declarations = deps.declarations();
      // A declaration is decided from under inspection: that is where the risk engine takes its label,
      // and where a release held for duties waits.
      if (task.declaration_state === 'ASSESSED') {
        await declarations.decide(tx, principal, task.declaration_id, { action: 'START_INSPECTION', reason: `Inspection ${task.kind}: ${outcome}` });
      }
      if (deps.risk) {
        const summary = [`${outcome}: ${reason}`, ...findings.map((f) => `line ${f.line_no} ${f.kind}: ${f.note}`)].join('; ').slice(0, 2000);
        try {
          await deps.risk.recordInspectionResult(tx, principal, task.declaration_id, { outcome: label, findings: summary });
        } catch (error) {
          if (error instanceof AppError && error.code === 'CONFLICT') {
            throw new AppError('CONFLICT', 'An inspection result of this declaration was recorded already, directly with the risk engine; the outcome would not replace it', [
              { path: '/outcome', message: 'the declaration has an inspection result already' },
            ]);
          }
          throw error;
        }
      }
      let waitingFor: string | null = null;
      if (isReleaseOutcome(outcome)) {
        if (outcome === 'RELEASE_WITH_CORRECTIONS') await declarations.correct(tx, principal, task.declaration_id, corrections, 'inspection corrections');
        waitingFor = await declarations.releaseAfterInspection(tx, principal, task.declaration_id, `Inspection ${outcome}: ${reason}`);
        if (waitingFor) await repo.setReleaseWaiting(tx, id, waitingFor, at);
      } else {
        await declarations.decide(tx, principal, task.declaration_id, { action: 'REJECT', reason: `Inspection ${outcome}: ${reason}` });
      }
      await event(tx, 'inspection.completed', task, principal, at, { reference: task.declaration_reference, kind: task.kind, outcome, label, status: 'COMPLETED', releaseWaitingFor: waitingFor });
      return detail(tx, principal, id);
    },

    /**
     * Releases a declaration an inspection cleared once what held it back is settled (duties paid):
     * called where duties settle a bill, after the GREEN lane's own release.
     */
    async releaseIfCleared(tx: Db, declarationId: string): Promise<void> {
      const task = await repo.waitingReleaseOf(tx, declarationId);
      if (!task?.outcome) return;
      await deps.declarations().releaseCleared(tx, declarationId, `Inspection ${task.outcome}: released once its duties were settled`);
    },
  };
}

export type InspectionsService = ReturnType<typeof createInspectionsService>;
