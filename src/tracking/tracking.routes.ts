// Cargo tracking over HTTP: /api/v1/devices, /api/v1/trips (with the live map, tracks and
// timelines), /api/v1/telemetry and /api/v1/tracking-settings.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import {
  DEVICE_READERS,
  DEVICE_WRITERS,
  SETTINGS_READERS,
  TELEMETRY_SCOPE,
  TELEMETRY_SENDERS,
  TRIP_DECIDERS,
  TRIP_PLANNERS,
  TRIP_READERS,
} from './tracking.service.ts';
import {
  AbortionInput,
  CompletionInput,
  Device,
  DeviceDrops,
  DeviceInput,
  DeviceListQuery,
  DropsQuery,
  LiveTrips,
  RetirementInput,
  StartInput,
  TelemetryInput,
  TelemetryReceipt,
  Timeline,
  Track,
  TrackingSettings,
  TrackingSettingsInput,
  TrackQuery,
  Trip,
  TripInput,
  TripListQuery,
} from './tracking.schemas.ts';

export function registerTrackingRoutes(app: App, ctx: AppContext): void {
  const { db } = ctx;
  const tracking = ctx.tracking.service;
  const tags = ['tracking'];

  // --- devices ---------------------------------------------------------------------------------------

  app.get(
    '/api/v1/devices',
    { config: { access: { roles: DEVICE_READERS } }, schema: { tags, summary: 'E-seals and e-locks of your zones (traders: their own), newest first', querystring: DeviceListQuery, response: { 200: Page(Device), ...errorResponses } } },
    (request) => tracking.listDevices(principalOf(request), request.query),
  );

  app.post(
    '/api/v1/devices',
    { config: { access: { roles: DEVICE_WRITERS } }, schema: { tags, summary: 'Register an e-seal or e-lock in one of your zones', body: DeviceInput, response: { 201: Device, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => tracking.registerDevice(tx, principalOf(request), request.body)),
  );

  app.get('/api/v1/devices/:id', { config: { access: { roles: DEVICE_READERS } }, schema: { tags, summary: 'A device', params: IdParams, response: { 200: Device, ...errorResponses } } }, (request) =>
    tracking.getDevice(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/devices/:id/retirement',
    {
      config: { access: { roles: DEVICE_WRITERS } },
      schema: { tags, summary: 'Retire a device bound to no open trip', params: IdParams, body: RetirementInput, response: { 200: Device, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => tracking.retireDevice(tx, principalOf(request), request.params.id, request.body.reason)),
  );

  app.get(
    '/api/v1/devices/:id/drops',
    {
      config: { access: { roles: DEVICE_READERS } },
      schema: { tags, summary: "The device's dropped messages by day and reason (the last 30 days unless asked)", params: IdParams, querystring: DropsQuery, response: { 200: DeviceDrops, ...errorResponses } },
    },
    (request) => tracking.deviceDrops(principalOf(request), request.params.id, request.query),
  );

  // --- trips -----------------------------------------------------------------------------------------

  app.get(
    '/api/v1/trips',
    { config: { access: { roles: TRIP_READERS } }, schema: { tags, summary: 'Trips touching your zones (traders: their own), newest first', querystring: TripListQuery, response: { 200: Page(Trip), ...errorResponses } } },
    (request) => tracking.listTrips(principalOf(request), request.query),
  );

  app.post(
    '/api/v1/trips',
    {
      config: { access: { roles: TRIP_PLANNERS } },
      schema: { tags, summary: "Plan a trip: a device on a released declaration's container, between two gates, along a corridor", body: TripInput, response: { 201: Trip, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => tracking.createTrip(tx, principalOf(request), request.body)),
  );

  app.get(
    '/api/v1/trips/live',
    { config: { access: { roles: TRIP_READERS } }, schema: { tags, summary: 'PLANNED and ACTIVE trips with their last position, seal and open alerts (the live map polls it)', response: { 200: LiveTrips, ...errorResponses } } },
    (request) => tracking.live(principalOf(request)),
  );

  app.get('/api/v1/trips/:id', { config: { access: { roles: TRIP_READERS } }, schema: { tags, summary: 'A trip', params: IdParams, response: { 200: Trip, ...errorResponses } } }, (request) =>
    tracking.getTrip(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/trips/:id/start',
    { config: { access: { roles: TRIP_DECIDERS } }, schema: { tags, summary: 'Start a PLANNED trip by hand', params: IdParams, body: StartInput, response: { 200: Trip, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => tracking.startTrip(tx, principalOf(request), request.params.id, request.body.note ?? null)),
  );

  app.post(
    '/api/v1/trips/:id/completion',
    { config: { access: { roles: TRIP_DECIDERS } }, schema: { tags, summary: 'Complete an ACTIVE trip by hand, with a note', params: IdParams, body: CompletionInput, response: { 200: Trip, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => tracking.completeTrip(tx, principalOf(request), request.params.id, request.body.note)),
  );

  app.post(
    '/api/v1/trips/:id/abortion',
    { config: { access: { roles: TRIP_DECIDERS } }, schema: { tags, summary: 'Abort a PLANNED or ACTIVE trip, with the reason', params: IdParams, body: AbortionInput, response: { 200: Trip, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => tracking.abortTrip(tx, principalOf(request), request.params.id, request.body.reason)),
  );

  app.get(
    '/api/v1/trips/:id/track',
    { config: { access: { roles: TRIP_READERS } }, schema: { tags, summary: "The trip's positions as compact arrays, oldest first", params: IdParams, querystring: TrackQuery, response: { 200: Track, ...errorResponses } } },
    (request) => tracking.track(principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/trips/:id/timeline',
    { config: { access: { roles: TRIP_READERS } }, schema: { tags, summary: "The trip's status changes, device events and alerts in time order", params: IdParams, response: { 200: Timeline, ...errorResponses } } },
    (request) => tracking.timeline(principalOf(request), request.params.id),
  );

  // --- telemetry and settings --------------------------------------------------------------------------

  // A gateway resends what it did not see acknowledged: stored messages are recognised, so no
  // Idempotency-Key is needed.
  app.post(
    '/api/v1/telemetry',
    {
      config: { access: { roles: TELEMETRY_SENDERS, keyScope: TELEMETRY_SCOPE } },
      schema: {
        tags,
        summary: "A device's telemetry (as over MQTT): answered once stored, with the messages dropped by reason",
        body: TelemetryInput,
        response: { 202: TelemetryReceipt, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(202).send(await tracking.receiveTelemetry(principalOf(request), request.body)),
  );

  app.get(
    '/api/v1/tracking-settings',
    { config: { access: { roles: SETTINGS_READERS } }, schema: { tags, summary: 'How trips are watched and which fixes are trusted', response: { 200: TrackingSettings, ...errorResponses } } },
    (request) => tracking.getSettings(principalOf(request)),
  );

  app.put(
    '/api/v1/tracking-settings',
    { config: { access: { roles: ['admin'] } }, schema: { tags, summary: 'Set the tracking settings', body: TrackingSettingsInput, response: { 200: TrackingSettings, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => tracking.updateSettings(tx, principalOf(request), request.body)),
  );
}
