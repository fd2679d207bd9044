// The access matrix: every API route × every role (and anonymous), checked against the policy
// table below, which is written out by hand from what a customs administration expects (officers
// decide, auditors and analysts only read, enterprise users act for their own enterprise, admins
// manage users, keys and the registry, zone operators manage their zones' gates and confirm that
// goods have passed; partners, other administrations' API keys, read their feeds and nothing else). Then the scoping that roles alone do not express: another enterprise's
// records, another zone's declarations, and API key scopes.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../src/platform/auth/principal.ts';
import { signPayment } from '../src/duties/payment.signature.ts';
import { createTestApp, PAYMENT_SECRET, type ApiClient, type ApiResponse, type TestApp } from './support/test-app.ts';
import { createEnterprise, createZone, declarationBody, squareAround } from './support/factories.ts';
import {
  createAccount,
  expectAllowed,
  expectForbidden,
  expectNotFound,
  expectUnauthenticated,
  listAll,
  openApiRoutes,
  send,
  unique,
  type Account,
  type Method,
} from './support/access.ts';
import { openEventStream } from './support/event-stream.ts';

// --- the policy ----------------------------------------------------------------------------------

type Policy = 'public' | readonly Role[];

const EVERYONE = ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator', 'enterprise_user'] as const;
const RISK_READERS = ['admin', 'customs_officer', 'risk_analyst', 'auditor'] as const;
const STAFF = ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator'] as const;
const OFFICERS = ['admin', 'customs_officer'] as const;
/** Sporting shotguns: the watch-list rule sends E1's to RED, so they wait, ASSESSED, for a scan. */
const RED_LINE = { hsCode: '930320', description: 'Sporting shotguns', originCountry: 'IT', quantity: '10', unit: 'H87', netMass: '35', grossMass: '40', customsValue: '12000.00' };
/** The first bytes of a PNG file: enough for the scan upload to recognise an image. */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(256, 7)]);
/** A risk rule the matrix's rule writes keep sound (its name is made unique per call). */
const RISK_RULE = { reason: 'matrix', conditions: [{ field: 'hsCode', op: 'startsWith', value: ['99'] }], weight: 5, validFrom: '2020-01-01' };

/** Who may call each route. A role not listed gets 403; anonymous gets 401 unless the route is public. */
const POLICY = {
  // identity: anyone may log in; accounts and machine keys are the admin's
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': EVERYONE,
  'GET /api/v1/auth/me': EVERYONE,
  'GET /api/v1/users': ['admin'],
  'POST /api/v1/users': ['admin'],
  'GET /api/v1/users/{id}': ['admin'],
  'PATCH /api/v1/users/{id}': ['admin'],
  'GET /api/v1/api-keys': ['admin'],
  'POST /api/v1/api-keys': ['admin'],
  'DELETE /api/v1/api-keys/{id}': ['admin'],
  // reference data: read by everyone who is signed in
  'GET /api/v1/reference/hs': EVERYONE,
  'GET /api/v1/reference/hs/{code}': EVERYONE,
  'GET /api/v1/reference/countries': EVERYONE,
  'GET /api/v1/reference/currencies': EVERYONE,
  'GET /api/v1/reference/units': EVERYONE,
  'GET /api/v1/reference/locodes': EVERYONE,
  'GET /api/v1/reference/locodes/{code}': EVERYONE,
  'GET /api/v1/reference/containers/{number}': EVERYONE,
  // registry: everyone reads within their scope; the admin keeps settings and zones, zone operators
  // their zones' gates, customs registers enterprises and books, enterprises keep their catalogue
  'GET /api/v1/administration': EVERYONE,
  'PUT /api/v1/administration': ['admin'],
  'GET /api/v1/zones': EVERYONE,
  'POST /api/v1/zones': ['admin'],
  'GET /api/v1/zones/{id}': EVERYONE,
  'PATCH /api/v1/zones/{id}': ['admin'],
  'POST /api/v1/zones/{id}/gates': ['admin', 'zone_operator'],
  'GET /api/v1/gates/{id}': EVERYONE,
  'PATCH /api/v1/gates/{id}': ['admin', 'zone_operator'],
  'GET /api/v1/enterprises': EVERYONE,
  'POST /api/v1/enterprises': ['admin', 'customs_officer'],
  'GET /api/v1/enterprises/{id}': EVERYONE,
  'PATCH /api/v1/enterprises/{id}': ['admin', 'customs_officer'],
  'GET /api/v1/books': EVERYONE,
  'POST /api/v1/books': ['admin', 'customs_officer'],
  'GET /api/v1/books/{id}': EVERYONE,
  'PATCH /api/v1/books/{id}': ['admin', 'customs_officer'],
  'GET /api/v1/items': EVERYONE,
  'POST /api/v1/items': ['admin', 'customs_officer', 'enterprise_user'],
  'GET /api/v1/items/{id}': EVERYONE,
  'PATCH /api/v1/items/{id}': ['admin', 'customs_officer', 'enterprise_user'],
  'GET /api/v1/history/{entityType}/{id}': EVERYONE,
  // declarations: enterprises declare (the admin may on their behalf), officers decide, the zone
  // operator confirms completion, and all staff read within their zones
  'POST /api/v1/declarations': ['enterprise_user', 'admin'],
  'GET /api/v1/declarations': EVERYONE,
  'GET /api/v1/declarations/{id}': EVERYONE,
  'GET /api/v1/declarations/{id}/versions': EVERYONE,
  'POST /api/v1/declarations/{id}/decisions': ['customs_officer', 'admin', 'zone_operator'],
  'POST /api/v1/declarations/{id}/amendments': ['enterprise_user', 'customs_officer', 'admin'],
  'POST /api/v1/declarations/{id}/cancellation': ['enterprise_user', 'customs_officer', 'admin'],
  // account books: everyone reads within their scope; only customs adjusts a book
  'GET /api/v1/books/{id}/stock': EVERYONE,
  'GET /api/v1/books/{id}/lots': EVERYONE,
  'GET /api/v1/books/{id}/movements': EVERYONE,
  'GET /api/v1/books/{id}/export.csv': EVERYONE,
  'POST /api/v1/books/{id}/adjustments': ['customs_officer', 'admin'],
  'GET /api/v1/lots/{id}': EVERYONE,
  'GET /api/v1/lots/{id}/trace': EVERYONE,
  'GET /api/v1/books/{id}/annual-report': EVERYONE,
  // processing: enterprises and customs keep bills of materials
  'POST /api/v1/boms': ['enterprise_user', 'customs_officer', 'admin'],
  'GET /api/v1/boms': EVERYONE,
  'GET /api/v1/boms/{id}': EVERYONE,
  'GET /api/v1/declarations/{id}/consumption': EVERYONE,
  'GET /api/v1/books/{id}/consumption': EVERYONE,
  // stock reports: the enterprise uploads its ERP stock; customs may reconcile it again
  'POST /api/v1/books/{id}/stock-reports': ['enterprise_user', 'admin'],
  'GET /api/v1/books/{id}/stock-reports': EVERYONE,
  'GET /api/v1/stock-reports/{id}': EVERYONE,
  'POST /api/v1/stock-reports/{id}/reconciliation': ['enterprise_user', 'customs_officer', 'admin'],
  'GET /api/v1/reconciliation/settings': EVERYONE,
  'PUT /api/v1/reconciliation/settings': ['admin'],
  'GET /api/v1/books/{id}/reconciliations': EVERYONE,
  'GET /api/v1/reconciliations/{id}': EVERYONE,
  // duties: the tariff and rates are public knowledge, kept by the admin; bills are customs' and
  // the billed enterprise's, not the zone operator's; the bank confirms payments with a signature
  'GET /api/v1/tariff': EVERYONE,
  'GET /api/v1/tariff/{code}': EVERYONE,
  'PUT /api/v1/tariff': ['admin'],
  'GET /api/v1/duties/settings': EVERYONE,
  'PUT /api/v1/duties/settings': ['admin'],
  'GET /api/v1/exchange-rates': EVERYONE,
  'PUT /api/v1/exchange-rates': ['admin'],
  'GET /api/v1/bills': ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'enterprise_user'],
  'GET /api/v1/bills/{id}': ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'enterprise_user'],
  'POST /api/v1/bills/{id}/guarantee': ['customs_officer', 'admin'],
  'POST /api/v1/payments/confirmations': 'public',
  // analytics: everyone reads the dashboard within their scope (an enterprise user its own figures)
  'GET /api/v1/analytics/dashboard': EVERYONE,
  'GET /api/v1/analytics/time-release': EVERYONE,
  // live events: every signed-in role, filtered per event; the stream is opened with a ticket
  'POST /api/v1/events/tickets': EVERYONE,
  'GET /api/v1/events/stream': EVERYONE,
  // risk: targeting is read by customs staff (never traders or zone operators); analysts write the
  // rules and models, the administrator sets the lane targets, officers record inspection results
  'GET /api/v1/risk/settings': RISK_READERS,
  'PUT /api/v1/risk/settings': ['admin'],
  'GET /api/v1/risk/rules': RISK_READERS,
  'POST /api/v1/risk/rules': ['admin', 'risk_analyst'],
  'GET /api/v1/risk/rules/{id}': RISK_READERS,
  'PUT /api/v1/risk/rules/{id}': ['admin', 'risk_analyst'],
  'GET /api/v1/risk/models': RISK_READERS,
  'POST /api/v1/risk/models': ['admin', 'risk_analyst'],
  'GET /api/v1/risk/models/{id}': RISK_READERS,
  'POST /api/v1/risk/models/{id}/activation': ['admin', 'risk_analyst'],
  'GET /api/v1/risk/quality': RISK_READERS,
  'GET /api/v1/declarations/{id}/risk': RISK_READERS,
  'POST /api/v1/declarations/{id}/inspection-result': ['admin', 'customs_officer'],
  // alerts and the gate: the zone's staff watch; officers acknowledge and override; readers at the
  // gate (zone operators' keys) and staff at the gate desk post events; traders issue and cancel
  // passes for their own goods and never see the gate's decisions.
  'GET /api/v1/alerts': STAFF,
  'GET /api/v1/alerts/{id}': STAFF,
  'POST /api/v1/alerts/{id}/acknowledgement': ['admin', 'customs_officer'],
  'GET /api/v1/gate-settings': STAFF,
  'PUT /api/v1/gate-settings': ['admin'],
  'GET /api/v1/gate-passes': EVERYONE,
  'GET /api/v1/gate-passes/{id}': EVERYONE,
  'POST /api/v1/gate-passes': ['admin', 'customs_officer', 'enterprise_user'],
  'POST /api/v1/gate-passes/{id}/cancellation': ['admin', 'customs_officer', 'enterprise_user'],
  'POST /api/v1/gate-events': ['admin', 'customs_officer', 'zone_operator'],
  'GET /api/v1/gate-passages': STAFF,
  'GET /api/v1/gate-passages/{id}': STAFF,
  'POST /api/v1/gate-passages/{id}/override': ['admin', 'customs_officer'],
  // CCTV: zone operators register cameras and their camera systems post snapshots; officers ask
  // for footage to be kept; the zone's staff read coverage; traders see none of it.
  'GET /api/v1/cameras': STAFF,
  'GET /api/v1/cameras/{id}': STAFF,
  'POST /api/v1/cameras': ['admin', 'zone_operator'],
  'PUT /api/v1/cameras/{id}': ['admin', 'zone_operator'],
  'POST /api/v1/cctv/snapshots': ['admin', 'zone_operator'],
  'GET /api/v1/cctv/snapshots': STAFF,
  'POST /api/v1/cctv/holds': ['admin', 'customs_officer'],
  'GET /api/v1/cctv/policy': STAFF,
  'PUT /api/v1/cctv/policy': ['admin'],
  'GET /api/v1/cctv/coverage': STAFF,
  // inspections: officers work the tasks, scans, findings and outcomes; analysts and auditors read;
  // neither traders nor zone operators see what customs looked for or found.
  'GET /api/v1/inspections': RISK_READERS,
  'POST /api/v1/inspections': OFFICERS,
  'GET /api/v1/inspections/{id}': RISK_READERS,
  'PUT /api/v1/inspections/{id}/kind': OFFICERS,
  'POST /api/v1/inspections/{id}/assignment': OFFICERS,
  'POST /api/v1/inspections/{id}/start': OFFICERS,
  'POST /api/v1/inspections/{id}/scans': OFFICERS,
  'POST /api/v1/inspections/{id}/findings': OFFICERS,
  'POST /api/v1/inspections/{id}/outcome': OFFICERS,
  // Zone operators upload advance scans only through a scanner's API key, never as users.
  'POST /api/v1/scans': OFFICERS,
  'GET /api/v1/scans/{id}': RISK_READERS,
  'GET /api/v1/scans/{id}/image': RISK_READERS,
  'POST /api/v1/scans/{id}/reading': OFFICERS,
  // partner feeds: the admin decides who is told what; a partner's key pulls its own items; anyone
  // may fetch the public key that verifies them.
  'POST /api/v1/feed-subscriptions': ['admin'],
  'GET /api/v1/feed-subscriptions': ['admin'],
  'GET /api/v1/feed-subscriptions/{id}': ['admin'],
  'PATCH /api/v1/feed-subscriptions/{id}': ['admin'],
  'DELETE /api/v1/feed-subscriptions/{id}': ['admin'],
  'GET /api/v1/feed-subscriptions/{id}/deliveries': ['admin'],
  'GET /api/v1/feeds/items': ['partner'],
  'GET /api/v1/feeds/keys': 'public',
  // verifiable documents: officers and the declaring enterprise issue (the administration signs what
  // its records say), everyone reads within their scope, officers revoke, customs and auditors check
  // other administrations' documents; whoever holds a document checks it without an account.
  'POST /api/v1/credentials/certificates-of-origin': ['admin', 'customs_officer', 'enterprise_user'],
  'POST /api/v1/credentials/release-notes': ['admin', 'customs_officer', 'enterprise_user'],
  'POST /api/v1/credentials/trip-custody-records': ['admin', 'customs_officer', 'enterprise_user'],
  'GET /api/v1/credentials': EVERYONE,
  'GET /api/v1/credentials/{id}': EVERYONE,
  'GET /api/v1/credentials/{id}/qr.svg': EVERYONE,
  'POST /api/v1/credentials/{id}/revocation': OFFICERS,
  'POST /api/v1/credentials/external-verification': ['admin', 'customs_officer', 'auditor'],
  'GET /api/v1/public/credential-schemas/{type}': 'public',
  'GET /api/v1/public/status-lists/{id}': 'public',
  'GET /api/v1/public/credentials/{id}': 'public',
  'POST /api/v1/public/credentials/verification': 'public',
  // the transparency log: checkpoints, the key and consistency proofs hold hashes only and are for
  // anyone; entries and inclusion proofs name records (customs' readers); auditors sign checkpoints
  // and audit; an enterprise gets its own book's proof bundle (scoping: below).
  'GET /api/v1/transparency/checkpoint': 'public',
  'GET /api/v1/transparency/checkpoints': 'public',
  'POST /api/v1/transparency/checkpoints': ['admin', 'auditor'],
  'GET /api/v1/transparency/key': 'public',
  'GET /api/v1/transparency/proofs/consistency': 'public',
  'GET /api/v1/transparency/proofs/inclusion': RISK_READERS,
  'GET /api/v1/transparency/entries': RISK_READERS,
  'POST /api/v1/transparency/audit': ['admin', 'auditor'],
  'GET /api/v1/books/{id}/proof-bundle': EVERYONE,
  // cargo tracking: zones register their e-seals and e-locks and their gateways send telemetry;
  // customs and the zone of origin plan trips, customs alone starts, completes and aborts them by
  // hand; the zones' staff read everything of their zones, an enterprise its own devices and trips.
  'GET /api/v1/devices': EVERYONE,
  'POST /api/v1/devices': ['admin', 'zone_operator'],
  'GET /api/v1/devices/{id}': EVERYONE,
  'POST /api/v1/devices/{id}/retirement': ['admin', 'zone_operator'],
  'GET /api/v1/devices/{id}/drops': EVERYONE,
  'GET /api/v1/trips': EVERYONE,
  'POST /api/v1/trips': ['admin', 'customs_officer', 'zone_operator'],
  'GET /api/v1/trips/live': EVERYONE,
  'GET /api/v1/trips/{id}': EVERYONE,
  'POST /api/v1/trips/{id}/start': OFFICERS,
  'POST /api/v1/trips/{id}/completion': OFFICERS,
  'POST /api/v1/trips/{id}/abortion': OFFICERS,
  'GET /api/v1/trips/{id}/track': EVERYONE,
  'GET /api/v1/trips/{id}/timeline': EVERYONE,
  'POST /api/v1/telemetry': ['admin', 'zone_operator'],
  'GET /api/v1/tracking-settings': STAFF,
  'PUT /api/v1/tracking-settings': ['admin'],
  // operations: liveness and readiness say nothing about the data and are for load balancers; the
  // metrics show backlogs and open alerts: the admin, or a key with metrics:read (scopes: below).
  'GET /health': 'public',
  'GET /ready': 'public',
  'GET /metrics': ['admin'],
} as const satisfies Record<string, Policy>;

