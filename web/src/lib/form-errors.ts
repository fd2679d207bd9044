// The server's refusal of a form, taken apart for the form: each detail's message by the JSON
// pointer it names (/selectivity/rules/0/name), so a Field shows it where it belongs, and the
// nearest field of a path found to take focus. Lines of an uploaded file (/rows/13/quantity) are
// named as a spreadsheet names them.
import { ApiError } from '../api/client.ts';
import type { ErrorDetail } from '../api/types.ts';
import { fieldId } from '../components/field.tsx';

export function toApiError(caught: unknown): ApiError {
  if (caught instanceof ApiError) return caught;
  return new ApiError(0, 'CLIENT', caught instanceof Error ? caught.message : String(caught));
}

/** Messages by path; two messages for one path are joined. `normalize` maps a path onto the form's own. */
export function errorsByPath(details: readonly ErrorDetail[], normalize: (path: string) => string = (p) => p): Record<string, string> {
  const byPath: Record<string, string> = {};
  for (const detail of details) {
    const path = normalize(detail.path);
    byPath[path] = byPath[path] ? `${byPath[path]}; ${detail.message}` : detail.message;
  }
  return byPath;
}

/** Focuses the field of `path`, or of the nearest path above it that has one (/lines/0/x → /lines/0 → /lines). */
export function focusNearestField(path: string): boolean {
  let p = path;
  while (p) {
    const element = document.getElementById(fieldId(p));
    if (element) {
      element.focus();
      return true;
    }
    p = p.slice(0, p.lastIndexOf('/'));
  }
  return false;
}

/** "/rows/13/quantity" → "Line 13, column quantity"; "/header/code" → "Header, column code". */
export function describeFilePath(path: string): string {
  const row = /^\/rows\/(\d+)(?:\/(.+))?$/.exec(path);
  if (row) {
    const column = row[2];
    if (column === undefined) return `Line ${row[1]}`;
    return /^\d+$/.test(column) ? `Line ${row[1]}, column ${Number(column) + 1}` : `Line ${row[1]}, column ${column}`;
  }
  const header = /^\/header\/(.+)$/.exec(path);
  if (header) return `Header, column ${header[1]}`;
  if (path === '/rows') return 'The file';
  if (path === '/' || path === '') return 'The file';
  const query = /^\/querystring\/(.+)$/.exec(path);
  if (query) return query[1] ?? path;
  return path.replace(/^\//, '');
}
