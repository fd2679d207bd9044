// Writes declarations the way the demo enterprises would: which enterprise declares what, from
// which zone, with lines drawn from its catalogue and transport details (containers with valid
// ISO 6346 check digits, seals, bills of lading, air waybills, plates, UN/LOCODE ports) that fit
// the kind of movement. Used for the demo's past month and by the traffic simulator.
import { Decimal } from 'decimal.js';
import type { AmendDeclaration, LineInput, SubmitDeclaration, Transport } from '../declarations/declaration.schemas.ts';
import type { DeclarationType } from '../declarations/selectivity.schema.ts';
import { containerCheckDigit } from '../reference/validators.ts';
import {
  AIR_CARRIERS,
  ARRIVAL_AIRPORT,
  FLAGGED_APPAREL_ORIGINS,
  PORTS_OF_DISCHARGE,
  PORTS_OF_LOADING,
  SEA_CARRIERS,
  VESSELS,
  type DemoEnterprise,
  type ItemProfile,
  type ZoneCode,
} from './demo.data.ts';
import type { Rng } from './demo.random.ts';

export interface WorldZone {
  id: string;
  code: ZoneCode;
  locode: string;
}

export interface WorldEnterprise {
  profile: DemoEnterprise;
  id: string;
  zoneIds: readonly string[];
  books: ReadonlyArray<{ id: string; zoneId: string; kind: 'STORAGE' | 'PROCESSING' }>;
  items: ReadonlyArray<{ id: string; profile: ItemProfile }>;
}

/** The demo's zones and enterprises as stored: what declarations refer to. */
export interface TrafficWorld {
  zones: readonly WorldZone[];
  enterprises: readonly WorldEnterprise[];
}

/**
 * Goods chosen so that selectivity stops the declaration: restricted goods or a bulk consignment
 * of phones (RED), apparel from a flagged origin (YELLOW).
 */
export type Focus = { tag: 'restricted' } | { tag: 'phones' } | { tag: 'apparel' };

/** What a declaration is about, before its body is written. */
export interface Intent {
  enterprise: WorldEnterprise;
  type: DeclarationType;
  zone: WorldZone;
  focus?: Focus;
}

type WorldItem = WorldEnterprise['items'][number];

const has = (item: WorldItem, tag: string) => item.profile.tags?.includes(tag) ?? false;
const foreignOrigins = (item: WorldItem) => item.profile.origins.filter((origin) => origin !== 'US');

// --- choosing what to declare -------------------------------------------------------------------------

function bookOf(enterprise: WorldEnterprise, zoneId: string, kind: 'STORAGE' | 'PROCESSING') {
  return enterprise.books.find((book) => book.zoneId === zoneId && book.kind === kind);
}

function zoneOf(world: TrafficWorld, id: string): WorldZone {
  const zone = world.zones.find((z) => z.id === id);
  if (!zone) throw new Error(`zone ${id} is not part of the demo`);
  return zone;
}

/** Items that may appear on a declaration of this type, before any focus. */
function candidates(enterprise: WorldEnterprise, type: DeclarationType): WorldItem[] {
  const ordinary = enterprise.items.filter((item) => !has(item, 'restricted'));
  switch (type) {
    case 'ADMISSION':
      // Phones arrive in bulk consignments only, which selectivity stops (see the focus).
      return ordinary.filter((item) => !has(item, 'output') && !has(item, 'phones') && foreignOrigins(item).length > 0);
    case 'DOMESTIC_RELEASE':
      return ordinary.filter((item) => !has(item, 'output') && foreignOrigins(item).length > 0);
    case 'DOMESTIC_ADMISSION':
      return ordinary.filter((item) => has(item, 'domestic'));
    case 'PROCESSING':
      return ordinary.filter((item) => has(item, 'input'));
    case 'DESTRUCTION': {
      const waste = ordinary.filter((item) => has(item, 'waste'));
      return waste.length > 0 ? waste : ordinary;
    }
    case 'EXPORT': {
      const outputs = ordinary.filter((item) => has(item, 'output'));
      return outputs.length > 0 ? outputs : ordinary;
    }
    case 'TRANSFER':
      return ordinary;
  }
}

