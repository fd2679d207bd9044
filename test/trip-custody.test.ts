// Trip custody records across tracking, credentials and the transparency log: a trip that completes
// at the destination gate gets its record from Cordon by itself; the record says what the telemetry
// said (the gates, the times, the seal, the incidents) and carries the digest of the track that
// anyone given the track can recompute; it verifies publicly, is refused before the trip completes
// or to whoever may not see the trip, and is issued once per trip. A declaration customs cancels
// after its release has its own documents revoked by Cordon; its trips' custody records stay.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from './support/test-app.ts';
import { createUser } from './support/factories.ts';
import { presentLiveEvent } from '../src/live/live.events.ts';
import type { Principal } from '../src/platform/auth/principal.ts';
import { readEvents } from '../src/platform/events/outbox.ts';
import {
  along,
  buildWorld,
  DESTINATION,
  event,
  expectStatus,
  fix,
  MINUTE,
  ORIGIN,
  planTrip,
  registerDevice,
  seal,
  send,
  testClock,
  tripBody,
  type PlannedTrip,
  type World,
} from '../src/tracking/tracking.fixtures.ts';

interface CustodySubject {
  trip: { reference: string; container: string; device: { id: string; type: string } };
  declaration: { reference: string; declarationType: string };
  enterprise: { id: string };
  origin: { code: string; zone: { code: string } };
  destination: { code: string; zone: { code: string } };
  departedAt: string;
  arrivedAt: string;
  completion: string;
  officerNote?: string;
  sealIntact: boolean;
  track: { positions: number; distanceMeters: number; sha256: string };
  incidents: Array<{ kind: string; severity: string; at: string }>;
}

