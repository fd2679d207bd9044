// Bills of materials and expected consumption. A bill says what one unit of an output item takes
// from each input item; every change is a new version (the old ones stay, so that past processing
// is judged by the bill then in force). Consumption sets the inputs, waste and scrap a PROCESSING
// declaration declares against what its outputs should have taken.
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { actorIdOf, type Principal, type Role } from '../platform/auth/principal.ts';
import { AppError, FieldErrors, forbidden, notFound } from '../platform/errors.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import { canSeeEnterprise, type Item, type RegistryService } from '../registry/registry.service.ts';
import type { DeclarationService } from '../declarations/declaration.service.ts';
import { bomRepository as repo, type BomInputRow, type BomRow, type ProcessingLineRow } from './bom.repository.ts';
import type { Bom, BomInput, BomListQuery, BookConsumptionQuery } from './bom.schemas.ts';
import { tallyConsumption, ConsumptionTally, type BomVersion, type ItemRef, type ProcessingLine } from './bom.consumption.ts';
import { dec, MAX_QUANTITY, quantityText } from './reconciliation.rules.ts';
import type { ReconciliationService } from './reconciliation.service.ts';

export interface BomDeps {
  db: Db;
  clock: Clock;
  registry: RegistryService;
  declarations: DeclarationService;
  reconciliation: ReconciliationService;
}

/** Who keeps bills of materials: the enterprise for its own items, and customs. */
export const BOM_WRITERS: readonly Role[] = ['enterprise_user', 'customs_officer', 'admin'];

/** Declarations one book summary may cover; a longer period is asked for in parts. */
const MAX_SUMMARY_DECLARATIONS = 2000;

function itemRef(id: string, partNumber: string, description: string, unit: string): ItemRef {
  return { id, partNumber, description, unit };
}

function inputRule(row: BomInputRow) {
  return {
    item: itemRef(row.input_item_id, row.input_part_number, row.input_description, row.input_unit),
    quantityPerOutput: quantityText(dec(row.quantity_per_output)),
    wasteShare: quantityText(dec(row.waste_share)),
    scrapShare: quantityText(dec(row.scrap_share)),
    wasteItem:
      row.waste_item_id && row.waste_part_number && row.waste_description !== null && row.waste_unit
        ? itemRef(row.waste_item_id, row.waste_part_number, row.waste_description, row.waste_unit)
        : null,
    scrapItem:
      row.scrap_item_id && row.scrap_part_number && row.scrap_description !== null && row.scrap_unit
        ? itemRef(row.scrap_item_id, row.scrap_part_number, row.scrap_description, row.scrap_unit)
        : null,
  };
}

