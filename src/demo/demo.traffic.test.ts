import { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceData, type ReferenceData } from '../reference/reference.ts';
import { checkContainerNumber } from '../reference/validators.ts';
import { basisOf } from '../duties/duty.computation.ts';
import { parseRate } from '../duties/tariff.rates.ts';
import { readSample } from '../duties/tariff.schedule.ts';
import { AIR_CARRIERS, DEMO_BOMS, DEMO_ENTERPRISES, DEMO_TIME_ZONE, DEMO_ZONES, PORTS_OF_DISCHARGE, PORTS_OF_LOADING, SEA_CARRIERS } from './demo.data.ts';
import { planHistory } from './demo.history.ts';
import { seededRng } from './demo.random.ts';
import { Agenda, atWallTime, wallTime, withinHours } from './demo.time.ts';
import { airWaybill, composeDeclaration, containerNumber, type StockLookup, type TrafficWorld } from './demo.traffic.ts';

/** The demo's records with made-up ids, as the loader would have stored them. */
function fakeWorld(): TrafficWorld {
  let n = 0;
  const id = () => `00000000-0000-4000-8000-${String((n += 1)).padStart(12, '0')}`;
  const zones = DEMO_ZONES.map((zone) => ({ id: id(), code: zone.code, locode: zone.locode }));
  const enterprises = DEMO_ENTERPRISES.map((profile) => {
    const zoneIds = profile.zones.map((code) => zones.find((zone) => zone.code === code)?.id as string);
    const books = zoneIds.flatMap((zoneId) => [
      { id: id(), zoneId, kind: 'STORAGE' as const },
      ...(profile.roles.includes('MANUFACTURER') ? [{ id: id(), zoneId, kind: 'PROCESSING' as const }] : []),
    ]);
    return { profile, id: id(), zoneIds, books, items: profile.items.map((item) => ({ id: id(), profile: item })) };
  });
  return { zones, enterprises };
}

/** Books that hold `quantity` of every item. */
const plenty = (quantity = 1_000_000): StockLookup => ({
  free: (bookId) => {
    const world = lastWorld;
    const items = world?.enterprises.find((e) => e.books.some((b) => b.id === bookId))?.items ?? [];
    return Promise.resolve(new Map(items.map((item) => [item.id, new Decimal(quantity)])));
  },
});
let lastWorld: TrafficWorld | undefined;

function world(): TrafficWorld {
  lastWorld = fakeWorld();
  return lastWorld;
}

describe('demo data', () => {
  let reference: ReferenceData;
  beforeAll(async () => {
    reference = await loadReferenceData();
  });

  it('uses real HS 2022 subheadings, Rec. 20 units and ISO 3166 origins', () => {
    const hs = reference.hs('HS2022');
    for (const enterprise of DEMO_ENTERPRISES) {
      expect(enterprise.items.length).toBeGreaterThanOrEqual(4);
      expect(enterprise.items.length).toBeLessThanOrEqual(8);
      for (const item of enterprise.items) {
        expect(hs.isSubheading(item.hsCode), `${item.partNumber} ${item.hsCode}`).toBe(true);
        expect(reference.units.get(item.unit), item.unit).toBeDefined();
        for (const origin of item.origins) expect(reference.countries.get(origin), origin).toBeDefined();
      }
      for (const country of enterprise.exportTo) expect(PORTS_OF_DISCHARGE[country], country).toBeDefined();
    }
  });

  it('enters released goods under tariff lines of the shipped schedule whose rates Cordon computes for their unit', async () => {
    const { schedule } = await readSample();
    const lines = new Map(schedule.lines.map((line) => [line.code, line]));
    for (const item of DEMO_ENTERPRISES.flatMap((enterprise) => enterprise.items)) {
      if (!item.tariffCode) continue;
      const line = lines.get(item.tariffCode);
      expect(line, `${item.partNumber} ${item.tariffCode}`).toBeDefined();
      expect(item.tariffCode.startsWith(item.hsCode)).toBe(true);
      const rate = parseRate(lines.get(line?.rateCode ?? '')?.generalRate ?? '');
      expect(rate.computable, `${item.partNumber}: ${rate.text}`).toBe(true);
      for (const component of rate.computable ? rate.components : []) {
        if (component.kind === 'SPECIFIC') expect(basisOf({ quantity: '1', unit: item.unit, netMass: '1' }, component.measure), item.partNumber).not.toBeNull();
      }
    }
  });

  it('makes outputs from items of the maker\'s catalogue, with scrap and waste kept in the inputs\' unit', () => {
    for (const bom of DEMO_BOMS) {
      const items = DEMO_ENTERPRISES.find((enterprise) => enterprise.key === bom.enterprise)?.items ?? [];
      const item = (partNumber: string) => items.find((i) => i.partNumber === partNumber);
      expect(item(bom.output)?.tags).toContain('output');
      expect(new Decimal(bom.batch).div(bom.yield).isInteger()).toBe(true);
      for (const input of bom.inputs) {
        expect(item(input.partNumber)?.tags).toContain('input');
        if (input.scrapItem) expect(item(input.scrapItem)?.unit).toBe(item(input.partNumber)?.unit);
      }
      expect(item(bom.wasteItem)?.unit).toBe(item(bom.fragile)?.unit);
    }
  });

  it('names ports and airports by their UN/LOCODE', () => {
    const codes = [
      ...DEMO_ZONES.map((zone) => zone.locode),
      ...Object.values(PORTS_OF_LOADING).flat(),
      ...Object.values(PORTS_OF_DISCHARGE).flat(),
      ...Object.values(AIR_CARRIERS).map((carrier) => carrier.airport),
    ];
    for (const code of codes) expect(reference.locodes.get(code), code).toBeDefined();
  });

  it('draws each zone as a closed ring of 6 to 12 corners with its gates on the outline', () => {
    for (const zone of DEMO_ZONES) {
      expect(zone.ring[0]).toEqual(zone.ring.at(-1));
      expect(zone.ring.length - 1).toBeGreaterThanOrEqual(6);
      expect(zone.ring.length - 1).toBeLessThanOrEqual(12);
      const lons = zone.ring.map(([lon]) => lon);
      const lats = zone.ring.map(([, lat]) => lat);
      for (const gate of zone.gates) {
        expect(gate.longitude).toBeGreaterThanOrEqual(Math.min(...lons) - 0.001);
        expect(gate.longitude).toBeLessThanOrEqual(Math.max(...lons) + 0.001);
        expect(gate.latitude).toBeGreaterThanOrEqual(Math.min(...lats) - 0.001);
        expect(gate.latitude).toBeLessThanOrEqual(Math.max(...lats) + 0.001);
      }
    }
  });
});

