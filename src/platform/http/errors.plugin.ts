// Turns every failure into the one error body. Client errors say what is wrong and where;
// server errors are logged with their context and answered without internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, STATUS_BY_CODE, type ErrorCode, type ErrorDetail } from '../errors.ts';

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function pathOf(error: AjvError, part: string | undefined): string {
  const prefix = part && part !== 'body' ? `/${part}` : '';
  const base = `${prefix}${error.instancePath}`;
  if (error.keyword === 'required') return `${base}/${String(error.params.missingProperty)}`;
  if (error.keyword === 'additionalProperties') return `${base}/${String(error.params.additionalProperty)}`;
  return base === '' ? '/' : base;
}

function messageOf(error: AjvError): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
      return 'has an invalid format';
    default:
      return error.message ?? 'is invalid';
  }
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
};

function codeForStatus(status: number): ErrorCode {
  const found = (Object.entries(STATUS_BY_CODE) as [ErrorCode, number][]).find(([, s]) => s === status);
  return found?.[0] ?? 'VALIDATION_FAILED';
}

/**
 * Errors the router raises before any route, hook or error handler runs (Fastify's `frameworkErrors`
 * option): a path that is not valid percent-encoding, or a path parameter longer than the router
 * takes. Without this they are answered in Fastify's own shape, echoing the whole path.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const detail: ErrorDetail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? { path: '/params', message: 'is longer than a path parameter may be' }
      : { path: '/params', message: 'is not valid percent-encoding' };
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH' || error.code === 'FST_ERR_BAD_URL') {
    void reply.code(400).send({ error: { code: 'VALIDATION_FAILED', message: 'The request path is invalid', details: [detail] } });
    return;
  }
  void reply.code(500).send({ error: { code: 'INTERNAL', message: 'Internal error; it has been logged', details: [] } });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      if (error.retryAfterSeconds !== null) void reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.code(error.status).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error.validation) {
      const details: ErrorDetail[] = (error.validation as AjvError[]).map((e) => ({
        path: pathOf(e, error.validationContext),
        message: messageOf(e),
      }));
      return reply.code(400).send({
        error: { code: 'VALIDATION_FAILED', message: 'The request has invalid fields', details },
      });
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      const status = mapped === 'VALIDATION_FAILED' ? 400 : STATUS_BY_CODE[mapped];
      return reply.code(status).send({ error: { code: mapped, message: error.message, details: [] } });
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send({ error: { code: codeForStatus(error.statusCode), message: error.message, details: [] } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'Internal error; it has been logged', details: [] } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}`, details: [] },
    }),
  );
}
