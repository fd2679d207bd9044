// The operations dashboard over HTTP: /api/v1/analytics/dashboard and /api/v1/analytics/time-release.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { principalOf } from '../platform/http/access.ts';
import { errorResponses } from '../platform/http/schemas.ts';
import { ANALYTICS_READERS } from './analytics.service.ts';
import { AnalyticsQuery, Dashboard, TimeRelease } from './analytics.schemas.ts';

export function registerAnalyticsRoutes(app: App, ctx: AppContext): void {
  const { analytics } = ctx;
  const tags = ['analytics'];

  app.get(
    '/api/v1/analytics/dashboard',
    {
      config: { access: { roles: ANALYTICS_READERS } },
      schema: {
        tags,
        summary: 'The operations dashboard: declarations today and in a period, queues, revenue, alerts, time-release figures',
        querystring: AnalyticsQuery,
        response: { 200: Dashboard, ...errorResponses },
      },
    },
    (request) => analytics.dashboard(principalOf(request), request.query),
  );

  app.get(
    '/api/v1/analytics/time-release',
    {
      config: { access: { roles: ANALYTICS_READERS } },
      schema: {
        tags,
        summary: 'Time-release figures (WCO Time Release Study): median and 90th percentile per interval, lane and type',
        querystring: AnalyticsQuery,
        response: { 200: TimeRelease, ...errorResponses },
      },
    },
    (request) => analytics.timeRelease(principalOf(request), request.query),
  );
}
