// Zones and gates: /api/v1/zones, /api/v1/zones/{id}/gates, /api/v1/gates/{id}.
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page, PageQuery } from '../platform/http/schemas.ts';
import { WRITERS } from './registry.scope.ts';
import { Gate, GateInput, GatePatch, Zone, ZoneInput, ZonePatch } from './registry.schemas.ts';

const readers = { access: { roles: ALL_ROLES } };

export function registerZoneRoutes(app: App, ctx: AppContext): void {
  const { registry, db } = ctx;

  app.get(
    '/api/v1/zones',
    {
      config: readers,
      schema: {
        tags: ['registry'],
        summary: 'Zones the caller may see, in code order, with their gates',
        querystring: Type.Object({ ...PageQuery, active: Type.Optional(Type.Boolean()) }),
        response: { 200: Page(Zone), ...errorResponses },
      },
    },
    (request) =>
      registry.listZones(principalOf(request), {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
        active: request.query.active,
      }),
  );

  app.get(
    '/api/v1/zones/:id',
    {
      config: readers,
      schema: { tags: ['registry'], summary: 'A zone with its gates', params: IdParams, response: { 200: Zone, ...errorResponses } },
    },
    (request) => registry.getZone(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/zones',
    {
      config: { access: { roles: WRITERS.zone } },
      schema: { tags: ['registry'], summary: 'Register a zone', body: ZoneInput, response: { 201: Zone, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => registry.createZone(tx, principalOf(request), request.body)),
  );

  app.patch(
    '/api/v1/zones/:id',
    {
      config: { access: { roles: WRITERS.zone } },
      schema: {
        tags: ['registry'],
        summary: 'Change a zone; only the fields sent change',
        params: IdParams,
        body: ZonePatch,
        response: { 200: Zone, ...errorResponses },
      },
    },
    (request, reply) =>
      idempotent(db, request, reply, 200, (tx) => registry.updateZone(tx, principalOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/zones/:id/gates',
    {
      config: { access: { roles: WRITERS.gate } },
      schema: {
        tags: ['registry'],
        summary: 'Register a gate of a zone (admins, and the operators of that zone)',
        params: IdParams,
        body: GateInput,
        response: { 201: Gate, ...errorResponses },
      },
    },
    (request, reply) =>
      idempotent(db, request, reply, 201, (tx) => registry.addGate(tx, principalOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/gates/:id',
    { config: readers, schema: { tags: ['registry'], summary: 'A gate', params: IdParams, response: { 200: Gate, ...errorResponses } } },
    (request) => registry.getGate(principalOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/gates/:id',
    {
      config: { access: { roles: WRITERS.gate } },
      schema: {
        tags: ['registry'],
        summary: 'Change a gate; only the fields sent change',
        params: IdParams,
        body: GatePatch,
        response: { 200: Gate, ...errorResponses },
      },
    },
    (request, reply) =>
      idempotent(db, request, reply, 200, (tx) => registry.updateGate(tx, principalOf(request), request.params.id, request.body)),
  );
}
