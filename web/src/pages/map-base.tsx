// The offline map every map page draws on: Natural Earth land and borders, which ship with the
// console (no tile server, no request leaves the server's origin), the zones' perimeters and their
// gates, and whatever a page lays over them. Labels are HTML markers, so the style needs no glyphs.
import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import {
  Map as MapLibreMap,
  Marker,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
  type ErrorEvent,
  type GeoJSONSource,
  type LayerSpecification,
  type SourceSpecification,
  type StyleSpecification,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Feature, FeatureCollection, GeoJSON, Geometry, MultiLineString, MultiPolygon, Point, Polygon } from 'geojson';
import atlasUrl from 'world-atlas/countries-10m.json?url';
import type { Zone } from '../api/types.ts';
import { ErrorMessage } from '../components/ui.tsx';

setWorkerUrl(workerUrl);

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
export const GATE_COLOURS = { IN: '#2f8f4e', OUT: '#c0392b', BOTH: '#c99a06' } as const;

export type Bounds = [[number, number], [number, number]];

/** The box around [longitude, latitude] points; null when there are none. */
export function boundsOfPoints(points: Iterable<readonly number[]>): Bounds | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const [lon, lat] of points) {
    if (lon === undefined || lat === undefined) continue;
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  return Number.isFinite(west) ? [[west, south], [east, north]] : null;
}

function* zonePoints(zones: Zone[]): Generator<readonly number[]> {
  for (const zone of zones) {
    const polygons = zone.perimeter?.type === 'Polygon' ? [zone.perimeter.coordinates] : (zone.perimeter?.coordinates ?? []);
    for (const polygon of polygons) for (const ring of polygon) yield* ring;
    for (const gate of zone.gates) yield [gate.longitude, gate.latitude];
  }
}

export function boundsOf(zones: Zone[]): Bounds | null {
  return boundsOfPoints(zonePoints(zones));
}

function zonesCollection(zones: Zone[]): FeatureCollection<Polygon | MultiPolygon> {
  return {
    type: 'FeatureCollection',
    features: zones
      .filter((z) => z.perimeter !== null)
      .map((z) => ({ type: 'Feature', id: z.id, properties: { id: z.id, code: z.code }, geometry: z.perimeter as Polygon | MultiPolygon })),
  };
}

function gatesCollection(zones: Zone[]): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: zones.flatMap((z) =>
      z.gates.map((g): Feature<Point> => ({
        type: 'Feature',
        properties: { id: g.id, code: g.code, direction: g.direction, active: g.active },
        geometry: { type: 'Point', coordinates: [g.longitude, g.latitude] },
      })),
    ),
  };
}

/** What a page draws besides the zones: its sources, layers under the gates and layers over them. */
export interface Overlay {
  sources?: Record<string, SourceSpecification>;
  under?: LayerSpecification[];
  over?: LayerSpecification[];
}

