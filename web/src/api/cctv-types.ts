// Replies of the CCTV API (src/cctv/cctv.schemas.ts): cameras and the area each watches, the
// coverage policy, the coverage report with its gaps, and customs holds on a camera's snapshots.
import type { Severity } from './alert-types.ts';

export const AREA_KINDS = ['GATE', 'WAREHOUSE', 'YARD'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

export const AREA_KIND_NAMES: Record<AreaKind, string> = { GATE: 'Gate', WAREHOUSE: 'Warehouse (account book)', YARD: 'Yard' };

export interface Camera {
  id: string;
  zoneId: string;
  code: string;
  name: string;
  latitude: number;
  longitude: number;
  areaKind: AreaKind;
  gateId: string | null;
  bookId: string | null;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What a camera form sends; numbers the user typed badly go as typed, for the server to name. */
export interface CameraFields {
  code: string;
  name: string;
  latitude: number | string;
  longitude: number | string;
  areaKind: AreaKind;
  gateId: string | null;
  bookId: string | null;
}

export interface GoodsClass {
  name: string;
  hsChapters: string[];
  intervalMinutes: number;
  severity: Severity;
}

export interface CoveragePolicyFields {
  defaultIntervalMinutes: number;
  defaultSeverity: Severity;
  gateIntervalMinutes: number;
  goodsClasses: GoodsClass[];
  retentionDays: number;
  extendedRetentionDays: number;
}

export interface CoveragePolicy extends CoveragePolicyFields {
  version: number;
  updatedBy: string | null;
  updatedAt: string;
}

export interface Gap {
  from: string;
  to: string;
  minutes: number;
  ongoing: boolean;
}

export interface CoverageArea {
  zoneId: string;
  areaKind: AreaKind;
  areaId: string;
  label: string;
  cameraIds: string[];
  requiredIntervalMinutes: number;
  goodsClass: string | null;
  severity: Severity;
  hsChapters: string[];
  snapshots: number;
  gaps: Gap[];
}

export interface CoverageReport {
  from: string;
  to: string;
  areas: CoverageArea[];
}

export interface Hold {
  id: string;
  cameraId: string;
  zoneId: string;
  from: string;
  to: string;
  reason: string;
  createdBy: string | null;
  createdAt: string;
  snapshotsHeld: number;
}
