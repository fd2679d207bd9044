// Expected consumption of processing, free of I/O. A bill of materials says how much of each input
// one unit of output takes (gross, including what ends as waste and scrap), and the yield says which
// share of production comes out good, so for each OUTPUT line:
//   expected input = output quantity × quantity per output ÷ yield
//   expected waste = expected input × waste share, expected scrap = expected input × scrap share.
// Expected and declared INPUT, WASTE and SCRAP lines are then compared item by item.
import type { Decimal } from 'decimal.js';
import type { ProcessingRole } from '../declarations/declaration.hooks.ts';
import { compareQuantities, dec, quantityText, type Comparison } from './reconciliation.rules.ts';

export interface ItemRef {
  id: string;
  partNumber: string;
  description: string;
  unit: string;
}

export interface BomInputRule {
  item: ItemRef;
  quantityPerOutput: string;
  wasteShare: string;
  scrapShare: string;
  /** Where the waste and scrap are booked; null: under the input item. */
  wasteItem: ItemRef | null;
  scrapItem: ItemRef | null;
}

export interface BomVersion {
  id: string;
  outputItemId: string;
  version: number;
  yieldShare: string;
  /** YYYY-MM-DD */
  validFrom: string;
  inputs: BomInputRule[];
}

export interface ProcessingLine {
  lineNo: number;
  role: ProcessingRole;
  /** The line's item, or the enterprise's item with the line's part number. */
  item: ItemRef | null;
  partNumber: string | null;
  hsCode: string;
  description: string;
  quantity: string;
  unit: string;
}

export type ConsumedRole = Exclude<ProcessingRole, 'OUTPUT'>;

/** Expected and declared quantity of one item in one role. */
export interface Tally {
  role: ConsumedRole;
  itemId: string | null;
  partNumber: string | null;
  description: string;
  unit: string;
  expected: Decimal;
  declared: Decimal;
}

export interface OutputUse {
  lineNo: number;
  itemId: string | null;
  partNumber: string | null;
  quantity: string;
  unit: string;
  /** The bill of materials in force on the declaration's date; null when there is none. */
  bom: { id: string; version: number; validFrom: string; yieldShare: string } | null;
}

export interface ConsumptionRow extends Comparison {
  role: ConsumedRole;
  itemId: string | null;
  partNumber: string | null;
  description: string;
  unit: string;
}

/** The version in force on `date`: the latest valid_from on or before it, and of those the highest version. */
export function bomInForce(versions: readonly BomVersion[], date: string): BomVersion | null {
  let best: BomVersion | null = null;
  for (const bom of versions) {
    if (bom.validFrom > date) continue;
    if (!best || bom.validFrom > best.validFrom || (bom.validFrom === best.validFrom && bom.version > best.version)) best = bom;
  }
  return best;
}

const ROLE_ORDER: Record<ConsumedRole, number> = { INPUT: 0, WASTE: 1, SCRAP: 2 };

function tallyKey(role: ConsumedRole, itemId: string | null, partNumber: string | null, line?: { hsCode: string; unit: string }): string {
  if (itemId) return `${role}|item|${itemId}`;
  if (partNumber) return `${role}|part|${partNumber}`;
  return `${role}|hs|${line?.hsCode ?? ''}|${line?.unit ?? ''}`;
}

export class ConsumptionTally {
  private readonly tallies = new Map<string, Tally>();

  private entry(role: ConsumedRole, key: string, seed: Omit<Tally, 'role' | 'expected' | 'declared'>): Tally {
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { role, ...seed, expected: dec(0), declared: dec(0) };
      this.tallies.set(key, tally);
    }
    return tally;
  }

  expect(role: ConsumedRole, item: ItemRef, quantity: Decimal): void {
    const tally = this.entry(role, tallyKey(role, item.id, item.partNumber), {
      itemId: item.id,
      partNumber: item.partNumber,
      description: item.description,
      unit: item.unit,
    });
    tally.expected = tally.expected.plus(quantity);
  }

  declare(line: ProcessingLine & { role: ConsumedRole }): void {
    const partNumber = line.item?.partNumber ?? line.partNumber;
    const tally = this.entry(line.role, tallyKey(line.role, line.item?.id ?? null, partNumber, line), {
      itemId: line.item?.id ?? null,
      partNumber,
      description: line.item?.description ?? line.description,
      unit: line.item?.unit ?? line.unit,
    });
    tally.declared = tally.declared.plus(line.quantity);
  }

  merge(other: ConsumptionTally): void {
    for (const [key, tally] of other.tallies) {
      const mine = this.entry(tally.role, key, tally);
      mine.expected = mine.expected.plus(tally.expected);
      mine.declared = mine.declared.plus(tally.declared);
    }
  }

  /** Rows by role (inputs, waste, scrap), then part number; each compared with the threshold. */
  rows(shareThreshold: string): ConsumptionRow[] {
    return [...this.tallies.values()]
      .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || (a.partNumber ?? '').localeCompare(b.partNumber ?? ''))
      .map((tally) => ({
        role: tally.role,
        itemId: tally.itemId,
        partNumber: tally.partNumber,
        description: tally.description,
        unit: tally.unit,
        ...compareQuantities(tally.expected, tally.declared, shareThreshold),
      }));
  }
}

/** What the lines of one PROCESSING declaration should have consumed, set against what they declare. */
export function tallyConsumption(
  lines: readonly ProcessingLine[],
  bomsByOutputItem: ReadonlyMap<string, readonly BomVersion[]>,
  date: string,
): { tally: ConsumptionTally; outputs: OutputUse[] } {
  const tally = new ConsumptionTally();
  const outputs: OutputUse[] = [];
  for (const line of lines) {
    if (line.role !== 'OUTPUT') {
      tally.declare({ ...line, role: line.role });
      continue;
    }
    const bom = line.item ? bomInForce(bomsByOutputItem.get(line.item.id) ?? [], date) : null;
    outputs.push({
      lineNo: line.lineNo,
      itemId: line.item?.id ?? null,
      partNumber: line.item?.partNumber ?? line.partNumber,
      quantity: quantityText(dec(line.quantity)),
      unit: line.unit,
      bom: bom ? { id: bom.id, version: bom.version, validFrom: bom.validFrom, yieldShare: bom.yieldShare } : null,
    });
    if (!bom) continue;
    for (const input of bom.inputs) {
      const gross = dec(line.quantity).times(input.quantityPerOutput).dividedBy(bom.yieldShare);
      tally.expect('INPUT', input.item, gross);
      const waste = gross.times(input.wasteShare);
      if (!waste.isZero()) tally.expect('WASTE', input.wasteItem ?? input.item, waste);
      const scrap = gross.times(input.scrapShare);
      if (!scrap.isZero()) tally.expect('SCRAP', input.scrapItem ?? input.item, scrap);
    }
  }
  return { tally, outputs };
}
