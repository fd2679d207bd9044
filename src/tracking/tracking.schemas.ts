// The shapes of cargo tracking's API: devices, trips (with their corridor, live view, track and
// timeline), telemetry over HTTP, and the tracking settings.
import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, Nullable, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { SEAL_STATES, MAX_TELEMETRY_MESSAGES } from './telemetry.contract.ts';
import { DROP_REASONS } from './filters.ts';

export const DEVICE_TYPES = ['E_SEAL', 'E_LOCK'] as const;
export const DEVICE_STATUSES = ['ACTIVE', 'RETIRED'] as const;
export const TRIP_STATUSES = ['PLANNED', 'ACTIVE', 'COMPLETED', 'ABORTED'] as const;
export type TripStatus = (typeof TRIP_STATUSES)[number];

/** Upper bounds that keep one trip cheap to store, send and test positions against. */
export const MAX_ROUTE_POINTS = 5000;
export const MAX_AREA_POSITIONS = 10_000;
export const MAX_AREA_RINGS = 50;
export const MAX_ALLOWED_STOPS = 50;
/** The most fixes one track reply carries; a longer track is read in several windows. */
export const MAX_TRACK_POINTS = 100_000;

export const DEVICE_CODE_PATTERN = '^[A-Za-z0-9._-]{3,64}$';
const DeviceCode = Type.String({ pattern: DEVICE_CODE_PATTERN, description: "The maker's id of the device, as in its telemetry" });
const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[longitude, latitude], degrees WGS84' });

export const Device = Type.Object({
  id: Uuid,
  deviceId: Type.String({ description: "The maker's id of the device" }),
  type: StringEnum(DEVICE_TYPES),
  ownerEnterpriseId: Nullable(Uuid),
  zoneId: Uuid,
  status: StringEnum(DEVICE_STATUSES),
  batteryPercent: Nullable(Type.Integer()),
  lastSeenAt: Type.Union([IsoDateTime, Type.Null()], {
    description:
      'When the device was last heard from. While it reports on an open trip: at least the time of the trip\'s newest stored position; the receipt of its other messages is kept at least once a minute',
  }),
  lastPosition: Type.Union([Type.Object({ at: IsoDateTime, lon: Type.Number(), lat: Type.Number() }), Type.Null()], {
    description: 'Its last accepted fix (while it reports on an open trip, the trip\'s newest stored position)',
  }),
  retiredAt: Nullable(IsoDateTime),
  retirementReason: Nullable(Type.String()),
  createdAt: IsoDateTime,
});
export type Device = Static<typeof Device>;

export const DeviceInput = Type.Object(
  {
    deviceId: DeviceCode,
    type: StringEnum(DEVICE_TYPES),
    ownerEnterpriseId: Type.Optional(Nullable(Uuid)),
    zoneId: Uuid,
  },
  { additionalProperties: false },
);
export type DeviceInput = Static<typeof DeviceInput>;

export const DeviceListQuery = Type.Object({
  zoneId: Type.Optional(Uuid),
  status: Type.Optional(StringEnum(DEVICE_STATUSES)),
  type: Type.Optional(StringEnum(DEVICE_TYPES)),
  ownerEnterpriseId: Type.Optional(Uuid),
  deviceId: Type.Optional(DeviceCode),
  ...PageQuery,
});
export type DeviceListQuery = Static<typeof DeviceListQuery>;

export const RetirementInput = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });

export const DropsQuery = Type.Object({
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
});
export type DropsQuery = Static<typeof DropsQuery>;

export const DeviceDrops = Type.Object({
  deviceId: Uuid,
  from: IsoDate,
  to: IsoDate,
  items: Type.Array(Type.Object({ day: IsoDate, reason: StringEnum(DROP_REASONS), count: Type.Integer() })),
});
export type DeviceDrops = Static<typeof DeviceDrops>;

// --- trips -----------------------------------------------------------------------------------------

