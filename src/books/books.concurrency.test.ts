// Concurrent releases and completions drawing on the same lots never oversell: the lots are locked
// in id order by each transaction, so on PostgreSQL (DATABASE_URL set) the releases queue and the
// late ones see what the early ones took. On PGlite transactions run one at a time anyway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, usingPostgres, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone } from '../../test/support/factories.ts';
import { bookOf, decide, declareAndPass, expectStatus, line, lotsReceivedBy, setSelectivity, submit } from './books.fixtures.ts';

describe(`concurrent draw-downs on ${usingPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestApp;
  let zone: { id: string };
  let enterprise: { id: string };
  let book: { id: string };
  let trader: ApiClient;
  let officers: ApiClient[];
  let operator: ApiClient;

  beforeAll(async () => {
    t = await createTestApp();
    zone = await createZone(t.admin);
    enterprise = await createEnterprise(t.admin, [zone.id]);
    book = await bookOf(t, enterprise.id, zone.id);
    trader = await createUser(t, 'enterprise_user', { enterpriseId: enterprise.id });
    // Several sessions, as several officers at their desks would have.
    officers = [await createUser(t, 'customs_officer'), await createUser(t, 'customs_officer'), await createUser(t, 'customs_officer')];
    operator = await createUser(t, 'zone_operator', { zoneIds: [zone.id] });
    // Declarations wait for an officer, so that their releases can be sent at once.
    await setSelectivity(t, { autoReleaseGreen: false });
  });
  afterAll(() => t.close());

  const actors = () => ({ trader, officer: officers[0] as ApiClient, operator });

  async function exports(partNumber: string, count: number, quantity: number, lotId?: string) {
    const declared = [];
    for (let i = 0; i < count; i++) {
      const exported = await submit(trader, zone.id, 'EXPORT', [line(quantity, quantity * 10, { partNumber, ...(lotId ? { lotId } : {}) })], { destinationCountry: 'MX' });
      expect(exported.state).toBe('ASSESSED');
      declared.push(exported);
    }
    return declared;
  }

  async function lotState(id: string) {
    const response = await t.admin.get(`/api/v1/lots/${id}`);
    expectStatus(response, 200);
    const movements = response.body.movements.reduce((sum: number, m: { quantity: string }) => sum + Number(m.quantity), 0);
    return { quantity: Number(response.body.quantity), reserved: Number(response.body.reserved), movements };
  }

  it('releases no more than a named lot holds when officers release at the same moment', async () => {
    const admitted = await declareAndPass(actors(), zone.id, 'ADMISSION', [line(100, 1000, { partNumber: 'RACE-1' })]);
    const [lot] = await lotsReceivedBy(t.admin, book.id, admitted.id);
    const declared = await exports('RACE-1', 8, 30, lot?.id);

    const answers = await Promise.all(declared.map((d, i) => decide(officers[i % officers.length] as ApiClient, d.id, 'RELEASE')));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 409, 409, 409, 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.body).toMatchObject({ error: { code: 'CONFLICT', details: [{ path: '/lines/0/quantity' }] } });
    }
    expect(await lotState(lot?.id as string)).toEqual({ quantity: 100, reserved: 90, movements: 100 });

    // The goods of the three released pass the gate together.
    const released = declared.filter((_d, i) => answers[i]?.status === 200);
    const completed = await Promise.all(released.map((d) => decide(operator, d.id, 'COMPLETE')));
    expect(completed.map((c) => c.status)).toEqual([200, 200, 200]);
    expect(await lotState(lot?.id as string)).toEqual({ quantity: 10, reserved: 0, movements: 10 });
  });

  it('shares FIFO lots between concurrent releases without overselling them', async () => {
    const first = await declareAndPass(actors(), zone.id, 'ADMISSION', [line(60, 600, { partNumber: 'RACE-2' })]);
    const second = await declareAndPass(actors(), zone.id, 'ADMISSION', [line(60, 600, { partNumber: 'RACE-2' })]);
    const lots = [...(await lotsReceivedBy(t.admin, book.id, first.id)), ...(await lotsReceivedBy(t.admin, book.id, second.id))];
    const declared = await exports('RACE-2', 8, 25);

    const answers = await Promise.all(declared.map((d, i) => decide(officers[i % officers.length] as ApiClient, d.id, 'RELEASE')));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(4);
    const states = await Promise.all(lots.map((l) => lotState(l.id)));
    expect(states.reduce((sum, s) => sum + s.reserved, 0)).toBe(100);
    for (const s of states) expect(s.reserved).toBeLessThanOrEqual(s.quantity);

    // Completions and cancellations racing each other leave every lot equal to its movements.
    const released = declared.filter((_d, i) => answers[i]?.status === 200);
    const done = await Promise.all([
      decide(operator, released[0]?.id as string, 'COMPLETE'),
      decide(operator, released[1]?.id as string, 'COMPLETE'),
      (officers[0] as ApiClient).post(`/api/v1/declarations/${released[2]?.id}/cancellation`, { reason: 'invalidated' }),
      decide(operator, released[3]?.id as string, 'COMPLETE'),
    ]);
    expect(done.map((d) => d.status)).toEqual([200, 200, 200, 200]);
    const after = await Promise.all(lots.map((l) => lotState(l.id)));
    expect(after.reduce((sum, s) => sum + s.quantity, 0)).toBe(120 - 75);
    for (const s of after) expect(s).toEqual({ quantity: s.movements, reserved: 0, movements: s.movements });
  });

  it('numbers lots of concurrent admissions without gaps or duplicates', async () => {
    const declared = [];
    for (let i = 0; i < 6; i++) declared.push(await submit(trader, zone.id, 'ADMISSION', [line(1, 10, { partNumber: 'NUM' }), line(2, 20, { partNumber: 'NUM' })]));
    await Promise.all(declared.map((d, i) => decide(officers[i % officers.length] as ApiClient, d.id, 'RELEASE')));
    const answers = await Promise.all(declared.map((d) => decide(operator, d.id, 'COMPLETE')));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    const numbers = (await t.ctx.db.query<{ n: number }>('SELECT substr(lot_number, 5)::int AS n FROM lots WHERE book_id = $1 ORDER BY 1', [book.id])).map((r) => r.n);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
  });
});
