// What the cargo tracking pages share: a trip's status and motion in words and colour, gates named
// from their ids, the corridor, trail and position layers of their maps, distances, and the pages
// of a list read by cursor.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import type { LayerSpecification, SourceSpecification } from 'maplibre-gl';
import type { Feature, FeatureCollection, LineString, Polygon } from 'geojson';
import type { Corridor, LastPosition, LonLat, TripStatus } from '../api/tracking-types.ts';
import type { Gate, Page, Zone } from '../api/types.ts';
import { useDirectory } from '../app/session.tsx';
import { Tag } from '../components/ui.tsx';
import { humanize } from '../lib/format.ts';
import { useResource, type Resource } from '../lib/use-resource.ts';
import type { Overlay } from './map-base.tsx';
import './tracking.css';

const STATUS_TONES: Record<TripStatus, 'neutral' | 'info' | 'good' | 'bad'> = { PLANNED: 'neutral', ACTIVE: 'info', COMPLETED: 'good', ABORTED: 'bad' };

export function TripStatusBadge({ status }: { status: TripStatus }) {
  return <Tag tone={STATUS_TONES[status]}>{humanize(status)}</Tag>;
}

/** How a trip on the map is doing: under way, standing still, or with an open alert. */
export type Motion = 'moving' | 'stopped' | 'alert';
export const MOTION_NAMES: Record<Motion, string> = { moving: 'Moving', stopped: 'Stopped', alert: 'Open alert' };
export const MOTION_COLOURS: Record<Motion, string> = { moving: '#1565c0', stopped: '#6b7785', alert: '#c62828' };
/** Below this a device stands still (the monitor's default stop speed). */
const STOP_SPEED_KMH = 3;

export function motionOf(trip: { lastPosition: LastPosition | null; openAlerts: number | null; tampered: boolean }): Motion {
  if ((trip.openAlerts ?? 0) > 0 || trip.tampered) return 'alert';
  return isMoving(trip.lastPosition?.speedKmh) ? 'moving' : 'stopped';
}

export function isMoving(speedKmh: number | null | undefined): boolean {
  return speedKmh !== null && speedKmh !== undefined && speedKmh >= STOP_SPEED_KMH;
}

export function lonLatOf(position: { lon: number; lat: number }): LonLat {
  return [position.lon, position.lat];
}

export function formatDistance(meters: number | null | undefined): string {
  if (meters === null || meters === undefined) return '—';
  return meters < 1000 ? `${Math.round(meters)} m` : `${(meters / 1000).toFixed(meters < 100_000 ? 1 : 0)} km`;
}

export function formatSpeed(kmh: number | null | undefined): string {
  return kmh === null || kmh === undefined ? '—' : `${Math.round(kmh)} km/h`;
}

/** A gate named for people from its id: "FTZ1 G1", or with `long` "FTZ1 G1 · 39th Street gate". */
export function useGates() {
  const { zones } = useDirectory();
  return useMemo(() => {
    const byId = new Map<string, { gate: Gate; zone: Zone }>();
    for (const zone of zones) for (const gate of zone.gates) byId.set(gate.id, { gate, zone });
    const gateName = (id: string | null | undefined, long = false): string => {
      const place = id ? byId.get(id) : undefined;
      if (!place) return 'Gate';
      return `${place.zone.code} ${place.gate.code}${long ? ` · ${place.gate.name}` : ''}`;
    };
    return { gateName };
  }, [zones]);
}

// --- map layers ----------------------------------------------------------------------------------

const EARTH_CIRCUMFERENCE_M = 40_075_016.686;

/**
 * A route corridor is drawn as its line as wide as the corridor: a line's width is in pixels, so it
 * grows with the zoom from its width at zoom 0 (512-pixel world) at the corridor's latitude.
 */
function widthAtZoomZero(line: LonLat[], widthMeters: number): number {
  const latitude = line.reduce((sum, [, lat]) => sum + lat, 0) / Math.max(1, line.length);
  const metersPerPixel = (EARTH_CIRCUMFERENCE_M * Math.cos((latitude * Math.PI) / 180)) / 512;
  return widthMeters / metersPerPixel;
}

