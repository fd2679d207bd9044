// Bills and payments. A DOMESTIC_RELEASE is checked for computable duties at submission, billed at
// assessment, and held from release while its bill is unpaid; the bank's signed confirmation (or an
// officer's guarantee) settles the bill, and a GREEN declaration then goes at once. Cancellation,
// rejection and amendment cancel the open bill; an amendment is billed again at its next assessment.
// Corrections at inspection replace an unpaid bill, or add a supplementary bill to a paid one.
import { v7 as uuidv7 } from 'uuid';
import { Decimal } from 'decimal.js';
import type { Db } from '../platform/db/db.ts';
import { canSeeRecord, type Principal, type Role } from '../platform/auth/principal.ts';
import { AppError, forbidden, notFound, type ErrorDetail } from '../platform/errors.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import type { DeclarationHooks, DeclarationSnapshot } from '../declarations/declaration.hooks.ts';
import { billRepository as bills, paymentRepository as payments, type BillRow } from './bills.repository.ts';
import { computeDuties, type AssessmentResult, type LineToAssess } from './duty.computation.ts';
import { createRfReference, isValidRfReference, normaliseRfReference } from './rf-reference.ts';
import type { DutiesDeps } from './duties.deps.ts';
import type { DutySettingsService } from './duty-settings.service.ts';
import type { TariffService } from './tariff.service.ts';
import type { BillQuery, PaymentConfirmation, PaymentReceipt } from './duties.schemas.ts';

/** Who may record a guarantee in place of payment. */
export const GUARANTORS: readonly Role[] = ['customs_officer', 'admin'];
/** Who reads bills (within their scope): customs, and the enterprise billed; zone operators run gates, not revenue. */
export const BILL_READERS: readonly Role[] = ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'enterprise_user'];

const DUTIABLE = 'DOMESTIC_RELEASE';
/** The QR payload's scheme and version: CORDON-PAY|1|… (see PAYMENTS.md). */
const QR_SCHEME = 'CORDON-PAY|1';

function dateOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** A field of the QR payload: the separator and line breaks become spaces. */
function qrField(text: string): string {
  return text.replace(/[|\s]+/g, ' ').trim();
}

