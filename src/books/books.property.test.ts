// Properties of the books under random sequences of admissions, exports, transfers between zones
// and processing, all through the declarations API: every book holds what a simple model says
// (receipts minus removals, per book and goods), no lot is ever negative, every lot equals the sum
// of its movements, and every lot's trace ends at admission lots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone, declarationBody } from '../../test/support/factories.ts';
import { bookOf, decide, expectStatus, line, lotsOf, setSelectivity, type LineBody } from './books.fixtures.ts';
import type { Lot } from './books.schemas.ts';

const GOODS = {
  G1: { hsCode: '851713', description: 'Smartphones', originCountry: 'CN', unit: 'H87', partNumber: 'G1' },
  G2: { hsCode: '620342', description: "Men's cotton trousers", originCountry: 'BD', unit: 'H87', partNumber: 'G2' },
  P: { hsCode: '847989', description: 'Packing machines', originCountry: 'US', unit: 'H87', partNumber: 'P' },
} as const;
type Goods = keyof typeof GOODS;

/** Books of the enterprise: 0 storage in zone A, 1 storage in zone B, 2 processing in zone A. */
type BookIndex = 0 | 1 | 2;

/**
 * Draw-downs pick one of the (book, goods) the model holds something of (`pick`, modulo their
 * number; an empty book when there is none) and ask for a share of it in % (`percent`, at least 1
 * unit): above 100 % they must be refused.
 */
type Op =
  | { op: 'admit'; book: BookIndex; goods: 'G1' | 'G2'; quantity: number }
  | { op: 'export' | 'transfer' | 'process'; pick: number; percent: number; output: number };

const drawDown = (op: 'export' | 'transfer' | 'process') =>
  fc.record({ op: fc.constant(op), pick: fc.nat(99), percent: fc.integer({ min: 10, max: 130 }), output: fc.integer({ min: 1, max: 5 }) });
const operation: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('admit' as const),
      book: fc.constantFrom<BookIndex>(0, 1, 2),
      goods: fc.constantFrom('G1' as const, 'G2' as const),
      quantity: fc.integer({ min: 10, max: 40 }),
    }),
  },
  { weight: 2, arbitrary: drawDown('export') },
  { weight: 2, arbitrary: drawDown('transfer') },
  { weight: 2, arbitrary: drawDown('process') },
);