describe('demo traffic', () => {
  it('writes container numbers with valid ISO 6346 check digits', () => {
    const rng = seededRng(7);
    for (let i = 0; i < 500; i += 1) {
      const prefix = rng.pick(rng.pick(SEA_CARRIERS).prefixes);
      const number = containerNumber(rng, prefix);
      expect(checkContainerNumber(number), number).toMatchObject({ valid: true });
      expect(number.startsWith(prefix)).toBe(true);
    }
  });

  it('writes air waybills whose last digit is the serial modulo 7', () => {
    const awb = airWaybill(seededRng(3), '176');
    const [, serial = '', check = ''] = /^176-(\d{7})(\d)$/.exec(awb) ?? [];
    expect(Number(serial) % 7).toBe(Number(check));
  });

  it('plans and writes the same declarations from the same seed and stock', async () => {
    const demo = world();
    const bodies = async (seed: number) => {
      const rng = seededRng(seed);
      const written = [];
      for (const story of planHistory(rng, demo, new Date('2025-03-12T15:00:00Z'))) {
        written.push([story.at, story.target, await composeDeclaration(rng, demo, story.intent, plenty())]);
      }
      return written;
    };
    expect(await bodies(11)).toEqual(await bodies(11));
    expect(await bodies(11)).not.toEqual(await bodies(12));
  });

  it('opens the month with arrivals that fill every book, and plans processing that goes off the bill of materials', () => {
    const now = new Date('2025-03-12T15:00:00Z');
    const stories = planHistory(seededRng(1), fakeWorld(), now);
    const opening = stories.filter((story) => story.at.getTime() < now.getTime() - 27 * 86_400_000);
    expect(opening.length).toBeGreaterThan(10);
    expect(new Set(opening.map((story) => story.intent.type))).toEqual(new Set(['ADMISSION', 'DOMESTIC_ADMISSION']));
    const stocking = opening.filter((story) => story.intent.stocking);
    expect(stocking.every((story) => story.target === 'COMPLETED')).toBe(true);
    // Every book that goods arrive in: each enterprise in each of its zones, and the maker's domestic inputs.
    expect(stocking.length).toBe(DEMO_ENTERPRISES.reduce((n, e) => n + e.zones.length, 0) + 1);
    expect(stories.filter((story) => story.intent.offSpec && story.intent.type === 'PROCESSING')).toHaveLength(2);
  });

  it('takes no more than a book holds free, and nothing from a book that holds none', async () => {
    const demo = world();
    const rng = seededRng(9);
    const harbor = demo.enterprises.find((e) => e.profile.key === 'harborpoint');
    const meridian = demo.enterprises.find((e) => e.profile.key === 'meridian');
    const zone = demo.zones.find((z) => z.code === 'FTZ49');
    if (!harbor || !meridian || !zone) throw new Error('the demo world is incomplete');
    const empty: StockLookup = { free: () => Promise.resolve(new Map()) };
    for (const type of ['EXPORT', 'DOMESTIC_RELEASE', 'TRANSFER', 'DESTRUCTION'] as const) {
      expect(await composeDeclaration(rng, demo, { enterprise: harbor, zone, type }, empty)).toBeNull();
      const body = await composeDeclaration(rng, demo, { enterprise: harbor, zone, type }, plenty(37));
      for (const line of body?.lines ?? []) expect(Number(line.quantity)).toBeLessThanOrEqual(37);
    }
    expect(await composeDeclaration(rng, demo, { enterprise: meridian, zone, type: 'PROCESSING' }, plenty(100))).toBeNull();
    const run = await composeDeclaration(rng, demo, { enterprise: meridian, zone, type: 'PROCESSING' }, plenty(201));
    expect(run?.lines.filter((l) => l.processingRole === 'OUTPUT').map((l) => l.quantity)).toEqual(['196']);
  });

  it('plans 300 declarations over the past month, in working hours, with every ending', () => {
    const now = new Date('2025-03-12T15:00:00Z');
    const stories = planHistory(seededRng(1), fakeWorld(), now);
    expect(stories).toHaveLength(300);
    const times = stories.map((story) => story.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThan(now.getTime() - 31 * 86_400_000);
    expect(Math.max(...times)).toBeLessThan(now.getTime());
    for (const story of stories) {
      const local = wallTime(story.at, DEMO_TIME_ZONE);
      expect(local.hour).toBeGreaterThanOrEqual(7);
      expect(local.hour).toBeLessThan(19);
    }
    const targets = new Set(stories.map((story) => story.target));
    expect(targets).toEqual(new Set(['COMPLETED', 'RELEASED', 'WAITING', 'UNDER_INSPECTION', 'REJECTED', 'CANCELLED']));
    expect(stories.filter((story) => story.amend).length).toBeGreaterThanOrEqual(5);
    expect(new Set(stories.map((story) => story.intent.type)).size).toBe(7);
  });

  it('fits every declaration to its type', async () => {
    const demo = world();
    const rng = seededRng(5);
    for (const story of planHistory(rng, demo, new Date('2025-06-02T12:00:00Z'))) {
      const body = await composeDeclaration(rng, demo, story.intent, plenty());
      if (!body) throw new Error(`nothing written for ${story.intent.type}`);
      expect(body.lines.length).toBeGreaterThan(0);
      expect(body.bookId).toBeDefined();
      for (const line of body.lines) {
        expect(Number(line.netMass)).toBeLessThanOrEqual(Number(line.grossMass));
        expect(line.customsValue).toMatch(/^\d+\.\d{2}$/);
      }
      if (body.type === 'EXPORT') expect(body.destinationCountry).toBeDefined();
      if (body.type === 'TRANSFER') expect(body.destination).toBeDefined();
      if (body.type === 'DOMESTIC_ADMISSION') expect(body.lines.every((line) => line.originCountry === 'US')).toBe(true);
      if (body.type === 'DOMESTIC_RELEASE') expect(body.lines.every((line) => /^\d{8}(\d{2})?$/.test(line.tariffCode ?? ''))).toBe(true);
      if (body.type === 'PROCESSING') {
        expect(body.lines.map((line) => line.processingRole)).toEqual(expect.arrayContaining(['INPUT', 'OUTPUT', 'SCRAP']));
      } else expect(body.lines.every((line) => line.processingRole === undefined)).toBe(true);
    }
  });
});

describe('demo time', () => {
  it('takes what is due earliest first, and what is due together in the order it was added', () => {
    const agenda = new Agenda<string>();
    agenda.add(new Date(3000), 'c');
    agenda.add(new Date(1000), 'a');
    agenda.add(new Date(3000), 'd');
    agenda.add(new Date(2000), 'b');
    const order: string[] = [];
    for (let due = agenda.next(); due; due = agenda.next()) order.push(due.value);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('converts wall time in New York to instants across daylight saving', () => {
    expect(atWallTime(DEMO_TIME_ZONE, 2025, 1, 15, 9, 0).toISOString()).toBe('2025-01-15T14:00:00.000Z');
    expect(atWallTime(DEMO_TIME_ZONE, 2025, 7, 15, 9, 0).toISOString()).toBe('2025-07-15T13:00:00.000Z');
    expect(atWallTime(DEMO_TIME_ZONE, 2025, 3, 10, 7, 30).toISOString()).toBe('2025-03-10T11:30:00.000Z');
  });

  it('moves work outside the hours to the next opening', () => {
    const late = new Date('2025-01-15T23:30:00Z'); // 18:30 in New York
    expect(withinHours(late, DEMO_TIME_ZONE, 7, 18, 10).toISOString()).toBe('2025-01-16T12:10:00.000Z');
    const inside = new Date('2025-01-15T15:00:00Z');
    expect(withinHours(inside, DEMO_TIME_ZONE, 7, 18, 10)).toBe(inside);
  });
});
