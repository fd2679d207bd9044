// The monitoring map: the trips under way (active and planned) where their devices last reported,
// read again every 2 seconds, each with its recent trail and its corridor, coloured by whether it
// moves, stands still or has an open alert; the list of those trips beside the map; and the feed of
// tracking alerts as they arrive on the live stream, each leading to its trip.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Marker, type Map as MapLibreMap } from 'maplibre-gl';
import { api, isAbort, withQuery } from '../api/client.ts';
import type { AlertRecord, Severity } from '../api/alert-types.ts';
import { TRACKING_ALERT_NAMES, isTrackingAlertKind, type Corridor, type LiveTrip, type LiveTrips, type LonLat, type Track, type Trip } from '../api/tracking-types.ts';
import type { Page } from '../api/types.ts';
import { useDirectory } from '../app/session.tsx';
import { Empty, ErrorMessage, Loading, PageHeader } from '../components/ui.tsx';
import { toApiError } from '../lib/form-errors.ts';
import { formatDateTime, formatShortDateTime, formatTime } from '../lib/format.ts';
import { useLiveEvents } from '../live/live.tsx';
import { SeverityBadge } from './alerts.page.tsx';
import { boundsOfPoints, boundsOf, GATE_COLOURS, MapFrame, setSourceData, useBaseMap, useZoneLayers } from './map-base.tsx';
import {
  collection,
  CorridorLegend,
  corridorFeature,
  formatSpeed,
  lineFeature,
  lonLatOf,
  MOTION_COLOURS,
  MOTION_NAMES,
  motionOf,
  placeMarkerElement,
  trackingOverlay,
  tripMarkerElement,
  useGates,
  type Motion,
} from './tracking-parts.tsx';

const POLL_MS = 2000;
/** How much of each trip's recent track the map shows behind it. */
const TRAIL_MS = 30 * 60_000;
const FEED_SIZE = 50;
const OVERLAY = trackingOverlay([{ source: 'trails', colour: MOTION_COLOURS.moving, width: 3 }]);

interface FeedItem {
  id: string;
  kind: string;
  severity: Severity;
  message: string;
  tripId: string;
  at: string;
  fresh: boolean;
}

/** The trips under way, read every 2 s while the tab is visible; the last answer stays on screen through a failed read. */
function useLiveTrips() {
  const [trips, setTrips] = useState<LiveTrip[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      if (!document.hidden) {
        try {
          const reply = await api<LiveTrips>('/api/v1/trips/live', { signal: controller.signal });
          setTrips(reply.items);
          setError(null);
        } catch (caught) {
          if (isAbort(caught)) return;
          setError(toApiError(caught));
        }
      }
      timer = setTimeout(() => void read(), POLL_MS);
    };
    void read();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [generation]);
  const readNow = useCallback(() => setGeneration((g) => g + 1), []);
  return { trips, error, readNow };
}

interface Trail {
  t: number[];
  points: LonLat[];
}

/**
 * Each trip's corridor (read once) and trail: its last half hour of track read once, then extended
 * by the positions the polls bring.
 */
