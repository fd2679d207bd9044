// Webhook deliveries to a real HTTP receiver on this machine, as a partner's server gets them: the
// items in order, each request signed with the subscription's secret, retried with growing waits
// while the receiver fails (later items waiting behind), given up after a day, and timed out.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SESSIONS_OUTLAST_THE_TEST, type TestApp } from '../../test/support/test-app.ts';
import { createZone } from '../../test/support/factories.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { verifyFeedItem } from './feeds.signature.ts';

interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  raw: string;
  body: { subscriptionId: string; deliveryId: string; items: any[] };
}

/** A partner's receiver: records each request under its path and answers what the test lines up. */
function receiver() {
  const received = new Map<string, Received[]>();
  const answers = new Map<string, Array<number | 'never'>>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      received.set(path, [...(received.get(path) ?? []), { at: Date.now(), headers: request.headers, raw, body: JSON.parse(raw) }]);
      const answer = answers.get(path)?.shift() ?? 200;
      if (answer === 'never') return;
      response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'thanks' : 'try later');
    });
  });
  return {
    server,
    received: (path: string) => received.get(path) ?? [],
    answer: (path: string, ...codes: Array<number | 'never'>) => answers.set(path, codes),
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The receiver's own check of Cordon-Signature, written from the documented scheme. */
function signedBy(secret: string, header: string | string[] | undefined, raw: string): { ok: boolean; timestamp: number } {
  const fields = Object.fromEntries(String(header).split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(fields.t);
  const expected = createHmac('sha256', secret).update(`${fields.t}.${raw}`).digest();
  const given = Buffer.from(fields.v1 ?? '', 'hex');
  return { ok: given.length === expected.length && timingSafeEqual(given, expected), timestamp };
}

describe('partner feed webhooks', () => {
  // Time stands still unless a test moves it: a retry is due exactly when its wait is over.
  const clock = { at: Date.now(), now() { return new Date(this.at); } };
  const hooks = receiver();
  let base: string;
  let t: TestApp;
  let partnerKeyId: string;

  /** A zone and a subscription to its certificates, pushed to its own path on the receiver. */
  const subscription = async (path: string) => {
    const zone = await createZone(t.admin);
    const created = await t.admin.post('/api/v1/feed-subscriptions', {
      apiKeyId: partnerKeyId,
      name: `Hook ${path}`,
      kinds: ['certificate.issued'],
      zoneIds: [zone.id],
      webhookUrl: `${base}${path}`,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { id: created.body.id as string, secret: created.body.webhookSecret as string, zoneId: zone.id };
  };
  /** A certificate issued in the zone, recorded as a feed item. */
  const certificate = async (zoneId: string) => {
    const credentialId = randomUUID();
    await appendEvent(t.ctx.db, { type: 'credential.issued', aggregateType: 'credential', aggregateId: credentialId, zoneId, payload: { credentialType: 'CertificateOfOrigin' }, at: clock.now() });
    await t.ctx.feeds.project();
    return credentialId;
  };
  const deliveries = async (subscriptionId: string) => (await t.admin.get(`/api/v1/feed-subscriptions/${subscriptionId}/deliveries`)).body.items as any[];
  const advance = (ms: number) => {
    clock.at += ms;
  };

  beforeAll(async () => {
    base = await hooks.listen();
    t = await createTestApp({ clock, config: SESSIONS_OUTLAST_THE_TEST });
    const key = await t.admin.post('/api/v1/api-keys', { name: 'Partner customs', role: 'partner', scopes: ['feeds:read'] });
    partnerKeyId = key.body.id;
  });
  afterAll(async () => {
    await t.close();
    await hooks.close();
  });

  it('POSTs new items in order, signed with the secret of the subscription; a 2xx delivers them', async () => {
    const hook = await subscription('/delivered');
    const first = await certificate(hook.zoneId);
    const second = await certificate(hook.zoneId);
    const sentAfter = Math.floor(clock.now().getTime() / 1000);
    expect(await t.ctx.feeds.deliverDue()).toEqual({ attempted: 1, delivered: 1 });
    const sentBefore = Math.floor(clock.now().getTime() / 1000);

    const [request, ...more] = hooks.received('/delivered');
    expect(more).toEqual([]);
    if (!request) throw new Error('nothing was delivered');
    expect(request.headers['content-type']).toBe('application/json');
    const signature = signedBy(hook.secret, request.headers['cordon-signature'], request.raw);
    expect(signature.ok).toBe(true);
    expect(signature.timestamp).toBeGreaterThanOrEqual(sentAfter);
    expect(signature.timestamp).toBeLessThanOrEqual(sentBefore);
    // Another secret does not make the same signature.
    expect(signedBy(`whsec_${randomBytes(32).toString('base64url')}`, request.headers['cordon-signature'], request.raw).ok).toBe(false);
    expect(request.body.subscriptionId).toBe(hook.id);
    expect(request.body.items.map((item) => item.credentialId)).toEqual([first, second]);
    // The items are the feed's own, signed by the administration.
    const [jwk] = (await t.anonymous.get('/api/v1/feeds/keys')).body.keys;
    for (const item of request.body.items) expect(await verifyFeedItem(item, jwk)).toBe(true);

    const [delivery] = await deliveries(hook.id);
    expect(request.headers['cordon-delivery']).toBe(delivery.id);
    expect(delivery).toMatchObject({ status: 'DELIVERED', itemIds: request.body.items.map((item) => item.id), nextAttemptAt: null });
    expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, error: null })]);
    const shown = (await t.admin.get(`/api/v1/feed-subscriptions/${hook.id}`)).body;
    expect(shown).toMatchObject({ deliveredThrough: request.body.items[1].id, failedDeliveries: 0, lastFailure: null });

    // Nothing new: nothing sent.
    expect(await t.ctx.feeds.deliverDue()).toEqual({ attempted: 0, delivered: 0 });
    expect(hooks.received('/delivered')).toHaveLength(1);
  });

  it('retries a receiver answering 500 twice with growing waits, then delivers; a later item waits its turn', async () => {
    const hook = await subscription('/flaky');
    hooks.answer('/flaky', 500, 500, 200, 200);
    const first = await certificate(hook.zoneId);
    await t.ctx.feeds.deliverDue();
    let [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'PENDING', attempts: [expect.objectContaining({ attempt: 1, statusCode: 500, error: 'answered 500' })] });
    const firstWait = Date.parse(delivery.nextAttemptAt) - Date.parse(delivery.attempts[0].at);
    expect(firstWait).toBeGreaterThanOrEqual(9_000);
    expect(firstWait).toBeLessThanOrEqual(11_000);

    // A second item comes while the first waits: nothing is sent before the wait is over.
    const second = await certificate(hook.zoneId);
    advance(firstWait - 1_000);
    expect(await t.ctx.feeds.deliverDue()).toEqual({ attempted: 0, delivered: 0 });
    advance(1_000);
    await t.ctx.feeds.deliverDue();
    [delivery] = await deliveries(hook.id);
    expect(delivery.attempts.map((attempt: any) => attempt.statusCode)).toEqual([500, 500]);
    const secondWait = Date.parse(delivery.nextAttemptAt) - Date.parse(delivery.attempts[1].at);
    expect(secondWait).toBeGreaterThanOrEqual(27_000);
    expect(secondWait).toBeLessThanOrEqual(33_000);
    expect(secondWait).toBeGreaterThan(firstWait);

    advance(secondWait);
    expect(await t.ctx.feeds.deliverDue()).toEqual({ attempted: 2, delivered: 2 });
    const sent = hooks.received('/flaky').map((request) => request.body.items.map((item) => item.credentialId));
    expect(sent).toEqual([[first], [first], [first], [second]]);
    // The three attempts of one delivery carry its one id; each is signed anew.
    const requests = hooks.received('/flaky');
    expect(new Set(requests.slice(0, 3).map((request) => request.headers['cordon-delivery'])).size).toBe(1);
    for (const request of requests) expect(signedBy(hook.secret, request.headers['cordon-signature'], request.raw).ok).toBe(true);
    const [later, earlier] = await deliveries(hook.id);
    expect(earlier).toMatchObject({ status: 'DELIVERED' });
    expect(earlier.attempts.map((attempt: any) => attempt.statusCode)).toEqual([500, 500, 200]);
    expect(later).toMatchObject({ status: 'DELIVERED', attempts: [expect.objectContaining({ statusCode: 200 })] });
  });

  it('gives a batch up after about a day of failures, shows it on the subscription, and goes on with later items', async () => {
    const hook = await subscription('/down');
    hooks.answer('/down', ...Array.from({ length: 30 }, () => 503));
    await certificate(hook.zoneId);
    await t.ctx.feeds.deliverDue();
    const firstAttempt = Date.parse((await deliveries(hook.id))[0].attempts[0].at);
    for (let round = 0; round < 30; round += 1) {
      const [delivery] = await deliveries(hook.id);
      if (delivery.status !== 'PENDING') break;
      advance(Date.parse(delivery.nextAttemptAt) - clock.now().getTime());
      await t.ctx.feeds.deliverDue();
    }
    const [failed] = await deliveries(hook.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.attempts.length).toBeGreaterThanOrEqual(9);
    const lastAttempt = Date.parse(failed.attempts.at(-1).at);
    expect(lastAttempt - firstAttempt).toBeGreaterThan(12 * 3_600_000);
    expect(lastAttempt - firstAttempt).toBeLessThanOrEqual(24 * 3_600_000);
    const shown = (await t.admin.get(`/api/v1/feed-subscriptions/${hook.id}`)).body;
    expect(shown).toMatchObject({ failedDeliveries: 1, lastFailure: { deliveryId: failed.id, reason: expect.stringMatching(/answered 503/) } });
    expect((await t.admin.get(`/api/v1/feed-subscriptions/${hook.id}/deliveries?status=FAILED`)).body.items.map((d: any) => d.id)).toEqual([failed.id]);

    // The receiver is back: the next item goes out; the given-up one stays readable by pull.
    hooks.answer('/down', 200);
    const next = await certificate(hook.zoneId);
    await t.ctx.feeds.deliverDue();
    expect(hooks.received('/down').at(-1)?.body.items.map((item) => item.credentialId)).toEqual([next]);
  });

  it('sends nothing for a paused or ended subscription, and resumes where it stopped', async () => {
    const hook = await subscription('/paused');
    expect((await t.admin.patch(`/api/v1/feed-subscriptions/${hook.id}`, { active: false })).status).toBe(200);
    const waiting = await certificate(hook.zoneId);
    await t.ctx.feeds.deliverDue();
    expect(hooks.received('/paused')).toEqual([]);
    await t.admin.patch(`/api/v1/feed-subscriptions/${hook.id}`, { active: true });
    await t.ctx.feeds.deliverDue();
    expect(hooks.received('/paused').map((request) => request.body.items.map((item) => item.credentialId))).toEqual([[waiting]]);
    await t.admin.delete(`/api/v1/feed-subscriptions/${hook.id}`);
    await certificate(hook.zoneId);
    await t.ctx.feeds.deliverDue();
    expect(hooks.received('/paused')).toHaveLength(1);
  });

  it('gives up an attempt the receiver does not answer within 5 seconds', async () => {
    const hook = await subscription('/silent');
    hooks.answer('/silent', 'never');
    await certificate(hook.zoneId);
    const started = Date.now();
    await t.ctx.feeds.deliverDue();
    expect(Date.now() - started).toBeLessThan(15_000);
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'PENDING', attempts: [expect.objectContaining({ statusCode: null, error: 'no answer within 5 s' })] });
    expect(delivery.attempts[0].durationMs).toBeGreaterThanOrEqual(4_900);
    await t.admin.delete(`/api/v1/feed-subscriptions/${hook.id}`);
  }, 30_000);
});