type Route = keyof typeof POLICY;
const ROUTES = Object.keys(POLICY) as Route[];

type Who = Role | 'anonymous';
const PRINCIPALS: readonly Who[] = [...ROLES, 'anonymous'];

function expectation(route: Route, who: Who): 'allowed' | '401' | '403' {
  const policy: Policy = POLICY[route];
  if (policy === 'public') return 'allowed';
  if (who === 'anonymous') return '401';
  return policy.includes(who) ? 'allowed' : '403';
}

// --- the world the requests point at -------------------------------------------------------------

/** Smartphones: no rule hits, so the declaration is released at once (GREEN). */
const GREEN_LINE = {
  hsCode: '851713',
  description: 'Smartphones',
  originCountry: 'CN',
  quantity: '100',
  unit: 'H87',
  netMass: '20.5',
  grossMass: '25',
  customsValue: '25000.00',
};
/** Apparel: the selectivity rule set below sends it to YELLOW, so it waits, ASSESSED, for an officer. */
const YELLOW_LINE = {
  hsCode: '620342',
  description: "Men's cotton trousers",
  originCountry: 'BD',
  quantity: '500',
  unit: 'H87',
  netMass: '250',
  grossMass: '270',
  customsValue: '3500.00',
};

interface World {
  zoneA: { id: string; code: string };
  zoneB: { id: string; code: string };
  gateA: string;
  gateB: string;
  e1: string;
  e2: string;
  bookE1: string;
  bookE2: string;
  itemE1: string;
  /** A second item of E1's: the input of its bill of materials. */
  itemE1b: string;
  itemE2: string;
  /** E1's declaration in zone A: YELLOW, ASSESSED, amended once (so it has a version). */
  d1: string;
  /** E2's declarations: in zone A, and in zone B (assessed, and released). */
  d2: string;
  d2b: string;
  d2bReleased: string;
  /** One account per role: zone-scoped to zone A for officers and operators, E1 for the enterprise user. */
  accounts: Record<Role, Account>;
  /** E2's enterprise user. */
  trader2: Account;
  /** A customs officer of zone B only. */
  officerB: Account;
  /** The user that the user-management routes read and change. */
  target: Account;
  /** E1's goods in its storage book: admitted and past the gate. */
  lotE1: string;
  /** E1's processing book, a bill of materials for it and a processing declaration. */
  processingBookE1: string;
  bomE1: string;
  processingE1: string;
  /** E1's stock report (with its reconciliation) and an unpaid bill of a domestic release. */
  stockReportE1: string;
  reconciliationE1: string;
  billE1: string;
  /** A risk rule and a trained model (not active). */
  ruleId: string;
  modelId: string;
  /** E1's released declaration's gate pass, a held passage at gate A and its alert. */
  passE1: string;
  passageA: string;
  alertA: string;
  /** A camera over gate A. */
  cameraA: string;
  /** The document-check task of d1, and a scan of a RED declaration's container. */
  taskA: string;
  scanA: string;
  /** The partner's API key (zone A, feeds:read) and its subscription to zone A's container statuses. */
  partnerKeyId: string;
  partnerKey: string;
  subscriptionA: string;
  /** A release note of E1's released declaration in zone A. */
  credentialE1: string;
  /** A second gate of zone A; E1's e-seal (id and maker's id) on a trip between zone A's gates. */
  gateA2: string;
  deviceE1: string;
  deviceE1Code: string;
  tripE1: string;
}

/** The fields of a declaration that an amendment replaces. */
function amendment(zoneId: string, line: object) {
  const { type: _type, zoneId: _zoneId, ...declaration } = declarationBody(zoneId, { lines: [line] });
  return { reason: 'invoice corrected', declaration };
}

async function submit(client: ApiClient, zoneId: string, line: object, expectedState: string): Promise<string> {
  const response = await client.post('/api/v1/declarations', declarationBody(zoneId, { lines: [line] }));
  if (response.status !== 201 || response.body.state !== expectedState) {
    throw new Error(`submitting a declaration failed (${response.status}): ${JSON.stringify(response.body)}`);
  }
  return response.body.id as string;
}

async function created(response: Promise<ApiResponse>, what: string): Promise<string> {
  const { status, body } = await response;
  if (status !== 201) throw new Error(`creating ${what} failed (${status}): ${JSON.stringify(body)}`);
  return body.id as string;
}

/** Takes a declaration through the gate (released first if it waits for an officer). */
async function complete(admin: ApiClient, id: string): Promise<void> {
  const { body } = await admin.get(`/api/v1/declarations/${id}`);
  if (body.state === 'ASSESSED') await admin.post(`/api/v1/declarations/${id}/decisions`, { action: 'RELEASE' });
  const done = await admin.post(`/api/v1/declarations/${id}/decisions`, { action: 'COMPLETE' });
  if (done.status !== 200) throw new Error(`completing ${id} failed (${done.status}): ${JSON.stringify(done.body)}`);
}

/** E1 releases one smartphone from its storage book to the domestic market: an unpaid bill. */
async function unpaidBill(trader: ApiClient, zoneId: string, bookId: string): Promise<{ id: string; total: string; currency: string; paymentReference: string }> {
  const release = await trader.post('/api/v1/declarations', declarationBody(zoneId, { type: 'DOMESTIC_RELEASE', bookId, lines: [{ ...GREEN_LINE, quantity: '1', customsValue: '250.00' }] }));
  if (release.status !== 201) throw new Error(`a domestic release failed (${release.status}): ${JSON.stringify(release.body)}`);
  const bills = await trader.get(`/api/v1/bills?declarationId=${release.body.id}`);
  const bill = bills.body.items?.[0];
  if (!bill || bill.status !== 'UNPAID') throw new Error(`no unpaid bill for ${release.body.id}: ${JSON.stringify(bills.body)}`);
  return bill;
}

