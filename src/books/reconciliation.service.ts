// Reconciliation of ERP/WMS stock with the books: the book's stock as of the report's date is set
// against the report, shortages and overages are valued and flagged against the administration's
// thresholds, and the comparison is stored with one `book.discrepancy` event per flagged line, in
// the same transaction. Also the thresholds themselves, which only admins change.
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { actorIdOf, canSeeRecord, type Principal } from '../platform/auth/principal.ts';
import { AppError, forbidden, notFound } from '../platform/errors.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import {
  reconciliationRepository as repo,
  type DiscrepancyRow,
  type ReconciliationRow,
  type SettingsRow,
} from './reconciliation.repository.ts';
import { dec, moneyText, quantityText, reconcileStock, type Thresholds } from './reconciliation.rules.ts';
import type { ReconciliationSettingsInput } from './reconciliation.schemas.ts';
import { writeCsv } from './stock-reports.csv.ts';

export interface ReconciliationDeps {
  db: Db;
  clock: Clock;
  registry: RegistryService;
}

/** The report a reconciliation compares. */
export interface ReportToReconcile {
  id: string;
  bookId: string;
  enterpriseId: string;
  zoneId: string;
  asOf: string;
}

const optionalQuantity = (value: string | null) => (value === null ? null : quantityText(dec(value)));
const optionalMoney = (value: string | null) => (value === null ? null : moneyText(dec(value)));

function presentSettings(row: SettingsRow, currency: string) {
  return {
    shareThreshold: quantityText(dec(row.share_threshold)),
    valueThreshold: moneyText(dec(row.value_threshold)),
    currency,
    version: row.version,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at.toISOString(),
  };
}