describe('trip custody records', () => {
  const clock = testClock();
  let t: TestApp;
  let w: World;
  let trader: ApiClient;
  let otherTrader: ApiClient;
  let officer: ApiClient;

  const tripOf = async (id: string) => (await t.admin.get(`/api/v1/trips/${id}`)).body;
  const recordsOf = async (client: ApiClient, tripId: string) => {
    const response = await client.get(`/api/v1/credentials?tripId=${tripId}`);
    expectStatus(response, 200);
    return response.body.items as Array<{ id: string; type: string; status: string; tripId: string; tripReference: string; declarationId: string; issuedBy: string | null; token: string; credential: { credentialSubject: CustodySubject; name: string } }>;
  };
  const issue = (client: ApiClient, tripId: unknown) => client.post('/api/v1/credentials/trip-custody-records', { tripId });

  /** Armed at the origin gate, ten minutes along the road with a low battery on the way, opened at the destination gate. */
  async function travel(trip: PlannedTrip, t0: number, options: { open: boolean } = { open: true }) {
    const code = trip.device.deviceId;
    clock.to(t0 + 10_000);
    await send(w, code, [fix(t0, ORIGIN, { speed: 0 }), seal(t0 + 10_000, 'SEALED')]);
    const drive = Array.from({ length: 10 }, (_, i) => fix(t0 + (2 + i) * MINUTE, along((i + 1) / 10)));
    clock.to(t0 + 12 * MINUTE);
    await send(w, code, [...drive.slice(0, 5), event(t0 + 6 * MINUTE + 30_000, 'LOW_BATTERY', { battery: 9 }), ...drive.slice(5)]);
    if (options.open) {
      clock.to(t0 + 13 * MINUTE);
      await send(w, code, [fix(t0 + 12 * MINUTE + 30_000, DESTINATION, { speed: 0 }), seal(t0 + 13 * MINUTE, 'OPENED')]);
    }
  }

  beforeAll(async () => {
    t = await createTestApp({ clock });
    w = await buildWorld(t);
    trader = await createUser(t, 'enterprise_user', { enterpriseId: w.e1 });
    otherTrader = await createUser(t, 'enterprise_user', { enterpriseId: w.e2 });
    officer = await createUser(t, 'customs_officer', { zoneIds: [w.zoneA] });
  }, 60_000);
  afterAll(() => t.close());

  it('is issued by Cordon itself when a trip completes at the destination gate, and says what the telemetry said', async () => {
    const t0 = clock.ms;
    const trip = await planTrip(t, w, t0);
    await travel(trip, t0);
    const completed = await tripOf(trip.id);
    expect(completed.status).toBe('COMPLETED');
    expect(await recordsOf(trader, trip.id)).toEqual([]);

    const run = await t.ctx.credentials.issuePendingCustodyRecords();
    expect(run.skipped).toEqual([]);
    expect(run.issued).toBe(1);
    const [record, ...more] = await recordsOf(trader, trip.id);
    expect(more).toEqual([]);
    expect(record).toMatchObject({ type: 'TripCustodyRecord', status: 'ACTIVE', tripId: trip.id, tripReference: trip.reference, declarationId: trip.declarationId, issuedBy: null });
    const subject = record?.credential.credentialSubject as CustodySubject;
    expect(record?.credential.name).toContain(trip.reference);
    expect(subject.trip).toEqual({ reference: trip.reference, container: completed.containerNumber, device: { id: trip.device.deviceId, type: 'E_SEAL' } });
    expect(subject.enterprise.id).toBe(`urn:uuid:${w.e1}`);
    expect(subject).toMatchObject({ departedAt: completed.startedAt, arrivedAt: completed.endedAt, completion: 'SEAL_OPENED_AT_DESTINATION', sealIntact: true });
    expect(subject.officerNote).toBeUndefined();
    expect(subject.incidents).toEqual([{ kind: 'LOW_BATTERY', severity: 'INFO', at: expect.any(String) }]);
    expect(subject.track.distanceMeters).toBe(completed.distanceMeters);

    // The digest, recomputed from the track as the API gives it to anyone who may see the trip.
    const track = (await trader.get(`/api/v1/trips/${trip.id}/track`)).body as { t: number[]; lat: number[]; lon: number[] };
    const text = track.t.map((ms, i) => `${ms},${Math.round((track.lat[i] ?? 0) * 1e7)},${Math.round((track.lon[i] ?? 0) * 1e7)}\n`).join('');
    expect(subject.track.positions).toBe(track.t.length);
    expect(subject.track.positions).toBe(completed.positions);
    expect(subject.track.sha256).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));

    // Anyone verifies it.
    const verified = await t.anonymous.post('/api/v1/public/credentials/verification', { token: record?.token });
    expectStatus(verified, 200);
    expect(verified.body.verdict).toBe('VALID');

    // Its log entry names the trip, and the audit of the log still passes.
    const [entry] = await t.ctx.db.query<{ record: { trip: string; type: string } }>(`SELECT record FROM log_entries WHERE kind = 'credential.issued' AND subject_id = $1`, [record?.id]);
    expect(entry?.record).toMatchObject({ trip: trip.id, type: 'TripCustodyRecord' });
    const kept = (await t.admin.post('/api/v1/transparency/checkpoints')).body;
    expect((await t.admin.post('/api/v1/transparency/audit', { checkpoint: kept.note })).body).toMatchObject({ ok: true, problem: null });

    // The live stream tells the trader what happened, and only the trader's own enterprise.
    const events = (await readEvents(t.ctx.db, 0, 100_000)).filter((stored) => stored.aggregateId === trip.id || stored.aggregateId === record?.id);
    const traderOf = (enterpriseId: string): Principal => ({ kind: 'user', id: 'x', name: 'x', role: 'enterprise_user', enterpriseId, zoneIds: null, scopes: [] });
    const seen = events.map((stored) => presentLiveEvent(traderOf(w.e1), stored));
    expect(seen.map((live) => [live?.type, live?.data.status ?? live?.data.credentialType])).toEqual([
      ['trip.planned', 'PLANNED'],
      ['trip.started', 'ACTIVE'],
      ['trip.completed', 'COMPLETED'],
      ['credential.issued', 'TripCustodyRecord'],
    ]);
    expect(seen.at(-1)?.data).toEqual({ credentialType: 'TripCustodyRecord', declarationId: trip.declarationId, reference: completed.declarationReference, tripId: trip.id });
    expect(seen[2]?.data).toMatchObject({ reference: trip.reference, containerNumber: completed.containerNumber, deviceId: trip.device.deviceId });
    expect(events.map((stored) => presentLiveEvent(traderOf(w.e2), stored))).toEqual(events.map(() => null));

    // Once per trip: the next run issues nothing for it, and an officer is told it is in force.
    await t.ctx.credentials.issuePendingCustodyRecords();
    expect(await recordsOf(t.admin, trip.id)).toHaveLength(1);
    const again = await issue(officer, trip.id);
    expectStatus(again, 409);
    expect(again.body.error.details).toEqual([{ path: '/tripId', message: `credential ${record?.id} is in force` }]);
  });

  it('says when an officer completed the trip and that the seal did not stay intact', async () => {
    const t0 = clock.ms;
    const trip = await planTrip(t, w, t0);
    await travel(trip, t0, { open: false });
    clock.to(t0 + 14 * MINUTE);
    await send(w, trip.device.deviceId, [event(t0 + 14 * MINUTE, 'TAMPER')]);
    const completion = await officer.post(`/api/v1/trips/${trip.id}/completion`, { note: 'Seal checked at the destination: cut, goods counted and in order' });
    expectStatus(completion, 200);

    const issued = await issue(officer, trip.id);
    expectStatus(issued, 201);
    const subject = issued.body.credential.credentialSubject as CustodySubject;
    expect(subject).toMatchObject({ completion: 'CONFIRMED_BY_OFFICER', officerNote: 'Seal checked at the destination: cut, goods counted and in order', sealIntact: false });
    expect(subject.incidents.map((incident) => [incident.kind, incident.severity])).toEqual([
      ['LOW_BATTERY', 'INFO'],
      ['SEAL_TAMPERED', 'CRITICAL'],
    ]);
    expect(issued.body.issuedBy).not.toBeNull();

    // A copy whose seal is said to have stayed intact does not verify.
    const [header, payload, signature] = (issued.body.token as string).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    claims.credentialSubject.sealIntact = true;
    const forged = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    const verdict = (await t.anonymous.post('/api/v1/public/credentials/verification', { token: forged })).body;
    expect(verdict.verdict).toBe('INVALID');
  });

  it('is refused before the trip completes, to whoever may not see the trip, and for a bad request; a revoked record is not issued again by itself', async () => {
    const t0 = clock.ms;
    const trip = await planTrip(t, w, t0);
    await travel(trip, t0, { open: false });
    const early = await issue(officer, trip.id);
    expectStatus(early, 409);
    expect(early.body.error).toMatchObject({ code: 'INVALID_TRANSITION', details: [{ path: '/tripId', message: 'is ACTIVE; a custody record is issued once the trip has completed' }] });

    clock.to(t0 + 13 * MINUTE);
    await send(w, trip.device.deviceId, [fix(t0 + 12 * MINUTE + 30_000, DESTINATION, { speed: 0 }), seal(t0 + 13 * MINUTE, 'OPENED')]);
    expect((await tripOf(trip.id)).status).toBe('COMPLETED');

    const stranger = await issue(otherTrader, trip.id);
    expectStatus(stranger, 400);
    expect(stranger.body.error.details).toEqual([{ path: '/tripId', message: 'no trip with this id that you may see' }]);
    expectStatus(await issue(trader, 'not-a-uuid'), 400);
    expectStatus(await t.admin.post('/api/v1/credentials/trip-custody-records', { tripId: trip.id, extra: 1 }), 400);
    const operator = await createUser(t, 'zone_operator', { zoneIds: [w.zoneA] });
    expectStatus(await issue(operator, trip.id), 403);
    expect(await recordsOf(t.admin, trip.id)).toEqual([]);

    // The trader asks for its own; an officer revokes it; Cordon does not issue another by itself.
    const own = await issue(trader, trip.id);
    expectStatus(own, 201);
    expect(await recordsOf(otherTrader, trip.id)).toEqual([]);
    expectStatus(await officer.post(`/api/v1/credentials/${own.body.id}/revocation`, { reason: 'Issued against the wrong container' }), 200);
    await t.ctx.credentials.issuePendingCustodyRecords();
    expect((await recordsOf(t.admin, trip.id)).map((record) => record.status)).toEqual(['REVOKED']);
    expectStatus(await issue(officer, trip.id), 201);
  });

  it('is in force once per trip, beside the release note of the same declaration', async () => {
    const t0 = clock.ms;
    const first = await planTrip(t, w, t0);
    await travel(first, t0);
    // The same declaration's goods travel again on another seal.
    const device = await registerDevice(t.admin, w.zoneA, { ownerEnterpriseId: w.e1 });
    const t1 = clock.ms;
    const planned = await t.admin.post('/api/v1/trips', tripBody(w, first.declarationId, device.deviceId, t1));
    expectStatus(planned, 201);
    const second: PlannedTrip = { id: planned.body.id, reference: planned.body.reference, declarationId: first.declarationId, device };
    await travel(second, t1);

    expectStatus(await t.admin.post('/api/v1/credentials/release-notes', { declarationId: first.declarationId }), 201);
    await t.ctx.credentials.issuePendingCustodyRecords();
    const all = (await t.admin.get(`/api/v1/credentials?declarationId=${first.declarationId}`)).body.items as Array<{ type: string; tripId: string | null; status: string }>;
    expect(all.map((item) => [item.type, item.tripId, item.status]).sort()).toEqual(
      [
        ['ReleaseNote', null, 'ACTIVE'],
        ['TripCustodyRecord', first.id, 'ACTIVE'],
        ['TripCustodyRecord', second.id, 'ACTIVE'],
      ].sort(),
    );
  });

  it("revokes a released declaration's own documents when customs cancels it, and keeps its trips' custody records", async () => {
    const t0 = clock.ms;
    const trip = await planTrip(t, w, t0);
    await travel(trip, t0);
    await t.ctx.credentials.issuePendingCustodyRecords();
    const note = await trader.post('/api/v1/credentials/release-notes', { declarationId: trip.declarationId });
    expectStatus(note, 201);

    expectStatus(await trader.post(`/api/v1/declarations/${trip.declarationId}/cancellation`, { reason: 'goods sold on' }), 409);
    const cancelled = await officer.post(`/api/v1/declarations/${trip.declarationId}/cancellation`, { reason: 'Release granted on a forged invoice' });
    expectStatus(cancelled, 200);
    expect(cancelled.body.state).toBe('CANCELLED');

    const documents = (await trader.get(`/api/v1/credentials?declarationId=${trip.declarationId}`)).body.items as Array<{ id: string; type: string; status: string; revokedBy: string | null; revocationReason: string | null }>;
    const byType = Object.fromEntries(documents.map((item) => [item.type, item]));
    expect(byType.ReleaseNote).toMatchObject({ status: 'REVOKED', revokedBy: null, revocationReason: `Declaration ${cancelled.body.reference} was cancelled` });
    expect(byType.TripCustodyRecord).toMatchObject({ status: 'ACTIVE' });
    const verdict = (await t.anonymous.post('/api/v1/public/credentials/verification', { token: note.body.token })).body;
    expect(verdict.verdict).toBe('REVOKED');
    const [entry] = await t.ctx.db.query<{ record: Record<string, unknown> }>(`SELECT record FROM log_entries WHERE kind = 'credential.revoked' AND subject_id = $1`, [note.body.id]);
    expect(entry?.record).toMatchObject({ by: null, reason: `Declaration ${cancelled.body.reference} was cancelled` });
  });
});