function useTrailsAndCorridors(trips: LiveTrip[] | null) {
  const trails = useRef(new Map<string, Trail>());
  const corridors = useRef(new Map<string, Corridor>());
  const requested = useRef(new Set<string>());
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!trips) return;
    for (const trip of trips) {
      if (!trip.lastPosition) continue;
      const at = new Date(trip.lastPosition.at).getTime();
      const trail = trails.current.get(trip.id) ?? { t: [], points: [] };
      if (trail.t.length === 0 || at > (trail.t[trail.t.length - 1] ?? 0)) {
        trail.t.push(at);
        trail.points.push(lonLatOf(trip.lastPosition));
      }
      while (trail.t.length > 1 && (trail.t[0] ?? 0) < at - TRAIL_MS) {
        trail.t.shift();
        trail.points.shift();
      }
      trails.current.set(trip.id, trail);
    }
    const present = new Set(trips.map((trip) => trip.id));
    for (const id of trails.current.keys()) if (!present.has(id)) trails.current.delete(id);
    setVersion((v) => v + 1);
  }, [trips]);

  // New trips: their corridor and recent track, one trip after another so that a full map does not
  // flood the server. The reads outlive the polls that asked for them; leaving the page ends them.
  const queue = useRef<LiveTrip[]>([]);
  const reading = useRef(false);
  const leaving = useRef(new AbortController());
  useEffect(() => {
    const controller = new AbortController();
    leaving.current = controller;
    return () => controller.abort();
  }, []);
  useEffect(() => {
    for (const trip of trips ?? []) {
      if (requested.current.has(trip.id)) continue;
      requested.current.add(trip.id);
      queue.current.push(trip);
    }
    if (reading.current || queue.current.length === 0) return;
    reading.current = true;
    const signal = leaving.current.signal;
    void (async () => {
      for (let trip = queue.current.shift(); trip && !signal.aborted; trip = queue.current.shift()) {
        try {
          const [detail, track] = await Promise.all([
            api<Trip>(`/api/v1/trips/${trip.id}`, { signal }),
            api<Track>(withQuery(`/api/v1/trips/${trip.id}/track`, { from: new Date(Date.now() - TRAIL_MS).toISOString() }), { signal }),
          ]);
          corridors.current.set(trip.id, detail.corridor);
          const trail = trails.current.get(trip.id) ?? { t: [], points: [] };
          const lastRead = track.t[track.t.length - 1] ?? 0;
          const read = track.t.map((t, i): [number, LonLat] => [t, [track.lon[i] ?? 0, track.lat[i] ?? 0]]);
          const polled = trail.t.map((t, i): [number, LonLat] => [t, trail.points[i] ?? [0, 0]]).filter(([t]) => t > lastRead);
          const merged = [...read, ...polled];
          trails.current.set(trip.id, { t: merged.map(([t]) => t), points: merged.map(([, p]) => p) });
          setVersion((v) => v + 1);
        } catch (caught) {
          // Without them the trip still shows at its position; they are asked for again on the next visit.
          if (!isAbort(caught)) console.warn('trip corridor and trail', caught);
        }
      }
      reading.current = false;
    })();
  }, [trips]);

  return { trails: trails.current, corridors: corridors.current, version };
}

/** Tracking alerts: those open when the page opened, then each raised while it is open. */
function useAlertFeed(onRaised: () => void) {
  const { zoneId } = useDirectory();
  const [items, setItems] = useState<FeedItem[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api<Page<AlertRecord>>(withQuery('/api/v1/alerts', { status: 'OPEN', zoneId, limit: 200 }), { signal: controller.signal }).then(
      (page) => {
        setItems(
          page.items
            .filter((alert) => alert.subjectType === 'trip')
            .slice(0, FEED_SIZE)
            .map((alert) => ({ id: alert.id, kind: alert.kind, severity: alert.severity, message: alert.message, tripId: alert.subjectId, at: alert.lastSeenAt, fresh: false })),
        );
        setError(null);
        setLoaded(true);
      },
      (caught: unknown) => {
        if (isAbort(caught)) return;
        setError(toApiError(caught));
        setLoaded(true);
      },
    );
    return () => controller.abort();
  }, [zoneId, generation]);

  useLiveEvents((event) => {
    if (event === null) {
      setGeneration((g) => g + 1);
      return;
    }
    if (event.type !== 'alert.raised') return;
    const d = event.data;
    if (d.subjectType !== 'trip' && !isTrackingAlertKind(d.kind)) return;
    if (zoneId && event.zoneId !== zoneId) return;
    const item: FeedItem = {
      id: event.aggregateId,
      kind: String(d.kind ?? ''),
      severity: d.severity === 'CRITICAL' || d.severity === 'WARNING' ? d.severity : 'INFO',
      message: String(d.message ?? ''),
      tripId: String(d.subjectId ?? ''),
      at: event.at,
      fresh: true,
    };
    setItems((current) => [item, ...current.filter((i) => i.id !== item.id)].slice(0, FEED_SIZE));
    onRaised();
  });

  // Newly raised alerts are marked for a moment.
  useEffect(() => {
    if (!items.some((item) => item.fresh)) return;
    const timer = setTimeout(() => setItems((current) => current.map((item) => (item.fresh ? { ...item, fresh: false } : item))), 6000);
    return () => clearTimeout(timer);
  }, [items]);

  return { items, error, loaded };
}

