// CCTV evidence: cameras registered per zone and the area each watches (a gate, a warehouse, the
// yard); snapshot metadata posted by the camera systems; the coverage policy; the coverage report
// and the scheduled check that raises a CCTV_GAP alert per gap; customs holds; and retention, which
// deletes old metadata and tells the camera systems which images to purge.
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { actorIdOf, canSeeZone, STAFF_ROLES, type Principal, type Role } from '../platform/auth/principal.ts';
import { AppError, FieldErrors, forbidden, notFound } from '../platform/errors.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import type { ReferenceData } from '../reference/reference.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import type { AlertsService } from '../alerts/alerts.service.ts';
import {
  cctvRepository as repo,
  type CameraRow,
  type CameraValues,
  type HoldRow,
  type PolicyRow,
  type SnapshotRow,
  type WatchedArea,
} from './cctv.repository.ts';
import { checkPolicy, requiredWatch } from './cctv.rules.ts';
import {
  MAX_COVERAGE_DAYS,
  type AreaKind,
  type Camera,
  type CameraInput,
  type CameraListQuery,
  type CameraReplacement,
  type CoveragePolicy,
  type CoveragePolicyInput,
  type CoverageQuery,
  type CoverageReport,
  type HoldInput,
  type Snapshot,
  type SnapshotBatch,
  type SnapshotListQuery,
} from './cctv.schemas.ts';

/** Staff of the zone; traders never learn where the cameras are. */
export const CCTV_READERS: readonly Role[] = STAFF_ROLES;
export const CAMERA_WRITERS: readonly Role[] = ['admin', 'zone_operator'];
export const SNAPSHOT_SENDERS: readonly Role[] = ['admin', 'zone_operator'];
/** The API key scope of a camera system posting snapshots. */
export const SNAPSHOT_SCOPE = 'cctv:write';
export const HOLD_PLACERS: readonly Role[] = ['admin', 'customs_officer'];

/** How far a camera's clock may run ahead of Cordon's before its snapshots are refused. */
export const CLOCK_SKEW_MINUTES = 5;
/** The scheduled check looks this far back, so a gap is found even after a few missed runs. */
export const CHECK_WINDOW_HOURS = 6;
/** Snapshots deleted per transaction, and so the most storage URIs one retention event lists. */
export const RETENTION_BATCH = 200;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface CctvDeps {
  db: Db;
  clock: Clock;
  reference: ReferenceData;
  registry: RegistryService;
  alerts: AlertsService;
}

export interface CoverageCheck {
  areas: number;
  gaps: number;
  alertsRaised: number;
}

export interface RetentionRun {
  deleted: number;
  kept: number;
  cutoff: string;
  extendedCutoff: string;
}

/** The principal's id as stored in `*_by` columns; null for internal callers without one. */
function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!roles.includes(principal.role)) throw forbidden();
}

