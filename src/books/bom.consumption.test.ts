import { describe, expect, it } from 'vitest';
import { bomInForce, tallyConsumption, type BomVersion, type ItemRef, type ProcessingLine } from './bom.consumption.ts';

const item = (id: string, unit = 'KGM'): ItemRef => ({ id, partNumber: id.toUpperCase(), description: id, unit });
const steel = item('steel');
const paint = item('paint', 'LTR');
const offcuts = item('offcuts');
const frame = item('frame', 'H87');

const version = (v: number, validFrom: string, extra: Partial<BomVersion> = {}): BomVersion => ({
  id: `bom-${v}`,
  outputItemId: frame.id,
  version: v,
  yieldShare: '1',
  validFrom,
  inputs: [{ item: steel, quantityPerOutput: '2', wasteShare: '0', scrapShare: '0', wasteItem: null, scrapItem: null }],
  ...extra,
});

const lineOf = (lineNo: number, role: ProcessingLine['role'], of: ItemRef | null, quantity: string): ProcessingLine => ({
  lineNo,
  role,
  item: of,
  partNumber: of?.partNumber ?? null,
  hsCode: '730890',
  description: of?.description ?? 'unknown',
  quantity,
  unit: of?.unit ?? 'KGM',
});

describe('bomInForce', () => {
  const versions = [version(1, '2026-01-01'), version(2, '2026-03-01'), version(3, '2026-03-01'), version(4, '2025-06-01')];

  it('takes the latest valid_from on or before the date, and of those the highest version', () => {
    expect(bomInForce(versions, '2025-05-31')).toBeNull();
    expect(bomInForce(versions, '2025-12-31')?.version).toBe(4);
    expect(bomInForce(versions, '2026-02-28')?.version).toBe(1);
    expect(bomInForce(versions, '2026-03-01')?.version).toBe(3);
    expect(bomInForce(versions, '2027-01-01')?.version).toBe(3);
  });
});

describe('tallyConsumption', () => {
  const bom = version(1, '2026-01-01', {
    yieldShare: '0.8',
    inputs: [
      { item: steel, quantityPerOutput: '2.5', wasteShare: '0.1', scrapShare: '0.02', wasteItem: offcuts, scrapItem: null },
      { item: paint, quantityPerOutput: '0.3', wasteShare: '0', scrapShare: '0', wasteItem: null, scrapItem: null },
    ],
  });
  const boms = new Map([[frame.id, [bom]]]);

  it('expects output × quantity per output ÷ yield of each input, and the waste and scrap shares of that', () => {
    const { tally, outputs } = tallyConsumption(
      [
        lineOf(1, 'INPUT', steel, '313'),
        lineOf(2, 'INPUT', paint, '37.5'),
        lineOf(3, 'OUTPUT', frame, '100'),
        lineOf(4, 'WASTE', offcuts, '31.25'),
        lineOf(5, 'SCRAP', steel, '5'),
      ],
      boms,
      '2026-02-01',
    );
    expect(outputs).toEqual([
      { lineNo: 3, itemId: 'frame', partNumber: 'FRAME', quantity: '100', unit: 'H87', bom: { id: 'bom-1', version: 1, validFrom: '2026-01-01', yieldShare: '0.8' } },
    ]);
    // Steel: 100 × 2.5 ÷ 0.8 = 312.5, waste 31.25 (booked as offcuts), scrap 6.25; paint 100 × 0.3 ÷ 0.8 = 37.5.
    expect(tally.rows('0.01')).toEqual([
      expect.objectContaining({ role: 'INPUT', itemId: 'paint', expected: '37.5', declared: '37.5', difference: '0', differenceShare: '0', flagged: false }),
      expect.objectContaining({ role: 'INPUT', itemId: 'steel', expected: '312.5', declared: '313', difference: '0.5', differenceShare: '0.0016', flagged: false }),
      expect.objectContaining({ role: 'WASTE', itemId: 'offcuts', expected: '31.25', declared: '31.25', flagged: false }),
      expect.objectContaining({ role: 'SCRAP', itemId: 'steel', expected: '6.25', declared: '5', difference: '-1.25', differenceShare: '-0.2', flagged: true }),
    ]);
  });

  it('expects nothing of outputs without a bill in force, and flags inputs nobody expected', () => {
    const { tally, outputs } = tallyConsumption(
      [lineOf(1, 'INPUT', steel, '10'), lineOf(2, 'OUTPUT', frame, '4'), lineOf(3, 'INPUT', null, '1')],
      boms,
      '2025-12-31',
    );
    expect(outputs[0]?.bom).toBeNull();
    expect(tally.rows('0.01')).toEqual([
      expect.objectContaining({ role: 'INPUT', itemId: null, partNumber: null, expected: '0', declared: '1', flagged: true }),
      expect.objectContaining({ role: 'INPUT', itemId: 'steel', expected: '0', declared: '10', differenceShare: null, flagged: true }),
    ]);
  });

  it('sums several outputs of the same bill and merges declarations', () => {
    const first = tallyConsumption([lineOf(1, 'OUTPUT', frame, '8'), lineOf(2, 'INPUT', steel, '25')], boms, '2026-01-01');
    const second = tallyConsumption([lineOf(1, 'OUTPUT', frame, '8'), lineOf(2, 'OUTPUT', frame, '8'), lineOf(3, 'INPUT', steel, '50')], boms, '2026-01-02');
    first.tally.merge(second.tally);
    const steelRow = first.tally.rows('0.01').find((row) => row.role === 'INPUT' && row.itemId === 'steel');
    expect(steelRow).toMatchObject({ expected: '75', declared: '75', flagged: false });
  });
});
