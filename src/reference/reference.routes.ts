import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
export function registerReferenceRoutes(_app: App, _ctx: AppContext): void {}
