// Bills and payments through the API: a DOMESTIC_RELEASE is billed at assessment, held while its
// bill is unpaid, released when the bank's signed confirmation arrives (or an officer records a
// guarantee); values in another currency are converted at the rate of the day; duties that cannot
// be computed refuse the declaration naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PAYMENT_SECRET, type ApiClient, type ApiResponse, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone, declarationBody } from '../../test/support/factories.ts';
import { DEFAULT_SELECTIVITY } from '../declarations/selectivity.schema.ts';
import { isValidRfReference } from './rf-reference.ts';
import { signPayment } from './payment.signature.ts';

const today = () => new Date().toISOString().slice(0, 10);

/** T-shirts of cotton: HTS 6109.10.00, 16.5%; GREEN. */
const tshirts = { hsCode: '610910', description: 'T-shirts of cotton', originCountry: 'BD', quantity: '100', unit: 'DZN', netMass: '50', grossMass: '55', customsValue: '2000.00' };
/** Agaricus mushrooms: HTS 0709.51.01.00, 8.8¢/kg + 20%; YELLOW by the rule below. */
const mushrooms = { hsCode: '070951', description: 'Agaricus mushrooms', originCountry: 'PL', quantity: '250', unit: 'KGM', netMass: '250', grossMass: '270', customsValue: '1000.00' };

type Line = typeof tshirts & { tariffCode?: string };