export function presentBom(row: BomRow, inputs: BomInputRow[]): Bom {
  return {
    id: row.id,
    enterpriseId: row.enterprise_id,
    outputItem: itemRef(row.output_item_id, row.output_part_number, row.output_description, row.output_unit),
    version: row.version,
    yield: quantityText(dec(row.yield_share)),
    validFrom: row.valid_from,
    note: row.note,
    inputs: inputs.filter((input) => input.bom_id === row.id).map(inputRule),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

function toBomVersion(row: BomRow, inputs: BomInputRow[]): BomVersion {
  return {
    id: row.id,
    outputItemId: row.output_item_id,
    version: row.version,
    yieldShare: quantityText(dec(row.yield_share)),
    validFrom: row.valid_from,
    inputs: inputs.filter((input) => input.bom_id === row.id).map(inputRule),
  };
}

function toProcessingLine(row: ProcessingLineRow): ProcessingLine | null {
  if (!row.processing_role) return null;
  return {
    lineNo: row.line_no,
    role: row.processing_role,
    item:
      row.item_id && row.item_part_number && row.item_description !== null && row.item_unit
        ? itemRef(row.item_id, row.item_part_number, row.item_description, row.item_unit)
        : null,
    partNumber: row.part_number,
    hsCode: row.hs_code,
    description: row.description,
    quantity: row.quantity,
    unit: row.unit,
  };
}

export function createBomService(deps: BomDeps) {
  const { db, clock, registry, declarations, reconciliation } = deps;

  /** Whether the principal may see the records of an enterprise (its own, or one in the staff member's zones). */
  async function canSeeEnterpriseOf(tx: Db, principal: Principal, enterpriseId: string): Promise<boolean> {
    if (principal.role === 'enterprise_user') return principal.enterpriseId === enterpriseId;
    if (principal.zoneIds === null) return true;
    const enterprise = await registry.findEnterprise(tx, enterpriseId);
    return enterprise !== undefined && canSeeEnterprise(principal, enterprise);
  }

  async function visibleItem(tx: Db, principal: Principal, id: string): Promise<Item | undefined> {
    const item = await registry.findItem(tx, id);
    return item && (await canSeeEnterpriseOf(tx, principal, item.enterpriseId)) ? item : undefined;
  }

  /** Bills of materials of these output items, every version, with their inputs. */
  async function versionsByOutputItem(outputItemIds: string[]): Promise<Map<string, BomVersion[]>> {
    const rows = await repo.versionsFor(db, [...new Set(outputItemIds)]);
    const inputs = await repo.inputs(db, rows.map((row) => row.id));
    const byItem = new Map<string, BomVersion[]>();
    for (const row of rows) {
      const list = byItem.get(row.output_item_id) ?? [];
      list.push(toBomVersion(row, inputs));
      byItem.set(row.output_item_id, list);
    }
    return byItem;
  }

  async function linesOf(declarationIds: string[]): Promise<Map<string, ProcessingLine[]>> {
    const rows = await repo.lines(db, declarationIds);
    const byDeclaration = new Map<string, ProcessingLine[]>();
    for (const row of rows) {
      const line = toProcessingLine(row);
      if (!line) continue;
      const list = byDeclaration.get(row.declaration_id) ?? [];
      list.push(line);
      byDeclaration.set(row.declaration_id, list);
    }
    return byDeclaration;
  }

  function outputItemIds(lines: Iterable<ProcessingLine[]>): string[] {
    const ids: string[] = [];
    for (const list of lines) for (const line of list) if (line.role === 'OUTPUT' && line.item) ids.push(line.item.id);
    return ids;
  }

  return {
    async create(tx: Db, principal: Principal, input: BomInput): Promise<Bom> {
      if (!BOM_WRITERS.includes(principal.role)) throw forbidden();
      const errors = new FieldErrors();
      const output = await visibleItem(tx, principal, input.outputItemId);
      if (!output) errors.add('/outputItemId', 'no such item');
      else if (!output.active) errors.add('/outputItemId', 'the item is not active');
      if (dec(input.yield).isZero()) errors.add('/yield', 'must be greater than 0');

      const seen = new Set<string>();
      for (const [index, line] of input.inputs.entries()) {
        const path = `/inputs/${index}`;
        const item = await registry.findItem(tx, line.itemId);
        if (!item || (output && item.enterpriseId !== output.enterpriseId) || !(await canSeeEnterpriseOf(tx, principal, item.enterpriseId))) {
          errors.add(`${path}/itemId`, 'no such item of the enterprise that makes the output');
        } else if (!item.active) errors.add(`${path}/itemId`, 'the item is not active');
        else if (item.id === input.outputItemId) errors.add(`${path}/itemId`, 'an item cannot be an input of itself');
        else if (seen.has(item.id)) errors.add(`${path}/itemId`, 'is listed twice; give one quantity per input item');
        seen.add(line.itemId);

        const quantity = dec(line.quantityPerOutput);
        if (quantity.isZero()) errors.add(`${path}/quantityPerOutput`, 'must be greater than 0');
        else if (quantity.greaterThan(MAX_QUANTITY)) errors.add(`${path}/quantityPerOutput`, 'must be below 1,000,000,000,000');
        const waste = dec(line.wasteShare ?? '0');
        const scrap = dec(line.scrapShare ?? '0');
        if (waste.greaterThanOrEqualTo(1)) errors.add(`${path}/wasteShare`, 'must be less than 1');
        if (scrap.greaterThanOrEqualTo(1)) errors.add(`${path}/scrapShare`, 'must be less than 1');
        else if (waste.lessThan(1) && waste.plus(scrap).greaterThanOrEqualTo(1)) {
          errors.add(`${path}/scrapShare`, 'wasteShare and scrapShare together must be less than 1');
        }
        for (const field of ['wasteItemId', 'scrapItemId'] as const) {
          const id = line[field];
          if (id === undefined) continue;
          const target = await registry.findItem(tx, id);
          if (!target || !output || target.enterpriseId !== output.enterpriseId) errors.add(`${path}/${field}`, 'no such item of the enterprise that makes the output');
          else if (item && target.unit !== item.unit) errors.add(`${path}/${field}`, `must be kept in the input item's unit ${item.unit}, not ${target.unit}`);
        }
      }
      if (!output || !errors.empty) throw new AppError('VALIDATION_FAILED', 'The bill of materials has invalid fields', errors.details);

      const id = uuidv7();
      const version = await repo.nextVersion(tx, output.id);
      const at = clock.now();
      await repo.insert(tx, {
        id,
        enterpriseId: output.enterpriseId,
        outputItemId: output.id,
        version,
        yieldShare: input.yield,
        validFrom: input.validFrom,
        note: input.note ?? null,
        createdBy: actorIdOf(principal),
        at,
        inputs: input.inputs.map((line) => ({
          inputItemId: line.itemId,
          quantityPerOutput: line.quantityPerOutput,
          wasteShare: line.wasteShare ?? '0',
          scrapShare: line.scrapShare ?? '0',
          wasteItemId: line.wasteItemId ?? null,
          scrapItemId: line.scrapItemId ?? null,
        })),
      });
      const bom = presentBom((await repo.find(tx, id)) as BomRow, await repo.inputs(tx, [id]));
      await appendEvent(tx, {
        type: 'bom.created',
        aggregateType: 'bom',
        aggregateId: id,
        enterpriseId: output.enterpriseId,
        actorId: actorIdOf(principal),
        payload: { record: bom },
      });
      return bom;
    },

    async get(principal: Principal, id: string): Promise<Bom> {
      const row = UUID_PATTERN.test(id) ? await repo.find(db, id) : undefined;
      if (!row || !(await canSeeEnterpriseOf(db, principal, row.enterprise_id))) throw notFound('Bill of materials');
      return presentBom(row, await repo.inputs(db, [row.id]));
    },

    async list(principal: Principal, query: BomListQuery) {
      const limit = query.limit ?? 50;
      const before = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''))?.[0] ?? null;
      const rows = await repo.list(
        db,
        {
          scopeEnterpriseId: principal.role === 'enterprise_user' ? (principal.enterpriseId ?? '00000000-0000-0000-0000-000000000000') : null,
          scopeZoneIds: principal.role === 'enterprise_user' ? null : principal.zoneIds,
          enterpriseId: query.enterpriseId ?? null,
          outputItemId: query.outputItemId ?? null,
        },
        before,
        limit + 1,
      );
      const inputs = await repo.inputs(db, rows.slice(0, limit).map((row) => row.id));
      return toPage(rows, limit, (row) => [row.id], (row) => presentBom(row, inputs));
    },

    /** Expected against declared consumption of one PROCESSING declaration, by the bills in force on its date. */
    async declarationConsumption(principal: Principal, id: string) {
      // The declaration's own visibility rules apply: another enterprise's declaration is not found.
      const declaration = await declarations.get(principal, id);
      if (declaration.type !== 'PROCESSING') {
        throw new AppError('CONFLICT', `Consumption is computed for PROCESSING declarations; this is ${declaration.type === 'ADMISSION' ? 'an' : 'a'} ${declaration.type}`);
      }
      const date = declaration.submittedAt.slice(0, 10);
      const lines = (await linesOf([id])).get(id) ?? [];
      const boms = await versionsByOutputItem(outputItemIds([lines]));
      const { shareThreshold } = await reconciliation.getSettings();
      const { tally, outputs } = tallyConsumption(lines, boms, date);
      const rows = tally.rows(shareThreshold);
      return {
        declarationId: declaration.id,
        reference: declaration.reference,
        state: declaration.state,
        bookId: declaration.bookId,
        date,
        shareThreshold,
        outputs,
        lines: rows,
        flaggedCount: rows.filter((row) => row.flagged).length,
      };
    },

    /** Consumption over a processing book's declarations submitted in a period (not cancelled or rejected). */
    async bookConsumption(principal: Principal, bookId: string, query: BookConsumptionQuery) {
      const book = await registry.getBook(principal, bookId);
      if (book.kind !== 'PROCESSING') throw new AppError('CONFLICT', 'Consumption is kept in PROCESSING books; this is a STORAGE book');
      const from = query.from ?? null;
      const to = query.to ?? null;
      if (from && to && to < from) {
        throw new AppError('VALIDATION_FAILED', 'The period is empty', [{ path: '/querystring/to', message: 'must not be before from' }]);
      }
      const found = await repo.bookDeclarations(db, bookId, from, to, MAX_SUMMARY_DECLARATIONS + 1);
      if (found.length > MAX_SUMMARY_DECLARATIONS) {
        throw new AppError('VALIDATION_FAILED', `The period holds more than ${MAX_SUMMARY_DECLARATIONS} declarations; ask for a shorter one`, [
          { path: '/querystring/from', message: 'narrow the period' },
        ]);
      }
      const lines = await linesOf(found.map((d) => d.id));
      const boms = await versionsByOutputItem(outputItemIds(lines.values()));
      const { shareThreshold } = await reconciliation.getSettings();
      const total = new ConsumptionTally();
      const summaries = found.map((declaration) => {
        const { tally, outputs } = tallyConsumption(lines.get(declaration.id) ?? [], boms, declaration.date);
        total.merge(tally);
        return {
          id: declaration.id,
          reference: declaration.reference,
          state: declaration.state,
          date: declaration.date,
          outputsWithoutBom: outputs.filter((output) => output.bom === null).length,
          flaggedCount: tally.rows(shareThreshold).filter((row) => row.flagged).length,
        };
      });
      const rows = total.rows(shareThreshold);
      return {
        bookId,
        from,
        to,
        shareThreshold,
        declarations: summaries,
        lines: rows,
        flaggedCount: rows.filter((row) => row.flagged).length,
      };
    },
  };
}

export type BomService = ReturnType<typeof createBomService>;
