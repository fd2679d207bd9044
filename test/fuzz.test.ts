// Bad input, generated: every operation of the OpenAPI document gets requests built from its own
// schemas with one part broken (a field of the wrong type, out of range, missing or unknown; a
// hostile string; a bad path id; a body that is too large, too deep, not JSON or not UTF-8), sent as
// the admin and as an enterprise user. A request that breaks its schema must be refused with a 4xx in
// the one error shape, naming the field; no request may fail with a 5xx; and a refused request must
// leave every table as it was. Then telemetry payloads over MQTT: refused, counted, nothing stored.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_BY_CODE } from '../src/platform/errors.ts';
import { EventMessageSchema, parseTelemetry, PositionMessageSchema, SealMessageSchema } from '../src/tracking/telemetry.contract.ts';
import { createTelemetryBridge, MAX_TELEMETRY_PAYLOAD_BYTES, telemetryTopic } from '../src/tracking/telemetry.mqtt.ts';
import { createAccount, openApiRoutes, type Account } from './support/access.ts';
import { createEnterprise, createZone } from './support/factories.ts';
import {
  addIn,
  badParameterValues,
  badValues,
  changedTables,
  DEEP,
  deleteIn,
  fieldsOf,
  fingerprint,
  hostileValues,
  INJECTIONS,
  operationsOf,
  parsedValue,
  passes,
  Raw,
  rawNumbers,
  sampleOf,
  setIn,
  toJson,
  type Field,
  type JsonSchema,
  type Operation,
} from './support/fuzz.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';

/** Fixed, so that a failure is found again; fast-check prints the seed and path of a failing run. */
const SEED = 20_260_301;
/** Generated requests per operation, on top of the fixed bad bodies (FUZZ_RUNS for a longer hunt). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

// Tables a refused request may change without changing what Cordon holds: none. Bearer sessions are
// checked without a write, and the only write of authentication (an API key's last use, at most once
// a minute) is made before the baseline: the run's clock stands still. Should one appear, it goes here
// with its reason.
const EXCLUDED = new Set<string>([]);

/** Users, and for the routes only a partner administration's key may call (its feed), that key. */
type Who = 'admin' | 'trader' | 'partner';

interface Request {
  method: Operation['method'];
  url: string;
  payload?: string | Buffer;
  contentType?: string;
  /** Whether the request passes its schemas as the server reads it; null when only the service can tell. */
  valid: boolean | null;
  /** The field a refusal must name (a JSON pointer as the error details write it). */
  field?: string;
  /** The field sits below a union: the refusal may name the union instead. */
  inUnion?: boolean;
  what: string;
}

interface Base {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** Whether each part of the base passes its schema: a field is named only when the others pass. */
  validParts: { params: boolean; query: boolean; body: boolean };
}

const pointer = (path: string[]): string => (path.length === 0 ? '/' : `/${path.join('/')}`);

