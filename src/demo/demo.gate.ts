// Trucks of the demo at the gate: the reader event a gate's plate, container, seal and weighbridge
// readers would post for a pass, mostly faithful and now and then not (a blurred container, a
// weighbridge far off, a seal that is not the pass's), and the gate of a zone for a direction.
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { GatesService } from '../gates/gates.service.ts';
import type { GatePass } from '../gates/gates.schemas.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import type { Rng } from './demo.random.ts';

export type ZoneGates = (zoneId: string, direction: 'IN' | 'OUT') => Promise<string | null>;

/** The gate each zone's trucks use in each direction, read from the registry once. */
export function zoneGates(registry: Pick<RegistryService, 'getZone'>, officer: Principal): ZoneGates {
  const known = new Map<string, Array<{ id: string; direction: string; active: boolean }>>();
  return async (zoneId, direction) => {
    let gates = known.get(zoneId);
    if (!gates) {
      gates = (await registry.getZone(officer, zoneId)).gates.filter((gate) => gate.active);
      known.set(zoneId, gates);
    }
    return (gates.find((gate) => gate.direction === direction) ?? gates.find((gate) => gate.direction === 'BOTH'))?.id ?? null;
  };
}

/** What the readers see of the truck carrying `pass`; with `mistakes`, one read in ten or so is off. */
export function readerEvent(rng: Rng, gateId: string, pass: GatePass, at: Date, mistakes: boolean) {
  const weight = Number(pass.expectedGrossKg) * (0.98 + rng.next() * 0.04);
  const faithful = {
    gateId,
    lane: `L${rng.int(1, 3)}`,
    readerEventId: `demo-${at.getTime()}-${rng.int(0, 999_999)}`,
    at: at.toISOString(),
    ...(pass.vehiclePlate ? { plate: { value: pass.vehiclePlate, confidence: round(0.9 + rng.next() * 0.09) } } : {}),
    containers: pass.containers.map((number) => ({ number, confidence: round(0.9 + rng.next() * 0.09) })),
    seals: pass.seals,
    weightKg: weight.toFixed(0),
  };
  if (!mistakes) return faithful;
  const draw = rng.next();
  if (draw < 0.04 && pass.containers.length > 0) return { ...faithful, containers: faithful.containers.map((read) => ({ ...read, confidence: round(0.55 + rng.next() * 0.2) })) };
  if (draw < 0.07) return { ...faithful, weightKg: (weight * (1.2 + rng.next() * 0.3)).toFixed(0) };
  if (draw < 0.09 && pass.seals.length > 0) return { ...faithful, seals: [`${pass.seals[0] ?? 'S'}X`] };
  return faithful;
}

const round = (confidence: number) => Math.round(confidence * 1000) / 1000;

/**
 * Sends the trucks of a released declaration's unused passes through the gate; returns false when
 * it has none (goods that cross no gate).
 */
export async function passTheGate(
  env: { db: Db; gates: GatesService; rng: Rng; gateOf: ZoneGates; officer: Principal },
  reader: Principal,
  declarationId: string,
  at: Date,
  mistakes: boolean,
): Promise<boolean> {
  const passes = (await env.gates.listPasses(env.officer, { declarationId, status: 'ISSUED', limit: 10 })).items;
  if (passes.length === 0) return false;
  for (const pass of passes) {
    const gateId = await env.gateOf(pass.zoneId, pass.direction);
    if (!gateId) continue;
    await env.gates.recordEvent(reader, readerEvent(env.rng, gateId, pass, at, mistakes));
  }
  // As the gate's API does after an OPEN: the books post what went through.
  await env.gates.settle();
  return true;
}
