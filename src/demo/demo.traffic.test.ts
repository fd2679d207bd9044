import { beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceData, type ReferenceData } from '../reference/reference.ts';
import { checkContainerNumber } from '../reference/validators.ts';
import { AIR_CARRIERS, DEMO_ENTERPRISES, DEMO_TIME_ZONE, DEMO_ZONES, PORTS_OF_DISCHARGE, PORTS_OF_LOADING, SEA_CARRIERS } from './demo.data.ts';
import { planHistory } from './demo.history.ts';
import { seededRng } from './demo.random.ts';
import { atWallTime, wallTime, withinHours } from './demo.time.ts';
import { airWaybill, composeDeclaration, containerNumber, type TrafficWorld } from './demo.traffic.ts';

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

  it('composes the same declarations from the same seed', () => {
    const world = fakeWorld();
    const bodies = (seed: number) => {
      const rng = seededRng(seed);
      return planHistory(rng, world, new Date('2025-03-12T15:00:00Z')).map((story) => story.body);
    };
    expect(bodies(11)).toEqual(bodies(11));
    expect(bodies(11)).not.toEqual(bodies(12));
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

  it('fits every declaration to its type', () => {
    const world = fakeWorld();
    const rng = seededRng(5);
    for (const story of planHistory(rng, world, new Date('2025-06-02T12:00:00Z'))) {
      const body = composeDeclaration(rng, world, story.intent);
      expect(body.lines.length).toBeGreaterThan(0);
      for (const line of body.lines) {
        expect(Number(line.netMass)).toBeLessThanOrEqual(Number(line.grossMass));
        expect(line.customsValue).toMatch(/^\d+\.\d{2}$/);
      }
      if (body.type === 'EXPORT') expect(body.destinationCountry).toBeDefined();
      if (body.type === 'TRANSFER') expect(body.destination).toBeDefined();
      if (body.type === 'DOMESTIC_ADMISSION') expect(body.lines.every((line) => line.originCountry === 'US')).toBe(true);
      if (body.type === 'PROCESSING') expect(body.bookId).toBeDefined();
    }
  });
});

describe('demo time', () => {
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