/** Where a TRANSFER of this enterprise from this zone can go, if anywhere. */
function transferTarget(world: TrafficWorld, enterprise: WorldEnterprise, zoneId: string) {
  const otherZone = enterprise.zoneIds.find((id) => id !== zoneId);
  if (otherZone) return { zoneId: otherZone, enterprise };
  const warehouse = world.enterprises.find(
    (other) => other.id !== enterprise.id && other.zoneIds.includes(zoneId) && other.profile.roles.includes('WAREHOUSE'),
  );
  return warehouse ? { zoneId, enterprise: warehouse } : undefined;
}

function feasible(world: TrafficWorld, enterprise: WorldEnterprise, type: DeclarationType, zoneId: string): boolean {
  if (candidates(enterprise, type).length === 0) return false;
  if (type === 'PROCESSING') return bookOf(enterprise, zoneId, 'PROCESSING') !== undefined;
  if (type === 'TRANSFER') return transferTarget(world, enterprise, zoneId) !== undefined;
  return true;
}

/** An ordinary declaration: enterprise by its share of the traffic, then type and zone. */
export function chooseIntent(rng: Rng, world: TrafficWorld, type?: DeclarationType): Intent {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const enterprise = rng.weighted(world.enterprises.map((e) => [e, e.profile.weight] as const));
    const zone = zoneOf(world, rng.pick(enterprise.zoneIds));
    const types = enterprise.profile.types.filter(([t]) => (type ? t === type : true) && feasible(world, enterprise, t, zone.id));
    if (types.length === 0) continue;
    return { enterprise, type: rng.weighted(types), zone };
  }
  throw new Error(`no demo enterprise can declare ${type ?? 'anything'}`);
}

/**
 * A declaration that waits for an officer: selectivity sends it to `lane`, or (for 'ANY') it is
 * either stopped by selectivity or a domestic release, which waits for its duties even when GREEN.
 */
export function chooseHeldIntent(rng: Rng, world: TrafficWorld, lane: 'RED' | 'YELLOW' | 'ANY'): Intent {
  // Grouped by why the declaration is stopped, so that each reason is as likely as the others
  // however many enterprises it applies to.
  const reasons = new Map<string, Intent[]>();
  const add = (reason: string, intent: Intent) => reasons.set(reason, [...(reasons.get(reason) ?? []), intent]);
  for (const enterprise of world.enterprises) {
    const zone = zoneOf(world, rng.pick(enterprise.zoneIds));
    const tagged = (tag: string) => enterprise.items.some((item) => has(item, tag));
    if (lane !== 'YELLOW') {
      if (tagged('restricted')) add('restricted', { enterprise, type: 'ADMISSION', zone, focus: { tag: 'restricted' } });
      if (tagged('phones')) add('phones', { enterprise, type: 'ADMISSION', zone, focus: { tag: 'phones' } });
    }
    if (lane !== 'RED') {
      if (focusItems(enterprise, { tag: 'apparel' }).length > 0) add('apparel', { enterprise, type: 'ADMISSION', zone, focus: { tag: 'apparel' } });
      if (candidates(enterprise, 'DOMESTIC_RELEASE').length > 0) {
        if (enterprise.profile.aeoStatus === 'NONE') add('release without AEO', { enterprise, type: 'DOMESTIC_RELEASE', zone });
        else if (lane === 'ANY') add('release awaiting duties', { enterprise, type: 'DOMESTIC_RELEASE', zone });
      }
    }
  }
  if (reasons.size === 0) return chooseIntent(rng, world);
  return rng.pick(rng.pick([...reasons.values()]));
}

// --- writing the declaration ---------------------------------------------------------------------------

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

function letters(rng: Rng, count: number): string {
  return Array.from({ length: count }, () => rng.pick([...LETTERS])).join('');
}

