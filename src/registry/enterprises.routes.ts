// Enterprises: /api/v1/enterprises.
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page, PageQuery, Uuid } from '../platform/http/schemas.ts';
import { WRITERS } from './registry.scope.ts';
import { Enterprise, EnterpriseInput, EnterprisePatch } from './registry.schemas.ts';

const readers = { access: { roles: ALL_ROLES } };

export function registerEnterpriseRoutes(app: App, ctx: AppContext): void {
  const { registry, db } = ctx;

  app.get(
    '/api/v1/enterprises',
    {
      config: readers,
      schema: {
        tags: ['registry'],
        summary: 'Enterprises the caller may see, in name order (an enterprise user sees its own)',
        querystring: Type.Object({
          ...PageQuery,
          q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the name or identifier' })),
          zoneId: Type.Optional(Uuid),
          active: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Page(Enterprise), ...errorResponses },
      },
    },
    (request) =>
      registry.listEnterprises(principalOf(request), {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
        q: request.query.q,
        zoneId: request.query.zoneId,
        active: request.query.active,
      }),
  );

  app.get(
    '/api/v1/enterprises/:id',
    {
      config: readers,
      schema: { tags: ['registry'], summary: 'An enterprise', params: IdParams, response: { 200: Enterprise, ...errorResponses } },
    },
    (request) => registry.getEnterprise(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/enterprises',
    {
      config: { access: { roles: WRITERS.enterprise } },
      schema: {
        tags: ['registry'],
        summary: 'Register an enterprise',
        body: EnterpriseInput,
        response: { 201: Enterprise, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => registry.createEnterprise(tx, principalOf(request), request.body)),
  );

  app.patch(
    '/api/v1/enterprises/:id',
    {
      config: { access: { roles: WRITERS.enterprise } },
      schema: {
        tags: ['registry'],
        summary: 'Change an enterprise; only the fields sent change',
        params: IdParams,
        body: EnterprisePatch,
        response: { 200: Enterprise, ...errorResponses },
      },
    },
    (request, reply) =>
      idempotent(db, request, reply, 200, (tx) => registry.updateEnterprise(tx, principalOf(request), request.params.id, request.body)),
  );
}
