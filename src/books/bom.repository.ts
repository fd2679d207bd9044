// SQL for bills of materials and for the lines of processing declarations they are set against.
import type { Db } from '../platform/db/db.ts';
import type { ProcessingRole } from '../declarations/declaration.hooks.ts';

export interface BomRow extends Record<string, unknown> {
  id: string;
  enterprise_id: string;
  output_item_id: string;
  output_part_number: string;
  output_description: string;
  output_unit: string;
  version: number;
  yield_share: string;
  valid_from: string;
  note: string | null;
  created_by: string | null;
  created_at: Date;
}

export interface BomInputRow extends Record<string, unknown> {
  bom_id: string;
  line_no: number;
  input_item_id: string;
  input_part_number: string;
  input_description: string;
  input_unit: string;
  quantity_per_output: string;
  waste_share: string;
  scrap_share: string;
  waste_item_id: string | null;
  waste_part_number: string | null;
  waste_description: string | null;
  waste_unit: string | null;
  scrap_item_id: string | null;
  scrap_part_number: string | null;
  scrap_description: string | null;
  scrap_unit: string | null;
}

export interface NewBom {
  id: string;
  enterpriseId: string;
  outputItemId: string;
  version: number;
  yieldShare: string;
  validFrom: string;
  note: string | null;
  createdBy: string | null;
  at: Date;
  inputs: Array<{
    inputItemId: string;
    quantityPerOutput: string;
    wasteShare: string;
    scrapShare: string;
    wasteItemId: string | null;
    scrapItemId: string | null;
  }>;
}

export interface ProcessingDeclarationRow extends Record<string, unknown> {
  id: string;
  reference: string;
  state: string;
  enterprise_id: string;
  book_id: string | null;
  date: string;
}

export interface ProcessingLineRow extends Record<string, unknown> {
  declaration_id: string;
  line_no: number;
  processing_role: ProcessingRole | null;
  part_number: string | null;
  hs_code: string;
  description: string;
  quantity: string;
  unit: string;
  item_id: string | null;
  item_part_number: string | null;
  item_description: string | null;
  item_unit: string | null;
}

const SELECT_BOM = `
  SELECT b.id, b.enterprise_id, b.output_item_id, i.part_number AS output_part_number, i.description AS output_description,
         i.unit AS output_unit, b.version, b.yield_share::text AS yield_share, b.valid_from::text AS valid_from, b.note,
         b.created_by, b.created_at
  FROM boms b JOIN items i ON i.id = b.output_item_id`;

const SELECT_INPUTS = `
  SELECT bi.bom_id, bi.line_no, bi.input_item_id, ii.part_number AS input_part_number, ii.description AS input_description,
         ii.unit AS input_unit, bi.quantity_per_output::text AS quantity_per_output, bi.waste_share::text AS waste_share,
         bi.scrap_share::text AS scrap_share,
         bi.waste_item_id, wi.part_number AS waste_part_number, wi.description AS waste_description, wi.unit AS waste_unit,
         bi.scrap_item_id, si.part_number AS scrap_part_number, si.description AS scrap_description, si.unit AS scrap_unit
  FROM bom_inputs bi
  JOIN items ii ON ii.id = bi.input_item_id
  LEFT JOIN items wi ON wi.id = bi.waste_item_id
  LEFT JOIN items si ON si.id = bi.scrap_item_id`;

/** A processing line's item: the one named, or the enterprise's item with the line's part number. */
const SELECT_LINES = `
  SELECT l.declaration_id, l.line_no, l.processing_role, l.part_number, l.hs_code, l.description, l.quantity::text AS quantity,
         l.unit, i.id AS item_id, i.part_number AS item_part_number, i.description AS item_description, i.unit AS item_unit
  FROM declaration_lines l
  JOIN declarations d ON d.id = l.declaration_id
  LEFT JOIN items i ON i.id = COALESCE(l.item_id,
    (SELECT p.id FROM items p WHERE p.enterprise_id = d.enterprise_id AND p.part_number = l.part_number))`;