/** An ISO 6346 container number of one of the owner's prefixes, with its check digit. */
export function containerNumber(rng: Rng, prefix: string): string {
  const base = `${prefix}${rng.digits(6)}`;
  return `${base}${containerCheckDigit(base)}`;
}

/** An air waybill number: airline prefix, 7-digit serial and its check digit (serial modulo 7). */
export function airWaybill(rng: Rng, airlinePrefix: string): string {
  const serial = rng.digits(7);
  return `${airlinePrefix}-${serial}${Number(serial) % 7}`;
}

/** A truck plate in the style of New Jersey or New York commercial plates. */
function plate(rng: Rng): string {
  return rng.chance(0.6) ? `${letters(rng, 2)}${rng.digits(3)}${letters(rng, 1)}` : `${rng.digits(5)}${letters(rng, 2)}`;
}

const EUROPE = ['DE', 'NL', 'FR', 'IT', 'ES', 'GB', 'CZ', 'AT', 'TR'];
const AMERICAS = ['BR', 'CO', 'EC', 'GT', 'CR', 'CL', 'MX', 'CA', 'DO', 'JM', 'BS', 'TT', 'BB'];

/** Vessel and voyage; the voyage's letter is its direction as carriers write it. */
function voyage(rng: Rng, country: string, inbound: boolean): string {
  const direction = EUROPE.includes(country) ? (inbound ? 'W' : 'E') : AMERICAS.includes(country) ? (inbound ? 'N' : 'S') : inbound ? 'E' : 'W';
  return `${rng.pick(VESSELS)} ${rng.int(100, 599)}${direction}`;
}

function containerCount(grossMass: Decimal): number {
  return Math.min(6, Math.max(1, Math.ceil(grossMass.div(20_000).toNumber())));
}

function seaLeg(rng: Rng, grossMass: Decimal) {
  const carrier = rng.pick(SEA_CARRIERS);
  const containers = Array.from({ length: containerCount(grossMass) }, () => containerNumber(rng, rng.pick(carrier.prefixes)));
  return {
    containers,
    seals: containers.map(() => `${carrier.sealPrefix}${rng.digits(7)}`),
    transportDocument: { type: 'BILL_OF_LADING' as const, number: `${carrier.scac}${rng.digits(10)}` },
  };
}

function roadContainer(rng: Rng): string[] {
  return [containerNumber(rng, rng.pick(rng.pick(SEA_CARRIERS).prefixes))];
}

function line(rng: Rng, item: WorldItem, origin: string, quantity: number): LineInput {
  const { profile } = item;
  const qty = new Decimal(quantity);
  const netMass = Decimal.max(qty.times(profile.netKg).toDecimalPlaces(3), new Decimal('0.001'));
  const grossMass = Decimal.max(netMass.times(profile.packing).toDecimalPlaces(3), netMass);
  const unitCents = rng.int(profile.unitCents[0], profile.unitCents[1]);
  return {
    itemId: item.id,
    hsCode: profile.hsCode,
    description: profile.description,
    originCountry: origin,
    quantity: qty.toString(),
    unit: profile.unit,
    netMass: netMass.toFixed(3),
    grossMass: grossMass.toFixed(3),
    customsValue: qty.times(unitCents).div(100).toFixed(2),
  };
}

function quantityFor(rng: Rng, item: WorldItem, type: DeclarationType, focus?: Focus): number {
  const [low, high] = item.profile.quantity;
  if (focus?.tag === 'phones' && has(item, 'phones')) return rng.int(1_700, 3_200);
  const whole = rng.int(low, high);
  // Destruction concerns a damaged or spoiled part of a lot; a transfer moves part of the stock.
  if (type === 'DESTRUCTION') return Math.max(1, Math.round(whole * (rng.int(2, 8) / 100)));
  if (type === 'TRANSFER') return Math.max(1, Math.round(whole * (rng.int(20, 60) / 100)));
  return whole;
}

