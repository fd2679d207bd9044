import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestApp, type ApiClient, type ApiResponse, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone } from '../../test/support/factories.ts';
import { createAccount } from '../../test/support/access.ts';
import {
  bookOf,
  decide,
  declareAndPass,
  expectStatus,
  line,
  lotsOf,
  lotsReceivedBy,
  pass,
  setSelectivity,
  submit,
} from './books.fixtures.ts';

describe('account books', () => {
  let t: TestApp;
  // A controlled clock: the stock as of a past day needs movements on two days. It runs ahead of the
  // database's clock and moves only a few hours in all.
  const dayMs = 86_400_000;
  const day1Start = Math.ceil(Date.now() / dayMs) * dayMs;
  const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const [day0, day1, day2] = [dayOf(day1Start - dayMs), dayOf(day1Start), dayOf(day1Start + dayMs)];
  let now = new Date(day1Start + 20 * 3_600_000);
  const clock = { now: () => new Date(now.getTime()) };
  let zoneA: { id: string; code: string };
  let zoneB: { id: string; code: string };
  let e1: { id: string };
  let e2: { id: string };
  let book1: { id: string; code: string };
  let book1B: { id: string; code: string };
  let book2: { id: string; code: string };
  let processingBook: { id: string; code: string };
  let trader1: ApiClient;
  let trader2: ApiClient;
  let officer: ApiClient;
  let officerId: string;
  let officerB: ApiClient;
  let operator: ApiClient;
  let auditor: ApiClient;
  let actors: { trader: ApiClient; officer: ApiClient; operator: ApiClient };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    zoneA = await createZone(t.admin);
    zoneB = await createZone(t.admin, { locode: 'USEWR' });
    e1 = await createEnterprise(t.admin, [zoneA.id, zoneB.id]);
    e2 = await createEnterprise(t.admin, [zoneA.id]);
    book1 = await bookOf(t, e1.id, zoneA.id, 'ST1');
    book1B = await bookOf(t, e1.id, zoneB.id, 'ST2');
    book2 = await bookOf(t, e2.id, zoneA.id, 'ST1');
    const created = await t.admin.post('/api/v1/books', { enterpriseId: e1.id, zoneId: zoneA.id, code: 'PR1', kind: 'PROCESSING', name: 'Assembly' });
    expectStatus(created, 201);
    processingBook = created.body;
    trader1 = await createUser(t, 'enterprise_user', { enterpriseId: e1.id });
    trader2 = await createUser(t, 'enterprise_user', { enterpriseId: e2.id });
    const officerAccount = await createAccount(t, 'customs_officer');
    officer = officerAccount.client;
    officerId = officerAccount.id;
    officerB = await createUser(t, 'customs_officer', { zoneIds: [zoneB.id] });
    operator = await createUser(t, 'zone_operator', { zoneIds: [zoneA.id, zoneB.id] });
    auditor = await createUser(t, 'auditor');
    actors = { trader: trader1, officer, operator };
    await setSelectivity(t, { rules: [{ name: 'Destruction', lane: 'YELLOW', reason: 'witnessed', declarationTypes: ['DESTRUCTION'] }] });
  });
  afterAll(() => t.close());

  const lot = async (id: string) => {
    const response = await auditor.get(`/api/v1/lots/${id}`);
    expectStatus(response, 200);
    return response.body;
  };

  it('admits goods as FOREIGN lots numbered per book, each with its receipt movement and an event', async () => {
    const d = await declareAndPass(actors, zoneA.id, 'ADMISSION', [
      line(100, 25000, { partNumber: 'ADM-1' }),
      line(50, '999.99', { partNumber: 'ADM-2', hsCode: '620342', description: "Men's cotton trousers", originCountry: 'BD' }),
    ]);
    const [phones, trousers] = await lotsReceivedBy(trader1, book1.id, d.id);
    expect(phones).toMatchObject({
      bookId: book1.id,
      enterpriseId: e1.id,
      zoneId: zoneA.id,
      kind: 'GOODS',
      partNumber: 'ADM-1',
      hsCode: '851713',
      customsStatus: 'FOREIGN',
      originCountry: 'CN',
      unit: 'H87',
      receivedQuantity: '100.000000',
      quantity: '100.000000',
      reserved: '0.000000',
      available: '100.000000',
      unitValue: '250.000000',
      currency: 'USD',
      value: '25000.00',
      receivingDeclaration: { id: d.id, reference: d.reference, type: 'ADMISSION' },
      receivingLineNo: 1,
      receiptDate: day1,
      firstAdmission: { declarationId: d.id, reference: d.reference, date: day1 },
      sourceLotIds: [],
    });
    expect(trousers).toMatchObject({ unitValue: '19.999800', value: '999.99', originCountry: 'BD', receivingLineNo: 2 });
    expect(phones?.lotNumber).toMatch(/^ST1-\d{6}$/);
    expect(Number(trousers?.lotNumber.slice(4))).toBe(Number(phones?.lotNumber.slice(4)) + 1);

    const detail = await lot(phones?.id as string);
    expect(detail.movements).toEqual([
      expect.objectContaining({ kind: 'RECEIPT', quantity: '100.000000', value: '25000.00', currency: 'USD', lineNo: 1, declaration: { id: d.id, reference: d.reference, type: 'ADMISSION' } }),
    ]);
    const events = await t.ctx.db.query<{ payload: Record<string, unknown> }>(
      "SELECT payload FROM outbox WHERE event_type = 'book.movements_posted' AND aggregate_id = $1 ORDER BY id DESC LIMIT 1",
      [book1.id],
    );
    expect(events[0]?.payload).toMatchObject({ declarationId: d.id, reference: d.reference, movements: 2, lotsCreated: 2, byKind: { RECEIPT: 2 } });
  });

  it('admits domestic goods as DOMESTIC lots', async () => {
    const d = await declareAndPass(actors, zoneA.id, 'DOMESTIC_ADMISSION', [line(5, 500, { partNumber: 'DOM-1', originCountry: 'US' })]);
    const [received] = await lotsReceivedBy(trader1, book1.id, d.id);
    expect(received).toMatchObject({ customsStatus: 'DOMESTIC', originCountry: 'US', firstAdmission: { declarationId: d.id } });
  });

  it('refuses at submission what the book cannot supply, naming the line', async () => {
    const admitted = await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(40, 4000, { partNumber: 'SHORT-1' })]);
    const [stocked] = await lotsReceivedBy(trader1, book1.id, admitted.id);
    const [foreign] = await lotsReceivedBy(trader2, book2.id, (await declareAndPass({ ...actors, trader: trader2 }, zoneA.id, 'ADMISSION', [line(5, 50)])).id);
    const exportOf = (lines: object[]) => trader1.post('/api/v1/declarations', { ...baseExport(), lines });
    const baseExport = () => ({ type: 'EXPORT', zoneId: zoneA.id, currency: 'USD', destinationCountry: 'DE', transport: { mode: 'ROAD' } });
    const before = (await lotsOf(auditor, book1.id)).length;

    // Two lines of the same goods share the 40 there are.
    const summed = await exportOf([line(30, 3000, { partNumber: 'SHORT-1' }), line(20, 2000, { partNumber: 'SHORT-1' })]);
    expectStatus(summed, 400);
    expect(summed.body.error.details).toEqual([{ path: '/lines/1/quantity', message: 'only 10 H87 available in book ST1' }]);
    const otherUnit = await exportOf([line(1, 10, { partNumber: 'SHORT-1', unit: 'KGM' })]);
    expect(otherUnit.body.error.details).toEqual([{ path: '/lines/0/quantity', message: 'only 0 KGM available in book ST1' }]);
    const notOurs = await exportOf([line(1, 10, { lotId: foreign?.id as string })]);
    expect(notOurs.body.error.details).toEqual([{ path: '/lines/0/lotId', message: 'no such lot in book ST1' }]);
    const wrongUnit = await exportOf([line(1, 10, { lotId: stocked?.id as string, unit: 'KGM' })]);
    expect(wrongUnit.body.error.details).toEqual([{ path: '/lines/0/lotId', message: `lot ${stocked?.lotNumber} is kept in H87, not KGM` }]);
    const tooMuch = await exportOf([line(41, 10, { lotId: stocked?.id as string })]);
    expect(tooMuch.body.error.details).toEqual([{ path: '/lines/0/quantity', message: `only 40 H87 available in lot ${stocked?.lotNumber}` }]);
    // The named lot is taken first; FIFO lines share what it leaves.
    const mixed = await exportOf([line(25, 10, { partNumber: 'SHORT-1' }), line(20, 10, { lotId: stocked?.id as string })]);
    expect(mixed.body.error.details).toEqual([{ path: '/lines/0/quantity', message: 'only 20 H87 available in book ST1' }]);
    expect((await lotsOf(auditor, book1.id)).length).toBe(before);
    expect((await lot(stocked?.id as string)).reserved).toBe('0.000000');
  });

  it('holds stock at release, removes it at the gate and gives it back when the release is cancelled', async () => {
    const admitted = await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(100, 25000, { partNumber: 'EXP-1' })]);
    const [stocked] = await lotsReceivedBy(trader1, book1.id, admitted.id);
    const id = stocked?.id as string;
    const exportBody = (quantity: number) => ({ destinationCountry: 'DE' as const, lines: [line(quantity, quantity * 250, { partNumber: 'EXP-1' })] });

    const first = await submit(trader1, zoneA.id, 'EXPORT', exportBody(30).lines, { destinationCountry: 'DE' });
    expect(first.state).toBe('RELEASED');
    expect(await lot(id)).toMatchObject({ quantity: '100.000000', reserved: '30.000000', available: '70.000000' });
    expect((await lot(id)).reservations).toEqual([{ declaration: { id: first.id, reference: first.reference, type: 'EXPORT' }, lineNo: 1, quantity: '30.000000' }]);
    const second = await submit(trader1, zoneA.id, 'EXPORT', exportBody(70).lines, { destinationCountry: 'DE' });
    expect(second.state).toBe('RELEASED');
    const third = await trader1.post('/api/v1/declarations', { type: 'EXPORT', zoneId: zoneA.id, currency: 'USD', transport: { mode: 'ROAD' }, ...exportBody(1) });
    expect(third.body.error.details).toEqual([{ path: '/lines/0/quantity', message: 'only 0 H87 available in book ST1' }]);

    expectStatus(await officer.post(`/api/v1/declarations/${second.id}/cancellation`, { reason: 'release invalidated' }), 200);
    expect(await lot(id)).toMatchObject({ reserved: '30.000000', available: '70.000000' });
    await pass(officer, operator, first);
    const after = await lot(id);
    expect(after).toMatchObject({ quantity: '70.000000', reserved: '0.000000', value: '17500.00', reservations: [] });
    expect(after.movements.map((m: { kind: string; quantity: string; value: string }) => [m.kind, m.quantity, m.value])).toEqual([
      ['RECEIPT', '100.000000', '25000.00'],
      ['REMOVAL', '-30.000000', '-7500.00'],
    ]);
  });

  it('refuses an officer release when the stock has gone meanwhile, and lets the declaration wait', async () => {
    const admitted = await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(10, 100, { partNumber: 'DST-1' })]);
    const [stocked] = await lotsReceivedBy(trader1, book1.id, admitted.id);
    const destruction = await submit(trader1, zoneA.id, 'DESTRUCTION', [line(10, 0, { lotId: stocked?.id as string, partNumber: 'DST-1' })]);
    expect(destruction.state).toBe('ASSESSED');
    const exported = await submit(trader1, zoneA.id, 'EXPORT', [line(10, 100, { partNumber: 'DST-1' })], { destinationCountry: 'DE' });
    expect(exported.state).toBe('RELEASED');

    const refused = await decide(officer, destruction.id, 'RELEASE');
    expectStatus(refused, 409);
    expect(refused.body).toMatchObject({ error: { code: 'CONFLICT', details: [{ path: '/lines/0/quantity', message: `only 0 H87 available in lot ${stocked?.lotNumber}` }] } });
    expect((await officer.get(`/api/v1/declarations/${destruction.id}`)).body.state).toBe('ASSESSED');

    expectStatus(await officer.post(`/api/v1/declarations/${exported.id}/cancellation`, { reason: 'exporter withdrew' }), 200);
    await pass(officer, operator, destruction);
    expect(await lot(stocked?.id as string)).toMatchObject({ quantity: '0.000000', reserved: '0.000000' });
    expect((await lot(stocked?.id as string)).movements.at(-1)).toMatchObject({ kind: 'REMOVAL', quantity: '-10.000000', declaration: { type: 'DESTRUCTION' } });
  });

  it('transfers goods to another enterprise with their history, and within the enterprise with its item', async () => {
    const admitted = await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(100, 1000, { partNumber: 'TRF-1', originCountry: 'VN' })]);
    const [source] = await lotsReceivedBy(trader1, book1.id, admitted.id);
    const transfer = await declareAndPass(actors, zoneA.id, 'TRANSFER', [line(40, 400, { partNumber: 'TRF-1', originCountry: 'VN' })], {
      destination: { zoneId: zoneA.id, enterpriseId: e2.id },
    });
    expect(await lot(source?.id as string)).toMatchObject({ quantity: '60.000000' });
    expect((await lot(source?.id as string)).movements.at(-1)).toMatchObject({ kind: 'TRANSFER_OUT', quantity: '-40.000000', value: '-400.00' });

    const [received] = await lotsReceivedBy(trader2, book2.id, transfer.id);
    expect(received).toMatchObject({
      enterpriseId: e2.id,
      itemId: null,
      partNumber: null,
      customsStatus: 'FOREIGN',
      originCountry: 'VN',
      quantity: '40.000000',
      unitValue: '10.000000',
      value: '400.00',
      receivingDeclaration: { id: transfer.id, type: 'TRANSFER' },
      firstAdmission: { declarationId: admitted.id, reference: admitted.reference, date: day1 },
      sourceLotIds: [source?.id],
    });
    expect((await lot(received?.id as string)).movements).toEqual([expect.objectContaining({ kind: 'TRANSFER_IN', quantity: '40.000000', value: '400.00' })]);

    const trace = await auditor.get(`/api/v1/lots/${received?.id}/trace`);
    expectStatus(trace, 200);
    expect(trace.body.complete).toBe(true);
    expect(trace.body.nodes.map((n: { depth: number; lotId: string; admission: boolean }) => [n.depth, n.lotId, n.admission])).toEqual([
      [0, received?.id, false],
      [1, source?.id, true],
    ]);
    expect(trace.body.nodes[1].movements.map((m: { kind: string }) => m.kind)).toEqual(['RECEIPT', 'TRANSFER_OUT']);
    // The receiving enterprise sees where its goods came from only as far as its own books go.
    const theirs = await trader2.get(`/api/v1/lots/${received?.id}/trace`);
    expect(theirs.body.complete).toBe(false);
    expect(theirs.body.nodes[1]).toEqual({ depth: 1, lotId: source?.id, visible: false, lot: null, movements: [], sourceLotIds: [], admission: false });
    expectStatus(await trader2.get(`/api/v1/lots/${source?.id}`), 404);

    // Zone to zone within the enterprise: the item travels with the goods.
    const item = await t.admin.post('/api/v1/items', { enterpriseId: e1.id, partNumber: 'TRF-ITEM', hsCode: '851713', description: 'Smartphones', unit: 'H87' });
    expectStatus(item, 201);
    await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(10, 100, { itemId: item.body.id })]);
    const moved = await declareAndPass(actors, zoneA.id, 'TRANSFER', [line(10, 100, { itemId: item.body.id })], { destination: { zoneId: zoneB.id } });
    const [inB] = await lotsReceivedBy(trader1, book1B.id, moved.id);
    expect(inB).toMatchObject({ zoneId: zoneB.id, itemId: item.body.id, partNumber: 'TRF-ITEM', quantity: '10.000000' });
  });

  it('consumes processing inputs and books outputs, waste and scrap with status, origin and trail from the rules', async () => {
    const steel = { hsCode: '720851', description: 'Steel plate', originCountry: 'JP', unit: 'KGM', partNumber: 'STEEL' };
    const plastic = { hsCode: '390110', description: 'Polyethylene', originCountry: 'CN', unit: 'KGM', partNumber: 'PE' };
    const steelIn = await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(50, 5000, steel)], { bookId: processingBook.id });
    const plasticIn = await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(20, 1000, plastic)], { bookId: processingBook.id });
    const [steelLot] = await lotsReceivedBy(trader1, processingBook.id, steelIn.id);
    const [plasticLot] = await lotsReceivedBy(trader1, processingBook.id, plasticIn.id);

    const processing = await declareAndPass(actors, zoneA.id, 'PROCESSING', [
      line(40, 4000, { ...steel, processingRole: 'INPUT' }),
      line(20, 1000, { ...plastic, processingRole: 'INPUT' }),
      line(10, 9000, { hsCode: '847989', description: 'Packing machines', originCountry: 'US', unit: 'H87', partNumber: 'MACHINE', processingRole: 'OUTPUT' }),
      line(5, '10.00', { hsCode: '720449', description: 'Steel offcuts', originCountry: 'US', unit: 'KGM', processingRole: 'WASTE' }),
      line(3, '4.50', { hsCode: '720449', description: 'Rejected plates', originCountry: 'US', unit: 'KGM', processingRole: 'SCRAP' }),
    ]);
    expect(await lot(steelLot?.id as string)).toMatchObject({ quantity: '10.000000' });
    expect(await lot(plasticLot?.id as string)).toMatchObject({ quantity: '0.000000' });
    expect((await lot(steelLot?.id as string)).movements.at(-1)).toMatchObject({ kind: 'CONSUMPTION', quantity: '-40.000000', value: '-4000.00' });

    const [output, waste, scrap] = await lotsReceivedBy(trader1, processingBook.id, processing.id);
    const common = {
      customsStatus: 'FOREIGN',
      // Steel is the input of the largest value consumed.
      originCountry: 'JP',
      sourceLotIds: [steelLot?.id, plasticLot?.id].sort(),
      firstAdmission: { declarationId: steelIn.id, date: day1 },
    };
    expect({ ...output, sourceLotIds: [...(output?.sourceLotIds ?? [])].sort() }).toMatchObject({ ...common, kind: 'GOODS', quantity: '10.000000', unitValue: '900.000000', value: '9000.00' });
    expect({ ...waste, sourceLotIds: [...(waste?.sourceLotIds ?? [])].sort() }).toMatchObject({ ...common, kind: 'WASTE', quantity: '5.000000', unitValue: '2.000000' });
    expect({ ...scrap, sourceLotIds: [...(scrap?.sourceLotIds ?? [])].sort() }).toMatchObject({ ...common, kind: 'SCRAP', quantity: '3.000000', unitValue: '1.500000' });
    expect((await lot(output?.id as string)).movements).toEqual([expect.objectContaining({ kind: 'PRODUCTION', quantity: '10.000000', value: '9000.00' })]);

    const trace = (await auditor.get(`/api/v1/lots/${output?.id}/trace`)).body;
    expect(trace.complete).toBe(true);
    expect(trace.nodes.filter((n: { depth: number }) => n.depth === 1).map((n: { lotId: string; admission: boolean }) => [n.lotId, n.admission]).sort()).toEqual(
      [[steelLot?.id, true], [plasticLot?.id, true]].sort(),
    );

    // Made wholly of domestic goods, the product is domestic.
    const paint = { hsCode: '320890', description: 'Paint', originCountry: 'US', unit: 'KGM', partNumber: 'PAINT' };
    await declareAndPass(actors, zoneA.id, 'DOMESTIC_ADMISSION', [line(10, 100, paint)], { bookId: processingBook.id });
    const painted = await declareAndPass(actors, zoneA.id, 'PROCESSING', [
      line(10, 100, { ...paint, processingRole: 'INPUT' }),
      line(2, 300, { hsCode: '732690', description: 'Painted brackets', originCountry: 'US', unit: 'H87', processingRole: 'OUTPUT' }),
    ]);
    const [brackets] = await lotsReceivedBy(trader1, processingBook.id, painted.id);
    expect(brackets).toMatchObject({ customsStatus: 'DOMESTIC', originCountry: 'US', kind: 'GOODS' });
  });

  it('books admissions of a US foreign-trade zone as non-privileged foreign, and their products too', async () => {
    await setSelectivity(t, { statusModel: 'US_FTZ' });
    try {
      const rubber = { hsCode: '400122', description: 'Natural rubber', originCountry: 'TH', unit: 'KGM', partNumber: 'TSNR' };
      const admitted = await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(10, 200, rubber)], { bookId: processingBook.id });
      const [rubberLot] = await lotsReceivedBy(trader1, processingBook.id, admitted.id);
      expect(rubberLot?.customsStatus).toBe('NON_PRIVILEGED_FOREIGN');
      const processed = await declareAndPass(actors, zoneA.id, 'PROCESSING', [
        line(10, 200, { ...rubber, processingRole: 'INPUT' }),
        line(100, 500, { hsCode: '392690', description: 'Seals', originCountry: 'US', unit: 'H87', processingRole: 'OUTPUT' }),
      ]);
      const [seals] = await lotsReceivedBy(trader1, processingBook.id, processed.id);
      expect(seals).toMatchObject({ customsStatus: 'NON_PRIVILEGED_FOREIGN', originCountry: 'TH' });
    } finally {
      await setSelectivity(t, { statusModel: 'STANDARD', rules: [{ name: 'Destruction', lane: 'YELLOW', reason: 'witnessed', declarationTypes: ['DESTRUCTION'] }] });
    }
  });

  it("posts an officer's adjustments with reason and approver, never below zero or below what is reserved", async () => {
    const admitted = await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(20, 200, { partNumber: 'ADJ-1' })]);
    const [stocked] = await lotsReceivedBy(trader1, book1.id, admitted.id);
    const url = `/api/v1/books/${book1.id}/adjustments`;
    const id = stocked?.id as string;

    const posted = await officer.post(url, { lotId: id, quantity: '-2.5', reason: 'stocktaking: two and a half missing' });
    expectStatus(posted, 201);
    expect(posted.body.lot).toMatchObject({ id, quantity: '17.500000' });
    expect(posted.body.movement).toMatchObject({
      kind: 'ADJUSTMENT',
      quantity: '-2.500000',
      value: '-25.00',
      declaration: null,
      reason: 'stocktaking: two and a half missing',
      approvedBy: officerId,
    });
    expectStatus(await officer.post(url, { lotId: id, quantity: '1', reason: 'found on the wrong shelf' }), 201);
    expect(await lot(id)).toMatchObject({ quantity: '18.500000' });

    const negative = await officer.post(url, { lotId: id, quantity: '-18.500001', reason: 'x' });
    expectStatus(negative, 400);
    expect(negative.body.error.details).toEqual([{ path: '/quantity', message: `would make lot ${stocked?.lotNumber} negative: it holds 18.5 H87` }]);
    await submit(trader1, zoneA.id, 'EXPORT', [line(10, 100, { lotId: id, partNumber: 'ADJ-1' })], { destinationCountry: 'DE' });
    const belowReserved = await officer.post(url, { lotId: id, quantity: '-9', reason: 'x' });
    expect(belowReserved.body.error.details).toEqual([
      { path: '/quantity', message: `would leave lot ${stocked?.lotNumber} below the 10 H87 reserved for released declarations` },
    ]);
    expect((await officer.post(url, { lotId: id, quantity: '0', reason: 'x' })).body.error.details).toEqual([{ path: '/quantity', message: 'must not be zero' }]);
    const elsewhere = await officer.post(`/api/v1/books/${book2.id}/adjustments`, { lotId: id, quantity: '1', reason: 'x' });
    expect(elsewhere.body.error.details).toEqual([{ path: '/lotId', message: 'no such lot in book ST1' }]);
    expectStatus(await officer.post(url, { lotId: id, quantity: '1.5x', reason: 'x' }), 400);
    expectStatus(await trader1.post(url, { lotId: id, quantity: '1', reason: 'x' }), 403);
    expectStatus(await auditor.post(url, { lotId: id, quantity: '1', reason: 'x' }), 403);
    expectStatus(await officerB.post(url, { lotId: id, quantity: '1', reason: 'x' }), 404);
    expect(await lot(id)).toMatchObject({ quantity: '18.500000', reserved: '10.000000' });
  });

  it('lists lots with filters and movements newest first, page by page', async () => {
    const open = await lotsOf(trader1, book1.id, '&open=true');
    const closed = await lotsOf(trader1, book1.id, '&open=false');
    expect(open.length).toBeGreaterThan(3);
    expect(open.every((l) => Number(l.quantity) > 0)).toBe(true);
    expect(closed.every((l) => Number(l.quantity) === 0)).toBe(true);
    expect((await lotsOf(trader1, book1.id, '&status=DOMESTIC')).every((l) => l.customsStatus === 'DOMESTIC')).toBe(true);
    const all = await lotsOf(trader1, book1.id);
    expect(all.length).toBe(open.length + closed.length);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await trader1.get(`/api/v1/books/${book1.id}/lots?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.body.items.map((l) => l.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.map((l) => l.id));

    const movements: { id: string; at: string }[] = [];
    cursor = null;
    do {
      const page: ApiResponse<{ items: { id: string; at: string }[]; nextCursor: string | null }> = await trader1.get(
        `/api/v1/books/${book1.id}/movements?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expectStatus(page, 200);
      movements.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const ids = movements.map((m) => Number(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    const total = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM movements WHERE book_id = $1', [book1.id]);
    expect(ids.length).toBe(total[0]?.n);
    const none = await trader1.get(`/api/v1/books/${book1.id}/movements?from=${encodeURIComponent(`${day2}T00:00:00Z`)}`);
    expect(none.body.items).toEqual([]);
    expectStatus(await trader1.get(`/api/v1/books/${book1.id}/movements?cursor=bm9wZQ`), 400);
  });

  it('gives the stock now and as of the end of a past day', async () => {
    const item = await t.admin.post('/api/v1/items', { enterpriseId: e1.id, partNumber: 'ASOF-1', hsCode: '847130', description: 'Laptops', unit: 'H87' });
    expectStatus(item, 201);
    const itemId = item.body.id as string;
    await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(100, 50000, { itemId, hsCode: '847130', description: 'Laptops' })]);
    await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(20, 10000, { itemId, hsCode: '847130', description: 'Laptops' })]);
    now = new Date(day1Start + 25 * 3_600_000);
    await declareAndPass(actors, zoneA.id, 'EXPORT', [line(110, 55000, { itemId, hsCode: '847130', description: 'Laptops' })], { destinationCountry: 'CA' });
    await submit(trader1, zoneA.id, 'EXPORT', [line(4, 2000, { itemId, hsCode: '847130', description: 'Laptops' })], { destinationCountry: 'CA' });

    const stock = async (query: string) => {
      const response = await trader1.get(`/api/v1/books/${book1.id}/stock?itemId=${itemId}${query}`);
      expectStatus(response, 200);
      return response.body;
    };
    expect(await stock('')).toEqual({
      bookId: book1.id,
      asOf: null,
      items: [
        {
          kind: 'GOODS',
          itemId,
          partNumber: 'ASOF-1',
          hsCode: '847130',
          description: 'Laptops',
          customsStatus: 'FOREIGN',
          unit: 'H87',
          currency: 'USD',
          lots: 1,
          quantity: '10.000000',
          reserved: '4.000000',
          available: '6.000000',
          value: '5000.00',
        },
      ],
    });
    // FIFO: the older lot went first, the newer one keeps what is left.
    expect((await stock(`&asOf=${day1}`)).items).toEqual([expect.objectContaining({ lots: 2, quantity: '120.000000', reserved: null, available: null, value: '60000.00' })]);
    expect((await stock(`&asOf=${day2}`)).items).toEqual([expect.objectContaining({ lots: 1, quantity: '10.000000', value: '5000.00' })]);
    expect((await stock(`&asOf=${day0}`)).items).toEqual([]);
    expect((await stock('&status=DOMESTIC')).items).toEqual([]);
    const byHs = await trader1.get(`/api/v1/books/${book1.id}/stock?hsCode=8471`);
    expect(byHs.body.items.every((s: { hsCode: string }) => s.hsCode.startsWith('8471'))).toBe(true);
    expectStatus(await trader1.get(`/api/v1/books/${book1.id}/stock?asOf=yesterday`), 400);
  });

  it('exports stock, lots and movements as CSV, quoting what needs it', async () => {
    await declareAndPass(actors, zoneA.id, 'ADMISSION', [line(3, 30, { partNumber: 'CSV-1', description: 'Bolts, "hex" =SUM(A1)' })]);
    const read = async (what: string) => {
      const response = await trader1.get(`/api/v1/books/${book1.id}/export.csv?what=${what}`);
      expectStatus(response, 200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="ST1-${what}-${day2}.csv"`);
      expect(response.body.endsWith('\r\n')).toBe(true);
      return parse<Record<string, string>>(response.body as string, { columns: true });
    };
    const lots = await read('lots');
    expect(lots.length).toBe((await lotsOf(trader1, book1.id)).length);
    expect(lots.find((row) => row.part_number === 'CSV-1')).toMatchObject({ description: 'Bolts, "hex" =SUM(A1)', quantity: '3.000000', customs_status: 'FOREIGN' });
    const formula = await trader1.get(`/api/v1/books/${book1.id}/export.csv?what=lots`);
    expect(formula.body).toContain('"Bolts, ""hex"" =SUM(A1)"');

    const movements = await read('movements');
    const total = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM movements WHERE book_id = $1', [book1.id]);
    expect(movements.length).toBe(total[0]?.n);
    expect(movements.some((row) => row.kind === 'ADJUSTMENT' && row.reason === 'found on the wrong shelf')).toBe(true);
    expect(movements.some((row) => row.kind === 'REMOVAL' && row.quantity?.startsWith('-'))).toBe(true);

    const stock = await read('stock');
    const json = (await trader1.get(`/api/v1/books/${book1.id}/stock`)).body.items;
    expect(stock.map((row) => row.quantity)).toEqual(json.map((s: { quantity: string }) => s.quantity));
    expectStatus(await trader1.get(`/api/v1/books/${book1.id}/export.csv?what=secrets`), 400);
  });

  it("keeps each enterprise to its own books and lots, and zone-scoped staff to their zones'", async () => {
    const someLot = (await lotsOf(trader1, book1.id))[0]?.id as string;
    for (const url of [
      `/api/v1/books/${book1.id}/stock`,
      `/api/v1/books/${book1.id}/stock?asOf=${day1}`,
      `/api/v1/books/${book1.id}/lots`,
      `/api/v1/books/${book1.id}/movements`,
      `/api/v1/books/${book1.id}/export.csv?what=lots`,
      `/api/v1/lots/${someLot}`,
      `/api/v1/lots/${someLot}/trace`,
    ]) {
      const response = await trader2.get(url);
      expect({ url, status: response.status, code: response.body?.error?.code }).toEqual({ url, status: 404, code: 'NOT_FOUND' });
      expect((await officerB.get(url)).status).toBe(404);
      expect((await auditor.get(url)).status).toBe(200);
      expect((await operator.get(url)).status).toBe(200);
    }
    expectStatus(await trader2.get(`/api/v1/books/${book2.id}/stock`), 200);
    expectStatus(await trader1.get('/api/v1/lots/00000000-0000-4000-8000-000000000000'), 404);
    expectStatus(await trader1.get(`/api/v1/books/${book1.id}/stock`), 200);
  });
});