export function presentCamera(row: CameraRow): Camera {
  return {
    id: row.id,
    zoneId: row.zone_id,
    code: row.code,
    name: row.name,
    latitude: row.latitude,
    longitude: row.longitude,
    areaKind: row.area_kind,
    gateId: row.gate_id,
    bookId: row.book_id,
    active: row.active,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function presentSnapshot(row: SnapshotRow): Snapshot {
  return {
    id: row.id,
    cameraId: row.camera_id,
    zoneId: row.zone_id,
    capturedAt: row.captured_at.toISOString(),
    imageSha256: row.image_sha256,
    storageUri: row.storage_uri,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    receivedAt: row.received_at.toISOString(),
  };
}

function presentHold(row: HoldRow, snapshotsHeld: number) {
  return {
    id: row.id,
    cameraId: row.camera_id,
    zoneId: row.zone_id,
    from: row.held_from.toISOString(),
    to: row.held_to.toISOString(),
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    snapshotsHeld,
  };
}

function presentPolicy(row: PolicyRow): CoveragePolicy {
  return {
    defaultIntervalMinutes: row.default_interval_minutes,
    defaultSeverity: row.default_severity,
    gateIntervalMinutes: row.gate_interval_minutes,
    goodsClasses: row.goods_classes,
    retentionDays: row.retention_days,
    extendedRetentionDays: row.extended_retention_days,
    version: row.version,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The policy's own fields, in a fixed order, to tell whether a PUT changes anything. */
function policyFingerprint(policy: CoveragePolicyInput): string {
  return JSON.stringify([
    policy.defaultIntervalMinutes,
    policy.defaultSeverity,
    policy.gateIntervalMinutes,
    policy.goodsClasses.map((c) => [c.name, c.hsChapters, c.intervalMinutes, c.severity]),
    policy.retentionDays,
    policy.extendedRetentionDays,
  ]);
}

/** A camera's code is unique in its zone; a concurrent registration that took it gets 409. */
async function guardCameraCode<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if ((error as { code?: unknown }).code === '23505') {
      throw new AppError('CONFLICT', 'The camera code is already used in this zone', [{ path: '/code', message: 'is already used by another camera of this zone' }]);
    }
    throw error;
  }
}

interface AreaDraft {
  zoneId: string;
  areaKind: AreaKind;
  areaId: string;
  label: string;
  bookId: string | null;
  enterpriseId: string | null;
  cameraIds: string[];
  watchedSince: Date;
}

export function createCctvService(deps: CctvDeps) {
  const { db, clock, reference, registry, alerts } = deps;

  async function loadPolicy(tx: Db, forUpdate = false): Promise<PolicyRow> {
    const row = await repo.policy(tx, forUpdate);
    if (!row) throw new AppError('INTERNAL', 'The CCTV coverage policy is missing; run the migrations');
    return row;
  }

  /** The camera, if it exists and lies in one of the principal's zones. */
  async function visibleCamera(tx: Db, principal: Principal, id: string, forUpdate = false): Promise<CameraRow | undefined> {
    const row = await repo.findCamera(tx, id, forUpdate);
    return row && canSeeZone(principal, row.zone_id) ? row : undefined;
  }

  /**
   * Checks that the watched area belongs to the camera's zone. A gate or book that stays as it was is
   * not checked again for being open: closing a book must not make its cameras uneditable.
   */
  async function checkArea(
    tx: Db,
    zoneId: string,
    input: Pick<CameraReplacement, 'areaKind' | 'gateId' | 'bookId'>,
    current: CameraRow | null,
    errors: FieldErrors,
  ): Promise<void> {
    const { areaKind } = input;
    const gateId = input.gateId ?? null;
    const bookId = input.bookId ?? null;
    if (areaKind !== 'GATE' && gateId !== null) errors.add('/gateId', 'is only for a GATE camera');
    if (areaKind !== 'WAREHOUSE' && bookId !== null) errors.add('/bookId', 'is only for a WAREHOUSE camera');
    if (areaKind === 'GATE') {
      if (gateId === null) errors.add('/gateId', 'is required for a GATE camera');
      else {
        const gate = await registry.findGate(tx, gateId);
        if (!gate || gate.zoneId !== zoneId) errors.add('/gateId', "no such gate in the camera's zone");
        else if (!gate.active && gateId !== current?.gate_id) errors.add('/gateId', 'the gate is not active');
      }
    }
    if (areaKind === 'WAREHOUSE') {
      if (bookId === null) errors.add('/bookId', 'is required for a WAREHOUSE camera');
      else {
        const book = await registry.findBook(tx, bookId);
        if (!book || book.zoneId !== zoneId) errors.add('/bookId', "no such account book in the camera's zone");
        else if (!book.active && bookId !== current?.book_id) errors.add('/bookId', 'the book is closed');
      }
    }
  }

  function valuesOf(input: Omit<CameraReplacement, 'active'>, active: boolean): CameraValues {
    return {
      code: input.code,
      name: input.name.trim(),
      latitude: input.latitude,
      longitude: input.longitude,
      areaKind: input.areaKind,
      gateId: input.areaKind === 'GATE' ? (input.gateId ?? null) : null,
      bookId: input.areaKind === 'WAREHOUSE' ? (input.bookId ?? null) : null,
      active,
    };
  }

  async function announceCamera(tx: Db, type: 'camera.registered' | 'camera.updated', actor: Principal, camera: Camera): Promise<void> {
    // No enterprise on the event even for a warehouse camera: traders are not told where cameras are.
    await appendEvent(tx, {
      type,
      aggregateType: 'camera',
      aggregateId: camera.id,
      zoneId: camera.zoneId,
      actorId: actorIdOf(actor),
      payload: { ...camera },
      at: new Date(camera.updatedAt),
    });
  }

  /** The window a report covers: it ends now at the latest, and spans at most MAX_COVERAGE_DAYS. */
  function coverageWindow(query: { from: string; to: string }): { from: Date; to: Date; now: Date } {
    const now = clock.now();
    const from = new Date(query.from);
    const to = new Date(Math.min(Date.parse(query.to), now.getTime()));
    const errors = new FieldErrors();
    if (Date.parse(query.to) <= from.getTime()) errors.add('/to', 'must be after from');
    else if (from >= now) errors.add('/from', 'must be in the past');
    else if (to.getTime() - from.getTime() > MAX_COVERAGE_DAYS * DAY) errors.add('/from', `the window may span at most ${MAX_COVERAGE_DAYS} days`);
    errors.throwIfAny();
    return { from, to, now };
  }

  /** Every watched area of the zones (all when null) with its required interval and its gaps in [from, to]. */
  /** `now` is the moment the window was cut at: a gap lasting to then is still going on. */
  async function coverage(zoneIds: string[] | null, from: Date, to: Date, now: Date): Promise<(CoverageReport['areas'][number] & { draft: AreaDraft })[]> {
    const policy = presentPolicy(await loadPolicy(db));
    const cameras = await repo.watchingCameras(db, zoneIds, to);
    const drafts = new Map<string, AreaDraft>();
    for (const camera of cameras) {
      const areaId = camera.area_kind === 'GATE' ? camera.gate_id : camera.area_kind === 'WAREHOUSE' ? camera.book_id : camera.zone_id;
      if (areaId === null) continue;
      const key = `${camera.area_kind}:${areaId}`;
      const draft = drafts.get(key);
      if (draft) {
        draft.cameraIds.push(camera.id);
        if (camera.created_at < draft.watchedSince) draft.watchedSince = camera.created_at;
        continue;
      }
      const label =
        camera.area_kind === 'GATE'
          ? `gate ${camera.gate_code ?? ''} of zone ${camera.zone_code}`
          : camera.area_kind === 'WAREHOUSE'
            ? `book ${camera.book_code ?? ''} of ${camera.enterprise_name ?? ''} in zone ${camera.zone_code}`
            : `yard of zone ${camera.zone_code}`;
      drafts.set(key, {
        zoneId: camera.zone_id,
        areaKind: camera.area_kind,
        areaId,
        label,
        bookId: camera.book_id,
        enterpriseId: camera.enterprise_id,
        cameraIds: [camera.id],
        watchedSince: camera.created_at,
      });
    }
    const bookIds = [...drafts.values()].flatMap((draft) => (draft.bookId ? [draft.bookId] : []));
    const chaptersOf = new Map<string, Set<string>>();
    for (const { book_id: bookId, chapter } of await repo.chaptersHeld(db, bookIds)) {
      const chapters = chaptersOf.get(bookId) ?? new Set<string>();
      chapters.add(chapter);
      chaptersOf.set(bookId, chapters);
    }
    const watched = [...drafts.entries()].map(([key, draft]) => {
      const chapters = (draft.bookId && chaptersOf.get(draft.bookId)) || new Set<string>();
      return { key, draft, chapters, watch: requiredWatch(policy, draft.areaKind, chapters) };
    });
    const areas: WatchedArea[] = watched.map(({ key, draft, watch }) => ({
      key,
      intervalMinutes: watch.intervalMinutes,
      cameraIds: draft.cameraIds,
      watchedSince: draft.watchedSince,
    }));
    const gapRows = await repo.gaps(db, areas, from, to);
    const counts = new Map((await repo.snapshotCounts(db, areas, from, to)).map((row) => [row.area_key, row.n]));
    return watched.map(({ key, draft, chapters, watch }) => ({
      zoneId: draft.zoneId,
      areaKind: draft.areaKind,
      areaId: draft.areaId,
      label: draft.label,
      cameraIds: draft.cameraIds,
      requiredIntervalMinutes: watch.intervalMinutes,
      goodsClass: watch.goodsClass,
      severity: watch.severity,
      hsChapters: [...chapters].sort(),
      snapshots: counts.get(key) ?? 0,
      gaps: gapRows
        .filter((gap) => gap.area_key === key)
        .map((gap) => ({
          from: gap.gap_from.toISOString(),
          to: gap.gap_to.toISOString(),
          minutes: Math.round((gap.gap_to.getTime() - gap.gap_from.getTime()) / 6_000) / 10,
          ongoing: gap.open_ended && gap.gap_to.getTime() >= now.getTime(),
        })),
      draft,
    }));
  }

  return {
    // --- cameras ---------------------------------------------------------------------------------

    async registerCamera(tx: Db, actor: Principal, input: CameraInput): Promise<Camera> {
      requireRole(actor, CAMERA_WRITERS);
      const errors = new FieldErrors();
      const zone = await registry.findZone(tx, input.zoneId);
      if (!zone || !canSeeZone(actor, zone.id)) errors.add('/zoneId', 'no such zone');
      else if (!zone.active) errors.add('/zoneId', 'the zone is not active');
      else {
        await checkArea(tx, zone.id, input, null, errors);
        if (await repo.findCameraByCode(tx, zone.id, input.code)) errors.add('/code', 'is already used by another camera of this zone');
      }
      errors.throwIfAny();
      const row = await guardCameraCode(() => repo.insertCamera(tx, uuidv7(), input.zoneId, valuesOf(input, input.active ?? true), actorIdOf(actor), clock.now()));
      const camera = presentCamera(row);
      await announceCamera(tx, 'camera.registered', actor, camera);
      return camera;
    },

    async replaceCamera(tx: Db, actor: Principal, id: string, input: CameraReplacement): Promise<Camera> {
      requireRole(actor, CAMERA_WRITERS);
      const current = await visibleCamera(tx, actor, id, true);
      if (!current) throw notFound('Camera');
      const errors = new FieldErrors();
      await checkArea(tx, current.zone_id, input, current, errors);
      if (input.code !== current.code && (await repo.findCameraByCode(tx, current.zone_id, input.code))) {
        errors.add('/code', 'is already used by another camera of this zone');
      }
      errors.throwIfAny();
      const values = valuesOf(input, input.active);
      const before = presentCamera(current);
      const unchanged =
        values.code === before.code &&
        values.name === before.name &&
        values.latitude === before.latitude &&
        values.longitude === before.longitude &&
        values.areaKind === before.areaKind &&
        values.gateId === before.gateId &&
        values.bookId === before.bookId &&
        values.active === before.active;
      if (unchanged) return before;
      const camera = presentCamera(await guardCameraCode(() => repo.updateCamera(tx, id, values, clock.now())));
      await announceCamera(tx, 'camera.updated', actor, camera);
      return camera;
    },

    async getCamera(principal: Principal, id: string): Promise<Camera> {
      requireRole(principal, CCTV_READERS);
      const row = await visibleCamera(db, principal, id);
      if (!row) throw notFound('Camera');
      return presentCamera(row);
    },

    async listCameras(principal: Principal, query: CameraListQuery) {
      requireRole(principal, CCTV_READERS);
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, 2, ([, id]) => UUID_PATTERN.test(id ?? ''));
      if (query.zoneId && !canSeeZone(principal, query.zoneId)) return { items: [], nextCursor: null };
      const rows = await repo.listCameras(
        db,
        { zoneIds: principal.zoneIds, zoneId: query.zoneId, areaKind: query.areaKind, gateId: query.gateId, bookId: query.bookId, active: query.active },
        cursor ? [cursor[0] ?? '', cursor[1] ?? ''] : null,
        limit + 1,
      );
      return toPage(rows, limit, (row) => [row.code, row.id], presentCamera);
    },

    // --- snapshots -------------------------------------------------------------------------------

    /**
     * Stores a batch of snapshot metadata, all or nothing: one bad snapshot refuses the batch, naming
     * it, so that the camera system can fix and resend it whole. A snapshot already stored (same camera,
     * time and image hash) is counted as a duplicate, which makes a resent batch harmless.
     */
    async receiveSnapshots(tx: Db, sender: Principal, batch: SnapshotBatch) {
      requireRole(sender, SNAPSHOT_SENDERS);
      const now = clock.now();
      const latest = now.getTime() + CLOCK_SKEW_MINUTES * MINUTE;
      const cameras = new Map((await repo.findCameras(tx, [...new Set(batch.snapshots.map((s) => s.cameraId))])).map((row) => [row.id, row]));
      const errors = new FieldErrors();
      batch.snapshots.forEach((snapshot, index) => {
        const camera = cameras.get(snapshot.cameraId);
        if (!camera || !canSeeZone(sender, camera.zone_id)) errors.add(`/snapshots/${index}/cameraId`, 'no such camera in your zones');
        else if (!camera.active) errors.add(`/snapshots/${index}/cameraId`, 'the camera is inactive');
        if (Date.parse(snapshot.capturedAt) > latest) {
          errors.add(`/snapshots/${index}/capturedAt`, `is more than ${CLOCK_SKEW_MINUTES} minutes ahead of the server's clock (${now.toISOString()})`);
        }
      });
      errors.throwIfAny('The batch has invalid snapshots; none was stored');
      const stored = await repo.insertSnapshots(
        tx,
        batch.snapshots.map((snapshot) => ({
          id: uuidv7(),
          cameraId: snapshot.cameraId,
          zoneId: (cameras.get(snapshot.cameraId) as CameraRow).zone_id,
          // Milliseconds, as the API returns times: the same moment sent with more digits is the same snapshot.
          capturedAt: new Date(snapshot.capturedAt).toISOString(),
          imageSha256: snapshot.imageSha256.toLowerCase(),
          storageUri: snapshot.storageUri,
          sizeBytes: snapshot.sizeBytes ?? null,
        })),
        actorIdOf(sender),
        now,
      );
      return { received: batch.snapshots.length, stored, duplicates: batch.snapshots.length - stored };
    },

    async listSnapshots(principal: Principal, query: SnapshotListQuery) {
      requireRole(principal, CCTV_READERS);
      if (query.from && query.to && Date.parse(query.to) < Date.parse(query.from)) {
        throw new AppError('VALIDATION_FAILED', 'The request has invalid fields', [{ path: '/to', message: 'must not be before from' }]);
      }
      if (query.cameraId && !(await visibleCamera(db, principal, query.cameraId))) throw notFound('Camera');
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, 2, ([at, id]) => !Number.isNaN(Date.parse(at ?? '')) && UUID_PATTERN.test(id ?? ''));
      if (query.zoneId && !canSeeZone(principal, query.zoneId)) return { items: [], nextCursor: null };
      const rows = await repo.listSnapshots(
        db,
        { zoneIds: principal.zoneIds, zoneId: query.zoneId, cameraId: query.cameraId, from: query.from, to: query.to },
        cursor ? [cursor[0] ?? '', cursor[1] ?? ''] : null,
        limit + 1,
      );
      return toPage(rows, limit, (row) => [row.captured_at.toISOString(), row.id], presentSnapshot);
    },

    // --- holds -----------------------------------------------------------------------------------

    /** Keeps a camera's snapshots of a period for the extended retention period instead of the normal one. */
    async placeHold(tx: Db, actor: Principal, input: HoldInput) {
      requireRole(actor, HOLD_PLACERS);
      const errors = new FieldErrors();
      const camera = await visibleCamera(tx, actor, input.cameraId);
      if (!camera) errors.add('/cameraId', 'no such camera in your zones');
      const from = new Date(input.from);
      const to = new Date(input.to);
      if (to <= from) errors.add('/to', 'must be after from');
      errors.throwIfAny();
      const held = camera as CameraRow;
      const at = clock.now();
      const row = await repo.insertHold(tx, {
        id: uuidv7(),
        cameraId: held.id,
        zoneId: held.zone_id,
        from: from.toISOString(),
        to: to.toISOString(),
        reason: input.reason.trim(),
        by: actorIdOf(actor),
        at,
      });
      const snapshotsHeld = await repo.countSnapshots(tx, held.id, from, to);
      // The reason stays in the hold: an investigation's grounds are not broadcast to the zone.
      await appendEvent(tx, {
        type: 'cctv.hold_placed',
        aggregateType: 'cctv_hold',
        aggregateId: row.id,
        zoneId: row.zone_id,
        actorId: actorIdOf(actor),
        payload: { cameraId: row.camera_id, from: row.held_from.toISOString(), to: row.held_to.toISOString(), snapshotsHeld },
        at,
      });
      return presentHold(row, snapshotsHeld);
    },

    // --- policy ----------------------------------------------------------------------------------

    async getPolicy(principal: Principal): Promise<CoveragePolicy> {
      requireRole(principal, CCTV_READERS);
      return presentPolicy(await loadPolicy(db));
    },

    async updatePolicy(tx: Db, actor: Principal, input: CoveragePolicyInput): Promise<CoveragePolicy> {
      requireRole(actor, ['admin']);
      const policy: CoveragePolicyInput = { ...input, goodsClasses: input.goodsClasses.map((goodsClass) => ({ ...goodsClass, name: goodsClass.name.trim() })) };
      const { hsEdition } = await registry.getAdministration(tx);
      const nomenclature = reference.hs(hsEdition);
      checkPolicy(policy, (chapter) => nomenclature.get(chapter)?.level === 2).throwIfAny();
      const current = await loadPolicy(tx, true);
      if (policyFingerprint(presentPolicy(current)) === policyFingerprint(policy)) return presentPolicy(current);
      const updated = presentPolicy(await repo.updatePolicy(tx, policy, actorIdOf(actor), clock.now()));
      await appendEvent(tx, {
        type: 'cctv-policy.updated',
        aggregateType: 'cctv-policy',
        aggregateId: '1',
        actorId: actorIdOf(actor),
        payload: { ...updated },
        at: new Date(updated.updatedAt),
      });
      return updated;
    },

    // --- coverage --------------------------------------------------------------------------------

    async coverageReport(principal: Principal, query: CoverageQuery): Promise<CoverageReport> {
      requireRole(principal, CCTV_READERS);
      const { from, to, now } = coverageWindow(query);
      const empty = { from: from.toISOString(), to: to.toISOString(), areas: [] };
      if (query.zoneId && !canSeeZone(principal, query.zoneId)) return empty;
      const zoneIds = query.zoneId ? [query.zoneId] : principal.zoneIds;
      const areas = await coverage(zoneIds, from, to, now);
      return { ...empty, areas: areas.map(({ draft: _draft, ...area }) => area) };
    },

    /**
     * The scheduled check: every gap of the last `hours` in every zone not reported before raises
     * one CCTV_GAP alert, with its claim on the gap in the same transaction.
     */
    async checkCoverage(options: { hours?: number } = {}): Promise<CoverageCheck> {
      const now = clock.now();
      const from = new Date(now.getTime() - (options.hours ?? CHECK_WINDOW_HOURS) * 3_600_000);
      const areas = await coverage(null, from, now, now);
      let gaps = 0;
      let alertsRaised = 0;
      for (const area of areas) {
        for (const gap of area.gaps) {
          gaps += 1;
          const startedAt = new Date(gap.from);
          const raised = await db.transaction(async (tx) => {
            const claim = { areaKind: area.areaKind, areaId: area.areaId, startedAt };
            if (!(await repo.claimGap(tx, { ...claim, zoneId: area.zoneId, at: now }))) return false;
            const requirement = area.goodsClass ? `${area.goodsClass} requires` : 'the policy requires';
            const alert = await alerts.raise(tx, {
              kind: 'CCTV_GAP',
              severity: area.severity,
              zoneId: area.zoneId,
              // A surveillance gap is the zone's to answer for, not a mark against the trader whose
              // premises the camera watches (alerts of an enterprise feed its risk score).
              enterpriseId: null,
              subjectType: area.areaKind === 'GATE' ? 'gate' : area.areaKind === 'WAREHOUSE' ? 'book' : 'zone',
              subjectId: area.areaId,
              dedupKey: `CCTV_GAP:${area.areaKind}:${area.areaId}:${gap.from}`,
              message: `No CCTV snapshot of ${area.label} for ${gap.minutes} minutes from ${gap.from}${gap.ongoing ? ' (still none)' : ''}; ${requirement} one every ${area.requiredIntervalMinutes} minutes`,
              details: {
                areaKind: area.areaKind,
                areaId: area.areaId,
                gapFrom: gap.from,
                gapTo: gap.to,
                minutes: gap.minutes,
                ongoing: gap.ongoing,
                requiredIntervalMinutes: area.requiredIntervalMinutes,
                goodsClass: area.goodsClass,
                cameraIds: area.cameraIds,
                ...(area.draft.bookId ? { bookId: area.draft.bookId, enterpriseId: area.draft.enterpriseId } : {}),
              },
              at: now,
            });
            await repo.linkGapAlert(tx, claim, alert.id);
            return true;
          });
          if (raised) alertsRaised += 1;
        }
      }
      return { areas: areas.length, gaps, alertsRaised };
    },

    // --- retention -------------------------------------------------------------------------------

    /**
     * Deletes snapshot metadata past the retention period, except what a customs hold keeps for the
     * extended period. Each batch is deleted with one `cctv.retention_applied` event per zone listing
     * the storage URIs the zone's camera system should purge, so no deletion goes unannounced.
     */
    async applyRetention(): Promise<RetentionRun> {
      const policy = presentPolicy(await loadPolicy(db));
      const now = clock.now();
      const cutoff = new Date(now.getTime() - policy.retentionDays * DAY);
      const extendedCutoff = new Date(now.getTime() - policy.extendedRetentionDays * DAY);
      const keptByZone = new Map((await repo.countKept(db, cutoff, extendedCutoff)).map((row) => [row.zone_id, row.n]));
      const announced = new Set<string>();
      const runId = uuidv7();
      const announce = (tx: Db, zoneId: string, storageUris: string[]) => {
        announced.add(zoneId);
        return appendEvent(tx, {
          type: 'cctv.retention_applied',
          aggregateType: 'cctv_retention',
          aggregateId: runId,
          zoneId,
          payload: {
            deleted: storageUris.length,
            kept: keptByZone.get(zoneId) ?? 0,
            storageUris,
            retentionDays: policy.retentionDays,
            extendedRetentionDays: policy.extendedRetentionDays,
            cutoff: cutoff.toISOString(),
          },
          at: now,
        });
      };
      let deleted = 0;
      for (;;) {
        const count = await db.transaction(async (tx) => {
          const rows = await repo.deleteExpired(tx, cutoff, extendedCutoff, RETENTION_BATCH);
          const urisByZone = new Map<string, string[]>();
          for (const row of rows) urisByZone.set(row.zone_id, [...(urisByZone.get(row.zone_id) ?? []), row.storage_uri]);
          for (const [zoneId, uris] of urisByZone) await announce(tx, zoneId, uris);
          return rows.length;
        });
        deleted += count;
        if (count < RETENTION_BATCH) break;
      }
      // A zone whose old snapshots are all held still hears how many were kept.
      const unannounced = [...keptByZone.keys()].filter((zoneId) => !announced.has(zoneId));
      if (unannounced.length > 0) {
        await db.transaction(async (tx) => {
          for (const zoneId of unannounced) await announce(tx, zoneId, []);
        });
      }
      const kept = [...keptByZone.values()].reduce((sum, n) => sum + n, 0);
      return { deleted, kept, cutoff: cutoff.toISOString(), extendedCutoff: extendedCutoff.toISOString() };
    },
  };
}

export type CctvService = ReturnType<typeof createCctvService>;
