// Support for fuzzing the API from its own OpenAPI document: a valid request for each operation built
// from its schemas, the fields those schemas name, fast-check arbitraries of values that break a
// field's schema (checked with the same validator options as the application, so a value counted as
// bad is bad), bodies written byte by byte (numbers JSON.stringify cannot write, invalid UTF-8, deep
// nesting), and a fingerprint of every table that shows whether a request changed anything.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import type { Db } from '../../src/platform/db/db.ts';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  default?: unknown;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  params: JsonSchema | null;
  query: JsonSchema | null;
  /** The JSON body's schema, or null when the operation takes no JSON body. */
  body: JsonSchema | null;
  /** Content types of a body that is not JSON (CSV, images). */
  rawBodyTypes: string[];
}

/** Every `/api/v1/...` operation of the OpenAPI document with the schemas of its inputs. */
export function operationsOf(document: { paths: Record<string, Record<string, any>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, operation] of Object.entries(methods)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      const parameters = (operation.parameters ?? []) as Parameter[];
      const group = (where: Parameter['in']): JsonSchema | null => {
        const own = parameters.filter((parameter) => parameter.in === where);
        if (own.length === 0) return null;
        return {
          type: 'object',
          properties: Object.fromEntries(own.map((parameter) => [parameter.name, parameter.schema])),
          required: own.filter((parameter) => parameter.required).map((parameter) => parameter.name),
        };
      };
      const content = (operation.requestBody?.content ?? {}) as Record<string, { schema: JsonSchema }>;
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        params: group('path'),
        query: group('query'),
        body: content['application/json']?.schema ?? null,
        rawBodyTypes: Object.keys(content).filter((type) => type !== 'application/json'),
      });
    }
  }
  return operations.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

// --- validators with the application's options --------------------------------------------------

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// As the application validates: bodies strictly, path and query parameters coerced from strings.
const bodyAjv = addFormats(new Ajv({ allErrors: false, useDefaults: true, coerceTypes: false, strict: false, strictNumbers: true }));
const otherAjv = addFormats(new Ajv({ allErrors: false, useDefaults: true, coerceTypes: 'array', strict: false, strictNumbers: true }));
const compiled = new Map<string, ValidateFunction>();

