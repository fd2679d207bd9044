// Items: /api/v1/items.
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page, PageQuery, Uuid } from '../platform/http/schemas.ts';
import { WRITERS } from './registry.scope.ts';
import { Item, ItemInput, ItemPatch } from './registry.schemas.ts';

const readers = { access: { roles: ALL_ROLES } };

export function registerItemRoutes(app: App, ctx: AppContext): void {
  const { registry, db } = ctx;

  app.get(
    '/api/v1/items',
    {
      config: readers,
      schema: {
        tags: ['registry'],
        summary: 'Items the caller may see, in part-number order (an enterprise user sees its own)',
        querystring: Type.Object({
          ...PageQuery,
          enterpriseId: Type.Optional(Uuid),
          q: Type.Optional(
            Type.String({ minLength: 1, maxLength: 100, description: 'Part of the part number or description, or the start of the HS code' }),
          ),
          active: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Page(Item), ...errorResponses },
      },
    },
    (request) =>
      registry.listItems(principalOf(request), {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
        enterpriseId: request.query.enterpriseId,
        q: request.query.q,
        active: request.query.active,
      }),
  );

  app.get(
    '/api/v1/items/:id',
    { config: readers, schema: { tags: ['registry'], summary: 'An item', params: IdParams, response: { 200: Item, ...errorResponses } } },
    (request) => registry.getItem(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/items',
    {
      config: { access: { roles: WRITERS.item } },
      schema: {
        tags: ['registry'],
        summary: "Add an item to an enterprise's catalogue (an enterprise user adds to its own)",
        body: ItemInput,
        response: { 201: Item, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => registry.createItem(tx, principalOf(request), request.body)),
  );

  app.patch(
    '/api/v1/items/:id',
    {
      config: { access: { roles: WRITERS.item } },
      schema: {
        tags: ['registry'],
        summary: 'Change an item; only the fields sent change',
        params: IdParams,
        body: ItemPatch,
        response: { 200: Item, ...errorResponses },
      },
    },
    (request, reply) =>
      idempotent(db, request, reply, 200, (tx) => registry.updateItem(tx, principalOf(request), request.params.id, request.body)),
  );
}