/** One HTML marker per trip, kept across polls and moved to each new position. */
function useTripMarkers(map: MapLibreMap | null, trips: LiveTrip[], selected: string | null, select: (id: string) => void) {
  const markers = useRef(new Map<string, Marker>());
  const selectRef = useRef(select);
  useEffect(() => {
    selectRef.current = select;
  });
  useEffect(() => {
    if (!map) return;
    const seen = new Set<string>();
    for (const trip of trips) {
      if (!trip.lastPosition) continue;
      const position = lonLatOf(trip.lastPosition);
      seen.add(trip.id);
      const motion = motionOf(trip);
      let marker = markers.current.get(trip.id);
      if (!marker) {
        const element = tripMarkerElement('', () => selectRef.current(trip.id));
        element.dataset.tripId = trip.id;
        marker = new Marker({ element }).setLngLat(position).addTo(map);
        markers.current.set(trip.id, marker);
      }
      const element = marker.getElement();
      const name = `${trip.reference}, container ${trip.containerNumber}: ${MOTION_NAMES[motion].toLowerCase()}`;
      element.setAttribute('aria-label', name);
      element.title = name;
      element.classList.toggle('selected', trip.id === selected);
      placeMarkerElement(element, position, motion);
      marker.setLngLat(position);
    }
    for (const [id, marker] of markers.current) {
      if (seen.has(id)) continue;
      marker.remove();
      markers.current.delete(id);
    }
  }, [map, trips, selected]);
  useEffect(() => {
    const all = markers.current;
    return () => {
      for (const marker of all.values()) marker.remove();
      all.clear();
    };
  }, [map]);
}

