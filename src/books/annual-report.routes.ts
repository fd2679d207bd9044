// The annual reconciliation report of a book: /api/v1/books/{id}/annual-report?year=2026 (JSON or CSV).
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { errorResponses, IdParams } from '../platform/http/schemas.ts';
import { AnnualReport, AnnualReportQuery } from './annual-report.schemas.ts';
import { jsonOrCsv } from './reconciliation.schemas.ts';

export function registerAnnualReportRoutes(app: App, ctx: AppContext): void {
  const { annualReports } = ctx.bookControl;

  app.get(
    '/api/v1/books/:id/annual-report',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        tags: ['books'],
        summary: 'Per lot: opening balance, receipts, removals, adjustments and closing balance of a year, with totals (?format=csv)',
        params: IdParams,
        querystring: AnnualReportQuery,
        response: { 200: jsonOrCsv(AnnualReport), ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { year, format } = request.query;
      if (format !== 'csv') return annualReports.build(principal, request.params.id, year);
      const { filename, csv } = await annualReports.buildCsv(principal, request.params.id, year);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
    },
  );
}