function baseStyle(overlay: Overlay): StyleSpecification {
  return {
    version: 8,
    sources: {
      land: { type: 'geojson', data: EMPTY, attribution: 'Basemap: Natural Earth' },
      borders: { type: 'geojson', data: EMPTY },
      zones: { type: 'geojson', data: EMPTY },
      gates: { type: 'geojson', data: EMPTY },
      ...overlay.sources,
    },
    layers: [
      { id: 'water', type: 'background', paint: { 'background-color': '#d6e4ee' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#f4f2ec', 'fill-outline-color': '#c9c4b6' } },
      { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#b3ad9e', 'line-width': 0.8, 'line-dasharray': [2, 1] } },
      { id: 'zones-fill', type: 'fill', source: 'zones', paint: { 'fill-color': '#1d4f91', 'fill-opacity': 0.16 } },
      { id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': '#1d4f91', 'line-width': 2 } },
      ...(overlay.under ?? []),
      {
        id: 'gates',
        type: 'circle',
        source: 'gates',
        paint: {
          'circle-radius': 6,
          'circle-color': ['match', ['get', 'direction'], 'IN', GATE_COLOURS.IN, 'OUT', GATE_COLOURS.OUT, GATE_COLOURS.BOTH],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
        },
      },
      ...(overlay.over ?? []),
    ],
  };
}

/** WebGL may be missing (old tablets, locked-down browsers): the page's list still works without the map. */
function webglAvailable(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
  } catch {
    return false;
  }
}

function label(text: string, className: string, title: string): HTMLElement {
  const element = document.createElement('div');
  element.className = className;
  element.textContent = text;
  element.title = title;
  return element;
}

/** Replaces the data of a GeoJSON source of the style. */
export function setSourceData(map: MapLibreMap, source: string, data: GeoJSON): void {
  void map.getSource<GeoJSONSource>(source)?.setData(data);
}

type BasemapState = 'loading' | 'ready' | 'failed';

export interface BaseMap {
  /** The map once its style has loaded; null before (and without WebGL). */
  map: MapLibreMap | null;
  basemap: BasemapState;
  /** Why there is no map at all. */
  failure: string | null;
}

/**
 * Creates the map in `container` with the page's overlay (read once), loads the basemap, and marks
 * the container `data-state="idle"` once drawn (which the browser tests wait for).
 */
export function useBaseMap(container: RefObject<HTMLDivElement | null>, overlay: Overlay, withoutMap: string): BaseMap {
  const initial = useRef({ overlay, withoutMap });
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [basemap, setBasemap] = useState<BasemapState>('loading');
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    if (!webglAvailable()) {
      setFailure(initial.current.withoutMap);
      return;
    }
    const instance = new MapLibreMap({
      container: element,
      style: baseStyle(initial.current.overlay),
      center: [0, 20],
      zoom: 1.5,
      attributionControl: { compact: false },
      maxZoom: 17,
      dragRotate: false,
      pitchWithRotate: false,
    });
    instance.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    instance.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    instance.on('load', () => setMap(instance));
    // Gate labels crowd a zone seen from afar: they show once the zone is large enough on screen.
    const showGateLabels = () => element.classList.toggle('gate-labels', instance.getZoom() >= 13.5);
    instance.on('zoomend', showGateLabels);
    instance.on('idle', () => {
      showGateLabels();
      element.dataset.state = 'idle';
    });
    instance.on('movestart', () => {
      element.dataset.state = 'moving';
    });
    instance.on('error', (event: ErrorEvent) => {
      // A failed source is reported once on the page; the rest of the map keeps working.
      setBasemap((state) => (state === 'loading' ? 'failed' : state));
      console.warn('map error', event.error);
    });

    const controller = new AbortController();
    fetch(atlasUrl, { signal: controller.signal })
      .then((response) => {
        if (!response.ok) throw new Error(`basemap: ${response.status}`);
        return response.json() as Promise<Topology<{ countries: GeometryCollection; land: GeometryCollection }>>;
      })
      .then((topology) => {
        const land = feature(topology, topology.objects.land) as FeatureCollection<Geometry> | Feature<Geometry>;
        const borders: MultiLineString = mesh(topology, topology.objects.countries, (a, b) => a !== b);
        const apply = () => {
          setSourceData(instance, 'land', land);
          setSourceData(instance, 'borders', borders);
          setBasemap('ready');
        };
        if (instance.loaded()) apply();
        else instance.once('load', apply);
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) {
          setBasemap('failed');
          console.warn('basemap failed', error);
        }
      });

    return () => {
      controller.abort();
      instance.remove();
      setMap(null);
    };
  }, [container]);

  return { map, basemap, failure };
}

/** Draws the zones' perimeters and gates, with their labels. */
export function useZoneLayers(map: MapLibreMap | null, zones: Zone[]): void {
  useEffect(() => {
    if (!map) return;
    setSourceData(map, 'zones', zonesCollection(zones));
    setSourceData(map, 'gates', gatesCollection(zones));
    const markers: Marker[] = [];
    for (const zone of zones) {
      const bounds = boundsOf([{ ...zone, gates: [] }]);
      if (bounds) {
        // Above the perimeter's northern edge, so that it never hides the gates inside.
        const top: [number, number] = [(bounds[0][0] + bounds[1][0]) / 2, bounds[1][1]];
        markers.push(new Marker({ element: label(zone.code, 'map-label map-label-zone', zone.name), anchor: 'bottom', offset: [0, -4] }).setLngLat(top).addTo(map));
      }
      for (const gate of zone.gates) {
        markers.push(
          new Marker({ element: label(gate.code, 'map-label map-label-gate', `${zone.code} ${gate.code}: ${gate.name}`), offset: [0, -16] })
            .setLngLat([gate.longitude, gate.latitude])
            .addTo(map),
        );
      }
    }
    return () => markers.forEach((m) => m.remove());
  }, [map, zones]);
}

/** The map's frame: the map itself, or why there is none, and the basemap's state. */
export function MapFrame({ container, state, label: name, children }: { container: RefObject<HTMLDivElement | null>; state: BaseMap; label: string; children?: ReactNode }) {
  return (
    <div className="map-frame">
      {state.failure ? <ErrorMessage error={state.failure} title="No map" /> : null}
      <div ref={container} className="map" role="region" aria-label={name} data-testid="map" data-basemap={state.basemap} />
      {!state.failure && state.basemap === 'loading' ? <div className="map-note">Loading the basemap…</div> : null}
      {state.basemap === 'failed' ? <div className="map-note">The basemap could not be loaded; zones are drawn on a plain background.</div> : null}
      {children}
    </div>
  );
}
