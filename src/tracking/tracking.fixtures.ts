// Builders for the tracking tests: two zones an hour's drive apart with their gates, a trader
// registered in both, released declarations with a container, devices, trips along the road
// between the gates, and telemetry sent as a zone's gateway would. Not a test file itself.
import { expect } from 'vitest';
import type { ApiClient, ApiResponse, TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createZone, declarationBody, squareAround } from '../../test/support/factories.ts';
import { unique } from '../../test/support/access.ts';
import { setSelectivity } from '../books/books.fixtures.ts';

export const MINUTE = 60_000;

/** Zone A around the origin gate, zone B around the destination gate, 8.4 km east along latitude 40.7. */
export const ORIGIN: [number, number] = [-74.0, 40.7];
export const DESTINATION: [number, number] = [-73.9, 40.7];
/** Another gate of zone B, 560 m north of the destination gate: outside its fence. */
export const OTHER_GATE: [number, number] = [-73.9, 40.705];
export const ROAD = [ORIGIN, DESTINATION];
export const CONTAINER = 'CSQU3054383';

export function expectStatus(response: ApiResponse, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
}

/** A position message at `at` (epoch ms) and [lon, lat]. */
export function fix(at: number, [lon, lat]: readonly [number, number], extra: Record<string, unknown> = {}) {
  return { type: 'position', time: new Date(at).toISOString(), lat, lon, speed: 50, ...extra };
}

export const seal = (at: number, state: 'ARMED' | 'SEALED' | 'OPENED') => ({ type: 'seal', time: new Date(at).toISOString(), state });
export const event = (at: number, name: string, extra: Record<string, unknown> = {}) => ({ type: 'event', time: new Date(at).toISOString(), event: name, ...extra });

/** A point `fraction` of the way along the road from the origin gate to the destination gate. */
export function along(fraction: number, northMeters = 0): [number, number] {
  return [ORIGIN[0] + (DESTINATION[0] - ORIGIN[0]) * fraction, ORIGIN[1] + northMeters / 111_195];
}

/** A clock the test moves forward, starting a minute ahead of the database's. */
export function testClock() {
  const start = Math.ceil(Date.now() / MINUTE) * MINUTE + MINUTE;
  const clock = {
    ms: start,
    now: () => new Date(clock.ms),
    /** Moves to `ms` (never back). */
    to(ms: number) {
      clock.ms = Math.max(clock.ms, ms);
    },
  };
  return clock;
}

export interface World {
  zoneA: string;
  zoneB: string;
  zoneC: string;
  originGate: string;
  destinationGate: string;
  otherGate: string;
  gateC: string;
  e1: string;
  e2: string;
  /** A zone operator's gateway key for zones A and B (telemetry:write). */
  gateway: ApiClient;
}

export async function buildWorld(t: TestApp): Promise<World> {
  await setSelectivity(t);
  const zoneA = (await createZone(t.admin, { perimeter: squareAround(ORIGIN[0], ORIGIN[1]) })).id;
  const zoneB = (await createZone(t.admin, { locode: 'USEWR', perimeter: squareAround(DESTINATION[0], DESTINATION[1]) })).id;
  const zoneC = (await createZone(t.admin, { locode: 'USBAL', perimeter: squareAround(-76.6, 39.3) })).id;
  const gate = async (zoneId: string, [longitude, latitude]: readonly [number, number]) => {
    const created = await t.admin.post<{ id: string }>(`/api/v1/zones/${zoneId}/gates`, { code: `G${unique()}`, name: 'Gate', kind: 'ROAD', direction: 'BOTH', latitude, longitude });
    expectStatus(created, 201);
    return created.body.id;
  };
  const originGate = await gate(zoneA, ORIGIN);
  const destinationGate = await gate(zoneB, DESTINATION);
  const otherGate = await gate(zoneB, OTHER_GATE);
  const gateC = await gate(zoneC, [-76.6, 39.3]);
  const e1 = (await createEnterprise(t.admin, [zoneA, zoneB])).id;
  const e2 = (await createEnterprise(t.admin, [zoneA, zoneB])).id;
  const key = await t.admin.post<{ key: string }>('/api/v1/api-keys', { name: `gateway ${unique()}`, role: 'zone_operator', zoneIds: [zoneA, zoneB], scopes: ['telemetry:write'] });
  expectStatus(key, 201);
  return { zoneA, zoneB, zoneC, originGate, destinationGate, otherGate, gateC, e1, e2, gateway: t.client(key.body.key) };
}

/** A declaration of the enterprise in zone A with one container, released at once (GREEN). */
export async function releasedDeclaration(t: TestApp, zoneId: string, enterpriseId: string): Promise<{ id: string; reference: string }> {
  const response = await t.admin.post<{ id: string; reference: string; state: string }>('/api/v1/declarations', declarationBody(zoneId, { enterpriseId }));
  expectStatus(response, 201);
  expect(response.body.state).toBe('RELEASED');
  return { id: response.body.id, reference: response.body.reference };
}

export async function registerDevice(client: ApiClient, zoneId: string, extra: Record<string, unknown> = {}): Promise<{ id: string; deviceId: string }> {
  const response = await client.post<{ id: string; deviceId: string }>('/api/v1/devices', { deviceId: `ESEAL-${unique()}`, type: 'E_SEAL', zoneId, ...extra });
  expectStatus(response, 201);
  return { id: response.body.id, deviceId: response.body.deviceId };
}

/** The body of a trip along the road from the origin to the destination gate, due `hours` after `departFrom`. */
export function tripBody(w: World, declarationId: string, deviceId: string, departFrom: number, hours = 2, extra: Record<string, unknown> = {}) {
  return {
    declarationId,
    deviceId,
    containerNumber: CONTAINER,
    originGateId: w.originGate,
    destinationGateId: w.destinationGate,
    corridor: { type: 'route', line: ROAD, widthMeters: 200 },
    window: { departFrom: new Date(departFrom).toISOString(), arriveBy: new Date(departFrom + hours * 60 * MINUTE).toISOString() },
    ...extra,
  };
}

export interface PlannedTrip {
  id: string;
  reference: string;
  declarationId: string;
  device: { id: string; deviceId: string };
}

/** A new device on a new released declaration of E1, on a trip planned by the admin. */
export async function planTrip(t: TestApp, w: World, departFrom: number, options: { hours?: number; enterpriseId?: string; extra?: Record<string, unknown> } = {}): Promise<PlannedTrip> {
  const declaration = await releasedDeclaration(t, w.zoneA, options.enterpriseId ?? w.e1);
  const device = await registerDevice(t.admin, w.zoneA, { ownerEnterpriseId: options.enterpriseId ?? w.e1 });
  const response = await t.admin.post<{ id: string; reference: string; status: string }>(
    '/api/v1/trips',
    tripBody(w, declaration.id, device.deviceId, departFrom, options.hours ?? 2, options.extra ?? {}),
  );
  expectStatus(response, 201);
  expect(response.body.status).toBe('PLANNED');
  return { id: response.body.id, reference: response.body.reference, declarationId: declaration.id, device };
}

/** Sends telemetry as the gateway; expects it stored (202). */
export async function send(w: World, deviceId: string, messages: unknown[]): Promise<{ accepted: number; dropped: Record<string, number> }> {
  const response = await w.gateway.post<{ accepted: number; dropped: Record<string, number> }>('/api/v1/telemetry', { deviceId, messages });
  expectStatus(response, 202);
  return response.body;
}
