// The live event stream over HTTP: POST /api/v1/events/tickets and GET /api/v1/events/stream
// (Server-Sent Events). The hub that feeds the streams belongs to this server: it is created here
// and ends every stream before the server closes, so that shutdown never waits on an open stream.
import { PassThrough } from 'node:stream';
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../platform/errors.ts';
import { principalOf } from '../platform/http/access.ts';
import { errorResponses } from '../platform/http/schemas.ts';
import { createLiveHub } from './live.hub.ts';
import { STREAM_READERS } from './live.service.ts';
import { EVENT_STREAM_DESCRIPTION, StreamHeaders, StreamQuery, Ticket } from './live.schemas.ts';

/** Bytes a stream may have waiting for its client before it is dropped (the client resumes by id). */
const MAX_BUFFERED = 1024 * 1024;

function lastEventIdOf(header: string | undefined, query: number | undefined): number | null {
  if (header === undefined || header.trim() === '') return query ?? null;
  if (!/^\d{1,15}$/.test(header.trim())) {
    throw new AppError('VALIDATION_FAILED', 'Last-Event-ID must be an event id', [{ path: '/headers/last-event-id', message: 'must be a whole number' }]);
  }
  return Number(header.trim());
}

export function registerLiveRoutes(app: App, ctx: AppContext): void {
  const { live, identity, db } = ctx;
  const tags = ['events'];
  const hub = createLiveHub({
    db,
    revalidate: (credential) => identity.authenticateCredential(credential),
    onError: (error) => app.log.error({ err: error }, 'live event stream failed'),
  });
  app.addHook('preClose', () => hub.close());

  app.post(
    '/api/v1/events/tickets',
    {
      config: { access: { roles: STREAM_READERS } },
      schema: {
        tags,
        summary: 'A single-use ticket, valid for 60 seconds, with which a browser opens the event stream',
        response: { 201: Ticket, ...errorResponses },
      },
    },
    // Not idempotent by key: each call is a fresh secret, and a stored answer would keep it in clear.
    async (request, reply) => {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const ticket = await live.issueTicket(principalOf(request), token);
      return reply.code(201).send(ticket);
    },
  );

  app.get(
    '/api/v1/events/stream',
    {
      // 'public' to the access hook only: a browser's EventSource cannot send an Authorization header,
      // so the handler itself requires a ticket (?ticket=) or a bearer token and refuses without (401).
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Live events the caller may see (Server-Sent Events); resumable by event id',
        description: EVENT_STREAM_DESCRIPTION,
        // A ticket in the query, or a bearer token.
        security: [{}, { bearer: [] }],
        querystring: StreamQuery,
        headers: StreamHeaders,
        response: {
          200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: Type.String() } } },
          400: errorResponses[400],
          401: errorResponses[401],
          403: errorResponses[403],
          429: Type.Ref('ErrorBody'),
          503: Type.Ref('ErrorBody'),
        },
      },
    },
    async (request, reply) => {
      const lastEventId = lastEventIdOf(request.headers['last-event-id'], request.query.lastEventId);
      const viewer = await live.authenticateStream(request.query.ticket, request.headers.authorization);
      if (hub.closed) throw new AppError('UNAVAILABLE', 'The server is shutting down; reconnect shortly');
      live.checkAllowance(hub.streamsOf(viewer.principal));

      const stream = new PassThrough();
      const subscription = hub.subscribe(viewer.principal, viewer.credential, lastEventId, {
        write: (text) => {
          if (stream.writableEnded || stream.destroyed) return true;
          stream.write(text);
          return stream.writableLength <= MAX_BUFFERED;
        },
        end: () => stream.end(),
      });
      // The response closes when the client goes away, or after the stream has ended.
      reply.raw.once('close', () => subscription.close());
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
  );
}
