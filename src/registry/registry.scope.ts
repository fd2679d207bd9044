// Who may see and change which registry records. Records a principal may not see are reported as
// not found, so their existence is not disclosed; roles that may not write get 403.
import type { Principal, Role } from '../platform/auth/principal.ts';
import { forbidden } from '../platform/errors.ts';

/** The part of a principal that filters registry queries. */
export interface RegistryScope {
  /** Set for enterprise users: they see their own enterprise's records only. */
  enterpriseId: string | null;
  /** Zones a zone-scoped staff member works in; null for all zones (and for enterprise users). */
  zoneIds: string[] | null;
}

/** Matches no enterprise: an enterprise user without an enterprise (which the schema forbids) sees nothing. */
const NO_ENTERPRISE = '00000000-0000-0000-0000-000000000000';

export function scopeOf(principal: Principal): RegistryScope {
  if (principal.role === 'enterprise_user') return { enterpriseId: principal.enterpriseId ?? NO_ENTERPRISE, zoneIds: null };
  return { enterpriseId: null, zoneIds: principal.zoneIds };
}

/** An enterprise user sees its own enterprise; zone-scoped staff those registered in one of their zones. */
export function canSeeEnterprise(principal: Principal, enterprise: { id: string; zoneIds: readonly string[] }): boolean {
  if (principal.role === 'enterprise_user') return principal.enterpriseId === enterprise.id;
  const zones = principal.zoneIds;
  return zones === null || enterprise.zoneIds.some((zoneId) => zones.includes(zoneId));
}

/** Roles that may change each kind of registry record; routes declare the same lists. */
export const WRITERS = {
  administration: ['admin'],
  zone: ['admin'],
  gate: ['admin', 'zone_operator'],
  enterprise: ['admin', 'customs_officer'],
  book: ['admin', 'customs_officer'],
  item: ['admin', 'customs_officer', 'enterprise_user'],
} as const satisfies Record<string, readonly Role[]>;

export { canSeeTargeting } from '../platform/auth/principal.ts';

/** Services check roles too, so that the demo loader and other callers obey the same rules as HTTP. */
export function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!roles.includes(principal.role)) throw forbidden();
}