export const bomRepository = {
  /** Locks the output item, so that two new versions of its bill of materials cannot take the same number. */
  async nextVersion(db: Db, outputItemId: string): Promise<number> {
    await db.query('SELECT 1 FROM items WHERE id = $1 FOR UPDATE', [outputItemId]);
    const [row] = await db.query<{ version: number }>(
      'SELECT COALESCE(max(version), 0)::int + 1 AS version FROM boms WHERE output_item_id = $1',
      [outputItemId],
    );
    return row?.version ?? 1;
  },

  async insert(db: Db, bom: NewBom): Promise<void> {
    await db.query(
      `INSERT INTO boms (id, enterprise_id, output_item_id, version, yield_share, valid_from, note, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5::numeric, $6::date, $7, $8, $9)`,
      [bom.id, bom.enterpriseId, bom.outputItemId, bom.version, bom.yieldShare, bom.validFrom, bom.note, bom.createdBy, bom.at],
    );
    await db.query(
      `INSERT INTO bom_inputs (bom_id, line_no, input_item_id, quantity_per_output, waste_share, scrap_share, waste_item_id, scrap_item_id)
       SELECT $1, t.line_no, t.input_item_id, t.quantity_per_output, t.waste_share, t.scrap_share, t.waste_item_id, t.scrap_item_id
       FROM unnest($2::int[], $3::uuid[], $4::numeric[], $5::numeric[], $6::numeric[], $7::uuid[], $8::uuid[])
         AS t(line_no, input_item_id, quantity_per_output, waste_share, scrap_share, waste_item_id, scrap_item_id)`,
      [
        bom.id,
        bom.inputs.map((_, index) => index + 1),
        bom.inputs.map((input) => input.inputItemId),
        bom.inputs.map((input) => input.quantityPerOutput),
        bom.inputs.map((input) => input.wasteShare),
        bom.inputs.map((input) => input.scrapShare),
        bom.inputs.map((input) => input.wasteItemId),
        bom.inputs.map((input) => input.scrapItemId),
      ],
    );
  },

  async find(db: Db, id: string): Promise<BomRow | undefined> {
    const [row] = await db.query<BomRow>(`${SELECT_BOM} WHERE b.id = $1`, [id]);
    return row;
  },

  async inputs(db: Db, bomIds: readonly string[]): Promise<BomInputRow[]> {
    if (bomIds.length === 0) return [];
    return db.query<BomInputRow>(`${SELECT_INPUTS} WHERE bi.bom_id = ANY($1::uuid[]) ORDER BY bi.bom_id, bi.line_no`, [bomIds]);
  },

  /** Newest first; enterprise users see their own, zone-scoped staff those of enterprises in their zones. */
  async list(
    db: Db,
    filter: { scopeEnterpriseId: string | null; scopeZoneIds: string[] | null; enterpriseId: string | null; outputItemId: string | null },
    beforeId: string | null,
    limit: number,
  ): Promise<BomRow[]> {
    return db.query<BomRow>(
      `${SELECT_BOM}
       WHERE ($1::uuid IS NULL OR b.enterprise_id = $1::uuid)
         AND ($2::uuid[] IS NULL OR EXISTS (SELECT 1 FROM enterprises e WHERE e.id = b.enterprise_id AND e.zone_ids && $2::uuid[]))
         AND ($3::uuid IS NULL OR b.enterprise_id = $3::uuid)
         AND ($4::uuid IS NULL OR b.output_item_id = $4::uuid)
         AND ($5::uuid IS NULL OR b.id < $5::uuid)
       ORDER BY b.id DESC
       LIMIT $6`,
      [filter.scopeEnterpriseId, filter.scopeZoneIds, filter.enterpriseId, filter.outputItemId, beforeId, limit],
    );
  },

  /** Every version of the bills of materials of these output items. */
  async versionsFor(db: Db, outputItemIds: readonly string[]): Promise<BomRow[]> {
    if (outputItemIds.length === 0) return [];
    return db.query<BomRow>(`${SELECT_BOM} WHERE b.output_item_id = ANY($1::uuid[]) ORDER BY b.output_item_id, b.version`, [outputItemIds]);
  },

  async declaration(db: Db, id: string): Promise<ProcessingDeclarationRow | undefined> {
    const [row] = await db.query<ProcessingDeclarationRow>(
      `SELECT id, reference, state, enterprise_id, book_id, to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date
       FROM declarations WHERE id = $1`,
      [id],
    );
    return row;
  },

  /** PROCESSING declarations of a book that still count (not cancelled or rejected), submitted in [from, to]. */
  async bookDeclarations(db: Db, bookId: string, from: string | null, to: string | null, limit: number): Promise<ProcessingDeclarationRow[]> {
    return db.query<ProcessingDeclarationRow>(
      `SELECT id, reference, state, enterprise_id, book_id, to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date
       FROM declarations
       WHERE book_id = $1 AND type = 'PROCESSING' AND state NOT IN ('CANCELLED', 'REJECTED')
         AND ($2::date IS NULL OR submitted_at >= ($2::date)::timestamp AT TIME ZONE 'UTC')
         AND ($3::date IS NULL OR submitted_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC')
       ORDER BY submitted_at, id
       LIMIT $4`,
      [bookId, from, to, limit],
    );
  },

  async lines(db: Db, declarationIds: readonly string[]): Promise<ProcessingLineRow[]> {
    if (declarationIds.length === 0) return [];
    return db.query<ProcessingLineRow>(`${SELECT_LINES} WHERE l.declaration_id = ANY($1::uuid[]) ORDER BY l.declaration_id, l.line_no`, [
      declarationIds,
    ]);
  },
};
