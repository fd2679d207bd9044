// The duties capability's HTTP routes, one file per resource.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { registerBillRoutes } from './bills.routes.ts';
import { registerDutySettingsRoutes } from './duty-settings.routes.ts';
import { registerTariffRoutes } from './tariff.routes.ts';

export function registerDutiesRoutes(app: App, ctx: AppContext): void {
  registerTariffRoutes(app, ctx);
  registerDutySettingsRoutes(app, ctx);
  registerBillRoutes(app, ctx);
}