function urlOf(operation: Operation, params: Record<string, unknown>, query: Record<string, unknown>): string {
  const path = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(String(params[name])));
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** The cases of one operation: fast-check picks the kind of damage, the field and the value. */
function casesOf(operation: Operation, base: Base): fc.Arbitrary<Request> | null {
  const request = (parts: Partial<Pick<Base, 'params' | 'query'>> & { body?: unknown }, rest: Omit<Request, 'method' | 'url' | 'payload' | 'contentType' | 'valid'>): Request => {
    const params = parts.params ?? base.params;
    const query = parts.query ?? base.query;
    const body = 'body' in parts ? parts.body : base.body;
    const valid =
      (operation.params ? passes(operation.params, params, 'other') : true) &&
      (operation.query ? passes(operation.query, query, 'other') : true) &&
      (operation.body ? passes(operation.body, parsedValue(body)) : true);
    return described({
      method: operation.method,
      url: urlOf(operation, params, query),
      ...(operation.body ? { payload: toJson(body), contentType: 'application/json' } : {}),
      // A CSV or image upload gets a body of its type, so that its query parameters are read at all.
      ...(!operation.body && operation.rawBodyTypes[0] ? { payload: 'x', contentType: operation.rawBodyTypes[0] } : {}),
      valid,
      ...rest,
    });
  };
  const namesField = (part: keyof Base['validParts']) =>
    (['params', 'query', 'body'] as const).every((other) => other === part || base.validParts[other]);
  const cases: fc.Arbitrary<Request>[] = [];

  if (operation.params) {
    for (const name of Object.keys(operation.params.properties ?? {})) {
      const schema = operation.params.properties![name]!;
      cases.push(
        badParameterValues(schema).map((value) =>
          request({ params: { ...base.params, [name]: value } }, { what: `path ${name} = ${JSON.stringify(value).slice(0, 60)}`, ...(namesField('params') ? { field: `/params/${name}` } : {}) }),
        ),
        // Percent-encoding that decodes to no text: the router refuses it before any route.
        fc.constantFrom('%E0%A4%A', '%zz', '%', '%C0%AF').map((encoded) => {
          const built = request({}, { what: `path ${name} written ${encoded}`, field: '/params' });
          return described({ ...built, url: built.url.replace(encodeURIComponent(String(base.params[name])), encoded), valid: false });
        }),
      );
    }
  }
  if (operation.query) {
    for (const [name, schema] of Object.entries(operation.query.properties ?? {})) {
      const field = namesField('query') ? { field: `/querystring/${name}` } : {};
      cases.push(badParameterValues(schema).map((value) => request({ query: { ...base.query, [name]: value } }, { what: `query ${name} = ${JSON.stringify(value).slice(0, 60)}`, ...field })));
      if (operation.query.required?.includes(name)) {
        const { [name]: _gone, ...others } = base.query;
        cases.push(fc.constant(request({ query: others }, { what: `query ${name} missing`, ...field })));
      }
      // Repeated, a parameter arrives as an array.
      cases.push(fc.constant(request({ query: { ...base.query, [name]: [typeof base.query[name] === 'string' ? base.query[name] : JSON.stringify(base.query[name] ?? 'x'), ...INJECTIONS.slice(0, 2)] } }, { what: `query ${name} repeated` })));
    }
  }
  // Unknown query parameters: routes ignore them, so these may be valid (and are sent to reads only:
  // a valid POST may start expensive work, such as training a model).
  if (operation.method === 'GET') cases.push(
    fc.dictionary(fc.constantFrom('extra', '__proto__', 'constructor', "x' OR 1=1", 'limit[]'), fc.constantFrom(...INJECTIONS), { minKeys: 1, maxKeys: 2 }).map((extra) =>
      request({ query: { ...base.query, ...extra } }, { what: `extra query ${JSON.stringify(extra).slice(0, 60)}` }),
    ),
  );

  if (operation.body) {
    const fields = fieldsOf(operation.body);
    const field = (f: Field, path = pointer(f.path)) => (namesField('body') ? { field: path, inUnion: f.inUnion } : {});
    const anyField = fc.constantFrom(...fields);
    cases.push(
      anyField.chain((f) => badValues(f.schema).map((value) => request({ body: setIn(base.body, f.path, value) }, { what: `body ${pointer(f.path)} = ${describeValue(value)}`, ...field(f) }))),
      anyField.chain((f) => hostileValues(f.schema).map((value) => request({ body: setIn(base.body, f.path, value) }, { what: `body ${pointer(f.path)} = ${describeValue(value)} (hostile)` }))),
    );
    const required = fields.filter((f) => f.path.length > 0 && f.required && !f.path.includes('0'));
    if (required.length > 0) {
      cases.push(fc.constantFrom(...required).map((f) => request({ body: deleteIn(base.body, f.path) }, { what: `body ${pointer(f.path)} missing`, ...field(f) })));
    }
    const closed = fields.filter((f) => f.closedObject);
    if (closed.length > 0) {
      cases.push(
        fc
          .tuple(fc.constantFrom(...closed), fc.constantFrom('extra', 'constructor', '$where', "'; DROP TABLE users; --", '<script>alert(1)</script>', '__proto__'), fc.oneof(fc.integer(), fc.string(), fc.constant({ isAdmin: true })))
          .map(([f, name, value]) =>
            request(
              { body: addIn(base.body, f.path, name, value) },
              // A `__proto__` key is refused by the JSON parser, before any schema.
              { what: `body ${pointer(f.path)} with extra ${name}`, ...(name === '__proto__' ? {} : field(f, `${pointer(f.path) === '/' ? '' : pointer(f.path)}/${name}`)) },
            ),
          ),
      );
    }
  }
  // A write that takes nothing (logout, training a model) gets only the bad bodies.
  return cases.length > 0 ? fc.oneof(...cases) : null;
}

