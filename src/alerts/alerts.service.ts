// Alerts: raised by the capabilities that watch the physical flow (gates, CCTV, later seals and
// trips) inside the transaction of what they saw, listed for the staff of the alert's zone, and
// acknowledged by an officer with a note.
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { canSeeZone, type Principal, type Role } from '../platform/auth/principal.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import { alertsRepository as repo, type AlertRow } from './alerts.repository.ts';
import type { Alert, AlertListQuery, Severity } from './alerts.schemas.ts';

/** Staff who watch alerts; traders learn of a hold from the gate, not from customs' alert feed. */
export const ALERT_READERS: readonly Role[] = ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator'];
export const ALERT_ACKNOWLEDGERS: readonly Role[] = ['admin', 'customs_officer'];

export interface NewAlert {
  kind: string;
  severity: Severity;
  zoneId: string | null;
  enterpriseId?: string | null;
  declarationId?: string | null;
  subjectType: string;
  subjectId: string;
  /** The same key while the condition persists: a repeat counts on the open alert. */
  dedupKey: string;
  message: string;
  details?: Record<string, unknown>;
  at: Date;
}

export function presentAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    kind: row.kind,
    severity: row.severity as Alert['severity'],
    status: row.status as Alert['status'],
    zoneId: row.zone_id,
    enterpriseId: row.enterprise_id,
    declarationId: row.declaration_id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    message: row.message,
    details: row.details,
    occurrences: row.occurrences,
    raisedAt: row.raised_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    acknowledgementNote: row.acknowledgement_note,
  };
}

export function createAlertsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  function visible(principal: Principal, row: AlertRow): boolean {
    return ALERT_READERS.includes(principal.role) && (row.zone_id === null ? principal.zoneIds === null : canSeeZone(principal, row.zone_id));
  }

  async function acknowledgeRow(tx: Db, principal: Principal, row: AlertRow, note: string): Promise<Alert> {
    const at = clock.now();
    const updated = await repo.acknowledge(tx, row.id, principal.id, note.trim(), at);
    await appendEvent(tx, {
      type: 'alert.acknowledged',
      aggregateType: 'alert',
      aggregateId: row.id,
      zoneId: updated.zone_id,
      enterpriseId: updated.enterprise_id,
      actorId: principal.id,
      payload: { kind: updated.kind, severity: updated.severity },
      at,
    });
    return presentAlert(updated);
  }

  return {
    /** Raises an alert in the caller's transaction; a new one goes out on the live stream as `alert.raised`. */
    async raise(tx: Db, alert: NewAlert): Promise<Alert> {
      const { row, created } = await repo.raise(tx, {
        id: uuidv7(),
        kind: alert.kind,
        severity: alert.severity,
        zoneId: alert.zoneId,
        enterpriseId: alert.enterpriseId ?? null,
        declarationId: alert.declarationId ?? null,
        subjectType: alert.subjectType,
        subjectId: alert.subjectId,
        dedupKey: alert.dedupKey,
        message: alert.message,
        details: alert.details ?? {},
        at: alert.at,
      });
      if (created) {
        await appendEvent(tx, {
          type: 'alert.raised',
          aggregateType: 'alert',
          aggregateId: row.id,
          zoneId: row.zone_id,
          enterpriseId: row.enterprise_id,
          payload: { kind: row.kind, severity: row.severity, message: row.message, subjectType: row.subject_type, subjectId: row.subject_id, declarationId: row.declaration_id },
          at: alert.at,
        });
      }
      return presentAlert(row);
    },

    async list(principal: Principal, query: AlertListQuery) {
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, 2, ([at, id]) => !Number.isNaN(Date.parse(at ?? '')) && UUID_PATTERN.test(id ?? ''));
      if (query.zoneId && !canSeeZone(principal, query.zoneId)) return { items: [], nextCursor: null };
      const rows = await repo.list(db, {
        status: query.status,
        kind: query.kind,
        zoneId: query.zoneId,
        declarationId: query.declarationId,
        zoneIds: principal.zoneIds,
        after: cursor ? { raisedAt: cursor[0] ?? '', id: cursor[1] ?? '' } : null,
        limit,
      });
      return toPage(rows, limit, (row) => [row.raised_at.toISOString(), row.id], presentAlert);
    },

    async get(principal: Principal, id: string): Promise<Alert> {
      const row = await repo.get(db, id);
      if (!row || !visible(principal, row)) throw notFound('Alert');
      return presentAlert(row);
    },

    async acknowledge(tx: Db, principal: Principal, id: string, note: string): Promise<Alert> {
      const row = await repo.get(tx, id, true);
      if (!row || !visible(principal, row)) throw notFound('Alert');
      if (row.status !== 'OPEN') {
        throw new AppError('CONFLICT', 'The alert is already acknowledged', [{ path: '/note', message: `acknowledged at ${row.acknowledged_at?.toISOString() ?? ''}` }]);
      }
      return acknowledgeRow(tx, principal, row, note);
    },

    /** Acknowledges the open alert with this key, if there is one: the officer dealt with its cause. */
    async acknowledgeOpen(tx: Db, principal: Principal, dedupKey: string, note: string): Promise<void> {
      const row = await repo.findOpen(tx, dedupKey);
      if (row) await acknowledgeRow(tx, principal, row, note);
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
