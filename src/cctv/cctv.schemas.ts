// Request and reply shapes of CCTV evidence: cameras, snapshot metadata, holds, the coverage
// policy and the coverage report.
import { Type, type Static } from 'typebox';
import { IsoDateTime, Nullable, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { SEVERITIES } from '../alerts/alerts.schemas.ts';

export const AREA_KINDS = ['GATE', 'WAREHOUSE', 'YARD'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

/** The most snapshots one request may carry: a camera system's buffer after a short outage. */
export const MAX_SNAPSHOTS_PER_REQUEST = 500;
/** The longest window one coverage report may span. */
export const MAX_COVERAGE_DAYS = 31;

const CameraCode = Type.String({ pattern: '^[A-Z0-9][A-Z0-9_-]{0,31}$', description: 'Upper-case identifier, unique in its zone, e.g. CAM-G1-01' });
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Minutes = (description?: string) => Type.Integer({ minimum: 1, maximum: 1440, ...(description ? { description } : {}) });
const Days = (description: string) => Type.Integer({ minimum: 1, maximum: 3650, description });

const cameraFields = {
  code: CameraCode,
  name: Name,
  latitude: Type.Number({ minimum: -90, maximum: 90 }),
  longitude: Type.Number({ minimum: -180, maximum: 180 }),
  areaKind: StringEnum(AREA_KINDS, { description: 'GATE: a gate of the zone (gateId); WAREHOUSE: an account book kept in the zone (bookId); YARD: the zone itself' }),
  gateId: Type.Optional(Nullable(Uuid)),
  bookId: Type.Optional(Nullable(Uuid)),
};

export const CameraInput = Type.Object(
  { zoneId: Uuid, ...cameraFields, active: Type.Optional(Type.Boolean({ default: true })) },
  { additionalProperties: false },
);
export type CameraInput = Static<typeof CameraInput>;

/** The whole camera as it should be; its zone does not change. */
export const CameraReplacement = Type.Object({ ...cameraFields, active: Type.Boolean() }, { additionalProperties: false });
export type CameraReplacement = Static<typeof CameraReplacement>;

export const Camera = Type.Object({
  id: Uuid,
  zoneId: Uuid,
  code: Type.String(),
  name: Type.String(),
  latitude: Type.Number(),
  longitude: Type.Number(),
  areaKind: StringEnum(AREA_KINDS),
  gateId: Nullable(Uuid),
  bookId: Nullable(Uuid),
  active: Type.Boolean(),
  version: Type.Integer({ minimum: 1 }),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Camera = Static<typeof Camera>;

export const CameraListQuery = Type.Object(
  {
    zoneId: Type.Optional(Uuid),
    areaKind: Type.Optional(StringEnum(AREA_KINDS)),
    gateId: Type.Optional(Uuid),
    bookId: Type.Optional(Uuid),
    active: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type CameraListQuery = Static<typeof CameraListQuery>;

export const SnapshotInput = Type.Object(
  {
    cameraId: Uuid,
    capturedAt: IsoDateTime,
    imageSha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the image file, 64 hex digits' }),
    storageUri: Type.String({ format: 'uri', maxLength: 1024, description: "Where the camera system keeps the image, e.g. s3://bucket/zone/cam/2025-01-01T10-00-00Z.jpg" }),
    sizeBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_099_511_627_776 })),
  },
  { additionalProperties: false },
);
export type SnapshotInput = Static<typeof SnapshotInput>;

export const SnapshotBatch = Type.Object(
  { snapshots: Type.Array(SnapshotInput, { minItems: 1, maxItems: MAX_SNAPSHOTS_PER_REQUEST, description: 'One snapshot, or a batch' }) },
  { additionalProperties: false },
);
export type SnapshotBatch = Static<typeof SnapshotBatch>;

export const SnapshotReceipt = Type.Object({
  received: Type.Integer({ description: 'Snapshots in the request' }),
  stored: Type.Integer({ description: 'Snapshots new to Cordon' }),
  duplicates: Type.Integer({ description: 'Snapshots already stored (same camera, time and image hash), or repeated in the request' }),
});

export const Snapshot = Type.Object({
  id: Uuid,
  cameraId: Uuid,
  zoneId: Uuid,
  capturedAt: IsoDateTime,
  imageSha256: Type.String(),
  storageUri: Type.String(),
  sizeBytes: Nullable(Type.Integer()),
  receivedAt: IsoDateTime,
});
export type Snapshot = Static<typeof Snapshot>;

export const SnapshotListQuery = Type.Object(
  { cameraId: Type.Optional(Uuid), zoneId: Type.Optional(Uuid), from: Type.Optional(IsoDateTime), to: Type.Optional(IsoDateTime), ...PageQuery },
  { additionalProperties: false },
);
export type SnapshotListQuery = Static<typeof SnapshotListQuery>;

export const HoldInput = Type.Object(
  {
    cameraId: Uuid,
    from: IsoDateTime,
    to: IsoDateTime,
    reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Why customs needs the evidence kept' }),
  },
  { additionalProperties: false },
);
export type HoldInput = Static<typeof HoldInput>;

export const Hold = Type.Object({
  id: Uuid,
  cameraId: Uuid,
  zoneId: Uuid,
  from: IsoDateTime,
  to: IsoDateTime,
  reason: Type.String(),
  createdBy: Nullable(Uuid),
  createdAt: IsoDateTime,
  snapshotsHeld: Type.Integer({ description: 'Snapshots of the period stored when the hold was placed' }),
});

export const GoodsClass = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }),
    hsChapters: Type.Array(Type.String({ pattern: '^[0-9]{2}$', description: 'HS chapter, 2 digits' }), { minItems: 1, maxItems: 99, uniqueItems: true }),
    intervalMinutes: Minutes(),
    severity: StringEnum(SEVERITIES),
  },
  { additionalProperties: false },
);
export type GoodsClass = Static<typeof GoodsClass>;

