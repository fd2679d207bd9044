import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { STATES } from '../declarations/lifecycle.ts';
import { DECLARATION_TYPES } from '../declarations/selectivity.schema.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { DEMO_TIME_ZONE } from './demo.data.ts';
import { mulberry32 } from './demo.random.ts';
import { wallTime } from './demo.time.ts';
import { loadDemo, type DemoCredentials } from './demo.ts';
import { startSimulator } from './simulator.ts';

async function listAll(client: ApiClient, query = ''): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: any } = await client.get(`/api/v1/declarations?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** Every item of a paged list endpoint. */
async function allPages(client: ApiClient, url: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: any } = await client.get(`${url}${url.includes('?') ? '&' : '?'}limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status, url).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

async function states(t: TestApp): Promise<Map<string, string>> {
  const rows = await t.ctx.db.query<{ id: string; state: string }>('SELECT id, state FROM declarations');
  return new Map(rows.map((row) => [row.id, row.state]));
}

const quiet = () => {
  const messages: string[] = [];
  return { messages, log: { info: (msg: string) => messages.push(msg), warn: (msg: string) => messages.push(`WARN ${msg}`) } };
};

describe('demo administration', () => {
  let t: TestApp;
  let users: DemoCredentials[];
  let officer: ApiClient;
  let declarations: any[];
  const password = (username: string) => users.find((user) => user.username === username)?.password ?? 'missing';

  beforeAll(async () => {
    t = await createTestApp();
    ({ users } = await loadDemo(t.ctx));
    officer = await t.login('officer', password('officer'));
    declarations = await listAll(officer);
  }, 120_000);
  afterAll(() => t.close());

  it('sets up a US administration with its selectivity rules', async () => {
    const response = await t.admin.get('/api/v1/administration');
    expect(response.body).toMatchObject({ country: 'US', currency: 'USD', hsEdition: 'HS2022', vatRate: '0', statusModel: 'US_FTZ' });
    expect(response.body.name).toContain('Port of New York and New Jersey');
    expect(response.body.selectivity).toMatchObject({ randomRedShare: '0.01', randomYellowShare: '0.03', autoReleaseGreen: true });
    expect(response.body.selectivity.rules.map((rule: any) => rule.lane)).toEqual(expect.arrayContaining(['RED', 'YELLOW']));
  });

  it('draws the two foreign-trade zones where they are, each with road and quay gates', async () => {
    const zones = (await officer.get('/api/v1/zones')).body.items;
    expect(zones.map((zone: any) => [zone.code, zone.locode, zone.zoneType]).sort()).toEqual([
      ['FTZ1', 'USNYC', 'FOREIGN_TRADE_ZONE'],
      ['FTZ49', 'USEWR', 'FOREIGN_TRADE_ZONE'],
    ]);
    for (const zone of zones) {
      const ring = zone.perimeter.coordinates[0];
      expect(ring.length).toBeGreaterThanOrEqual(7);
      expect(zone.gates.map((gate: any) => gate.kind)).toEqual(expect.arrayContaining(['ROAD', 'QUAY']));
      for (const gate of zone.gates) {
        // Gates sit on the perimeter: within its bounding box, give or take a few metres.
        const lons = ring.map((p: number[]) => p[0]);
        const lats = ring.map((p: number[]) => p[1]);
        expect(gate.longitude).toBeGreaterThanOrEqual(Math.min(...lons) - 0.001);
        expect(gate.longitude).toBeLessThanOrEqual(Math.max(...lons) + 0.001);
        expect(gate.latitude).toBeGreaterThanOrEqual(Math.min(...lats) - 0.001);
        expect(gate.latitude).toBeLessThanOrEqual(Math.max(...lats) + 0.001);
      }
    }
    const newark = zones.find((zone: any) => zone.code === 'FTZ49');
    expect(Math.abs(newark.gates[0].latitude - 40.68)).toBeLessThan(0.05);
    expect(Math.abs(newark.gates[0].longitude + 74.15)).toBeLessThan(0.05);
  });

  it('registers fictitious enterprises with books, items and one licence about to expire', async () => {
    const enterprises = (await officer.get('/api/v1/enterprises?limit=50')).body.items;
    expect(enterprises.length).toBeGreaterThanOrEqual(6);
    expect(enterprises.some((e: any) => e.zoneIds.length === 2)).toBe(true);
    expect(new Set(enterprises.map((e: any) => e.aeoStatus)).size).toBeGreaterThan(1);
    const soon = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(enterprises.filter((e: any) => e.licenceValidTo && e.licenceValidTo <= soon)).toHaveLength(1);
    const books = (await officer.get('/api/v1/books?limit=100')).body.items;
    expect(books.map((b: any) => b.kind)).toEqual(expect.arrayContaining(['STORAGE', 'PROCESSING']));
    const items = (await officer.get('/api/v1/items?limit=200')).body.items;
    expect(items.length).toBeGreaterThanOrEqual(enterprises.length * 4);
  });

  it('gives every role a user who logs in with the password returned once', async () => {
    const roles = new Set(users.map((user) => user.role));
    // Partners are other administrations' API keys, never users.
    for (const role of ALL_ROLES.filter((r) => r !== 'admin')) expect(roles).toContain(role);
    expect(users.map((user) => user.username)).toEqual(expect.arrayContaining(['officer', 'officer.fz49', 'analyst', 'auditor', 'operator.fz49']));
    for (const user of users) {
      const client = await t.login(user.username, user.password);
      expect((await client.get('/api/v1/declarations?limit=1')).status).toBe(200);
    }
    const scoped = await t.login('officer.fz49', password('officer.fz49'));
    const seen = await listAll(scoped);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(declarations.length);
  });

  it('holds a month of declarations of every type, in every state a declaration can rest in', async () => {
    expect(declarations.length).toBeGreaterThanOrEqual(250);
    expect(new Set(declarations.map((d) => d.type))).toEqual(new Set(DECLARATION_TYPES));
    // SUBMITTED is never a resting state: assessment follows in the same transaction.
    expect(new Set(declarations.map((d) => d.state))).toEqual(new Set(STATES.filter((state) => state !== 'SUBMITTED')));
    expect(new Set(declarations.map((d) => d.lane))).toEqual(new Set(['GREEN', 'YELLOW', 'RED']));
    const count = (state: string) => declarations.filter((d) => d.state === state).length;
    expect(count('COMPLETED')).toBeGreaterThan(declarations.length / 2);
    expect(declarations.filter((d) => d.state === 'ASSESSED' && d.lane !== 'GREEN').length).toBeGreaterThan(0);
    // Whatever the day and hour, an officer finds a RED one waiting to be taken for inspection.
    expect(declarations.filter((d) => d.state === 'ASSESSED' && d.lane === 'RED').length).toBeGreaterThan(0);
    const [amended] = await t.ctx.db.query<{ n: number }>(
      "SELECT count(DISTINCT declaration_id)::int AS n FROM declaration_transitions WHERE action = 'AMEND'",
    );
    expect(amended?.n).toBeGreaterThanOrEqual(3);
    const now = Date.now();
    for (const d of declarations) {
      const at = new Date(d.submittedAt).getTime();
      expect(at).toBeLessThan(now);
      expect(at).toBeGreaterThan(now - 32 * 86_400_000);
      // Filed during working hours, in the zones' own time.
      const local = wallTime(new Date(d.submittedAt), DEMO_TIME_ZONE);
      expect(local.hour).toBeGreaterThanOrEqual(7);
      expect(local.hour).toBeLessThan(19);
    }
  });

  it('gives each declaration a history that starts with SUBMIT and moves forward in time', async () => {
    for (const summary of declarations) {
      const d = (await officer.get(`/api/v1/declarations/${summary.id}`)).body;
      expect(d.history[0].action).toBe('SUBMIT');
      expect(d.history[1].action).toBe('ASSESS');
      const times = d.history.map((step: any) => new Date(step.at).getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(d.history.at(-1).toState).toBe(d.state);
      for (const container of d.transport.containers ?? []) expect(container).toMatch(/^[A-Z]{3}U\d{7}$/);
      if (d.type === 'EXPORT') expect(d.destinationCountry).toMatch(/^[A-Z]{2}$/);
      if (d.type === 'TRANSFER') expect(d.destination).not.toBeNull();
      // Decisions come from the roles the state machine names.
      for (const step of d.history.slice(2)) {
        if (['START_INSPECTION', 'RELEASE', 'REJECT'].includes(step.action) && step.actorRole !== 'system') expect(step.actorRole).toBe('customs_officer');
        // Goods that cross a gate complete when the gate lets the last of them through; the others by the operator's word.
        if (step.action === 'COMPLETE') expect(step.actorRole).toBe(['PROCESSING', 'DESTRUCTION'].includes(d.type) ? 'zone_operator' : 'system');
        if (step.action === 'AMEND') expect(step.actorRole).toBe('enterprise_user');
      }
    }
  }, 60_000);

  it('sends the trucks of released goods through the gates: most open, a few are held and let through by an officer', async () => {
    const passages: any[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page: any = (await officer.get(`/api/v1/gate-passages?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).body;
      passages.push(...page.items);
      cursor = page.nextCursor;
    }
    const opened = passages.filter((p) => p.decision === 'OPEN');
    const held = passages.filter((p) => p.decision === 'HOLD');
    expect(opened.length).toBeGreaterThan(held.length * 5);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((p) => p.status === 'OVERRIDDEN' && p.overrideReason)).toBe(true);
    const completed = declarations.filter((d) => d.state === 'COMPLETED' && !['PROCESSING', 'DESTRUCTION'].includes(d.type));
    const throughGate = new Set(passages.filter((p) => p.declarationCompleted).map((p) => p.declarationId));
    expect(completed.every((d) => throughGate.has(d.id))).toBe(true);
  });

  it('works RED and YELLOW declarations through inspection tasks, whose outcomes are the labels', async () => {
    const done = (await officer.get('/api/v1/inspections?status=COMPLETED&limit=200')).body.items;
    expect(done.length).toBeGreaterThan(0);
    expect(new Set(done.map((task: { outcome: string }) => task.outcome))).toEqual(new Set(['RELEASE_AS_DECLARED', 'REJECT']));
    const rejected = done.find((task: { outcome: string }) => task.outcome === 'REJECT');
    const detail = (await officer.get(`/api/v1/inspections/${rejected.id}`)).body;
    expect(detail.findings.length).toBeGreaterThan(0);
    const risk = (await officer.get(`/api/v1/declarations/${rejected.declarationId}/risk`)).body;
    expect(risk.inspectionResult.outcome).toBe('FOUND');
  });

  it('shows an enterprise user its own declarations only', async () => {
    const trader = await t.login('trader.harborpoint', password('trader.harborpoint'));
    const own = await listAll(trader);
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(own.map((d) => d.enterpriseName))).toEqual(new Set(['Harbor Point Logistics LLC']));
    const other = declarations.find((d) => d.enterpriseName !== 'Harbor Point Logistics LLC');
    expect((await trader.get(`/api/v1/declarations/${other.id}`)).status).toBe(404);
  });

  describe('books, processing, duties and reconciliation', () => {
    let books: any[];
    let lots: any[];
    const completed = (type: string) => declarations.filter((d) => d.type === type && d.state === 'COMPLETED');
    const lotsOf = (declarationId: string) => lots.filter((lot) => lot.receivingDeclaration?.id === declarationId);

    beforeAll(async () => {
      books = await allPages(officer, '/api/v1/books');
      lots = [];
      for (const book of books) lots.push(...(await allPages(officer, `/api/v1/books/${book.id}/lots`)));
    }, 60_000);

    it('holds the goods admitted into the zones as lots that name their receiving declaration', () => {
      expect(lots.length).toBeGreaterThan(200);
      const received = new Set(lots.map((lot) => lot.receivingDeclaration?.id));
      const admitted = [...completed('ADMISSION'), ...completed('DOMESTIC_ADMISSION')];
      expect(admitted.length).toBeGreaterThan(100);
      for (const d of admitted) expect(received.has(d.id), d.reference).toBe(true);
      // Nothing that has not passed the gate is in a book.
      const pending = declarations.filter((d) => d.type === 'ADMISSION' && d.state !== 'COMPLETED');
      for (const d of pending) expect(received.has(d.id), d.reference).toBe(false);
    });

    it('never holds a negative quantity, now or on any day of the month', async () => {
      for (const lot of lots) {
        expect(Number(lot.quantity), lot.lotNumber).toBeGreaterThanOrEqual(0);
        expect(Number(lot.available), lot.lotNumber).toBeGreaterThanOrEqual(0);
      }
      const days = Array.from({ length: 7 }, (_, k) => new Date(Date.now() - k * 5 * 86_400_000).toISOString().slice(0, 10));
      for (const book of books) {
        for (const asOf of days) {
          const stock = await officer.get(`/api/v1/books/${book.id}/stock?asOf=${asOf}`);
          expect(stock.status).toBe(200);
          for (const row of stock.body.items) expect(Number(row.quantity), `${book.code} ${asOf} ${row.partNumber}`).toBeGreaterThanOrEqual(0);
        }
      }
    }, 60_000);

    it('moves goods by TRANSFER into another book, and their lots trace back to an admission', async () => {
      const transfers = completed('TRANSFER');
      expect(transfers.length).toBeGreaterThan(0);
      for (const transfer of transfers) {
        const d = (await officer.get(`/api/v1/declarations/${transfer.id}`)).body;
        const arrived = lotsOf(transfer.id);
        expect(arrived.length, transfer.reference).toBeGreaterThan(0);
        for (const lot of arrived) {
          expect(lot.bookId).toBe(d.destination.bookId);
          expect(lot.bookId).not.toBe(d.bookId);
          expect(lot.sourceLotIds.length).toBeGreaterThan(0);
          const trace = (await officer.get(`/api/v1/lots/${lot.id}/trace`)).body;
          expect(trace.complete).toBe(true);
          const origins = trace.nodes.filter((node: any) => node.admission);
          expect(origins.length).toBeGreaterThan(0);
          // The goods keep their first admission across the move.
          expect(origins.map((node: any) => node.lot.firstAdmission.declarationId)).toContain(lot.firstAdmission.declarationId);
          expect(['ADMISSION', 'DOMESTIC_ADMISSION']).toContain(origins[0].lot.receivingDeclaration.type);
        }
      }
    }, 60_000);

    it('turns inputs into outputs, and shows consumption against the bill of materials', async () => {
      const runs = completed('PROCESSING');
      expect(runs.length).toBeGreaterThan(3);
      const run = (await officer.get(`/api/v1/declarations/${runs[0].id}`)).body;
      const produced = lotsOf(run.id);
      expect(produced.map((lot: any) => lot.kind)).toEqual(expect.arrayContaining(['GOODS', 'SCRAP']));
      const output = produced.find((lot: any) => lot.kind === 'GOODS');
      expect(output.partNumber).toBe('MDA-TAB-R10');
      const trace = (await officer.get(`/api/v1/lots/${output.id}/trace`)).body;
      expect(trace.complete).toBe(true);
      expect(trace.nodes.filter((node: any) => node.admission).length).toBeGreaterThanOrEqual(5);

      const meridian = await t.login('trader.meridian', password('trader.meridian'));
      expect((await meridian.get('/api/v1/boms')).body.items.map((bom: any) => bom.outputItem.partNumber)).toEqual(['MDA-TAB-R10']);
      const consumption = await meridian.get(`/api/v1/books/${run.bookId}/consumption`);
      expect(consumption.status).toBe(200);
      const inputs = consumption.body.lines.filter((line: any) => line.role === 'INPUT');
      expect(inputs).toHaveLength(5);
      for (const line of inputs) expect(Number(line.expected)).toBeGreaterThan(0);
      // Most runs consume what the bill says; one or two broke parts on the line and are flagged.
      const flagged = consumption.body.declarations.filter((d: any) => d.flaggedCount > 0);
      expect(flagged.length).toBeGreaterThanOrEqual(1);
      expect(flagged.length).toBeLessThanOrEqual(2);
      expect(consumption.body.lines.some((line: any) => line.role === 'WASTE' && line.flagged)).toBe(true);
      const plain = consumption.body.declarations.find((d: any) => d.flaggedCount === 0 && d.state === 'COMPLETED');
      const one = (await meridian.get(`/api/v1/declarations/${plain.id}/consumption`)).body;
      for (const line of one.lines) expect(Math.abs(Number(line.declared) - Number(line.expected))).toBeLessThanOrEqual(Number(line.expected) * 0.01);
    }, 60_000);

    it('bills a domestic release, releases it once the bank pays, and takes the goods out of the book', async () => {
      const paid = [];
      for (const release of completed('DOMESTIC_RELEASE')) {
        const bills = (await officer.get(`/api/v1/bills?declarationId=${release.id}`)).body.items;
        const bill = bills.find((b: any) => b.status === 'PAID' && Number(b.total) > 0);
        if (bill) paid.push({ release, bill });
      }
      expect(paid.length).toBeGreaterThan(3);
      const green = [];
      for (const { release, bill } of paid.slice(0, 8)) {
        const d = (await officer.get(`/api/v1/declarations/${release.id}`)).body;
        const movements = await allPages(officer, `/api/v1/books/${d.bookId}/movements`);
        const removals = movements.filter((m) => m.declaration?.id === d.id);
        expect(removals.length, d.reference).toBeGreaterThan(0);
        expect(removals.every((m) => m.kind === 'REMOVAL' && Number(m.quantity) < 0)).toBe(true);
        const releasedAt = d.history.find((step: any) => step.action === 'RELEASE');
        expect(new Date(releasedAt.at).getTime()).toBeGreaterThanOrEqual(new Date(bill.paidAt).getTime());
        if (releasedAt.actorRole === 'system') green.push(d);
      }
      expect(green.length).toBeGreaterThan(0);
      // Some still wait for their duties.
      const waiting = declarations.filter((d) => d.type === 'DOMESTIC_RELEASE' && d.state === 'ASSESSED');
      expect(waiting.length).toBeGreaterThan(0);
      // A GREEN one still assessed waits for its duties alone: its bill is unpaid. A YELLOW or RED one may
      // wait for its inspection instead, its bill already settled (a bill of no duty is paid at once).
      // A bill cancelled along the way (the declaration was amended) is no longer owed.
      const unpaid = new Set((await allPages(officer, '/api/v1/bills?status=UNPAID')).map((b: any) => b.declarationId));
      expect(waiting.some((d) => unpaid.has(d.id))).toBe(true);
      for (const d of waiting.filter((w) => !unpaid.has(w.id))) {
        expect(d.lane, d.reference).not.toBe('GREEN');
        const owed = (await officer.get(`/api/v1/bills?declarationId=${d.id}`)).body.items.filter((b: any) => b.status !== 'CANCELLED');
        expect(owed.length, d.reference).toBeGreaterThan(0);
        expect(owed.map((b: any) => b.status), d.reference).toEqual(owed.map(() => 'PAID'));
      }
      expect((await officer.get('/api/v1/bills?status=GUARANTEED')).body.items.length).toBeGreaterThan(0);
    }, 60_000);

    it('reconciles the stock reports uploaded from the ERP, with a shortage and an overage', async () => {
      const bayridge = await t.login('trader.bayridge', password('trader.bayridge'));
      const [book] = (await bayridge.get('/api/v1/books')).body.items;
      const reconciliations = (await bayridge.get(`/api/v1/books/${book.id}/reconciliations`)).body.items;
      expect(reconciliations).toHaveLength(1);
      expect(reconciliations[0]).toMatchObject({ shortageCount: 1, overageCount: 1, flaggedCount: 2 });
      expect(reconciliations[0].matchedCount).toBeGreaterThan(0);
      const detail = (await bayridge.get(`/api/v1/reconciliations/${reconciliations[0].id}`)).body;
      expect(detail.discrepancies.map((d: any) => d.kind).sort()).toEqual(['OVERAGE', 'SHORTAGE']);
      // The officer wrote the confirmed shortage off, with the reason.
      const movements = await allPages(officer, `/api/v1/books/${book.id}/movements`);
      const adjustment = movements.find((m) => m.kind === 'ADJUSTMENT');
      expect(adjustment.reason).toContain('Stocktaking');
      const shortage = detail.discrepancies.find((d: any) => d.kind === 'SHORTAGE');
      expect(Number(adjustment.quantity)).toBe(-Number(shortage.quantity));

      const processing = books.find((b) => b.kind === 'PROCESSING');
      const processed = (await officer.get(`/api/v1/books/${processing.id}/reconciliations`)).body.items;
      expect(processed.length).toBe(1);
      expect(processed[0].flaggedCount).toBeGreaterThan(0);
    });
  });

  it('keeps traffic flowing: a tick submits a declaration and moves waiting ones forward', async () => {
    const before = await states(t);
    const { messages, log } = quiet();
    const simulator = startSimulator(t.ctx, { perMinute: 1, log, random: mulberry32(42) });
    await simulator.tick();
    await simulator.stop();
    const after = await states(t);
    expect(after.size).toBe(before.size + 1);
    const moved = [...before].filter(([id, state]) => after.get(id) !== state);
    expect(moved.length).toBeGreaterThanOrEqual(1);
    expect(messages.filter((msg) => msg.startsWith('WARN'))).toEqual([]);
    const added = [...after.keys()].find((id) => !before.has(id)) as string;
    const detail = (await officer.get(`/api/v1/declarations/${added}`)).body;
    expect(detail.history[0]).toMatchObject({ action: 'SUBMIT', actorRole: 'enterprise_user' });
    // Every camera's system sent a snapshot (unless it is the warehouse camera in its dark quarter hour).
    const cameras = (await officer.get('/api/v1/cameras?limit=200')).body.items;
    const silent = [];
    for (const camera of cameras) {
      const snapshots = (await officer.get(`/api/v1/cctv/snapshots?cameraId=${camera.id}`)).body.items;
      if (snapshots.length === 0) silent.push(camera.code);
    }
    expect(silent.length).toBeLessThanOrEqual(1);
  });

  it('watches every gate, each yard and the bonded stores of wine with cameras', async () => {
    const cameras = (await officer.get('/api/v1/cameras?limit=200')).body.items;
    const zones = (await officer.get('/api/v1/zones')).body.items;
    const gates = zones.flatMap((zone: { gates?: unknown[] }) => zone.gates ?? []);
    expect(cameras.filter((c: { areaKind: string }) => c.areaKind === 'GATE').length).toBeGreaterThanOrEqual(gates.length > 0 ? gates.length : 1);
    expect(cameras.filter((c: { areaKind: string }) => c.areaKind === 'YARD')).toHaveLength(zones.length);
    expect(cameras.filter((c: { areaKind: string }) => c.areaKind === 'WAREHOUSE').length).toBeGreaterThan(0);
  });
});

describe('traffic simulator without the demo', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('says so once and does nothing', async () => {
    const { messages, log } = quiet();
    const simulator = startSimulator(t.ctx, { perMinute: 60, log });
    await simulator.tick();
    await simulator.tick();
    await simulator.stop();
    expect(await states(t)).toHaveProperty('size', 0);
    expect(messages.filter((msg) => msg.includes('no demo data'))).toHaveLength(1);
    expect(messages.filter((msg) => msg.startsWith('WARN'))).toEqual([]);
  });
});
