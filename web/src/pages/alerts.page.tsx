// Alerts: what the watchers of the physical flow (gates, CCTV) raised in the zones the user works
// in. Open alerts come first, then those already acknowledged; each names its severity in words and
// colour and leads to what it is about (a gate passage, a declaration). Officers acknowledge an
// alert with a note of what they found or did. New alerts arrive from the live stream.
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, newIdempotencyKey, withQuery, type ApiError } from '../api/client.ts';
import { ALERT_KIND_NAMES, type AlertRecord, type AlertStatus, type Severity } from '../api/alert-types.ts';
import type { Page } from '../api/types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Loading, PageHeader, Section } from '../components/ui.tsx';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { formatDateTime, formatShortDateTime, humanize } from '../lib/format.ts';
import { canAcknowledgeAlerts } from '../lib/rights.ts';
import { useResource } from '../lib/use-resource.ts';
import { markOwnAction, useLiveEvents, useThrottled } from '../live/live.tsx';

const PAGE_SIZE = 50;

const SEVERITY_NAMES: Record<Severity, string> = { INFO: 'Info', WARNING: 'Warning', CRITICAL: 'Critical' };

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`badge severity severity-${severity.toLowerCase()}`}>
      <span className="lane-dot" aria-hidden="true" />
      {SEVERITY_NAMES[severity]}
    </span>
  );
}

export function alertKindName(kind: string): string {
  return ALERT_KIND_NAMES[kind] ?? humanize(kind);
}

/** Subjects as their raisers name them (`gate_passage`, `gate`, `book`), in one spelling. */
const subjectKind = (subjectType: string) => subjectType.toLowerCase().replace(/[-\s]/g, '_');

function textOf(details: Record<string, unknown>, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = details[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

/** Where an alert leads: what it is about (a gate passage, a gate, a book), and its declaration. */
function AlertLinks({ alert }: { alert: AlertRecord }) {
  const reference = textOf(alert.details, 'declarationReference', 'reference');
  const gate = textOf(alert.details, 'gateCode');
  const kind = subjectKind(alert.subjectType);
  return (
    <span className="alert-links">
      {kind === 'gate_passage' ? <Link to={`/gates/passages/${alert.subjectId}`}>Passage{gate ? ` at ${gate}` : ''}</Link> : null}
      {kind === 'gate' && alert.zoneId ? <Link to={`/gates?${new URLSearchParams({ zone: alert.zoneId, gate: alert.subjectId }).toString()}`}>Gate desk</Link> : null}
      {kind === 'book' ? <Link to={`/books/${alert.subjectId}`}>Book</Link> : null}
      {kind === 'trip' ? <Link to={`/trips/${alert.subjectId}`}>Trip</Link> : null}
      {alert.declarationId ? (
        <Link to={`/declarations/${alert.declarationId}`} className={reference ? 'mono' : undefined}>
          {reference ?? 'Declaration'}
        </Link>
      ) : null}
    </span>
  );
}

function AcknowledgeDialog({ alert, onClose, onDone }: { alert: AlertRecord; onClose: () => void; onDone: (alert: AlertRecord) => void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [key] = useState(newIdempotencyKey);
  const errors = error ? errorsByPath(error.details) : {};

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      markOwnAction(alert.id);
      const done = await api<AlertRecord>(`/api/v1/alerts/${alert.id}/acknowledgement`, { method: 'POST', body: { note: note.trim() }, idempotencyKey: key });
      setBusy(false);
      onDone(done);
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      open
      title={`Acknowledge: ${alertKindName(alert.kind)}`}
      description={alert.message}
      submitLabel="Acknowledge"
      busy={busy}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title="The alert was not acknowledged" describe={() => 'Note'} /> : null}
      <Field path="/note" label="Note" error={errors['/note']} hint="What you found or did; kept with the alert." required>
        <textarea rows={3} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} autoFocus />
      </Field>
    </FormDialog>
  );
}

interface ListProps {
  status: AlertStatus;
  kind: string;
  zoneId: string | null;
  title: string;
  emptyText: string;
  canAcknowledge: boolean;
  onAcknowledge: (alert: AlertRecord) => void;
  /** Bumped after an acknowledgement, so that both lists read again. */
  generation: number;
}

