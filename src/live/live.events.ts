// What one subscriber of the live stream receives of an outbox event, and the Server-Sent Events
// wire format. Pure: the hub calls `presentLiveEvent` once per event and subscriber.
//
// An outbox payload is written for Cordon's own consumers and may hold what a subscriber must not
// read (lane reasons, whole registry records with the selectivity rules). So nothing is forwarded
// as it is: each event type names the few fields that go out, and an unknown type sends none.
import { canSeeTargeting, type Principal } from '../platform/auth/principal.ts';
import type { StoredEvent } from '../platform/events/outbox.ts';
import { BILL_READERS } from '../duties/bills.service.ts';
import { INSPECTION_READERS } from '../inspections/inspections.service.ts';
import { ALERT_READERS } from '../alerts/alerts.service.ts';
import { GATE_READERS } from '../gates/gates.service.ts';
import { CCTV_READERS } from '../cctv/cctv.service.ts';

/** The `data` of one event on the stream; its `id` is the outbox id, for Last-Event-ID resume. */
export interface LiveEvent {
  id: number;
  type: string;
  aggregateType: string;
  aggregateId: string;
  zoneId: string | null;
  enterpriseId: string | null;
  at: string;
  data: Record<string, string | number | null>;
}

/**
 * Whether the event concerns what the viewer may see: an enterprise user its own enterprise's
 * events only; zone-scoped staff events of their zones only (events of no zone, such as changes of
 * the administration's settings, only to staff of every zone); bills only to those who read bills.
 * A transfer's steps concern its destination zone and enterprise as much as its origin.
 */
export function canReceive(viewer: Principal, event: Pick<StoredEvent, 'type' | 'zoneId' | 'enterpriseId' | 'payload'>): boolean {
  const payload = event.type.startsWith('declaration.') ? event.payload : {};
  const zones = [event.zoneId, payload.destinationZoneId];
  const enterprises = [event.enterpriseId, payload.destinationEnterpriseId];
  if (viewer.role === 'enterprise_user') {
    if (viewer.enterpriseId === null || !enterprises.includes(viewer.enterpriseId)) return false;
  } else if (viewer.zoneIds !== null && !zones.some((zoneId) => typeof zoneId === 'string' && viewer.zoneIds?.includes(zoneId))) {
    return false;
  }
  if (event.type.startsWith('bill.') && !BILL_READERS.includes(viewer.role)) return false;
  // That a declaration is inspected, and how, is targeting: traders and zone operators never learn it here.
  if (event.type.startsWith('inspection.') && !INSPECTION_READERS.includes(viewer.role)) return false;
  if (event.type.startsWith('alert.') && !ALERT_READERS.includes(viewer.role)) return false;
  if (event.type.startsWith('gate.') && !GATE_READERS.includes(viewer.role)) return false;
  if ((event.type.startsWith('camera.') || event.type.startsWith('cctv.')) && !CCTV_READERS.includes(viewer.role)) return false;
  return true;
}

type Picked = Record<string, string | number | null>;

/** The named payload fields that are strings or numbers; anything else (objects, lists) stays behind. */
function pick(payload: Record<string, unknown>, fields: readonly string[], rename: Record<string, string> = {}): Picked {
  const out: Picked = {};
  for (const field of fields) {
    const value = payload[field];
    out[rename[field] ?? field] = typeof value === 'string' || typeof value === 'number' ? value : null;
  }
  return out;
}

function dataOf(viewer: Principal, event: StoredEvent): Picked {
  const p = event.payload;
  if (event.type.startsWith('declaration.')) {
    // The lane is the trader's to know (the declaration shows it); why it was chosen is targeting.
    const data = pick(p, ['reference', 'type', 'from', 'state', 'lane'], { type: 'declarationType' });
    if (canSeeTargeting(viewer)) data.reason = typeof p.reason === 'string' ? p.reason : null;
    return data;
  }
  if (event.type.startsWith('bill.')) return pick(p, ['number', 'declarationId', 'status', 'currency', 'total']);
  if (event.type === 'book.discrepancy') {
    return pick(p, ['reconciliationId', 'stockReportId', 'kind', 'partNumber', 'hsCode', 'quantity', 'unit', 'value', 'currency']);
  }
  if (event.type === 'book.movements_posted') return pick(p, ['declarationId', 'reference', 'movements', 'lotsCreated']);
  if (event.type.startsWith('inspection.')) {
    return pick(p, ['declarationId', 'reference', 'kind', 'status', 'origin', 'assigneeId', 'scanId', 'containerNumber', 'reading', 'lineNo', 'outcome', 'label', 'releaseWaitingFor']);
  }
  if (event.type === 'alert.raised') return pick(p, ['kind', 'severity', 'message', 'subjectType', 'subjectId', 'declarationId']);
  if (event.type === 'alert.acknowledged') return pick(p, ['kind', 'severity']);
  if (event.type === 'gate.passage') return pick(p, ['gateId', 'decision', 'status', 'declarationId', 'declarationReference', 'reasons']);
  if (event.type.startsWith('gate_pass.')) return pick(p, ['number', 'declarationId', 'status']);
  if (event.type.startsWith('camera.')) return pick(p, ['code', 'name', 'areaKind', 'version']);
  if (event.type === 'cctv.retention_applied') return pick(p, ['deleted', 'kept', 'retentionDays', 'cutoff']);
  if (event.type === 'cctv.hold_placed') return pick(p, ['cameraId', 'from', 'to', 'snapshotsHeld']);
  if (event.type.startsWith('trip.')) return pick(p, ['reference', 'declarationId', 'status', 'gateId', 'deviceId', 'containerNumber', 'note']);
  if (event.type.startsWith('device.')) return pick(p, ['deviceId', 'type', 'status'], { type: 'deviceType' });
  if (event.type.startsWith('credential.')) return pick(p, ['credentialType', 'declarationId', 'reference', 'tripId']);
  return {};
}

/** The event as the viewer receives it, or null when it is none of the viewer's business. */
export function presentLiveEvent(viewer: Principal, event: StoredEvent): LiveEvent | null {
  if (!canReceive(viewer, event)) return null;
  return {
    id: event.id,
    type: event.type,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    zoneId: event.zoneId,
    enterpriseId: event.enterpriseId,
    at: event.occurredAt.toISOString(),
    data: dataOf(viewer, event),
  };
}

/** One SSE message: `event:` only for control messages, so that domain events reach `onmessage`. */
export function sseMessage(message: { id?: number; event?: string; data?: unknown }): string {
  let text = '';
  if (message.event !== undefined) text += `event: ${message.event}\n`;
  if (message.id !== undefined) text += `id: ${message.id}\n`;
  // JSON.stringify never emits a raw line break, so the data is one `data:` line.
  if (message.data !== undefined) text += `data: ${JSON.stringify(message.data)}\n`;
  return `${text}\n`;
}

/**
 * A comment line, which clients ignore, to keep proxies from closing an idle connection; with the
 * subscriber's position as `id:` (no data, so no event fires) so that a browser reconnecting on its
 * own resumes from there and not from an event long past.
 */
export function sseHeartbeat(position: number): string {
  return `: heartbeat\nid: ${position}\n\n`;
}