/** A small tariff schedule of one's own, with the lines the world's declarations need. */
const OWN_TARIFF = [
  'code,indent,description,units,general_rate',
  '8471,0,Automatic data processing machines:,,',
  '84713001,1,Portable machines,No.,Free',
  '8517,0,Telephone sets:,,',
  '85171300,1,Smartphones,No.,Free',
].join('\n');

// --- the request each cell sends -------------------------------------------------------------------

interface Call {
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send with this client instead of the role's usual one (a fresh session for logout). */
  client?: ApiClient;
  /** A Server-Sent Events stream: opened over real HTTP and closed once it has begun. */
  stream?: true;
}

/**
 * A valid request for each route, with path parameters pointing at real records that the role's
 * account may see: so an allowed call reaches the service, and a refusal from the service's own
 * role check (not only the route's) shows up. Writes that would change shared records work on
 * fresh ones or change only a name.
 */
function requests(t: TestApp, w: () => World): Record<Route, (who: Who) => Promise<Call> | Call> {
  const account = (who: Who) => (who === 'anonymous' ? null : w().accounts[who]);
  const trader = () => w().accounts.enterprise_user.client;
  /** A fresh GREEN declaration of E1, released at once, with the gate pass its release issued. */
  const releasedOfE1 = async () => {
    const declarationId = await submit(trader(), w().zoneA.id, GREEN_LINE, 'RELEASED');
    const passes = await t.admin.get(`/api/v1/gate-passes?declarationId=${declarationId}`);
    return { declarationId, passId: passes.body.items[0].id as string };
  };
  /** The inspection task a fresh declaration of E1 in zone A opens at assessment, started when asked. */
  const freshTask = async (line: object, started = false) => {
    const declarationId = await submit(trader(), w().zoneA.id, line, 'ASSESSED');
    const id = (await t.admin.get(`/api/v1/inspections?declarationId=${declarationId}`)).body.items[0].id as string;
    if (started) {
      const start = await t.admin.post(`/api/v1/inspections/${id}/start`);
      if (start.status !== 200) throw new Error(`starting an inspection failed (${start.status}): ${JSON.stringify(start.body)}`);
    }
    return id;
  };
  const camera = (gateId: string) => ({ code: `CAM-${unique()}`, name: 'Gate camera', latitude: 40.7, longitude: -74.0, areaKind: 'GATE', gateId });
  const gateEvent = () => ({ gateId: w().gateA, readerEventId: `m-${unique()}`, at: new Date().toISOString(), plate: { value: `NP${unique()}`, confidence: 0.99 } });
  /** A truck nobody declared, held at gate A, with the alert it raised. */
  const heldAtGateA = async () => {
    const passageId = await created(t.admin.post('/api/v1/gate-events', gateEvent()), 'gate passage');
    const alerts = await t.admin.get('/api/v1/alerts?kind=GATE_HOLD&status=OPEN&limit=200');
    const alert = alerts.body.items.find((candidate: { subjectId: string }) => candidate.subjectId === passageId);
    return { passageId, alertId: alert.id as string };
  };
  /** A fresh export of one of E1's smartphones, released at once (GREEN). */
  const releasedExportOfE1 = async () => {
    const response = await trader().post('/api/v1/declarations', declarationBody(w().zoneA.id, { type: 'EXPORT', bookId: w().bookE1, destinationCountry: 'DE', lines: [{ ...GREEN_LINE, quantity: '1', customsValue: '250.00' }] }));
    if (response.status !== 201 || response.body.state !== 'RELEASED') throw new Error(`an export failed (${response.status}): ${JSON.stringify(response.body)}`);
    return response.body.id as string;
  };
  /** A trip between zone A's two gates for a declaration of E1's and an e-seal. */
  const tripBody = (declarationId: string, deviceId: string) => ({
    declarationId,
    deviceId,
    containerNumber: 'CSQU3054383',
    originGateId: w().gateA,
    destinationGateId: w().gateA2,
    corridor: { type: 'route', line: [[-74.0, 40.7], [-74.0, 40.705]], widthMeters: 200 },
    window: { departFrom: new Date().toISOString(), arriveBy: new Date(Date.now() + 2 * 3_600_000).toISOString() },
  });
  /** A fresh e-seal of E1's registered in zone A. */
  const freshDevice = () =>
    created(t.admin.post('/api/v1/devices', { deviceId: `ESEAL-${unique()}`, type: 'E_SEAL', zoneId: w().zoneA.id, ownerEnterpriseId: w().e1 }), 'device');
  /** A fresh trip of E1's planned by the admin, started (and completed) by hand when asked. */
  const freshTrip = async (until: 'planned' | 'started' | 'completed' = 'planned') => {
    const id = await created(t.admin.post('/api/v1/trips', tripBody((await releasedOfE1()).declarationId, await freshDevice())), 'trip');
    const steps = until === 'planned' ? [] : until === 'started' ? ['start'] : ['start', 'completion'];
    for (const step of steps) {
      const done = await t.admin.post(`/api/v1/trips/${id}/${step}`, step === 'start' ? {} : { note: 'arrived; seal checked by hand' });
      if (done.status !== 200) throw new Error(`${step} of a trip failed (${done.status}): ${JSON.stringify(done.body)}`);
    }
    return id;
  };
  return {
    'POST /api/v1/auth/login': () => ({ url: '/api/v1/auth/login', body: { username: w().target.username, password: w().target.password } }),
    'POST /api/v1/auth/logout': async (who) => {
      // Log out a session of its own, so that the account's main session stays valid for later cells.
      const own = account(who);
      // A partner has no session to open: it calls with its key.
      return { url: '/api/v1/auth/logout', ...(own && who !== 'partner' ? { client: await t.login(own.username, own.password) } : {}) };
    },
    'GET /api/v1/auth/me': () => ({ url: '/api/v1/auth/me' }),
    'GET /api/v1/users': () => ({ url: '/api/v1/users' }),
    'POST /api/v1/users': () => {
      const username = `matrix-${unique().toLowerCase()}`;
      return { url: '/api/v1/users', body: { username, displayName: username, role: 'auditor', password: 'a-long-password-1' } };
    },
    'GET /api/v1/users/{id}': () => ({ url: `/api/v1/users/${w().target.id}` }),
    // Only the name changes: a change of rights or password would end the target's sessions.
    'PATCH /api/v1/users/{id}': () => ({ url: `/api/v1/users/${w().target.id}`, body: { displayName: `Target ${unique()}` } }),
    'GET /api/v1/api-keys': () => ({ url: '/api/v1/api-keys' }),
    'POST /api/v1/api-keys': () => ({ url: '/api/v1/api-keys', body: { name: `matrix ${unique()}`, role: 'auditor', scopes: [] } }),
    'DELETE /api/v1/api-keys/{id}': async () => {
      const key = await created(t.admin.post('/api/v1/api-keys', { name: `doomed ${unique()}`, role: 'auditor', scopes: [] }), 'API key');
      return { url: `/api/v1/api-keys/${key}` };
    },
    'GET /api/v1/reference/hs': () => ({ url: '/api/v1/reference/hs?q=8517' }),
    'GET /api/v1/reference/hs/{code}': () => ({ url: '/api/v1/reference/hs/851713' }),
    'GET /api/v1/reference/countries': () => ({ url: '/api/v1/reference/countries' }),
    'GET /api/v1/reference/currencies': () => ({ url: '/api/v1/reference/currencies' }),
    'GET /api/v1/reference/units': () => ({ url: '/api/v1/reference/units' }),
    'GET /api/v1/reference/locodes': () => ({ url: '/api/v1/reference/locodes?q=NLRTM' }),
    'GET /api/v1/reference/locodes/{code}': () => ({ url: '/api/v1/reference/locodes/NLRTM' }),
    'GET /api/v1/reference/containers/{number}': () => ({ url: '/api/v1/reference/containers/CSQU3054383' }),
    'GET /api/v1/administration': () => ({ url: '/api/v1/administration' }),
    'PUT /api/v1/administration': async () => {
      // The settings as they are: an allowed PUT changes nothing that later cells rely on.
      const { version: _version, updatedAt: _updatedAt, ...settings } = (await t.admin.get('/api/v1/administration')).body;
      return { url: '/api/v1/administration', body: settings };
    },
    'GET /api/v1/zones': () => ({ url: '/api/v1/zones' }),
    'POST /api/v1/zones': () => ({
      url: '/api/v1/zones',
      body: { code: `Z${unique()}`, name: 'Matrix zone', locode: 'USNYC', zoneType: 'FREE_ZONE', territorialPattern: 2, perimeter: squareAround(-74.0, 40.7) },
    }),
    'GET /api/v1/zones/{id}': () => ({ url: `/api/v1/zones/${w().zoneA.id}` }),
    'PATCH /api/v1/zones/{id}': () => ({ url: `/api/v1/zones/${w().zoneA.id}`, body: { name: `Zone A ${unique()}` } }),
    'POST /api/v1/zones/{id}/gates': () => ({
      url: `/api/v1/zones/${w().zoneA.id}/gates`,
      body: { code: `G${unique()}`, name: 'Matrix gate', kind: 'ROAD', direction: 'BOTH', latitude: 40.7, longitude: -74.0 },
    }),
    'GET /api/v1/gates/{id}': () => ({ url: `/api/v1/gates/${w().gateA}` }),
    'PATCH /api/v1/gates/{id}': () => ({ url: `/api/v1/gates/${w().gateA}`, body: { name: `Gate ${unique()}` } }),
    'GET /api/v1/enterprises': () => ({ url: '/api/v1/enterprises' }),
    'POST /api/v1/enterprises': () => ({
      url: '/api/v1/enterprises',
      body: { identifier: `EIN-${unique()}`, name: `Matrix trader ${unique()}`, country: 'US', roles: ['TRADER'], zoneIds: [w().zoneA.id] },
    }),
    'GET /api/v1/enterprises/{id}': () => ({ url: `/api/v1/enterprises/${w().e1}` }),
    'PATCH /api/v1/enterprises/{id}': () => ({ url: `/api/v1/enterprises/${w().e1}`, body: { name: `Trader E1 ${unique()}` } }),
    'GET /api/v1/books': () => ({ url: '/api/v1/books' }),
    'POST /api/v1/books': () => ({
      url: '/api/v1/books',
      body: { enterpriseId: w().e1, zoneId: w().zoneA.id, code: `B${unique()}`, kind: 'STORAGE', name: 'Matrix book' },
    }),
    'GET /api/v1/books/{id}': () => ({ url: `/api/v1/books/${w().bookE1}` }),
    'PATCH /api/v1/books/{id}': () => ({ url: `/api/v1/books/${w().bookE1}`, body: { name: `Book ${unique()}` } }),
    'GET /api/v1/items': () => ({ url: '/api/v1/items' }),
    'POST /api/v1/items': () => ({
      url: '/api/v1/items',
      body: { enterpriseId: w().e1, partNumber: `P-${unique()}`, hsCode: '847130', description: 'Laptop computers', unit: 'H87' },
    }),
    'GET /api/v1/items/{id}': () => ({ url: `/api/v1/items/${w().itemE1}` }),
    'PATCH /api/v1/items/{id}': () => ({ url: `/api/v1/items/${w().itemE1}`, body: { description: `Laptops ${unique()}` } }),
    'GET /api/v1/history/{entityType}/{id}': () => ({ url: `/api/v1/history/item/${w().itemE1}` }),
    'POST /api/v1/declarations': () => ({ url: '/api/v1/declarations', body: declarationBody(w().zoneA.id, { enterpriseId: w().e1 }) }),
    'GET /api/v1/declarations': () => ({ url: '/api/v1/declarations' }),
    'GET /api/v1/declarations/{id}': () => ({ url: `/api/v1/declarations/${w().d1}` }),
    'GET /api/v1/declarations/{id}/versions': () => ({ url: `/api/v1/declarations/${w().d1}/versions` }),
    // Fresh declarations for the writes: a released one that the goods leave (COMPLETE, which the
    // zone operator may confirm), and assessed ones to amend and to cancel.
    'POST /api/v1/declarations/{id}/decisions': async () => ({
      url: `/api/v1/declarations/${await submit(trader(), w().zoneA.id, GREEN_LINE, 'RELEASED')}/decisions`,
      body: { action: 'COMPLETE' },
    }),
    'POST /api/v1/declarations/{id}/amendments': async () => ({
      url: `/api/v1/declarations/${await submit(trader(), w().zoneA.id, YELLOW_LINE, 'ASSESSED')}/amendments`,
      body: amendment(w().zoneA.id, YELLOW_LINE),
    }),
    'POST /api/v1/declarations/{id}/cancellation': async () => ({
      url: `/api/v1/declarations/${await submit(trader(), w().zoneA.id, YELLOW_LINE, 'ASSESSED')}/cancellation`,
      body: { reason: 'order cancelled' },
    }),
    'GET /api/v1/books/{id}/stock': () => ({ url: `/api/v1/books/${w().bookE1}/stock` }),
    'GET /api/v1/books/{id}/lots': () => ({ url: `/api/v1/books/${w().bookE1}/lots` }),
    'GET /api/v1/books/{id}/movements': () => ({ url: `/api/v1/books/${w().bookE1}/movements` }),
    'GET /api/v1/books/{id}/export.csv': () => ({ url: `/api/v1/books/${w().bookE1}/export.csv?what=lots` }),
    // A count found one more than booked: the adjustment only adds.
    'POST /api/v1/books/{id}/adjustments': () => ({
      url: `/api/v1/books/${w().bookE1}/adjustments`,
      body: { lotId: w().lotE1, quantity: '1', reason: 'stocktaking found one more' },
    }),
    'GET /api/v1/lots/{id}': () => ({ url: `/api/v1/lots/${w().lotE1}` }),
    'GET /api/v1/lots/{id}/trace': () => ({ url: `/api/v1/lots/${w().lotE1}/trace` }),
    'GET /api/v1/books/{id}/annual-report': () => ({ url: `/api/v1/books/${w().bookE1}/annual-report?year=${new Date().getUTCFullYear()}` }),
    'POST /api/v1/boms': () => ({
      url: '/api/v1/boms',
      body: { outputItemId: w().itemE1, yield: '1', validFrom: '2030-01-01', inputs: [{ itemId: w().itemE1b, quantityPerOutput: '1' }] },
    }),
    'GET /api/v1/boms': () => ({ url: '/api/v1/boms' }),
    'GET /api/v1/boms/{id}': () => ({ url: `/api/v1/boms/${w().bomE1}` }),
    'GET /api/v1/declarations/{id}/consumption': () => ({ url: `/api/v1/declarations/${w().processingE1}/consumption` }),
    'GET /api/v1/books/{id}/consumption': () => ({ url: `/api/v1/books/${w().processingBookE1}/consumption` }),
    'POST /api/v1/books/{id}/stock-reports': () => ({
      url: `/api/v1/books/${w().bookE1}/stock-reports`,
      body: { asOf: new Date().toISOString().slice(0, 10), source: 'ERP', lines: [{ partNumber: 'PHONE-1', hsCode: '851713', quantity: '100', unit: 'H87' }] },
    }),
    'GET /api/v1/books/{id}/stock-reports': () => ({ url: `/api/v1/books/${w().bookE1}/stock-reports` }),
    'GET /api/v1/stock-reports/{id}': () => ({ url: `/api/v1/stock-reports/${w().stockReportE1}` }),
    'POST /api/v1/stock-reports/{id}/reconciliation': () => ({ url: `/api/v1/stock-reports/${w().stockReportE1}/reconciliation` }),
    'GET /api/v1/reconciliation/settings': () => ({ url: '/api/v1/reconciliation/settings' }),
    'PUT /api/v1/reconciliation/settings': async () => {
      const { shareThreshold, valueThreshold } = (await t.admin.get('/api/v1/reconciliation/settings')).body;
      return { url: '/api/v1/reconciliation/settings', body: { shareThreshold, valueThreshold } };
    },
    'GET /api/v1/books/{id}/reconciliations': () => ({ url: `/api/v1/books/${w().bookE1}/reconciliations` }),
    'GET /api/v1/reconciliations/{id}': () => ({ url: `/api/v1/reconciliations/${w().reconciliationE1}` }),
    'GET /api/v1/tariff': () => ({ url: '/api/v1/tariff' }),
    'GET /api/v1/tariff/{code}': () => ({ url: '/api/v1/tariff/85171300' }),
    'PUT /api/v1/tariff': () => ({ url: '/api/v1/tariff?source=matrix', body: OWN_TARIFF, headers: { 'content-type': 'text/csv' } }),
    'GET /api/v1/duties/settings': () => ({ url: '/api/v1/duties/settings' }),
    'PUT /api/v1/duties/settings': async () => {
      const { exciseBasis, excise } = (await t.admin.get('/api/v1/duties/settings')).body;
      return { url: '/api/v1/duties/settings', body: { exciseBasis, excise } };
    },
    'GET /api/v1/exchange-rates': () => ({ url: '/api/v1/exchange-rates' }),
    'PUT /api/v1/exchange-rates': () => ({ url: '/api/v1/exchange-rates', body: { rates: [{ currency: 'EUR', validFrom: '2020-01-01', rateToNational: '1.0842' }] } }),
    'GET /api/v1/bills': () => ({ url: '/api/v1/bills' }),
    'GET /api/v1/bills/{id}': () => ({ url: `/api/v1/bills/${w().billE1}` }),
    'POST /api/v1/bills/{id}/guarantee': async () => ({
      url: `/api/v1/bills/${(await unpaidBill(trader(), w().zoneA.id, w().bookE1)).id}/guarantee`,
      body: { guaranteeReference: `BOND-${unique()}` },
    }),
    // The bank signs the exact body it sends; no one is signed in.
    'POST /api/v1/payments/confirmations': async () => {
      const bill = await unpaidBill(trader(), w().zoneA.id, w().bookE1);
      const raw = JSON.stringify({
        paymentReference: bill.paymentReference,
        amount: bill.total,
        currency: bill.currency,
        bankReference: `BANK-${unique()}`,
        paidAt: new Date().toISOString(),
      });
      return {
        url: '/api/v1/payments/confirmations',
        body: raw,
        headers: { 'content-type': 'application/json', 'x-cordon-signature': signPayment(PAYMENT_SECRET, raw) },
      };
    },
    'GET /api/v1/analytics/dashboard': () => ({ url: '/api/v1/analytics/dashboard' }),
    'GET /api/v1/analytics/time-release': () => ({ url: '/api/v1/analytics/time-release' }),
    'POST /api/v1/events/tickets': () => ({ url: '/api/v1/events/tickets' }),
    // A browser's way in: a ticket asked for with the account's token opens the stream; anonymous has none.
    'GET /api/v1/events/stream': async (who) => {
      const own = account(who);
      if (!own) return { url: '/api/v1/events/stream', stream: true };
      // A partner may not ask for a ticket either: it tries its key as a bearer token.
      if (who === 'partner') return { url: '/api/v1/events/stream', stream: true, headers: { authorization: `Bearer ${w().partnerKey}` } };
      const ticket = await own.client.post('/api/v1/events/tickets');
      if (ticket.status !== 201) throw new Error(`asking for a stream ticket failed (${ticket.status}): ${JSON.stringify(ticket.body)}`);
      return { url: `/api/v1/events/stream?ticket=${ticket.body.ticket}`, stream: true };
    },
    'GET /api/v1/risk/settings': () => ({ url: '/api/v1/risk/settings' }),
    'PUT /api/v1/risk/settings': async () => {
      const { redRate, yellowRate, retrainEveryDays } = (await t.admin.get('/api/v1/risk/settings')).body;
      return { url: '/api/v1/risk/settings', body: { redRate, yellowRate, retrainEveryDays } };
    },
    'GET /api/v1/risk/rules': () => ({ url: '/api/v1/risk/rules' }),
    'POST /api/v1/risk/rules': () => ({ url: '/api/v1/risk/rules', body: { ...RISK_RULE, name: `Matrix ${unique()}` } }),
    'GET /api/v1/risk/rules/{id}': () => ({ url: `/api/v1/risk/rules/${w().ruleId}` }),
    'PUT /api/v1/risk/rules/{id}': () => ({ url: `/api/v1/risk/rules/${w().ruleId}`, body: { ...RISK_RULE, name: `Matrix rule ${unique()}` } }),
    'GET /api/v1/risk/models': () => ({ url: '/api/v1/risk/models' }),
    'POST /api/v1/risk/models': () => ({ url: '/api/v1/risk/models' }),
    'GET /api/v1/risk/models/{id}': () => ({ url: `/api/v1/risk/models/${w().modelId}` }),
    'POST /api/v1/risk/models/{id}/activation': () => ({ url: `/api/v1/risk/models/${w().modelId}/activation` }),
    'GET /api/v1/risk/quality': () => ({ url: '/api/v1/risk/quality' }),
    'GET /api/v1/declarations/{id}/risk': () => ({ url: `/api/v1/declarations/${w().d1}/risk` }),
    'GET /api/v1/alerts': () => ({ url: '/api/v1/alerts' }),
    'GET /api/v1/alerts/{id}': () => ({ url: `/api/v1/alerts/${w().alertA}` }),
    'POST /api/v1/alerts/{id}/acknowledgement': async () => ({ url: `/api/v1/alerts/${(await heldAtGateA()).alertId}/acknowledgement`, body: { note: 'seen' } }),
    'GET /api/v1/gate-settings': () => ({ url: '/api/v1/gate-settings' }),
    'PUT /api/v1/gate-settings': async () => {
      const { version: _v, updatedAt: _u, ...settings } = (await t.admin.get('/api/v1/gate-settings')).body;
      return { url: '/api/v1/gate-settings', body: settings };
    },
    'GET /api/v1/gate-passes': () => ({ url: '/api/v1/gate-passes' }),
    'GET /api/v1/gate-passes/{id}': () => ({ url: `/api/v1/gate-passes/${w().passE1}` }),
    'POST /api/v1/gate-passes': async () => ({ url: '/api/v1/gate-passes', body: { declarationId: (await releasedOfE1()).declarationId, lines: [{ lineNo: 1, quantity: '1' }] } }),
    'POST /api/v1/gate-passes/{id}/cancellation': async () => ({ url: `/api/v1/gate-passes/${(await releasedOfE1()).passId}/cancellation`, body: { reason: 'truck broke down' } }),
    'POST /api/v1/gate-events': () => ({ url: '/api/v1/gate-events', body: gateEvent() }),
    'GET /api/v1/gate-passages': () => ({ url: '/api/v1/gate-passages' }),
    'GET /api/v1/gate-passages/{id}': () => ({ url: `/api/v1/gate-passages/${w().passageA}` }),
    'POST /api/v1/gate-passages/{id}/override': async () => ({ url: `/api/v1/gate-passages/${(await heldAtGateA()).passageId}/override`, body: { reason: 'checked by hand' } }),
    'GET /api/v1/cameras': () => ({ url: '/api/v1/cameras' }),
    'GET /api/v1/cameras/{id}': () => ({ url: `/api/v1/cameras/${w().cameraA}` }),
    'POST /api/v1/cameras': () => ({ url: '/api/v1/cameras', body: { zoneId: w().zoneA.id, ...camera(w().gateA) } }),
    'PUT /api/v1/cameras/{id}': () => ({ url: `/api/v1/cameras/${w().cameraA}`, body: { ...camera(w().gateA), code: 'CAM-A', active: true } }),
    'POST /api/v1/cctv/snapshots': () => ({
      url: '/api/v1/cctv/snapshots',
      body: { snapshots: [{ cameraId: w().cameraA, capturedAt: new Date().toISOString(), imageSha256: randomBytes(32).toString('hex'), storageUri: `s3://cctv/a/${unique()}.jpg` }] },
    }),
    'GET /api/v1/cctv/snapshots': () => ({ url: `/api/v1/cctv/snapshots?cameraId=${w().cameraA}` }),
    'POST /api/v1/cctv/holds': () => ({
      url: '/api/v1/cctv/holds',
      body: { cameraId: w().cameraA, from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString(), reason: 'smuggling inquiry' },
    }),
    'GET /api/v1/cctv/policy': () => ({ url: '/api/v1/cctv/policy' }),
    'PUT /api/v1/cctv/policy': async () => {
      const { version: _v, updatedAt: _u, updatedBy: _b, ...policy } = (await t.admin.get('/api/v1/cctv/policy')).body;
      return { url: '/api/v1/cctv/policy', body: policy };
    },
    'GET /api/v1/cctv/coverage': () => ({ url: `/api/v1/cctv/coverage?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date().toISOString()}` }),
    'GET /api/v1/inspections': () => ({ url: '/api/v1/inspections' }),
    'POST /api/v1/inspections': async () => ({
      url: '/api/v1/inspections',
      body: { declarationId: await submit(trader(), w().zoneA.id, YELLOW_LINE, 'ASSESSED'), kind: 'PHYSICAL_EXAMINATION', reason: 'tip-off' },
    }),
    'GET /api/v1/inspections/{id}': () => ({ url: `/api/v1/inspections/${w().taskA}` }),
    'PUT /api/v1/inspections/{id}/kind': async () => ({ url: `/api/v1/inspections/${await freshTask(YELLOW_LINE)}/kind`, body: { kind: 'PHYSICAL_EXAMINATION', reason: 'tip-off' } }),
    // An officer takes the task; an administrator assigns it to the zone's officer.
    'POST /api/v1/inspections/{id}/assignment': async (who) => ({
      url: `/api/v1/inspections/${await freshTask(YELLOW_LINE)}/assignment`,
      body: who === 'admin' ? { assigneeId: w().accounts.customs_officer.id } : {},
    }),
    'POST /api/v1/inspections/{id}/start': async () => ({ url: `/api/v1/inspections/${await freshTask(RED_LINE)}/start` }),
    'POST /api/v1/inspections/{id}/scans': async () => ({ url: `/api/v1/inspections/${await freshTask(RED_LINE)}/scans?kind=XRAY&scannerId=NII-1`, body: PNG, headers: { 'content-type': 'image/png' } }),
    'POST /api/v1/inspections/{id}/findings': async () => ({
      url: `/api/v1/inspections/${await freshTask(YELLOW_LINE, true)}/findings`,
      body: { lineNo: 1, kind: 'QUANTITY', note: 'one carton more', corrections: { quantity: '501' } },
    }),
    'POST /api/v1/inspections/{id}/outcome': async () => ({ url: `/api/v1/inspections/${await freshTask(YELLOW_LINE, true)}/outcome`, body: { outcome: 'RELEASE_AS_DECLARED', reason: 'documents agree' } }),
    'POST /api/v1/scans': () => ({ url: `/api/v1/scans?kind=XRAY&scannerId=Q1&zoneId=${w().zoneA.id}&containerNumber=CSQU3054383`, body: PNG, headers: { 'content-type': 'image/png' } }),
    'GET /api/v1/scans/{id}': () => ({ url: `/api/v1/scans/${w().scanA}` }),
    'GET /api/v1/scans/{id}/image': () => ({ url: `/api/v1/scans/${w().scanA}/image` }),
    'POST /api/v1/scans/{id}/reading': async () => {
      const scan = await t.admin.post(`/api/v1/inspections/${await freshTask(RED_LINE)}/scans?kind=XRAY&scannerId=NII-1`, PNG, { 'content-type': 'image/png' });
      if (scan.status !== 201) throw new Error(`uploading a scan failed (${scan.status}): ${JSON.stringify(scan.body)}`);
      return { url: `/api/v1/scans/${scan.body.id}/reading`, body: { reading: 'CLEAR', note: 'nothing dense' } };
    },
    'POST /api/v1/feed-subscriptions': () => ({
      url: '/api/v1/feed-subscriptions',
      body: { apiKeyId: w().partnerKeyId, name: `Matrix ${unique()}`, kinds: ['certificate.issued'], zoneIds: [w().zoneA.id] },
    }),
    'GET /api/v1/feed-subscriptions': () => ({ url: '/api/v1/feed-subscriptions' }),
    'GET /api/v1/feed-subscriptions/{id}': () => ({ url: `/api/v1/feed-subscriptions/${w().subscriptionA}` }),
    'PATCH /api/v1/feed-subscriptions/{id}': () => ({ url: `/api/v1/feed-subscriptions/${w().subscriptionA}`, body: { name: `Zone A containers ${unique()}` } }),
    'DELETE /api/v1/feed-subscriptions/{id}': async () => {
      const doomed = await created(
        t.admin.post('/api/v1/feed-subscriptions', { apiKeyId: w().partnerKeyId, name: `Doomed ${unique()}`, kinds: ['container.status'], zoneIds: [w().zoneA.id] }),
        'feed subscription',
      );
      return { url: `/api/v1/feed-subscriptions/${doomed}` };
    },
    'GET /api/v1/feed-subscriptions/{id}/deliveries': () => ({ url: `/api/v1/feed-subscriptions/${w().subscriptionA}/deliveries` }),
    'GET /api/v1/feeds/items': () => ({ url: '/api/v1/feeds/items?after=0' }),
    'GET /api/v1/feeds/keys': () => ({ url: '/api/v1/feeds/keys' }),
    'POST /api/v1/credentials/certificates-of-origin': async () => ({
      url: '/api/v1/credentials/certificates-of-origin',
      body: { declarationId: await releasedExportOfE1(), importingCountry: 'DE', lines: [{ lineNo: 1, originCriterion: 'CTH' }] },
    }),
    'POST /api/v1/credentials/release-notes': async () => ({ url: '/api/v1/credentials/release-notes', body: { declarationId: (await releasedOfE1()).declarationId } }),
    'POST /api/v1/credentials/trip-custody-records': async () => ({ url: '/api/v1/credentials/trip-custody-records', body: { tripId: await freshTrip('completed') } }),
    'GET /api/v1/credentials': () => ({ url: '/api/v1/credentials' }),
    'GET /api/v1/credentials/{id}': () => ({ url: `/api/v1/credentials/${w().credentialE1}` }),
    'GET /api/v1/credentials/{id}/qr.svg': () => ({ url: `/api/v1/credentials/${w().credentialE1}/qr.svg` }),
    'POST /api/v1/credentials/{id}/revocation': async () => ({
      url: `/api/v1/credentials/${await created(t.admin.post('/api/v1/credentials/release-notes', { declarationId: (await releasedOfE1()).declarationId }), 'release note')}/revocation`,
      body: { reason: 'issued in error' },
    }),
    'POST /api/v1/credentials/external-verification': async () => ({
      url: '/api/v1/credentials/external-verification',
      body: { token: (await t.admin.get(`/api/v1/credentials/${w().credentialE1}`)).body.token, didDocument: (await t.anonymous.get('/.well-known/did.json')).body },
    }),
    'GET /api/v1/public/credential-schemas/{type}': () => ({ url: '/api/v1/public/credential-schemas/CertificateOfOrigin' }),
    'GET /api/v1/public/status-lists/{id}': () => ({ url: '/api/v1/public/status-lists/1' }),
    'GET /api/v1/public/credentials/{id}': () => ({ url: `/api/v1/public/credentials/${w().credentialE1}` }),
    'POST /api/v1/public/credentials/verification': async () => ({
      url: '/api/v1/public/credentials/verification',
      body: { token: (await t.admin.get(`/api/v1/credentials/${w().credentialE1}`)).body.token },
    }),
    'GET /api/v1/transparency/checkpoint': () => ({ url: '/api/v1/transparency/checkpoint' }),
    'GET /api/v1/transparency/checkpoints': () => ({ url: '/api/v1/transparency/checkpoints' }),
    'POST /api/v1/transparency/checkpoints': () => ({ url: '/api/v1/transparency/checkpoints' }),
    'GET /api/v1/transparency/key': () => ({ url: '/api/v1/transparency/key' }),
    'GET /api/v1/transparency/proofs/consistency': async () => ({ url: `/api/v1/transparency/proofs/consistency?from=1&to=${(await t.ctx.log.publish()).size}` }),
    'GET /api/v1/transparency/proofs/inclusion': async () => ({ url: `/api/v1/transparency/proofs/inclusion?leafIndex=0&treeSize=${(await t.ctx.log.publish()).size}` }),
    'GET /api/v1/transparency/entries': () => ({ url: '/api/v1/transparency/entries?kind=book.movement&subjectId=1' }),
    'POST /api/v1/transparency/audit': async () => ({ url: '/api/v1/transparency/audit', body: { checkpoint: (await t.ctx.log.publish()).note } }),
    'GET /api/v1/books/{id}/proof-bundle': () => ({ url: `/api/v1/books/${w().bookE1}/proof-bundle` }),
    'GET /api/v1/devices': () => ({ url: '/api/v1/devices' }),
    'POST /api/v1/devices': () => ({ url: '/api/v1/devices', body: { deviceId: `ESEAL-${unique()}`, type: 'E_SEAL', zoneId: w().zoneA.id } }),
    'GET /api/v1/devices/{id}': () => ({ url: `/api/v1/devices/${w().deviceE1}` }),
    'POST /api/v1/devices/{id}/retirement': async () => ({ url: `/api/v1/devices/${await freshDevice()}/retirement`, body: { reason: 'worn out' } }),
    'GET /api/v1/devices/{id}/drops': () => ({ url: `/api/v1/devices/${w().deviceE1}/drops` }),
    'GET /api/v1/trips': () => ({ url: '/api/v1/trips' }),
    'POST /api/v1/trips': async () => ({ url: '/api/v1/trips', body: tripBody((await releasedOfE1()).declarationId, await freshDevice()) }),
    'GET /api/v1/trips/live': () => ({ url: '/api/v1/trips/live' }),
    'GET /api/v1/trips/{id}': () => ({ url: `/api/v1/trips/${w().tripE1}` }),
    'POST /api/v1/trips/{id}/start': async () => ({ url: `/api/v1/trips/${await freshTrip()}/start`, body: {} }),
    'POST /api/v1/trips/{id}/completion': async () => ({ url: `/api/v1/trips/${await freshTrip('started')}/completion`, body: { note: 'arrived; seal checked by hand' } }),
    'POST /api/v1/trips/{id}/abortion': async () => ({ url: `/api/v1/trips/${await freshTrip()}/abortion`, body: { reason: 'truck broke down' } }),
    'GET /api/v1/trips/{id}/track': () => ({ url: `/api/v1/trips/${w().tripE1}/track` }),
    'GET /api/v1/trips/{id}/timeline': () => ({ url: `/api/v1/trips/${w().tripE1}/timeline` }),
    'POST /api/v1/telemetry': () => ({
      url: '/api/v1/telemetry',
      body: { deviceId: w().deviceE1Code, messages: [{ type: 'position', time: new Date().toISOString(), lat: 40.7, lon: -74.0 }] },
    }),
    'GET /api/v1/tracking-settings': () => ({ url: '/api/v1/tracking-settings' }),
    'GET /health': () => ({ url: '/health' }),
    'GET /ready': () => ({ url: '/ready' }),
    'GET /metrics': () => ({ url: '/metrics' }),
    'PUT /api/v1/tracking-settings': async () => {
      const { version: _v, updatedAt: _u, ...settings } = (await t.admin.get('/api/v1/tracking-settings')).body;
      return { url: '/api/v1/tracking-settings', body: settings };
    },
    // A fresh declaration of zone A under inspection for each call: a result is recorded once.
    'POST /api/v1/declarations/{id}/inspection-result': async () => {
      const id = await submit(trader(), w().zoneA.id, YELLOW_LINE, 'ASSESSED');
      const started = await t.admin.post(`/api/v1/declarations/${id}/decisions`, { action: 'START_INSPECTION' });
      if (started.status !== 200) throw new Error(`starting an inspection failed (${started.status}): ${JSON.stringify(started.body)}`);
      return { url: `/api/v1/declarations/${id}/inspection-result`, body: { outcome: 'NOTHING_FOUND' } };
    },
  };
}