export function createBillsService(deps: DutiesDeps, tariff: TariffService, settings: DutySettingsService) {
  const { db, clock, reference, registry } = deps;

  const minorUnitOf = (currency: string) => reference.currencies.get(currency)?.minorUnit ?? 2;
  const amountIn = (value: string, currency: string) => new Decimal(value).toFixed(minorUnitOf(currency));

  function presentBill(row: BillRow) {
    const money = (value: string) => amountIn(value, row.currency);
    return {
      id: row.id,
      number: row.number,
      declarationId: row.declaration_id,
      enterpriseId: row.enterprise_id,
      zoneId: row.zone_id,
      status: row.status,
      currency: row.currency,
      duty: money(row.duty),
      excise: money(row.excise),
      vat: money(row.vat),
      total: money(row.total),
      assessmentDate: row.assessment_date,
      paymentReference: row.payment_reference,
      qrPayload: row.qr_payload,
      createdAt: row.created_at.toISOString(),
      paidAt: row.paid_at?.toISOString() ?? null,
      guaranteeReference: row.guarantee_reference,
      guaranteedAt: row.guaranteed_at?.toISOString() ?? null,
      cancelledAt: row.cancelled_at?.toISOString() ?? null,
      supplements: row.supplements,
    };
  }

  function presentDetail(row: BillRow) {
    return { ...presentBill(row), lines: row.lines, assessment: row.assessment };
  }

  function visible(principal: Principal, row: BillRow | undefined): BillRow {
    if (!row || !canSeeRecord(principal, { enterpriseId: row.enterprise_id, zoneId: row.zone_id })) throw notFound('Bill');
    return row;
  }

  async function event(tx: Db, type: string, row: BillRow, actorId: string | null, extra: Record<string, unknown> = {}) {
    await appendEvent(tx, {
      type,
      aggregateType: 'bill',
      aggregateId: row.id,
      zoneId: row.zone_id,
      enterpriseId: row.enterprise_id,
      actorId,
      payload: { number: row.number, declarationId: row.declaration_id, status: row.status, currency: row.currency, total: amountIn(row.total, row.currency), ...extra },
    });
  }

  /** Computes the duties of a declaration as it stands, on the date of `at`. */
  async function assess(tx: Db, declaration: DeclarationSnapshot, at: Date): Promise<AssessmentResult & { tariffSource: string }> {
    const schedule = await tariff.schedule(tx);
    const administration = await registry.getAdministration(tx);
    const errors: ErrorDetail[] = [];
    const lines: LineToAssess[] = [];
    for (const line of declaration.lines) {
      const resolved = await tariff.resolve(tx, line.hsCode, line.tariffCode);
      if (!resolved.ok) {
        const field = resolved.several || line.tariffCode ? 'tariffCode' : 'hsCode';
        errors.push({ path: `/lines/${line.lineNo - 1}/${field}`, message: resolved.message });
        continue;
      }
      lines.push({ ...line, tariffCode: resolved.code, rate: resolved.rate });
    }
    const date = dateOf(at);
    const exchangeRates = await settings.ratesValidOn(
      tx,
      [declaration.currency, schedule.currency].filter((currency) => currency !== administration.currency),
      date,
    );
    const result = computeDuties({
      currency: administration.currency,
      minorUnit: minorUnitOf(administration.currency),
      vatRate: administration.vatRate,
      assessmentDate: date,
      declaredCurrency: declaration.currency,
      tariffCurrency: schedule.currency,
      exchangeRates,
      settings: await settings.dutySettings(tx),
      lines,
    });
    const all = [...errors, ...(result.ok ? [] : result.errors)];
    // Errors in the order of the declaration's fields, so that one line's problems read together.
    all.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
    const tariffSource = `${schedule.source} (sha256 ${schedule.sha256.slice(0, 12)})`;
    return all.length > 0 ? { ok: false, errors: all, tariffSource } : { ...result, tariffSource };
  }

  async function assessOrRefuse(tx: Db, declaration: DeclarationSnapshot, at: Date) {
    const result = await assess(tx, declaration, at);
    if (!result.ok) throw new AppError('VALIDATION_FAILED', 'The duties of the declaration cannot be computed', result.errors);
    return result;
  }

  /**
   * Issues a bill for the duties assessed in `result`, or, given `supplement`, a supplementary bill
   * charging the difference from bills already settled (its lines show the whole corrected assessment).
   */
  async function issue(
    tx: Db,
    declaration: DeclarationSnapshot,
    result: Awaited<ReturnType<typeof assessOrRefuse>>,
    at: Date,
    supplement: { of: BillRow; duty: string; excise: string; vat: string; total: string } | null,
  ) {
    const { assessment } = result;
    const amounts = supplement ?? assessment;
    const administration = await registry.getAdministration(tx);
    const number = `${declaration.reference}-B${(await bills.countForDeclaration(tx, declaration.id)) + 1}`;
    const paymentReference = createRfReference(String(await bills.nextPaymentNumber(tx)).padStart(10, '0'));
    // Nothing to pay (all lines Free, no excise, no VAT): the bill records the assessment and is settled.
    const nothingDue = new Decimal(amounts.total).isZero();
    const row = await bills.insert(tx, {
      id: uuidv7(),
      number,
      declarationId: declaration.id,
      enterpriseId: declaration.enterpriseId,
      zoneId: declaration.zoneId,
      currency: assessment.currency,
      duty: amounts.duty,
      excise: amounts.excise,
      vat: amounts.vat,
      total: amounts.total,
      lines: assessment.lines,
      assessment: {
        vatRate: assessment.vatRate,
        tariff: result.tariffSource,
        exciseBasis: assessment.exciseBasis,
        exchangeRates: assessment.exchangeRates,
      },
      assessmentDate: assessment.assessmentDate,
      paymentReference,
      qrPayload: [QR_SCHEME, number, paymentReference, assessment.currency, amountIn(amounts.total, assessment.currency), qrField(administration.name)].join('|'),
      status: nothingDue ? 'PAID' : 'UNPAID',
      createdAt: at,
      paidAt: nothingDue ? at : null,
      supplements: supplement?.of.id ?? null,
    });
    await event(tx, 'bill.issued', row, null, { paymentReference, ...(supplement ? { supplements: supplement.of.number } : {}) });
  }

  /** Locks a bill found without a lock, its declaration first (see billRepository.lockDeclaration), and reads it again. */
  async function lockBill(tx: Db, found: BillRow | undefined): Promise<BillRow | undefined> {
    if (!found) return undefined;
    await bills.lockDeclaration(tx, found.declaration_id);
    return bills.find(tx, found.id, true);
  }

  /** A bill that was paid with money stays when its declaration is withdrawn: a refund is due. */
  const paidWithMoney = (row: BillRow) => row.status === 'PAID' && new Decimal(row.total).gt(0);

  const hooks: Partial<DeclarationHooks> = {
    async checked(tx, declaration) {
      if (declaration.type !== DUTIABLE) return [];
      const open = await bills.openOf(tx, declaration.id);
      if (open && paidWithMoney(open)) {
        return [{ path: '/', message: `the duties of bill ${open.number} are paid; customs cancels the declaration (and refunds) before it is declared again` }];
      }
      const result = await assess(tx, declaration, clock.now());
      return result.ok ? [] : result.errors;
    },

    async assessed(tx, declaration, at) {
      if (declaration.type !== DUTIABLE) return;
      await issue(tx, declaration, await assessOrRefuse(tx, declaration, at), at, null);
    },

    /**
     * Lines corrected at inspection: an unpaid bill is replaced by one for the corrected duties; when
     * duties were already paid (or guaranteed), a supplementary bill charges the difference. A
     * difference in the trader's favour issues nothing: the refund is customs' to decide.
     */
    async corrected(tx, declaration, at) {
      if (declaration.type !== DUTIABLE) return;
      const open = await bills.openBillsOf(tx, declaration.id);
      // The corrected goods are valued on the date of the first assessment, so only the corrections change the amounts.
      const original = open.find((bill) => bill.supplements === null);
      const result = await assessOrRefuse(tx, declaration, original ? new Date(`${original.assessment_date}T12:00:00Z`) : at);
      for (const bill of open.filter((candidate) => candidate.status === 'UNPAID')) {
        const cancelled = await bills.setStatus(tx, bill.id, 'CANCELLED', { cancelledAt: at });
        await event(tx, 'bill.cancelled', cancelled, null, { reason: 'replaced after inspection corrections' });
      }
      const settled = open.filter((bill) => bill.status === 'PAID' || bill.status === 'GUARANTEED');
      const primary = settled.find((bill) => bill.supplements === null);
      if (!primary) {
        await issue(tx, declaration, result, at, null);
        return;
      }
      const sum = (field: 'duty' | 'excise' | 'vat' | 'total') => settled.reduce((total, bill) => total.plus(bill[field]), new Decimal(0));
      const difference = new Decimal(result.assessment.total).minus(sum('total'));
      if (difference.lte(0)) return;
      await issue(tx, declaration, result, at, {
        of: primary,
        duty: new Decimal(result.assessment.duty).minus(sum('duty')).toFixed(),
        excise: new Decimal(result.assessment.excise).minus(sum('excise')).toFixed(),
        vat: new Decimal(result.assessment.vat).minus(sum('vat')).toFixed(),
        total: difference.toFixed(),
      });
    },

    async releaseBlocker(tx, declaration) {
      if (declaration.type !== DUTIABLE) return null;
      const open = await bills.openBillsOf(tx, declaration.id);
      if (open.length === 0) return 'no bill has been issued for its duties';
      const unpaid = open.find((bill) => bill.status === 'UNPAID');
      return unpaid ? `duties of bill ${unpaid.number} are not paid` : null;
    },

    async withdrawn(tx, declaration, at) {
      if (declaration.type !== DUTIABLE) return;
      for (const bill of await bills.openBillsOf(tx, declaration.id, true)) {
        if (paidWithMoney(bill)) continue;
        const cancelled = await bills.setStatus(tx, bill.id, 'CANCELLED', { cancelledAt: at });
        await event(tx, 'bill.cancelled', cancelled, null);
      }
    },
  };

  return {
    hooks,

    async getBill(principal: Principal, id: string) {
      if (!BILL_READERS.includes(principal.role)) throw forbidden();
      return presentDetail(visible(principal, await bills.find(db, id)));
    },

    async listBills(principal: Principal, query: BillQuery) {
      if (!BILL_READERS.includes(principal.role)) throw forbidden();
      const limit = query.limit ?? 50;
      const before = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''))?.[0] ?? null;
      const rows = await bills.list(db, {
        declarationId: query.declarationId ?? null,
        status: query.status ?? null,
        scopeEnterpriseId: principal.role === 'enterprise_user' ? (principal.enterpriseId ?? '00000000-0000-0000-0000-000000000000') : null,
        scopeZoneIds: principal.role === 'enterprise_user' ? null : principal.zoneIds,
        beforeId: before,
        limit: limit + 1,
      });
      return toPage(rows, limit, (row) => [row.id], presentBill);
    },

    /** An officer accepts a guarantee (bond, bank guarantee) for the duties: release may go ahead. */
    async guaranteeBill(tx: Db, principal: Principal, id: string, guaranteeReference: string) {
      if (!GUARANTORS.includes(principal.role)) throw forbidden();
      const row = visible(principal, await lockBill(tx, await bills.find(tx, id)));
      if (row.status !== 'UNPAID') {
        throw new AppError('INVALID_TRANSITION', `Bill ${row.number} is ${row.status}; only an UNPAID bill is guaranteed`, [
          { path: '/guaranteeReference', message: `the bill is ${row.status}` },
        ]);
      }
      const guaranteed = await bills.setStatus(tx, id, 'GUARANTEED', {
        guaranteeReference: guaranteeReference.trim(),
        guaranteedAt: clock.now(),
        guaranteedBy: principal.id,
      });
      await event(tx, 'bill.guaranteed', guaranteed, principal.id, { guaranteeReference: guaranteed.guarantee_reference });
      await deps.releaseIfReady(tx, row.declaration_id);
      return presentDetail(guaranteed);
    },

    /**
     * The bank's confirmation that a bill was paid. Idempotent on the bank's reference: a repeat gets
     * the first answer, a different payment under the same reference is refused.
     */
    async confirmPayment(tx: Db, confirmation: PaymentConfirmation): Promise<PaymentReceipt> {
      const paymentReference = normaliseRfReference(confirmation.paymentReference);
      if (!isValidRfReference(paymentReference)) {
        throw new AppError('VALIDATION_FAILED', 'The payment reference is not a valid RF creditor reference', [
          { path: '/paymentReference', message: 'is not an ISO 11649 RF reference with correct check digits' },
        ]);
      }
      const repeat = async (): Promise<PaymentReceipt | null> => {
        const earlier = await payments.findByBankReference(tx, confirmation.bankReference);
        if (!earlier) return null;
        const same =
          earlier.payment_reference === paymentReference &&
          earlier.currency === confirmation.currency &&
          new Decimal(earlier.amount).equals(confirmation.amount);
        if (!same) {
          throw new AppError('CONFLICT', `Bank reference ${confirmation.bankReference} was already confirmed for a different payment`, [
            { path: '/bankReference', message: `was confirmed for ${earlier.amount} ${earlier.currency} on ${earlier.payment_reference}` },
          ]);
        }
        return earlier.response;
      };
      const earlier = await repeat();
      if (earlier) return earlier;

      const bill = await lockBill(tx, await bills.findByPaymentReference(tx, paymentReference));
      if (!bill) throw new AppError('NOT_FOUND', `No bill has the payment reference ${paymentReference}`, [{ path: '/paymentReference', message: 'no such bill' }]);
      // A concurrent confirmation of the same payment may have committed while we waited for the bill.
      const raced = await repeat();
      if (raced) return raced;
      if (bill.status === 'PAID' || bill.status === 'CANCELLED') {
        throw new AppError('CONFLICT', `Bill ${bill.number} is ${bill.status === 'PAID' ? 'already paid' : 'cancelled'}; the payment is not applied`, [
          { path: '/paymentReference', message: `the bill is ${bill.status}` },
        ]);
      }
      const details: ErrorDetail[] = [];
      if (confirmation.currency !== bill.currency) details.push({ path: '/currency', message: `must be the bill currency ${bill.currency}` });
      else if (!new Decimal(confirmation.amount).equals(bill.total)) {
        details.push({ path: '/amount', message: `must equal the bill total ${amountIn(bill.total, bill.currency)} ${bill.currency}` });
      }
      if (details.length > 0) throw new AppError('VALIDATION_FAILED', `The payment does not match bill ${bill.number}`, details);

      const receivedAt = clock.now();
      const paid = await bills.setStatus(tx, bill.id, 'PAID', { paidAt: new Date(confirmation.paidAt) });
      const receipt: PaymentReceipt = {
        bankReference: confirmation.bankReference,
        paymentReference,
        billNumber: paid.number,
        billStatus: paid.status,
        amount: amountIn(bill.total, bill.currency),
        currency: bill.currency,
        paidAt: new Date(confirmation.paidAt).toISOString(),
        receivedAt: receivedAt.toISOString(),
      };
      const inserted = await payments.insert(tx, {
        id: uuidv7(),
        bankReference: confirmation.bankReference,
        billId: bill.id,
        paymentReference,
        amount: confirmation.amount,
        currency: confirmation.currency,
        paidAt: new Date(confirmation.paidAt),
        receivedAt,
        response: receipt,
      });
      if (!inserted) throw new AppError('CONFLICT', 'The same bank reference is being confirmed concurrently; retry');
      await event(tx, 'bill.paid', paid, null, { bankReference: confirmation.bankReference, paidAt: receipt.paidAt });
      await deps.releaseIfReady(tx, bill.declaration_id);
      return receipt;
    },
  };
}

export type BillsService = ReturnType<typeof createBillsService>;
