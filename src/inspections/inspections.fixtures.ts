// The world the inspections tests share: a zone whose selectivity sends smartphones to RED, toys to
// YELLOW and domestic releases of T-shirts to RED; its officers, an officer of another zone, an
// auditor, an analyst and a trader; images to upload. Not a test file itself.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { createTestApp, PAYMENT_SECRET, type ApiClient, type ApiResponse, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createZone, declarationBody } from '../../test/support/factories.ts';
import { DEFAULT_SELECTIVITY } from '../declarations/selectivity.schema.ts';
import { containerCheckDigit } from '../reference/validators.ts';
import { signPayment } from '../duties/payment.signature.ts';

export const smartphones = { hsCode: '851713', description: 'Smartphones', originCountry: 'CN', quantity: '100', unit: 'H87', netMass: '20.5', grossMass: '25', customsValue: '25000.00' };
export const toys = { hsCode: '950300', description: 'Toy building sets', originCountry: 'CN', quantity: '500', unit: 'H87', netMass: '400', grossMass: '450', customsValue: '6000.00' };
/** HTS 6109.10.00: 16.5 % duty, 5 % VAT; GREEN when admitted, RED when released to the domestic market. */
export const tshirts = { hsCode: '610910', description: 'T-shirts of cotton', originCountry: 'BD', quantity: '100', unit: 'DZN', netMass: '50', grossMass: '55', customsValue: '2000.00' };

/** A valid ISO 6346 number of a freight container (category U) for the 3-letter owner code and serial. */
export function containerNumber(owner: string, serial: number): string {
  const base = `${owner}U${String(serial).padStart(6, '0')}`;
  return `${base}${containerCheckDigit(base)}`;
}

/** Bytes that begin as the format's files do; the rest is noise, as nothing reads further. */
export const images = {
  png: () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2048)]),
  jpeg: () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2048)]),
  tiff: () => Buffer.concat([Buffer.from('II*\0', 'latin1'), randomBytes(2048)]),
  pdf: () => Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), randomBytes(2048)]),
};

export interface Actor {
  client: ApiClient;
  token: string;
  id: string;
}

export interface InspectionWorld {
  t: TestApp;
  zone: { id: string; code: string };
  otherZone: { id: string; code: string };
  enterprise: { id: string };
  trader: Actor;
  officer: Actor;
  colleague: Actor;
  officerElsewhere: Actor;
  auditor: Actor;
  analyst: Actor;
  operator: Actor;
  admin: ApiClient;
}

/** A world takes a fresh database and eight logins (each a password hash): more than the default minute on a busy machine. */
export const WORLD_TIMEOUT_MS = 180_000;

export function expectStatus(response: ApiResponse, status: number) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
}

async function actor(t: TestApp, role: string, scope: { enterpriseId?: string; zoneIds?: string[] } = {}): Promise<Actor> {
  const username = `${role.replace('_', '-')}-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const created = await t.admin.post<{ id: string }>('/api/v1/users', { username, displayName: `${role} ${username.slice(-6)}`, role, password, ...scope });
  expectStatus(created, 201);
  const login = await t.anonymous.post<{ token: string }>('/api/v1/auth/login', { username, password });
  expectStatus(login, 200);
  return { client: t.client(login.body.token), token: login.body.token, id: created.body.id };
}

export async function createInspectionWorld(): Promise<InspectionWorld> {
  const t = await createTestApp();
  const zone = await createZone(t.admin);
  const otherZone = await createZone(t.admin, { locode: 'USEWR' });
  const enterprise = await createEnterprise(t.admin, [zone.id]);
  const current = (await t.admin.get<{ country: string; hsEdition: string; statusModel: unknown }>('/api/v1/administration')).body;
  expectStatus(
    await t.admin.put('/api/v1/administration', {
      name: 'Customs',
      country: current.country,
      currency: 'USD',
      hsEdition: current.hsEdition,
      vatRate: '0.05',
      statusModel: current.statusModel,
      selectivity: {
        ...DEFAULT_SELECTIVITY,
        randomRedShare: '0',
        randomYellowShare: '0',
        rules: [
          { name: 'Phones', lane: 'RED', reason: 'smuggling of phones', hsPrefixes: ['8517'] },
          { name: 'Toys', lane: 'YELLOW', reason: 'toy safety certificates', hsPrefixes: ['9503'] },
          { name: 'Garments to market', lane: 'RED', reason: 'undervaluation of garments', hsPrefixes: ['6109'], declarationTypes: ['DOMESTIC_RELEASE'] },
        ],
      },
    }),
    200,
  );
  return {
    t,
    zone,
    otherZone,
    enterprise,
    trader: await actor(t, 'enterprise_user', { enterpriseId: enterprise.id }),
    officer: await actor(t, 'customs_officer', { zoneIds: [zone.id] }),
    colleague: await actor(t, 'customs_officer', { zoneIds: [zone.id] }),
    officerElsewhere: await actor(t, 'customs_officer', { zoneIds: [otherZone.id] }),
    auditor: await actor(t, 'auditor'),
    analyst: await actor(t, 'risk_analyst'),
    operator: await actor(t, 'zone_operator', { zoneIds: [zone.id] }),
    admin: t.admin,
  };
}

export interface Declared {
  id: string;
  reference: string;
  state: string;
  lane: string;
  version: number;
}

/** The trader declares; the declaration is assessed at once. */
export async function declare(w: InspectionWorld, overrides: Record<string, unknown>): Promise<Declared> {
  const response = await w.trader.client.post<Declared>('/api/v1/declarations', declarationBody(w.zone.id, overrides));
  expectStatus(response, 201);
  return response.body;
}

/** The declaration's inspection tasks, as an officer of its zone lists them (newest first). */
export async function tasksOf(w: InspectionWorld, declarationId: string) {
  const response = await w.officer.client.get<{ items: Array<{ id: string; kind: string; status: string; origin: string; assignee: { id: string } | null }> }>(
    `/api/v1/inspections?declarationId=${declarationId}`,
  );
  expectStatus(response, 200);
  return response.body.items;
}

/** The one task the assessment opened. */
export async function laneTask(w: InspectionWorld, declarationId: string) {
  const tasks = await tasksOf(w, declarationId);
  expect(tasks).toHaveLength(1);
  return tasks[0] as { id: string; kind: string; status: string };
}

export function upload(client: ApiClient, url: string, bytes: Buffer, contentType: string, headers: Record<string, string> = {}) {
  return client.post(url, bytes, { 'content-type': contentType, ...headers });
}

/** Posts a payment confirmation as the bank does, signed. */
export async function pay(t: TestApp, bill: { paymentReference: string; total: string; currency: string; id: string }) {
  const raw = JSON.stringify({ paymentReference: bill.paymentReference, amount: bill.total, currency: bill.currency, bankReference: `BANK-${bill.id}`, paidAt: new Date().toISOString() });
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/payments/confirmations',
    headers: { 'content-type': 'application/json', 'x-cordon-signature': signPayment(PAYMENT_SECRET, raw) },
    payload: raw,
  });
  expect(response.statusCode, response.body).toBe(200);
}