/** What a request may carry; the service checks the rest so that each bad part is named by its path. */
export const CorridorInput = Type.Object(
  {
    type: StringEnum(['route', 'area'] as const),
    line: Type.Optional(Type.Array(Position, { maxItems: MAX_ROUTE_POINTS, description: 'route: the planned road, 2 to 5000 positions' })),
    widthMeters: Type.Optional(Type.Number({ description: 'route: full width of the corridor, 50 to 5000 m' })),
    polygon: Type.Optional(
      Type.Array(Type.Array(Position, { maxItems: MAX_AREA_POSITIONS }), { maxItems: MAX_AREA_RINGS, description: 'area: GeoJSON Polygon coordinates (exterior ring, then holes)' }),
    ),
  },
  { additionalProperties: false, description: 'Where the goods may go: a route with a width, or an area' },
);
export type CorridorInput = Static<typeof CorridorInput>;

export const Corridor = Type.Union([
  Type.Object({ type: Type.Literal('route'), line: Type.Array(Position), widthMeters: Type.Number() }),
  Type.Object({ type: Type.Literal('area'), polygon: Type.Array(Type.Array(Position)) }),
]);

export const AllowedStop = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    center: Position,
    radiusMeters: Type.Number({ minimum: 10, maximum: 5000 }),
  },
  { additionalProperties: false },
);

export const TripInput = Type.Object(
  {
    declarationId: Uuid,
    deviceId: Type.String({ minLength: 3, maxLength: 64, description: "The device's id, or its maker's id" }),
    containerNumber: Type.String({ minLength: 4, maxLength: 20, description: "ISO 6346: one of the declaration's containers" }),
    originGateId: Uuid,
    destinationGateId: Uuid,
    corridor: CorridorInput,
    window: Type.Object({ departFrom: IsoDateTime, arriveBy: IsoDateTime }, { additionalProperties: false }),
    allowedStops: Type.Optional(Type.Array(AllowedStop, { maxItems: MAX_ALLOWED_STOPS })),
  },
  { additionalProperties: false },
);
export type TripInput = Static<typeof TripInput>;

const LastPosition = Nullable(Type.Object({ at: IsoDateTime, lon: Type.Number(), lat: Type.Number(), speedKmh: Nullable(Type.Number()) }));

export const Trip = Type.Object({
  id: Uuid,
  reference: Type.String({ examples: ['TRP-2026-000123'] }),
  declarationId: Uuid,
  declarationReference: Type.String(),
  enterpriseId: Uuid,
  deviceId: Uuid,
  deviceCode: Type.String({ description: "The device's maker's id" }),
  deviceType: StringEnum(DEVICE_TYPES),
  containerNumber: Type.String(),
  originGateId: Uuid,
  destinationGateId: Uuid,
  originZoneId: Uuid,
  destinationZoneId: Uuid,
  corridor: Corridor,
  allowedStops: Type.Array(Type.Object({ name: Type.String(), center: Position, radiusMeters: Type.Number() })),
  window: Type.Object({ departFrom: IsoDateTime, arriveBy: IsoDateTime }),
  status: StringEnum(TRIP_STATUSES),
  startedAt: Nullable(IsoDateTime),
  endedAt: Nullable(IsoDateTime),
  endNote: Nullable(Type.String()),
  sealState: Nullable(StringEnum(SEAL_STATES)),
  tampered: Type.Boolean({ description: 'A tamper, cut or unauthorised unlock was reported on this trip' }),
  lastPosition: LastPosition,
  distanceMeters: Type.Number(),
  positions: Type.Integer(),
  createdAt: IsoDateTime,
});
export type Trip = Static<typeof Trip>;

export const TripListQuery = Type.Object({
  status: Type.Optional(StringEnum(TRIP_STATUSES)),
  declarationId: Type.Optional(Uuid),
  deviceId: Type.Optional(Uuid),
  zoneId: Type.Optional(Uuid),
  enterpriseId: Type.Optional(Uuid),
  ...PageQuery,
});
export type TripListQuery = Static<typeof TripListQuery>;

export const StartInput = Type.Object({ note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false });
export const CompletionInput = Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
export const AbortionInput = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });

export const LiveTrip = Type.Object({
  id: Uuid,
  reference: Type.String(),
  status: StringEnum(['PLANNED', 'ACTIVE'] as const),
  declarationId: Uuid,
  enterpriseId: Uuid,
  deviceId: Uuid,
  deviceCode: Type.String(),
  containerNumber: Type.String(),
  originGateId: Uuid,
  destinationGateId: Uuid,
  originZoneId: Uuid,
  destinationZoneId: Uuid,
  arriveBy: IsoDateTime,
  lastPosition: LastPosition,
  sealState: Nullable(StringEnum(SEAL_STATES)),
  tampered: Type.Boolean(),
  openAlerts: Nullable(Type.Integer({ description: "Open alerts on the trip; null for those who do not read customs' alerts" })),
});
export type LiveTrip = Static<typeof LiveTrip>;

