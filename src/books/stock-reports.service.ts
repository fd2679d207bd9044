// Stock reports: what an enterprise's ERP or WMS says a book holds at the end of a day. An upload is
// checked line by line (every bad field named, nothing stored on error), completed where the
// catalogue or the book leaves no doubt, stored, and reconciled with the book in one transaction.
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { actorIdOf, canSeeRecord, type Principal, type Role } from '../platform/auth/principal.ts';
import { FieldErrors, forbidden, notFound } from '../platform/errors.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import type { ReferenceData } from '../reference/reference.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import type { Book } from '../registry/registry.schemas.ts';
import type { ReconciliationService } from './reconciliation.service.ts';
import { dec, MAX_QUANTITY, quantityText, type CustomsStatus } from './reconciliation.rules.ts';
import { stockReportRepository as repo, type NewStockReport, type StockReportRow } from './stock-reports.repository.ts';
import type { StockReportLine } from './stock-reports.schemas.ts';

export interface StockReportDeps {
  db: Db;
  clock: Clock;
  reference: ReferenceData;
  registry: RegistryService;
  reconciliation: ReconciliationService;
}

/** Who uploads stock: the enterprise for its own books, and the admin. */
export const UPLOADERS: readonly Role[] = ['enterprise_user', 'admin'];
/** Who may run a reconciliation again: also the customs officer who checks the books. */
export const RECONCILERS: readonly Role[] = ['enterprise_user', 'customs_officer', 'admin'];

export interface StockReportUpload {
  asOf: string;
  source: string | null;
  format: 'JSON' | 'CSV';
  lines: StockReportLine[];
  /** Where each line came from, for error paths: `/lines/3` (JSON) or `/rows/5` (CSV). */
  paths: string[];
  /** Where the date came from: `/asOf` (JSON body) or `/querystring/asOf` (CSV). */
  asOfPath: string;
}

export function presentStockReport(row: StockReportRow) {
  return {
    id: row.id,
    bookId: row.book_id,
    enterpriseId: row.enterprise_id,
    zoneId: row.zone_id,
    asOf: row.as_of,
    source: row.source,
    format: row.format,
    lineCount: row.line_count,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at.toISOString(),
    latestReconciliationId: row.latest_reconciliation_id,
  };
}

