// What a demo enterprise can still declare out of its books, as its own ERP would know it: the
// book's available stock (what released declarations hold is already set aside) less what its
// declarations still waiting for customs will take once released. Read through the services, with
// the enterprise user's own rights, so the loader and the simulator see what the API shows.
import { Decimal } from 'decimal.js';
import type { Principal } from '../platform/auth/principal.ts';
import type { BooksService } from '../books/books.service.ts';
import type { DeclarationService } from '../declarations/declaration.service.ts';
import type { DeclarationState } from '../declarations/lifecycle.ts';
import { drawsDown, type StockLookup } from './demo.traffic.ts';

/** States in which a declaration will take goods but holds none yet (the books reserve at release). */
const WAITING: readonly DeclarationState[] = ['ASSESSED', 'UNDER_INSPECTION'];

type Claims = Map<string, Map<string, Decimal>>;

function add(claims: Claims, bookId: string, itemId: string, quantity: Decimal.Value) {
  const book = claims.get(bookId) ?? new Map<string, Decimal>();
  book.set(itemId, (book.get(itemId) ?? new Decimal(0)).plus(quantity));
  claims.set(bookId, book);
}

/** Quantities per book and item that the trader's waiting declarations will take. */
async function waitingClaims(declarations: DeclarationService, trader: Principal): Promise<Claims> {
  const claims: Claims = new Map();
  for (const state of WAITING) {
    let cursor: string | undefined;
    do {
      const page = await declarations.list(trader, { state, limit: 200, ...(cursor ? { cursor } : {}) });
      for (const summary of page.items) {
        if (!drawsDown(summary.type)) continue;
        const d = await declarations.get(trader, summary.id);
        if (!d.bookId) continue;
        for (const l of d.lines) {
          if (l.itemId && (d.type !== 'PROCESSING' || l.processingRole === 'INPUT')) add(claims, d.bookId, l.itemId, l.quantity);
        }
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return claims;
}

/** The trader's view of its books at this moment; make a new one for each declaration. */
export function stockOf(deps: { books: BooksService; declarations: DeclarationService }, trader: Principal): StockLookup {
  let claims: Promise<Claims> | null = null;
  return {
    async free(bookId) {
      const free = new Map<string, Decimal>();
      for (const row of (await deps.books.stock(trader, bookId, {})).items) {
        if (row.itemId) free.set(row.itemId, (free.get(row.itemId) ?? new Decimal(0)).plus(row.available ?? 0));
      }
      claims ??= waitingClaims(deps.declarations, trader);
      for (const [itemId, quantity] of (await claims).get(bookId) ?? []) {
        free.set(itemId, (free.get(itemId) ?? new Decimal(0)).minus(quantity));
      }
      return free;
    },
  };
}
