// Alerts over HTTP: the feed for the staff of each zone, and acknowledgement with a note.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import { ALERT_ACKNOWLEDGERS, ALERT_READERS } from './alerts.service.ts';
import { AcknowledgementInput, Alert, AlertListQuery } from './alerts.schemas.ts';

export function registerAlertRoutes(app: App, ctx: AppContext): void {
  const { alerts, db } = ctx;
  const tags = ['alerts'];
  const readers = { access: { roles: ALERT_READERS } };

  app.get(
    '/api/v1/alerts',
    { config: readers, schema: { tags, summary: 'Alerts of the zones you work in, newest first', querystring: AlertListQuery, response: { 200: Page(Alert), ...errorResponses } } },
    (request) => alerts.list(principalOf(request), request.query),
  );

  app.get('/api/v1/alerts/:id', { config: readers, schema: { tags, summary: 'One alert', params: IdParams, response: { 200: Alert, ...errorResponses } } }, (request) =>
    alerts.get(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/alerts/:id/acknowledgement',
    {
      config: { access: { roles: ALERT_ACKNOWLEDGERS } },
      schema: { tags, summary: 'Acknowledge an open alert with a note', params: IdParams, body: AcknowledgementInput, response: { 200: Alert, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => alerts.acknowledge(tx, principalOf(request), request.params.id, request.body.note)),
  );
}

