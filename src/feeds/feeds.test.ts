// Partner feeds through the API, as an administrator and partner administrations use them: goods
// released, through the gates and arrived become container items, certificates become certificate
// items; each partner pulls only its subscriptions' kinds and zones, page by page; every item's
// signature verifies with the published key; the projector loses and repeats nothing.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import canonicalize from 'canonicalize';
import { compactVerify, importJWK } from 'jose';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone, declarationBody } from '../../test/support/factories.ts';
import { DEFAULT_SELECTIVITY } from '../declarations/selectivity.schema.ts';
import { containerCheckDigit } from '../reference/validators.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { createFeedsService } from './feeds.service.ts';
import { verifyFeedItem } from './feeds.signature.ts';

/** A container number with a correct ISO 6346 check digit. */
const container = () => {
  const body = `FEDU${String(randomBytes(3).readUIntBE(0, 3) % 1_000_000).padStart(6, '0')}`;
  return `${body}${containerCheckDigit(body)}`;
};
const plate = () => `FD${randomBytes(2).toString('hex').toUpperCase()}`;
interface Shipment {
  id: string;
  reference: string;
  plate: string;
  containers: string[];
}
const phones = (quantity: string) => ({ hsCode: '851713', description: 'Smartphones', originCountry: 'CN', quantity, unit: 'H87', netMass: '20', grossMass: '25', customsValue: '2500.00' });

