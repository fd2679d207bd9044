// GET and PUT /api/v1/administration: the administration's settings.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses } from '../platform/http/schemas.ts';
import { WRITERS } from './registry.scope.ts';
import { Administration, AdministrationInput, AdministrationView } from './registry.schemas.ts';

export function registerAdministrationRoutes(app: App, ctx: AppContext): void {
  const { registry, db } = ctx;

  app.get(
    '/api/v1/administration',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        tags: ['registry'],
        summary: 'The administration settings: country, currency, HS edition, VAT rate, status model, selectivity',
        response: { 200: AdministrationView, ...errorResponses },
      },
    },
    (request) => registry.viewAdministration(principalOf(request)),
  );

  app.put(
    '/api/v1/administration',
    {
      config: { access: { roles: WRITERS.administration } },
      schema: {
        tags: ['registry'],
        summary: 'Replace the administration settings',
        body: AdministrationInput,
        response: { 200: Administration, ...errorResponses },
      },
    },
    (request, reply) =>
      idempotent(db, request, reply, 200, (tx) => registry.updateAdministration(tx, principalOf(request), request.body)),
  );
}
