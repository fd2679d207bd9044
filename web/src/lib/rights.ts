// What the administration pages offer each role. As for the rest of the console (app/session.tsx),
// the server decides; these lists follow the routes' own and only hide what would be refused.
import type { Principal, Role } from '../api/types.ts';

const has = (roles: readonly Role[]) => (principal: Principal) => roles.includes(principal.role);

/** Users and API keys: /api/v1/users, /api/v1/api-keys. */
export const canManageUsers = has(['admin']);
/** Administration, reconciliation, excise and exchange-rate settings may be changed by admins. */
export const canEditSettings = has(['admin']);
/** Every staff role reads the settings; traders see them through their declarations and bills. */
export const canReadSettings = has(['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator']);
/** Selectivity rules are targeting: traders and zone operators never see them. */
export const canSeeTargeting = has(['admin', 'customs_officer', 'risk_analyst', 'auditor']);
export const canReplaceTariff = has(['admin']);
/** Registering an enterprise and changing it (AEO status): WRITERS.enterprise on the server. */
export const canWriteEnterprises = has(['admin', 'customs_officer']);
/** ERP/WMS stock reports: UPLOADERS on the server. */
export const canUploadStockReports = has(['enterprise_user', 'admin']);
