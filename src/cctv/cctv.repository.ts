// SQL of CCTV evidence: cameras, snapshot metadata, holds, the coverage policy, the gaps already
// reported, and the two heavy reads: coverage gaps per area and the snapshots due for deletion.
import type { Db } from '../platform/db/db.ts';
import { whereBuilder } from '../platform/db/where.ts';
import type { Severity } from '../alerts/alerts.schemas.ts';
import type { AreaKind, GoodsClass } from './cctv.schemas.ts';

export interface CameraRow extends Record<string, unknown> {
  id: string;
  zone_id: string;
  code: string;
  name: string;
  latitude: number;
  longitude: number;
  area_kind: AreaKind;
  gate_id: string | null;
  book_id: string | null;
  active: boolean;
  version: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface CameraValues {
  code: string;
  name: string;
  latitude: number;
  longitude: number;
  areaKind: AreaKind;
  gateId: string | null;
  bookId: string | null;
  active: boolean;
}

/** An active camera with the names of what it watches, for the coverage report. */
export interface WatchingCameraRow extends Record<string, unknown> {
  id: string;
  zone_id: string;
  area_kind: AreaKind;
  gate_id: string | null;
  book_id: string | null;
  created_at: Date;
  zone_code: string;
  gate_code: string | null;
  book_code: string | null;
  enterprise_id: string | null;
  enterprise_name: string | null;
}

export interface SnapshotRow extends Record<string, unknown> {
  id: string;
  camera_id: string;
  zone_id: string;
  captured_at: Date;
  image_sha256: string;
  storage_uri: string;
  size_bytes: number | string | bigint | null;
  received_at: Date;
}

export interface NewSnapshot {
  id: string;
  cameraId: string;
  zoneId: string;
  capturedAt: string;
  imageSha256: string;
  storageUri: string;
  sizeBytes: number | null;
}

export interface PolicyRow extends Record<string, unknown> {
  default_interval_minutes: number;
  default_severity: Severity;
  gate_interval_minutes: number;
  goods_classes: GoodsClass[];
  retention_days: number;
  extended_retention_days: number;
  version: number;
  updated_by: string | null;
  updated_at: Date;
}

export interface PolicyValues {
  defaultIntervalMinutes: number;
  defaultSeverity: Severity;
  gateIntervalMinutes: number;
  goodsClasses: GoodsClass[];
  retentionDays: number;
  extendedRetentionDays: number;
}

export interface HoldRow extends Record<string, unknown> {
  id: string;
  camera_id: string;
  zone_id: string;
  held_from: Date;
  held_to: Date;
  reason: string;
  created_by: string | null;
  created_at: Date;
}

/** An area to check: its cameras, its interval and since when it is watched. */
export interface WatchedArea {
  key: string;
  intervalMinutes: number;
  cameraIds: string[];
  /** The earliest registration of its active cameras: before it, nothing was watched. */
  watchedSince: Date;
}

export interface GapRow extends Record<string, unknown> {
  area_key: string;
  gap_from: Date;
  gap_to: Date;
  /** The gap runs to the end of the window: no snapshot has ended it yet. */
  open_ended: boolean;
}

const CAMERA_COLUMNS = 'id, zone_id, code, name, latitude, longitude, area_kind, gate_id, book_id, active, version, created_by, created_at, updated_at';
const SNAPSHOT_COLUMNS = 'id, camera_id, zone_id, captured_at, image_sha256, storage_uri, size_bytes, received_at';
const POLICY_COLUMNS =
  'default_interval_minutes, default_severity, gate_interval_minutes, goods_classes, retention_days, extended_retention_days, version, updated_by, updated_at';

/** Snapshots a customs hold keeps: of the held camera, captured within the held period. */
const HELD = `EXISTS (SELECT 1 FROM cctv_holds h WHERE h.camera_id = s.camera_id AND s.captured_at BETWEEN h.held_from AND h.held_to)`;

export const cctvRepository = {
  async findCamera(db: Db, id: string, forUpdate = false): Promise<CameraRow | undefined> {
    const [row] = await db.query<CameraRow>(`SELECT ${CAMERA_COLUMNS} FROM cameras WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  },

  async findCameraByCode(db: Db, zoneId: string, code: string): Promise<CameraRow | undefined> {
    const [row] = await db.query<CameraRow>(`SELECT ${CAMERA_COLUMNS} FROM cameras WHERE zone_id = $1 AND code = $2`, [zoneId, code]);
    return row;
  },

  async findCameras(db: Db, ids: readonly string[]): Promise<CameraRow[]> {
    if (ids.length === 0) return [];
    return db.query<CameraRow>(`SELECT ${CAMERA_COLUMNS} FROM cameras WHERE id = ANY($1::uuid[])`, [ids]);
  },

  async insertCamera(db: Db, id: string, zoneId: string, values: CameraValues, by: string | null, at: Date): Promise<CameraRow> {
    const [row] = await db.query<CameraRow>(
      `INSERT INTO cameras (id, zone_id, code, name, latitude, longitude, area_kind, gate_id, book_id, active, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING ${CAMERA_COLUMNS}`,
      [id, zoneId, values.code, values.name, values.latitude, values.longitude, values.areaKind, values.gateId, values.bookId, values.active, by, at],
    );
    return row as CameraRow;
  },

  async updateCamera(db: Db, id: string, values: CameraValues, at: Date): Promise<CameraRow> {
    const [row] = await db.query<CameraRow>(
      `UPDATE cameras SET code = $2, name = $3, latitude = $4, longitude = $5, area_kind = $6, gate_id = $7, book_id = $8, active = $9,
         version = version + 1, updated_at = $10
       WHERE id = $1 RETURNING ${CAMERA_COLUMNS}`,
      [id, values.code, values.name, values.latitude, values.longitude, values.areaKind, values.gateId, values.bookId, values.active, at],
    );
    return row as CameraRow;
  },

  /** Cameras in code order (then id: codes repeat across zones), after the cursor. */
  async listCameras(
    db: Db,
    filter: { zoneIds: string[] | null; zoneId?: string | undefined; areaKind?: AreaKind | undefined; gateId?: string | undefined; bookId?: string | undefined; active?: boolean | undefined },
    after: [string, string] | null,
    limit: number,
  ): Promise<CameraRow[]> {
    const q = whereBuilder();
    if (filter.zoneIds) q.add('zone_id = ANY(?::uuid[])', filter.zoneIds);
    if (filter.zoneId) q.add('zone_id = ?', filter.zoneId);
    if (filter.areaKind) q.add('area_kind = ?', filter.areaKind);
    if (filter.gateId) q.add('gate_id = ?', filter.gateId);
    if (filter.bookId) q.add('book_id = ?', filter.bookId);
    if (filter.active !== undefined) q.add('active = ?', filter.active);
    if (after) q.add('(code, id) > (?, ?::uuid)', after[0], after[1]);
    q.params.push(limit);
    return db.query<CameraRow>(`SELECT ${CAMERA_COLUMNS} FROM cameras ${q.sql()} ORDER BY code, id LIMIT $${q.params.length}`, q.params);
  },

  /** Active cameras registered before `before`, with what they watch, in the zones given (all when null). */
  async watchingCameras(db: Db, zoneIds: string[] | null, before: Date): Promise<WatchingCameraRow[]> {
    return db.query<WatchingCameraRow>(
      `SELECT c.id, c.zone_id, c.area_kind, c.gate_id, c.book_id, c.created_at, z.code AS zone_code,
              g.code AS gate_code, b.code AS book_code, b.enterprise_id, e.name AS enterprise_name
       FROM cameras c
       JOIN zones z ON z.id = c.zone_id
       LEFT JOIN gates g ON g.id = c.gate_id
       LEFT JOIN books b ON b.id = c.book_id
       LEFT JOIN enterprises e ON e.id = b.enterprise_id
       WHERE c.active AND c.created_at < $2 AND ($1::uuid[] IS NULL OR c.zone_id = ANY($1::uuid[]))
       ORDER BY z.code, c.area_kind, g.code NULLS FIRST, b.code NULLS FIRST, c.code`,
      [zoneIds, before],
    );
  },

  /**
   * The HS chapters each book holds now. Current stock is what the lot rows hold (quantity > 0), as
   * the books' stock read model counts it.
   */
  async chaptersHeld(db: Db, bookIds: readonly string[]): Promise<{ book_id: string; chapter: string }[]> {
    if (bookIds.length === 0) return [];
    return db.query<{ book_id: string; chapter: string }>(
      'SELECT DISTINCT book_id, left(hs_code, 2) AS chapter FROM lots WHERE book_id = ANY($1::uuid[]) AND quantity > 0 ORDER BY book_id, chapter',
      [bookIds],
    );
  },

  /**
   * Stretches longer than each area's interval without a snapshot of any of its cameras. Each area's
   * timeline runs from its last snapshot before the window (or, lacking one, from when it was first
   * watched) through its snapshots in the window to the window's end; a gap is two neighbours on it
   * further apart than the interval. Starting from the snapshot before the window gives a gap the
   * same start whichever window finds it, which is what keeps a repeated check from reporting it anew.
   */
  async gaps(db: Db, areas: readonly WatchedArea[], from: Date, to: Date): Promise<GapRow[]> {
    if (areas.length === 0) return [];
    const members = areas.flatMap((area) => area.cameraIds.map((cameraId) => [area.key, cameraId] as const));
    return db.query<GapRow>(
      `WITH area AS (
         SELECT a.area_key, a.interval_minutes, a.watched_since, GREATEST(a.watched_since, $5::timestamptz) AS watch_from
         FROM unnest($1::text[], $2::integer[], $3::timestamptz[]) AS a(area_key, interval_minutes, watched_since)
       ), member AS (
         SELECT * FROM unnest($4::text[], $7::uuid[]) AS m(area_key, camera_id)
       ), mark AS (
         SELECT DISTINCT m.area_key, s.captured_at AS at, 1 AS ord
         FROM member m
         JOIN area a ON a.area_key = m.area_key
         JOIN cctv_snapshots s ON s.camera_id = m.camera_id AND s.captured_at >= a.watch_from AND s.captured_at <= $6
         UNION ALL
         SELECT a.area_key,
                COALESCE(
                  (SELECT max(previous.at)
                   FROM member m
                   CROSS JOIN LATERAL (
                     SELECT s.captured_at AS at FROM cctv_snapshots s
                     WHERE s.camera_id = m.camera_id AND s.captured_at < a.watch_from
                     ORDER BY s.captured_at DESC LIMIT 1
                   ) previous
                   WHERE m.area_key = a.area_key),
                  a.watched_since),
                0
         FROM area a
         UNION ALL
         SELECT area_key, $6::timestamptz, 2 FROM area
       ), step AS (
         SELECT area_key, ord, at AS gap_to, lag(at) OVER (PARTITION BY area_key ORDER BY at, ord) AS gap_from FROM mark
       )
       SELECT st.area_key, st.gap_from, st.gap_to, st.ord = 2 AS open_ended
       FROM step st JOIN area a ON a.area_key = st.area_key
       WHERE st.gap_from IS NOT NULL AND st.gap_to - st.gap_from > make_interval(mins => a.interval_minutes)
       ORDER BY st.area_key, st.gap_from`,
      [
        areas.map((area) => area.key),
        areas.map((area) => area.intervalMinutes),
        areas.map((area) => area.watchedSince.toISOString()),
        members.map(([key]) => key),
        from.toISOString(),
        to.toISOString(),
        members.map(([, cameraId]) => cameraId),
      ],
    );
  },

  /** Snapshots per area in [from, to]. */
  async snapshotCounts(db: Db, areas: readonly WatchedArea[], from: Date, to: Date): Promise<{ area_key: string; n: number }[]> {
    const members = areas.flatMap((area) => area.cameraIds.map((cameraId) => [area.key, cameraId] as const));
    if (members.length === 0) return [];
    return db.query<{ area_key: string; n: number }>(
      `SELECT m.area_key, count(*)::int AS n
       FROM unnest($1::text[], $2::uuid[]) AS m(area_key, camera_id)
       JOIN cctv_snapshots s ON s.camera_id = m.camera_id AND s.captured_at >= $3 AND s.captured_at <= $4
       GROUP BY m.area_key`,
      [members.map(([key]) => key), members.map(([, cameraId]) => cameraId), from, to],
    );
  },

  /** Claims a gap for reporting; false when an earlier check already reported it. */
  async claimGap(db: Db, gap: { areaKind: AreaKind; areaId: string; startedAt: Date; zoneId: string; at: Date }): Promise<boolean> {
    const rows = await db.query(
      `INSERT INTO cctv_gaps (area_kind, area_id, started_at, zone_id, detected_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [gap.areaKind, gap.areaId, gap.startedAt, gap.zoneId, gap.at],
    );
    return rows.length > 0;
  },

  async linkGapAlert(db: Db, gap: { areaKind: AreaKind; areaId: string; startedAt: Date }, alertId: string): Promise<void> {
    await db.query('UPDATE cctv_gaps SET alert_id = $4 WHERE area_kind = $1 AND area_id = $2 AND started_at = $3', [
      gap.areaKind,
      gap.areaId,
      gap.startedAt,
      alertId,
    ]);
  },

  /** Inserts the snapshots not stored yet (by camera, time and hash); returns how many were new. */
  async insertSnapshots(db: Db, snapshots: readonly NewSnapshot[], by: string | null, at: Date): Promise<number> {
    const rows = await db.query(
      `INSERT INTO cctv_snapshots (id, camera_id, zone_id, captured_at, image_sha256, storage_uri, size_bytes, received_by, received_at)
       SELECT s.id, s.camera_id, s.zone_id, s.captured_at, s.image_sha256, s.storage_uri, s.size_bytes, $8, $9
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[], $6::text[], $7::bigint[])
         AS s(id, camera_id, zone_id, captured_at, image_sha256, storage_uri, size_bytes)
       ON CONFLICT (camera_id, captured_at, image_sha256) DO NOTHING
       RETURNING 1`,
      [
        snapshots.map((s) => s.id),
        snapshots.map((s) => s.cameraId),
        snapshots.map((s) => s.zoneId),
        snapshots.map((s) => s.capturedAt),
        snapshots.map((s) => s.imageSha256),
        snapshots.map((s) => s.storageUri),
        snapshots.map((s) => s.sizeBytes),
        by,
        at,
      ],
    );
    return rows.length;
  },

  /** Snapshots newest first, after the cursor. */
  async listSnapshots(
    db: Db,
    filter: { zoneIds: string[] | null; zoneId?: string | undefined; cameraId?: string | undefined; from?: string | undefined; to?: string | undefined },
    after: [string, string] | null,
    limit: number,
  ): Promise<SnapshotRow[]> {
    const q = whereBuilder();
    if (filter.zoneIds) q.add('zone_id = ANY(?::uuid[])', filter.zoneIds);
    if (filter.zoneId) q.add('zone_id = ?', filter.zoneId);
    if (filter.cameraId) q.add('camera_id = ?', filter.cameraId);
    if (filter.from) q.add('captured_at >= ?::timestamptz', filter.from);
    if (filter.to) q.add('captured_at <= ?::timestamptz', filter.to);
    if (after) q.add('(captured_at, id) < (?::timestamptz, ?::uuid)', after[0], after[1]);
    q.params.push(limit);
    return db.query<SnapshotRow>(
      `SELECT ${SNAPSHOT_COLUMNS} FROM cctv_snapshots ${q.sql()} ORDER BY captured_at DESC, id DESC LIMIT $${q.params.length}`,
      q.params,
    );
  },

  async policy(db: Db, forUpdate = false): Promise<PolicyRow | undefined> {
    const [row] = await db.query<PolicyRow>(`SELECT ${POLICY_COLUMNS} FROM cctv_policy WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`);
    return row;
  },

  async updatePolicy(db: Db, values: PolicyValues, by: string | null, at: Date): Promise<PolicyRow> {
    const [row] = await db.query<PolicyRow>(
      `UPDATE cctv_policy SET default_interval_minutes = $1, default_severity = $2, gate_interval_minutes = $3, goods_classes = $4::jsonb,
         retention_days = $5, extended_retention_days = $6, version = version + 1, updated_by = $7, updated_at = $8
       WHERE id = 1 RETURNING ${POLICY_COLUMNS}`,
      [
        values.defaultIntervalMinutes,
        values.defaultSeverity,
        values.gateIntervalMinutes,
        JSON.stringify(values.goodsClasses),
        values.retentionDays,
        values.extendedRetentionDays,
        by,
        at,
      ],
    );
    return row as PolicyRow;
  },

  async insertHold(db: Db, hold: { id: string; cameraId: string; zoneId: string; from: string; to: string; reason: string; by: string | null; at: Date }): Promise<HoldRow> {
    const [row] = await db.query<HoldRow>(
      `INSERT INTO cctv_holds (id, camera_id, zone_id, held_from, held_to, reason, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [hold.id, hold.cameraId, hold.zoneId, hold.from, hold.to, hold.reason, hold.by, hold.at],
    );
    return row as HoldRow;
  },

  async countSnapshots(db: Db, cameraId: string, from: Date, to: Date): Promise<number> {
    const [row] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM cctv_snapshots WHERE camera_id = $1 AND captured_at BETWEEN $2 AND $3',
      [cameraId, from, to],
    );
    return row?.n ?? 0;
  },

  /**
   * Deletes up to `limit` snapshots past retention, oldest first: captured before `cutoff`, unless a
   * hold keeps them and they are not yet past `extendedCutoff`. Returns what the camera system must purge.
   */
  async deleteExpired(db: Db, cutoff: Date, extendedCutoff: Date, limit: number): Promise<{ zone_id: string; storage_uri: string }[]> {
    return db.query<{ zone_id: string; storage_uri: string }>(
      `DELETE FROM cctv_snapshots WHERE id IN (
         SELECT s.id FROM cctv_snapshots s
         WHERE s.captured_at < $1 AND NOT (s.captured_at >= $2 AND ${HELD})
         ORDER BY s.captured_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       )
       RETURNING zone_id, storage_uri`,
      [cutoff, extendedCutoff, limit],
    );
  },

  /** Per zone, the snapshots past `cutoff` that a hold keeps until `extendedCutoff` passes them. */
  async countKept(db: Db, cutoff: Date, extendedCutoff: Date): Promise<{ zone_id: string; n: number }[]> {
    return db.query<{ zone_id: string; n: number }>(
      `SELECT s.zone_id, count(*)::int AS n FROM cctv_snapshots s
       WHERE s.captured_at < $1 AND s.captured_at >= $2 AND ${HELD}
       GROUP BY s.zone_id`,
      [cutoff, extendedCutoff],
    );
  },
};
