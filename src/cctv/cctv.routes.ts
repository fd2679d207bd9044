// CCTV evidence over HTTP: /api/v1/cameras, and /api/v1/cctv/{snapshots,holds,policy,coverage}.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import { CAMERA_WRITERS, CCTV_READERS, HOLD_PLACERS, SNAPSHOT_SCOPE, SNAPSHOT_SENDERS } from './cctv.service.ts';
import {
  Camera,
  CameraInput,
  CameraListQuery,
  CameraReplacement,
  CoveragePolicy,
  CoveragePolicyInput,
  CoverageQuery,
  CoverageReport,
  Hold,
  HoldInput,
  Snapshot,
  SnapshotBatch,
  SnapshotListQuery,
  SnapshotReceipt,
} from './cctv.schemas.ts';

export function registerCctvRoutes(app: App, ctx: AppContext): void {
  const { cctv, db } = ctx;
  const tags = ['cctv'];
  const readers = { access: { roles: CCTV_READERS } };
  const writers = { access: { roles: CAMERA_WRITERS } };

  app.get(
    '/api/v1/cameras',
    { config: readers, schema: { tags, summary: 'Cameras of the zones you work in, by code', querystring: CameraListQuery, response: { 200: Page(Camera), ...errorResponses } } },
    (request) => cctv.listCameras(principalOf(request), request.query),
  );

  app.get('/api/v1/cameras/:id', { config: readers, schema: { tags, summary: 'A camera', params: IdParams, response: { 200: Camera, ...errorResponses } } }, (request) =>
    cctv.getCamera(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/cameras',
    { config: writers, schema: { tags, summary: 'Register a camera and the area it watches (admins, and the operators of its zone)', body: CameraInput, response: { 201: Camera, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => cctv.registerCamera(tx, principalOf(request), request.body)),
  );

  app.put(
    '/api/v1/cameras/:id',
    {
      config: writers,
      schema: { tags, summary: 'Replace a camera (its zone stays); deactivate it with active: false', params: IdParams, body: CameraReplacement, response: { 200: Camera, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => cctv.replaceCamera(tx, principalOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/cctv/snapshots',
    {
      config: { access: { roles: SNAPSHOT_SENDERS, keyScope: SNAPSHOT_SCOPE } },
      schema: {
        tags,
        summary: `Record snapshot metadata from a camera system, one or a batch; a snapshot sent again is stored once (API keys need ${SNAPSHOT_SCOPE})`,
        body: SnapshotBatch,
        response: { 201: SnapshotReceipt, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => cctv.receiveSnapshots(tx, principalOf(request), request.body)),
  );

  app.get(
    '/api/v1/cctv/snapshots',
    { config: readers, schema: { tags, summary: 'Snapshot metadata, newest first', querystring: SnapshotListQuery, response: { 200: Page(Snapshot), ...errorResponses } } },
    (request) => cctv.listSnapshots(principalOf(request), request.query),
  );

  app.post(
    '/api/v1/cctv/holds',
    {
      config: { access: { roles: HOLD_PLACERS } },
      schema: { tags, summary: "Keep a camera's snapshots of a period for the extended retention period", body: HoldInput, response: { 201: Hold, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => cctv.placeHold(tx, principalOf(request), request.body)),
  );

  app.get('/api/v1/cctv/policy', { config: readers, schema: { tags, summary: 'The coverage policy: intervals per area and goods, and retention', response: { 200: CoveragePolicy, ...errorResponses } } }, (request) =>
    cctv.getPolicy(principalOf(request)),
  );

  app.put(
    '/api/v1/cctv/policy',
    { config: { access: { roles: ['admin'] } }, schema: { tags, summary: 'Set the coverage policy', body: CoveragePolicyInput, response: { 200: CoveragePolicy, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => cctv.updatePolicy(tx, principalOf(request), request.body)),
  );

  app.get(
    '/api/v1/cctv/coverage',
    {
      config: readers,
      schema: { tags, summary: 'Each watched area with its required interval and its gaps in the window (at most 31 days, ending now at the latest)', querystring: CoverageQuery, response: { 200: CoverageReport, ...errorResponses } },
    },
    (request) => cctv.coverageReport(principalOf(request), request.query),
  );
}
