// The registry's HTTP routes, one file per resource.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { registerAdministrationRoutes } from './administration.routes.ts';
import { registerBookRoutes } from './books.routes.ts';
import { registerEnterpriseRoutes } from './enterprises.routes.ts';
import { registerHistoryRoutes } from './history.routes.ts';
import { registerItemRoutes } from './items.routes.ts';
import { registerZoneRoutes } from './zones.routes.ts';

export function registerRegistryRoutes(app: App, ctx: AppContext): void {
  registerAdministrationRoutes(app, ctx);
  registerZoneRoutes(app, ctx);
  registerEnterpriseRoutes(app, ctx);
  registerBookRoutes(app, ctx);
  registerItemRoutes(app, ctx);
  registerHistoryRoutes(app, ctx);
}
