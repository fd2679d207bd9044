// Helpers for access tests: accounts whose credentials the test keeps (so that it can open extra
// sessions), one request function for every method, the routes the OpenAPI document exposes, and
// the assertions on the error body of a refusal.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Role } from '../../src/platform/auth/principal.ts';
import type { ApiClient, ApiResponse, TestApp } from './test-app.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export const unique = (): string => randomBytes(3).toString('hex').toUpperCase();

export interface Account {
  id: string;
  username: string;
  password: string;
  /** A client logged in as the account. */
  client: ApiClient;
}

/** Creates a user through the API as the first admin would, and logs it in. */
export async function createAccount(
  t: TestApp,
  role: Role,
  scope: { enterpriseId?: string; zoneIds?: string[] } = {},
): Promise<Account> {
  const username = `${role.replaceAll('_', '-')}-${unique().toLowerCase()}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const created = await t.admin.post('/api/v1/users', { username, displayName: username, role, password, ...scope });
  if (created.status !== 201) throw new Error(`creating user ${username} failed (${created.status}): ${JSON.stringify(created.body)}`);
  return { id: created.body.id as string, username, password, client: await t.login(username, password) };
}

export function send(client: ApiClient, method: Method, url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
  switch (method) {
    case 'GET':
      return client.get(url);
    case 'POST':
      return client.post(url, body, headers);
    case 'PATCH':
      return client.patch(url, body, headers);
    case 'PUT':
      return client.put(url, body, headers);
    case 'DELETE':
      return client.delete(url, headers);
  }
}

const METHODS: readonly string[] = ['get', 'post', 'patch', 'put', 'delete'];

/** Every `/api/v1/...` operation of the OpenAPI document, as `METHOD /path/{param}`, sorted. */
export async function openApiRoutes(client: ApiClient): Promise<string[]> {
  const response = await client.get<{ paths: Record<string, Record<string, unknown>> }>('/openapi.json');
  if (response.status !== 200) throw new Error(`reading /openapi.json failed (${response.status})`);
  const routes: string[] = [];
  for (const [path, operations] of Object.entries(response.body.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of Object.keys(operations)) {
      if (METHODS.includes(method)) routes.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return routes.sort();
}

/** Every item of a list endpoint, following nextCursor. */
export async function listAll(client: ApiClient, url: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const page: ApiResponse = await client.get(`${url}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (page.status !== 200) throw new Error(`listing ${url} failed (${page.status}): ${JSON.stringify(page.body)}`);
    items.push(...(page.body.items as any[]));
    cursor = page.body.nextCursor as string | null;
  } while (cursor);
  return items;
}

export function expectError(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
  expect(response.body).toMatchObject({ error: { code, message: expect.any(String), details: expect.any(Array) } });
}

export const expectForbidden = (response: ApiResponse): void => expectError(response, 403, 'FORBIDDEN');
export const expectUnauthenticated = (response: ApiResponse): void => expectError(response, 401, 'UNAUTHENTICATED');
export const expectNotFound = (response: ApiResponse): void => expectError(response, 404, 'NOT_FOUND');

/** An allowed call: the access layer let it through and the service did what was asked (2xx). */
export function expectAllowed(response: ApiResponse): void {
  expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(200);
  expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
}
