// Loads the demo administration on a new database: the administration's settings, two
// foreign-trade zones at the Port of New York and New Jersey with their gates, fictitious
// enterprises with books, items and a bill of materials, a user for every role, and a month of
// declarations in every type and state, posted to the books and billed as they go, with two ERP
// stock reports at the end. Everything goes through the services, as the API's callers do, so the
// demo obeys the same rules; only the clock is the demo's own, moved by hand to give past work its moments.
import { Decimal } from 'decimal.js';
import { createDeclarationStack, type AppContext, type DeclarationStack } from '../context.ts';
import type { CustomsStatus } from '../books/reconciliation.rules.ts';
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { randomPassword } from '../platform/auth/secrets.ts';
import { createRegistryService, type RegistryService } from '../registry/registry.service.ts';
import { zoneGates } from './demo.gate.ts';
import { registerDemoCameras } from './demo.cctv.ts';
import { registerDemoSeals } from './demo.tracking.ts';
import { createObjectStore } from '../platform/storage/object-store.ts';
import { createRiskService } from '../risk/risk.service.ts';
import { allUsers, principalOf, type DemoCast } from './demo.cast.ts';
import {
  DEMO_ADMINISTRATION,
  DEMO_BOMS,
  DEMO_DAYS,
  DEMO_ENTERPRISES,
  DEMO_RISK_RULES,
  DEMO_SEED,
  DEMO_STAFF,
  DEMO_TIME_ZONE,
  DEMO_ZONES,
  ZONE_OFFICERS,
  ZONE_OPERATORS,
  type ZoneCode,
} from './demo.data.ts';
import { planHistory, playHistory, type PlayEnv, type Task } from './demo.history.ts';
import { mulberry32, seededRng } from './demo.random.ts';
import { addDays, atWallTime, DAY, HOUR, MINUTE, ManualClock, wallTime } from './demo.time.ts';
import type { TrafficWorld, WorldEnterprise, WorldZone } from './demo.traffic.ts';

export interface DemoCredentials {
  username: string;
  role: string;
  password: string;
}

function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The registry's records, created as the administration's admin would, ten days before the traffic starts. */
async function registerDemo(tx: Db, registry: RegistryService, clock: ManualClock, admin: Principal, now: Date): Promise<TrafficWorld> {
  // One minute between writes, so that the registry's history reads in order.
  const tick = () => clock.set(new Date(clock.now().getTime() + MINUTE));
  await registry.updateAdministration(tx, admin, DEMO_ADMINISTRATION);

  const zones: WorldZone[] = [];
  for (const demo of DEMO_ZONES) {
    tick();
    const zone = await registry.createZone(tx, admin, {
      code: demo.code,
      name: demo.name,
      locode: demo.locode,
      zoneType: 'FOREIGN_TRADE_ZONE',
      territorialPattern: demo.territorialPattern,
      perimeter: { type: 'Polygon', coordinates: [demo.ring] },
    });
    for (const gate of demo.gates) {
      tick();
      await registry.addGate(tx, admin, zone.id, gate);
    }
    zones.push({ id: zone.id, code: demo.code, locode: demo.locode });
  }
  const zoneId = (code: ZoneCode) => zones.find((zone) => zone.code === code)?.id as string;

  const enterprises: WorldEnterprise[] = [];
  for (const profile of DEMO_ENTERPRISES) {
    tick();
    const licenceValidFrom = isoDate(new Date(now.getTime() + profile.licenceFromDays * DAY));
    const enterprise = await registry.createEnterprise(tx, admin, {
      identifier: profile.identifier,
      name: profile.name,
      country: 'US',
      roles: profile.roles,
      zoneIds: profile.zones.map(zoneId),
      licenceNumber: profile.licenceNumber,
      licenceValidFrom,
      licenceValidTo: isoDate(new Date(now.getTime() + profile.licenceToDays * DAY)),
      aeoStatus: profile.aeoStatus,
    });
    const books: Array<WorldEnterprise['books'][number]> = [];
    for (const code of profile.zones) {
      tick();
      const storage = await registry.createBook(tx, admin, {
        enterpriseId: enterprise.id,
        zoneId: zoneId(code),
        code: `${code}-ICRS`,
        kind: 'STORAGE',
        name: `Inventory control and recordkeeping, ${code}`,
        openedOn: licenceValidFrom,
      });
      books.push({ id: storage.id, zoneId: storage.zoneId, kind: 'STORAGE' });
      if (profile.roles.includes('MANUFACTURER')) {
        tick();
        const processing = await registry.createBook(tx, admin, {
          enterpriseId: enterprise.id,
          zoneId: zoneId(code),
          code: `${code}-MFG`,
          kind: 'PROCESSING',
          name: `Manufacturing record (inputs and outputs), ${code}`,
          openedOn: licenceValidFrom,
        });
        books.push({ id: processing.id, zoneId: processing.zoneId, kind: 'PROCESSING' });
      }
    }
    const items: Array<WorldEnterprise['items'][number]> = [];
    for (const item of profile.items) {
      tick();
      const created = await registry.createItem(tx, admin, {
        enterpriseId: enterprise.id,
        partNumber: item.partNumber,
        hsCode: item.hsCode,
        description: item.description,
        unit: item.unit,
      });
      items.push({ id: created.id, profile: item });
    }
    enterprises.push({ profile, id: enterprise.id, zoneIds: enterprise.zoneIds, books, items });
  }
  return { zones, enterprises };
}