describe('account book properties', () => {
  let t: TestApp;
  let zoneA: { id: string };
  let zoneB: { id: string };
  let operator: ApiClient;
  let runs = 0;

  beforeAll(async () => {
    t = await createTestApp();
    zoneA = await createZone(t.admin);
    zoneB = await createZone(t.admin, { locode: 'USEWR' });
    operator = await createUser(t, 'zone_operator');
    await setSelectivity(t);
  });
  afterAll(() => t.close());

  it('keeps every book equal to receipts minus removals, never negative, and traceable to admissions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 12 }), async (ops) => {
        runs++;
        // A fresh enterprise per run: its books start empty.
        const enterprise = await createEnterprise(t.admin, [zoneA.id, zoneB.id]);
        const created = await t.admin.post('/api/v1/books', { enterpriseId: enterprise.id, zoneId: zoneA.id, code: 'PR1', kind: 'PROCESSING', name: 'Plant' });
        expectStatus(created, 201);
        const books = [await bookOf(t, enterprise.id, zoneA.id, 'ST1'), await bookOf(t, enterprise.id, zoneB.id, 'ST2'), created.body as { id: string }];
        const zoneOf = (index: BookIndex) => (index === 1 ? zoneB.id : zoneA.id);
        // Where a transfer lands: zone A's goods go to zone B's book, zone B's to zone A's storage book.
        const transferTarget = (index: BookIndex): BookIndex => (index === 1 ? 0 : 1);
        const empty = (): Record<Goods, number> => ({ G1: 0, G2: 0, P: 0 });
        const model: [Record<Goods, number>, Record<Goods, number>, Record<Goods, number>] = [empty(), empty(), empty()];

        const declare = async (index: BookIndex, type: string, lines: LineBody[], extra: Record<string, unknown> = {}) => {
          const body = declarationBody(zoneOf(index), { type, lines, enterpriseId: enterprise.id, bookId: books[index]?.id, ...extra });
          const response = await t.admin.post('/api/v1/declarations', body);
          if (response.status === 400) return false;
          expectStatus(response, 201);
          expect(response.body.state).toBe('RELEASED');
          expectStatus(await decide(operator, response.body.id, 'COMPLETE'), 200);
          return true;
        };
        const goodsLine = (goods: Goods, n: number, extra: Partial<LineBody> = {}) => line(n, n * 10, { ...GOODS[goods], ...extra });
        const share = (held: number, percent: number) => Math.max(1, Math.ceil((held * percent) / 100));
        /** The pick-th (book, goods) with something in it, among `books` and `goods`. */
        const pick = (n: number, among: BookIndex[], goods: Goods[]): [BookIndex, Goods] => {
          const held = among.flatMap((b) => goods.filter((g) => model[b][g] > 0).map((g): [BookIndex, Goods] => [b, g]));
          return held[n % Math.max(held.length, 1)] ?? [among[0] as BookIndex, goods[0] as Goods];
        };

        for (const op of ops) {
          switch (op.op) {
            case 'admit': {
              expect(await declare(op.book, 'ADMISSION', [goodsLine(op.goods, op.quantity)])).toBe(true);
              model[op.book][op.goods] += op.quantity;
              break;
            }
            case 'export': {
              const [from, goods] = pick(op.pick, [0, 1, 2], ['G1', 'G2', 'P']);
              const n = share(model[from][goods], op.percent);
              const accepted = await declare(from, 'EXPORT', [goodsLine(goods, n)], { destinationCountry: 'CA' });
              expect(accepted).toBe(n <= model[from][goods]);
              if (accepted) model[from][goods] -= n;
              break;
            }
            case 'transfer': {
              const [from, goods] = pick(op.pick, [0, 1, 2], ['G1', 'G2', 'P']);
              const n = share(model[from][goods], op.percent);
              const target = transferTarget(from);
              const accepted = await declare(from, 'TRANSFER', [goodsLine(goods, n)], {
                destination: { zoneId: zoneOf(target), bookId: books[target]?.id },
              });
              expect(accepted).toBe(n <= model[from][goods]);
              if (accepted) {
                model[from][goods] -= n;
                model[target][goods] += n;
              }
              break;
            }
            case 'process': {
              const [, goods] = pick(op.pick, [2], ['G1', 'G2']);
              const n = share(model[2][goods], op.percent);
              const accepted = await declare(2, 'PROCESSING', [
                goodsLine(goods, n, { processingRole: 'INPUT' }),
                goodsLine('P', op.output, { processingRole: 'OUTPUT' }),
              ]);
              expect(accepted).toBe(n <= model[2][goods]);
              if (accepted) {
                model[2][goods] -= n;
                model[2].P += op.output;
              }
              break;
            }
          }
        }

        for (const [index, b] of books.entries()) {
          const lots: Lot[] = await lotsOf(t.admin, b.id);
          const held: Record<Goods, number> = { G1: 0, G2: 0, P: 0 };
          for (const lot of lots) {
            expect(Number(lot.quantity)).toBeGreaterThanOrEqual(0);
            expect(lot.reserved).toBe('0.000000');
            held[lot.partNumber as Goods] += Number(lot.quantity);
            const detail = (await t.admin.get(`/api/v1/lots/${lot.id}`)).body;
            const sum = detail.movements.reduce((total: number, m: { quantity: string }) => total + Number(m.quantity), 0);
            expect(sum).toBe(Number(lot.quantity));
            const trace = (await t.admin.get(`/api/v1/lots/${lot.id}/trace`)).body;
            expect(trace.complete).toBe(true);
            const leaves = trace.nodes.filter((n: { sourceLotIds: string[] }) => n.sourceLotIds.length === 0);
            expect(leaves.length).toBeGreaterThan(0);
            for (const leaf of leaves) {
              expect(leaf.admission).toBe(true);
              expect(leaf.lot.receivingDeclaration.type).toBe('ADMISSION');
            }
            expect(leaves.map((leaf: { lot: Lot }) => leaf.lot.receivingDeclaration?.id)).toContain(lot.firstAdmission.declarationId);
          }
          expect(held).toEqual(model[index as BookIndex]);
          // The stock report adds up to the same.
          const stock = (await t.admin.get(`/api/v1/books/${b.id}/stock`)).body.items as { partNumber: string; quantity: string }[];
          const reported: Record<Goods, number> = { G1: 0, G2: 0, P: 0 };
          for (const s of stock) reported[s.partNumber as Goods] += Number(s.quantity);
          expect(reported).toEqual(model[index as BookIndex]);
        }
        // Receipts minus removals, from the movements themselves.
        const [totals] = await t.ctx.db.query<{ inflow: string; outflow: string; balance: string }>(
          `SELECT COALESCE(sum(m.quantity) FILTER (WHERE m.quantity > 0), 0) AS inflow,
                  COALESCE(sum(-m.quantity) FILTER (WHERE m.quantity < 0), 0) AS outflow,
                  (SELECT COALESCE(sum(quantity), 0) FROM lots WHERE enterprise_id = $1) AS balance
           FROM movements m WHERE m.enterprise_id = $1`,
          [enterprise.id],
        );
        expect(Number(totals?.inflow) - Number(totals?.outflow)).toBe(Number(totals?.balance));
      }),
      { numRuns: 20 },
    );
    expect(runs).toBeGreaterThanOrEqual(20);
  }, 240_000);
});
