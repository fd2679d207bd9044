// Builders for registry tests: records created through the API as an admin would, and users of
// each role. Not a test file itself.
import { randomBytes } from 'node:crypto';
import type { ApiClient, ApiResponse, TestApp } from '../../test/support/test-app.ts';
import type { Role } from '../platform/auth/principal.ts';
import type { Book, Enterprise, Item, Zone } from './registry.schemas.ts';

export const unique = (): string => randomBytes(3).toString('hex').toUpperCase();

function created<T>(response: ApiResponse<T>, what: string): T {
  if (response.status !== 201) throw new Error(`creating ${what} failed (${response.status}): ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A closed square ring around a point. */
export function square(longitude: number, latitude: number, half = 0.01): number[][] {
  return [
    [longitude - half, latitude - half],
    [longitude + half, latitude - half],
    [longitude + half, latitude + half],
    [longitude - half, latitude + half],
    [longitude - half, latitude - half],
  ];
}

export function zoneBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: `Z${unique()}`,
    name: 'Port Newark free zone',
    locode: 'USEWR',
    zoneType: 'FOREIGN_TRADE_ZONE',
    territorialPattern: 2,
    perimeter: { type: 'Polygon', coordinates: [square(-74.15, 40.69)] },
    ...overrides,
  };
}

export async function createZone(admin: ApiClient, overrides: Record<string, unknown> = {}): Promise<Zone> {
  return created(await admin.post<Zone>('/api/v1/zones', zoneBody(overrides)), 'zone');
}

export function enterpriseBody(zoneIds: string[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    identifier: `US${unique()}`,
    name: `Trader ${unique()}`,
    country: 'US',
    roles: ['TRADER', 'WAREHOUSE'],
    zoneIds,
    ...overrides,
  };
}

export async function createEnterprise(admin: ApiClient, zoneIds: string[], overrides: Record<string, unknown> = {}): Promise<Enterprise> {
  return created(await admin.post<Enterprise>('/api/v1/enterprises', enterpriseBody(zoneIds, overrides)), 'enterprise');
}

export async function createBook(admin: ApiClient, enterpriseId: string, zoneId: string, overrides: Record<string, unknown> = {}): Promise<Book> {
  const body = { enterpriseId, zoneId, code: `B${unique()}`, kind: 'STORAGE', name: 'Main warehouse', ...overrides };
  return created(await admin.post<Book>('/api/v1/books', body), 'book');
}

export async function createItem(client: ApiClient, overrides: Record<string, unknown> = {}): Promise<Item> {
  const body = { partNumber: `P-${unique()}`, hsCode: '847130', description: 'Laptop computers', unit: 'H87', ...overrides };
  return created(await client.post<Item>('/api/v1/items', body), 'item');
}

/** Logs in a new user of `role`, scoped to an enterprise or zones. */
export async function createUser(t: TestApp, role: Role, scope: { enterpriseId?: string; zoneIds?: string[] } = {}): Promise<ApiClient> {
  const username = `${role.replaceAll('_', '-')}-${unique().toLowerCase()}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  created(await t.admin.post('/api/v1/users', { username, displayName: username, role, password, ...scope }), `user ${username}`);
  return t.login(username, password);
}

/** The field paths named by a 400 answer. */
export function pathsOf(response: ApiResponse<{ error?: { details?: { path: string }[] } }>): string[] {
  return response.body.error?.details?.map((detail) => detail.path) ?? [];
}

/** Every item of a list endpoint, following nextCursor with pages of `limit`. */
export async function readAll<T>(client: ApiClient, url: string, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const page: ApiResponse<{ items: T[]; nextCursor: string | null }> = await client.get(
      `${url}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`listing ${url} failed (${page.status}): ${JSON.stringify(page.body)}`);
    items.push(...page.body.items);
    pages += 1;
    cursor = page.body.nextCursor;
  } while (cursor);
  return { items, pages };
}
