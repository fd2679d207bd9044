// One trip: its facts, its corridor and track on the map with a replay, and its timeline of device
// events, alerts and changes of status. A trip under way is read again every 5 seconds (new fixes
// only) and when an alert about it arrives; officers start, complete or abort it by hand with a note.
// A completed trip shows its custody record.
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, isAbort, withQuery } from '../api/client.ts';
import { SEVERITIES, type Severity } from '../api/alert-types.ts';
import { DEVICE_TYPE_NAMES, TRACKING_ALERT_NAMES, isTrackingAlertKind, type Timeline, type TimelineEntry, type Track, type Trip } from '../api/tracking-types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Facts, Loading, PageHeader, Section, Tag } from '../components/ui.tsx';
import { formatDateTime, humanize } from '../lib/format.ts';
import { canDecideTrips } from '../lib/rights.ts';
import { useResource } from '../lib/use-resource.ts';
import { useLiveEvents, useThrottled } from '../live/live.tsx';
import { SeverityBadge } from './alerts.page.tsx';
import { formatDistance, formatSpeed, TripStatusBadge, useGates } from './tracking-parts.tsx';
import { TripActionDialog, type TripAction } from './trip-dialogs.tsx';
import { TripDocuments } from './trip-documents.tsx';
import { TripMap } from './trip-map.tsx';

const REFRESH_MS = 5000;

/** The whole track once, then only the fixes after the last one held, every 5 seconds while the trip runs. */
function useTrack(tripId: string, running: boolean, generation: number): { track: Track | null; error: Error | null } {
  const [track, setTrack] = useState<Track | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    setTrack(null);
  }, [tripId]);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let held: Track | null = null;
    const read = async () => {
      const after = held?.t[held.t.length - 1];
      let truncated = false;
      try {
        const url = withQuery(`/api/v1/trips/${tripId}/track`, { from: after === undefined ? null : new Date(after + 1).toISOString() });
        const more = await api<Track>(url, { signal: controller.signal });
        held = held ? { ...more, t: [...held.t, ...more.t], lon: [...held.lon, ...more.lon], lat: [...held.lat, ...more.lat], speed: [...held.speed, ...more.speed] } : more;
        if (more.t.length > 0 || after === undefined) setTrack(held);
        truncated = more.truncated;
        setError(null);
      } catch (caught) {
        if (isAbort(caught)) return;
        setError(caught instanceof Error ? caught : new Error(String(caught)));
      }
      // A long track comes in several replies, one after the other.
      if (truncated) void read();
      else if (running) timer = setTimeout(() => void read(), REFRESH_MS);
    };
    void read();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [tripId, running, generation]);
  return { track, error };
}

const SOURCE_NAMES: Record<TimelineEntry['source'], string> = { device: 'Device', alert: 'Alert', status: 'Status' };

/** An alert's severity, which the timeline gives in its details. */
function severityOf(entry: TimelineEntry): Severity | null {
  const severity = entry.details.severity;
  return entry.source === 'alert' && (SEVERITIES as readonly unknown[]).includes(severity) ? (severity as Severity) : null;
}

function entryTitle(entry: TimelineEntry): string {
  if (entry.source === 'alert' && isTrackingAlertKind(entry.kind)) return TRACKING_ALERT_NAMES[entry.kind];
  return humanize(entry.kind);
}

function TimelineList({ timeline }: { timeline: Timeline }) {
  if (timeline.items.length === 0) return <Empty>Nothing has happened on this trip yet.</Empty>;
  return (
    <ol className="timeline" aria-label="Timeline">
      {timeline.items.map((entry, i) => {
        const severity = severityOf(entry);
        return (
          <li key={`${entry.at}:${entry.source}:${entry.kind}:${i}`} data-kind={entry.kind}>
            <div className="timeline-head">
              {severity ? <SeverityBadge severity={severity} /> : <Tag tone={entry.source === 'status' ? 'info' : entry.source === 'alert' ? 'warn' : 'neutral'}>{SOURCE_NAMES[entry.source]}</Tag>}
              <strong>{entryTitle(entry)}</strong>
              <span className="muted">{formatDateTime(entry.at)}</span>
            </div>
            {entry.message ? <div className="timeline-reason">{entry.message}</div> : null}
          </li>
        );
      })}
    </ol>
  );
}

