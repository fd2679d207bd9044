// ERP/WMS stock reports: /api/v1/books/{id}/stock-reports (upload as JSON or CSV, list) and
// /api/v1/stock-reports/{id}. The CSV body parser is registered for the upload route alone.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import { AppError } from '../platform/errors.ts';
import { ReconciliationDetail } from './reconciliation.schemas.ts';
import { parseStockCsv } from './stock-reports.csv.ts';
import {
  MAX_REPORT_BYTES,
  StockReportBody,
  StockReportCsv,
  StockReportDetail,
  StockReportListQuery,
  StockReportSummary,
  UploadQuery,
  UploadReply,
} from './stock-reports.schemas.ts';
import { RECONCILERS, UPLOADERS, type StockReportUpload } from './stock-reports.service.ts';
import { utf8TextParser } from '../platform/http/body-text.ts';

const tags = ['books'];
const readers = { access: { roles: ALL_ROLES } };

/** The upload as the service takes it, from a JSON body or from a CSV body with `?asOf=`. */
export function uploadOf(body: unknown, query: UploadQuery): StockReportUpload {
  if (typeof body === 'string') {
    if (!query.asOf) {
      throw new AppError('VALIDATION_FAILED', 'A CSV stock report needs its date', [
        { path: '/querystring/asOf', message: 'is required with a CSV body' },
      ]);
    }
    const { lines, rowNumbers } = parseStockCsv(body);
    return {
      asOf: query.asOf,
      source: query.source ?? null,
      format: 'CSV',
      lines,
      paths: rowNumbers.map((row) => `/rows/${row}`),
      asOfPath: '/querystring/asOf',
    };
  }
  const json = body as StockReportBody;
  for (const field of ['asOf', 'source'] as const) {
    if (query[field] !== undefined) {
      throw new AppError('VALIDATION_FAILED', 'A JSON stock report carries its fields in the body', [
        { path: `/querystring/${field}`, message: 'goes in the body of a JSON report' },
      ]);
    }
  }
  return {
    asOf: json.asOf,
    source: json.source ?? null,
    format: 'JSON',
    lines: json.lines,
    paths: json.lines.map((_, index) => `/lines/${index}`),
    asOfPath: '/asOf',
  };
}

export function registerStockReportRoutes(app: App, ctx: AppContext): void {
  const { db } = ctx;
  const { stockReports } = ctx.bookControl;

  // Encapsulated, so that text/csv bodies are accepted here and nowhere else.
  void app.register((scoped, _options, done) => {
    const upload = scoped.withTypeProvider<TypeBoxTypeProvider>();
    // Only JSON and CSV: a text/plain body is refused (415) rather than read as CSV.
    upload.removeContentTypeParser('text/plain');
    upload.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: MAX_REPORT_BYTES }, utf8TextParser);
    upload.post(
      '/api/v1/books/:id/stock-reports',
      {
        bodyLimit: MAX_REPORT_BYTES,
        config: { access: { roles: UPLOADERS, keyScope: 'stock-reports:write' } },
        schema: {
          tags,
          summary: 'Upload the stock an ERP/WMS gives for the book at the end of a day; it is reconciled with the book at once',
          description:
            'JSON ({ asOf, source?, lines }) or text/csv with a header row and ?asOf=. Bad lines are named ' +
            '(/lines/12/quantity in JSON, /rows/13/quantity in CSV: line 13 of the file) and nothing is stored.',
          params: IdParams,
          querystring: UploadQuery,
          body: { content: { 'application/json': { schema: StockReportBody }, 'text/csv': { schema: StockReportCsv } } },
          response: { 201: UploadReply, ...errorResponses },
        },
      },
      (request, reply) => {
        const principal = principalOf(request);
        const input = uploadOf(request.body, request.query);
        return idempotent(db, request, reply, 201, (tx) => stockReports.upload(tx, principal, request.params.id, input));
      },
    );
    done();
  });

  app.get(
    '/api/v1/books/:id/stock-reports',
    {
      config: readers,
      schema: {
        tags,
        summary: "The book's stock reports, newest first",
        params: IdParams,
        querystring: StockReportListQuery,
        response: { 200: Page(StockReportSummary), ...errorResponses },
      },
    },
    (request) => stockReports.list(principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/stock-reports/:id',
    {
      config: readers,
      schema: { tags, summary: 'A stock report with its lines', params: IdParams, response: { 200: StockReportDetail, ...errorResponses } },
    },
    (request) => stockReports.get(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/stock-reports/:id/reconciliation',
    {
      config: { access: { roles: RECONCILERS, keyScope: 'stock-reports:write' } },
      schema: {
        tags,
        summary: 'Reconcile a stock report with the book again, as the book and the thresholds stand now',
        params: IdParams,
        response: { 201: ReconciliationDetail, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => stockReports.reconcileAgain(tx, principalOf(request), request.params.id)),
  );
}
