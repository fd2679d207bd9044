// What an e-seal or e-lock may send: the JSON Schema of telemetry messages (one message or an array
// of them, the same over MQTT and HTTP) and their parsing into typed messages with times as Dates.
// A payload is taken or refused as a whole; a refusal names every bad field and the rule it breaks.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Type, type Static } from 'typebox';
import type { ErrorDetail } from '../platform/errors.ts';
import { StringEnum } from '../platform/http/schemas.ts';

export const MAX_TELEMETRY_MESSAGES = 1000;

export const SEAL_STATES = ['ARMED', 'SEALED', 'OPENED'] as const;
export type SealState = (typeof SEAL_STATES)[number];
export const DEVICE_EVENTS = ['TAMPER', 'CUT', 'SHOCK', 'LOW_BATTERY', 'UNLOCK'] as const;
export type DeviceEvent = (typeof DEVICE_EVENTS)[number];

/** 2000-01-01T00:00:00Z: a device clock earlier than this has not been set. */
export const EARLIEST_TELEMETRY_TIME = Date.UTC(2000, 0, 1);
/** 9999-12-31T23:59:59.999Z: the last instant an ISO 8601 date-time with a four-digit year can name. */
const LATEST_TELEMETRY_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const TIME_RULE = 'must be an ISO 8601 date-time with an offset or integer epoch milliseconds, from 2000-01-01';

const Time = Type.Union([Type.String({ format: 'date-time', maxLength: 40 }), Type.Integer({ minimum: EARLIEST_TELEMETRY_TIME, maximum: LATEST_TELEMETRY_TIME })], {
  description: `When the device measured it: ISO 8601 date-time with offset ("2026-03-01T08:15:00Z") or epoch milliseconds; from 2000-01-01`,
});
const Battery = Type.Integer({ minimum: 0, maximum: 100, description: 'Battery charge, percent' });

export const PositionMessageSchema = Type.Object(
  {
    type: Type.Literal('position'),
    time: Time,
    lat: Type.Number({ minimum: -90, maximum: 90, description: 'Latitude, degrees WGS84' }),
    lon: Type.Number({ minimum: -180, maximum: 180, description: 'Longitude, degrees WGS84' }),
    speed: Type.Optional(Type.Number({ minimum: 0, description: 'Speed over ground, km/h' })),
    heading: Type.Optional(Type.Number({ minimum: 0, maximum: 360, description: 'Course over ground, degrees from true north' })),
    accuracy: Type.Optional(Type.Number({ minimum: 0, description: 'Horizontal accuracy, metres' })),
    battery: Type.Optional(Battery),
  },
  { additionalProperties: false },
);

export const SealMessageSchema = Type.Object(
  {
    type: Type.Literal('seal'),
    time: Time,
    state: StringEnum(SEAL_STATES),
  },
  { additionalProperties: false },
);

export const EventMessageSchema = Type.Object(
  {
    type: Type.Literal('event'),
    time: Time,
    event: StringEnum(DEVICE_EVENTS),
    battery: Type.Optional(Battery),
    authorisation: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The unlock code or permit an UNLOCK was authorised with' })),
  },
  { additionalProperties: false },
);

/** One telemetry message as a device sends it. */
export const TelemetryMessageSchema = Type.Union([PositionMessageSchema, SealMessageSchema, EventMessageSchema]);
export type TelemetryMessageInput = Static<typeof TelemetryMessageSchema>;

/** The messages of one HTTP request (`messages` of the body). */
export const TelemetryBatchSchema = Type.Array(TelemetryMessageSchema, { minItems: 1, maxItems: MAX_TELEMETRY_MESSAGES });

/** A whole payload: one message or an array of them. */
export const TelemetryPayloadSchema = Type.Union([TelemetryMessageSchema, TelemetryBatchSchema]);


export type TelemetryMessage =
  | { type: 'position'; at: Date; lat: number; lon: number; speedKmh: number | null; heading: number | null; accuracyM: number | null; battery: number | null }
  | { type: 'seal'; at: Date; state: SealState }
  | { type: 'event'; at: Date; event: DeviceEvent; battery: number | null; authorisation: string | null };

export type TelemetryParse = { ok: true; messages: TelemetryMessage[] } | { ok: false; errors: ErrorDetail[] };

