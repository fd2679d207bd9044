// PLACEHOLDER
import type { AppContext } from '../context.ts';
export function startSimulator(_ctx: AppContext, _options: { perMinute: number; log: { info(msg: string): void } }) {
  return { stop: async () => undefined };
}