export function corridorFeature(corridor: Corridor, id: string): Feature<LineString | Polygon> {
  if (corridor.type === 'route') {
    return { type: 'Feature', properties: { id, w0: widthAtZoomZero(corridor.line, corridor.widthMeters) }, geometry: { type: 'LineString', coordinates: corridor.line } };
  }
  return { type: 'Feature', properties: { id }, geometry: { type: 'Polygon', coordinates: corridor.polygon } };
}

export function lineFeature(coordinates: LonLat[], properties: Record<string, unknown> = {}): Feature<LineString> {
  return { type: 'Feature', properties, geometry: { type: 'LineString', coordinates } };
}

export function collection(features: Feature[]): FeatureCollection {
  return { type: 'FeatureCollection', features };
}

const CORRIDOR_COLOUR = '#7b3fa0';
// (Not map-base's EMPTY: the list pages that use these parts load without the map's code.)
const geojson = (): SourceSpecification => ({ type: 'geojson', data: { type: 'FeatureCollection', features: [] } });

/** Corridors under the gates (a route's buffer, an area's polygon), and track lines over them. */
export function trackingOverlay(trackLines: Array<{ source: string; colour: string; width: number; dashed?: boolean }>): Overlay {
  const under: LayerSpecification[] = [
    {
      id: 'corridor-route',
      type: 'line',
      source: 'corridors',
      filter: ['==', ['geometry-type'], 'LineString'],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': CORRIDOR_COLOUR,
        'line-opacity': 0.16,
        'line-width': ['interpolate', ['exponential', 2], ['zoom'], 0, ['get', 'w0'], 24, ['*', ['get', 'w0'], 2 ** 24]],
      },
    },
    { id: 'corridor-axis', type: 'line', source: 'corridors', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': CORRIDOR_COLOUR, 'line-width': 1, 'line-dasharray': [3, 2] } },
    { id: 'corridor-area', type: 'fill', source: 'corridors', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': CORRIDOR_COLOUR, 'fill-opacity': 0.14 } },
    { id: 'corridor-area-line', type: 'line', source: 'corridors', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': CORRIDOR_COLOUR, 'line-width': 1.5 } },
  ];
  const over: LayerSpecification[] = trackLines.map(({ source, colour, width, dashed }) => ({
    id: `line-${source}`,
    type: 'line',
    source,
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': colour, 'line-width': width, ...(dashed ? { 'line-dasharray': [1, 1.5] } : {}) },
  }));
  return {
    sources: Object.fromEntries([['corridors', geojson()], ...trackLines.map(({ source }) => [source, geojson()] as const)]),
    under,
    over,
  };
}

export function CorridorLegend() {
  return (
    <span>
      <span className="legend-swatch corridor-swatch" aria-hidden="true" /> Corridor
    </span>
  );
}

/** An HTML marker of a trip: a button named for screen readers, its position in data attributes. */
export function tripMarkerElement(name: string, onClick?: () => void): HTMLElement {
  const element = document.createElement(onClick ? 'button' : 'div');
  element.className = 'trip-marker';
  element.setAttribute('aria-label', name);
  element.title = name;
  if (onClick && element instanceof HTMLButtonElement) {
    element.type = 'button';
    element.addEventListener('click', onClick);
  }
  return element;
}

export function placeMarkerElement(element: HTMLElement, position: LonLat, motion: Motion): void {
  element.dataset.lon = position[0].toFixed(6);
  element.dataset.lat = position[1].toFixed(6);
  element.dataset.state = motion;
  element.style.setProperty('--marker-colour', MOTION_COLOURS[motion]);
}

// --- lists read by cursor ------------------------------------------------------------------------

/** One page of a list at a time, with the cursors of the pages before it; back to the first when `url` (the filters) changes. */
export function useCursorPages<T>(url: string): Resource<Page<T>> & { pager: ReactElement | null } {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  useEffect(() => {
    setCursors([null]);
  }, [url]);
  const list = useResource<Page<T>>(cursor ? `${url}${url.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : url);
  const next = list.data?.nextCursor ?? null;
  const pager =
    cursors.length > 1 || next ? (
      <div className="pager">
        <button type="button" className="button" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ‹ Previous
        </button>
        <button type="button" className="button" disabled={!next} onClick={() => next && setCursors((c) => [...c, next])}>
          Next ›
        </button>
      </div>
    ) : null;
  return { ...list, pager };
}
