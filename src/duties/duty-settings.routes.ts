// Duty settings (excise) and exchange rates: /api/v1/duties/settings and /api/v1/exchange-rates.
// Everyone signed in reads them (traders work out what they will owe); the admin changes them.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses } from '../platform/http/schemas.ts';
import { SETTINGS_WRITERS } from './duty-settings.service.ts';
import { DutySettings, DutySettingsInput, ExchangeRateList, ExchangeRateQuery, ExchangeRatesInput } from './duties.schemas.ts';

export function registerDutySettingsRoutes(app: App, ctx: AppContext): void {
  const { duties, db } = ctx;
  const tags = ['duties'];

  app.get(
    '/api/v1/duties/settings',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: { tags, summary: 'Excise rates and the basis of ad valorem excise', response: { 200: DutySettings, ...errorResponses } },
    },
    () => duties.getDutySettings(),
  );

  app.put(
    '/api/v1/duties/settings',
    {
      config: { access: { roles: SETTINGS_WRITERS } },
      schema: { tags, summary: 'Replace the excise rates and the basis of ad valorem excise', body: DutySettingsInput, response: { 200: DutySettings, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => duties.updateDutySettings(tx, principalOf(request), request.body)),
  );

  app.get(
    '/api/v1/exchange-rates',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        tags,
        summary: 'Exchange rates to the administration currency, newest first per currency (or the one valid on a date)',
        querystring: ExchangeRateQuery,
        response: { 200: ExchangeRateList, ...errorResponses },
      },
    },
    (request) => duties.listExchangeRates(request.query),
  );

  app.put(
    '/api/v1/exchange-rates',
    {
      config: { access: { roles: SETTINGS_WRITERS } },
      schema: {
        tags,
        summary: 'Store exchange rates, each valid from its date until the next rate of its currency (a rate for the same currency and date is replaced)',
        body: ExchangeRatesInput,
        response: { 200: ExchangeRateList, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => duties.putExchangeRates(tx, principalOf(request), request.body)),
  );
}