describe('bills and payments', () => {
  let t: TestApp;
  let zone: { id: string; code: string };
  let otherZone: { id: string };
  let e1: { id: string };
  let trader1: ApiClient;
  let trader2: ApiClient;
  let officer: ApiClient;
  let officerElsewhere: ApiClient;
  let auditor: ApiClient;

  beforeAll(async () => {
    t = await createTestApp();
    zone = await createZone(t.admin);
    otherZone = await createZone(t.admin, { locode: 'USEWR' });
    e1 = await createEnterprise(t.admin, [zone.id]);
    const e2 = await createEnterprise(t.admin, [zone.id]);
    trader1 = await createUser(t, 'enterprise_user', { enterpriseId: e1.id });
    trader2 = await createUser(t, 'enterprise_user', { enterpriseId: e2.id });
    officer = await createUser(t, 'customs_officer');
    officerElsewhere = await createUser(t, 'customs_officer', { zoneIds: [otherZone.id] });
    auditor = await createUser(t, 'auditor');
    const current = (await t.admin.get('/api/v1/administration')).body;
    const put = await t.admin.put('/api/v1/administration', {
      name: 'Customs | Border Protection',
      country: current.country,
      currency: 'USD',
      hsEdition: current.hsEdition,
      vatRate: '0.05',
      statusModel: current.statusModel,
      selectivity: {
        ...DEFAULT_SELECTIVITY,
        randomRedShare: '0',
        randomYellowShare: '0',
        rules: [{ name: 'Fresh produce', lane: 'YELLOW', reason: 'phytosanitary check', hsPrefixes: ['0709'] }],
      },
    });
    expect(put.status).toBe(200);
  });
  afterAll(() => t.close());

  function expectStatus(response: ApiResponse, status: number) {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
  }

  /** Foreign goods admitted into the zone and past the gate, so that the book holds them. */
  async function admit(trader: ApiClient, line: Line, currency = 'USD') {
    const admission = await trader.post('/api/v1/declarations', declarationBody(zone.id, { type: 'ADMISSION', currency, lines: [line] }));
    expectStatus(admission, 201);
    if (admission.body.state === 'ASSESSED') expectStatus(await officer.post(`/api/v1/declarations/${admission.body.id}/decisions`, { action: 'RELEASE' }), 200);
    expectStatus(await officer.post(`/api/v1/declarations/${admission.body.id}/decisions`, { action: 'COMPLETE' }), 200);
  }

  async function releaseToMarket(trader: ApiClient, line: Line, currency = 'USD') {
    await admit(trader, line, currency);
    const response = await trader.post('/api/v1/declarations', declarationBody(zone.id, { type: 'DOMESTIC_RELEASE', currency, lines: [line] }));
    expectStatus(response, 201);
    return response.body as { id: string; reference: string; state: string; lane: string };
  }

  async function billOf(client: ApiClient, declarationId: string) {
    const list = await client.get(`/api/v1/bills?declarationId=${declarationId}`);
    expectStatus(list, 200);
    const open = list.body.items.filter((bill: { status: string }) => bill.status !== 'CANCELLED');
    expect(open).toHaveLength(1);
    return open[0] as { id: string; number: string; status: string; total: string; currency: string; paymentReference: string; qrPayload: string };
  }

  /** Posts a confirmation as the bank does: the exact bytes, signed (unless a signature is given). */
  async function confirm(body: object | string, signature?: string | null) {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature !== null) headers['x-cordon-signature'] = signature ?? signPayment(PAYMENT_SECRET, raw);
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/payments/confirmations', headers, payload: raw });
    return { status: response.statusCode, body: response.json<any>(), headers: response.headers };
  }

  async function stateOf(id: string) {
    return (await officer.get(`/api/v1/declarations/${id}`)).body.state as string;
  }

  it('bills a DOMESTIC_RELEASE at assessment, holds it while unpaid, and releases it when the bank confirms payment', async () => {
    const declaration = await releaseToMarket(trader1, tshirts);
    // GREEN, but held for its duties.
    expect(declaration).toMatchObject({ state: 'ASSESSED', lane: 'GREEN' });

    const bill = await billOf(trader1, declaration.id);
    // duty 16.5% × 2,000.00 = 330.00; VAT 5% × (2,000.00 + 330.00 + 0.00) = 116.50; total 446.50
    expect(bill).toMatchObject({ number: `${declaration.reference}-B1`, status: 'UNPAID', currency: 'USD', total: '446.50' });
    expect(isValidRfReference(bill.paymentReference)).toBe(true);
    expect(bill.qrPayload).toBe(`CORDON-PAY|1|${bill.number}|${bill.paymentReference}|USD|446.50|Customs Border Protection`);

    const detail = await trader1.get(`/api/v1/bills/${bill.id}`);
    expectStatus(detail, 200);
    expect(detail.body).toMatchObject({ duty: '330.00', excise: '0.00', vat: '116.50', total: '446.50', assessmentDate: today(), paidAt: null });
    expect(detail.body.lines).toEqual([
      {
        lineNo: 1,
        hsCode: '610910',
        tariffCode: '61091000',
        customsValue: { declared: '2000.00', declaredCurrency: 'USD', amount: '2000.00', formula: '2,000.00 USD' },
        duty: { amount: '330.00', rate: '16.5% (tariff line 61091000)', basis: '2,000.00 USD', formula: '16.5% × 2,000.00 USD' },
        excise: { amount: '0.00', rate: 'none', basis: '-', formula: 'no excise on 61091000' },
        vat: { amount: '116.50', rate: '5%', basis: '2,330.00 USD', formula: '5% × (2,000.00 + 330.00 + 0.00) USD' },
        total: '446.50',
      },
    ]);
    expect(detail.body.assessment).toMatchObject({ vatRate: '0.05', exciseBasis: 'DUTY_PAID_VALUE', exchangeRates: [] });

    // An officer cannot release it either while the bill is unpaid.
    const refused = await officer.post(`/api/v1/declarations/${declaration.id}/decisions`, { action: 'RELEASE' });
    expectStatus(refused, 409);
    expect(refused.body.error).toMatchObject({ code: 'INVALID_TRANSITION', message: `Cannot RELEASE: duties of bill ${bill.number} are not paid` });

    const payment = { paymentReference: bill.paymentReference, amount: '446.50', currency: 'USD', bankReference: `BANK-${declaration.id}`, paidAt: '2026-11-26T10:15:00Z' };
    // Unsigned, or signed with another key, or for other bytes: refused, and nothing changes.
    expectStatus(await confirm(payment, null), 401);
    expectStatus(await confirm(payment, signPayment('another-secret-of-at-least-32-characters', JSON.stringify(payment))), 401);
    expectStatus(await confirm(payment, signPayment(PAYMENT_SECRET, JSON.stringify({ ...payment, amount: '1.00' }))), 401);
    expectStatus(await confirm(payment, 'sha256=not-hex'), 401);
    // The signature is checked on the raw bytes before they are parsed.
    expectStatus(await confirm('{"not json', null), 401);
    expectStatus(await confirm('{"not json'), 400);
    expect((await trader1.get(`/api/v1/bills/${bill.id}`)).body.status).toBe('UNPAID');
    expect(await stateOf(declaration.id)).toBe('ASSESSED');

    // Signed, but not the bill's amount or currency: refused naming the field.
    const short = await confirm({ ...payment, amount: '446.49' });
    expectStatus(short, 400);
    expect(short.body.error.details).toEqual([{ path: '/amount', message: 'must equal the bill total 446.50 USD' }]);
    expect((await confirm({ ...payment, currency: 'EUR' })).body.error.details).toEqual([{ path: '/currency', message: 'must be the bill currency USD' }]);
    expect((await confirm({ ...payment, paymentReference: 'RF00123' })).body.error.details).toEqual([
      { path: '/paymentReference', message: 'is not an ISO 11649 RF reference with correct check digits' },
    ]);

    // The signature covers the bytes as sent: spacing the bank chose is fine.
    const raw = JSON.stringify(payment, null, 2);
    const paid = await confirm(raw);
    expectStatus(paid, 200);
    expect(paid.body).toEqual({
      bankReference: payment.bankReference,
      paymentReference: bill.paymentReference,
      billNumber: bill.number,
      billStatus: 'PAID',
      amount: '446.50',
      currency: 'USD',
      paidAt: '2026-11-26T10:15:00.000Z',
      receivedAt: expect.any(String),
    });
    // Paid: the GREEN declaration goes at once.
    expect(await stateOf(declaration.id)).toBe('RELEASED');
    expect((await trader1.get(`/api/v1/bills/${bill.id}`)).body).toMatchObject({ status: 'PAID', paidAt: '2026-11-26T10:15:00.000Z' });

    // The bank retries: the same answer, and no second payment.
    const retry = await confirm(raw);
    expectStatus(retry, 200);
    expect(retry.body).toEqual(paid.body);
    // The same bank reference for a different amount, or another payment of a paid bill: conflicts.
    const different = await confirm({ ...payment, amount: '400.00' });
    expectStatus(different, 409);
    expect(different.body.error.details[0].path).toBe('/bankReference');
    expectStatus(await confirm({ ...payment, bankReference: `OTHER-${declaration.id}` }), 409);
    const rows = await t.ctx.db.query<{ count: number }>('SELECT count(*)::int AS count FROM payments WHERE bill_id = $1', [bill.id]);
    expect(rows[0]?.count).toBe(1);

    const events = await t.ctx.db.query<{ event_type: string }>(
      "SELECT event_type FROM outbox WHERE aggregate_type = 'bill' AND aggregate_id = $1 ORDER BY id",
      [bill.id],
    );
    expect(events.map((event) => event.event_type)).toEqual(['bill.issued', 'bill.paid']);
  });

  it('lets an officer accept a guarantee instead of payment, after which the declaration may be released', async () => {
    const declaration = await releaseToMarket(trader1, mushrooms);
    expect(declaration).toMatchObject({ state: 'ASSESSED', lane: 'YELLOW' });
    const bill = await billOf(officer, declaration.id);
    const detail = (await officer.get(`/api/v1/bills/${bill.id}`)).body;
    // duty 8.8¢/kg × 250.000 kg = 22.00, + 20% × 1,000.00 = 200.00 → 222.00
    // VAT 5% × (1,000.00 + 222.00 + 0.00) = 61.10; total 283.10
    expect(detail.lines[0].duty).toEqual({
      amount: '222.00',
      rate: '8.8¢/kg + 20% (tariff line 0709510100)',
      basis: '250.000 kg; 1,000.00 USD',
      formula: '8.8¢/kg × 250.000 kg + 20% × 1,000.00 USD',
    });
    expect(detail).toMatchObject({ duty: '222.00', vat: '61.10', total: '283.10' });

    expectStatus(await officer.post(`/api/v1/declarations/${declaration.id}/decisions`, { action: 'RELEASE' }), 409);
    expectStatus(await trader1.post(`/api/v1/bills/${bill.id}/guarantee`, { guaranteeReference: 'BOND-1' }), 403);
    // An officer of another zone does not see the bill.
    expectStatus(await officerElsewhere.post(`/api/v1/bills/${bill.id}/guarantee`, { guaranteeReference: 'BOND-1' }), 404);
    const guaranteed = await officer.post(`/api/v1/bills/${bill.id}/guarantee`, { guaranteeReference: 'BOND-2026-0042' });
    expectStatus(guaranteed, 200);
    expect(guaranteed.body).toMatchObject({ status: 'GUARANTEED', guaranteeReference: 'BOND-2026-0042', guaranteedAt: expect.any(String) });
    expectStatus(await officer.post(`/api/v1/bills/${bill.id}/guarantee`, { guaranteeReference: 'BOND-AGAIN' }), 409);
    // YELLOW: guaranteed, it waits for the officer, who may now release it.
    expect(await stateOf(declaration.id)).toBe('ASSESSED');
    const released = await officer.post(`/api/v1/declarations/${declaration.id}/decisions`, { action: 'RELEASE' });
    expectStatus(released, 200);
    expect(released.body.state).toBe('RELEASED');
    // The bank may still pay a guaranteed bill; the guarantee is then discharged.
    const paid = await confirm({ paymentReference: bill.paymentReference, amount: '283.10', currency: 'USD', bankReference: `BANK-${bill.id}`, paidAt: new Date().toISOString() });
    expectStatus(paid, 200);
    expect(paid.body.billStatus).toBe('PAID');
  });

  it('does not amend a declaration whose duties are paid: customs cancels it (and refunds) instead', async () => {
    const line = { ...mushrooms, quantity: '10', netMass: '10', customsValue: '50.00' };
    const declaration = await releaseToMarket(trader1, line);
    const bill = await billOf(trader1, declaration.id);
    // 8.8¢/kg × 10.000 kg = 0.88 + 20% × 50.00 = 10.00 → 10.88; VAT 5% × 60.88 = 3.044 → 3.04; 13.92
    expect(bill.total).toBe('13.92');
    expectStatus(await confirm({ paymentReference: bill.paymentReference, amount: '13.92', currency: 'USD', bankReference: `BANK-${bill.id}`, paidAt: new Date().toISOString() }), 200);
    // YELLOW: paid, it still waits for the officer.
    expect(await stateOf(declaration.id)).toBe('ASSESSED');
    const { type: _type, zoneId: _zone, ...fields } = declarationBody(zone.id, { type: 'DOMESTIC_RELEASE', lines: [{ ...line, customsValue: '40.00' }] });
    const amended = await trader1.post(`/api/v1/declarations/${declaration.id}/amendments`, { reason: 'price lowered', declaration: fields });
    expectStatus(amended, 400);
    expect(amended.body.error.details).toContainEqual({
      path: '/',
      message: `the duties of bill ${bill.number} are paid; customs cancels the declaration (and refunds) before it is declared again`,
    });
    // A cancellation keeps the paid bill as it is: the refund is due.
    expectStatus(await officer.post(`/api/v1/declarations/${declaration.id}/cancellation`, { reason: 'declared again' }), 200);
    expect((await trader1.get(`/api/v1/bills/${bill.id}`)).body.status).toBe('PAID');
  });

  it('converts values in another currency at the rate valid on the assessment date, and refuses without one', async () => {
    const line = { ...tshirts, quantity: '10', customsValue: '1000.00' };
    await admit(trader1, line, 'EUR');
    const body = declarationBody(zone.id, { type: 'DOMESTIC_RELEASE', currency: 'EUR', lines: [line] });
    const refused = await trader1.post('/api/v1/declarations', body);
    expectStatus(refused, 400);
    expect(refused.body.error.details).toEqual([{ path: '/currency', message: `no exchange rate for EUR on ${today()}` }]);

    expectStatus(await trader1.put('/api/v1/exchange-rates', { rates: [{ currency: 'EUR', validFrom: '2020-01-01', rateToNational: '1.0842' }] }), 403);
    const badRates = await t.admin.put('/api/v1/exchange-rates', {
      rates: [
        { currency: 'USD', validFrom: '2020-01-01', rateToNational: '1' },
        { currency: 'XYZ', validFrom: '2020-01-01', rateToNational: '2' },
        { currency: 'EUR', validFrom: '2020-01-01', rateToNational: '0' },
      ],
    });
    expectStatus(badRates, 400);
    expect(badRates.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(['/rates/0/currency', '/rates/1/currency', '/rates/2/rateToNational']);
    const stored = await t.admin.put('/api/v1/exchange-rates', {
      rates: [
        { currency: 'EUR', validFrom: '2020-01-01', rateToNational: '1.0842' },
        // Not yet valid: the rate of the assessment date is the one above.
        { currency: 'EUR', validFrom: '2999-01-01', rateToNational: '2' },
      ],
    });
    expectStatus(stored, 200);
    expect(stored.body).toEqual({
      nationalCurrency: 'USD',
      items: [
        { currency: 'EUR', validFrom: '2999-01-01', rateToNational: '2' },
        { currency: 'EUR', validFrom: '2020-01-01', rateToNational: '1.0842' },
      ],
    });
    expect((await trader1.get(`/api/v1/exchange-rates?on=${today()}`)).body.items).toEqual([{ currency: 'EUR', validFrom: '2020-01-01', rateToNational: '1.0842' }]);

    const accepted = await trader1.post('/api/v1/declarations', body);
    expectStatus(accepted, 201);
    const bill = (await trader1.get(`/api/v1/bills/${(await billOf(trader1, accepted.body.id)).id}`)).body;
    // 1,000.00 EUR × 1.0842 = 1,084.20 USD; duty 16.5% × 1,084.20 = 178.893 → 178.89;
    // VAT 5% × (1,084.20 + 178.89) = 5% × 1,263.09 = 63.1545 → 63.15; total 242.04
    expect(bill.lines[0].customsValue).toEqual({ declared: '1000.00', declaredCurrency: 'EUR', amount: '1084.20', formula: '1,000.00 EUR × 1.0842 USD/EUR = 1,084.20 USD' });
    expect(bill).toMatchObject({ currency: 'USD', duty: '178.89', vat: '63.15', total: '242.04' });
    expect(bill.assessment.exchangeRates).toEqual([{ currency: 'EUR', validFrom: '2020-01-01', rateToNational: '1.0842' }]);
  });

  it('shows bills to their enterprise and to staff of their zone only', async () => {
    const declaration = await releaseToMarket(trader1, { ...tshirts, quantity: '1', customsValue: '10.00' });
    const bill = await billOf(trader1, declaration.id);
    expectStatus(await trader2.get(`/api/v1/bills/${bill.id}`), 404);
    expect((await trader2.get(`/api/v1/bills?declarationId=${declaration.id}`)).body.items).toEqual([]);
    expectStatus(await officerElsewhere.get(`/api/v1/bills/${bill.id}`), 404);
    expect((await officerElsewhere.get('/api/v1/bills')).body.items).toEqual([]);
    expectStatus(await auditor.get(`/api/v1/bills/${bill.id}`), 200);
    // Zone operators run the gates, not the revenue.
    const operator = await createUser(t, 'zone_operator', { zoneIds: [zone.id] });
    expectStatus(await operator.get(`/api/v1/bills/${bill.id}`), 403);
    // Lists page newest first, filtered by status.
    const unpaid = await officer.get('/api/v1/bills?status=UNPAID&limit=1');
    expect(unpaid.body.items).toHaveLength(1);
    expect(unpaid.body.items[0].id).toBe(bill.id);
    expect(unpaid.body.nextCursor).toEqual(expect.any(String));
    const next = await officer.get(`/api/v1/bills?status=UNPAID&limit=1&cursor=${encodeURIComponent(unpaid.body.nextCursor)}`);
    expect(next.body.items.every((item: { id: string; status: string }) => item.id < bill.id && item.status === 'UNPAID')).toBe(true);
  });

  it('cancels the open bill when the declaration is amended (and bills the amendment), cancelled or rejected', async () => {
    const declaration = await releaseToMarket(trader1, { ...tshirts, quantity: '5', customsValue: '100.00' });
    const first = await billOf(trader1, declaration.id);
    const { type: _type, zoneId: _zone, ...fields } = declarationBody(zone.id, { type: 'DOMESTIC_RELEASE', lines: [{ ...tshirts, quantity: '5', customsValue: '120.00' }] });
    const amended = await trader1.post(`/api/v1/declarations/${declaration.id}/amendments`, { reason: 'invoice corrected', declaration: fields });
    expectStatus(amended, 200);
    const bills = (await trader1.get(`/api/v1/bills?declarationId=${declaration.id}`)).body.items;
    expect(bills.map((bill: { number: string; status: string; total: string }) => [bill.number, bill.status, bill.total])).toEqual([
      // 16.5% × 120.00 = 19.80; 5% × 139.80 = 6.99; 26.79
      [`${declaration.reference}-B2`, 'UNPAID', '26.79'],
      [first.number, 'CANCELLED', first.total],
    ]);
    expectStatus(await trader1.post(`/api/v1/declarations/${declaration.id}/cancellation`, { reason: 'sold abroad instead' }), 200);
    const after = (await trader1.get(`/api/v1/bills?declarationId=${declaration.id}`)).body.items;
    expect(after.map((bill: { status: string }) => bill.status)).toEqual(['CANCELLED', 'CANCELLED']);
    const cancelled = await t.ctx.db.query<{ event_type: string }>(
      "SELECT event_type FROM outbox WHERE aggregate_type = 'bill' AND payload->>'declarationId' = $1 ORDER BY id",
      [declaration.id],
    );
    expect(cancelled.map((event) => event.event_type)).toEqual(['bill.issued', 'bill.cancelled', 'bill.issued', 'bill.cancelled']);
  });

  it('refuses a declaration whose duties cannot be computed, naming the line and field', async () => {
    const submit = (line: Line) => trader1.post('/api/v1/declarations', declarationBody(zone.id, { type: 'DOMESTIC_RELEASE', lines: [line] }));
    const detailsOf = (response: ApiResponse) => (response.body.error.details as { path: string; message: string }[]).filter((detail) => detail.path !== '/lines/0/quantity' && !detail.message.includes('stock'));

    // HS 9405.41 has four national lines: the trader must name one.
    const luminaires = { ...tshirts, hsCode: '940541', description: 'LED luminaires', unit: 'H87' };
    const ambiguous = await submit(luminaires);
    expectStatus(ambiguous, 400);
    expect(detailsOf(ambiguous)).toContainEqual({
      path: '/lines/0/tariffCode',
      message: 'HS 940541 has several national lines: 9405414000, 9405416000, 9405418200, 94054184; name one',
    });
    // A rate charged on drained weight, which a declaration does not state.
    const olives = await submit({ ...tshirts, hsCode: '071120', tariffCode: '0711204000', description: 'Stuffed olives', unit: 'KGM' });
    expect(detailsOf(olives)).toContainEqual({
      path: '/lines/0/tariffCode',
      message: 'the rate of tariff line 0711204000 is not computed by Cordon ("8.6¢/kg on drained weight": "kg on drained weight" is not a quantity that a declaration line states); customs assesses it by hand',
    });
    // Wine is charged per liter: a quantity in kilograms will not do.
    const wine = await submit({ ...tshirts, hsCode: '220421', tariffCode: '22042150', description: 'Red wine', unit: 'KGM' });
    expect(detailsOf(wine)).toContainEqual({
      path: '/lines/0/unit',
      message: 'the rate 6.3¢/liter of tariff line 22042150 is charged per liter; declare the quantity in LTR, MLT, MTQ',
    });
    // A tariff code that is not in the schedule.
    const unknown = await submit({ ...tshirts, tariffCode: '6109109999' });
    expect(detailsOf(unknown)).toContainEqual({ path: '/lines/0/tariffCode', message: '6109109999 is no national line of the tariff schedule' });
  });

  it('adds excise from the duty settings, which only the admin changes', async () => {
    expectStatus(await officer.put('/api/v1/duties/settings', { exciseBasis: 'CUSTOMS_VALUE', excise: [] }), 403);
    const invalid = await t.admin.put('/api/v1/duties/settings', {
      exciseBasis: 'CUSTOMS_VALUE',
      excise: [{ hsPrefix: '61' }, { hsPrefix: '61', adValorem: '0.1' }, { hsPrefix: '22', specific: { amount: '1', per: 'XXX' } }],
    });
    expectStatus(invalid, 400);
    expect(invalid.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(['/excise/0', '/excise/1/hsPrefix', '/excise/2/specific/per']);
    const settings = await t.admin.put('/api/v1/duties/settings', {
      exciseBasis: 'CUSTOMS_VALUE',
      excise: [{ hsPrefix: '6109', description: 'luxury knitwear', adValorem: '0.02', specific: { amount: '0.10', per: 'DZN' } }],
    });
    expectStatus(settings, 200);
    expect(settings.body).toMatchObject({ exciseBasis: 'CUSTOMS_VALUE', version: 2 });
    expect((await trader1.get('/api/v1/duties/settings')).body.excise).toHaveLength(1);

    const declaration = await releaseToMarket(trader1, { ...tshirts, quantity: '20', customsValue: '500.00' });
    const bill = (await officer.get(`/api/v1/bills/${(await billOf(officer, declaration.id)).id}`)).body;
    // duty 16.5% × 500.00 = 82.50; excise 2% × 500.00 = 10.00 + 0.10 × 20 DZN = 2.00 → 12.00
    // VAT 5% × (500.00 + 82.50 + 12.00) = 5% × 594.50 = 29.725 → 29.73; total 124.23
    expect(bill.lines[0].excise).toEqual({
      amount: '12.00',
      rate: '2% + 0.10 USD/DZN (excise on 6109, luxury knitwear)',
      basis: '500.00 USD; 20 DZN',
      formula: '2% × 500.00 USD + 0.10 USD/DZN × 20 DZN',
    });
    expect(bill).toMatchObject({ duty: '82.50', excise: '12.00', vat: '29.73', total: '124.23' });
    expectStatus(await t.admin.put('/api/v1/duties/settings', { exciseBasis: 'DUTY_PAID_VALUE', excise: [] }), 200);
  });

  it('refuses confirmations when no payment secret is configured (503)', async () => {
    const secret = t.ctx.config.paymentSecret;
    t.ctx.config.paymentSecret = null;
    try {
      const response = await confirm({ paymentReference: 'RF18539007547034', amount: '1.00', currency: 'USD', bankReference: 'X', paidAt: new Date().toISOString() });
      expectStatus(response, 503);
    } finally {
      t.ctx.config.paymentSecret = secret;
    }
    const unknown = await confirm({ paymentReference: 'RF18539007547034', amount: '1.00', currency: 'USD', bankReference: 'X', paidAt: new Date().toISOString() });
    expectStatus(unknown, 404);
  });
});
