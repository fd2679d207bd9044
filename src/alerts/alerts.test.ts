// Alerts through the API: one open alert per condition however often it is seen, the feed limited
// to the staff of the alert's zone, and acknowledgement with a note, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone } from '../../test/support/factories.ts';
import type { NewAlert } from './alerts.service.ts';

describe('alerts', () => {
  let t: TestApp;
  let zone: { id: string };
  let officer: ApiClient;
  let operator: ApiClient;
  let otherOperator: ApiClient;
  let trader: ApiClient;
  let auditor: ApiClient;

  const raise = (alert: Partial<NewAlert> & { dedupKey: string }) =>
    t.ctx.db.transaction((tx) =>
      t.ctx.alerts.raise(tx, { kind: 'CCTV_GAP', severity: 'WARNING', zoneId: zone.id, subjectType: 'camera_area', subjectId: 'book-1', message: 'No snapshot for 12 minutes', at: new Date(), ...alert }),
    );
  const liveEvents = async (type: string) => (await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE event_type = $1', [type]))[0]?.n;

  beforeAll(async () => {
    t = await createTestApp();
    zone = await createZone(t.admin);
    const otherZone = await createZone(t.admin);
    const enterprise = await createEnterprise(t.admin, [zone.id]);
    officer = await createUser(t, 'customs_officer');
    operator = await createUser(t, 'zone_operator', { zoneIds: [zone.id] });
    otherOperator = await createUser(t, 'zone_operator', { zoneIds: [otherZone.id] });
    trader = await createUser(t, 'enterprise_user', { enterpriseId: enterprise.id });
    auditor = await createUser(t, 'auditor');
  });
  afterAll(() => t.close());

  it('keeps one open alert per condition, counting repeats, and announces it once', async () => {
    const before = await liveEvents('alert.raised');
    const first = await raise({ dedupKey: 'test:area-1' });
    const again = await raise({ dedupKey: 'test:area-1' });
    expect(again.id).toBe(first.id);
    expect(again.occurrences).toBe(2);
    expect(await liveEvents('alert.raised')).toBe((before ?? 0) + 1);
    const listed = (await officer.get('/api/v1/alerts?kind=CCTV_GAP&status=OPEN')).body.items;
    expect(listed.filter((alert: { id: string }) => alert.id === first.id)).toHaveLength(1);
  });

  it('is acknowledged once, with a note, by an officer; the same condition later raises a new alert', async () => {
    const alert = await raise({ dedupKey: 'test:area-2' });
    const noNote = await officer.post(`/api/v1/alerts/${alert.id}/acknowledgement`, { note: '' });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.details[0].path).toBe('/note');
    expect((await operator.post(`/api/v1/alerts/${alert.id}/acknowledgement`, { note: 'seen' })).status).toBe(403);
    expect((await auditor.post(`/api/v1/alerts/${alert.id}/acknowledgement`, { note: 'seen' })).status).toBe(403);

    const acknowledged = await officer.post(`/api/v1/alerts/${alert.id}/acknowledgement`, { note: 'Camera 4 was being cleaned' });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgementNote: 'Camera 4 was being cleaned' });
    expect(acknowledged.body.acknowledgedAt).not.toBeNull();
    expect((await officer.post(`/api/v1/alerts/${alert.id}/acknowledgement`, { note: 'again' })).status).toBe(409);

    const later = await raise({ dedupKey: 'test:area-2' });
    expect(later.id).not.toBe(alert.id);
    expect(later.status).toBe('OPEN');
  });

  it('shows an alert to the staff of its zone only, and never to traders', async () => {
    const alert = await raise({ dedupKey: 'test:area-3' });
    expect((await operator.get(`/api/v1/alerts/${alert.id}`)).status).toBe(200);
    expect((await auditor.get(`/api/v1/alerts/${alert.id}`)).status).toBe(200);
    expect((await otherOperator.get(`/api/v1/alerts/${alert.id}`)).status).toBe(404);
    expect((await otherOperator.get('/api/v1/alerts')).body.items).toEqual([]);
    expect((await trader.get('/api/v1/alerts')).status).toBe(403);
    expect((await trader.get(`/api/v1/alerts/${alert.id}`)).status).toBe(403);
  });

  it('pages newest first with a cursor', async () => {
    for (let i = 0; i < 3; i += 1) await raise({ dedupKey: `test:page-${i}`, kind: 'PAGING_TEST' });
    const first = await officer.get('/api/v1/alerts?kind=PAGING_TEST&limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await officer.get(`/api/v1/alerts?kind=PAGING_TEST&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((alert: { id: string }) => alert.id);
    expect(new Set(ids).size).toBe(3);
    expect((await officer.get('/api/v1/alerts?cursor=bogus')).status).toBe(400);
  });
});
