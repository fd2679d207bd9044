// SQL for bills and the payments that settle them.
import type { Db } from '../platform/db/db.ts';
import type { AssessedLine } from './duty.computation.ts';
import type { BillStatus, ExchangeRate, PaymentReceipt } from './duties.schemas.ts';

export interface BillAssessment {
  vatRate: string;
  tariff: string;
  exciseBasis: 'CUSTOMS_VALUE' | 'DUTY_PAID_VALUE';
  exchangeRates: ExchangeRate[];
}

export interface BillRow extends Record<string, unknown> {
  id: string;
  number: string;
  declaration_id: string;
  enterprise_id: string;
  zone_id: string;
  currency: string;
  duty: string;
  excise: string;
  vat: string;
  total: string;
  lines: AssessedLine[];
  assessment: BillAssessment;
  assessment_date: string;
  payment_reference: string;
  qr_payload: string;
  status: BillStatus;
  created_at: Date;
  paid_at: Date | null;
  guarantee_reference: string | null;
  guaranteed_at: Date | null;
  cancelled_at: Date | null;
  /** The bill a supplementary bill adds to; null for a declaration's own bill. */
  supplements: string | null;
}

export interface NewBill {
  id: string;
  number: string;
  declarationId: string;
  enterpriseId: string;
  zoneId: string;
  currency: string;
  duty: string;
  excise: string;
  vat: string;
  total: string;
  lines: AssessedLine[];
  assessment: BillAssessment;
  assessmentDate: string;
  paymentReference: string;
  qrPayload: string;
  status: BillStatus;
  createdAt: Date;
  paidAt: Date | null;
  supplements?: string | null;
}

export interface PaymentRow extends Record<string, unknown> {
  bank_reference: string;
  bill_id: string;
  payment_reference: string;
  amount: string;
  currency: string;
  response: PaymentReceipt;
}

const COLUMNS = `id, number, declaration_id, enterprise_id, zone_id, currency, duty::text AS duty, excise::text AS excise,
  vat::text AS vat, total::text AS total, lines, assessment, to_char(assessment_date, 'YYYY-MM-DD') AS assessment_date,
  payment_reference, qr_payload, status, created_at, paid_at, guarantee_reference, guaranteed_at, cancelled_at, supplements`;

export interface BillFilters {
  declarationId: string | null;
  status: BillStatus | null;
  scopeEnterpriseId: string | null;
  scopeZoneIds: string[] | null;
  beforeId: string | null;
  limit: number;
}

