// The demo's cameras and what their camera systems send: a camera over each gate, one over each
// warehouse holding wine (chapter 22, watched every five minutes) and one over each zone's yard,
// and a snapshot from each on every turn of the simulator, except that the wine warehouse camera of
// the first zone goes dark for a quarter of an hour each hour, which the coverage check reports.
import { createHash } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { TrafficWorld } from './demo.traffic.ts';
import type { DemoCast } from './demo.cast.ts';

/** Enterprises whose warehouses hold goods the coverage policy watches closely. */
const WATCHED_WAREHOUSES = ['atlantic'];
/** Minutes of each hour in which the first watched camera sends nothing. */
const DARK_MINUTES = [30, 45] as const;

export async function registerDemoCameras(ctx: Pick<AppContext, 'cctv' | 'registry' | 'db'>, admin: Principal, world: TrafficWorld): Promise<void> {
  // The zones are read before the transaction: on the embedded database a read outside it would wait for it.
  const zones = await Promise.all(world.zones.map(async (zone) => ({ zone, ...(await ctx.registry.getZone(admin, zone.id)) })));
  await ctx.db.transaction((tx) => registerCameras(tx, ctx, admin, world, zones));
}

async function registerCameras(
  tx: Db,
  ctx: Pick<AppContext, 'cctv'>,
  admin: Principal,
  world: TrafficWorld,
  zones: Array<{ zone: TrafficWorld['zones'][number]; name: string; gates: Array<{ id: string; code: string; name: string; latitude: number; longitude: number }> }>,
): Promise<void> {
  for (const { zone, gates, name } of zones) {
    const [longitude, latitude] = [gates[0]?.longitude ?? 0, gates[0]?.latitude ?? 0];
    for (const gate of gates) {
      await ctx.cctv.registerCamera(tx, admin, { zoneId: zone.id, code: `CAM-${gate.code}`, name: `${gate.name}: lane camera`, latitude: gate.latitude, longitude: gate.longitude, areaKind: 'GATE', gateId: gate.id });
    }
    await ctx.cctv.registerCamera(tx, admin, { zoneId: zone.id, code: 'CAM-YARD', name: `${name}: yard mast camera`, latitude, longitude, areaKind: 'YARD' });
    for (const enterprise of world.enterprises.filter((e) => WATCHED_WAREHOUSES.includes(e.profile.key))) {
      const book = enterprise.books.find((b) => b.zoneId === zone.id && b.kind === 'STORAGE');
      if (!book) continue;
      await ctx.cctv.registerCamera(tx, admin, {
        zoneId: zone.id,
        code: `CAM-WH-${enterprise.profile.key.toUpperCase()}`,
        name: `${enterprise.profile.name}: bonded store`,
        latitude,
        longitude,
        areaKind: 'WAREHOUSE',
        bookId: book.id,
      });
    }
  }
}

/** One snapshot from every active demo camera, sent by each zone's operator as its camera system. */
export async function sendDemoSnapshots(ctx: Pick<AppContext, 'cctv' | 'db' | 'clock'>, cast: DemoCast, operatorFor: (zoneId: string) => Principal): Promise<void> {
  const at = ctx.clock.now();
  const cameras = (await ctx.cctv.listCameras(cast.officer, { active: true, limit: 200 })).items;
  const minute = at.getUTCMinutes();
  const dark = cameras.find((camera) => camera.areaKind === 'WAREHOUSE');
  const byZone = new Map<string, typeof cameras>();
  for (const camera of cameras) {
    if (camera === dark && minute >= DARK_MINUTES[0] && minute < DARK_MINUTES[1]) continue;
    byZone.set(camera.zoneId, [...(byZone.get(camera.zoneId) ?? []), camera]);
  }
  for (const [zoneId, sending] of byZone) {
    const snapshots = sending.map((camera) => {
      const storageUri = `s3://cctv-demo/${camera.code.toLowerCase()}/${at.toISOString()}.jpg`;
      return { cameraId: camera.id, capturedAt: at.toISOString(), imageSha256: createHash('sha256').update(storageUri).digest('hex'), storageUri };
    });
    await ctx.db.transaction((tx) => ctx.cctv.receiveSnapshots(tx, operatorFor(zoneId), { snapshots }));
  }
}
