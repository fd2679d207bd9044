// Loads the demo administration on a new database: the administration's settings, two
// foreign-trade zones at the Port of New York and New Jersey with their gates, fictitious
// enterprises with books and items, a user for every role, and a month of declarations in every
// type and state. Everything goes through the services, as the API's callers do, so the demo
// obeys the same rules; only the clock is the demo's own, moved by hand to give past work its moments.
import type { AppContext } from '../context.ts';
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { randomPassword } from '../platform/auth/secrets.ts';
import { createDeclarationService } from '../declarations/declaration.service.ts';
import { createRegistryService, type RegistryService } from '../registry/registry.service.ts';
import { allUsers, principalOf, type DemoCast } from './demo.cast.ts';
import {
  DEMO_ADMINISTRATION,
  DEMO_DAYS,
  DEMO_ENTERPRISES,
  DEMO_SEED,
  DEMO_STAFF,
  DEMO_TIME_ZONE,
  DEMO_ZONES,
  ZONE_OFFICERS,
  ZONE_OPERATORS,
  type ZoneCode,
} from './demo.data.ts';
import { planHistory, playStory } from './demo.history.ts';
import { mulberry32, seededRng } from './demo.random.ts';
import { addDays, atWallTime, DAY, MINUTE, ManualClock, wallTime } from './demo.time.ts';
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

  const rng = seededRng(DEMO_SEED);
  // Lane draws have their own stream, so changing a rule does not reshuffle the rest of the demo.
  const declarations = createDeclarationService({ db: ctx.db, clock, reference: ctx.reference, registry, random: mulberry32(DEMO_SEED + 1) });
  const env = { clock, declarations, cast, rng, now };
  for (const story of planHistory(rng, world, now)) {
    await ctx.db.transaction((tx) => playStory(tx, env, story));
  }
  return { users: credentials };
}