const policyFields = {
  defaultIntervalMinutes: Minutes('Longest stretch without a snapshot of any area not ruled otherwise'),
  defaultSeverity: StringEnum(SEVERITIES, { description: 'Severity of a gap under the default or gate interval' }),
  gateIntervalMinutes: Minutes('Longest stretch without a snapshot of a gate'),
  goodsClasses: Type.Array(GoodsClass, { maxItems: 50, description: 'Goods watched more closely: a warehouse holding them must be seen at their interval' }),
  retentionDays: Days('Snapshot metadata older than this is deleted'),
  extendedRetentionDays: Days('How long snapshots under a customs hold are kept'),
};

export const CoveragePolicyInput = Type.Object(policyFields, { additionalProperties: false });
export type CoveragePolicyInput = Static<typeof CoveragePolicyInput>;

export const CoveragePolicy = Type.Object({
  ...policyFields,
  version: Type.Integer(),
  updatedBy: Nullable(Uuid),
  updatedAt: IsoDateTime,
});
export type CoveragePolicy = Static<typeof CoveragePolicy>;

export const CoverageQuery = Type.Object(
  { from: IsoDateTime, to: IsoDateTime, zoneId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export type CoverageQuery = Static<typeof CoverageQuery>;

export const Gap = Type.Object({
  from: Type.String({ format: 'date-time', description: 'The last snapshot before the gap, or when watching began; may precede the window' }),
  to: Type.String({ format: 'date-time', description: 'The next snapshot, or the end of the window' }),
  minutes: Type.Number(),
  ongoing: Type.Boolean({ description: 'No snapshot yet: the gap lasts until now' }),
});

export const CoverageArea = Type.Object({
  zoneId: Uuid,
  areaKind: StringEnum(AREA_KINDS),
  areaId: Type.String({ description: 'The gate, the book or the zone watched' }),
  label: Type.String(),
  cameraIds: Type.Array(Uuid),
  requiredIntervalMinutes: Type.Integer(),
  goodsClass: Nullable(Type.String({ description: 'The class of goods that sets the interval, null for the default' })),
  severity: StringEnum(SEVERITIES),
  hsChapters: Type.Array(Type.String(), { description: "Chapters of the book's current stock (warehouses)" }),
  snapshots: Type.Integer({ description: 'Snapshots of the area in the window' }),
  gaps: Type.Array(Gap),
});

export const CoverageReport = Type.Object({
  from: IsoDateTime,
  to: IsoDateTime,
  areas: Type.Array(CoverageArea),
});
export type CoverageReport = Static<typeof CoverageReport>;
