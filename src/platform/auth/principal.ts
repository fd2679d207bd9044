// Who is calling, and what they may see. Every service receives a Principal and applies its scope:
// enterprise users see only their own enterprise; zone-scoped staff only their zones.
import { UUID_PATTERN } from '../http/pagination.ts';

export const ROLES = ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator', 'enterprise_user', 'partner'] as const;
export type Role = (typeof ROLES)[number];

/** Roles on the administration's side, who may read across enterprises (within their zones). */
export const STAFF_ROLES: readonly Role[] = ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator'];
/**
 * Every role of Cordon's own users and machines. Not `partner`: another administration's machine
 * client reads its feed (src/feeds/) and nothing else, not even what is open to everyone signed in.
 */
export const ALL_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'partner');

export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  name: string;
  role: Role;
  /** The one enterprise an enterprise user acts for. */
  enterpriseId: string | null;
  /** Zones the principal works in; null means all zones. */
  zoneIds: string[] | null;
  /** API key scopes; users carry none and are limited by role alone. */
  scopes: string[];
}

/** The principal's id as a user or API key id, recorded as who acted; null for Cordon's own work, which has none. */
export function actorIdOf(principal: Principal): string | null {
  return UUID_PATTERN.test(principal.id) ? principal.id : null;
}

export function canSeeZone(principal: Principal, zoneId: string): boolean {
  return principal.zoneIds === null || principal.zoneIds.includes(zoneId);
}

/**
 * Whether a record belonging to an enterprise in a zone is visible to the principal. A record the
 * principal may not see is reported as not found, so its existence is not disclosed.
 */
export function canSeeRecord(principal: Principal, record: { enterpriseId: string; zoneId: string }): boolean {
  if (principal.role === 'enterprise_user') return principal.enterpriseId === record.enterpriseId;
  return canSeeZone(principal, record.zoneId);
}

/**
 * Roles that may read targeting: selectivity rules, lane reasons and risk scores. Traders and zone
 * operators learn the lane, never why, so that targeting cannot be gamed.
 */
export const TARGETING_READERS: readonly Role[] = ['admin', 'customs_officer', 'risk_analyst', 'auditor'];

export function canSeeTargeting(principal: Principal): boolean {
  return TARGETING_READERS.includes(principal.role);
}