export const LiveTrips = Type.Object({ at: IsoDateTime, items: Type.Array(LiveTrip) });
export type LiveTrips = Static<typeof LiveTrips>;

export const TrackQuery = Type.Object({ from: Type.Optional(IsoDateTime), to: Type.Optional(IsoDateTime) });
export type TrackQuery = Static<typeof TrackQuery>;

export const Track = Type.Object({
  tripId: Uuid,
  t: Type.Array(Type.Integer(), { description: 'Epoch milliseconds of each fix, oldest first' }),
  lon: Type.Array(Type.Number()),
  lat: Type.Array(Type.Number()),
  speed: Type.Array(Nullable(Type.Number()), { description: 'km/h as reported; null when not reported' }),
  truncated: Type.Boolean({ description: `More fixes follow: at most ${MAX_TRACK_POINTS} are sent at once; ask again from the last time` }),
});
export type Track = Static<typeof Track>;

export const TimelineEntry = Type.Object({
  at: IsoDateTime,
  source: StringEnum(['status', 'device', 'alert'] as const),
  kind: Type.String({ description: 'CREATED, STARTED, COMPLETED, ABORTED; a device event (SEAL_OPENED, TAMPER, ...); or an alert kind' }),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export const Timeline = Type.Object({ tripId: Uuid, items: Type.Array(TimelineEntry) });
export type Timeline = Static<typeof Timeline>;

// --- telemetry over HTTP ---------------------------------------------------------------------------

export const TelemetryInput = Type.Object(
  {
    deviceId: DeviceCode,
    messages: Type.Array(Type.Unknown(), {
      minItems: 1,
      maxItems: MAX_TELEMETRY_MESSAGES,
      description:
        'Telemetry messages as the device sends them over MQTT: {type: "position", time, lat, lon, speed?, heading?, accuracy?, battery?}, ' +
        '{type: "seal", time, state: ARMED|SEALED|OPENED}, {type: "event", time, event: TAMPER|CUT|SHOCK|LOW_BATTERY|UNLOCK, battery?, authorisation?}',
    }),
  },
  { additionalProperties: false },
);
export type TelemetryInput = Static<typeof TelemetryInput>;

export const TelemetryReceipt = Type.Object({
  accepted: Type.Integer({ description: 'Messages stored' }),
  dropped: Type.Record(Type.String(), Type.Integer(), { description: 'Messages dropped, by reason' }),
});

// --- settings --------------------------------------------------------------------------------------

const settingsFields = {
  deviationMeters: Type.Integer({ minimum: 0, maximum: 100_000, description: 'Beyond the corridor by more than this ...' }),
  deviationSeconds: Type.Integer({ minimum: 0, maximum: 86_400, description: '... for at least this long raises ROUTE_DEVIATION' }),
  returnSeconds: Type.Integer({ minimum: 0, maximum: 86_400, description: 'Back inside this long ends an excursion' }),
  stopSpeedKmh: Type.Number({ minimum: 0, maximum: 50 }),
  stopMinutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'Stopped outside gates, zones and allowed stops this long raises UNAUTHORISED_STOP' }),
  signalLostMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  lowBatteryPercent: Type.Integer({ minimum: 0, maximum: 90 }),
  gateFenceRadiusMeters: Type.Integer({ minimum: 10, maximum: 5000 }),
  futureToleranceSeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
  maxSpeedKmh: Type.Integer({ minimum: 10, maximum: 1000 }),
  maxAccuracyMeters: Type.Integer({ minimum: 1, maximum: 10_000 }),
  retentionDays: Type.Integer({ minimum: 1, maximum: 3650, description: 'Positions of trips ended longer ago are deleted' }),
};

export const TrackingSettingsInput = Type.Object(settingsFields, { additionalProperties: false });
export type TrackingSettingsInput = Static<typeof TrackingSettingsInput>;

export const TrackingSettings = Type.Object({ ...settingsFields, version: Type.Integer(), updatedAt: IsoDateTime });
export type TrackingSettings = Static<typeof TrackingSettings>;
