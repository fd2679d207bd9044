// Every route states who may call it (`config.access`). A route without that statement makes the
// server refuse to start, so an unguarded route cannot ship by accident.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, forbidden } from '../errors.ts';
import type { Principal, Role } from '../auth/principal.ts';

export type Access =
  | 'public'
  | {
      roles: readonly Role[];
      /** Scope an API key must hold to call the route; users are limited by role alone. */
      keyScope?: string;
      /**
       * An API key holding keyScope is let in whatever its role: the scope alone grants the route, so a
       * machine (a metrics scraper) can be given a role that opens nothing else.
       */
      keyOfAnyRole?: true;
    };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export type Authenticate = (token: string) => Promise<Principal | null>;

export function registerAccessControl(app: FastifyInstance, authenticate: Authenticate): void {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const access = (route.config)?.access;
    const internal = route.url.startsWith('/docs') || route.method === 'HEAD';
    if (access === undefined && !internal) {
      throw new Error(`Route ${String(route.method)} ${route.url} does not declare config.access`);
    }
    if (access !== undefined && access !== 'public') {
      route.schema = { ...route.schema, security: [{ bearer: [] }] };
    }
  });

  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_\-.]{10,300})$/.exec(header);
    if (!match?.[1]) throw new AppError('UNAUTHENTICATED', 'Send a bearer token: Authorization: Bearer <token>');
    const principal = await authenticate(match[1]);
    if (!principal) throw new AppError('UNAUTHENTICATED', 'The token is invalid, expired or revoked');
    request.principal = principal;
    const byScope = principal.kind === 'api_key' && access.keyOfAnyRole === true && access.keyScope !== undefined;
    if (!byScope && !access.roles.includes(principal.role)) throw forbidden();
    if (principal.kind === 'api_key' && access.keyScope && !principal.scopes.includes(access.keyScope)) {
      throw forbidden(`This API key lacks the scope ${access.keyScope}`);
    }
  });
}

/** The authenticated principal of a guarded route (the access hook guarantees it is set). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED', 'Not authenticated');
  return request.principal;
}