// --- the tests -----------------------------------------------------------------------------------

type ByIdCase = { name: string; method: Method; url: () => string; body?: () => unknown };

/** Reads of E1's book in zone A and of what it holds: hidden from another enterprise and from another zone. */
function booksOfE1(world: () => World): ByIdCase[] {
  const book = (path: string) => () => `/api/v1/books/${world().bookE1}${path}`;
  return [
    { name: "GET E1's stock", method: 'GET', url: book('/stock') },
    { name: "GET E1's lots", method: 'GET', url: book('/lots') },
    { name: "GET E1's movements", method: 'GET', url: book('/movements') },
    { name: "GET E1's book as CSV", method: 'GET', url: book('/export.csv?what=stock') },
    { name: "GET E1's annual report", method: 'GET', url: book(`/annual-report?year=${new Date().getUTCFullYear()}`) },
    { name: "GET E1's stock reports", method: 'GET', url: book('/stock-reports') },
    { name: "GET E1's reconciliations", method: 'GET', url: book('/reconciliations') },
    { name: "GET E1's proof bundle", method: 'GET', url: book('/proof-bundle') },
    { name: "GET E1's lot", method: 'GET', url: () => `/api/v1/lots/${world().lotE1}` },
    { name: "GET E1's lot trace", method: 'GET', url: () => `/api/v1/lots/${world().lotE1}/trace` },
    { name: "GET E1's stock report", method: 'GET', url: () => `/api/v1/stock-reports/${world().stockReportE1}` },
    { name: "GET E1's reconciliation", method: 'GET', url: () => `/api/v1/reconciliations/${world().reconciliationE1}` },
  ];
}

