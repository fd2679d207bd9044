// Replies of the cargo tracking API (src/tracking/tracking.schemas.ts): the devices (e-seals and
// e-locks), the trips that bind one to a released declaration's container between two gates, the
// live positions of the trips under way, their tracks and timelines. Coordinates are
// [longitude, latitude] in degrees, except where a position names `lon` and `lat`.

export type LonLat = [number, number];

export const DEVICE_TYPES = ['E_SEAL', 'E_LOCK'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];
export const DEVICE_TYPE_NAMES: Record<DeviceType, string> = { E_SEAL: 'E-seal (single use)', E_LOCK: 'E-lock (reusable)' };

export const DEVICE_STATUSES = ['ACTIVE', 'RETIRED'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export interface TrackingDevice {
  id: string;
  /** The maker's id, as the device names itself in its telemetry. */
  deviceId: string;
  type: DeviceType;
  /** Null: owned by customs. */
  ownerEnterpriseId: string | null;
  zoneId: string;
  status: DeviceStatus;
  batteryPercent: number | null;
  lastSeenAt: string | null;
  lastPosition: { at: string; lon: number; lat: number } | null;
  retiredAt: string | null;
  retirementReason: string | null;
  createdAt: string;
}

export interface DeviceInput {
  deviceId: string;
  type: DeviceType;
  ownerEnterpriseId?: string | null;
  zoneId: string;
}

export const DROP_REASONS = ['MALFORMED', 'INVALID', 'ZERO', 'DUPLICATE', 'OUT_OF_ORDER', 'FUTURE', 'IMPOSSIBLE_SPEED', 'POOR_ACCURACY', 'NO_TRIP'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export const DROP_REASON_NAMES: Record<DropReason, string> = {
  MALFORMED: 'Malformed payload',
  INVALID: 'Invalid fix',
  ZERO: 'Zero position (0, 0)',
  DUPLICATE: 'Duplicate',
  OUT_OF_ORDER: 'Out of order',
  FUTURE: 'In the future',
  IMPOSSIBLE_SPEED: 'Impossible speed',
  POOR_ACCURACY: 'Poor accuracy',
  NO_TRIP: 'No trip',
};

export interface DeviceDrop {
  day: string;
  reason: DropReason;
  count: number;
}

/** Counts of one device's dropped messages over a period of days (the server's default without from/to). */
export interface DeviceDrops {
  deviceId: string;
  from: string;
  to: string;
  items: DeviceDrop[];
}

export type Corridor = { type: 'route'; line: LonLat[]; widthMeters: number } | { type: 'area'; polygon: LonLat[][] };

export interface AllowedStop {
  name: string;
  center: LonLat;
  radiusMeters: number;
}

export const TRIP_STATUSES = ['PLANNED', 'ACTIVE', 'COMPLETED', 'ABORTED'] as const;
export type TripStatus = (typeof TRIP_STATUSES)[number];

export const SEAL_STATES = ['ARMED', 'SEALED', 'OPENED'] as const;
export type SealState = (typeof SEAL_STATES)[number];

export interface TripWindow {
  departFrom: string;
  arriveBy: string;
}

/** Where and when the device last reported, with its speed. */
export interface LastPosition {
  at: string;
  lon: number;
  lat: number;
  speedKmh: number | null;
}

export interface Trip {
  id: string;
  reference: string;
  declarationId: string;
  declarationReference: string;
  enterpriseId: string;
  /** The device record's id (a uuid); `deviceCode` is the maker's id. */
  deviceId: string;
  deviceCode: string;
  deviceType: DeviceType;
  containerNumber: string;
  originGateId: string;
  destinationGateId: string;
  originZoneId: string;
  destinationZoneId: string;
  corridor: Corridor;
  allowedStops: AllowedStop[];
  window: TripWindow;
  status: TripStatus;
  startedAt: string | null;
  endedAt: string | null;
  endNote: string | null;
  sealState: SealState | null;
  tampered: boolean;
  lastPosition: LastPosition | null;
  distanceMeters: number;
  positions: number;
  createdAt: string;
}

export interface TripInput {
  declarationId: string;
  /** The device record's id, or its maker's id. */
  deviceId: string;
  containerNumber: string;
  originGateId: string;
  destinationGateId: string;
  corridor: Corridor;
  window: TripWindow;
  allowedStops?: AllowedStop[];
}

/** One trip under way on the monitoring map. */
export interface LiveTrip {
  id: string;
  reference: string;
  status: 'PLANNED' | 'ACTIVE';
  declarationId: string;
  enterpriseId: string;
  deviceId: string;
  deviceCode: string;
  containerNumber: string;
  originGateId: string;
  destinationGateId: string;
  originZoneId: string;
  destinationZoneId: string;
  arriveBy: string;
  lastPosition: LastPosition | null;
  sealState: SealState | null;
  tampered: boolean;
  /** Null for those who do not read customs' alerts. */
  openAlerts: number | null;
}

export interface LiveTrips {
  at: string;
  items: LiveTrip[];
}

/** Positions as parallel arrays, oldest first: epoch milliseconds, degrees, km/h (null when not reported). */
export interface Track {
  tripId: string;
  t: number[];
  lon: number[];
  lat: number[];
  speed: Array<number | null>;
  /** More fixes follow: ask again from the last time. */
  truncated: boolean;
}

export interface TimelineEntry {
  at: string;
  /** What happened: a change of status, a device's report, an alert raised. */
  source: 'status' | 'device' | 'alert';
  /** CREATED, STARTED, COMPLETED, ABORTED; a device event (SEAL_OPENED, TAMPER, ...); or an alert kind. */
  kind: string;
  message: string;
  details: Record<string, unknown>;
}

export interface Timeline {
  tripId: string;
  items: TimelineEntry[];
}

export const TRACKING_ALERT_KINDS = [
  'SEAL_OPENED_OUTSIDE_GATE',
  'SEAL_TAMPERED',
  'ROUTE_DEVIATION',
  'OVERDUE_ARRIVAL',
  'UNAUTHORISED_STOP',
  'SIGNAL_LOST',
  'LOW_BATTERY',
  'WRONG_GATE_ARRIVAL',
] as const;
export type TrackingAlertKind = (typeof TRACKING_ALERT_KINDS)[number];

export const TRACKING_ALERT_NAMES: Record<TrackingAlertKind, string> = {
  SEAL_OPENED_OUTSIDE_GATE: 'Seal opened outside a gate',
  SEAL_TAMPERED: 'Seal tampered with',
  ROUTE_DEVIATION: 'Route deviation',
  OVERDUE_ARRIVAL: 'Overdue arrival',
  UNAUTHORISED_STOP: 'Unauthorised stop',
  SIGNAL_LOST: 'Signal lost',
  LOW_BATTERY: 'Low battery',
  WRONG_GATE_ARRIVAL: 'Arrival at the wrong gate',
};

export function isTrackingAlertKind(kind: unknown): kind is TrackingAlertKind {
  return typeof kind === 'string' && (TRACKING_ALERT_KINDS as readonly string[]).includes(kind);
}
