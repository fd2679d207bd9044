// Failed logins counted per client address, so that one address cannot try password after password
// across many accounts (the per-account lock stops only the guessing of one). Successful logins are
// not counted: an office behind one address logs in freely at the start of a shift.
import type { Clock } from '../platform/clock.ts';

/** Failed logins from one address within WINDOW_SECONDS before its logins are refused. */
export const FAILURES_PER_ADDRESS = 20;
export const WINDOW_SECONDS = 600;
/** Addresses remembered at once; past this the oldest window is forgotten first. */
const MAX_ADDRESSES = 50_000;

export interface LoginThrottle {
  /** Seconds until the address may try again, or 0 when it may now. */
  retryAfterSeconds(address: string): number;
  recordFailure(address: string): void;
}

export function createLoginThrottle(clock: Clock): LoginThrottle {
  // Insertion order is the order the windows opened in: the first key is the oldest.
  const windows = new Map<string, { openedAt: number; failures: number }>();

  const current = (address: string, now: number) => {
    const window = windows.get(address);
    if (window && now - window.openedAt >= WINDOW_SECONDS * 1000) {
      windows.delete(address);
      return undefined;
    }
    return window;
  };

  return {
    retryAfterSeconds(address) {
      const now = clock.now().getTime();
      const window = current(address, now);
      if (!window || window.failures < FAILURES_PER_ADDRESS) return 0;
      return Math.max(1, Math.ceil((window.openedAt + WINDOW_SECONDS * 1000 - now) / 1000));
    },
    recordFailure(address) {
      const now = clock.now().getTime();
      const window = current(address, now);
      if (window) {
        window.failures += 1;
        return;
      }
      windows.set(address, { openedAt: now, failures: 1 });
      if (windows.size > MAX_ADDRESSES) windows.delete(windows.keys().next().value as string);
    },
  };
}