function AlertList({ status, kind, zoneId, title, emptyText, canAcknowledge, onAcknowledge, generation }: ListProps) {
  const { zones, zoneById } = useDirectory();
  // Cursors of the pages before the current one; the current page's cursor is the last.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const filterKey = `${kind}|${zoneId ?? ''}`;
  useEffect(() => {
    setCursors([null]);
  }, [filterKey]);

  const list = useResource<Page<AlertRecord>>(withQuery('/api/v1/alerts', { status, kind, zoneId, limit: PAGE_SIZE, cursor }));
  const { reload } = list;
  const refresh = useThrottled(() => reload(true), 800);
  useEffect(() => {
    if (generation > 0) reload(true);
  }, [generation, reload]);
  useLiveEvents((event) => {
    if (event && !event.type.startsWith('alert.')) return;
    if (event && zoneId && event.zoneId !== zoneId) return;
    if (cursors.length === 1) refresh();
  });

  // Alerts that arrived while the page was open are marked for a moment.
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  useEffect(() => {
    if (!list.data) return;
    const ids = list.data.items.map((a) => a.id);
    const before = seen.current;
    seen.current = new Set(ids);
    if (!before) return;
    const added = ids.filter((id) => !before.has(id));
    if (added.length === 0) return;
    setFresh(new Set(added));
    const timer = setTimeout(() => setFresh(new Set()), 4000);
    return () => clearTimeout(timer);
  }, [list.data]);
  useEffect(() => {
    seen.current = null;
  }, [filterKey, cursor]);

  const items = list.data?.items ?? [];
  const showZone = zones.length > 1 && !zoneId;
  const acknowledged = status === 'ACKNOWLEDGED';
  const paged = cursors.length > 1 || Boolean(list.data?.nextCursor);

  return (
    <Section title={list.data ? `${title} (${items.length}${list.data.nextCursor ? '+' : ''})` : title} id={`alerts-${status.toLowerCase()}`}>
      {list.error ? <ErrorMessage error={list.error} title="The alerts could not be read" /> : null}
      {list.loading && !list.data ? <Loading label="Loading alerts…" /> : null}
      {list.data && items.length === 0 && cursors.length === 1 ? <Empty>{emptyText}</Empty> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-rows" aria-label={title}>
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Alert</th>
                {showZone ? <th scope="col">Zone</th> : null}
                <th scope="col">Raised</th>
                {acknowledged ? <th scope="col">Acknowledged</th> : null}
                {canAcknowledge && !acknowledged ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {items.map((alert) => (
                <tr key={alert.id} data-alert-id={alert.id} className={fresh.has(alert.id) ? 'row-fresh' : undefined}>
                  <td>
                    <SeverityBadge severity={alert.severity} />
                  </td>
                  <td className="wrap">
                    <strong>{alertKindName(alert.kind)}</strong> {alert.message}
                    <div className="muted small">
                      <AlertLinks alert={alert} />
                      {alert.occurrences > 1 ? <span> · seen {alert.occurrences} times, last {formatShortDateTime(alert.lastSeenAt)}</span> : null}
                    </div>
                  </td>
                  {showZone ? <td>{zoneById(alert.zoneId)?.code ?? '—'}</td> : null}
                  <td className="nowrap" title={formatDateTime(alert.raisedAt)}>
                    {formatShortDateTime(alert.raisedAt)}
                  </td>
                  {acknowledged ? (
                    <td className="wrap">
                      <span className="nowrap">{formatShortDateTime(alert.acknowledgedAt)}</span>
                      {alert.acknowledgementNote ? <div className="small ack-note">{alert.acknowledgementNote}</div> : null}
                    </td>
                  ) : null}
                  {canAcknowledge && !acknowledged ? (
                    <td className="row-actions">
                      <button
                        type="button"
                        className="button button-small"
                        aria-label={`Acknowledge ${alertKindName(alert.kind)}: ${alert.message}`}
                        onClick={() => onAcknowledge(alert)}
                      >
                        Acknowledge
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {paged ? (
        <div className="pager">
          <button type="button" className="button" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            ‹ Newer
          </button>
          <button
            type="button"
            className="button"
            disabled={!list.data?.nextCursor}
            onClick={() => {
              const next = list.data?.nextCursor;
              if (next) setCursors((c) => [...c, next]);
            }}
          >
            Older ›
          </button>
        </div>
      ) : null}
    </Section>
  );
}

export function AlertsPage() {
  const { principal } = useSession();
  const { zoneId, zoneById } = useDirectory();
  const { push } = useToasts();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const kind = params.get('kind') ?? '';
  const [acknowledging, setAcknowledging] = useState<AlertRecord | null>(null);
  const [generation, setGeneration] = useState(0);
  const canAcknowledge = canAcknowledgeAlerts(principal);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const shared = { kind, zoneId, canAcknowledge, onAcknowledge: setAcknowledging, generation };

  return (
    <>
      <PageHeader
        title="Alerts"
        subtitle={`${zoneId ? `Zone ${zoneById(zoneId)?.code ?? ''}` : 'All zones you work in'} · gate holds, CCTV gaps and other signals from the physical flow`}
      />
      <form className="filters" role="search" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(e) => setParam('status', e.target.value)}>
            <option value="">Open, then acknowledged</option>
            <option value="OPEN">Open</option>
            <option value="ACKNOWLEDGED">Acknowledged</option>
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setParam('kind', e.target.value)}>
            <option value="">Any kind</option>
            {Object.entries(ALERT_KIND_NAMES).map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </form>
      {status !== 'ACKNOWLEDGED' ? <AlertList status="OPEN" title="Open alerts" emptyText="No open alert. All clear." {...shared} /> : null}
      {status !== 'OPEN' ? <AlertList status="ACKNOWLEDGED" title="Acknowledged alerts" emptyText="No alert has been acknowledged yet." {...shared} /> : null}
      {acknowledging ? (
        <AcknowledgeDialog
          alert={acknowledging}
          onClose={() => setAcknowledging(null)}
          onDone={(done) => {
            setAcknowledging(null);
            push({ kind: 'success', title: `${alertKindName(done.kind)} acknowledged`, body: done.message });
            setGeneration((g) => g + 1);
          }}
        />
      ) : null}
    </>
  );
}

export default AlertsPage;
