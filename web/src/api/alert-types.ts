// Replies of the alerts API (src/alerts/alerts.schemas.ts): one record per condition that the
// watchers of the physical flow (gates, CCTV) raised, open until an officer acknowledges it.

export const SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_STATUSES = ['OPEN', 'ACKNOWLEDGED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The kinds raised today; the server may add more, which read as their code in words. */
export const ALERT_KIND_NAMES: Record<string, string> = {
  GATE_HOLD: 'Gate hold',
  CCTV_GAP: 'CCTV gap',
};

export interface AlertRecord {
  id: string;
  kind: string;
  severity: Severity;
  status: AlertStatus;
  zoneId: string | null;
  enterpriseId: string | null;
  declarationId: string | null;
  subjectType: string;
  subjectId: string;
  message: string;
  details: Record<string, unknown>;
  occurrences: number;
  raisedAt: string;
  lastSeenAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  acknowledgementNote: string | null;
}
