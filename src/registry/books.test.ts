import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createBook, createEnterprise, createUser, createZone, pathsOf, readAll } from './registry.fixtures.ts';
import type { Book, Enterprise, Zone } from './registry.schemas.ts';

describe('account books', () => {
  let t: TestApp;
  let north: Zone;
  let south: Zone;
  let acme: Enterprise;
  let bolt: Enterprise;
  let acmeUser: ApiClient;
  let acmeBook: Book;
  let boltBook: Book;
  beforeAll(async () => {
    t = await createTestApp();
    north = await createZone(t.admin);
    south = await createZone(t.admin);
    acme = await createEnterprise(t.admin, [north.id, south.id]);
    bolt = await createEnterprise(t.admin, [south.id]);
    acmeUser = await createUser(t, 'enterprise_user', { enterpriseId: acme.id });
    acmeBook = await createBook(t.admin, acme.id, north.id, { code: 'MAIN' });
    boltBook = await createBook(t.admin, bolt.id, south.id, { code: 'MAIN', kind: 'PROCESSING' });
  });
  afterAll(() => t.close());

  it('opens a book for an enterprise in one of its zones and changes its name or state', async () => {
    const officer = await createUser(t, 'customs_officer');
    const body = { enterpriseId: acme.id, zoneId: south.id, code: 'PROC-1', kind: 'PROCESSING', name: 'Assembly line', openedOn: '2025-01-15' };
    const created = await officer.post('/api/v1/books', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, active: true, version: 1 });
    expect(await t.ctx.registry.findBook(t.ctx.db, created.body.id)).toEqual(created.body);
    // Without openedOn, the book opens today.
    expect(acmeBook.openedOn).toBe(acmeBook.createdAt.slice(0, 10));

    const patched = await officer.patch(`/api/v1/books/${created.body.id}`, { name: 'Assembly line 1', active: false });
    expect(patched.body).toMatchObject({ ...body, name: 'Assembly line 1', active: false, version: 2 });
    const history = await acmeUser.get(`/api/v1/history/book/${created.body.id}`);
    expect(history.body.items.map((e: { version: number }) => e.version)).toEqual([2, 1]);
  });

  it('names each bad field and stores nothing', async () => {
    const shape = await t.admin.post('/api/v1/books', { enterpriseId: 'nope', zoneId: north.id, code: 'main', kind: 'VAULT' });
    expect(shape.status).toBe(400);
    expect(pathsOf(shape)).toEqual(expect.arrayContaining(['/enterpriseId', '/code', '/kind', '/name']));

    const notRegistered = await t.admin.post('/api/v1/books', { enterpriseId: bolt.id, zoneId: north.id, code: 'MAIN', kind: 'STORAGE', name: 'x' });
    expect(notRegistered.body.error.details).toEqual([
      { path: '/zoneId', message: 'the enterprise is not registered in this zone' },
      { path: '/code', message: 'is already used by another book of this enterprise' },
    ]);
    const ghost = await t.admin.post('/api/v1/books', {
      enterpriseId: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
      zoneId: '1b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
      code: 'X',
      kind: 'STORAGE',
      name: 'x',
    });
    expect(pathsOf(ghost)).toEqual(['/enterpriseId', '/zoneId']);
    // The enterprise, zone and kind of a book are fixed.
    const moved = await t.admin.patch(`/api/v1/books/${acmeBook.id}`, { zoneId: south.id });
    expect(moved.body.error.details).toEqual([{ path: '/zoneId', message: 'is not a known field' }]);
    expect((await readAll<Book>(t.admin, `/api/v1/books?enterpriseId=${bolt.id}`, 50)).items).toHaveLength(1);
  });

  it('shows an enterprise user its own books only and lets it change none', async () => {
    const own = await readAll<Book>(acmeUser, '/api/v1/books', 50);
    expect(own.items.every((b) => b.enterpriseId === acme.id)).toBe(true);
    expect(own.items.map((b) => b.id)).toContain(acmeBook.id);
    expect((await acmeUser.get(`/api/v1/books?enterpriseId=${bolt.id}`)).body.items).toEqual([]);
    expect((await acmeUser.get(`/api/v1/books/${boltBook.id}`)).status).toBe(404);
    expect((await acmeUser.get(`/api/v1/history/book/${boltBook.id}`)).status).toBe(404);
    expect((await acmeUser.patch(`/api/v1/books/${acmeBook.id}`, { name: 'Mine' })).status).toBe(403);
    expect((await acmeUser.post('/api/v1/books', { enterpriseId: acme.id, zoneId: north.id, code: 'Y', kind: 'STORAGE', name: 'y' })).status).toBe(403);
  });

  it('shows zone-scoped staff the books of their zones and opens books only there', async () => {
    const southOfficer = await createUser(t, 'customs_officer', { zoneIds: [south.id] });
    const seen = (await readAll<Book>(southOfficer, '/api/v1/books', 50)).items;
    expect(seen.every((b) => b.zoneId === south.id)).toBe(true);
    expect((await southOfficer.get(`/api/v1/books/${acmeBook.id}`)).status).toBe(404);
    expect((await southOfficer.patch(`/api/v1/books/${acmeBook.id}`, { name: 'x' })).status).toBe(404);
    const outside = await southOfficer.post('/api/v1/books', { enterpriseId: acme.id, zoneId: north.id, code: 'N2', kind: 'STORAGE', name: 'n' });
    expect(outside.body.error.details).toEqual([{ path: '/zoneId', message: 'is not one of your zones' }]);
    const auditor = await createUser(t, 'auditor', { zoneIds: [north.id] });
    expect((await auditor.get(`/api/v1/books/${acmeBook.id}`)).status).toBe(200);
    expect((await auditor.patch(`/api/v1/books/${acmeBook.id}`, { name: 'x' })).status).toBe(403);
  });

  it('keeps an enterprise registered in a zone while it has an active book there', async () => {
    const refused = await t.admin.patch(`/api/v1/enterprises/${acme.id}`, { zoneIds: [south.id] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([{ path: '/zoneIds', message: `must keep zone ${north.id}: the enterprise has active books there` }]);

    const closed = await createEnterprise(t.admin, [north.id, south.id]);
    const book = await createBook(t.admin, closed.id, north.id);
    expect((await t.admin.patch(`/api/v1/books/${book.id}`, { active: false })).status).toBe(200);
    expect((await t.admin.patch(`/api/v1/enterprises/${closed.id}`, { zoneIds: [south.id] })).status).toBe(200);
    // A closed book cannot reopen in a zone the enterprise left.
    expect(pathsOf(await t.admin.patch(`/api/v1/books/${book.id}`, { active: true }))).toEqual(['/active']);
  });

  it('filters by enterprise and zone, pages in code order and answers retries with the first book', async () => {
    for (let i = 0; i < 3; i += 1) await createBook(t.admin, bolt.id, south.id);
    const page = await readAll<Book>(t.admin, `/api/v1/books?zoneId=${south.id}&enterpriseId=${bolt.id}`, 2);
    expect(page.items).toHaveLength(4);
    expect(page.pages).toBe(2);
    const codes = page.items.map((b) => b.code);
    expect(codes).toEqual([...codes].sort());

    const body = { enterpriseId: bolt.id, zoneId: south.id, code: 'RETRY', kind: 'STORAGE', name: 'r' };
    const first = await t.admin.post('/api/v1/books', body, { 'idempotency-key': 'book-retry' });
    const retry = await t.admin.post('/api/v1/books', body, { 'idempotency-key': 'book-retry' });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
  });
});
