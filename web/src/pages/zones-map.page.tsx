// The zones on an offline map: perimeters and gates over Natural Earth land and borders, which ship
// with the console (no tile server, no request leaves the server's origin). Labels are HTML
// markers, so the style needs no glyphs. The list beside the map zooms to each zone.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Map as MapLibreMap, Marker, NavigationControl, ScaleControl, setWorkerUrl, type ErrorEvent, type GeoJSONSource, type StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Feature, FeatureCollection, Geometry, MultiLineString, Point, Polygon, MultiPolygon } from 'geojson';
import atlasUrl from 'world-atlas/countries-10m.json?url';
import type { Gate, Zone } from '../api/types.ts';
import { useDirectory } from '../app/session.tsx';
import { Empty, ErrorMessage, Loading, PageHeader, Tag } from '../components/ui.tsx';
import { humanize } from '../lib/format.ts';

setWorkerUrl(workerUrl);

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
const GATE_COLOURS = { IN: '#2f8f4e', OUT: '#c0392b', BOTH: '#c99a06' } as const;

type Bounds = [[number, number], [number, number]];

function boundsOf(zones: Zone[]): Bounds | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const add = (lon: number, lat: number) => {
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  };
  for (const zone of zones) {
    const polygons = zone.perimeter?.type === 'Polygon' ? [zone.perimeter.coordinates] : (zone.perimeter?.coordinates ?? []);
    for (const polygon of polygons) for (const ring of polygon) for (const [lon, lat] of ring) if (lon !== undefined && lat !== undefined) add(lon, lat);
    for (const gate of zone.gates) add(gate.longitude, gate.latitude);
  }
  return Number.isFinite(west) ? [[west, south], [east, north]] : null;
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

function baseStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {
      land: { type: 'geojson', data: EMPTY, attribution: 'Basemap: Natural Earth' },
      borders: { type: 'geojson', data: EMPTY },
      zones: { type: 'geojson', data: EMPTY },
      gates: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'water', type: 'background', paint: { 'background-color': '#d6e4ee' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#f4f2ec', 'fill-outline-color': '#c9c4b6' } },
      { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#b3ad9e', 'line-width': 0.8, 'line-dasharray': [2, 1] } },
      { id: 'zones-fill', type: 'fill', source: 'zones', paint: { 'fill-color': '#1d4f91', 'fill-opacity': 0.16 } },
      { id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': '#1d4f91', 'line-width': 2 } },
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
    ],
  };
}

/** WebGL may be missing (old tablets, locked-down browsers): the list still works without the map. */
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

export default function ZonesMapPage() {
  const { zones, loaded, zoneId, setZoneId } = useDirectory();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const [basemap, setBasemap] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [failure, setFailure] = useState<string | null>(null);
  const withPerimeter = useMemo(() => zones.filter((z) => z.perimeter !== null || z.gates.length > 0), [zones]);
  const selected = zones.find((z) => z.id === zoneId) ?? null;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    if (!webglAvailable()) {
      setFailure('This browser cannot draw the map (WebGL is not available). The zones and their gates are listed beside it.');
      return;
    }
    const instance = new MapLibreMap({
      container: element,
      style: baseStyle(),
      center: [0, 20],
      zoom: 1.5,
      attributionControl: { compact: false },
      maxZoom: 17,
      dragRotate: false,
      pitchWithRotate: false,
    });
    map.current = instance;
    instance.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    instance.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    instance.on('load', () => setReady(true));
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
          void instance.getSource<GeoJSONSource>('land')?.setData(land);
          void instance.getSource<GeoJSONSource>('borders')?.setData(borders);
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
      map.current = null;
      setReady(false);
    };
  }, []);

  // Zones, gates and their labels.
  useEffect(() => {
    const instance = map.current;
    if (!instance || !ready) return;
    void instance.getSource<GeoJSONSource>('zones')?.setData(zonesCollection(zones));
    void instance.getSource<GeoJSONSource>('gates')?.setData(gatesCollection(zones));
    const markers: Marker[] = [];
    for (const zone of zones) {
      const bounds = boundsOf([{ ...zone, gates: [] }]);
      if (bounds) {
        // Above the perimeter's northern edge, so that it never hides the gates inside.
        const top: [number, number] = [(bounds[0][0] + bounds[1][0]) / 2, bounds[1][1]];
        markers.push(
          new Marker({ element: label(zone.code, 'map-label map-label-zone', zone.name), anchor: 'bottom', offset: [0, -4] }).setLngLat(top).addTo(instance),
        );
      }
      for (const gate of zone.gates) {
        markers.push(
          new Marker({ element: label(gate.code, 'map-label map-label-gate', `${zone.code} ${gate.code}: ${gate.name}`), offset: [0, -16] })
            .setLngLat([gate.longitude, gate.latitude])
            .addTo(instance),
        );
      }
    }
    return () => markers.forEach((m) => m.remove());
  }, [zones, ready]);

  // Frame the chosen zone, or all of them.
  useEffect(() => {
    const instance = map.current;
    if (!instance || !ready) return;
    const bounds = boundsOf(selected ? [selected] : withPerimeter);
    if (bounds) instance.fitBounds(bounds, { padding: 60, maxZoom: 15, duration: 0 });
  }, [ready, selected, withPerimeter]);

  const gatesOf = (zone: Zone): Gate[] => [...zone.gates].sort((a, b) => a.code.localeCompare(b.code));

  return (
    <>
      <PageHeader title="Zones map" subtitle="Perimeters and gates of the zones you may see" />
      <div className="map-layout">
        <aside className="map-side" aria-label="Zones">
          {!loaded ? <Loading label="Loading zones…" /> : null}
          {loaded && zones.length === 0 ? <Empty>No zone to show.</Empty> : null}
          <ul className="zone-list">
            {zones.map((zone) => (
              <li key={zone.id} className={zone.id === zoneId ? 'selected' : ''}>
                <button type="button" className="zone-button" aria-pressed={zone.id === zoneId} onClick={() => setZoneId(zone.id === zoneId ? null : zone.id)}>
                  <span className="mono">{zone.code}</span> {zone.name}
                  <span className="muted small">
                    {humanize(zone.zoneType)} · {zone.locode} · {zone.gates.length} gate{zone.gates.length === 1 ? '' : 's'}
                  </span>
                </button>
                {zone.id === zoneId ? (
                  <ul className="gate-list">
                    {gatesOf(zone).map((gate) => (
                      <li key={gate.id}>
                        <span className="gate-dot" style={{ background: GATE_COLOURS[gate.direction] }} aria-hidden="true" />
                        <span className="mono">{gate.code}</span>
                        <span>{gate.name}</span>
                        <Tag>
                          {humanize(gate.kind)} · {gate.direction === 'BOTH' ? 'in and out' : gate.direction.toLowerCase()}
                        </Tag>
                        {!gate.active ? <Tag tone="warn">Inactive</Tag> : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
          <div className="map-legend" aria-label="Legend">
            <span>
              <span className="legend-swatch zone-swatch" aria-hidden="true" /> Zone perimeter
            </span>
            <span>
              <span className="gate-dot" style={{ background: GATE_COLOURS.IN }} aria-hidden="true" /> Gate in
            </span>
            <span>
              <span className="gate-dot" style={{ background: GATE_COLOURS.OUT }} aria-hidden="true" /> Gate out
            </span>
            <span>
              <span className="gate-dot" style={{ background: GATE_COLOURS.BOTH }} aria-hidden="true" /> Both ways
            </span>
          </div>
        </aside>
        <div className="map-frame">
          {failure ? <ErrorMessage error={failure} title="No map" /> : null}
          <div ref={container} className="map" role="region" aria-label="Map of the zones" data-testid="map" data-basemap={basemap} />
          {!failure && basemap === 'loading' ? <div className="map-note">Loading the basemap…</div> : null}
          {basemap === 'failed' ? <div className="map-note">The basemap could not be loaded; zones are drawn on a plain background.</div> : null}
        </div>
      </div>
    </>
  );
}
