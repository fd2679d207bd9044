import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone } from '../../test/support/factories.ts';
import { bookOf, declareAndPass, expectStatus, line, setSelectivity, submit } from './books.fixtures.ts';

interface ItemBody {
  id: string;
  partNumber: string;
  hsCode: string;
  unit: string;
  description: string;
}

describe('bills of materials and expected consumption', () => {
  let t: TestApp;
  let zone: { id: string };
  let e1: { id: string };
  let e2: { id: string };
  let processingBook: { id: string };
  let storageBook: { id: string };
  let trader1: ApiClient;
  let trader2: ApiClient;
  let officer: ApiClient;
  let operator: ApiClient;
  let auditor: ApiClient;
  const items: Record<'steel' | 'paint' | 'frame' | 'offcuts' | 'stool' | 'other', ItemBody> = {} as never;

  const createItem = async (client: ApiClient, body: Record<string, string>) => {
    const response = await client.post<ItemBody>('/api/v1/items', body);
    expectStatus(response, 201);
    return response.body;
  };
  /** A declaration line for one of the catalogue items. */
  const lineOf = (item: ItemBody, quantity: string, value: string, role?: 'INPUT' | 'OUTPUT' | 'WASTE' | 'SCRAP') =>
    line(quantity, value, {
      itemId: item.id,
      hsCode: item.hsCode,
      unit: item.unit,
      description: item.description,
      originCountry: 'DE',
      ...(role ? { processingRole: role } : {}),
    });

  beforeAll(async () => {
    t = await createTestApp();
    zone = await createZone(t.admin);
    e1 = await createEnterprise(t.admin, [zone.id], { roles: ['MANUFACTURER'] });
    e2 = await createEnterprise(t.admin, [zone.id]);
    storageBook = await bookOf(t, e1.id, zone.id, 'ST1');
    const created = await t.admin.post('/api/v1/books', { enterpriseId: e1.id, zoneId: zone.id, code: 'PR1', kind: 'PROCESSING', name: 'Frames' });
    expectStatus(created, 201);
    processingBook = created.body;
    trader1 = await createUser(t, 'enterprise_user', { enterpriseId: e1.id });
    trader2 = await createUser(t, 'enterprise_user', { enterpriseId: e2.id });
    officer = await createUser(t, 'customs_officer');
    operator = await createUser(t, 'zone_operator', { zoneIds: [zone.id] });
    auditor = await createUser(t, 'auditor');
    await setSelectivity(t);
    items.steel = await createItem(trader1, { partNumber: 'STEEL-2MM', hsCode: '720851', description: 'Steel plate 2 mm', unit: 'KGM' });
    items.paint = await createItem(trader1, { partNumber: 'PAINT-RAL9005', hsCode: '320890', description: 'Black paint', unit: 'LTR' });
    items.frame = await createItem(trader1, { partNumber: 'FRAME-A', hsCode: '730890', description: 'Steel frame', unit: 'H87' });
    items.offcuts = await createItem(trader1, { partNumber: 'OFFCUTS', hsCode: '720449', description: 'Steel offcuts', unit: 'KGM' });
    items.stool = await createItem(trader1, { partNumber: 'STOOL', hsCode: '730890', description: 'Stool', unit: 'H87' });
    items.other = await createItem(t.admin, { enterpriseId: e2.id, partNumber: 'STEEL-E2', hsCode: '720851', description: 'Steel of another enterprise', unit: 'KGM' });
  });
  afterAll(() => t.close());

  const frameBom = (validFrom: string, steelPerFrame: string, extra: Record<string, unknown> = {}) => ({
    outputItemId: items.frame.id,
    yield: '0.8',
    validFrom,
    inputs: [
      { itemId: items.steel.id, quantityPerOutput: steelPerFrame, wasteShare: '0.1', scrapShare: '0.02', wasteItemId: items.offcuts.id },
      { itemId: items.paint.id, quantityPerOutput: '0.3' },
    ],
    ...extra,
  });

  let bomV2: string;

  it('keeps every version of a bill of materials, numbered per output item', async () => {
    const v1 = await trader1.post('/api/v1/boms', frameBom('2020-01-01', '2', { note: 'first drawing' }));
    expectStatus(v1, 201);
    expect(v1.body).toMatchObject({
      enterpriseId: e1.id,
      outputItem: { id: items.frame.id, partNumber: 'FRAME-A', unit: 'H87' },
      version: 1,
      yield: '0.8',
      validFrom: '2020-01-01',
      note: 'first drawing',
      inputs: [
        {
          item: { id: items.steel.id, partNumber: 'STEEL-2MM', unit: 'KGM' },
          quantityPerOutput: '2',
          wasteShare: '0.1',
          scrapShare: '0.02',
          wasteItem: { id: items.offcuts.id, partNumber: 'OFFCUTS' },
          scrapItem: null,
        },
        { item: { id: items.paint.id }, quantityPerOutput: '0.3', wasteShare: '0', scrapShare: '0', wasteItem: null },
      ],
    });
    // Customs may correct a bill too; a version valid from a later date does not replace one in force today.
    const v2 = await officer.post('/api/v1/boms', frameBom('2021-01-01', '2.5'));
    expectStatus(v2, 201);
    expect(v2.body.version).toBe(2);
    bomV2 = v2.body.id;
    const v3 = await trader1.post('/api/v1/boms', frameBom('2999-01-01', '3'));
    expect(v3.body.version).toBe(3);
    const stool = await trader1.post('/api/v1/boms', { outputItemId: items.stool.id, yield: '1', validFrom: '2020-01-01', inputs: [{ itemId: items.steel.id, quantityPerOutput: '4' }] });
    expect(stool.body.version).toBe(1);

    const listed = await trader1.get(`/api/v1/boms?outputItemId=${items.frame.id}`);
    expectStatus(listed, 200);
    expect(listed.body.items.map((b: { version: number }) => b.version)).toEqual([3, 2, 1]);
    const first = await auditor.get(`/api/v1/boms/${v1.body.id}`);
    expectStatus(first, 200);
    expect(first.body).toEqual(v1.body);
    const all = await officer.get(`/api/v1/boms?enterpriseId=${e1.id}&limit=2`);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.nextCursor).toEqual(expect.any(String));
    const rest = await officer.get(`/api/v1/boms?enterpriseId=${e1.id}&limit=2&cursor=${all.body.nextCursor}`);
    expect(rest.body.items).toHaveLength(2);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('refuses a bad bill naming every bad field, and stores nothing', async () => {
    const before = (await trader1.get(`/api/v1/boms?outputItemId=${items.frame.id}`)).body.items.length;
    const response = await trader1.post('/api/v1/boms', {
      outputItemId: items.frame.id,
      yield: '0',
      validFrom: '2026-01-01',
      inputs: [
        { itemId: items.other.id, quantityPerOutput: '1' },
        { itemId: items.steel.id, quantityPerOutput: '0' },
        { itemId: items.steel.id, quantityPerOutput: '1', wasteShare: '0.6', scrapShare: '0.5' },
        { itemId: items.frame.id, quantityPerOutput: '1' },
        { itemId: items.paint.id, quantityPerOutput: '1', wasteItemId: items.offcuts.id },
      ],
    });
    expectStatus(response, 400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      '/inputs/0/itemId',
      '/inputs/1/quantityPerOutput',
      '/inputs/2/itemId',
      '/inputs/2/scrapShare',
      '/inputs/3/itemId',
      '/inputs/4/wasteItemId',
      '/yield',
    ]);
    const schema = await trader1.post('/api/v1/boms', { ...frameBom('2026-01-01', '1'), yield: '1.5' });
    expectStatus(schema, 400);
    expect(schema.body.error.details).toEqual([{ path: '/yield', message: 'has an invalid format' }]);
    expect((await trader1.get(`/api/v1/boms?outputItemId=${items.frame.id}`)).body.items).toHaveLength(before);
  });

  it("does not disclose another enterprise's bills, and lets only enterprises and customs write them", async () => {
    const stranger = await trader2.post('/api/v1/boms', frameBom('2026-01-01', '1'));
    expectStatus(stranger, 400);
    expect(stranger.body.error.details).toContainEqual({ path: '/outputItemId', message: 'no such item' });
    expectStatus(await trader2.get(`/api/v1/boms/${bomV2}`), 404);
    expect((await trader2.get('/api/v1/boms')).body.items).toEqual([]);
    expectStatus(await auditor.post('/api/v1/boms', frameBom('2026-01-01', '1')), 403);
    expectStatus(await operator.post('/api/v1/boms', frameBom('2026-01-01', '1')), 403);
  });

  describe('consumption', () => {
    let processing: { id: string };
    let admission: { id: string };

    beforeAll(async () => {
      const actors = { trader: trader1, officer, operator };
      admission = await declareAndPass(
        actors,
        zone.id,
        'ADMISSION',
        [lineOf(items.steel, '1000', '2000.00'), lineOf(items.paint, '100', '500.00')],
        { bookId: processingBook.id },
      );
      // 100 frames by version 2 (in force today): steel 100 × 2.5 ÷ 0.8 = 312.5 kg, of which 10 % waste
      // (booked as offcuts) and 2 % scrap; paint 100 × 0.3 ÷ 0.8 = 37.5 l.
      processing = await submit(trader1, zone.id, 'PROCESSING', [
        lineOf(items.steel, '320', '640.00', 'INPUT'),
        lineOf(items.paint, '37.5', '187.50', 'INPUT'),
        lineOf(items.frame, '100', '5000.00', 'OUTPUT'),
        lineOf(items.offcuts, '31.25', '10.00', 'WASTE'),
        line('6.25', '2.00', { partNumber: 'STEEL-2MM', hsCode: '720851', unit: 'KGM', description: 'Rejected plates', originCountry: 'DE', processingRole: 'SCRAP' }),
      ]);
    });

    it('sets declared inputs, waste and scrap against what the bill in force expects, and flags what is off', async () => {
      const response = await trader1.get(`/api/v1/declarations/${processing.id}/consumption`);
      expectStatus(response, 200);
      expect(response.body).toMatchObject({
        declarationId: processing.id,
        bookId: processingBook.id,
        shareThreshold: '0.01',
        outputs: [{ lineNo: 3, itemId: items.frame.id, quantity: '100', bom: { id: bomV2, version: 2, validFrom: '2021-01-01', yieldShare: '0.8' } }],
        flaggedCount: 1,
      });
      expect(response.body.lines).toEqual([
        {
          role: 'INPUT',
          itemId: items.paint.id,
          partNumber: 'PAINT-RAL9005',
          description: 'Black paint',
          unit: 'LTR',
          expected: '37.5',
          declared: '37.5',
          difference: '0',
          differenceShare: '0',
          flagged: false,
        },
        expect.objectContaining({ role: 'INPUT', itemId: items.steel.id, expected: '312.5', declared: '320', difference: '7.5', differenceShare: '0.024', flagged: true }),
        expect.objectContaining({ role: 'WASTE', itemId: items.offcuts.id, expected: '31.25', declared: '31.25', flagged: false }),
        // The scrap line names the part number only; it is matched to the catalogue item.
        expect.objectContaining({ role: 'SCRAP', itemId: items.steel.id, expected: '6.25', declared: '6.25', flagged: false }),
      ]);
    });

    it('uses the threshold the admin sets', async () => {
      expectStatus(await t.admin.put('/api/v1/reconciliation/settings', { shareThreshold: '0.05', valueThreshold: '1000' }), 200);
      const relaxed = await officer.get(`/api/v1/declarations/${processing.id}/consumption`);
      expect(relaxed.body).toMatchObject({ shareThreshold: '0.05', flaggedCount: 0 });
      expectStatus(await t.admin.put('/api/v1/reconciliation/settings', { shareThreshold: '0.01', valueThreshold: '1000' }), 200);
    });

    it("summarises a processing book's declarations over a period", async () => {
      const today = new Date().toISOString().slice(0, 10);
      const response = await auditor.get(`/api/v1/books/${processingBook.id}/consumption?from=${today}&to=${today}`);
      expectStatus(response, 200);
      expect(response.body).toMatchObject({
        bookId: processingBook.id,
        from: today,
        to: today,
        declarations: [{ id: processing.id, outputsWithoutBom: 0, flaggedCount: 1 }],
        flaggedCount: 1,
      });
      expect(response.body.lines.find((row: { role: string; itemId: string }) => row.role === 'INPUT' && row.itemId === items.steel.id)).toMatchObject({
        expected: '312.5',
        declared: '320',
      });
      const before = await trader1.get(`/api/v1/books/${processingBook.id}/consumption?to=2020-12-31`);
      expect(before.body).toMatchObject({ declarations: [], lines: [], flaggedCount: 0 });
      const backwards = await trader1.get(`/api/v1/books/${processingBook.id}/consumption?from=2026-02-01&to=2026-01-01`);
      expectStatus(backwards, 400);
      expect(backwards.body.error.details).toEqual([{ path: '/querystring/to', message: 'must not be before from' }]);
      expectStatus(await trader1.get(`/api/v1/books/${storageBook.id}/consumption`), 409);
    });

    it('answers only for processing declarations and books the caller may see', async () => {
      expectStatus(await trader2.get(`/api/v1/declarations/${processing.id}/consumption`), 404);
      expectStatus(await trader2.get(`/api/v1/books/${processingBook.id}/consumption`), 404);
      const notProcessing = await trader1.get(`/api/v1/declarations/${admission.id}/consumption`);
      expectStatus(notProcessing, 409);
      expect(notProcessing.body.error.code).toBe('CONFLICT');
    });
  });
});
