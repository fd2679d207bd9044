// The operations endpoints: liveness (/health), readiness (/ready) and the Prometheus metrics
// (/metrics). The first two are public and say nothing about the data; the metrics do (backlogs,
// open alerts), so they take an admin or an API key holding the metrics scope.
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { errorResponses } from '../http/schemas.ts';
import type { App } from '../http/types.ts';
import { operationsRepository as repo } from './operations.repository.ts';

/** The scope of the key a Prometheus server scrapes with (`Authorization: Bearer <key>`). */
export const METRICS_SCOPE = 'metrics:read';

const tags = ['operations'];

export function registerOperationsRoutes(app: App, ctx: Pick<AppContext, 'db' | 'metrics' | 'readiness'>): void {
  const { db, metrics, readiness } = ctx;

  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Liveness: the process runs and its database answers', response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }) } },
    },
    async () => {
      await repo.ping(db);
      return { status: 'ok' as const, database: db.dialect };
    },
  );

  app.get(
    '/ready',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Readiness: the database answers and is migrated, and the MQTT subscriber (when started) is connected',
        description: 'Answers 503 with one detail per part that is not ready (`/database`, `/migrations`, `/mqtt`).',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), database: Type.String(), checked: Type.Array(Type.String()) }),
          503: Type.Ref('ErrorBody'),
        },
      },
    },
    async (_request, reply) => {
      const failures = await readiness.check();
      // Answered here rather than thrown: a probe every few seconds must not log a server error each time.
      if (failures.length > 0) {
        const parts = failures.map((failure) => failure.path.slice(1)).join(', ');
        return reply.code(503).send({ error: { code: 'UNAVAILABLE', message: `Not ready: ${parts}`, details: failures } });
      }
      return reply.send({ status: 'ready' as const, database: db.dialect, checked: ['database', 'migrations', ...readiness.parts] });
    },
  );

  app.get(
    '/metrics',
    {
      // Any key holding the scope: a monitoring system's key needs no role's rights to anything else.
      config: { access: { roles: ['admin'], keyScope: METRICS_SCOPE, keyOfAnyRole: true } },
      schema: {
        tags,
        summary: `Prometheus metrics (text format); for admins and API keys with the scope ${METRICS_SCOPE}`,
        response: {
          200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: Type.String() } } },
          401: errorResponses[401],
          403: errorResponses[403],
        },
      },
    },
    async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.scrape()),
  );
}