/** A user for every role, each with a random password returned once. */
async function createDemoUsers(tx: Db, identity: AppContext['identity'], world: TrafficWorld) {
  const credentials: DemoCredentials[] = [];
  const principals = new Map<string, Principal>();
  const zoneId = (code: ZoneCode) => world.zones.find((zone) => zone.code === code)?.id as string;
  const create = async (input: { username: string; displayName: string; role: Principal['role']; enterpriseId?: string; zoneIds?: string[] | null }) => {
    const password = randomPassword();
    const user = await identity.createUser(tx, { ...input, password });
    credentials.push({ username: user.username, role: user.role, password });
    principals.set(user.username, principalOf(user));
    return principalOf(user);
  };
  for (const staff of DEMO_STAFF) {
    await create({ username: staff.username, displayName: staff.displayName, role: staff.role, zoneIds: staff.zones?.map(zoneId) ?? null });
  }
  const traders = new Map<string, Principal>();
  for (const enterprise of world.enterprises) {
    const { username, displayName } = enterprise.profile.user;
    traders.set(enterprise.id, await create({ username, displayName, role: 'enterprise_user', enterpriseId: enterprise.id }));
  }
  const byZone = (names: Partial<Record<ZoneCode, string>>) =>
    new Map(
      (Object.entries(names) as Array<[ZoneCode, string]>).flatMap(([code, username]) => {
        const principal = principals.get(username);
        return principal ? [[zoneId(code), principal] as const] : [];
      }),
    );
  const officer = principals.get('officer');
  if (!officer) throw new Error('the demo has no officer for all zones');
  const cast: DemoCast = { world, traders, officer, zoneOfficers: byZone(ZONE_OFFICERS), operators: byZone(ZONE_OPERATORS) };
  return { credentials, cast };
}

/** The bills of materials of the demo's manufacturers, kept by their own users. */
async function createBoms(tx: Db, boms: DeclarationStack['bookControl']['boms'], cast: DemoCast, validFrom: string): Promise<void> {
  for (const demo of DEMO_BOMS) {
    const enterprise = cast.world.enterprises.find((e) => e.profile.key === demo.enterprise);
    const trader = enterprise && cast.traders.get(enterprise.id);
    if (!enterprise || !trader) continue;
    const itemId = (partNumber: string) => {
      const item = enterprise.items.find((i) => i.profile.partNumber === partNumber);
      if (!item) throw new Error(`${enterprise.profile.name} has no item ${partNumber}`);
      return item.id;
    };
    await boms.create(tx, trader, {
      outputItemId: itemId(demo.output),
      yield: demo.yield,
      validFrom,
      note: demo.note,
      inputs: demo.inputs.map((input) => ({
        itemId: itemId(input.partNumber),
        quantityPerOutput: input.quantityPerOutput,
        ...(input.scrapShare && input.scrapItem ? { scrapShare: input.scrapShare, scrapItemId: itemId(input.scrapItem) } : {}),
      })),
    });
  }
}

