// Builders for the records most tests need, created through the public API as an admin would.
import { randomBytes } from 'node:crypto';
import type { ApiClient, TestApp } from './test-app.ts';

const unique = () => randomBytes(3).toString('hex').toUpperCase();

function expectCreated<T>(response: { status: number; body: T }, what: string): T {
  if (response.status !== 201) throw new Error(`creating ${what} failed (${response.status}): ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A rectangle around a point, closed as GeoJSON requires. */
export function squareAround(longitude: number, latitude: number, half = 0.01) {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [longitude - half, latitude - half],
        [longitude + half, latitude - half],
        [longitude + half, latitude + half],
        [longitude - half, latitude + half],
        [longitude - half, latitude - half],
      ],
    ],
  };
}

export async function createZone(admin: ApiClient, overrides: Record<string, unknown> = {}) {
  return expectCreated<{ id: string; code: string }>(
    await admin.post('/api/v1/zones', {
      code: `Z${unique()}`,
      name: 'Test free zone',
      locode: 'USNYC',
      zoneType: 'FREE_ZONE',
      territorialPattern: 1,
      perimeter: squareAround(-74.0, 40.7),
      ...overrides,
    }),
    'zone',
  );
}

/** An enterprise registered in the zones, with an open storage book in each (declarations post to it). */
export async function createEnterprise(admin: ApiClient, zoneIds: string[], overrides: Record<string, unknown> = {}) {
  const enterprise = expectCreated<{ id: string; name: string }>(
    await admin.post('/api/v1/enterprises', {
      identifier: `EIN-${unique()}`,
      name: `Trader ${unique()}`,
      country: 'US',
      roles: ['TRADER', 'WAREHOUSE'],
      zoneIds,
      aeoStatus: 'NONE',
      ...overrides,
    }),
    'enterprise',
  );
  for (const [index, zoneId] of zoneIds.entries()) {
    expectCreated(
      await admin.post('/api/v1/books', { enterpriseId: enterprise.id, zoneId, code: `ST${index + 1}`, kind: 'STORAGE', name: 'Storage' }),
      'book',
    );
  }
  return enterprise;
}

export async function createUser(t: TestApp, role: string, scope: { enterpriseId?: string; zoneIds?: string[] } = {}) {
  const username = `${role.replace('_', '-')}-${unique().toLowerCase()}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  expectCreated(
    await t.admin.post('/api/v1/users', { username, displayName: username, role, password, ...scope }),
    `user ${username}`,
  );
  return t.login(username, password);
}

export function declarationBody(zoneId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'ADMISSION',
    zoneId,
    currency: 'USD',
    traderReference: `PO-${unique()}`,
    transport: {
      mode: 'SEA',
      containers: ['CSQU3054383'],
      seals: ['SEAL-001'],
      transportDocument: { type: 'BILL_OF_LADING', number: `BL-${unique()}` },
      portOfLoading: 'CNSHA',
      portOfDischarge: 'USNYC',
    },
    lines: [
      {
        hsCode: '851713',
        description: 'Smartphones',
        originCountry: 'CN',
        quantity: '100',
        unit: 'H87',
        netMass: '20.5',
        grossMass: '25',
        customsValue: '25000.00',
      },
    ],
    ...overrides,
  };
}
