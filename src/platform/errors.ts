// The one error type of Cordon. Services throw AppError with a stable code; the HTTP error
// handler turns it into `{ error: { code, message, details } }` with the status from STATUS_BY_CODE.

export const STATUS_BY_CODE = {
  VALIDATION_FAILED: 400,
  INVALID_CURSOR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export interface ErrorDetail {
  /** JSON pointer to the offending field, e.g. `/lines/0/hsCode`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** For RATE_LIMITED: when the client may try again (sent as Retry-After). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`);

export const forbidden = (message = 'Your role does not allow this action'): AppError =>
  new AppError('FORBIDDEN', message);

/** Collects field errors so that one response names every bad field, not only the first. */
export class FieldErrors {
  readonly details: ErrorDetail[] = [];

  add(path: string, message: string): void {
    this.details.push({ path, message });
  }

  get empty(): boolean {
    return this.details.length === 0;
  }

  throwIfAny(message = 'The request has invalid fields'): void {
    if (!this.empty) throw new AppError('VALIDATION_FAILED', message, this.details);
  }
}
