// Writes declarations the way the demo enterprises would: which enterprise declares what, from
// which zone, with lines drawn from its catalogue and transport details (containers with valid
// ISO 6346 check digits, seals, bills of lading, air waybills, plates, UN/LOCODE ports) that fit
// the kind of movement. Goods that leave a book are taken from what the book holds when the
// declaration is written, as a trader's ERP would; processing follows the bill of materials.
// Used for the demo's past month and by the traffic simulator.
import { Decimal } from 'decimal.js';
import type { AmendDeclaration, LineInput, SubmitDeclaration, Transport } from '../declarations/declaration.schemas.ts';
import type { DeclarationType } from '../declarations/selectivity.schema.ts';
import { containerCheckDigit } from '../reference/validators.ts';
import {
  AIR_CARRIERS,
  ARRIVAL_AIRPORT,
  DEMO_BOMS,
  FLAGGED_APPAREL_ORIGINS,
  PORTS_OF_DISCHARGE,
  PORTS_OF_LOADING,
  SEA_CARRIERS,
  VESSELS,
  type DemoBom,
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

export type BookKind = 'STORAGE' | 'PROCESSING';

export interface WorldEnterprise {
  profile: DemoEnterprise;
  id: string;
  zoneIds: readonly string[];
  books: ReadonlyArray<{ id: string; zoneId: string; kind: BookKind }>;
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
  /** The first admission into an empty book: the whole catalogue arrives. */
  stocking?: boolean;
  /** A processing run whose consumption is off the bill of materials (breakage on the line). */
  offSpec?: boolean;
}

/**
 * What a book can still give for new declarations, per item id: its available stock (balance less
 * what released declarations hold) less what declarations waiting for customs will take.
 */
export interface StockLookup {
  free(bookId: string): Promise<ReadonlyMap<string, Decimal>>;
}

export type WorldItem = WorldEnterprise['items'][number];

const has = (item: WorldItem, tag: string) => item.profile.tags?.includes(tag) ?? false;
const foreignOrigins = (item: WorldItem) => item.profile.origins.filter((origin) => origin !== 'US');

/** Types whose lines take goods out of a book (PROCESSING: its inputs). */
const DRAWS_DOWN: ReadonlySet<DeclarationType> = new Set(['EXPORT', 'DOMESTIC_RELEASE', 'DESTRUCTION', 'TRANSFER', 'PROCESSING']);

export function drawsDown(type: DeclarationType): boolean {
  return DRAWS_DOWN.has(type);
}

// --- choosing what to declare -------------------------------------------------------------------------

function bookOf(enterprise: WorldEnterprise, zoneId: string, kind: BookKind) {
  return enterprise.books.find((book) => book.zoneId === zoneId && book.kind === kind);
}

/** Where an item is kept: a manufacturer's inputs, outputs and by-products in its processing book, the rest in storage. */
export function bookFor(enterprise: WorldEnterprise, zoneId: string, item: WorldItem) {
  const processing = bookOf(enterprise, zoneId, 'PROCESSING');
  if (processing && (has(item, 'input') || has(item, 'output') || has(item, 'byproduct'))) return processing;
  return bookOf(enterprise, zoneId, 'STORAGE');
}

function zoneOf(world: TrafficWorld, id: string): WorldZone {
  const zone = world.zones.find((z) => z.id === id);
  if (!zone) throw new Error(`zone ${id} is not part of the demo`);
  return zone;
}

/** The enterprise's bill of materials and its items, when it makes anything and has all the items. */
function bomOf(enterprise: WorldEnterprise) {
  const bom: DemoBom | undefined = DEMO_BOMS.find((candidate) => candidate.enterprise === enterprise.profile.key);
  if (!bom) return undefined;
  const item = (partNumber: string) => enterprise.items.find((i) => i.profile.partNumber === partNumber);
  const output = item(bom.output);
  const waste = item(bom.wasteItem);
  const inputs = bom.inputs.map((input) => ({ input, item: item(input.partNumber), scrap: input.scrapItem ? item(input.scrapItem) : undefined }));
  if (!output || !waste || inputs.some((i) => !i.item || (i.input.scrapItem && !i.scrap))) return undefined;
  return { bom, output, waste, inputs: inputs as Array<{ input: DemoBom['inputs'][number]; item: WorldItem; scrap: WorldItem | undefined }> };
}

/** Items that may appear on a declaration of this type, before any focus or stock. */
function candidates(enterprise: WorldEnterprise, type: DeclarationType): WorldItem[] {
  const ordinary = enterprise.items.filter((item) => !has(item, 'restricted') && !has(item, 'byproduct'));
  const outputs = ordinary.filter((item) => has(item, 'output'));
  switch (type) {
    case 'ADMISSION':
      // Phones arrive in bulk consignments only, which selectivity stops (see the focus).
      return ordinary.filter((item) => !has(item, 'output') && !has(item, 'phones') && foreignOrigins(item).length > 0);
    case 'DOMESTIC_RELEASE': {
      const released = ordinary.filter((item) => item.profile.tariffCode !== undefined);
      // A manufacturer enters its finished goods, at the rate of the finished product.
      const made = released.filter((item) => has(item, 'output'));
      return made.length > 0 ? made : released.filter((item) => foreignOrigins(item).length > 0);
    }
    case 'DOMESTIC_ADMISSION':
      return ordinary.filter((item) => has(item, 'domestic'));
    case 'PROCESSING':
      return ordinary.filter((item) => has(item, 'input'));
    case 'DESTRUCTION': {
      const waste = enterprise.items.filter((item) => has(item, 'waste'));
      return waste.length > 0 ? waste : ordinary;
    }
    case 'EXPORT':
    case 'TRANSFER':
      return outputs.length > 0 ? outputs : ordinary;
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
  if (type === 'PROCESSING') return bookOf(enterprise, zoneId, 'PROCESSING') !== undefined && bomOf(enterprise) !== undefined;
  if (type === 'TRANSFER') return transferTarget(world, enterprise, zoneId) !== undefined;
  return true;
}

/** An ordinary declaration: enterprise by its share of the traffic, then type (among `only`, if given) and zone. */
export function chooseIntent(rng: Rng, world: TrafficWorld, only?: DeclarationType | readonly DeclarationType[]): Intent {
  const allowed = only === undefined ? null : typeof only === 'string' ? [only] : only;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const enterprise = rng.weighted(world.enterprises.map((e) => [e, e.profile.weight] as const));
    const zone = zoneOf(world, rng.pick(enterprise.zoneIds));
    const types = enterprise.profile.types.filter(([t]) => (allowed ? allowed.includes(t) : true) && feasible(world, enterprise, t, zone.id));
    if (types.length === 0) continue;
    return { enterprise, type: rng.weighted(types), zone };
  }
  throw new Error(`no demo enterprise can declare ${allowed?.join(' or ') ?? 'anything'}`);
}

/** The admissions that fill an enterprise's empty books: its foreign goods in each zone, and domestic inputs where it manufactures. */
export function stockingIntents(world: TrafficWorld): Intent[] {
  const intents: Intent[] = [];
  for (const enterprise of world.enterprises) {
    for (const zoneId of enterprise.zoneIds) {
      const zone = zoneOf(world, zoneId);
      if (feasible(world, enterprise, 'ADMISSION', zoneId)) intents.push({ enterprise, type: 'ADMISSION', zone, stocking: true });
      // Inputs bought in the United States come in only by domestic admission; without them nothing is made.
      const domesticInputs = candidates(enterprise, 'DOMESTIC_ADMISSION').filter((item) => has(item, 'input') && foreignOrigins(item).length === 0);
      if (domesticInputs.length > 0 && bookOf(enterprise, zoneId, 'PROCESSING')) intents.push({ enterprise, type: 'DOMESTIC_ADMISSION', zone, stocking: true });
    }
  }
  return intents;
}

/**
 * A declaration that waits: selectivity sends it to `lane`; for 'ANY' it is either stopped by
 * selectivity or a domestic release, which waits for its duties even when GREEN; for 'DUTIES' it is
 * such a release of dutiable goods.
 */
export function chooseHeldIntent(rng: Rng, world: TrafficWorld, lane: 'RED' | 'YELLOW' | 'ANY' | 'DUTIES'): Intent {
  // Grouped by why the declaration is stopped, so that each reason is as likely as the others
  // however many enterprises it applies to.
  const reasons = new Map<string, Intent[]>();
  const add = (reason: string, intent: Intent) => reasons.set(reason, [...(reasons.get(reason) ?? []), intent]);
  for (const enterprise of world.enterprises) {
    const zone = zoneOf(world, rng.pick(enterprise.zoneIds));
    const tagged = (tag: string) => enterprise.items.some((item) => has(item, tag));
    if (lane === 'RED' || lane === 'ANY') {
      if (tagged('restricted')) add('restricted', { enterprise, type: 'ADMISSION', zone, focus: { tag: 'restricted' } });
      if (tagged('phones')) add('phones', { enterprise, type: 'ADMISSION', zone, focus: { tag: 'phones' } });
    }
    if (lane !== 'RED') {
      if (lane !== 'DUTIES' && focusItems(enterprise, { tag: 'apparel' }).length > 0) add('apparel', { enterprise, type: 'ADMISSION', zone, focus: { tag: 'apparel' } });
      const released = candidates(enterprise, 'DOMESTIC_RELEASE');
      // Finished goods of the zone go duty-free: their bill is settled on issue and nothing waits for it.
      const dutiable = released.some((item) => !has(item, 'output'));
      const release: Intent = { enterprise, type: 'DOMESTIC_RELEASE', zone };
      if (enterprise.profile.aeoStatus === 'NONE') {
        if (released.length > 0 && (lane !== 'DUTIES' || dutiable)) add('release without AEO', release);
      } else if (lane !== 'YELLOW' && dutiable) {
        add('release awaiting duties', release);
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

function line(rng: Rng, item: WorldItem, origin: string, quantity: Decimal.Value, extra: Partial<LineInput> = {}): LineInput {
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
    ...extra,
  };
}

/** Quantity of goods arriving on one line. */
function arrivingQuantity(rng: Rng, item: WorldItem, focus?: Focus): number {
  const [low, high] = item.profile.quantity;
  if (focus?.tag === 'phones' && has(item, 'phones')) return rng.int(1_700, 3_200);
  return rng.int(low, high);
}

/** Part of what the book holds free that a line of this type takes: whole units, at least one. */
function leavingQuantity(rng: Rng, item: WorldItem, type: DeclarationType, free: Decimal): Decimal | null {
  const whole = free.floor();
  if (whole.lt(1)) return null;
  let share: number;
  switch (type) {
    case 'DESTRUCTION':
      // What processing rejected goes in full; of other goods, a damaged or spoiled part.
      share = has(item, 'byproduct') ? 100 : rng.int(2, 8);
      break;
    case 'EXPORT':
      share = rng.chance(0.3) ? 100 : rng.int(30, 90);
      break;
    case 'DOMESTIC_RELEASE':
      share = rng.int(15, 60);
      break;
    case 'TRANSFER':
    case 'PROCESSING':
    case 'ADMISSION':
    case 'DOMESTIC_ADMISSION':
      share = rng.int(20, 60);
      break;
  }
  return Decimal.max(whole.times(share).div(100).floor(), 1);
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

function lineCount(rng: Rng, type: DeclarationType): number {
  if (type === 'DESTRUCTION') return 1;
  return rng.weighted([[1, 50], [2, 30], [3, 15], [4, 5]] as const);
}

/** Goods arriving: items of the catalogue (all of them when stocking), all kept in the same book. */
function arrivingLines(rng: Rng, intent: Intent): { bookId: string; lines: LineInput[] } | null {
  const { enterprise, type, zone, focus } = intent;
  const pool = candidates(enterprise, type);
  let items: WorldItem[];
  if (intent.stocking) items = pool;
  else if (!focus) items = rng.sample(pool, lineCount(rng, type));
  else {
    const first = rng.pick(focusItems(enterprise, focus));
    // Restricted goods travel alone; a focused line may share the declaration with ordinary goods.
    items = focus.tag === 'restricted' ? [first] : [first, ...rng.sample(pool.filter((item) => item.id !== first.id), lineCount(rng, type) - 1)];
  }
  const book = items[0] ? bookFor(enterprise, zone.id, items[0]) : undefined;
  if (!book) return null;
  const kept = items.filter((item) => bookFor(enterprise, zone.id, item)?.id === book.id);
  return { bookId: book.id, lines: kept.map((item) => line(rng, item, originFor(rng, item, type, focus), arrivingQuantity(rng, item, focus))) };
}

/** Goods leaving a book: items the book holds free, part of each. Null when it holds none of them. */
async function leavingLines(rng: Rng, intent: Intent, stock: StockLookup): Promise<{ bookId: string; lines: LineInput[] } | null> {
  const { enterprise, type, zone } = intent;
  const pool = candidates(enterprise, type);
  const books = [...new Set(pool.flatMap((item) => bookFor(enterprise, zone.id, item)?.id ?? []))];
  const free = new Map<string, Decimal>();
  for (const bookId of books) {
    for (const [itemId, quantity] of await stock.free(bookId)) if (quantity.gte(1)) free.set(`${bookId}|${itemId}`, quantity);
  }
  const held = (item: WorldItem) => {
    const bookId = bookFor(enterprise, zone.id, item)?.id;
    return bookId ? free.get(`${bookId}|${item.id}`) : undefined;
  };
  const stocked = pool.filter((item) => held(item) !== undefined);
  const first = stocked.length > 0 ? rng.pick(stocked) : undefined;
  const book = first ? bookFor(enterprise, zone.id, first) : undefined;
  if (!first || !book) return null;
  const others = stocked.filter((item) => item.id !== first.id && bookFor(enterprise, zone.id, item)?.id === book.id);
  const items = [first, ...rng.sample(others, lineCount(rng, type) - 1)];
  const lines: LineInput[] = [];
  for (const item of items) {
    const quantity = leavingQuantity(rng, item, type, held(item) as Decimal);
    if (!quantity) continue;
    const tariff = type === 'DOMESTIC_RELEASE' && item.profile.tariffCode ? { tariffCode: item.profile.tariffCode } : {};
    lines.push(line(rng, item, originFor(rng, item, type), quantity, tariff));
  }
  return lines.length > 0 ? { bookId: book.id, lines } : null;
}

/**
 * A processing run in whole batches, as many as the inputs in the book allow (up to four): each
 * input as the bill of materials says (now and then one piece off, as counts at a line are), the
 * output, and the scrap the bill expects. An off-spec run breaks some of the fragile input on the
 * line: more of it is consumed, and the broken pieces are booked as waste.
 */
async function processingLines(rng: Rng, intent: Intent, stock: StockLookup): Promise<{ bookId: string; lines: LineInput[] } | null> {
  const { enterprise, zone } = intent;
  const made = bomOf(enterprise);
  const book = bookOf(enterprise, zone.id, 'PROCESSING');
  if (!made || !book) return null;
  const { bom, output, waste, inputs } = made;
  const free = await stock.free(book.id);
  // Starts per batch: the batch's good outputs over the yield.
  const starts = new Decimal(bom.batch).div(bom.yield);
  const breakage = intent.offSpec ? new Decimal(rng.int(4, 7)).div(100) : new Decimal(0);
  const fragile = (i: (typeof inputs)[number]) => i.item.profile.partNumber === bom.fragile;
  const batchesFor = (i: (typeof inputs)[number]) => {
    // Room for the breakage and a miscount.
    const perBatch = starts.times(i.input.quantityPerOutput).times(fragile(i) ? breakage.plus(1) : 1);
    return (free.get(i.item.id) ?? new Decimal(0)).minus(1).div(perBatch).floor().toNumber();
  };
  const batches = Math.min(rng.int(2, 4), ...inputs.map(batchesFor));
  if (batches < 1) return null;

  const miscounted = rng.chance(0.3) ? rng.pick(inputs.filter((i) => !fragile(i))) : undefined;
  const lines: LineInput[] = [];
  const scrapLines: LineInput[] = [];
  let broken = new Decimal(0);
  for (const i of inputs) {
    const expected = starts.times(i.input.quantityPerOutput).times(batches);
    let quantity = expected;
    if (fragile(i)) {
      broken = expected.times(breakage).ceil();
      quantity = expected.plus(broken);
    }
    if (i === miscounted) quantity = quantity.plus(rng.pick([-1, 1]));
    lines.push(line(rng, i.item, originFor(rng, i.item, 'PROCESSING'), quantity, { processingRole: 'INPUT' }));
    if (i.scrap && i.input.scrapShare) scrapLines.push(line(rng, i.scrap, 'US', expected.times(i.input.scrapShare), { processingRole: 'SCRAP' }));
  }
  lines.push(line(rng, output, 'US', new Decimal(bom.batch).times(batches), { processingRole: 'OUTPUT' }), ...scrapLines);
  if (broken.gt(0)) lines.push(line(rng, waste, 'US', broken, { processingRole: 'WASTE' }));
  return { bookId: book.id, lines };
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

/**
 * The body an enterprise user would submit for this intent, or null when it would take goods out
 * of a book that holds none of them (the caller declares something else).
 */
export async function composeDeclaration(rng: Rng, world: TrafficWorld, intent: Intent, stock: StockLookup): Promise<SubmitDeclaration | null> {
  const { enterprise, type, zone } = intent;
  const chosen =
    type === 'PROCESSING' ? await processingLines(rng, intent, stock) : drawsDown(type) ? await leavingLines(rng, intent, stock) : arrivingLines(rng, intent);
  if (!chosen) return null;
  const { bookId, lines } = chosen;
  const grossMass = lines.reduce((sum, l) => sum.plus(l.grossMass), new Decimal(0));
  const origin = lines[0]?.originCountry ?? 'CN';
  const air = lines.some((l) => enterprise.items.some((item) => item.id === l.itemId && has(item, 'air')));

  const body: SubmitDeclaration = {
    type,
    zoneId: zone.id,
    bookId,
    currency: 'USD',
    traderReference: `${REFERENCE_PREFIX[type]}${rng.digits(type === 'ADMISSION' ? 8 : 6)}`,
    transport: { mode: 'ROAD' },
    lines,
  };

  let transport: Transport;
  switch (type) {
    case 'ADMISSION': {
      const carrier = AIR_CARRIERS[origin];
      if (carrier && air && rng.chance(0.6)) {
        // Air freight lands at JFK and is trucked into the zone under bond.
        transport = {
          mode: 'AIR',
          vesselOrFlight: `${carrier.iata}${rng.int(100, 999)}`,
          vehiclePlate: plate(rng),
          seals: [`CBP${rng.digits(7)}`],
          transportDocument: { type: 'AIR_WAYBILL', number: airWaybill(rng, carrier.awbPrefix) },
          portOfLoading: carrier.airport,
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

/** A Fedwire IMAD, as the bank quotes it with a payment: the date, the sender's source id and a sequence. */
export function bankReference(rng: Rng, at: Date): string {
  return `${at.toISOString().slice(0, 10).replaceAll('-', '')}${rng.pick(['QMGFT015', 'B1QGC04C', 'MMQFMP9T', 'I1B7033R'])}${rng.digits(6)}`;
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