export const billRepository = {
  async nextPaymentNumber(db: Db): Promise<number> {
    const [row] = await db.query<{ value: number }>("SELECT nextval('bill_payment_reference_seq') AS value");
    return Number(row?.value);
  },

  /**
   * Locks the declaration a bill belongs to. Settling a bill may release its declaration, and the
   * declaration service locks the declaration before it touches the bill (cancellation, amendment):
   * taking the locks in that same order means the two never wait on each other.
   */
  async lockDeclaration(db: Db, declarationId: string): Promise<void> {
    await db.query('SELECT 1 FROM declarations WHERE id = $1 FOR UPDATE', [declarationId]);
  },

  async countForDeclaration(db: Db, declarationId: string): Promise<number> {
    const [row] = await db.query<{ count: number }>('SELECT count(*) AS count FROM bills WHERE declaration_id = $1', [declarationId]);
    return Number(row?.count ?? 0);
  },

  async insert(db: Db, bill: NewBill): Promise<BillRow> {
    const [row] = await db.query<BillRow>(
      `INSERT INTO bills (id, number, declaration_id, enterprise_id, zone_id, currency, duty, excise, vat, total, lines,
         assessment, assessment_date, payment_reference, qr_payload, status, created_at, paid_at, supplements)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13, $14, $15, $16, $17, $18, $19)
       RETURNING ${COLUMNS}`,
      [
        bill.id,
        bill.number,
        bill.declarationId,
        bill.enterpriseId,
        bill.zoneId,
        bill.currency,
        bill.duty,
        bill.excise,
        bill.vat,
        bill.total,
        JSON.stringify(bill.lines),
        JSON.stringify(bill.assessment),
        bill.assessmentDate,
        bill.paymentReference,
        bill.qrPayload,
        bill.status,
        bill.createdAt,
        bill.paidAt,
        bill.supplements ?? null,
      ],
    );
    return row as BillRow;
  },

  async find(db: Db, id: string, forUpdate = false): Promise<BillRow | undefined> {
    const [row] = await db.query<BillRow>(`SELECT ${COLUMNS} FROM bills WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  },

  async findByPaymentReference(db: Db, reference: string): Promise<BillRow | undefined> {
    const [row] = await db.query<BillRow>(`SELECT ${COLUMNS} FROM bills WHERE payment_reference = $1`, [reference]);
    return row;
  },

  /** The declaration's own bill that is not cancelled (at most one; supplements aside), locked when asked. */
  async openOf(db: Db, declarationId: string, forUpdate = false): Promise<BillRow | undefined> {
    const [row] = await db.query<BillRow>(
      `SELECT ${COLUMNS} FROM bills WHERE declaration_id = $1 AND status <> 'CANCELLED' AND supplements IS NULL${forUpdate ? ' FOR UPDATE' : ''}`,
      [declarationId],
    );
    return row;
  },

  /** All the declaration's bills that are not cancelled, supplements included, oldest first. */
  async openBillsOf(db: Db, declarationId: string, forUpdate = false): Promise<BillRow[]> {
    return db.query<BillRow>(
      `SELECT ${COLUMNS} FROM bills WHERE declaration_id = $1 AND status <> 'CANCELLED' ORDER BY id${forUpdate ? ' FOR UPDATE' : ''}`,
      [declarationId],
    );
  },

  async setStatus(
    db: Db,
    id: string,
    status: BillStatus,
    changes: { paidAt?: Date; guaranteeReference?: string; guaranteedAt?: Date; guaranteedBy?: string; cancelledAt?: Date },
  ): Promise<BillRow> {
    const [row] = await db.query<BillRow>(
      `UPDATE bills SET status = $2,
         paid_at = COALESCE($3, paid_at),
         guarantee_reference = COALESCE($4, guarantee_reference),
         guaranteed_at = COALESCE($5, guaranteed_at),
         guaranteed_by = COALESCE($6, guaranteed_by),
         cancelled_at = COALESCE($7, cancelled_at)
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, status, changes.paidAt ?? null, changes.guaranteeReference ?? null, changes.guaranteedAt ?? null, changes.guaranteedBy ?? null, changes.cancelledAt ?? null],
    );
    return row as BillRow;
  },

  async list(db: Db, filters: BillFilters): Promise<BillRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (filters.declarationId) add((p) => `declaration_id = ${p}`, filters.declarationId);
    if (filters.status) add((p) => `status = ${p}`, filters.status);
    if (filters.scopeEnterpriseId) add((p) => `enterprise_id = ${p}`, filters.scopeEnterpriseId);
    if (filters.scopeZoneIds) add((p) => `zone_id = ANY(${p}::uuid[])`, filters.scopeZoneIds);
    if (filters.beforeId) add((p) => `id < ${p}`, filters.beforeId);
    params.push(filters.limit);
    return db.query<BillRow>(
      `SELECT ${COLUMNS} FROM bills ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  },
};

export const paymentRepository = {
  async findByBankReference(db: Db, bankReference: string): Promise<PaymentRow | undefined> {
    const [row] = await db.query<PaymentRow>(
      `SELECT bank_reference, bill_id, payment_reference, amount::text AS amount, currency, response
       FROM payments WHERE bank_reference = $1`,
      [bankReference],
    );
    return row;
  },

  /** Records a payment; false when a concurrent confirmation with the same bank reference won. */
  async insert(
    db: Db,
    payment: { id: string; bankReference: string; billId: string; paymentReference: string; amount: string; currency: string; paidAt: Date; receivedAt: Date; response: PaymentReceipt },
  ): Promise<boolean> {
    const rows = await db.query(
      `INSERT INTO payments (id, bank_reference, bill_id, payment_reference, amount, currency, paid_at, received_at, response)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) ON CONFLICT (bank_reference) DO NOTHING RETURNING 1`,
      [
        payment.id,
        payment.bankReference,
        payment.billId,
        payment.paymentReference,
        payment.amount,
        payment.currency,
        payment.paidAt,
        payment.receivedAt,
        JSON.stringify(payment.response),
      ],
    );
    return rows.length > 0;
  },
};