export function TripPage() {
  const { id = '' } = useParams();
  const { principal } = useSession();
  const { enterpriseById } = useDirectory();
  const { gateName } = useGates();
  const { push } = useToasts();
  const trip = useResource<Trip>(`/api/v1/trips/${encodeURIComponent(id)}`);
  const timeline = useResource<Timeline>(`/api/v1/trips/${encodeURIComponent(id)}/timeline`);
  const t = trip.data;
  const running = t?.status === 'ACTIVE' || t?.status === 'PLANNED';
  const [generation, setGeneration] = useState(0);
  const { track, error: trackError } = useTrack(id, running, generation);
  const [action, setAction] = useState<TripAction | null>(null);

  const reloadTrip = trip.reload;
  const reloadTimeline = timeline.reload;
  const refresh = useThrottled(() => {
    reloadTrip(true);
    reloadTimeline(true);
  }, 800);
  useLiveEvents((event) => {
    if (event === null || event.aggregateId === id || event.data.subjectId === id) refresh();
  });
  // A running trip's facts (last position, seal) change with every fix.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [running, refresh]);

  if (trip.error) {
    const missing = trip.error.status === 404 || trip.error.status === 400;
    return (
      <>
        <PageHeader title="Trip" />
        {missing ? (
          <Empty>
            <strong>Trip not found.</strong> It does not exist, or you may not see it. <Link to="/trips">Back to the trips</Link>
          </Empty>
        ) : (
          <ErrorMessage error={trip.error} title="The trip could not be read" />
        )}
      </>
    );
  }
  if (!t) return <Loading label="Loading the trip…" />;
  const mayDecide = canDecideTrips(principal);
  const actions: TripAction[] = !mayDecide ? [] : t.status === 'PLANNED' ? ['start', 'abortion'] : t.status === 'ACTIVE' ? ['completion', 'abortion'] : [];
  const ACTION_BUTTONS: Record<TripAction, string> = { start: 'Start…', completion: 'Complete…', abortion: 'Abort…' };

  return (
    <>
      <PageHeader
        title={
          <>
            Trip <span className="mono">&nbsp;{t.reference}&nbsp;</span> <TripStatusBadge status={t.status} />
          </>
        }
        subtitle={`Container ${t.containerNumber} · ${gateName(t.originGateId)} → ${gateName(t.destinationGateId)}`}
        actions={
          <>
            <Link to="/monitoring" className="button">
              Monitoring
            </Link>
            {actions.map((a) => (
              <button key={a} type="button" className={`button ${a === 'abortion' ? 'button-danger' : 'button-primary'}`} onClick={() => setAction(a)}>
                {ACTION_BUTTONS[a]}
              </button>
            ))}
          </>
        }
      />
      <Section title="Trip" id="trip-facts">
        <Facts
          items={[
            ['Status', <TripStatusBadge key="status" status={t.status} />],
            [
              'Declaration',
              <Link key="declaration" to={`/declarations/${t.declarationId}`} className="mono">
                {t.declarationReference}
              </Link>,
            ],
            ['Enterprise', enterpriseById(t.enterpriseId)?.name],
            ['Container', <span key="container" className="mono">{t.containerNumber}</span>],
            [
              'Device',
              <span key="device">
                <span className="mono">{t.deviceCode}</span> · {DEVICE_TYPE_NAMES[t.deviceType]}
              </span>,
            ],
            ['From', gateName(t.originGateId, true)],
            ['To', gateName(t.destinationGateId, true)],
            ['Window', `${formatDateTime(t.window.departFrom)} to ${formatDateTime(t.window.arriveBy)}`],
            ['Started', t.startedAt ? formatDateTime(t.startedAt) : null],
            ['Ended', t.endedAt ? formatDateTime(t.endedAt) : null],
            ['Note', t.endNote],
            ['Seal', t.sealState ? humanize(t.sealState) : 'Not reported'],
            ['Tampering', t.tampered ? <Tag key="tampered" tone="bad">Reported</Tag> : 'None'],
            ['Corridor', t.corridor.type === 'route' ? `Route, ${formatDistance(t.corridor.widthMeters)} wide` : 'Area'],
            ['Distance', formatDistance(t.distanceMeters)],
            ['Positions', String(t.positions)],
            ['Last seen', t.lastPosition ? `${formatDateTime(t.lastPosition.at)} · ${formatSpeed(t.lastPosition.speedKmh)}` : 'Not yet'],
          ]}
        />
      </Section>
      <Section title="Track and replay" id="trip-track">
        {trackError ? <ErrorMessage error={trackError} title="The track could not be read" /> : null}
        <TripMap trip={t} track={track} />
      </Section>
      <Section title="Timeline" id="trip-timeline">
        {timeline.error ? <ErrorMessage error={timeline.error} title="The timeline could not be read" /> : null}
        {timeline.loading && !timeline.data ? <Loading label="Loading the timeline…" /> : null}
        {timeline.data ? <TimelineList timeline={timeline.data} /> : null}
      </Section>
      <TripDocuments trip={t} />
      {action ? (
        <TripActionDialog
          trip={t}
          action={action}
          onClose={() => setAction(null)}
          onDone={(done) => {
            setAction(null);
            push({ kind: 'success', title: `Trip ${done.reference}: ${humanize(done.status)}` });
            reloadTrip(true);
            reloadTimeline(true);
            setGeneration((g) => g + 1);
          }}
        />
      ) : null}
    </>
  );
}

export default TripPage;