function originFor(rng: Rng, item: WorldItem, type: DeclarationType, focus?: Focus): string {
  if (type === 'DOMESTIC_ADMISSION') return 'US';
  const flagged = item.profile.origins.filter((origin) => FLAGGED_APPAREL_ORIGINS.includes(origin));
  if (has(item, 'apparel') && flagged.length > 0) {
    if (focus?.tag === 'apparel') return rng.pick(flagged);
    // Most of the enterprise's apparel comes from other origins; flagged ones now and then.
    const others = foreignOrigins(item).filter((origin) => !flagged.includes(origin));
    if (others.length > 0 && rng.chance(0.8)) return rng.pick(others);
  }
  const foreign = foreignOrigins(item);
  return foreign.length > 0 && !has(item, 'output') ? rng.pick(foreign) : 'US';
}

function focusItems(enterprise: WorldEnterprise, focus: Focus): WorldItem[] {
  if (focus.tag === 'apparel') {
    return enterprise.items.filter((item) => has(item, 'apparel') && item.profile.origins.some((o) => FLAGGED_APPAREL_ORIGINS.includes(o)));
  }
  return enterprise.items.filter((item) => has(item, focus.tag));
}

function chooseItems(rng: Rng, intent: Intent): WorldItem[] {
  const pool = candidates(intent.enterprise, intent.type);
  let count: number = rng.weighted([[1, 50], [2, 30], [3, 15], [4, 5]] as const);
  if (intent.type === 'PROCESSING') count = rng.int(2, 4);
  if (intent.type === 'DESTRUCTION') count = 1;
  if (!intent.focus) return rng.sample(pool, count);
  const first = rng.pick(focusItems(intent.enterprise, intent.focus));
  // Restricted goods travel alone; a focused line may share the declaration with ordinary goods.
  if (intent.focus.tag === 'restricted') return [first];
  return [first, ...rng.sample(pool.filter((item) => item.id !== first.id), count - 1)];
}

const REFERENCE_PREFIX: Record<DeclarationType, string> = {
  ADMISSION: 'PO-45',
  EXPORT: 'SO-',
  DOMESTIC_RELEASE: 'ENT-',
  DOMESTIC_ADMISSION: 'DA-',
  TRANSFER: 'TRF-',
  PROCESSING: 'WO-',
  DESTRUCTION: 'DES-',
};