// The same options as the HTTP body validator (no coercion, no NaN or Infinity, every error), except
// that the time's `date-time` format is left to `telemetryTimeMs`, which reads it anyway: checked
// twice, it cost as much as the rest of the validation of a position.
const ajv = new Ajv({ allErrors: true, strict: false, strictNumbers: true, coerceTypes: false, validateFormats: false });
const validatePayload = ajv.compile<TelemetryMessageInput | TelemetryMessageInput[]>(TelemetryPayloadSchema);
// Each kind on its own, so that a bad message is described by its own kind's rules only.
const validatorsByType: Record<string, ValidateFunction> = {
  position: ajv.compile(PositionMessageSchema),
  seal: ajv.compile(SealMessageSchema),
  event: ajv.compile(EventMessageSchema),
};
const TYPES = Object.keys(validatorsByType);

// RFC 3339 date-time (what the `date-time` format admits), read by hand so that every accepted
// spelling (lower-case t, a space, +hhmm offsets) gives the same instant on every runtime, and
// without a regular expression: its match would be the largest allocation of a position's reading.
//   YYYY-MM-DD(T|t| )hh:mm:ss[.fraction](Z|z|+hh[[:]mm]|-hh[[:]mm])
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

/** The number written by `count` ASCII digits at `start`, or -1 when one of them is not a digit (or missing). */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

const charCode = (char: string): number => char.charCodeAt(0);
const DASH = charCode('-');
const COLON = charCode(':');
const DOT = charCode('.');
const PLUS = charCode('+');
const T_UPPER = charCode('T');
const T_LOWER = charCode('t');
const SPACE = charCode(' ');
const Z_UPPER = charCode('Z');
const Z_LOWER = charCode('z');
const MS_PER_FRACTION_DIGIT = [100, 10, 1];
const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000;

