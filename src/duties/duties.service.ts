// Duties and payments: the tariff schedule, duty settings and exchange rates, the duty computation
// applied to declarations (through the declaration hooks), bills, guarantees and bank payments.
import { createBillsService } from './bills.service.ts';
import type { DutiesDeps } from './duties.deps.ts';
import { createDutySettingsService } from './duty-settings.service.ts';
import { createTariffService } from './tariff.service.ts';

export function createDutiesService(deps: DutiesDeps) {
  const tariff = createTariffService(deps);
  const settings = createDutySettingsService(deps);
  const bills = createBillsService(deps, tariff, settings);
  return { ...tariff, ...settings, ...bills };
}

export type DutiesService = ReturnType<typeof createDutiesService>;