/** Whether `value` passes `schema` as the application would check it (on a copy: defaults and coercion write). */
export function passes(schema: JsonSchema, value: unknown, part: 'body' | 'other' = 'body'): boolean {
  const key = `${part}:${JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = (part === 'body' ? bodyAjv : otherAjv).compile(schema);
    compiled.set(key, validate);
  }
  return validate(copyOf(value));
}

/** A copy to validate (defaults and coercion write into it); a value too deep to copy is checked as is. */
function copyOf(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

// --- raw JSON -------------------------------------------------------------------------------------

/** A JSON token written as is (`1e309`, a 10,000-deep array) and the value the server parses it to. */
export class Raw {
  constructor(
    readonly text: string,
    readonly value: unknown,
  ) {}
}

/** The JSON text of a value that may hold Raw tokens. */
export function toJson(value: unknown): string {
  const raws: Raw[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof Raw) {
      raws.push(item);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return item;
  });
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_match, index: string) => raws[Number(index)]!.text);
}

/** The value the server sees: Raw tokens replaced by what they parse to. */
export function parsedValue(value: unknown): unknown {
  if (value instanceof Raw) return value.value;
  if (Array.isArray(value)) return value.map(parsedValue);
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(copy, key, { value: parsedValue((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return value;
}

export const DEEP = 10_000;
const deepArray = (): Raw => new Raw('['.repeat(DEEP) + ']'.repeat(DEEP), deepValue(DEEP));
function deepValue(depth: number): unknown {
  let value: unknown[] = [];
  for (let level = 1; level < depth; level++) value = [value];
  return value;
}

// --- valid values -----------------------------------------------------------------------------------

const FORMAT_SAMPLES: Record<string, string> = {
  date: '2026-03-02',
  'date-time': '2026-03-02T08:15:00Z',
  uri: 'https://example.org/x',
  email: 'someone@example.org',
};

/** A deterministic string matching a pattern, within the length bounds (null when none is found). */
function stringFor(schema: JsonSchema): string | null {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, 12);
  if (!schema.pattern) return 'x'.repeat(Math.max(min, Math.min(8, max)));
  const candidates = fc.sample(fc.stringMatching(new RegExp(schema.pattern)), { seed: 7, numRuns: 200 });
  return candidates.find((candidate) => candidate.length >= min && candidate.length <= max) ?? null;
}

/**
 * A value that passes `schema`, with every optional property present (so that every field has a
 * place in the request); `uuid` picks an id (real records where the caller has them).
 */
export function sampleOf(schema: JsonSchema, uuid: () => string): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const union = schema.anyOf ?? schema.oneOf;
  if (union) {
    const branch = union.find((candidate) => candidate.type !== 'null') ?? union[0]!;
    return sampleOf(branch, uuid);
  }
  if (schema.default !== undefined) return schema.default;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) value[name] = sampleOf(property, uuid);
      return value;
    }
    case 'array':
      return Array.from({ length: Math.max(schema.minItems ?? 0, 1) }, () => sampleOf(schema.items ?? {}, uuid));
    case 'string':
      if (schema.format === 'uuid') return uuid();
      if (schema.format && FORMAT_SAMPLES[schema.format]) return FORMAT_SAMPLES[schema.format];
      return stringFor(schema) ?? 'x';
    case 'integer':
    case 'number': {
      const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
      const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : low + 10);
      return Math.min(Math.max(1, low), high);
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case undefined:
    default:
      return {};
  }
}

// --- the fields of a schema ------------------------------------------------------------------------

export interface Field {
  /** JSON pointer segments from the part's root. */
  path: string[];
  schema: JsonSchema;
  required: boolean;
  /** Below an anyOf: an error may be reported at the union rather than at the field. */
  inUnion: boolean;
  /** The schema of the object holding the field (for extra properties), when it closes its properties. */
  closedObject: boolean;
}

/** Every field of a schema, depth first, the root included; array items at index 0. */
export function fieldsOf(schema: JsonSchema, path: string[] = [], required = true, inUnion = false): Field[] {
  const union = schema.anyOf ?? schema.oneOf;
  const own = union ? (union.find((branch) => branch.type === 'object' || branch.type === 'array') ?? union[0]!) : schema;
  const nested = inUnion || union !== undefined;
  const fields: Field[] = [{ path, schema, required, inUnion, closedObject: own.type === 'object' && own.additionalProperties === false }];
  if (own.type === 'object') {
    for (const [name, property] of Object.entries(own.properties ?? {})) {
      fields.push(...fieldsOf(property, [...path, name], (own.required ?? []).includes(name), nested));
    }
  } else if (own.type === 'array' && own.items && Object.keys(own.items).length > 0) {
    fields.push(...fieldsOf(own.items, [...path, '0'], true, nested));
  }
  return fields;
}

export function setIn(root: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const container = Array.isArray(root) ? [...(root as unknown[])] : { ...(root as Record<string, unknown>) };
  (container as Record<string, unknown>)[head] = setIn((container as Record<string, unknown>)[head], rest, value);
  return container;
}

export function deleteIn(root: unknown, path: string[]): unknown {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    const { [head]: _gone, ...others } = root as Record<string, unknown>;
    return others;
  }
  return setIn(root, [head], deleteIn((root as Record<string, unknown>)[head], rest));
}

/** Adds a property, including one named `__proto__` (an own, enumerable key, as JSON.parse would make it). */
export function addIn(root: unknown, path: string[], name: string, value: unknown): unknown {
  if (path.length > 0) {
    const [head, ...rest] = path as [string, ...string[]];
    return setIn(root, [head], addIn((root as Record<string, unknown>)[head], rest, name, value));
  }
  const copy = { ...(root as Record<string, unknown>) };
  Object.defineProperty(copy, name, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

// --- bad values -----------------------------------------------------------------------------------

export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1; SELECT pg_sleep(5)--',
  "admin'--",
  '" OR ""="',
  "' UNION SELECT token_hash FROM sessions --",
  '$1',
  '%s%s%s%n',
  '\\',
  "\\'",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '\u0000',
  'nul\u0000byte',
  '\ud800',
  '\u202e\u0000\uffff',
  '𝕏🚚\u0301',
  '',
  ' ',
];

export const BAD_DATES = ['2026-02-30', '2025-02-29', '0000-00-00', '10000-01-01', '2026-13-01', '2026-1-1', '2026-04-31', '99999-12-31', '-0001-01-01', '2026-02-30T10:00:00Z', '2026-01-01T25:00:00Z', '2026-01-01T10:00:00', '0000-00-00T00:00:00Z', '10000-01-01T00:00:00Z', 'yesterday'];
export const BAD_UUIDS = ['not-a-uuid', '00000000-0000-0000-0000-00000000000', '00000000-0000-0000-0000-0000000000000', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '1', '-1', '0', "1' OR '1'='1", '%00', 'ä'.repeat(36), 'x'.repeat(5000), 'NaN', '1e309', 'null', '..', '{}'];
export const NUMBER_STRINGS = ['NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '0x10', '1_000', '', ' ', '1,5', '١٢٣', '--1', '+-1', '9'.repeat(400), '-0', '1e-400'];

/** Numbers JSON can carry but JSON.stringify cannot write, and extremes. */
export const rawNumbers = (): fc.Arbitrary<Raw> =>
  fc.constantFrom(
    new Raw('1e309', Infinity),
    new Raw('-1e309', -Infinity),
    new Raw('123456789012345678901234567890', Number('123456789012345678901234567890')),
    new Raw('-9223372036854775809', Number('-9223372036854775809')),
    new Raw('9007199254740993', Number('9007199254740993')),
    new Raw('1e-400', 0),
    new Raw('-0', -0),
    new Raw('1.7976931348623157e308', 1.7976931348623157e308),
    new Raw('4.9e-324', 4.9e-324),
  );

const anyJson = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.string({ maxLength: 20 }),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
  );

/** Strings for a string field, mostly hostile. */
function hostileStrings(schema: JsonSchema): fc.Arbitrary<string> {
  const max = schema.maxLength ?? 2000;
  return fc.oneof(
    fc.constantFrom(...INJECTIONS, ...BAD_DATES, ...BAD_UUIDS, ...NUMBER_STRINGS),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constant('x'.repeat(max + 1)),
    fc.constant('y'.repeat(100_000)),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
  );
}

/** Values of every kind that the field's schema refuses (numbers: out of range, not finite, too large). */
export function badValues(schema: JsonSchema): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const choices: fc.Arbitrary<unknown>[] = [anyJson(), fc.constant(new Raw('['.repeat(200) + ']'.repeat(200), deepValue(200))), fc.constant(deepArray())];
  if (type === 'string' || schema.enum) choices.push(hostileStrings(schema), hostileStrings(schema));
  if (type === 'number' || type === 'integer') {
    choices.push(rawNumbers(), rawNumbers(), fc.constantFrom(...NUMBER_STRINGS), fc.double({ noNaN: true }), fc.integer({ min: -(2 ** 31), max: -1 }), fc.constant(0.5));
    if (schema.maximum !== undefined) choices.push(fc.double({ min: schema.maximum, max: 1e300, noNaN: true, minExcluded: true }));
    if (schema.minimum !== undefined) choices.push(fc.double({ min: -1e300, max: schema.minimum, noNaN: true, maxExcluded: true }));
  }
  if (type === 'array') choices.push(fc.constant(Array.from({ length: (schema.maxItems ?? 1000) + 1 }, () => 0)), fc.constant([]));
  return fc.oneof(...choices).filter((value) => !passes(schema, parsedValue(value)));
}

/** Values the field's schema may well accept but that the code behind it must survive. */
export function hostileValues(schema: JsonSchema): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'string') return hostileStrings(schema);
  if (type === 'number' || type === 'integer') {
    const choices: fc.Arbitrary<unknown>[] = [rawNumbers(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()];
    if (schema.maximum !== undefined) choices.push(fc.constant(schema.maximum));
    if (schema.minimum !== undefined) choices.push(fc.constant(schema.minimum));
    return fc.oneof(...choices);
  }
  return anyJson();
}

/** Query and path values: always strings, as they come in a URL. */
export function badParameterValues(schema: JsonSchema): fc.Arbitrary<string> {
  return fc
    .oneof(
      hostileStrings(schema),
      fc.constantFrom(...BAD_UUIDS, ...NUMBER_STRINGS, ...BAD_DATES, 'true1', 'yes', '2', '-1', '1.5', '1e309', '9007199254740993', '99999999999999999999'),
      fc.string({ maxLength: 20 }),
    )
    .filter((value) => !passes({ type: 'object', properties: { v: schema }, required: ['v'] }, { v: value }, 'other'));
}

// --- the database's fingerprint -----------------------------------------------------------------------

/**
 * One text per table: its row count and the newest transaction that wrote a row still there (`xmin`).
 * An insert or update leaves a newer xmin, a delete a smaller count; reading it costs far less than
 * hashing every row, which matters at one fingerprint per request.
 */
export async function fingerprint(db: Db, excluded: ReadonlySet<string>): Promise<Map<string, string>> {
  const tables = (
    await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
    )
  )
    .map((row) => row.name)
    .filter((name) => !excluded.has(name));
  const columns = tables.map(
    (name, index) => `(SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM "${name}") AS t${index}`,
  );
  const [row] = await db.query<Record<string, string>>(`SELECT ${columns.join(', ')}`);
  return new Map(tables.map((name, index) => [name, row![`t${index}`]!]));
}

/** The tables whose fingerprint differs. */
export function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name));
}