/** Epoch milliseconds of a telemetry time, or NaN when it is not one (an impossible date or time included). */
export function telemetryTimeMs(time: string | number): number {
  if (typeof time === 'number') return Number.isInteger(time) ? time : Number.NaN;
  const separator = time.charCodeAt(10);
  if (time.charCodeAt(4) !== DASH || time.charCodeAt(7) !== DASH || time.charCodeAt(13) !== COLON || time.charCodeAt(16) !== COLON || (separator !== T_UPPER && separator !== T_LOWER && separator !== SPACE)) return Number.NaN;
  const year = digitsAt(time, 0, 4);
  const month = digitsAt(time, 5, 2);
  const day = digitsAt(time, 8, 2);
  const hour = digitsAt(time, 11, 2);
  const minute = digitsAt(time, 14, 2);
  const second = digitsAt(time, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return Number.NaN;
  }
  let i = 19;
  // A fraction of any length; its first three digits are the milliseconds (the rest is cut, not rounded).
  let ms = 0;
  if (time.charCodeAt(i) === DOT) {
    const first = ++i;
    for (let digit = digitsAt(time, i, 1); digit >= 0; digit = digitsAt(time, ++i, 1)) {
      if (i - first < 3) ms += digit * (MS_PER_FRACTION_DIGIT[i - first] as number);
    }
    if (i === first) return Number.NaN;
  }
  let offsetMinutesEast = 0;
  const zone = time.charCodeAt(i);
  if (zone === Z_UPPER || zone === Z_LOWER) {
    i += 1;
  } else if (zone === PLUS || zone === DASH) {
    const offsetHours = digitsAt(time, i + 1, 2);
    i += 3;
    let offsetMinutes = 0;
    if (i < time.length) {
      if (time.charCodeAt(i) === COLON) i++;
      offsetMinutes = digitsAt(time, i, 2);
      i += 2;
    }
    if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return Number.NaN;
    offsetMinutesEast = (zone === DASH ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  } else {
    return Number.NaN;
  }
  if (i !== time.length) return Number.NaN;
  // A leap second is 23:59:60 in UTC, whatever the offset; it is read as the first instant of the next minute.
  const utcMinuteOfDay = (((hour * 60 + minute - offsetMinutesEast) % 1440) + 1440) % 1440;
  if (second === 60 && utcMinuteOfDay !== 23 * 60 + 59) return Number.NaN;
  // Date.UTC reads years 0-99 as 1900-1999; 400 years on (always 146,097 days) it reads them all alike.
  return Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - GREGORIAN_CYCLE_MS - offsetMinutesEast * 60_000;
}

function validTime(time: unknown): boolean {
  if (typeof time !== 'string' && typeof time !== 'number') return false;
  const ms = telemetryTimeMs(time);
  return ms >= EARLIEST_TELEMETRY_TIME && ms <= LATEST_TELEMETRY_TIME;
}

function detailOf(error: ErrorObject, prefix: string): ErrorDetail {
  const path = prefix + error.instancePath;
  switch (error.keyword) {
    case 'required':
      return { path: `${path}/${(error.params as { missingProperty: string }).missingProperty}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${path}/${(error.params as { additionalProperty: string }).additionalProperty}`, message: 'is not a known field' };
    case 'enum':
      return { path, message: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
    default:
      return { path, message: error.message ?? 'is invalid' };
  }
}

/** The errors of one message, by its own kind's schema. */
function messageErrors(message: unknown, prefix: string): ErrorDetail[] {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return [{ path: prefix || '/', message: 'must be an object' }];
  const type = (message as { type?: unknown }).type;
  const validate = typeof type === 'string' ? validatorsByType[type] : undefined;
  if (!validate) return [{ path: `${prefix}/type`, message: `must be one of ${TYPES.join(', ')}` }];
  const schemaErrors = validate(message) ? [] : (validate.errors ?? []);
  const time = (message as { time?: unknown }).time;
  // The schema does not check the time's format, and its alternatives each report their own failure: the rule is said once.
  const timeError = (time !== undefined && !validTime(time)) || schemaErrors.some((error) => error.instancePath === '/time');
  const errors: ErrorDetail[] = timeError ? [{ path: `${prefix}/time`, message: TIME_RULE }] : [];
  for (const error of schemaErrors) if (error.instancePath !== '/time') errors.push(detailOf(error, prefix));
  return errors;
}

function describe(payload: unknown): ErrorDetail[] {
  if (!Array.isArray(payload)) return messageErrors(payload, '');
  if (payload.length === 0) return [{ path: '/', message: 'must hold at least one message' }];
  if (payload.length > MAX_TELEMETRY_MESSAGES) return [{ path: '/', message: `must hold at most ${MAX_TELEMETRY_MESSAGES} messages` }];
  return payload.flatMap((message, index) => messageErrors(message, `/${index}`));
}

function toMessage(input: TelemetryMessageInput, at: Date): TelemetryMessage {
  switch (input.type) {
    case 'position':
      return {
        type: 'position',
        at,
        lat: input.lat,
        lon: input.lon,
        speedKmh: input.speed ?? null,
        heading: input.heading ?? null,
        accuracyM: input.accuracy ?? null,
        battery: input.battery ?? null,
      };
    case 'seal':
      return { type: 'seal', at, state: input.state };
    case 'event':
      return { type: 'event', at, event: input.event, battery: input.battery ?? null, authorisation: input.authorisation ?? null };
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a telemetry payload: the parsed JSON value, or its text or bytes as received. Paths are JSON
 * pointers into the payload (`/3/lat` is the fourth message's latitude; a single message's fields
 * are `/lat`). Times become Dates; a time before 2000 or that names no instant is refused.
 */
export function parseTelemetry(payload: unknown): TelemetryParse {
  let value = payload;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof value === 'string' ? value : decoder.decode(value));
    } catch {
      return { ok: false, errors: [{ path: '/', message: 'must be JSON (UTF-8)' }] };
    }
  }
  if (!validatePayload(value)) {
    const errors = describe(value);
    return { ok: false, errors: errors.length > 0 ? errors : [{ path: '/', message: 'must be a telemetry message or an array of them' }] };
  }
  const inputs = Array.isArray(value) ? value : [value];
  const messages: TelemetryMessage[] = [];
  for (const input of inputs) {
    const ms = telemetryTimeMs(input.time);
    // A time the schema let through (its format is not checked there) but that names no instant from 2000 on.
    if (!(ms >= EARLIEST_TELEMETRY_TIME && ms <= LATEST_TELEMETRY_TIME)) return { ok: false, errors: describe(value) };
    messages.push(toMessage(input, new Date(ms)));
  }
  return { ok: true, messages };
}
