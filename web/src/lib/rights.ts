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
/** The alert feed: ALERT_READERS on the server; traders learn of a hold at the gate. */
export const canReadAlerts = has(['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator']);
export const canAcknowledgeAlerts = has(['admin', 'customs_officer']);
/** The gate desk: the staff of a zone read its passages (an enterprise reads its passes only). */
export const canWatchGates = has(['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator']);
/** Letting a held truck through is a customs decision. */
export const canOverridePassages = has(['admin', 'customs_officer']);

/** The record's own enterprise, officers and admins: who issue a declaration's gate passes and documents, and a trip's. */
function ownEnterpriseOrOfficer(principal: Principal, enterpriseId: string): boolean {
  if (principal.role === 'enterprise_user') return principal.enterpriseId === enterpriseId;
  return principal.role === 'admin' || principal.role === 'customs_officer';
}
/** Issuing and cancelling a declaration's gate passes (PASS_ISSUERS on the server). */
export const canIssueGatePasses = ownEnterpriseOrOfficer;
/** Issuing a declaration's or a trip's documents (CREDENTIAL_ISSUERS, within the caller's own records). */
export const canIssueDocuments = ownEnterpriseOrOfficer;
/** Revoking a document that no longer holds: CREDENTIAL_REVOKERS. */
export const canRevokeDocuments = has(['admin', 'customs_officer']);

/** Inspection tasks, scans and findings: INSPECTION_READERS on the server; never traders or zone operators. */
export const canReadInspections = has(['admin', 'customs_officer', 'risk_analyst', 'auditor']);
/** Working a task (assign, start, scans, readings, findings, outcome): INSPECTION_WRITERS. */
export const canWorkInspections = has(['admin', 'customs_officer']);
/** CCTV evidence: every staff role of the zone (CCTV_READERS); traders never learn where cameras are. */
export const canReadCctv = has(['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator']);
/** Registering and changing cameras: CAMERA_WRITERS. */
export const canWriteCameras = has(['admin', 'zone_operator']);
/** Keeping a camera's snapshots for an investigation is a customs decision: HOLD_PLACERS. */
export const canPlaceCctvHolds = has(['admin', 'customs_officer']);
export const canEditCctvPolicy = has(['admin']);
/** The transparency log's entries and inclusion proofs name records: LOG_READERS on the server. */
export const canReadTransparencyLog = has(['admin', 'customs_officer', 'risk_analyst', 'auditor']);
/** Signing a checkpoint on demand and auditing the log against a kept one: AUDITORS on the server. */
export const canAuditTransparencyLog = has(['admin', 'auditor']);
/** Cargo tracking's trips and devices: staff of the zones, and traders for their own (TRIP_READERS, DEVICE_READERS). */
export const canReadTrips = has(['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator', 'enterprise_user']);
/** The monitoring map of the trips under way with the tracking alerts' feed: the staff who read alerts. */
export const canMonitorTrips = has(['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator']);
/** Creating a trip for a released declaration: TRIP_CREATORS (a zone operator for its zones of origin). */
export const canCreateTrips = has(['admin', 'customs_officer', 'zone_operator']);
/** Starting, completing or aborting a trip by hand is a customs decision. */
export const canDecideTrips = has(['admin', 'customs_officer']);
/** Registering and retiring devices: DEVICE_WRITERS (a zone operator for its zones). */
export const canWriteDevices = has(['admin', 'zone_operator']);
