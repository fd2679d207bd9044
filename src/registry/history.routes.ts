// GET /api/v1/history/{entityType}/{id}: the versions of a registry record.
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { errorResponses, Page, PageQuery, StringEnum } from '../platform/http/schemas.ts';
import { ENTITY_TYPES, HistoryEntry } from './registry.schemas.ts';

export function registerHistoryRoutes(app: App, ctx: AppContext): void {
  const { registry } = ctx;

  app.get(
    '/api/v1/history/:entityType/:id',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        tags: ['registry'],
        summary: 'Versions of a registry record, newest first, with who changed it and when',
        description: 'Visible to whoever may read the record. The administration settings have the id 1.',
        params: Type.Object({
          entityType: StringEnum(ENTITY_TYPES),
          id: Type.String({ minLength: 1, maxLength: 64 }),
        }),
        querystring: Type.Object(PageQuery),
        response: { 200: Page(HistoryEntry), ...errorResponses },
      },
    },
    (request) =>
      registry.history(principalOf(request), request.params.entityType, request.params.id, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  );
}
