// Builders for the books tests: declarations taken through the public API from submission to the
// gate, and the books they post to. Not a test file itself.
import { expect } from 'vitest';
import type { ApiClient, ApiResponse, TestApp } from '../../test/support/test-app.ts';
import { declarationBody } from '../../test/support/factories.ts';
import type { Lot } from './books.schemas.ts';

interface Declared {
  id: string;
  reference: string;
  state: string;
  bookId: string;
  lines: { lineNo: number }[];
}

export interface LineBody {
  hsCode: string;
  description: string;
  originCountry: string;
  quantity: string;
  unit: string;
  netMass: string;
  grossMass: string;
  customsValue: string;
  itemId?: string;
  partNumber?: string;
  lotId?: string;
  processingRole?: 'INPUT' | 'OUTPUT' | 'WASTE' | 'SCRAP';
}

/** A line of `quantity` units worth `value`, by default smartphones from China counted in pieces. */
export function line(quantity: string | number, value: string | number, overrides: Partial<LineBody> = {}): LineBody {
  return {
    hsCode: '851713',
    description: 'Smartphones',
    originCountry: 'CN',
    quantity: String(quantity),
    unit: 'H87',
    netMass: '1',
    grossMass: '2',
    customsValue: typeof value === 'number' ? value.toFixed(2) : value,
    ...overrides,
  };
}

export function expectStatus(response: ApiResponse<unknown>, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
}

/** Submits a declaration as `trader`; it must be accepted (201). */
export async function submit(trader: ApiClient, zoneId: string, type: string, lines: LineBody[], extra: Record<string, unknown> = {}) {
  const response = await trader.post<Declared>('/api/v1/declarations', declarationBody(zoneId, { type, lines, ...extra }));
  expectStatus(response, 201);
  return response.body;
}

export async function decide(client: ApiClient, id: string, action: string, reason?: string): Promise<ApiResponse<Declared>> {
  return client.post<Declared>(`/api/v1/declarations/${id}/decisions`, reason ? { action, reason } : { action });
}

/**
 * Takes a declaration to the gate: released (by the officer when not already released at once),
 * then completed by the zone operator. Returns the completed declaration.
 */
export async function pass(officer: ApiClient, operator: ApiClient, declaration: { id: string; state: string }) {
  if (declaration.state === 'ASSESSED') expectStatus(await decide(officer, declaration.id, 'RELEASE'), 200);
  const done = await decide(operator, declaration.id, 'COMPLETE');
  expectStatus(done, 200);
  expect(done.body.state).toBe('COMPLETED');
  return done.body;
}

/** Submits and passes a declaration. */
export async function declareAndPass(
  actors: { trader: ApiClient; officer: ApiClient; operator: ApiClient },
  zoneId: string,
  type: string,
  lines: LineBody[],
  extra: Record<string, unknown> = {},
) {
  return pass(actors.officer, actors.operator, await submit(actors.trader, zoneId, type, lines, extra));
}

export async function bookOf(t: TestApp, enterpriseId: string, zoneId: string, code = 'ST1') {
  const response = await t.admin.get<{ items: { id: string; code: string }[] }>(`/api/v1/books?enterpriseId=${enterpriseId}&zoneId=${zoneId}&limit=200`);
  const book = response.body.items.find((b) => b.code === code);
  if (!book) throw new Error(`no book ${code} of ${enterpriseId} in ${zoneId}`);
  return book;
}

/** Every lot of a book, following the cursor. */
export async function lotsOf(client: ApiClient, bookId: string, query = ''): Promise<Lot[]> {
  const lots: Lot[] = [];
  let cursor: string | null = null;
  do {
    const page: ApiResponse<{ items: Lot[]; nextCursor: string | null }> = await client.get(`/api/v1/books/${bookId}/lots?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expectStatus(page, 200);
    lots.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return lots;
}

/** Lots received by a declaration, by line number. */
export async function lotsReceivedBy(client: ApiClient, bookId: string, declarationId: string): Promise<Lot[]> {
  return (await lotsOf(client, bookId))
    .filter((lot) => lot.receivingDeclaration?.id === declarationId)
    .sort((a, b) => (a.receivingLineNo ?? 0) - (b.receivingLineNo ?? 0));
}

/** Selectivity without random lanes, optionally with rules and without automatic release. */
export async function setSelectivity(t: TestApp, options: { rules?: unknown[]; autoReleaseGreen?: boolean; statusModel?: string } = {}) {
  const current = (await t.admin.get<Record<string, unknown> & { selectivity: Record<string, unknown> }>('/api/v1/administration')).body;
  const response = await t.admin.put('/api/v1/administration', {
    name: current.name,
    country: current.country,
    currency: current.currency,
    hsEdition: current.hsEdition,
    vatRate: current.vatRate,
    statusModel: options.statusModel ?? current.statusModel,
    selectivity: {
      ...current.selectivity,
      randomRedShare: '0',
      randomYellowShare: '0',
      autoReleaseGreen: options.autoReleaseGreen ?? true,
      rules: options.rules ?? [],
    },
  });
  expectStatus(response, 200);
}
