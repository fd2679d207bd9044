// A small JSON client over real HTTP (Node's fetch), for driving a running server as its clients do.
// Setup calls use `expect`, which fails with the server's reply so a broken route is obvious.

export interface HttpReply {
  status: number;
  text: string;
  /** The parsed body when the reply is JSON, otherwise null. */
  json: unknown;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class UnexpectedReply extends Error {
  override name = 'UnexpectedReply';
  constructor(
    readonly method: Method,
    readonly path: string,
    readonly reply: HttpReply,
    expected: string,
  ) {
    super(`${method} ${path} answered ${reply.status}, expected ${expected}: ${reply.text.slice(0, 4000) || '(empty body)'}`);
  }
}

export interface HttpClient {
  readonly baseUrl: string;
  send(method: Method, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpReply>;
  /** Sends and returns the JSON body; throws UnexpectedReply unless the status is `status` (any 2xx when omitted). */
  expect(method: Method, path: string, body?: unknown, options?: { status?: number; headers?: Record<string, string> }): Promise<unknown>;
}

export function httpClient(baseUrl: string, token: string | null = null): HttpClient {
  const send = async (method: Method, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpReply> => {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown = null;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    return { status: response.status, text, json };
  };

  return {
    baseUrl,
    send,
    async expect(method, path, body, options = {}) {
      const reply = await send(method, path, body, options.headers);
      const ok = options.status === undefined ? reply.status >= 200 && reply.status < 300 : reply.status === options.status;
      if (!ok) throw new UnexpectedReply(method, path, reply, options.status === undefined ? '2xx' : String(options.status));
      return reply.json;
    },
  };
}

/** Logs in with `POST /api/v1/auth/login` and returns a client carrying the bearer token. */
export async function login(baseUrl: string, username: string, password: string): Promise<HttpClient> {
  const body = await httpClient(baseUrl).expect('POST', '/api/v1/auth/login', { username, password }, { status: 200 });
  return httpClient(baseUrl, stringField(body, 'token', `login of ${username}`));
}

/** Reads a string field of a JSON reply, failing with the reply when it is missing. */
export function stringField(body: unknown, field: string, what: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new Error(`${what}: the reply has no "${field}": ${JSON.stringify(body)?.slice(0, 4000)}`);
  }
  return value;
}
