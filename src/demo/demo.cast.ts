// The people and records the demo's traffic runs on: the officers, zone operators and enterprise
// users who act, and the zones, enterprises, books and items their declarations refer to. The
// loader builds the cast as it creates it; the simulator finds it again in the database, through
// the services, and finds nothing unless the demo was loaded.
import type { AppContext } from '../context.ts';
import type { Principal, Role } from '../platform/auth/principal.ts';
import { DEMO_ENTERPRISES, DEMO_ZONES, OFFICER, ZONE_OFFICERS, ZONE_OPERATORS, type ZoneCode } from './demo.data.ts';
import type { TrafficWorld, WorldEnterprise, WorldZone } from './demo.traffic.ts';

export interface DemoCast {
  world: TrafficWorld;
  /** The enterprise user of each demo enterprise, by enterprise id. */
  traders: ReadonlyMap<string, Principal>;
  /** A customs officer for all zones. */
  officer: Principal;
  /** Officers who work in one zone only, by zone id. */
  zoneOfficers: ReadonlyMap<string, Principal>;
  /** The zone operator of each zone, by zone id. */
  operators: ReadonlyMap<string, Principal>;
}

export interface UserLike {
  id: string;
  username: string;
  role: Role;
  enterpriseId: string | null;
  zoneIds: string[] | null;
}

/** The principal a user acts as, as authentication would build it. */
export function principalOf(user: UserLike): Principal {
  return { kind: 'user', id: user.id, name: user.username, role: user.role, enterpriseId: user.enterpriseId, zoneIds: user.zoneIds, scopes: [] };
}

/** Every active user, by username. */
export async function allUsers(identity: AppContext['identity']): Promise<Map<string, UserLike>> {
  const users = new Map<string, UserLike>();
  let cursor: string | undefined;
  do {
    const page = await identity.listUsers(200, cursor);
    for (const user of page.items) if (user.active) users.set(user.username, user);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return users;
}

/** The demo's cast as stored, or null when the demo was not loaded (or its actors are gone). */
export async function findDemoCast(ctx: Pick<AppContext, 'db' | 'identity' | 'registry' | 'clock'>): Promise<DemoCast | null> {
  const users = await allUsers(ctx.identity);
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const officerUser = users.get(OFFICER);
  if (!officerUser || officerUser.role !== 'customs_officer') return null;
  const officer = principalOf(officerUser);

  const zonePage = await ctx.registry.listZones(officer, { limit: 100, active: true });
  const zones: WorldZone[] = [];
  for (const demo of DEMO_ZONES) {
    const zone = zonePage.items.find((z) => z.code === demo.code && z.locode === demo.locode);
    if (zone) zones.push({ id: zone.id, code: demo.code, locode: zone.locode });
  }
  if (zones.length === 0) return null;
  const zoneId = (code: ZoneCode) => zones.find((zone) => zone.code === code)?.id;

  const traders = new Map<string, Principal>();
  const enterprises: WorldEnterprise[] = [];
  for (const profile of DEMO_ENTERPRISES) {
    const user = users.get(profile.user.username);
    if (!user || user.role !== 'enterprise_user' || !user.enterpriseId) continue;
    const enterprise = await ctx.registry.findEnterprise(ctx.db, user.enterpriseId);
    // Only the demo's own enterprises: a real one that happens to have a user of that name is left alone.
    if (!enterprise || enterprise.identifier !== profile.identifier || !enterprise.active) continue;
    // An enterprise whose zone licence has run out may no longer declare.
    if (enterprise.licenceValidTo !== null && enterprise.licenceValidTo < today) continue;
    const trader = principalOf(user);
    const zoneIds = enterprise.zoneIds.filter((id) => zones.some((zone) => zone.id === id));
    const items = (await ctx.registry.listItems(trader, { limit: 200, active: true })).items.flatMap((item) => {
      const itemProfile = profile.items.find((p) => p.partNumber === item.partNumber && p.hsCode === item.hsCode && p.unit === item.unit);
      return itemProfile ? [{ id: item.id, profile: itemProfile }] : [];
    });
    const books = (await ctx.registry.listBooks(trader, { limit: 100, active: true })).items
      .filter((book) => zoneIds.includes(book.zoneId))
      .map((book) => ({ id: book.id, zoneId: book.zoneId, kind: book.kind }));
    if (zoneIds.length === 0 || items.length === 0) continue;
    traders.set(enterprise.id, trader);
    enterprises.push({ profile, id: enterprise.id, zoneIds, books, items });
  }
  if (enterprises.length === 0) return null;

  const byZone = (names: Partial<Record<ZoneCode, string>>, role: Role) => {
    const found = new Map<string, Principal>();
    for (const [code, username] of Object.entries(names) as Array<[ZoneCode, string]>) {
      const user = users.get(username);
      const id = zoneId(code);
      if (user && id && user.role === role && (user.zoneIds === null || user.zoneIds.includes(id))) found.set(id, principalOf(user));
    }
    return found;
  };
  return {
    world: { zones, enterprises },
    traders,
    officer,
    zoneOfficers: byZone(ZONE_OFFICERS, 'customs_officer'),
    operators: byZone(ZONE_OPERATORS, 'zone_operator'),
  };
}