export function createStockReportService(deps: StockReportDeps) {
  const { db, clock, reference, registry, reconciliation } = deps;

  async function visibleBook(tx: Db, principal: Principal, bookId: string): Promise<Book> {
    const book = await registry.findBook(tx, bookId);
    if (!book || !canSeeRecord(principal, book)) throw notFound('Book');
    return book;
  }

  async function visibleReport(tx: Db, principal: Principal, id: string): Promise<StockReportRow> {
    const row = UUID_PATTERN.test(id) ? await repo.find(tx, id) : undefined;
    if (!row || !canSeeRecord(principal, { enterpriseId: row.enterprise_id, zoneId: row.zone_id })) throw notFound('Stock report');
    return row;
  }

  /**
   * Checks every line and fills in what was left out: the HS code from the catalogue item (or the
   * book, when it holds the part number under one code), the customs status from the book (when it
   * holds the goods in one status; goods it never held are taken as foreign).
   */
  async function resolveLines(tx: Db, book: Book, upload: StockReportUpload, errors: FieldErrors): Promise<NewStockReport['lines']> {
    const administration = await registry.getAdministration(tx);
    const hs = reference.hs(administration.hsEdition);
    const defaultStatus: CustomsStatus = administration.statusModel === 'US_FTZ' ? 'NON_PRIVILEGED_FOREIGN' : 'FOREIGN';
    const partNumbers = [...new Set(upload.lines.map((line) => line.partNumber))];
    const catalogue = await repo.catalogueHsCodes(tx, book.enterpriseId, partNumbers);
    const variants = await repo.bookVariants(tx, book.id, partNumbers);

    const resolved: NewStockReport['lines'] = [];
    for (const [index, line] of upload.lines.entries()) {
      const path = upload.paths[index] ?? `/lines/${index}`;
      if (!reference.units.get(line.unit)) errors.add(`${path}/unit`, 'is not a known UN/ECE Recommendation 20 unit');
      if (dec(line.quantity).greaterThan(MAX_QUANTITY)) errors.add(`${path}/quantity`, 'must be below 1,000,000,000,000');

      let hsCode = line.hsCode ?? catalogue.get(line.partNumber) ?? null;
      if (hsCode === null) {
        const codes = [...new Set(variants.filter((v) => v.partNumber === line.partNumber).map((v) => v.hsCode))];
        if (codes.length === 1) hsCode = codes[0] ?? null;
        else errors.add(`${path}/hsCode`, codes.length === 0
          ? 'is required: the part number is neither in the catalogue nor in the book'
          : `is required: the book holds this part number under several HS codes (${codes.join(', ')})`);
      } else if (!hs.isSubheading(hsCode)) {
        errors.add(`${path}/hsCode`, `${hsCode} is not a subheading of ${administration.hsEdition}`);
      }

      let customsStatus: string | null = line.customsStatus ?? null;
      if (customsStatus === null && hsCode !== null) {
        const statuses = [...new Set(variants.filter((v) => v.partNumber === line.partNumber && v.hsCode === hsCode).map((v) => v.customsStatus))];
        if (statuses.length > 1) {
          errors.add(`${path}/customsStatus`, `is required: the book holds these goods in several statuses (${statuses.sort().join(', ')})`);
        } else {
          customsStatus = statuses[0] ?? defaultStatus;
        }
      }
      if (hsCode !== null && customsStatus !== null) {
        resolved.push({
          partNumber: line.partNumber,
          hsCode,
          customsStatus,
          quantity: quantityText(dec(line.quantity)),
          unit: line.unit,
          value: line.value === undefined ? null : quantityText(dec(line.value)),
        });
      }
    }
    return resolved;
  }

  return {
    /** Stores the report and reconciles it with the book; the reply carries the reconciliation. */
    async upload(tx: Db, principal: Principal, bookId: string, upload: StockReportUpload) {
      if (!UPLOADERS.includes(principal.role)) throw forbidden();
      const book = await visibleBook(tx, principal, bookId);
      const errors = new FieldErrors();
      const today = clock.now().toISOString().slice(0, 10);
      if (upload.asOf > today) errors.add(upload.asOfPath, 'is in the future: a report gives stock held at the end of a past day or today');
      else if (upload.asOf < book.openedOn) errors.add(upload.asOfPath, `is before the book was opened (${book.openedOn})`);
      const lines = await resolveLines(tx, book, upload, errors);
      errors.throwIfAny('The stock report has invalid lines');

      const id = uuidv7();
      await repo.insert(tx, {
        id,
        bookId: book.id,
        enterpriseId: book.enterpriseId,
        zoneId: book.zoneId,
        asOf: upload.asOf,
        source: upload.source,
        format: upload.format,
        uploadedBy: actorIdOf(principal),
        at: clock.now(),
        lines,
      });
      const outcome = await reconciliation.reconcile(tx, principal, {
        id,
        bookId: book.id,
        enterpriseId: book.enterpriseId,
        zoneId: book.zoneId,
        asOf: upload.asOf,
      });
      const report = presentStockReport((await repo.find(tx, id)) as StockReportRow);
      return { ...report, reconciliation: outcome };
    },

    /** Reconciles a stored report again, with the book and the thresholds as they are now. */
    async reconcileAgain(tx: Db, principal: Principal, id: string) {
      if (!RECONCILERS.includes(principal.role)) throw forbidden();
      const row = await visibleReport(tx, principal, id);
      return reconciliation.reconcile(tx, principal, {
        id: row.id,
        bookId: row.book_id,
        enterpriseId: row.enterprise_id,
        zoneId: row.zone_id,
        asOf: row.as_of,
      });
    },

    async list(principal: Principal, bookId: string, query: { limit?: number | undefined; cursor?: string | undefined }) {
      await registry.getBook(principal, bookId);
      const limit = query.limit ?? 50;
      const before = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''))?.[0] ?? null;
      const rows = await repo.list(db, bookId, before, limit + 1);
      return toPage(rows, limit, (row) => [row.id], presentStockReport);
    },

    async get(principal: Principal, id: string) {
      const row = await visibleReport(db, principal, id);
      const lines = await repo.lines(db, id);
      return {
        ...presentStockReport(row),
        lines: lines.map((line) => ({
          lineNo: line.line_no,
          partNumber: line.part_number,
          hsCode: line.hs_code,
          customsStatus: line.customs_status,
          quantity: quantityText(dec(line.quantity)),
          unit: line.unit,
          value: line.value === null ? null : quantityText(dec(line.value)),
        })),
      };
    },
  };
}

export type StockReportService = ReturnType<typeof createStockReportService>;
