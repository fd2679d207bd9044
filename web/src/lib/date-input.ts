// Moments typed in a <input type="datetime-local">: the user's own clock on screen, ISO 8601 (UTC)
// to the API. A value the browser could not make a date of goes as typed, for the server to name.

const pad = (n: number) => String(n).padStart(2, '0');

/** "2025-11-27T14:05" in the browser's time zone. */
export function toDateTimeLocal(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromDateTimeLocal(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}
