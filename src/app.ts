// Builds the HTTP application: plugins, validation, access control, error handling and every
// capability's routes. `server.ts` owns the process; tests call buildApp and use `app.inject`.
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import helmet from '@fastify/helmet';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { AppContext } from './context.ts';
import type { App } from './platform/http/types.ts';
import { registerAccessControl } from './platform/http/access.ts';
import { frameworkErrors, registerErrorHandling } from './platform/http/errors.plugin.ts';
import { closeUnusedConnections } from './platform/http/connections.ts';
import { registerStrictJson } from './platform/http/body-text.ts';
import { ErrorBody } from './platform/http/schemas.ts';
import { registerHttpMetrics } from './platform/operations/metrics.ts';
import { registerOperationsRoutes } from './platform/operations/operations.routes.ts';
import { registerIdentityRoutes } from './identity/identity.routes.ts';
import { registerReferenceRoutes } from './reference/reference.routes.ts';
import { registerRegistryRoutes } from './registry/registry.routes.ts';
import { registerDeclarationRoutes } from './declarations/declaration.routes.ts';
import { registerBooksRoutes } from './books/books.routes.ts';
import { registerBookControlRoutes } from './books/reconciliation.routes.ts';
import { registerDutiesRoutes } from './duties/duties.routes.ts';
import { registerAnalyticsRoutes } from './analytics/analytics.routes.ts';
import { registerLiveRoutes } from './live/live.routes.ts';
import { registerRiskRoutes } from './risk/risk.routes.ts';
import { registerAlertRoutes } from './alerts/alerts.routes.ts';
import { registerInspectionRoutes } from './inspections/inspections.routes.ts';
import { registerGateRoutes } from './gates/gates.routes.ts';
import { registerCctvRoutes } from './cctv/cctv.routes.ts';
import { registerFeedRoutes } from './feeds/feeds.routes.ts';
import { registerProofRoutes } from './proof/proof.routes.ts';
import { registerCredentialRoutes } from './credentials/credentials.routes.ts';
import { registerTrackingRoutes } from './tracking/tracking.routes.ts';
import { registerConsole } from './console/console.plugin.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Bodies are validated strictly (no type coercion, no silently dropped fields); query strings are coerced. */
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    strict: false,
    // NaN and Infinity (a JSON number such as 1e400) are not numbers a field can hold.
    strictNumbers: true,
  });
  addFormats(ajv);
  return ajv;
}

export async function buildApp(ctx: AppContext, options: { logger?: FastifyServerOptions['logger'] } = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: ctx.config.bodyLimit,
    // Behind the administration's reverse proxy, the client is the address it forwards (login throttling).
    trustProxy: ctx.config.trustProxy.length > 0 ? ctx.config.trustProxy : false,
    // Request ids let a client's complaint be matched to the log line.
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { allErrors: true } },
    // Bad percent-encoding and over-long path parameters, answered in the one error shape.
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const bodyAjv = makeAjv(false);
  const otherAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : otherAjv).compile(schema));

  await app.register(helmet, {
    // The console and the API docs are served from this origin only.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        workerSrc: ["'self'", 'blob:'],
        // The console is also opened over plain HTTP on a local network (tablets at the gate):
        // upgrading its requests to HTTPS would break it there.
        upgradeInsecureRequests: null,
      },
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Cordon API',
        version: '1',
        description: 'Customs control and services for free zones. Errors: { error: { code, message, details } }.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addSchema(ErrorBody);
  registerErrorHandling(app);
  registerStrictJson(app, ctx.config.bodyLimit);
  registerAccessControl(app, (token) => ctx.identity.authenticate(token));
  closeUnusedConnections(app);

  registerHttpMetrics(app, ctx.metrics);
  registerOperationsRoutes(app, ctx);
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());

  registerIdentityRoutes(app, ctx);
  registerReferenceRoutes(app, ctx);
  registerRegistryRoutes(app, ctx);
  registerDeclarationRoutes(app, ctx);
  registerBooksRoutes(app, ctx);
  registerBookControlRoutes(app, ctx);
  registerDutiesRoutes(app, ctx);
  registerAnalyticsRoutes(app, ctx);
  registerLiveRoutes(app, ctx);
  registerRiskRoutes(app, ctx);
  registerAlertRoutes(app, ctx);
  registerInspectionRoutes(app, ctx);
  registerGateRoutes(app, ctx);
  registerCctvRoutes(app, ctx);
  registerProofRoutes(app, ctx);
  registerFeedRoutes(app, ctx);
  registerCredentialRoutes(app, ctx);
  registerTrackingRoutes(app, ctx);
  // Last: the console answers every GET path that nothing above claims.
  await registerConsole(app);

  await app.ready();
  return app;
}
