import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { STATES } from '../declarations/lifecycle.ts';
import { DECLARATION_TYPES } from '../declarations/selectivity.schema.ts';
import { ROLES } from '../platform/auth/principal.ts';
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
  let loadMs: number;
  let officer: ApiClient;
  let declarations: any[];
  const password = (username: string) => users.find((user) => user.username === username)?.password ?? 'missing';

  beforeAll(async () => {
    t = await createTestApp();
    const started = performance.now();
    ({ users } = await loadDemo(t.ctx));
    loadMs = performance.now() - started;
    officer = await t.login('officer', password('officer'));
    declarations = await listAll(officer);
  }, 120_000);
  afterAll(() => t.close());

  it('loads well within half a minute', () => {
    expect(loadMs).toBeLessThan(30_000);
  });

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
    for (const role of ROLES.filter((r) => r !== 'admin')) expect(roles).toContain(role);
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
        if (step.action === 'COMPLETE') expect(step.actorRole).toBe('zone_operator');
        if (step.action === 'AMEND') expect(step.actorRole).toBe('enterprise_user');
      }
    }
  }, 60_000);

  it('shows an enterprise user its own declarations only', async () => {
    const trader = await t.login('trader.harborpoint', password('trader.harborpoint'));
    const own = await listAll(trader);
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(own.map((d) => d.enterpriseName))).toEqual(new Set(['Harbor Point Logistics LLC']));
    const other = declarations.find((d) => d.enterpriseName !== 'Harbor Point Logistics LLC');
    expect((await trader.get(`/api/v1/declarations/${other.id}`)).status).toBe(404);
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
