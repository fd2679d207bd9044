// The server's log: JSON lines from pino, one per request and per event worth noting. No secret may
// reach it: requests are logged without headers or bodies (bearer tokens, API keys, payment
// signatures, passwords), URLs without the values of credential-bearing query parameters (the event
// stream's ticket), and fields that carry a secret are censored if code ever logs them.
import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';

/** Query parameters whose value is a credential, wherever they appear. */
const SECRET_PARAMS = /([?&](?:ticket|token|key|api_key|password|secret|signature)=)[^&#]*/gi;

/** The URL as logged: the values of credential-bearing query parameters replaced. */
export function loggableUrl(url: string): string {
  return url.includes('?') ? url.replace(SECRET_PARAMS, '$1[Redacted]') : url;
}

/** Where a secret would sit if someone logged a request, a reply, a body or a config. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-cordon-signature"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'headers["x-cordon-signature"]',
  'password',
  '*.password',
  'token',
  '*.token',
  'key',
  'body.key',
  'secret',
  '*.secret',
  'adminPassword',
  'paymentSecret',
  '*.adminPassword',
  '*.paymentSecret',
];

type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

export function loggerOptions(level: Config['logLevel']): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    serializers: {
      // Fastify's own request serializer, less the query values above.
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: loggableUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  };
}