/** How fast-check prints a failing request: what was broken, not megabytes of payload. */
function described(request: Request): Request {
  return Object.assign(request, { [fc.toStringMethod]: () => `${request.method} ${request.url.slice(0, 120)} (${request.what})` });
}

function describeValue(value: unknown): string {
  if (value instanceof Raw) return value.text.length > 40 ? `${value.text.slice(0, 20)}… (${value.text.length} chars)` : value.text;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 40)}… (${text.length} chars)` : text;
}

/** Bodies no JSON schema can read: each operation taking a body gets all of them. */
function badBodies(operation: Operation, base: Base, bodyLimit: number): Request[] {
  const url = urlOf(operation, base.params, base.query);
  const make = (what: string, payload: string | Buffer, contentType: string, valid: boolean | null = false): Request =>
    described({ method: operation.method, url, payload, contentType, valid, what });
  const unreadable = [
    make('JSON cut short', '{"a": [1, 2', 'application/json'),
    make('single quotes', "{'a': 1}", 'application/json'),
    make('empty JSON body', '', 'application/json'),
    make('invalid UTF-8 outside strings', Buffer.from([0x7b, 0xff, 0xfe, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d]), 'application/json'),
    make('over the body limit', `{"padding":"${'x'.repeat(bodyLimit + 1024)}"}`, 'application/json'),
    make('an unsupported media type', '<a>1</a>', 'application/xml'),
  ];
  if (!operation.body) {
    if (operation.rawBodyTypes.length === 0) return unreadable;
    // CSV and image uploads: bytes that are neither.
    return [
      ...operation.rawBodyTypes.map((type) => make(`random bytes as ${type}`, Buffer.from(fc.sample(fc.uint8Array({ minLength: 1, maxLength: 512 }), { seed: SEED, numRuns: 1 })[0]!), type)),
      make(`a JSON body instead of ${operation.rawBodyTypes.join(', ')}`, '{"a":1}', 'application/json', null),
      ...unreadable.filter((request) => request.contentType !== 'application/json' || request.what === 'over the body limit'),
    ];
  }
  const json = toJson(base.body);
  const quote = json.indexOf('":"');
  const withBadBytes =
    quote < 0
      ? null
      : Buffer.concat([Buffer.from(json.slice(0, quote + 3)), Buffer.from([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]), Buffer.from(json.slice(quote + 3))]);
  return [
    ...unreadable,
    make(`${DEEP} levels of arrays`, '['.repeat(DEEP) + ']'.repeat(DEEP), 'application/json'),
    make(`${DEEP} levels of objects`, '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP), 'application/json'),
    make('null', 'null', 'application/json'),
    make('an array', '[]', 'application/json'),
    make('a string', '"x"', 'application/json'),
    make('a number', '1e309', 'application/json'),
    make('JSON as text/plain', json, 'text/plain'),
    // Refused as a whole, never read with U+FFFD in place of the bad bytes.
    ...(withBadBytes ? [make('invalid UTF-8 inside a string', withBadBytes, 'application/json')] : []),
  ];
}

describe('fuzzing every route with bad input', () => {
  let t: TestApp;
  let trader: Account;
  let partnerKey: string;
  let operations: Operation[];
  let ids: string[];
  let before: Map<string, string>;
  const totals = { requests: 0, routes: 0, serverErrors: 0, changes: 0, accepted: 0 };
  const failures: string[] = [];

  beforeAll(async () => {
    const stopped = new Date();
    t = await createTestApp({ clock: { now: () => stopped } });
    const zone = await createZone(t.admin);
    const enterprise = await createEnterprise(t.admin, [zone.id]);
    trader = await createAccount(t, 'enterprise_user', { enterpriseId: enterprise.id });
    const partner = await t.admin.post('/api/v1/api-keys', { name: 'Partner administration', role: 'partner', zoneIds: [zone.id], scopes: ['feeds:read'] });
    if (partner.status !== 201) throw new Error(`creating a partner's API key failed (${partner.status}): ${JSON.stringify(partner.body)}`);
    partnerKey = partner.body.key as string;
    // Its first use writes its last use; with the clock still, no later one does.
    await t.client(partnerKey).get('/api/v1/feeds/items');
    const books = await t.admin.get(`/api/v1/books?enterpriseId=${enterprise.id}`);
    // Ids of real records, so that a valid id reaches past "not found" now and then.
    ids = [zone.id, enterprise.id, books.body.items[0].id as string];
    operations = operationsOf((await t.anonymous.get('/openapi.json')).body);
    before = await fingerprint(t.ctx.db, EXCLUDED);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('covers every operation of the OpenAPI document', async () => {
    expect(operations.map((operation) => `${operation.method} ${operation.path}`).sort()).toEqual(await openApiRoutes(t.admin));
  });

  it('answers every bad request with a 4xx in the error shape, naming the field, and changes nothing', async () => {
    const pick = fc.sample(fc.integer({ min: 0, max: 1_000_000 }), { seed: SEED, numRuns: 10_000 });
    let picked = 0;
    const uuid = () => (pick[picked++ % pick.length]! % 4 === 3 ? crypto.randomUUID() : ids[pick[picked % pick.length]! % ids.length]!);

    const check = async (operation: Operation, who: Who, request: Request): Promise<void> => {
      let token = { admin: adminToken, trader: traderToken, partner: partnerKey }[who];
      if (operation.path === '/api/v1/auth/logout') {
        // Logging out would end the session every later request relies on: spend a fresh one.
        token = who === 'admin' ? await tokenOf(t, 'admin') : await tokenOf(t, trader.username, trader.password);
        before = await fingerprint(t.ctx.db, EXCLUDED);
      }
      const response = await t.app.inject({
        method: request.method,
        url: request.url,
        headers: { authorization: `Bearer ${token}`, ...(request.contentType ? { 'content-type': request.contentType } : {}) },
        ...(request.payload === undefined ? {} : { payload: request.payload }),
      });
      totals.requests++;
      const label = `${operation.method} ${operation.path} as ${who}: ${request.what} -> ${response.statusCode} ${response.body.slice(0, 300)}`;
      const status = response.statusCode;
      if (status >= 500) totals.serverErrors++;
      expect(status, label).toBeLessThan(500);
      if (status < 300) {
        totals.accepted++;
        expect(request.valid, `accepted although it breaks its schema: ${label}`).not.toBe(false);
        before = await fingerprint(t.ctx.db, EXCLUDED);
        return;
      }
      expect(status, label).toBeGreaterThanOrEqual(400);
      const body = JSON.parse(response.body) as { error?: { code?: string; message?: unknown; details?: { path: string; message: string }[] } };
      expect(body, label).toMatchObject({ error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) } });
      const code = body.error!.code as keyof typeof STATUS_BY_CODE;
      expect(STATUS_BY_CODE[code], label).toBe(status);
      if (request.field && code === 'VALIDATION_FAILED' && request.valid === false) {
        const field = request.field;
        const named = body.error!.details!.some(
          (detail) =>
            detail.path === field ||
            field === '/' ||
            detail.path.startsWith(`${field}/`) ||
            (request.inUnion === true && (detail.path === '/' || field.startsWith(`${detail.path}/`))) ||
            // The router refuses a path it cannot decode before it knows which parameter is which.
            (detail.path === '/params' && field.startsWith('/params')),
        );
        expect(named, `the refusal does not name ${field}: ${label}`).toBe(true);
      }
      const after = await fingerprint(t.ctx.db, EXCLUDED);
      const changed = changedTables(before, after);
      if (changed.length > 0) {
        totals.changes++;
        before = after;
      }
      expect(changed, `a refused request changed ${changed.join(', ')}: ${label}`).toEqual([]);
    };

    const adminToken = await tokenOf(t, 'admin');
    const traderToken = await tokenOf(t, trader.username, trader.password);
    // Logging in writes sessions: the baseline is what the world holds once both are signed in.
    before = await fingerprint(t.ctx.db, EXCLUDED);
    const users = fc.constantFrom<Who>('admin', 'admin', 'trader');
    const partnerOperations: string[] = [];
    for (const [index, operation] of operations.entries()) {
      const base = baseOf(operation, uuid);
      const generated = casesOf(operation, base);
      // Access is decided before the input is read: a route the admin is refused would refuse all of it
      // unread. Those are the partner's, who gets them instead. (The probe's body is of a type no route
      // reads, so that it cannot change anything.)
      const probe = await t.app.inject({
        method: operation.method,
        url: urlOf(operation, base.params, base.query),
        headers: { authorization: `Bearer ${adminToken}`, ...(operation.method === 'GET' ? {} : { 'content-type': 'application/xml' }) },
        ...(operation.method === 'GET' ? {} : { payload: '<a/>' }),
      });
      const forPartner = probe.statusCode === 403;
      if (forPartner) partnerOperations.push(`${operation.method} ${operation.path}`);
      const callers: Who[] = forPartner ? ['partner'] : ['admin', 'trader'];
      const who = forPartner ? fc.constant<Who>('partner') : users;
      try {
        if (operation.method !== 'GET' && operation.method !== 'DELETE') {
          for (const request of badBodies(operation, base, t.ctx.config.bodyLimit)) {
            for (const caller of callers) await check(operation, caller, request);
          }
        }
        if (generated) await fc.assert(
          fc.asyncProperty(who, generated, (caller, request) => check(operation, caller, request)),
          { seed: SEED + index, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
        );
      } catch (error) {
        failures.push(`${operation.method} ${operation.path}: ${(error as Error).message.slice(0, 2000)}`);
        before = await fingerprint(t.ctx.db, EXCLUDED);
      }
      totals.routes++;
      // Both accounts must still be signed in, or later refusals would be 401s that prove nothing.
      for (const [name, token] of [['admin', adminToken], ['trader', traderToken]] as const) {
        const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
        expect(me.statusCode, `${name} signed out after ${operation.method} ${operation.path}`).toBe(200);
      }
    }
    console.log(
      `fuzz: ${totals.requests.toLocaleString('en')} requests over ${totals.routes} routes (${partnerOperations.length} with a partner's key), ${totals.serverErrors} server errors, ${totals.changes} changes` +
        ` (${totals.accepted} valid requests accepted)`,
    );
    expect(failures, failures.join('\n\n')).toEqual([]);
    // The partner's feed, and only it, is fuzzed with the partner's key rather than refused unread.
    expect(partnerOperations).toEqual(['GET /api/v1/feeds/items']);
  }, 600_000);
});

