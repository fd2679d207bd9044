// Account books API: stock, lots, traces, movements, CSV exports and adjustments.
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import { ADJUSTERS } from './books.service.ts';
import {
  AdjustmentInput,
  AdjustmentResult,
  ExportQuery,
  Lot,
  LotDetail,
  LotsQuery,
  Movement,
  MovementsQuery,
  Stock,
  StockQuery,
  Trace,
} from './books.schemas.ts';

/** Staff read within their zones, enterprise users their own books. */
const readers = { access: { roles: ALL_ROLES } };
const tags = ['books'];

export function registerBooksRoutes(app: App, ctx: AppContext): void {
  const { books, db } = ctx;

  app.get(
    '/api/v1/books/:id/stock',
    {
      config: readers,
      schema: {
        tags,
        summary: 'Stock of the book by goods, customs status and unit: now, or at the end of a past day',
        params: IdParams,
        querystring: StockQuery,
        response: { 200: Stock, ...errorResponses },
      },
    },
    (request) => books.stock(principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/books/:id/lots',
    {
      config: readers,
      schema: {
        tags,
        summary: 'Lots of the book in the order they were received',
        params: IdParams,
        querystring: LotsQuery,
        response: { 200: Page(Lot), ...errorResponses },
      },
    },
    (request) => books.listLots(principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/books/:id/movements',
    {
      config: readers,
      schema: {
        tags,
        summary: 'Movements of the book, newest first',
        params: IdParams,
        querystring: MovementsQuery,
        response: { 200: Page(Movement), ...errorResponses },
      },
    },
    (request) => books.listMovements(principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/books/:id/export.csv',
    {
      config: readers,
      schema: {
        tags,
        summary: 'The stock, lots or movements of the book as CSV (RFC 4180, UTF-8)',
        params: IdParams,
        querystring: ExportQuery,
        produces: ['text/csv'],
        response: {
          200: { description: 'CSV with a header row', content: { 'text/csv': { schema: Type.String() } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { filename, rows } = await books.exportCsv(principalOf(request), request.params.id, request.query.what);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="${filename}"`);
      return reply.send(Readable.from(rows));
    },
  );

  app.post(
    '/api/v1/books/:id/adjustments',
    {
      config: { access: { roles: ADJUSTERS } },
      schema: {
        tags,
        summary: "Correct a lot's balance with a reason; the officer posting it approves it",
        params: IdParams,
        body: AdjustmentInput,
        response: { 201: AdjustmentResult, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => books.adjust(tx, principalOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/lots/:id',
    {
      config: readers,
      schema: { tags, summary: 'A lot with its movements and reservations', params: IdParams, response: { 200: LotDetail, ...errorResponses } },
    },
    (request) => books.getLot(principalOf(request), request.params.id),
  );

  app.get(
    '/api/v1/lots/:id/trace',
    {
      config: readers,
      schema: {
        tags,
        summary: "The lot's trail back to its admission: source lots, their movements and declarations",
        params: IdParams,
        response: { 200: Trace, ...errorResponses },
      },
    },
    (request) => books.traceLot(principalOf(request), request.params.id),
  );
}
