// One trip on the map: its corridor, its whole track, and a replay of the track, played at a
// chosen speed or moved to any moment with the time slider; the part already played is drawn in
// colour and a marker stands where the device was at that moment.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Marker } from 'maplibre-gl';
import type { Corridor, LonLat, Track, Trip } from '../api/tracking-types.ts';
import { useDirectory } from '../app/session.tsx';
import { Empty } from '../components/ui.tsx';
import { formatDateTime, formatDuration } from '../lib/format.ts';
import { boundsOfPoints, MapFrame, setSourceData, useBaseMap, useZoneLayers } from './map-base.tsx';
import { collection, CorridorLegend, corridorFeature, formatSpeed, isMoving, lineFeature, MOTION_COLOURS, placeMarkerElement, trackingOverlay, tripMarkerElement } from './tracking-parts.tsx';

const OVERLAY = trackingOverlay([
  { source: 'track', colour: '#8a96a3', width: 3, dashed: true },
  { source: 'played', colour: MOTION_COLOURS.moving, width: 4 },
]);
const SPEEDS = [1, 10, 60, 300, 1200] as const;
const TICK_MS = 100;

/** The index of the last fix at or before `at` (-1 before the first). */
function fixBefore(t: readonly number[], at: number): number {
  let low = 0;
  let high = t.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((t[middle] ?? Infinity) <= at) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function pointOf(track: Track, i: number): LonLat {
  return [track.lon[i] ?? 0, track.lat[i] ?? 0];
}

/** Where the device was at `at`, between the fixes around it, and the track up to there. */
function replayAt(track: Track, at: number): { position: LonLat; played: LonLat[]; speed: number | null } | null {
  const i = fixBefore(track.t, at);
  if (i < 0) return null;
  const played = track.t.slice(0, i + 1).map((_, j) => pointOf(track, j));
  const [t0, t1] = [track.t[i] ?? at, track.t[i + 1]];
  let position = pointOf(track, i);
  if (t1 !== undefined && t1 > t0) {
    const share = (at - t0) / (t1 - t0);
    const next = pointOf(track, i + 1);
    position = [position[0] + (next[0] - position[0]) * share, position[1] + (next[1] - position[1]) * share];
    played.push(position);
  }
  return { position, played, speed: track.speed[i] ?? null };
}

function ReplayControls({ track, at, setAt, playing, setPlaying, speed, setSpeed }: {
  track: Track;
  at: number;
  setAt: (at: number) => void;
  playing: boolean;
  setPlaying: (playing: boolean) => void;
  speed: number;
  setSpeed: (speed: number) => void;
}) {
  const first = track.t[0] ?? 0;
  const last = track.t[track.t.length - 1] ?? first;
  const now = replayAt(track, at);
  return (
    <div className="replay" role="group" aria-label="Replay">
      <button
        type="button"
        className="button button-primary"
        onClick={() => {
          if (!playing && at >= last) setAt(first);
          setPlaying(!playing);
        }}
      >
        {playing ? 'Pause' : 'Play'}
      </button>
      <label>
        Speed
        <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <label className="replay-slider">
        Time
        <input
          type="range"
          min={first}
          max={last}
          step={1000}
          value={at}
          aria-valuetext={formatDateTime(new Date(at).toISOString())}
          onChange={(e) => {
            setPlaying(false);
            setAt(Number(e.target.value));
          }}
        />
      </label>
      <output aria-live="off" data-testid="replay-time">
        {formatDateTime(new Date(at).toISOString())} · {formatDuration((at - first) / 1000)} after the first fix · {formatSpeed(now?.speed)}
      </output>
    </div>
  );
}

export function TripMap({ trip, track }: { trip: Trip; track: Track | null }) {
  const { zones } = useDirectory();
  const container = useRef<HTMLDivElement>(null);
  const base = useBaseMap(container, OVERLAY, 'This browser cannot draw the map (WebGL is not available); the trip’s facts and timeline are beside it.');
  const { map } = base;
  useZoneLayers(map, zones);
  const count = track?.t.length ?? 0;
  const first = track?.t[0] ?? 0;
  const last = track?.t[count - 1] ?? 0;
  // Null follows the latest fix, so that a running trip's replay stays at its present.
  const [chosen, setChosen] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(60);
  const at = chosen ?? last;
  const replay = useMemo(() => (track ? replayAt(track, at) : null), [track, at]);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setChosen((current) => Math.min(last, (current ?? first) + TICK_MS * speed)), TICK_MS);
    return () => clearInterval(timer);
  }, [playing, speed, first, last]);
  // At the end the replay stops and follows the latest fix again.
  useEffect(() => {
    if (!playing || chosen === null || chosen < last) return;
    setPlaying(false);
    setChosen(null);
  }, [playing, chosen, last]);

  // The trip is read again every few seconds; its corridor is sent to the map only when it changes.
  const corridorJson = JSON.stringify(trip.corridor);
  const corridor = useMemo(() => JSON.parse(corridorJson) as Corridor, [corridorJson]);
  useEffect(() => {
    if (!map) return;
    setSourceData(map, 'corridors', collection([corridorFeature(corridor, trip.id)]));
  }, [map, corridor, trip.id]);

  useEffect(() => {
    if (!map || !track) return;
    setSourceData(map, 'track', collection(count > 1 ? [lineFeature(track.t.map((_, i) => pointOf(track, i)))] : []));
  }, [map, track, count]);

  // The trip framed once: its corridor and track.
  const framed = useRef(false);
  useEffect(() => {
    if (!map || framed.current || !track) return;
    framed.current = true;
    const outline = corridor.type === 'route' ? corridor.line : (corridor.polygon[0] ?? []);
    const bounds = boundsOfPoints([...outline, ...track.t.map((_, i) => pointOf(track, i))]);
    if (bounds) map.fitBounds(bounds, { padding: 60, maxZoom: 16, duration: 0 });
  }, [map, track, corridor]);

  const marker = useRef<Marker | null>(null);
  useEffect(() => {
    if (!map) return;
    setSourceData(map, 'played', collection(replay && replay.played.length > 1 ? [lineFeature(replay.played)] : []));
    if (!replay) {
      marker.current?.remove();
      marker.current = null;
      return;
    }
    if (!marker.current) {
      const element = tripMarkerElement(`Replay of ${trip.reference}`);
      element.classList.add('trip-marker-replay');
      element.dataset.testid = 'replay-marker';
      marker.current = new Marker({ element }).setLngLat(replay.position).addTo(map);
    }
    placeMarkerElement(marker.current.getElement(), replay.position, isMoving(replay.speed) ? 'moving' : 'stopped');
    marker.current.setLngLat(replay.position);
  }, [map, replay, trip.reference]);
  useEffect(
    () => () => {
      marker.current?.remove();
      marker.current = null;
    },
    [map],
  );

  return (
    <>
      <div className="trip-map">
        <MapFrame container={container} state={base} label={`Map of trip ${trip.reference}`} />
      </div>
      <div className="map-legend-inline muted small">
        <CorridorLegend /> · <span className="trail-swatch" aria-hidden="true" /> Replayed track · dashed: the rest of the track
      </div>
      {track && count > 0 ? (
        <ReplayControls track={track} at={at} setAt={setChosen} playing={playing} setPlaying={setPlaying} speed={speed} setSpeed={setSpeed} />
      ) : track ? (
        <Empty>No position recorded for this trip yet.</Empty>
      ) : null}
    </>
  );
}
