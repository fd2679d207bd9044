// Opaque cursors for keyset pagination: a cursor carries the sort key of the last item returned.
import { AppError } from '../errors.ts';

export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Decodes a cursor into its `arity` key parts; `valid` checks them before they reach SQL. */
export function decodeCursor(
  cursor: string | undefined,
  arity: number,
  valid: (parts: string[]) => boolean = () => true,
): string[] | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((part) => typeof part === 'string') && valid(key)) {
      return key;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('INVALID_CURSOR', 'The cursor is not one this server issued', [
    { path: '/cursor', message: 'must be a nextCursor value from a previous page' },
  ]);
}

/** Takes `limit + 1` rows fetched newest-first and returns one page with the cursor of the next. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => string[], present: (row: R) => T) {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(present),
    nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