describe('partner feeds', () => {
  const clock = { offsetMs: 0, now() { return new Date(Date.now() + this.offsetMs); } };
  let t: TestApp;
  let zoneA: { id: string };
  let zoneB: { id: string };
  let zoneC: { id: string; code: string };
  let gateIn: { id: string };
  let gateOut: { id: string };
  let enterprise: { id: string; name: string };
  let bookA: string;
  let trader: ApiClient;
  let officer: ApiClient;
  let reader: ApiClient;
  /** Partner A: key over zones A and B, containers of zone A. Partner B: key over zone B, everything of zone B. Partner C: certificates anywhere. */
  const partners: Record<'a' | 'b' | 'c', { keyId: string; client: ApiClient; subscriptionId: string }> = {} as never;
  /** The declarations the story below records, by what they are. */
  const story = {} as Record<'admission' | 'export' | 'transfer' | 'confirmed', Shipment>;

  const partnerKey = async (name: string, zoneIds: string[] | null, scopes = ['feeds:read']) => {
    const key = await t.admin.post('/api/v1/api-keys', { name, role: 'partner', zoneIds, scopes });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    return { keyId: key.body.id as string, client: t.client(key.body.key as string) };
  };
  const subscribe = async (apiKeyId: string, kinds: string[], zoneIds: string[], extra: Record<string, unknown> = {}) => {
    const created = await t.admin.post('/api/v1/feed-subscriptions', { apiKeyId, name: `Subscription ${randomBytes(2).toString('hex')}`, kinds, zoneIds, ...extra });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  };
  /** A declaration of the enterprise, released by the officer; its goods travel by truck in fresh containers. */
  const released = async (type: string, lines: object[], extra: Record<string, unknown> = {}): Promise<Shipment> => {
    const truck = { plate: plate(), containers: [container(), container()] };
    const submitted = await trader.post(
      '/api/v1/declarations',
      declarationBody(zoneA.id, { type, bookId: bookA, lines, transport: { mode: 'ROAD', vehiclePlate: truck.plate, containers: truck.containers }, ...extra }),
    );
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const release = await officer.post(`/api/v1/declarations/${submitted.body.id}/decisions`, { action: 'RELEASE' });
    expect(release.status, JSON.stringify(release.body)).toBe(200);
    return { id: submitted.body.id as string, reference: submitted.body.reference as string, ...truck };
  };
  const throughGate = async (gateId: string, truck: { plate: string; containers: string[] }) => {
    const passage = await reader.post('/api/v1/gate-events', {
      gateId,
      readerEventId: `feed-${randomBytes(6).toString('hex')}`,
      at: clock.now().toISOString(),
      plate: { value: truck.plate, confidence: 0.97 },
      containers: truck.containers.map((number) => ({ number, confidence: 0.95 })),
    });
    expect(passage.status, JSON.stringify(passage.body)).toBe(201);
    expect(passage.body.decision, JSON.stringify(passage.body.reasons)).toBe('OPEN');
    // The declaration completes (and its books post) as the gate settles.
    await t.ctx.gates.settle();
  };
  const pullAll = async (client: ApiClient, limit = 100) => {
    const items: any[] = [];
    let after = 0;
    for (;;) {
      const page = await client.get(`/api/v1/feeds/items?after=${after}&limit=${limit}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      items.push(...page.body.items);
      if (page.body.items.length < limit) return { items, nextCursor: page.body.nextCursor as number };
      after = page.body.nextCursor;
    }
  };
  const mine = (items: any[], reference: string) => items.filter((item) => item.declarationReference === reference);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    zoneA = await createZone(t.admin, { locode: 'USNYC' });
    zoneB = await createZone(t.admin, { locode: 'USEWR' });
    zoneC = await createZone(t.admin, { locode: 'USBAL' });
    gateIn = (await t.admin.post(`/api/v1/zones/${zoneA.id}/gates`, { code: 'IN1', name: 'North entry', kind: 'ROAD', direction: 'IN', latitude: 40.7, longitude: -74 })).body;
    gateOut = (await t.admin.post(`/api/v1/zones/${zoneA.id}/gates`, { code: 'OUT1', name: 'North exit', kind: 'ROAD', direction: 'OUT', latitude: 40.7, longitude: -74.01 })).body;
    enterprise = await createEnterprise(t.admin, [zoneA.id, zoneB.id]);
    bookA = (await t.admin.get(`/api/v1/books?enterpriseId=${enterprise.id}&zoneId=${zoneA.id}`)).body.items.find((book: any) => book.zoneId === zoneA.id).id;
    trader = await createUser(t, 'enterprise_user', { enterpriseId: enterprise.id });
    officer = await createUser(t, 'customs_officer');
    const readerKey = await t.admin.post('/api/v1/api-keys', { name: 'Gate readers', role: 'zone_operator', zoneIds: [zoneA.id], scopes: ['gate-events:write'] });
    reader = t.client(readerKey.body.key);
    // Officers release by hand: a declaration is released exactly when the story says so.
    const { version: _v, updatedAt: _u, ...settings } = (await t.admin.get('/api/v1/administration')).body;
    const put = await t.admin.put('/api/v1/administration', { ...settings, selectivity: { ...DEFAULT_SELECTIVITY, randomRedShare: '0', randomYellowShare: '0', autoReleaseGreen: false, rules: [] } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);

    const a = await partnerKey('Port community system', [zoneA.id, zoneB.id]);
    const b = await partnerKey('Neighbouring customs', [zoneB.id]);
    const c = await partnerKey('Health agency', null);
    partners.a = { ...a, subscriptionId: (await subscribe(a.keyId, ['container.status'], [zoneA.id])).id };
    partners.b = { ...b, subscriptionId: (await subscribe(b.keyId, ['container.status', 'certificate.issued'], [zoneB.id])).id };
    partners.c = { ...c, subscriptionId: (await subscribe(c.keyId, ['certificate.issued'], [zoneA.id, zoneB.id])).id };

    // The story: goods admitted through the entry gate, part exported through the exit gate, part
    // transferred to zone B, and goods whose entry an officer confirms without a gate reader.
    story.admission = await released('ADMISSION', [phones('100')]);
    await throughGate(gateIn.id, story.admission);
    story.export = await released('EXPORT', [phones('10')], { destinationCountry: 'DE' });
    await throughGate(gateOut.id, story.export);
    story.transfer = await released('TRANSFER', [phones('5')], { destination: { zoneId: zoneB.id } });
    const arrived = await officer.post(`/api/v1/declarations/${story.transfer.id}/decisions`, { action: 'COMPLETE' });
    expect(arrived.status, JSON.stringify(arrived.body)).toBe(200);
    story.confirmed = await released('ADMISSION', [phones('1')]);
    const confirmed = await officer.post(`/api/v1/declarations/${story.confirmed.id}/decisions`, { action: 'COMPLETE' });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    // A certificate of origin for the export, as the credentials module announces it.
    await appendEvent(t.ctx.db, {
      type: 'credential.issued',
      aggregateType: 'credential',
      aggregateId: '0a3c9e52-7d4f-4c1e-9a55-6f1d2b3c4d5e',
      zoneId: zoneA.id,
      enterpriseId: enterprise.id,
      payload: { credentialType: 'CertificateOfOrigin', declarationId: story.export.id, reference: story.export.reference },
    });
    await t.ctx.feeds.project();
  }, 120_000);
  afterAll(() => t.close());

  it('turns a release, gate openings, an arrival and a confirmed entry into container items', async () => {
    const { items } = await pullAll(partners.a.client);
    const exporter = enterprise.name;
    expect(mine(items, story.admission.reference)).toEqual([
      expect.objectContaining({ kind: 'container.status', status: 'RELEASED', zone: 'USNYC', containers: story.admission.containers, gate: null, exporterName: null }),
      expect.objectContaining({ kind: 'container.status', status: 'GATED_IN', zone: 'USNYC', containers: story.admission.containers, gate: 'IN1', exporterName: null }),
    ]);
    expect(mine(items, story.export.reference)).toEqual([
      expect.objectContaining({ status: 'RELEASED', containers: story.export.containers, gate: null, exporterName: exporter }),
      expect.objectContaining({ status: 'GATED_OUT', containers: story.export.containers, gate: 'OUT1', exporterName: exporter }),
    ]);
    // The transfer's arrival is zone B's, which partner A does not follow.
    expect(mine(items, story.transfer.reference)).toEqual([expect.objectContaining({ status: 'RELEASED', zone: 'USNYC', exporterName: exporter })]);
    expect(mine(items, story.confirmed.reference)).toEqual([
      expect.objectContaining({ status: 'RELEASED' }),
      expect.objectContaining({ status: 'GATED_IN', gate: null }),
    ]);
    // Oldest first, numbered without holes among what the partner sees, each with when it happened.
    const ids = items.map((item) => item.id as number);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    for (const item of items) expect(new Date(item.occurredAt).getTime()).not.toBeNaN();
    // Only facts a partner may know: no values, goods, lanes, plates or internal ids.
    const text = JSON.stringify(items.map(({ signature: _signature, ...item }) => item));
    for (const secret of ['customsValue', '2500', 'Smartphones', '851713', 'GREEN', 'lane', story.admission.plate, enterprise.id, zoneA.id, story.export.id]) {
      expect(text).not.toContain(secret);
    }
  });

  it('gives each partner only the kinds and zones it subscribed to, within its key', async () => {
    const b = (await pullAll(partners.b.client)).items;
    expect(b).toEqual([
      expect.objectContaining({ kind: 'container.status', status: 'ARRIVED', zone: 'USEWR', declarationReference: story.transfer.reference, containers: story.transfer.containers }),
    ]);
    const c = (await pullAll(partners.c.client)).items;
    expect(c).toEqual([
      expect.objectContaining({
        kind: 'certificate.issued',
        zone: 'USNYC',
        credentialId: '0a3c9e52-7d4f-4c1e-9a55-6f1d2b3c4d5e',
        credentialType: 'CertificateOfOrigin',
        declarationReference: story.export.reference,
        exporterName: enterprise.name,
        verifyUrl: `${t.ctx.config.publicUrl}/verify/0a3c9e52-7d4f-4c1e-9a55-6f1d2b3c4d5e`,
      }),
    ]);
    const a = (await pullAll(partners.a.client)).items;
    expect(a.every((item) => item.kind === 'container.status' && item.zone === 'USNYC')).toBe(true);
    // None of the partners sees an item of another's: the three feeds do not overlap.
    const seen = [...a, ...b, ...c].map((item) => item.id);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("keeps other partners' subscriptions out of reach and the feed out of everyone else's", async () => {
    for (const client of [partners.a.client, partners.b.client]) {
      expect((await client.get('/api/v1/feed-subscriptions')).status).toBe(403);
      expect((await client.get(`/api/v1/feed-subscriptions/${partners.c.subscriptionId}`)).status).toBe(403);
      expect((await client.get(`/api/v1/feed-subscriptions/${partners.c.subscriptionId}/deliveries`)).status).toBe(403);
      // A partner reads its feed and nothing else of Cordon.
      expect((await client.get('/api/v1/declarations')).status).toBe(403);
      expect((await client.get('/api/v1/auth/me')).status).toBe(403);
    }
    expect((await officer.get('/api/v1/feeds/items')).status).toBe(403);
    expect((await t.admin.get('/api/v1/feeds/items')).status).toBe(403);
    expect((await t.anonymous.get('/api/v1/feeds/items')).status).toBe(401);
    const unscoped = await partnerKey('Partner without the feed scope', [zoneA.id], []);
    expect((await unscoped.client.get('/api/v1/feeds/items')).body.error.code).toBe('FORBIDDEN');
  });

  it('pages with the cursor: the same items in the same order, and a cursor that waits at the end', async () => {
    const whole = await pullAll(partners.a.client);
    const paged = await pullAll(partners.a.client, 2);
    expect(paged.items).toEqual(whole.items);
    expect(paged.nextCursor).toBe(whole.nextCursor);
    const first = await partners.a.client.get('/api/v1/feeds/items?limit=3');
    expect(first.body.items).toEqual(whole.items.slice(0, 3));
    expect(first.body.nextCursor).toBe(whole.items[2].id);
    const rest = await partners.a.client.get(`/api/v1/feeds/items?after=${first.body.nextCursor}`);
    expect(rest.body.items).toEqual(whole.items.slice(3));
    // At the end: nothing more, and the cursor stays put until something new comes.
    const end = await partners.a.client.get(`/api/v1/feeds/items?after=${whole.nextCursor}`);
    expect(end.body).toEqual({ items: [], nextCursor: whole.nextCursor });

    const later = await released('ADMISSION', [phones('2')]);
    await t.ctx.feeds.project();
    const fresh = await partners.a.client.get(`/api/v1/feeds/items?after=${whole.nextCursor}`);
    expect(fresh.body.items).toEqual([expect.objectContaining({ status: 'RELEASED', declarationReference: later.reference })]);
    expect(fresh.body.nextCursor).toBeGreaterThan(whole.nextCursor);

    for (const bad of ['after=-1', 'after=abc', 'limit=0', 'limit=501']) {
      const response = await partners.a.client.get(`/api/v1/feeds/items?${bad}`);
      expect(response.status, bad).toBe(400);
    }
  });

  it("signs every item: it verifies with the key of /api/v1/feeds/keys and fails once changed", async () => {
    const keys = await t.anonymous.get('/api/v1/feeds/keys');
    expect(keys.status).toBe(200);
    const [jwk] = keys.body.keys;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: t.ctx.signingKey.keyId });
    const items = [...(await pullAll(partners.a.client)).items, ...(await pullAll(partners.c.client)).items];
    expect(items.length).toBeGreaterThan(5);
    const publicKey = await importJWK(jwk, 'EdDSA');
    for (const item of items) {
      // The partner's way: verify the JWS, then compare its payload with the item's canonical JSON.
      const { signature, ...unsigned } = item;
      const { payload, protectedHeader } = await compactVerify(signature, publicKey);
      expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'feed-item+jwt', kid: jwk.kid });
      expect(new TextDecoder().decode(payload)).toBe(canonicalize(unsigned));
      expect(await verifyFeedItem(item, jwk)).toBe(true);
    }
    const [item] = items;
    expect(await verifyFeedItem({ ...item, status: 'ARRIVED' }, jwk)).toBe(false);
    expect(await verifyFeedItem({ ...item, containers: [container()] }, jwk)).toBe(false);
    expect(await verifyFeedItem({ ...item, id: item.id + 1 }, jwk)).toBe(false);
  });

  it('carries what was recorded from the subscription on, and nothing once paused or ended', async () => {
    const late = await partnerKey('Late partner', [zoneA.id]);
    const subscription = await subscribe(late.keyId, ['container.status'], [zoneA.id]);
    expect((await pullAll(late.client)).items).toEqual([]);
    const d = await released('ADMISSION', [phones('3')]);
    await t.ctx.feeds.project();
    expect((await pullAll(late.client)).items).toEqual([expect.objectContaining({ declarationReference: d.reference, status: 'RELEASED' })]);

    expect((await t.admin.patch(`/api/v1/feed-subscriptions/${subscription.id}`, { active: false })).body.active).toBe(false);
    expect((await pullAll(late.client)).items).toEqual([]);
    expect((await t.admin.patch(`/api/v1/feed-subscriptions/${subscription.id}`, { active: true })).status).toBe(200);
    expect((await pullAll(late.client)).items).toHaveLength(1);
    const ended = await t.admin.delete(`/api/v1/feed-subscriptions/${subscription.id}`);
    expect(ended.status).toBe(200);
    expect((await t.admin.get(`/api/v1/feed-subscriptions/${subscription.id}`)).status).toBe(404);
    expect((await pullAll(late.client)).items).toEqual([]);
  });

  it('shows the webhook secret once, at creation', async () => {
    const created = await subscribe(partners.a.keyId, ['certificate.issued'], [zoneA.id], { webhookUrl: 'https://partner.example/hooks/cordon' });
    expect(created.webhookSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ apiKeyId: partners.a.keyId, kinds: ['certificate.issued'], zoneIds: [zoneA.id], webhookUrl: 'https://partner.example/hooks/cordon', active: true, failedDeliveries: 0, lastFailure: null });
    const read = await t.admin.get(`/api/v1/feed-subscriptions/${created.id}`);
    const listed = await t.admin.get(`/api/v1/feed-subscriptions?apiKeyId=${partners.a.keyId}`);
    const changed = await t.admin.patch(`/api/v1/feed-subscriptions/${created.id}`, { webhookUrl: null });
    for (const response of [read, listed, changed]) {
      expect(response.status).toBe(200);
      expect(JSON.stringify(response.body)).not.toContain(created.webhookSecret);
    }
    expect(listed.body.items.map((s: any) => s.id)).toEqual(expect.arrayContaining([created.id, partners.a.subscriptionId]));
    expect(changed.body.webhookUrl).toBeNull();
    await t.admin.delete(`/api/v1/feed-subscriptions/${created.id}`);
  });

  it('refuses a bad subscription with a 400 naming each field, and creates nothing', async () => {
    const before = (await t.admin.get('/api/v1/feed-subscriptions?limit=200')).body.items.length;
    const auditorKey = await t.admin.post('/api/v1/api-keys', { name: 'Auditor tool', role: 'auditor', scopes: [] });
    const unscoped = await partnerKey('Partner without scope', [zoneA.id], []);
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ apiKeyId: auditorKey.body.id }, '/apiKeyId', /role partner/],
      [{ apiKeyId: unscoped.keyId }, '/apiKeyId', /feeds:read/],
      [{ apiKeyId: '0190a4b2-0000-7000-8000-000000000000' }, '/apiKeyId', /no such API key/],
      [{ apiKeyId: partners.b.keyId, zoneIds: [zoneB.id, zoneC.id] }, '/zoneIds/1', /outside the zones/],
      [{ zoneIds: ['0190a4b2-0000-7000-8000-000000000000'] }, '/zoneIds/0', /no such zone/],
      [{ webhookUrl: 'ftp://partner.example/hooks' }, '/webhookUrl', /http or https/],
      [{ webhookUrl: 'partner.example/hooks' }, '/webhookUrl', /absolute/],
      [{ webhookUrl: 'https://user:pass@partner.example/hooks' }, '/webhookUrl', /credentials/],
      [{ kinds: ['container.moved'] }, '/kinds/0', /./],
      [{ kinds: [] }, '/kinds', /./],
      [{ zoneIds: [] }, '/zoneIds', /./],
      [{ webhookUrl: `https://partner.example/${'x'.repeat(2000)}` }, '/webhookUrl', /./],
    ];
    for (const [change, path, message] of cases) {
      const response = await t.admin.post('/api/v1/feed-subscriptions', { apiKeyId: partners.a.keyId, name: 'Bad', kinds: ['container.status'], zoneIds: [zoneA.id], ...change });
      expect(response.status, JSON.stringify(change)).toBe(400);
      const detail = response.body.error.details.find((d: any) => d.path === path);
      expect(detail, `${JSON.stringify(change)} → ${JSON.stringify(response.body.error.details)}`).toBeDefined();
      expect(detail.message).toMatch(message);
    }
    const patch = await t.admin.patch(`/api/v1/feed-subscriptions/${partners.b.subscriptionId}`, { zoneIds: [zoneA.id] });
    expect(patch.status).toBe(400);
    expect(patch.body.error.details).toEqual([{ path: '/zoneIds/0', message: "is outside the zones of the partner's API key" }]);
    expect((await t.admin.get(`/api/v1/feed-subscriptions/${partners.b.subscriptionId}`)).body.zoneIds).toEqual([zoneB.id]);
    expect((await t.admin.get('/api/v1/feed-subscriptions?limit=200')).body.items).toHaveLength(before);
  });

  it('keeps partners to API keys: no user may have the partner role', async () => {
    const response = await t.admin.post('/api/v1/users', { username: `partner-${randomBytes(2).toString('hex')}`, displayName: 'A partner', role: 'partner', password: 'a-long-password-1' });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ path: '/role' })]);
  });

  it('records every event once when the projector runs twice, or in two processes at once', async () => {
    const count = 30;
    for (let index = 0; index < count; index += 1) {
      await appendEvent(t.ctx.db, { type: 'credential.issued', aggregateType: 'credential', aggregateId: `urn:uuid:batch-${index}`, zoneId: zoneB.id, payload: { type: 'PhytosanitaryCertificate' } });
    }
    // A second process: another service over the same database.
    const other = createFeedsService({ db: t.ctx.db, clock, signingKey: t.ctx.signingKey, publicUrl: t.ctx.config.publicUrl });
    await Promise.all([t.ctx.feeds.project(), other.project(), t.ctx.feeds.project(), other.project()]);
    await t.ctx.feeds.project();
    const rows = await t.ctx.db.query<{ items: number; lowest: number; highest: number; events: number }>(
      'SELECT count(*)::int AS items, min(id)::int AS lowest, max(id)::int AS highest, count(DISTINCT event_id)::int AS events FROM feed_items',
    );
    const { items, lowest, highest, events } = rows[0] as { items: number; lowest: number; highest: number; events: number };
    expect({ lowest, highest, events }).toEqual({ lowest: 1, highest: items, events: items });
    const certificates = (await pullAll(partners.b.client)).items.filter((item) => item.credentialType === 'PhytosanitaryCertificate');
    expect(certificates.map((item) => item.credentialId)).toEqual(Array.from({ length: count }, (_, index) => `urn:uuid:batch-${index}`));
  });

  it('records an event that commits after a later one was recorded (PostgreSQL commits out of id order)', async () => {
    // The outbox id of a transaction still open when the projector passes: simulated by an id taken
    // and left unused, filled in after a later event has been recorded.
    await t.ctx.db
      .transaction(async (tx) => {
        await appendEvent(tx, { type: 'credential.issued', aggregateType: 'credential', aggregateId: 'urn:uuid:slow', zoneId: zoneB.id, payload: {} });
        throw new Error('not yet');
      })
      .catch(() => undefined);
    await appendEvent(t.ctx.db, { type: 'credential.issued', aggregateType: 'credential', aggregateId: 'urn:uuid:quick', zoneId: zoneB.id, payload: { type: 'Quick' } });
    await t.ctx.feeds.project();
    const [row] = await t.ctx.db.query<{ id: number }>("SELECT max(id)::int AS id FROM outbox WHERE aggregate_id = 'urn:uuid:quick'");
    await t.ctx.db.query(
      `INSERT INTO outbox (id, event_type, aggregate_type, aggregate_id, zone_id, payload) OVERRIDING SYSTEM VALUE
       VALUES ($1, 'credential.issued', 'credential', 'urn:uuid:slow', $2, '{"type":"Slow"}')`,
      [(row?.id ?? 0) - 1, zoneB.id],
    );
    await t.ctx.feeds.project();
    const items = (await pullAll(partners.b.client)).items;
    const [quick, slow] = [items.find((item) => item.credentialId === 'urn:uuid:quick'), items.find((item) => item.credentialId === 'urn:uuid:slow')];
    expect(quick).toBeDefined();
    expect(slow).toMatchObject({ credentialType: 'Slow' });
    // It comes after: a partner who had read past the quick one still gets it.
    expect(slow.id).toBeGreaterThan(quick.id);
  });
});
