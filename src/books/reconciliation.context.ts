// Book control, built once per process: bills of materials and expected consumption, stock reports,
// their reconciliation with the books, and the annual report. The books core posts the movements
// these read; nothing here writes a movement.
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import type { ReferenceData } from '../reference/reference.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import type { DeclarationService } from '../declarations/declaration.service.ts';
import { createAnnualReportService } from './annual-report.service.ts';
import { createBomService } from './bom.service.ts';
import { createReconciliationService } from './reconciliation.service.ts';
import { createStockReportService } from './stock-reports.service.ts';

export interface BookControlDeps {
  db: Db;
  clock: Clock;
  reference: ReferenceData;
  registry: RegistryService;
  declarations: DeclarationService;
}

export function createBookControlService(deps: BookControlDeps) {
  const reconciliation = createReconciliationService(deps);
  return {
    reconciliation,
    stockReports: createStockReportService({ ...deps, reconciliation }),
    boms: createBomService({ ...deps, reconciliation }),
    annualReports: createAnnualReportService(deps),
  };
}

export type BookControlService = ReturnType<typeof createBookControlService>;