/** The body an enterprise user would submit for this intent. */
export function composeDeclaration(rng: Rng, world: TrafficWorld, intent: Intent): SubmitDeclaration {
  const { enterprise, type, zone, focus } = intent;
  const items = chooseItems(rng, intent);
  const lines = items.map((item) => line(rng, item, originFor(rng, item, type, focus), quantityFor(rng, item, type, focus)));
  const grossMass = lines.reduce((sum, l) => sum.plus(l.grossMass), new Decimal(0));
  const origin = lines[0]?.originCountry ?? 'CN';

  const body: SubmitDeclaration = {
    type,
    zoneId: zone.id,
    currency: 'USD',
    traderReference: `${REFERENCE_PREFIX[type]}${rng.digits(type === 'ADMISSION' ? 8 : 6)}`,
    transport: { mode: 'ROAD' },
    lines,
  };
  const book = bookOf(enterprise, zone.id, type === 'PROCESSING' ? 'PROCESSING' : 'STORAGE');
  if (book) body.bookId = book.id;

  let transport: Transport;
  switch (type) {
    case 'ADMISSION': {
      const air = AIR_CARRIERS[origin];
      if (air && items.some((item) => has(item, 'air')) && rng.chance(0.6)) {
        // Air freight lands at JFK and is trucked into the zone under bond.
        transport = {
          mode: 'AIR',
          vesselOrFlight: `${air.iata}${rng.int(100, 999)}`,
          vehiclePlate: plate(rng),
          seals: [`CBP${rng.digits(7)}`],
          transportDocument: { type: 'AIR_WAYBILL', number: airWaybill(rng, air.awbPrefix) },
          portOfLoading: air.airport,
          portOfDischarge: ARRIVAL_AIRPORT,
        };
      } else {
        transport = {
          mode: 'SEA',
          vesselOrFlight: voyage(rng, origin, true),
          ...seaLeg(rng, grossMass),
          portOfLoading: rng.pick(PORTS_OF_LOADING[origin] ?? ['CNSGH']),
          portOfDischarge: zone.locode,
        };
      }
      break;
    }
    case 'EXPORT': {
      const destination = rng.pick(enterprise.profile.exportTo);
      body.destinationCountry = destination;
      transport = {
        mode: 'SEA',
        vesselOrFlight: voyage(rng, destination, false),
        ...seaLeg(rng, grossMass),
        portOfLoading: zone.locode,
        portOfDischarge: rng.pick(PORTS_OF_DISCHARGE[destination] ?? ['CAHAL']),
      };
      break;
    }
    case 'DOMESTIC_RELEASE':
    case 'DOMESTIC_ADMISSION':
      transport = {
        mode: 'ROAD',
        vehiclePlate: plate(rng),
        ...(type === 'DOMESTIC_RELEASE' && rng.chance(0.4) ? { containers: roadContainer(rng) } : {}),
        seals: [`${letters(rng, 2)}${rng.digits(6)}`],
        transportDocument: { type: 'OTHER', number: `PRO-${rng.digits(9)}` },
      };
      break;
    case 'TRANSFER': {
      const target = transferTarget(world, enterprise, zone.id);
      if (!target) throw new Error(`${enterprise.profile.name} has nowhere to transfer goods from ${zone.code}`);
      const destinationBook = bookOf(target.enterprise, target.zoneId, 'STORAGE');
      body.destination = {
        zoneId: target.zoneId,
        enterpriseId: target.enterprise.id,
        ...(destinationBook ? { bookId: destinationBook.id } : {}),
      };
      // Between zones goods travel in bond (CBP Form 7512) under an electronic seal.
      transport = {
        mode: 'ROAD',
        vehiclePlate: plate(rng),
        ...(rng.chance(0.5) ? { containers: roadContainer(rng) } : {}),
        seals: [`ES-${rng.digits(8)}`],
        transportDocument: { type: 'OTHER', number: `CBP7512-${rng.digits(9)}` },
      };
      break;
    }
    case 'PROCESSING':
      // Inputs move from storage to the production line inside the enterprise's own site.
      transport = { mode: 'ROAD' };
      break;
    case 'DESTRUCTION':
      transport = {
        mode: 'ROAD',
        vehiclePlate: plate(rng),
        transportDocument: { type: 'OTHER', number: `WASTE-${rng.digits(8)}` },
      };
      break;
  }
  body.transport = transport;
  return body;
}

// --- amendments -------------------------------------------------------------------------------------

/** A correction a trader typically makes after an officer's query at the document check. */
export function amendmentOf(rng: Rng, body: SubmitDeclaration): AmendDeclaration {
  const { type: _type, zoneId: _zoneId, enterpriseId: _enterpriseId, ...fields } = body;
  if (rng.chance(0.65)) {
    return {
      reason: 'Customs value corrected: freight and insurance added to the invoice price, as asked at the document check',
      declaration: {
        ...fields,
        lines: fields.lines.map((l) => ({
          ...l,
          customsValue: new Decimal(l.customsValue).times(100 + rng.int(4, 12)).div(100).toFixed(2),
        })),
      },
    };
  }
  return {
    reason: 'Gross and net mass corrected from the weighbridge ticket and the packing list',
    declaration: {
      ...fields,
      lines: fields.lines.map((l) => {
        const factor = new Decimal(100 + rng.int(3, 8)).div(100);
        const netMass = new Decimal(l.netMass).times(factor).toDecimalPlaces(3);
        const grossMass = Decimal.max(new Decimal(l.grossMass).times(factor).toDecimalPlaces(3), netMass);
        return { ...l, netMass: netMass.toFixed(3), grossMass: grossMass.toFixed(3) };
      }),
    },
  };
}