export function presentReconciliation(row: ReconciliationRow) {
  return {
    id: row.id,
    stockReportId: row.stock_report_id,
    bookId: row.book_id,
    enterpriseId: row.enterprise_id,
    zoneId: row.zone_id,
    asOf: row.as_of,
    shareThreshold: quantityText(dec(row.share_threshold)),
    valueThreshold: moneyText(dec(row.value_threshold)),
    currency: row.currency,
    matchedCount: row.matched_count,
    shortageCount: row.shortage_count,
    overageCount: row.overage_count,
    flaggedCount: row.flagged_count,
    shortageValue: moneyText(dec(row.shortage_value ?? 0)),
    overageValue: moneyText(dec(row.overage_value ?? 0)),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

function presentDiscrepancy(row: DiscrepancyRow) {
  return {
    lineNo: row.line_no,
    kind: row.kind,
    itemId: row.item_id,
    partNumber: row.part_number,
    hsCode: row.hs_code,
    customsStatus: row.customs_status,
    unit: row.unit,
    description: row.description,
    bookQuantity: quantityText(dec(row.book_quantity)),
    reportedQuantity: quantityText(dec(row.reported_quantity)),
    quantity: quantityText(dec(row.quantity)),
    share: optionalQuantity(row.share),
    unitValue: optionalQuantity(row.unit_value),
    value: optionalMoney(row.value),
    currency: row.currency,
    flagged: row.flagged,
    flagReasons: row.flag_reasons,
  };
}

export type ReconciliationDetail = ReturnType<typeof presentReconciliation> & { discrepancies: ReturnType<typeof presentDiscrepancy>[] };

const CSV_HEADER = [
  'lineNo',
  'kind',
  'partNumber',
  'hsCode',
  'customsStatus',
  'unit',
  'description',
  'bookQuantity',
  'reportedQuantity',
  'quantity',
  'share',
  'unitValue',
  'value',
  'currency',
  'flagged',
  'flagReasons',
];

export function createReconciliationService(deps: ReconciliationDeps) {
  const { db, clock, registry } = deps;

  async function thresholds(tx: Db): Promise<{ row: SettingsRow; thresholds: Thresholds }> {
    const row = await repo.settings(tx);
    if (!row) throw new AppError('INTERNAL', 'The reconciliation settings are missing; run the migrations');
    const { currency } = await registry.getAdministration(tx);
    return { row, thresholds: { shareThreshold: row.share_threshold, valueThreshold: row.value_threshold, currency } };
  }

  async function detail(tx: Db, row: ReconciliationRow): Promise<ReconciliationDetail> {
    const discrepancies = await repo.discrepancies(tx, row.id);
    return { ...presentReconciliation(row), discrepancies: discrepancies.map(presentDiscrepancy) };
  }

  async function visibleReconciliation(principal: Principal, id: string): Promise<ReconciliationRow> {
    const row = UUID_PATTERN.test(id) ? await repo.find(db, id) : undefined;
    if (!row || !canSeeRecord(principal, { enterpriseId: row.enterprise_id, zoneId: row.zone_id })) throw notFound('Reconciliation');
    return row;
  }

  /** Compares the report with the book as of its date and stores the outcome, with its events. */
  async function reconcile(tx: Db, actor: Principal, report: ReportToReconcile): Promise<ReconciliationDetail> {
    const { thresholds: limits } = await thresholds(tx);
    const book = await repo.bookStockAsOf(tx, report.bookId, report.asOf);
    const reported = await repo.reportGroups(tx, report.id, report.enterpriseId);
    const outcome = reconcileStock(book, reported, limits);
    const id = uuidv7();
    const at = clock.now();
    const actorId = actorIdOf(actor);
    await repo.insert(tx, {
      id,
      stockReportId: report.id,
      bookId: report.bookId,
      enterpriseId: report.enterpriseId,
      zoneId: report.zoneId,
      asOf: report.asOf,
      shareThreshold: limits.shareThreshold,
      valueThreshold: limits.valueThreshold,
      currency: limits.currency,
      matchedCount: outcome.matchedCount,
      createdBy: actorId,
      at,
      discrepancies: outcome.discrepancies,
    });
    for (const [index, d] of outcome.discrepancies.entries()) {
      if (!d.flagged) continue;
      // A risk signal for the enterprise: consumers read it from the outbox.
      await appendEvent(tx, {
        type: 'book.discrepancy',
        aggregateType: 'book',
        aggregateId: report.bookId,
        zoneId: report.zoneId,
        enterpriseId: report.enterpriseId,
        actorId,
        at,
        payload: {
          reconciliationId: id,
          stockReportId: report.id,
          lineNo: index + 1,
          asOf: report.asOf,
          kind: d.kind,
          itemId: d.itemId,
          partNumber: d.partNumber,
          hsCode: d.hsCode,
          customsStatus: d.customsStatus,
          unit: d.unit,
          bookQuantity: d.bookQuantity,
          reportedQuantity: d.reportedQuantity,
          quantity: d.quantity,
          share: d.share,
          value: d.value,
          currency: d.currency,
          flagReasons: d.flagReasons,
        },
      });
    }
    return detail(tx, (await repo.find(tx, id)) as ReconciliationRow);
  }

  async function get(principal: Principal, id: string): Promise<ReconciliationDetail> {
    return detail(db, await visibleReconciliation(principal, id));
  }

  return {
    reconcile,

    /** The thresholds in force (the share threshold also flags consumption against bills of materials). */
    async getSettings(tx: Db = db) {
      const { row, thresholds: limits } = await thresholds(tx);
      return presentSettings(row, limits.currency);
    },

    async updateSettings(tx: Db, actor: Principal, input: ReconciliationSettingsInput) {
      if (actor.role !== 'admin') throw forbidden();
      const current = await repo.settings(tx, true);
      if (!current) throw new AppError('INTERNAL', 'The reconciliation settings are missing; run the migrations');
      const { currency } = await registry.getAdministration(tx);
      const unchanged = dec(current.share_threshold).equals(input.shareThreshold) && dec(current.value_threshold).equals(input.valueThreshold);
      if (unchanged) return presentSettings(current, currency);
      const row = await repo.updateSettings(tx, input, actorIdOf(actor), clock.now());
      const settings = presentSettings(row, currency);
      await appendEvent(tx, {
        type: 'reconciliation-settings.updated',
        aggregateType: 'reconciliation-settings',
        aggregateId: '1',
        actorId: actorIdOf(actor),
        payload: settings,
      });
      return settings;
    },

    async listForBook(principal: Principal, bookId: string, query: { limit?: number | undefined; cursor?: string | undefined }) {
      await registry.getBook(principal, bookId);
      const limit = query.limit ?? 50;
      const before = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''))?.[0] ?? null;
      const rows = await repo.list(db, { bookId }, before, limit + 1);
      return toPage(rows, limit, (row) => [row.id], presentReconciliation);
    },

    get,

    /** The discrepancies as CSV, one row each, for a spreadsheet. */
    async exportCsv(principal: Principal, id: string): Promise<{ filename: string; csv: string }> {
      const reconciliation = await get(principal, id);
      const rows = reconciliation.discrepancies.map((d) => [
        d.lineNo,
        d.kind,
        d.partNumber,
        d.hsCode,
        d.customsStatus,
        d.unit,
        d.description,
        d.bookQuantity,
        d.reportedQuantity,
        d.quantity,
        d.share,
        d.unitValue,
        d.value,
        d.currency,
        d.flagged,
        d.flagReasons.join(' '),
      ]);
      return { filename: `reconciliation-${reconciliation.asOf}-${reconciliation.id}.csv`, csv: writeCsv(CSV_HEADER, rows) };
    },
  };
}

export type ReconciliationService = ReturnType<typeof createReconciliationService>;
