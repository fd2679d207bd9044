// Bills of materials (/api/v1/boms) and expected consumption of processing
// (/api/v1/declarations/{id}/consumption, /api/v1/books/{id}/consumption).
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import { Bom, BomInput, BomListQuery, BookConsumption, BookConsumptionQuery, DeclarationConsumption } from './bom.schemas.ts';
import { BOM_WRITERS } from './bom.service.ts';

const tags = ['books'];
const readers = { access: { roles: ALL_ROLES } };

export function registerBomRoutes(app: App, ctx: AppContext): void {
  const { db } = ctx;
  const { boms } = ctx.bookControl;

  app.post(
    '/api/v1/boms',
    {
      config: { access: { roles: BOM_WRITERS } },
      schema: {
        tags,
        summary: 'Add a version of the bill of materials of an output item; earlier versions are kept',
        body: BomInput,
        response: { 201: Bom, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => boms.create(tx, principalOf(request), request.body)),
  );

  app.get(
    '/api/v1/boms',
    {
      config: readers,
      schema: {
        tags,
        summary: 'Bills of materials the caller may see, newest first',
        querystring: BomListQuery,
        response: { 200: Page(Bom), ...errorResponses },
      },
    },
    (request) => boms.list(principalOf(request), request.query),
  );

  app.get(
    '/api/v1/boms/:id',
    { config: readers, schema: { tags, summary: 'A version of a bill of materials', params: IdParams, response: { 200: Bom, ...errorResponses } } },
    (request) => boms.get(principalOf(request), request.params.id),
  );

  app.get(
    '/api/v1/declarations/:id/consumption',
    {
      config: readers,
      schema: {
        tags,
        summary: 'Inputs, waste and scrap of a PROCESSING declaration against what its outputs should take by their bills of materials',
        params: IdParams,
        response: { 200: DeclarationConsumption, ...errorResponses },
      },
    },
    (request) => boms.declarationConsumption(principalOf(request), request.params.id),
  );

  app.get(
    '/api/v1/books/:id/consumption',
    {
      config: readers,
      schema: {
        tags,
        summary: "Expected against declared consumption over a processing book's declarations in a period",
        params: IdParams,
        querystring: BookConsumptionQuery,
        response: { 200: BookConsumption, ...errorResponses },
      },
    },
    (request) => boms.bookConsumption(principalOf(request), request.params.id, request.query),
  );
}