/**
 * Books whose enterprises upload yesterday's ERP stock at the end of the month, what their ERP calls
 * itself, and whether the officer writes the shortage off after the stocktaking.
 */
const STOCK_REPORTS: ReadonlyArray<{ enterprise: string; zone: ZoneCode; kind: 'STORAGE' | 'PROCESSING'; source: string; writeOff: boolean }> = [
  { enterprise: 'meridian', zone: 'FTZ49', kind: 'PROCESSING', source: 'SAP S/4HANA', writeOff: false },
  { enterprise: 'bayridge', zone: 'FTZ1', kind: 'STORAGE', source: 'NetSuite WMS', writeOff: true },
];

/**
 * Yesterday's closing stock as the enterprise's ERP has it: the book's, but for a shortage on the
 * goods it holds most of and an overage on others (a receipt booked twice). Reconciliation shows
 * both. Where the report says so, the stocktaking that follows confirms the shortage and the
 * officer writes it off, with the reason.
 */
function stockReportTask(env: PlayEnv, stack: DeclarationStack, report: (typeof STOCK_REPORTS)[number], at: Date): Task[] {
  const { db, cast, rng, clock } = env;
  const enterprise = cast.world.enterprises.find((e) => e.profile.key === report.enterprise);
  const zone = cast.world.zones.find((z) => z.code === report.zone);
  const book = enterprise?.books.find((b) => b.zoneId === zone?.id && b.kind === report.kind);
  const trader = enterprise && cast.traders.get(enterprise.id);
  if (!enterprise || !book || !trader) return [];
  let shortage: { partNumber: string; quantity: Decimal } | null = null;
  const upload: Task = {
    at,
    async run() {
      const yesterday = addDays(wallTime(clock.now(), DEMO_TIME_ZONE), -1);
      const asOf = `${yesterday.year}-${String(yesterday.month).padStart(2, '0')}-${String(yesterday.day).padStart(2, '0')}`;
      const groups = new Map<string, { partNumber: string; hsCode: string; customsStatus: string; unit: string; quantity: Decimal }>();
      for (const row of (await stack.books.stock(trader, book.id, { asOf })).items) {
        if (!row.partNumber) continue;
        const key = JSON.stringify([row.partNumber, row.hsCode, row.customsStatus, row.unit]);
        const group = groups.get(key) ?? { partNumber: row.partNumber, hsCode: row.hsCode, customsStatus: row.customsStatus, unit: row.unit, quantity: new Decimal(0) };
        group.quantity = group.quantity.plus(row.quantity ?? 0);
        groups.set(key, group);
      }
      const held = [...groups.values()].filter((group) => group.quantity.gte(100)).sort((a, b) => b.quantity.comparedTo(a.quantity));
      const [most, ...others] = held;
      const over = others.length > 0 ? rng.pick(others) : undefined;
      const lines = [...groups.values()].map((group) => {
        let quantity = group.quantity;
        if (group === most) {
          const missing = quantity.times(rng.int(3, 6)).div(100).floor();
          shortage = { partNumber: group.partNumber, quantity: missing };
          quantity = quantity.minus(missing);
        } else if (group === over) quantity = quantity.plus(quantity.times(rng.int(2, 4)).div(100).ceil());
        return { partNumber: group.partNumber, hsCode: group.hsCode, customsStatus: group.customsStatus as CustomsStatus, quantity: quantity.toFixed(), unit: group.unit };
      });
      await db.transaction((tx) =>
        stack.bookControl.stockReports.upload(tx, trader, book.id, {
          asOf,
          source: report.source,
          format: 'JSON',
          lines,
          paths: lines.map((_, i) => `/lines/${i}`),
          asOfPath: '/asOf',
        }),
      );
    },
  };
  const writeOff: Task = {
    at: new Date(at.getTime() + rng.int(25, 50) * MINUTE),
    async run() {
      const missing = shortage;
      const item = missing && enterprise.items.find((i) => i.profile.partNumber === missing.partNumber);
      if (!missing || !item || missing.quantity.lte(0)) return;
      const lots = (await stack.books.listLots(cast.officer, book.id, { itemId: item.id, open: true, limit: 100 })).items;
      const lot = lots.find((l) => new Decimal(l.available).gte(missing.quantity)) ?? lots[0];
      if (!lot) return;
      const quantity = Decimal.min(missing.quantity, lot.available);
      if (quantity.lte(0)) return;
      const reason =
        `Stocktaking confirmed the shortage the ${report.source} stock report showed: ${quantity.toFixed()} ${item.profile.unit} of ` +
        `${item.profile.partNumber} water-damaged in the warehouse and disposed of as refuse; written off`;
      await db.transaction((tx) => stack.books.adjust(tx, cast.officer, book.id, { lotId: lot.id, quantity: quantity.negated().toFixed(), reason }));
    },
  };
  return report.writeOff ? [upload, writeOff] : [upload];
}

