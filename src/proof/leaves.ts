// What the transparency log records, kind by kind: the source table of each kind of record and the
// projection of a row into the JSON the leaf carries. The same projection serves when the change
// writes its entry and when the audit compares the log with the tables, so a row changed behind
// Cordon's back no longer matches its leaf. Values are text (numerics exactly, times in UTC with
// microseconds, JSON columns as their normalised text) so that nothing is lost on the way to
// canonical JSON.
import type { Db } from '../platform/db/db.ts';

const time = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

interface LeafKind {
  table: string;
  key: string;
  keyType: 'bigint' | 'uuid';
  /** A jsonb expression over the table's unqualified columns. */
  projection: string;
}

export const LEAF_KINDS = {
  'book.movement': {
    table: 'movements',
    key: 'id',
    keyType: 'bigint',
    projection: `jsonb_build_object('book', book_id::text, 'lot', lot_id::text, 'enterprise', enterprise_id::text, 'kind', kind,
      'quantity', quantity::text, 'value', value::text, 'declaration', declaration_id::text, 'line', line_no,
      'reason', reason, 'approvedBy', approved_by::text, 'at', ${time('at')})`,
  },
  'declaration.transition': {
    table: 'declaration_transitions',
    key: 'id',
    keyType: 'bigint',
    projection: `jsonb_build_object('declaration', declaration_id::text, 'action', action, 'from', from_state, 'to', to_state,
      'lane', lane, 'actor', actor_id::text, 'actorRole', actor_role, 'reason', reason, 'at', ${time('at')})`,
  },
  'alert.raised': {
    table: 'alerts',
    key: 'id',
    keyType: 'uuid',
    projection: `jsonb_build_object('kind', kind, 'severity', severity, 'zone', zone_id::text, 'enterprise', enterprise_id::text,
      'declaration', declaration_id::text, 'subjectType', subject_type, 'subjectId', subject_id, 'message', message,
      'details', details::text, 'at', ${time('raised_at')})`,
  },
  'alert.acknowledged': {
    table: 'alerts',
    key: 'id',
    keyType: 'uuid',
    projection: `jsonb_build_object('by', acknowledged_by::text, 'note', acknowledgement_note, 'at', ${time('acknowledged_at')})`,
  },
  'gate.decision': {
    table: 'gate_passages',
    key: 'id',
    keyType: 'uuid',
    projection: `jsonb_build_object('zone', zone_id::text, 'gate', gate_id::text, 'lane', lane, 'readerEvent', reader_event_id,
      'at', ${time('at')}, 'receivedAt', ${time('received_at')}, 'decision', decision, 'reasons', reasons::text,
      'pass', pass_id::text, 'declaration', declaration_id::text, 'plate', plate, 'plateConfidence', plate_confidence::text,
      'containers', containers::text, 'seals', array_to_json(seals)::text, 'weightKg', weight_kg::text)`,
  },
  'gate.override': {
    table: 'gate_passages',
    key: 'id',
    keyType: 'uuid',
    projection: `jsonb_build_object('by', overridden_by::text, 'reason', override_reason, 'at', ${time('overridden_at')})`,
  },
  'inspection.finding': {
    table: 'inspection_findings',
    key: 'id',
    keyType: 'uuid',
    projection: `jsonb_build_object('task', task_id::text, 'declaration', declaration_id::text, 'line', line_no, 'kind', kind,
      'note', note, 'corrections', corrections::text, 'by', recorded_by::text, 'at', ${time('recorded_at')})`,
  },
  'inspection.outcome': {
    table: 'inspection_tasks',
    key: 'id',
    keyType: 'uuid',
    projection: `jsonb_build_object('declaration', declaration_id::text, 'version', declaration_version, 'kind', kind,
      'outcome', outcome, 'reason', outcome_reason, 'label', label, 'by', decided_by::text, 'at', ${time('decided_at')})`,
  },
  'credential.issued': {
    table: 'credentials',
    key: 'id',
    keyType: 'uuid',
    // The signed token by its hash: the leaf proves which document was issued without carrying it. A
    // document about a trip names the trip; the leaves of the others stay as they were first written.
    projection: `jsonb_build_object('type', type, 'declaration', declaration_id::text, 'enterprise', enterprise_id::text, 'zone', zone_id::text,
      'statusList', status_list_id, 'statusIndex', status_list_index, 'tokenSha256', encode(sha256(convert_to(token, 'UTF8')), 'hex'),
      'by', issued_by::text, 'at', ${time('issued_at')})
      || CASE WHEN trip_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('trip', trip_id::text) END`,
  },
  'credential.revoked': {
    table: 'credentials',
    key: 'id',
    keyType: 'uuid',
    projection: `jsonb_build_object('by', revoked_by::text, 'reason', revocation_reason, 'at', ${time('revoked_at')})`,
  },
  // A trip's start, completion or abortion: its event row (never changed) carries what the leaf says.
  'trip.transition': {
    table: 'trip_events',
    key: 'id',
    keyType: 'uuid',
    projection: `jsonb_build_object('trip', trip_id::text, 'reference', details ->> 'reference', 'declaration', details ->> 'declaration',
      'device', device_id::text, 'status', details ->> 'status', 'gate', details ->> 'gate', 'by', details ->> 'by', 'note', details ->> 'note',
      'at', ${time('at')})`,
  },
} as const satisfies Record<string, LeafKind>;

export type LeafKindName = keyof typeof LEAF_KINDS;

export const isLeafKind = (kind: string): kind is LeafKindName => Object.hasOwn(LEAF_KINDS, kind);

/**
 * Writes the log entries of records just written, in the caller's transaction: the change and its
 * entry commit together or not at all. The sequencer gives them their leaves shortly after.
 */
export async function recordLeaves(db: Db, kind: LeafKindName, ids: ReadonlyArray<string | number>): Promise<void> {
  if (ids.length === 0) return;
  const { table, key, keyType, projection } = LEAF_KINDS[kind];
  await db.query(
    `INSERT INTO log_entries (kind, subject_id, record)
     SELECT $1, ${key}::text, ${projection} FROM ${table} WHERE ${key} = ANY($2::${keyType}[]) ORDER BY ${key}`,
    [kind, ids.map(String)],
  );
}