/** A new session's bearer token (the test clients keep theirs to themselves). */
async function tokenOf(t: TestApp, username: string, password = 'admin-password-for-tests'): Promise<string> {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`login of ${username} failed: ${response.body}`);
  return (JSON.parse(response.body) as { token: string }).token;
}

function baseOf(operation: Operation, uuid: () => string): Base {
  const params = (operation.params ? sampleOf(operation.params, uuid) : {}) as Record<string, unknown>;
  const query = (operation.query ? sampleOf(operation.query, uuid) : {}) as Record<string, unknown>;
  const body = operation.body ? sampleOf(operation.body, uuid) : undefined;
  return {
    params,
    query,
    body,
    validParts: {
      params: operation.params ? passes(operation.params, params, 'other') : true,
      query: operation.query ? passes(operation.query, query, 'other') : true,
      body: operation.body ? passes(operation.body, body) : true,
    },
  };
}

describe('fuzzing telemetry payloads through the MQTT bridge', () => {
  let t: TestApp;
  let device: { id: string; deviceId: string };
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    t = await createTestApp();
    const zone = await createZone(t.admin);
    const enterprise = await createEnterprise(t.admin, [zone.id]);
    const deviceId = 'ESEAL-FUZZ-1';
    const created = await t.admin.post('/api/v1/devices', { deviceId, type: 'E_SEAL', zoneId: zone.id, ownerEnterpriseId: enterprise.id });
    if (created.status !== 201) throw new Error(`registering a device failed (${created.status}): ${JSON.stringify(created.body)}`);
    device = { id: created.body.id as string, deviceId };
  });

  afterAll(async () => {
    await t?.close();
  });

  const stored = async (): Promise<{ positions: number; events: number }> => {
    const [row] = await t.ctx.db.query<{ positions: string; events: string }>(
      'SELECT (SELECT count(*) FROM trip_positions) AS positions, (SELECT count(*) FROM trip_events) AS events',
    );
    return { positions: Number(row!.positions), events: Number(row!.events) };
  };
  const malformed = async (): Promise<number> => {
    const drops = await t.admin.get(`/api/v1/devices/${device.id}/drops`);
    expect(drops.status).toBe(200);
    return (drops.body.items as { reason: string; count: number }[]).filter((item) => item.reason === 'MALFORMED').reduce((sum, item) => sum + item.count, 0);
  };

  it('refuses bad payloads, counts each as MALFORMED, lets no exception escape and stores nothing', async () => {
    const bridge = createTelemetryBridge({ ingest: t.ctx.tracking.ingest, clock: t.ctx.clock, log: quiet });
    const topic = telemetryTopic(device.deviceId);
    // How the bridge settles a message: null when it may be acknowledged (stored or counted).
    const settled = (bytes: Buffer) => new Promise<Error | null>((resolve) => bridge(topic, bytes, resolve));
    const now = t.ctx.clock.now().toISOString();
    const valid: Record<string, Record<string, unknown>> = {
      position: { type: 'position', time: now, lat: 40.7, lon: -74.0, speed: 30, heading: 90, accuracy: 5, battery: 80 },
      seal: { type: 'seal', time: now, state: 'SEALED' },
      event: { type: 'event', time: now, event: 'TAMPER', battery: 50, authorisation: 'PERMIT-1' },
    };
    const kinds = [
      { message: valid.position!, schema: PositionMessageSchema as unknown as JsonSchema },
      { message: valid.seal!, schema: SealMessageSchema as unknown as JsonSchema },
      { message: valid.event!, schema: EventMessageSchema as unknown as JsonSchema },
    ];
    // Each breaks the contract in one place: a wrong or out-of-range field, a missing or unknown one.
    const badMessage = fc.constantFrom(...kinds).chain(({ message, schema }) => {
      const fields = fieldsOf(schema).filter((field) => field.path.length > 0);
      const required = fields.filter((field) => field.required);
      return fc.oneof(
        fc.constantFrom(...fields).chain((field) => badValues(field.schema).map((value) => setIn(message, field.path, value))),
        fc.constantFrom(...required).map((field) => deleteIn(message, field.path)),
        fc.constantFrom('extra', 'lat_e7', "'; DROP TABLE trip_events; --").map((name) => addIn(message, [], name, 1)),
        fc.constantFrom('1999-12-31T23:59:59Z', '2026-02-30T10:00:00Z', '0000-00-00T00:00:00Z', '10000-01-01T00:00:00Z', 946_684_799_999, 2026.5).map((time) => ({ ...message, time })),
      );
    });
    const asText = (value: unknown) => Buffer.from(toJson(value));
    const payload = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
      badMessage.map(asText),
      fc.tuple(fc.constantFrom(...Object.values(valid)), badMessage).map(([good, bad]) => asText([good, bad])),
      fc.constantFrom(...Object.values(valid)).map((message) => {
        // Invalid UTF-8 inside a string of a message that is otherwise valid.
        const text = JSON.stringify(message);
        const at = text.indexOf('":"') + 3;
        return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(text.slice(at))]);
      }),
      fc.constantFrom(
        Buffer.from('['.repeat(DEEP) + ']'.repeat(DEEP)),
        Buffer.from('{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP)),
        Buffer.from(`[${JSON.stringify(valid.seal)}${' '.repeat(MAX_TELEMETRY_PAYLOAD_BYTES)}]`),
        asText(Array.from({ length: 1001 }, () => valid.seal)),
        asText([]),
        asText(null),
        asText('position'),
        Buffer.from('1e309'),
        Buffer.alloc(0),
      ),
      rawNumbers()
        .filter((number) => !(Math.abs(number.value as number) <= 90))
        .map((number) => Buffer.from(`{"type":"position","time":"${now}","lat":${number.text},"lon":${number.text}}`)),
    );

    const before = await stored();
    const counted = await malformed();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(payload, { minLength: 1, maxLength: 8 }), async (payloads) => {
        for (const bytes of payloads) {
          // Sure to be refused: larger than allowed, or breaking the contract.
          expect(bytes.length > MAX_TELEMETRY_PAYLOAD_BYTES || !parseTelemetry(bytes).ok, bytes.subarray(0, 200).toString()).toBe(true);
        }
        // The bridge settles every refusal as done; an error would leave the message unacknowledged.
        expect(await Promise.all(payloads.map(settled))).toEqual(payloads.map(() => null));
        sent += payloads.length;
      }),
      { seed: SEED, numRuns: 40 },
    );
    expect(await malformed()).toBe(counted + sent);
    expect(await stored()).toEqual(before);

    // The control: a valid event through the same bridge is stored, so the assertion above can fail.
    expect(await settled(Buffer.from(JSON.stringify(valid.event)))).toBeNull();
    expect((await stored()).events).toBe(before.events + 1);
    console.log(`fuzz: ${sent} telemetry payloads refused as MALFORMED, 0 stored`);
  }, 120_000);
});
