// Declarations API: submit, list with filters, read with history, decide, amend, cancel.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES, type Role } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { IdParams, Page } from '../platform/http/schemas.ts';
import {
  AmendDeclaration,
  Cancellation,
  DeclarationDetail,
  DeclarationSummary,
  Decision,
  ListQuery,
  SubmitDeclaration,
  VersionSnapshot,
} from './declaration.schemas.ts';

const DECLARANTS: readonly Role[] = ['enterprise_user', 'admin'];
const DECIDERS: readonly Role[] = ['customs_officer', 'admin', 'zone_operator'];
const AMENDERS: readonly Role[] = ['enterprise_user', 'customs_officer', 'admin'];

export function registerDeclarationRoutes(app: App, ctx: AppContext): void {
  const { declarations, db } = ctx;
  const tags = ['declarations'];

  app.post(
    '/api/v1/declarations',
    {
      config: { access: { roles: DECLARANTS, keyScope: 'declarations:write' } },
      schema: {
        tags,
        summary: 'Submit a declaration; it is assessed into a lane at once',
        body: SubmitDeclaration,
        response: { 201: DeclarationDetail },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => declarations.submit(tx, principalOf(request), request.body)),
  );

  app.get(
    '/api/v1/declarations',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: { tags, summary: 'List declarations, newest first, with filters', querystring: ListQuery, response: { 200: Page(DeclarationSummary) } },
    },
    (request) => declarations.list(principalOf(request), request.query),
  );

  app.get(
    '/api/v1/declarations/:id',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: { tags, summary: 'A declaration with its lines, lane reasons and full history', params: IdParams, response: { 200: DeclarationDetail } },
    },
    (request) => declarations.get(principalOf(request), request.params.id),
  );

  app.get(
    '/api/v1/declarations/:id/versions',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: { tags, summary: 'The declaration as it stood before each amendment', params: IdParams, response: { 200: Page(VersionSnapshot) } },
    },
    (request) => declarations.versions(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/declarations/:id/decisions',
    {
      config: { access: { roles: DECIDERS } },
      schema: {
        tags,
        summary: 'Start inspection, release, reject, or confirm that the goods have passed (complete)',
        params: IdParams,
        body: Decision,
        response: { 200: DeclarationDetail },
      },
    },
    (request, reply) =>
      idempotent(db, request, reply, 200, (tx) => declarations.decide(tx, principalOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/declarations/:id/amendments',
    {
      config: { access: { roles: AMENDERS, keyScope: 'declarations:write' } },
      schema: {
        tags,
        summary: 'Amend a declaration before inspection; it is assessed again',
        params: IdParams,
        body: AmendDeclaration,
        response: { 200: DeclarationDetail },
      },
    },
    (request, reply) =>
      idempotent(db, request, reply, 200, (tx) => declarations.amend(tx, principalOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/declarations/:id/cancellation',
    {
      config: { access: { roles: AMENDERS, keyScope: 'declarations:write' } },
      schema: { tags, summary: 'Cancel a declaration, with a reason', params: IdParams, body: Cancellation, response: { 200: DeclarationDetail } },
    },
    (request, reply) =>
      idempotent(db, request, reply, 200, (tx) => declarations.cancel(tx, principalOf(request), request.params.id, request.body.reason)),
  );
}

