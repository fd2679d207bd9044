// The telemetry contract as a device maker would read it: what is taken, how times are read, and
// what a refusal says.
import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TELEMETRY_MESSAGES, parseTelemetry, telemetryTimeMs } from './telemetry.contract.ts';

const position = { type: 'position', time: '2026-03-01T08:15:00Z', lat: 25.0112, lon: 55.0611 };

function errorsOf(payload: unknown) {
  const result = parseTelemetry(payload);
  if (result.ok) throw new Error('expected a refusal');
  return result.errors;
}

describe('telemetry contract', () => {
  it('reads one message of each kind, with optional fields as null', () => {
    const result = parseTelemetry([
      { ...position, speed: 42.5, heading: 359.9, accuracy: 4, battery: 88 },
      position,
      { type: 'seal', time: 1772352960000, state: 'SEALED' },
      { type: 'event', time: '2026-03-01T12:16:00+04:00', event: 'UNLOCK', authorisation: 'PERMIT-77', battery: 61 },
      { type: 'event', time: '2026-03-01T08:17:00.250Z', event: 'SHOCK' },
    ]);
    expect(result).toEqual({
      ok: true,
      messages: [
        { type: 'position', at: new Date('2026-03-01T08:15:00Z'), lat: 25.0112, lon: 55.0611, speedKmh: 42.5, heading: 359.9, accuracyM: 4, battery: 88 },
        { type: 'position', at: new Date('2026-03-01T08:15:00Z'), lat: 25.0112, lon: 55.0611, speedKmh: null, heading: null, accuracyM: null, battery: null },
        { type: 'seal', at: new Date(1772352960000), state: 'SEALED' },
        { type: 'event', at: new Date('2026-03-01T08:16:00Z'), event: 'UNLOCK', battery: 61, authorisation: 'PERMIT-77' },
        { type: 'event', at: new Date('2026-03-01T08:17:00.250Z'), event: 'SHOCK', battery: null, authorisation: null },
      ],
    });
  });

  it('takes a single message as well as an array, and its JSON text or bytes', () => {
    const expected = { ok: true, messages: [{ type: 'seal', at: new Date('2026-03-01T08:00:00Z'), state: 'ARMED' }] };
    const seal = { type: 'seal', time: '2026-03-01T08:00:00Z', state: 'ARMED' };
    expect(parseTelemetry(seal)).toEqual(expected);
    expect(parseTelemetry(JSON.stringify(seal))).toEqual(expected);
    expect(parseTelemetry(Buffer.from(JSON.stringify([seal])))).toEqual(expected);
    expect(errorsOf('{"type":"seal",')).toEqual([{ path: '/', message: 'must be JSON (UTF-8)' }]);
  });

  it('reads every RFC 3339 spelling of a time as the same instant', () => {
    const instant = Date.UTC(2026, 2, 1, 8, 15, 0);
    for (const time of ['2026-03-01T08:15:00Z', '2026-03-01t08:15:00z', '2026-03-01 08:15:00Z', '2026-03-01T10:15:00+02:00', '2026-03-01T10:15:00+0200', '2026-03-01T05:45:00-02:30']) {
      expect(telemetryTimeMs(time), time).toBe(instant);
    }
    expect(telemetryTimeMs('2026-03-01T08:15:00.1234Z')).toBe(instant + 123);
    // The milliseconds are the fraction's first three digits, cut rather than rounded.
    expect(telemetryTimeMs('2026-03-01T08:15:00.9999Z')).toBe(instant + 999);
    expect(telemetryTimeMs('2026-03-01T08:15:00.5+00:00')).toBe(instant + 500);
    expect(telemetryTimeMs('2026-03-01T08:15:00.07Z')).toBe(instant + 70);
    expect(telemetryTimeMs(instant)).toBe(instant);
  });

  it('takes exactly the times the JSON Schema date-time format takes, and reads them as the instant they name', () => {
    // The format's own validator (ajv-formats) is the reference; times are drawn near and across its rules.
    const ajvAccepts = (fullFormats['date-time'] as { validate: (text: string) => boolean }).validate;
    // Save where ajv-formats is wrong: its leap-second rule checks only that the time is 23:59 in UTC,
    // and so takes an hour of 24 or a minute of 60 or 61 that an offset brings there
    // ("0000-01-01T00:61:00+0102"); RFC 3339 §5.6 allows hours 00-23 and minutes 00-59 only.
    const referenceAccepts = (text: string) => ajvAccepts(text) && Number(text.slice(11, 13)) <= 23 && Number(text.slice(14, 16)) <= 59;
    const digits = (count: number, max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(count, '0'));
    const time = fc
      .tuple(
        fc.oneof(digits(4, 2099), fc.constantFrom('2000', '2024', '2100', '2400', '20x6')),
        digits(2, 13),
        digits(2, 32),
        fc.constantFrom('T', 't', ' ', 'X', '_'),
        digits(2, 25),
        digits(2, 61),
        digits(2, 61),
        fc.oneof(fc.constant(''), fc.constant('.'), fc.stringMatching(/^\.\d{1,7}$/)),
        fc.oneof(fc.constantFrom('Z', 'z', '', '+', 'Zz'), fc.stringMatching(/^[+-]\d{2}(:?\d{2})?$/), fc.stringMatching(/^[+-]\d{1,3}:?\d{0,3}$/)),
      )
      .map(([year, month, day, separator, hour, minute, second, fraction, zone]) => `${year}-${month}-${day}${separator}${hour}:${minute}:${second}${fraction}${zone}`);
    fc.assert(
      fc.property(time, (text) => {
        const ms = telemetryTimeMs(text);
        expect(Number.isNaN(ms), text).toBe(!referenceAccepts(text));
        if (Number.isNaN(ms) || text.slice(17, 19) === '60') return;
        // The same instant in the one spelling Date.parse is bound to read: T, Z or ±hh:mm, milliseconds cut to three digits.
        const [, date, clock, fraction = '', zone] = /^(.{10}).(.{8})(?:\.(\d+))?(.*)$/.exec(text)!;
        const offset = /^[Zz]$/.test(zone!) ? 'Z' : `${zone!.slice(0, 3)}:${zone!.length > 3 ? zone!.slice(-2) : '00'}`;
        expect(ms, text).toBe(Date.parse(`${date}T${clock}.${fraction.padEnd(3, '0').slice(0, 3)}${offset}`));
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses a time without offset, before 2000, fractional epoch milliseconds or an impossible date', () => {
    for (const time of [
      '2026-03-01T08:15:00',
      '1999-12-31T23:59:59Z',
      946684799999,
      1772352960000.5,
      '2026-02-30T08:00:00Z',
      '2026-02-29T08:00:00Z',
      '2026-13-01T08:00:00Z',
      '2026-03-00T08:00:00Z',
      '2026-03-01T24:00:00Z',
      '2026-03-01T08:60:00Z',
      '2026-03-01T08:15:61Z',
      '2026-03-01T08:15:00+24:00',
      '2026-03-01T08:15:00+02:60',
      // A leap second is only ever the last second of a UTC day.
      '2016-12-31T12:59:60Z',
      // Minute 61 and hour 24 that an offset turns into 23:59 UTC are still no time (ajv-formats takes them).
      '2026-03-01T00:61:00+01:02',
      '2026-03-01T24:59:60+01:00',
      `2026-03-01T08:15:00.${'0'.repeat(30)}Z`,
      'yesterday',
      '1772352960000',
      '2026-03-01T08:15:00.Z',
      '2026-03-01T08:15:00Zulu',
      '2026-03-01T08:15:00+02:',
      '2026-03-01T08:15:00+2',
      '2026-03-01T08:15:00+02:000',
      '2026-03-01X08:15:00Z',
      '2026/03/01T08:15:00Z',
      '2026-03-01T08:15:0Z',
      '٢٠٢٦-03-01T08:15:00Z',
      '',
    ]) {
      expect(errorsOf({ ...position, time }), String(time)).toEqual([
        { path: '/time', message: 'must be an ISO 8601 date-time with an offset or integer epoch milliseconds, from 2000-01-01' },
      ]);
    }
    // The first instant of 2000 is a set clock; a leap year has its 29 February; a leap second is the next minute's first instant.
    expect(parseTelemetry({ ...position, time: 946684800000 }).ok).toBe(true);
    expect(telemetryTimeMs('2028-02-29T08:00:00Z')).toBe(Date.UTC(2028, 1, 29, 8));
    expect(telemetryTimeMs('2016-12-31T23:59:60Z')).toBe(Date.UTC(2017, 0, 1));
    expect(telemetryTimeMs('2016-12-31T19:59:60-04:00')).toBe(Date.UTC(2017, 0, 1));
    // A bad time is named beside the message's other faults.
    expect(errorsOf({ ...position, time: '2026-02-30T08:00:00Z', lat: 91 })).toEqual([
      { path: '/time', message: 'must be an ISO 8601 date-time with an offset or integer epoch milliseconds, from 2000-01-01' },
      { path: '/lat', message: 'must be <= 90' },
    ]);
    expect(parseTelemetry({ ...position, time: '2000-01-01T01:00:00+01:00' }).ok).toBe(true);
    // An offset that moves a 2000 date back into 1999 is refused too.
    expect(errorsOf({ ...position, time: '2000-01-01T00:30:00+01:00' })).toEqual([
      { path: '/time', message: 'must be an ISO 8601 date-time with an offset or integer epoch milliseconds, from 2000-01-01' },
    ]);
  });

  it('names each bad field of each message and the rule it breaks', () => {
    const errors = errorsOf([
      position,
      { ...position, lat: 90.5, lon: -181, speed: -1, heading: 361, accuracy: -2, battery: 101 },
      { type: 'seal', time: '2026-03-01T08:00:00Z', state: 'CLOSED' },
      { type: 'event', time: '2026-03-01T08:00:00Z', event: 'UNLOCK', authorisation: 'x'.repeat(65), battery: 50.5 },
    ]);
    expect(errors).toEqual([
      { path: '/1/lat', message: 'must be <= 90' },
      { path: '/1/lon', message: 'must be >= -180' },
      { path: '/1/speed', message: 'must be >= 0' },
      { path: '/1/heading', message: 'must be <= 360' },
      { path: '/1/accuracy', message: 'must be >= 0' },
      { path: '/1/battery', message: 'must be <= 100' },
      { path: '/2/state', message: 'must be one of ARMED, SEALED, OPENED' },
      { path: '/3/battery', message: 'must be integer' },
      { path: '/3/authorisation', message: 'must NOT have more than 64 characters' },
    ]);
  });

  it('refuses unknown fields, missing fields, unknown kinds and wrong types', () => {
    expect(errorsOf({ ...position, altitude: 12 })).toEqual([{ path: '/altitude', message: 'is not a known field' }]);
    expect(errorsOf({ type: 'position', time: position.time, lat: 1 })).toEqual([{ path: '/lon', message: 'is required' }]);
    expect(errorsOf({ type: 'seal', time: position.time, state: 'OPENED', lat: 1 })).toEqual([{ path: '/lat', message: 'is not a known field' }]);
    expect(errorsOf({ type: 'heartbeat', time: position.time })).toEqual([{ path: '/type', message: 'must be one of position, seal, event' }]);
    expect(errorsOf({ ...position, lat: '25.01' })).toEqual([{ path: '/lat', message: 'must be number' }]);
    expect(errorsOf([position, 'position'])).toEqual([{ path: '/1', message: 'must be an object' }]);
    expect(errorsOf(null)).toEqual([{ path: '/', message: 'must be an object' }]);
  });

  it('refuses a number JSON reads as Infinity, and invalid UTF-8 inside a string', () => {
    const text = JSON.stringify({ ...position, speed: 0 }).replace('"speed":0', '"speed":1e400');
    expect(parseTelemetry(text)).toEqual({ ok: false, errors: [{ path: '/speed', message: 'must be number' }] });
    const seal = Buffer.concat([Buffer.from('{"type":"seal","time":"2026-03-01T08:16:00Z","state":"OPEN'), Buffer.from([0xff]), Buffer.from('ED"}')]);
    expect(parseTelemetry(seal)).toEqual({ ok: false, errors: [{ path: '/', message: 'must be JSON (UTF-8)' }] });
  });

  it('takes at most 1000 messages and at least one', () => {
    const many = Array.from({ length: MAX_TELEMETRY_MESSAGES }, (_, index) => ({ ...position, time: 1772352960000 + index * 1000 }));
    const result = parseTelemetry(many);
    expect(result.ok && result.messages.length).toBe(1000);
    expect(errorsOf([...many, position])).toEqual([{ path: '/', message: 'must hold at most 1000 messages' }]);
    expect(errorsOf([])).toEqual([{ path: '/', message: 'must hold at least one message' }]);
  });
});
