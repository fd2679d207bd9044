// The tariff: /api/v1/tariff (the schedule in force, and its replacement by CSV upload) and
// /api/v1/tariff/{code} (a line, or the national lines under an HS subheading).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses } from '../platform/http/schemas.ts';
import { TARIFF_WRITERS } from './tariff.service.ts';
import { TariffCodeParams, TariffLookup, TariffSchedule, TariffUploadQuery } from './duties.schemas.ts';
import { utf8TextParser } from '../platform/http/body-text.ts';

/** A whole national schedule as CSV: the USITC export is 3.9 MB; room for larger ones. */
export const TARIFF_UPLOAD_LIMIT = 32 * 1024 * 1024;

export function registerTariffRoutes(app: App, ctx: AppContext): void {
  const { duties, db } = ctx;
  const tags = ['duties'];

  app.get(
    '/api/v1/tariff',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: { tags, summary: 'The tariff schedule in force: source, currency of its specific rates, lines', response: { 200: TariffSchedule, ...errorResponses } },
    },
    () => duties.getSchedule(),
  );

  app.get(
    '/api/v1/tariff/:code',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        tags,
        summary: 'A national tariff line (8 or 10 digits) with its rate, or the national lines under an HS subheading (6 digits)',
        params: TariffCodeParams,
        response: { 200: TariffLookup, ...errorResponses },
      },
    },
    (request) => duties.lookup(request.params.code),
  );

  // The CSV body is read as text by a parser of this route's own scope, so no other route accepts CSV.
  void app.register((plugin, _options, registered) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: TARIFF_UPLOAD_LIMIT }, utf8TextParser);
    scope.put(
      '/api/v1/tariff',
      {
        bodyLimit: TARIFF_UPLOAD_LIMIT,
        config: { access: { roles: TARIFF_WRITERS } },
        schema: {
          tags,
          summary: 'Replace the tariff schedule with a CSV file (columns code, indent, description, units, general_rate; or a USITC HTS export)',
          description:
            'Send the file as `Content-Type: text/csv`. `currency` is the currency of the specific rates ("5.5¢/kg" is 0.055 of it); it defaults to the administration currency. Nothing is replaced when a row is invalid.',
          consumes: ['text/csv'],
          querystring: TariffUploadQuery,
          body: Type.String({ description: 'The schedule as CSV' }),
          response: { 200: TariffSchedule, ...errorResponses },
        },
      },
      (request, reply) =>
        idempotent(db, request, reply, 200, (tx) =>
          duties.loadSchedule(tx, principalOf(request), request.body, { currency: request.query.currency, source: request.query.source }),
        ),
    );
    registered();
  });
}