export async function loadDemo(ctx: AppContext): Promise<{ users: DemoCredentials[] }> {
  const now = ctx.clock.now();
  const adminUser = (await allUsers(ctx.identity)).get('admin');
  if (!adminUser || adminUser.role !== 'admin') throw new Error('the demo is loaded after the first admin is created');
  const admin = principalOf(adminUser);

  // The registry's records date from before the month of traffic, at 9 in the morning.
  const start = addDays(wallTime(now, DEMO_TIME_ZONE), -(DEMO_DAYS + 10));
  const clock = new ManualClock(atWallTime(DEMO_TIME_ZONE, start.year, start.month, start.day, 9, 0));
  const registry = createRegistryService({ db: ctx.db, clock, reference: ctx.reference });
  const world = await ctx.db.transaction((tx) => registerDemo(tx, registry, clock, admin, now));
  const { credentials, cast } = await ctx.db.transaction((tx) => createDemoUsers(tx, ctx.identity, world));
  await registerDemoCameras(ctx, admin, world);
  await registerDemoSeals(ctx, admin, world);

  const rng = seededRng(DEMO_SEED);
  // Declarations, books, duties and book control as the process has them, on the demo's clock, so
  // that postings and bills carry the moments of the steps. Lane draws have their own stream, so
  // changing a rule does not reshuffle the rest of the demo.
  // The risk analyst's first model, trained on the shipped declarations, and rules, before the traffic.
  const risk = createRiskService({ db: ctx.db, clock, tariff: ctx.duties });
  const analystUser = (await allUsers(ctx.identity)).get('analyst');
  if (!analystUser) throw new Error('the demo has no risk analyst');
  const analyst = principalOf(analystUser);
  const model = await risk.train(analyst);
  await ctx.db.transaction(async (tx) => {
    await risk.activate(tx, analyst, model.id);
    for (const rule of DEMO_RISK_RULES) await risk.createRule(tx, analyst, { ...rule, validFrom: isoDate(clock.now()) });
  });

  const objects = createObjectStore(ctx.config.objectDir);
  const stack = createDeclarationStack({ db: ctx.db, clock, reference: ctx.reference, registry, random: mulberry32(DEMO_SEED + 1), risk, objects });
  clock.set(new Date(clock.now().getTime() + 30 * MINUTE));
  await ctx.db.transaction((tx) => createBoms(tx, stack.bookControl.boms, cast, isoDate(clock.now())));

  const env: PlayEnv = { db: ctx.db, clock, stack, cast, rng, now, gateOf: zoneGates(registry, cast.officer) };
  const tasks: Task[] = [];
  for (const [index, report] of STOCK_REPORTS.entries()) {
    tasks.push(...stockReportTask(env, stack, report, new Date(now.getTime() - (3 - index) * HOUR)));
  }
  await playHistory(env, planHistory(rng, world, now), tasks);
  return { users: credentials };
}