/** E1's trip between zone A's gates and its e-seal: hidden from another enterprise and from another zone. */
function tripOfE1(world: () => World): ByIdCase[] {
  return [
    { name: "GET E1's trip", method: 'GET', url: () => `/api/v1/trips/${world().tripE1}` },
    { name: "GET E1's trip's track", method: 'GET', url: () => `/api/v1/trips/${world().tripE1}/track` },
    { name: "GET E1's trip's timeline", method: 'GET', url: () => `/api/v1/trips/${world().tripE1}/timeline` },
    { name: "GET E1's e-seal", method: 'GET', url: () => `/api/v1/devices/${world().deviceE1}` },
    { name: "GET E1's e-seal's dropped messages", method: 'GET', url: () => `/api/v1/devices/${world().deviceE1}/drops` },
  ];
}

/** Cases named in full: vitest quotes and shortens `$name` placeholders, but not a leading `%s`. */
function named<T>(cases: readonly T[], name: (c: T) => string): [string, T][] {
  return cases.map((c) => [name(c), c]);
}

describe('access matrix', () => {
  let t: TestApp;
  let world: World | undefined;
  const w = (): World => {
    if (!world) throw new Error('the world is not built');
    return world;
  };
  const clientOf = (who: Who): ApiClient => (who === 'anonymous' ? t.anonymous : w().accounts[who].client);
  /** The documented GET routes outside /api/v1 (the operations'), as `GET /path`. */
  const operationsRoutes = async (): Promise<string[]> => {
    const { body } = await t.anonymous.get<{ paths: Record<string, Record<string, unknown>> }>('/openapi.json');
    return Object.entries(body.paths)
      .filter(([path]) => !path.startsWith('/api/v1/'))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
  };
  let calls: ReturnType<typeof requests>;
  let listening: Promise<string> | undefined;

  /** Opens an event stream over real HTTP, waits until it is live (or refused), and closes it. */
  async function beginStream(url: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
    listening ??= t.app.listen({ port: 0, host: '127.0.0.1' });
    const stream = await openEventStream(await listening, url, headers);
    if (stream.status === 200) await stream.next((message) => message.event === 'ready');
    stream.close();
    return { status: stream.status, body: stream.body, headers: Object.fromEntries(stream.headers) };
  }

  beforeAll(async () => {
    t = await createTestApp();
    calls = requests(t, w);
    const zoneA = await createZone(t.admin);
    const zoneB = await createZone(t.admin, { locode: 'USEWR' });
    const gateA = await created(
      t.admin.post(`/api/v1/zones/${zoneA.id}/gates`, { code: 'G1', name: 'Main gate', kind: 'ROAD', direction: 'BOTH', latitude: 40.7, longitude: -74.0 }),
      'gate',
    );
    const gateB = await created(
      t.admin.post(`/api/v1/zones/${zoneB.id}/gates`, { code: 'G1', name: 'Main gate', kind: 'ROAD', direction: 'BOTH', latitude: 40.7, longitude: -74.1 }),
      'gate',
    );
    const e1 = (await createEnterprise(t.admin, [zoneA.id], { roles: ['TRADER', 'MANUFACTURER'] })).id;
    const e2 = (await createEnterprise(t.admin, [zoneA.id, zoneB.id])).id;
    const book = (enterpriseId: string) =>
      created(t.admin.post('/api/v1/books', { enterpriseId, zoneId: zoneA.id, code: `B${unique()}`, kind: 'STORAGE', name: 'Main warehouse' }), 'book');
    const item = (enterpriseId: string) =>
      created(t.admin.post('/api/v1/items', { enterpriseId, partNumber: `P-${unique()}`, hsCode: '847130', description: 'Laptop computers', unit: 'H87' }), 'item');
    const [bookE1, bookE2, itemE1, itemE2] = [await book(e1), await book(e2), await item(e1), await item(e2)];

    // Lanes by rule alone: apparel goes to YELLOW; nothing at random. The watch-list rule names E1,
    // which no other enterprise may learn.
    const current = (await t.admin.get('/api/v1/administration')).body;
    const settings = await t.admin.put('/api/v1/administration', {
      name: current.name,
      country: current.country,
      currency: current.currency,
      hsEdition: current.hsEdition,
      // VAT makes every domestic release owe something, so that its bill waits for payment.
      vatRate: '0.05',
      statusModel: current.statusModel,
      selectivity: {
        ...current.selectivity,
        randomRedShare: '0',
        randomYellowShare: '0',
        rules: [
          { name: 'Apparel', lane: 'YELLOW', reason: 'valuation check', hsPrefixes: ['62'] },
          { name: 'Watch list', lane: 'RED', reason: 'intelligence report', hsPrefixes: ['93'], enterpriseIds: [e1] },
        ],
      },
    });
    if (settings.status !== 200) throw new Error(`setting selectivity failed: ${JSON.stringify(settings.body)}`);

    const partner = await t.admin.post('/api/v1/api-keys', { name: `Partner ${unique()}`, role: 'partner', zoneIds: [zoneA.id], scopes: ['feeds:read'] });
    if (partner.status !== 201) throw new Error(`creating a partner's API key failed (${partner.status}): ${JSON.stringify(partner.body)}`);
    const [partnerKeyId, partnerKey] = [partner.body.id as string, partner.body.key as string];
    const subscriptionA = await created(
      t.admin.post('/api/v1/feed-subscriptions', { apiKeyId: partnerKeyId, name: 'Zone A containers', kinds: ['container.status'], zoneIds: [zoneA.id] }),
      'feed subscription',
    );
    const accounts: Record<Role, Account> = {
      admin: await createAccount(t, 'admin'),
      customs_officer: await createAccount(t, 'customs_officer', { zoneIds: [zoneA.id] }),
      risk_analyst: await createAccount(t, 'risk_analyst'),
      auditor: await createAccount(t, 'auditor'),
      zone_operator: await createAccount(t, 'zone_operator', { zoneIds: [zoneA.id] }),
      enterprise_user: await createAccount(t, 'enterprise_user', { enterpriseId: e1 }),
      // A partner is another administration's API key, never a user: its account is the key.
      partner: { id: partnerKeyId, username: '', password: '', client: t.client(partnerKey) },
    };
    const trader2 = await createAccount(t, 'enterprise_user', { enterpriseId: e2 });
    const officerB = await createAccount(t, 'customs_officer', { zoneIds: [zoneB.id] });
    const target = await createAccount(t, 'auditor');

    const trader1 = accounts.enterprise_user.client;
    const d1 = await submit(trader1, zoneA.id, YELLOW_LINE, 'ASSESSED');
    const amended = await trader1.post(`/api/v1/declarations/${d1}/amendments`, amendment(zoneA.id, YELLOW_LINE));
    if (amended.status !== 200 || amended.body.state !== 'ASSESSED') throw new Error(`amending failed: ${JSON.stringify(amended.body)}`);
    const d2 = await submit(trader2.client, zoneA.id, YELLOW_LINE, 'ASSESSED');
    const d2b = await submit(trader2.client, zoneB.id, YELLOW_LINE, 'ASSESSED');
    const d2bReleased = await submit(trader2.client, zoneB.id, GREEN_LINE, 'RELEASED');

    // E1's books hold goods: smartphones in storage, laptop parts in processing that become laptops.
    const admission = await created(trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { bookId: bookE1, lines: [GREEN_LINE] })), 'admission');
    await complete(t.admin, admission);
    const lotE1 = (await t.admin.get(`/api/v1/books/${bookE1}/lots`)).body.items[0].id as string;
    const processingBookE1 = await created(
      t.admin.post('/api/v1/books', { enterpriseId: e1, zoneId: zoneA.id, code: `P${unique()}`, kind: 'PROCESSING', name: 'Assembly' }),
      'processing book',
    );
    const itemE1b = await created(
      t.admin.post('/api/v1/items', { enterpriseId: e1, partNumber: `P-${unique()}`, hsCode: '847330', description: 'Laptop mainboards', unit: 'H87' }),
      'item',
    );
    const bomE1 = await created(
      trader1.post('/api/v1/boms', { outputItemId: itemE1, yield: '1', validFrom: '2020-01-01', inputs: [{ itemId: itemE1b, quantityPerOutput: '1' }] }),
      'bill of materials',
    );
    const partLine = (itemId: string, hsCode: string, description: string, processingRole?: string) => ({
      ...GREEN_LINE,
      itemId,
      hsCode,
      description,
      quantity: '10',
      customsValue: '1000.00',
      ...(processingRole ? { processingRole } : {}),
    });
    const parts = await created(
      trader1.post('/api/v1/declarations', declarationBody(zoneA.id, { bookId: processingBookE1, lines: [partLine(itemE1b, '847330', 'Laptop mainboards')] })),
      'admission of parts',
    );
    await complete(t.admin, parts);
    const processingE1 = await created(
      trader1.post(
        '/api/v1/declarations',
        declarationBody(zoneA.id, {
          type: 'PROCESSING',
          bookId: processingBookE1,
          lines: [partLine(itemE1b, '847330', 'Laptop mainboards', 'INPUT'), partLine(itemE1, '847130', 'Laptop computers', 'OUTPUT')],
        }),
      ),
      'processing declaration',
    );
    const upload = await trader1.post(`/api/v1/books/${bookE1}/stock-reports`, {
      asOf: new Date().toISOString().slice(0, 10),
      source: 'ERP',
      lines: [{ partNumber: 'PHONE-1', hsCode: '851713', quantity: '99', unit: 'H87' }],
    });
    if (upload.status !== 201) throw new Error(`uploading a stock report failed (${upload.status}): ${JSON.stringify(upload.body)}`);
    const billE1 = (await unpaidBill(trader1, zoneA.id, bookE1)).id;
    const ruleId = await created(t.admin.post('/api/v1/risk/rules', { ...RISK_RULE, name: 'Matrix rule' }), 'risk rule');
    const modelId = await created(t.admin.post('/api/v1/risk/models'), 'risk model');
    const released = await submit(trader1, zoneA.id, GREEN_LINE, 'RELEASED');
    const passE1 = (await t.admin.get(`/api/v1/gate-passes?declarationId=${released}`)).body.items[0].id as string;
    const passageA = await created(t.admin.post('/api/v1/gate-events', { gateId: gateA, readerEventId: 'world-1', at: new Date().toISOString(), plate: { value: 'NOPASS1', confidence: 0.99 } }), 'gate passage');
    const cameraA = await created(
      t.admin.post('/api/v1/cameras', { zoneId: zoneA.id, code: 'CAM-A', name: 'Gate camera', latitude: 40.7, longitude: -74.0, areaKind: 'GATE', gateId: gateA }),
      'camera',
    );
    const taskA = (await t.admin.get(`/api/v1/inspections?declarationId=${d1}`)).body.items[0].id as string;
    const redE1 = await submit(trader1, zoneA.id, RED_LINE, 'ASSESSED');
    const redTask = (await t.admin.get(`/api/v1/inspections?declarationId=${redE1}`)).body.items[0].id as string;
    const scanA = await created(t.admin.post(`/api/v1/inspections/${redTask}/scans?kind=XRAY&scannerId=NII-1`, PNG, { 'content-type': 'image/png' }), 'scan');
    const alertA = (await t.admin.get('/api/v1/alerts?kind=GATE_HOLD')).body.items.find((alert: { subjectId: string }) => alert.subjectId === passageA).id as string;
    const credentialE1 = await created(trader1.post('/api/v1/credentials/release-notes', { declarationId: released }), 'release note');
    const gateA2 = await created(
      t.admin.post(`/api/v1/zones/${zoneA.id}/gates`, { code: 'G2', name: 'Quay gate', kind: 'QUAY', direction: 'BOTH', latitude: 40.705, longitude: -74.0 }),
      'gate',
    );
    const deviceE1Code = `ESEAL-${unique()}`;
    const deviceE1 = await created(t.admin.post('/api/v1/devices', { deviceId: deviceE1Code, type: 'E_SEAL', zoneId: zoneA.id, ownerEnterpriseId: e1 }), 'device');
    const tripE1 = await created(
      t.admin.post('/api/v1/trips', {
        declarationId: released,
        deviceId: deviceE1,
        containerNumber: 'CSQU3054383',
        originGateId: gateA,
        destinationGateId: gateA2,
        corridor: { type: 'route', line: [[-74.0, 40.7], [-74.0, 40.705]], widthMeters: 200 },
        window: { departFrom: new Date().toISOString(), arriveBy: new Date(Date.now() + 2 * 3_600_000).toISOString() },
      }),
      'trip',
    );

    world = {
      ...{ zoneA, zoneB, gateA, gateB, e1, e2, bookE1, bookE2, itemE1, itemE1b, itemE2, d1, d2, d2b, d2bReleased, accounts, trader2, officerB, target },
      ...{ lotE1, processingBookE1, bomE1, processingE1, billE1, stockReportE1: upload.body.id as string, reconciliationE1: upload.body.reconciliation.id as string },
      ...{ ruleId, modelId, passE1, passageA, alertA, cameraA, taskA, scanA, partnerKeyId, partnerKey, subscriptionA },
      credentialE1,
      ...{ gateA2, deviceE1, deviceE1Code, tripE1 },
    };
  }, 120_000);
  afterAll(() => t.close());

  it('has exactly one policy entry for every /api/v1 route the API exposes, and for the operations routes', async () => {
    expect([...(await openApiRoutes(t.anonymous)), ...(await operationsRoutes())].sort()).toEqual([...ROUTES].sort());
  });

  describe.each(ROUTES)('%s', (route) => {
    const [method, path] = route.split(' ') as [Method, string];
    const cells = PRINCIPALS.map((who) => {
      const expected = expectation(route, who);
      return { who, expected, name: `${method} ${path} as ${who} → ${expected}` };
    });

    it.each(named(cells, (cell) => cell.name))('%s', async (_name, { who, expected }) => {
      const call = await calls[route](who);
      const response = call.stream ? await beginStream(call.url, call.headers) : await send(call.client ?? clientOf(who), method, call.url, call.body, call.headers);
      if (expected === '401') expectUnauthenticated(response);
      else if (expected === '403') expectForbidden(response);
      else expectAllowed(response);
    });
  });

  describe('API key scopes', () => {
    const keyClient = async (role: Role, scopes: string[], scope: { enterpriseId?: string; zoneIds?: string[] }) => {
      const response = await t.admin.post('/api/v1/api-keys', { name: `key ${unique()}`, role, scopes, ...scope });
      if (response.status !== 201) throw new Error(`creating an API key failed: ${JSON.stringify(response.body)}`);
      return t.client(response.body.key as string);
    };
    const writes: { name: string; call: () => Promise<Call> }[] = [
      { name: 'POST /api/v1/declarations', call: async () => calls['POST /api/v1/declarations']('enterprise_user') },
      { name: 'POST /api/v1/declarations/{id}/amendments', call: async () => calls['POST /api/v1/declarations/{id}/amendments']('enterprise_user') },
      { name: 'POST /api/v1/declarations/{id}/cancellation', call: async () => calls['POST /api/v1/declarations/{id}/cancellation']('enterprise_user') },
    ];

    it.each(named(writes, (c) => `${c.name} with an enterprise_user key without declarations:write → 403`))('%s', async (_name, { call }) => {
      const client = await keyClient('enterprise_user', ['stock-reports:write'], { enterpriseId: w().e1 });
      const { url, body } = await call();
      expectForbidden(await client.post(url, body));
    });

    it.each(named(writes, (c) => `${c.name} with an enterprise_user key with declarations:write → allowed`))('%s', async (_name, { call }) => {
      const client = await keyClient('enterprise_user', ['declarations:write'], { enterpriseId: w().e1 });
      const { url, body } = await call();
      const response = await client.post(url, body);
      expectAllowed(response);
    });

    it('POST /api/v1/declarations with an auditor key holding declarations:write → 403 (the scope does not lift the role)', async () => {
      const client = await keyClient('auditor', ['declarations:write'], {});
      expectForbidden(await client.post('/api/v1/declarations', declarationBody(w().zoneA.id, { enterpriseId: w().e1 })));
    });

    // The metrics scope alone opens /metrics, whatever the key's role; a key without it is refused, an admin's too.
    it.each(named(['partner', 'auditor', 'enterprise_user'] as const, (role) => `GET /metrics with a ${role} key holding metrics:read → allowed`))('%s', async (_name, role) => {
      const client = await keyClient(role, ['metrics:read'], role === 'enterprise_user' ? { enterpriseId: w().e1 } : {});
      expectAllowed(await client.get('/metrics'));
    });

    it('GET /metrics with an admin key without metrics:read → 403', async () => {
      const client = await keyClient('admin', ['feeds:read'], {});
      expectForbidden(await client.get('/metrics'));
    });

    it('a partner key holding only metrics:read reads nothing else (its feed, the zones, who it is)', async () => {
      const client = await keyClient('partner', ['metrics:read'], {});
      expectForbidden(await client.get('/api/v1/feeds/items'));
      expectForbidden(await client.get('/api/v1/zones'));
      expectForbidden(await client.get('/api/v1/auth/me'));
    });
  });

  describe("cross-enterprise: E2's user and E1's records", () => {
    const trader2 = () => w().trader2.client;
    const byId: ByIdCase[] = [
      { name: 'GET enterprise E1', method: 'GET', url: () => `/api/v1/enterprises/${w().e1}` },
      { name: "GET E1's book", method: 'GET', url: () => `/api/v1/books/${w().bookE1}` },
      { name: "GET E1's item", method: 'GET', url: () => `/api/v1/items/${w().itemE1}` },
      { name: "GET E1's declaration (with its history)", method: 'GET', url: () => `/api/v1/declarations/${w().d1}` },
      { name: "GET E1's declaration versions", method: 'GET', url: () => `/api/v1/declarations/${w().d1}/versions` },
      { name: 'GET registry history of enterprise E1', method: 'GET', url: () => `/api/v1/history/enterprise/${w().e1}` },
      { name: "GET registry history of E1's book", method: 'GET', url: () => `/api/v1/history/book/${w().bookE1}` },
      { name: "GET registry history of E1's item", method: 'GET', url: () => `/api/v1/history/item/${w().itemE1}` },
      ...booksOfE1(w),
      { name: "GET E1's bill of materials", method: 'GET', url: () => `/api/v1/boms/${w().bomE1}` },
      { name: "GET E1's bill", method: 'GET', url: () => `/api/v1/bills/${w().billE1}` },
      { name: "GET E1's gate pass", method: 'GET', url: () => `/api/v1/gate-passes/${w().passE1}` },
      { name: "cancel E1's gate pass", method: 'POST', url: () => `/api/v1/gate-passes/${w().passE1}/cancellation`, body: () => ({ reason: 'not mine' }) },
      { name: "GET E1's credential", method: 'GET', url: () => `/api/v1/credentials/${w().credentialE1}` },
      { name: "GET the QR code of E1's credential", method: 'GET', url: () => `/api/v1/credentials/${w().credentialE1}/qr.svg` },
      { name: "GET the consumption of E1's processing declaration", method: 'GET', url: () => `/api/v1/declarations/${w().processingE1}/consumption` },
      ...tripOfE1(w),
      { name: "GET the consumption of E1's processing book", method: 'GET', url: () => `/api/v1/books/${w().processingBookE1}/consumption` },
      {
        name: "upload a stock report into E1's book",
        method: 'POST',
        url: () => `/api/v1/books/${w().bookE1}/stock-reports`,
        body: () => ({ asOf: '2026-01-01', lines: [{ partNumber: 'PLANTED', quantity: '1', unit: 'H87' }] }),
      },
      { name: "reconcile E1's stock report", method: 'POST', url: () => `/api/v1/stock-reports/${w().stockReportE1}/reconciliation` },
      {
        name: "amend E1's declaration",
        method: 'POST',
        url: () => `/api/v1/declarations/${w().d1}/amendments`,
        body: () => amendment(w().zoneA.id, YELLOW_LINE),
      },
      { name: "cancel E1's declaration", method: 'POST', url: () => `/api/v1/declarations/${w().d1}/cancellation`, body: () => ({ reason: 'not mine' }) },
      { name: "PATCH E1's item", method: 'PATCH', url: () => `/api/v1/items/${w().itemE1}`, body: () => ({ description: 'Taken over' }) },
      {
        name: "POST an item into E1's catalogue",
        method: 'POST',
        url: () => '/api/v1/items',
        body: () => ({ enterpriseId: w().e1, partNumber: `P-${unique()}`, hsCode: '847130', description: 'Planted', unit: 'H87' }),
      },
    ];

    it.each(named(byId, (c) => `${c.name} → 404 NOT_FOUND`))('%s', async (_name, { method, url, body }) => {
      expectNotFound(await send(trader2(), method, url(), body?.()));
    });

    it("leaves E1's declaration and item as they were", async () => {
      const trader1 = w().accounts.enterprise_user.client;
      const declaration = (await trader1.get(`/api/v1/declarations/${w().d1}`)).body;
      expect(declaration).toMatchObject({ state: 'ASSESSED', version: 2, enterpriseId: w().e1 });
      expect((await trader1.get(`/api/v1/items/${w().itemE1}`)).body.description).not.toBe('Taken over');
      const catalogue = await listAll(trader1, '/api/v1/items');
      expect(catalogue.filter((item) => item.description === 'Planted')).toEqual([]);
    });

    const lists: { name: string; url: () => string; own: () => string; theirs: () => string[] }[] = [
      { name: 'declarations', url: () => '/api/v1/declarations', own: () => w().d2, theirs: () => [w().d1] },
      { name: 'declarations filtered by E1', url: () => `/api/v1/declarations?enterpriseId=${w().e1}`, own: () => '', theirs: () => [w().d1] },
      { name: 'items', url: () => '/api/v1/items', own: () => w().itemE2, theirs: () => [w().itemE1] },
      { name: 'items filtered by E1', url: () => `/api/v1/items?enterpriseId=${w().e1}`, own: () => '', theirs: () => [w().itemE1] },
      { name: 'books', url: () => '/api/v1/books', own: () => w().bookE2, theirs: () => [w().bookE1] },
      { name: 'books filtered by E1', url: () => `/api/v1/books?enterpriseId=${w().e1}`, own: () => '', theirs: () => [w().bookE1] },
      { name: 'bills', url: () => '/api/v1/bills', own: () => '', theirs: () => [w().billE1] },
      { name: 'bills of materials', url: () => '/api/v1/boms', own: () => '', theirs: () => [w().bomE1] },
      { name: 'enterprises', url: () => '/api/v1/enterprises', own: () => w().e2, theirs: () => [w().e1] },
      { name: 'enterprises of zone A', url: () => `/api/v1/enterprises?zoneId=${w().zoneA.id}`, own: () => w().e2, theirs: () => [w().e1] },
      { name: 'credentials', url: () => '/api/v1/credentials', own: () => '', theirs: () => [w().credentialE1] },
      { name: 'trips', url: () => '/api/v1/trips', own: () => '', theirs: () => [w().tripE1] },
      { name: 'trips on the live map', url: () => '/api/v1/trips/live', own: () => '', theirs: () => [w().tripE1] },
      { name: 'devices', url: () => '/api/v1/devices', own: () => '', theirs: () => [w().deviceE1] },
    ];

    it.each(named(lists, (c) => `E2's list of ${c.name} never contains E1's records`))('%s', async (_name, { url, own, theirs }) => {
      const items = await listAll(trader2(), url());
      const ids = items.map((item) => item.id as string);
      for (const id of theirs()) expect(ids).not.toContain(id);
      // Nothing of another enterprise at all, whatever was created by other cells.
      for (const item of items) expect(item.enterpriseId ?? item.id).toBe(w().e2);
      if (own()) expect(ids).toContain(own());
    });

    // The selectivity rules are part of the administration settings; a rule that targets E1 must
    // not tell another enterprise that E1 is watched (or that E1 exists at all).
    it.each(['/api/v1/administration', '/api/v1/history/administration/1'])(
      "GET %s does not disclose to E2's user the selectivity rule that targets E1",
      async (url) => {
      const response = await trader2().get(url);
      expect(response.status).not.toBe(401);
      expect(JSON.stringify(response.body)).not.toContain(w().e1);
      },
    );
  });

  describe('zone scope: a customs officer of zone B and zone A', () => {
    const officerB = () => w().officerB.client;
    const byId: ByIdCase[] = [
      { name: "GET zone A's declaration", method: 'GET', url: () => `/api/v1/declarations/${w().d1}` },
      { name: "GET zone A's declaration versions", method: 'GET', url: () => `/api/v1/declarations/${w().d1}/versions` },
      {
        name: "decide on zone A's declaration",
        method: 'POST',
        url: () => `/api/v1/declarations/${w().d1}/decisions`,
        body: () => ({ action: 'START_INSPECTION', reason: 'not my zone' }),
      },
      {
        name: "amend zone A's declaration",
        method: 'POST',
        url: () => `/api/v1/declarations/${w().d1}/amendments`,
        body: () => amendment(w().zoneA.id, YELLOW_LINE),
      },
      { name: "cancel zone A's declaration", method: 'POST', url: () => `/api/v1/declarations/${w().d1}/cancellation`, body: () => ({ reason: 'not my zone' }) },
      { name: 'GET enterprise E1 (registered in zone A only)', method: 'GET', url: () => `/api/v1/enterprises/${w().e1}` },
      { name: "GET E1's book in zone A", method: 'GET', url: () => `/api/v1/books/${w().bookE1}` },
      { name: "GET E1's item", method: 'GET', url: () => `/api/v1/items/${w().itemE1}` },
      { name: "GET zone A's gate", method: 'GET', url: () => `/api/v1/gates/${w().gateA}` },
      ...booksOfE1(w),
      { name: "GET E1's bill in zone A", method: 'GET', url: () => `/api/v1/bills/${w().billE1}` },
      { name: 'GET zone A', method: 'GET', url: () => `/api/v1/zones/${w().zoneA.id}` },
      { name: "GET a gate pass of zone A", method: 'GET', url: () => `/api/v1/gate-passes/${w().passE1}` },
      { name: "GET a passage at zone A's gate", method: 'GET', url: () => `/api/v1/gate-passages/${w().passageA}` },
      { name: "override a hold at zone A's gate", method: 'POST', url: () => `/api/v1/gate-passages/${w().passageA}/override`, body: () => ({ reason: 'not my zone' }) },
      { name: "GET an inspection task of zone A", method: 'GET', url: () => `/api/v1/inspections/${w().taskA}` },
      { name: "GET a scan of zone A", method: 'GET', url: () => `/api/v1/scans/${w().scanA}` },
      { name: "take an inspection task of zone A", method: 'POST', url: () => `/api/v1/inspections/${w().taskA}/assignment`, body: () => ({}) },
      { name: "GET a camera of zone A", method: 'GET', url: () => `/api/v1/cameras/${w().cameraA}` },
      { name: "GET an alert of zone A", method: 'GET', url: () => `/api/v1/alerts/${w().alertA}` },
      { name: "acknowledge an alert of zone A", method: 'POST', url: () => `/api/v1/alerts/${w().alertA}/acknowledgement`, body: () => ({ note: 'not my zone' }) },
      { name: "GET a credential of zone A", method: 'GET', url: () => `/api/v1/credentials/${w().credentialE1}` },
      { name: "revoke a credential of zone A", method: 'POST', url: () => `/api/v1/credentials/${w().credentialE1}/revocation`, body: () => ({ reason: 'not my zone' }) },
      ...tripOfE1(w),
      { name: "abort a trip between zone A's gates", method: 'POST', url: () => `/api/v1/trips/${w().tripE1}/abortion`, body: () => ({ reason: 'not my zone' }) },
    ];

    it.each(named(byId, (c) => `${c.name} → 404 NOT_FOUND`))('%s', async (_name, { method, url, body }) => {
      expectNotFound(await send(officerB(), method, url(), body?.()));
    });

    const lists: { name: string; url: () => string; own: boolean }[] = [
      { name: 'declarations', url: () => '/api/v1/declarations', own: true },
      { name: 'declarations filtered by zone A', url: () => `/api/v1/declarations?zoneId=${w().zoneA.id}`, own: false },
    ];

    it.each(named(lists, (c) => `zone B's officer does not see zone A's declarations in the list of ${c.name}`))(
      '%s',
      async (_name, { url, own }) => {
        const items = await listAll(officerB(), url());
        const ids = items.map((item) => item.id as string);
        expect(ids).not.toContain(w().d1);
        expect(ids).not.toContain(w().d2);
        for (const item of items) expect(item.zoneId).toBe(w().zoneB.id);
        if (own) expect(ids).toContain(w().d2b);
      },
    );

    it("zone B's officer does not see E1, its book or its item in the registry lists", async () => {
      const [enterprises, books, items] = await Promise.all([
        listAll(officerB(), '/api/v1/enterprises'),
        listAll(officerB(), '/api/v1/books'),
        listAll(officerB(), '/api/v1/items'),
      ]);
      expect(enterprises.map((e) => e.id)).not.toContain(w().e1);
      expect(enterprises.map((e) => e.id)).toContain(w().e2);
      expect(books.map((b) => b.id)).not.toContain(w().bookE1);
      expect(items.map((i) => i.id)).not.toContain(w().itemE1);
      expect(items.map((i) => i.id)).toContain(w().itemE2);
    });
  });

  describe('zone scope: the zone operator of zone A and zone B', () => {
    const operatorA = () => w().accounts.zone_operator.client;
    const byId: ByIdCase[] = [
      {
        name: 'register a gate of zone B',
        method: 'POST',
        url: () => `/api/v1/zones/${w().zoneB.id}/gates`,
        body: () => ({ code: `G${unique()}`, name: 'Not mine', kind: 'ROAD', direction: 'BOTH', latitude: 40.7, longitude: -74.1 }),
      },
      { name: "PATCH zone B's gate", method: 'PATCH', url: () => `/api/v1/gates/${w().gateB}`, body: () => ({ name: 'Not mine' }) },
      { name: "GET zone B's gate", method: 'GET', url: () => `/api/v1/gates/${w().gateB}` },
      { name: "GET zone B's declaration", method: 'GET', url: () => `/api/v1/declarations/${w().d2bReleased}` },
      {
        name: "confirm completion of zone B's released declaration",
        method: 'POST',
        url: () => `/api/v1/declarations/${w().d2bReleased}/decisions`,
        body: () => ({ action: 'COMPLETE' }),
      },
    ];

    it.each(named(byId, (c) => `${c.name} → 404 NOT_FOUND`))('%s', async (_name, { method, url, body }) => {
      expectNotFound(await send(operatorA(), method, url(), body?.()));
    });

    it("leaves zone B's gate and declaration as they were", async () => {
      expect((await t.admin.get(`/api/v1/gates/${w().gateB}`)).body).toMatchObject({ name: 'Main gate', version: 1 });
      expect((await t.admin.get(`/api/v1/declarations/${w().d2bReleased}`)).body.state).toBe('RELEASED');
    });
  });
});
