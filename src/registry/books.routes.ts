// Account books: /api/v1/books.
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page, PageQuery, Uuid } from '../platform/http/schemas.ts';
import { WRITERS } from './registry.scope.ts';
import { Book, BookInput, BookPatch } from './registry.schemas.ts';

const readers = { access: { roles: ALL_ROLES } };

export function registerBookRoutes(app: App, ctx: AppContext): void {
  const { registry, db } = ctx;

  app.get(
    '/api/v1/books',
    {
      config: readers,
      schema: {
        tags: ['registry'],
        summary: 'Account books the caller may see, in code order',
        querystring: Type.Object({
          ...PageQuery,
          enterpriseId: Type.Optional(Uuid),
          zoneId: Type.Optional(Uuid),
          active: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Page(Book), ...errorResponses },
      },
    },
    (request) =>
      registry.listBooks(principalOf(request), {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
        enterpriseId: request.query.enterpriseId,
        zoneId: request.query.zoneId,
        active: request.query.active,
      }),
  );

  app.get(
    '/api/v1/books/:id',
    { config: readers, schema: { tags: ['registry'], summary: 'An account book', params: IdParams, response: { 200: Book, ...errorResponses } } },
    (request) => registry.getBook(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/books',
    {
      config: { access: { roles: WRITERS.book } },
      schema: {
        tags: ['registry'],
        summary: 'Open an account book for an enterprise in a zone it is registered in',
        body: BookInput,
        response: { 201: Book, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => registry.createBook(tx, principalOf(request), request.body)),
  );

  app.patch(
    '/api/v1/books/:id',
    {
      config: { access: { roles: WRITERS.book } },
      schema: {
        tags: ['registry'],
        summary: "Change a book's code or name, or close it (active: false)",
        params: IdParams,
        body: BookPatch,
        response: { 200: Book, ...errorResponses },
      },
    },
    (request, reply) =>
      idempotent(db, request, reply, 200, (tx) => registry.updateBook(tx, principalOf(request), request.params.id, request.body)),
  );
}
