// Request bodies read as text: UTF-8 or refused. A decoder that replaces bad bytes with U+FFFD would
// store something other than what the client sent (a name, a description, a CSV row) without a word.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

type Done = (error: Error | null, body?: unknown) => void;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A content-type parser (`parseAs: 'buffer'`) that reads the body as UTF-8 text, or refuses it naming /body, and hands the text on. */
export function utf8Parser(then: (request: FastifyRequest, text: string, done: Done) => void) {
  return (request: FastifyRequest, body: Buffer, done: Done): void => {
    let text: string;
    try {
      text = decoder.decode(body);
    } catch {
      done(new AppError('VALIDATION_FAILED', 'The request body is not valid UTF-8', [{ path: '/body', message: 'must be UTF-8 text' }]));
      return;
    }
    then(request, text, done);
  };
}

/** Hands the text on as the body (CSV uploads). */
export const utf8TextParser = utf8Parser((_request, text, done) => done(null, text));

/** JSON bodies of every route: strict UTF-8, then Fastify's own parser (which refuses prototype poisoning). */
export function registerStrictJson(app: FastifyInstance, bodyLimit: number): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, utf8Parser((request, text, done) => void parseJson(request, text, done)));
}