function TripList({ trips, selected, select }: { trips: LiveTrip[]; selected: string | null; select: (id: string) => void }) {
  const { gateName } = useGates();
  if (trips.length === 0) return <Empty>No trip under way.</Empty>;
  return (
    <ul className="trip-list" aria-label="Trips under way">
      {trips.map((trip) => {
        const motion = motionOf(trip);
        return (
          <li key={trip.id} className={trip.id === selected ? 'selected' : undefined} data-trip-id={trip.id}>
            <div className="trip-row">
              <span className="motion-dot" style={{ background: MOTION_COLOURS[motion] }} aria-hidden="true" />
              <button type="button" className="trip-select mono" aria-pressed={trip.id === selected} onClick={() => select(trip.id)} disabled={!trip.lastPosition}>
                {trip.reference}
              </button>
              <span className="small">
                <span className="mono">{trip.containerNumber}</span> · device <span className="mono">{trip.deviceCode}</span>
              </span>
              <span className="small muted">
                {gateName(trip.originGateId)} → {gateName(trip.destinationGateId)} · {trip.status === 'PLANNED' ? 'planned' : MOTION_NAMES[motion].toLowerCase()}
              </span>
              <span className="small muted" title={formatDateTime(trip.lastPosition?.at)}>
                {trip.lastPosition ? `Last seen ${formatTime(trip.lastPosition.at)} · ${formatSpeed(trip.lastPosition.speedKmh)}` : 'Not seen yet'}
                {trip.openAlerts ? (
                  <strong className="trip-alerts">
                    {' '}
                    · {trip.openAlerts} open alert{trip.openAlerts === 1 ? '' : 's'}
                  </strong>
                ) : null}
                {trip.tampered ? <strong> · seal tampered with</strong> : null}
              </span>
              <span className="small">
                <Link to={`/trips/${trip.id}`} aria-label={`Open trip ${trip.reference}`}>
                  Open trip
                </Link>
              </span>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function AlertFeed({ items, error, loaded, referenceOf }: ReturnType<typeof useAlertFeed> & { referenceOf: (tripId: string) => string | undefined }) {
  return (
    <aside className="map-side alert-feed" aria-labelledby="alert-feed-title">
      <h2 id="alert-feed-title">Tracking alerts</h2>
      {error ? <ErrorMessage error={error} title="The open alerts could not be read" /> : null}
      {!loaded ? <Loading label="Loading alerts…" /> : null}
      {loaded && items.length === 0 ? <Empty>No open tracking alert.</Empty> : null}
      <ol className="feed-list" aria-label="Tracking alerts, newest first">
        {items.map((item) => (
          <li key={item.id} className={item.fresh ? 'fresh' : undefined} data-alert-kind={item.kind}>
            <div className="feed-head">
              <SeverityBadge severity={item.severity} />
              <strong>{isTrackingAlertKind(item.kind) ? TRACKING_ALERT_NAMES[item.kind] : item.kind}</strong>
              <time dateTime={item.at} title={formatDateTime(item.at)}>
                {formatShortDateTime(item.at)}
              </time>
            </div>
            <span>{item.message}</span>
            {item.tripId ? (
              <Link to={`/trips/${item.tripId}`} className="mono">
                {referenceOf(item.tripId) ?? 'Open the trip'}
              </Link>
            ) : null}
          </li>
        ))}
      </ol>
    </aside>
  );
}

export function MonitoringPage() {
  const { zones, zoneId, zoneById } = useDirectory();
  const { trips: allTrips, error, readNow } = useLiveTrips();
  const feed = useAlertFeed(readNow);
  const trips = useMemo(
    () => (allTrips ?? []).filter((trip) => !zoneId || trip.originZoneId === zoneId || trip.destinationZoneId === zoneId).sort((a, b) => a.reference.localeCompare(b.reference)),
    [allTrips, zoneId],
  );
  const { trails, corridors, version } = useTrailsAndCorridors(allTrips);
  const [selected, setSelected] = useState<string | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const base = useBaseMap(container, OVERLAY, 'This browser cannot draw the map (WebGL is not available). The trips under way are listed beside it.');
  const { map } = base;
  useZoneLayers(map, zones);
  useTripMarkers(map, trips, selected, setSelected);

  useEffect(() => {
    if (!map) return;
    const shown = new Set(trips.map((trip) => trip.id));
    setSourceData(map, 'corridors', collection([...corridors].filter(([id]) => shown.has(id)).map(([id, corridor]) => corridorFeature(corridor, id))));
    setSourceData(map, 'trails', collection([...trails].filter(([id, trail]) => shown.has(id) && trail.points.length > 1).map(([id, trail]) => lineFeature(trail.points, { id }))));
  }, [map, trips, trails, corridors, version]);

  // The zone shown (or all zones) when the map opens; the chosen trip when one is picked.
  const framed = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (!map || zones.length === 0 || framed.current === zoneId) return;
    framed.current = zoneId;
    const zone = zoneById(zoneId);
    const bounds = boundsOf(zone ? [zone] : zones.filter((z) => z.perimeter !== null || z.gates.length > 0));
    if (bounds) map.fitBounds(bounds, { padding: 60, maxZoom: 15, duration: 0 });
  }, [map, zones, zoneId, zoneById]);

  const select = (id: string) => {
    setSelected(id);
    const trip = trips.find((t) => t.id === id);
    if (!map || !trip?.lastPosition) return;
    const corridor = corridors.get(id);
    const points: LonLat[] = [lonLatOf(trip.lastPosition), ...(corridor?.type === 'route' ? corridor.line : (corridor?.polygon[0] ?? []))];
    const bounds = boundsOfPoints(points);
    if (bounds) map.fitBounds(bounds, { padding: 80, maxZoom: 15, duration: 300 });
  };

  const references = useMemo(() => new Map((allTrips ?? []).map((trip) => [trip.id, trip.reference])), [allTrips]);
  const motionCounts = trips.reduce<Record<Motion, number>>((counts, trip) => ({ ...counts, [motionOf(trip)]: counts[motionOf(trip)] + 1 }), { moving: 0, stopped: 0, alert: 0 });

  return (
    <>
      <PageHeader
        title="Monitoring"
        subtitle={`${zoneId ? `Zone ${zoneById(zoneId)?.code ?? ''}` : 'All zones you work in'} · trips under seal where their devices last reported, every 2 seconds`}
      />
      {error ? <ErrorMessage error={error} title="The positions could not be read; trying again" /> : null}
      <div className="map-layout monitoring-layout">
        <aside className="map-side" aria-labelledby="trips-title">
          <h2 id="trips-title">Trips under way{allTrips ? ` (${trips.length})` : ''}</h2>
          {allTrips === null && !error ? <Loading label="Loading trips…" /> : null}
          {allTrips ? <TripList trips={trips} selected={selected} select={select} /> : null}
          <div className="map-legend" aria-label="Legend">
            {(['moving', 'stopped', 'alert'] as const).map((motion) => (
              <span key={motion}>
                <span className="motion-dot" style={{ background: MOTION_COLOURS[motion] }} aria-hidden="true" /> {MOTION_NAMES[motion]} ({motionCounts[motion]})
              </span>
            ))}
            <span>
              <span className="trail-swatch" aria-hidden="true" /> Last 30 minutes of track
            </span>
            <CorridorLegend />
            <span>
              <span className="gate-dot" style={{ background: GATE_COLOURS.BOTH }} aria-hidden="true" /> Gate
            </span>
          </div>
        </aside>
        <MapFrame container={container} state={base} label="Map of the trips under way" />
        <AlertFeed {...feed} referenceOf={(id) => references.get(id)} />
      </div>
    </>
  );
}

export default MonitoringPage;
