// Reconciliations (/api/v1/books/{id}/reconciliations, /api/v1/reconciliations/{id}, also as CSV)
// and the thresholds (/api/v1/reconciliation/settings); and the registration of every book-control route.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import { registerAnnualReportRoutes } from './annual-report.routes.ts';
import { registerBomRoutes } from './bom.routes.ts';
import {
  FormatQuery,
  jsonOrCsv,
  ReconciliationDetail,
  ReconciliationListQuery,
  ReconciliationSettings,
  ReconciliationSettingsInput,
  ReconciliationSummary,
} from './reconciliation.schemas.ts';
import { registerStockReportRoutes } from './stock-reports.routes.ts';

const tags = ['books'];
const readers = { access: { roles: ALL_ROLES } };

/** Bills of materials, stock reports, reconciliations and the annual report. */
export function registerBookControlRoutes(app: App, ctx: AppContext): void {
  registerBomRoutes(app, ctx);
  registerStockReportRoutes(app, ctx);
  registerReconciliationRoutes(app, ctx);
  registerAnnualReportRoutes(app, ctx);
}

export function registerReconciliationRoutes(app: App, ctx: AppContext): void {
  const { db } = ctx;
  const { reconciliation } = ctx.bookControl;

  app.get(
    '/api/v1/reconciliation/settings',
    {
      config: readers,
      schema: {
        tags,
        summary: 'The thresholds above which a stock or consumption difference is flagged',
        response: { 200: ReconciliationSettings, ...errorResponses },
      },
    },
    () => reconciliation.getSettings(),
  );

  app.put(
    '/api/v1/reconciliation/settings',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags,
        summary: 'Set the reconciliation thresholds',
        body: ReconciliationSettingsInput,
        response: { 200: ReconciliationSettings, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => reconciliation.updateSettings(tx, principalOf(request), request.body)),
  );

  app.get(
    '/api/v1/books/:id/reconciliations',
    {
      config: readers,
      schema: {
        tags,
        summary: "The book's reconciliations, newest first",
        params: IdParams,
        querystring: ReconciliationListQuery,
        response: { 200: Page(ReconciliationSummary), ...errorResponses },
      },
    },
    (request) => reconciliation.listForBook(principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/reconciliations/:id',
    {
      config: readers,
      schema: {
        tags,
        summary: 'A reconciliation with its shortages and overages (?format=csv for a spreadsheet)',
        params: IdParams,
        querystring: FormatQuery,
        response: { 200: jsonOrCsv(ReconciliationDetail), ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (request.query.format !== 'csv') return reconciliation.get(principal, request.params.id);
      const { filename, csv } = await reconciliation.exportCsv(principal, request.params.id);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
    },
  );
}
