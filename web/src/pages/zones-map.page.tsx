// The zones on an offline map: perimeters and gates over Natural Earth land and borders, which ship
// with the console (no tile server, no request leaves the server's origin). Labels are HTML
// markers, so the style needs no glyphs. The list beside the map zooms to each zone.
import { useEffect, useMemo, useRef } from 'react';
import type { Gate, Zone } from '../api/types.ts';
import { useDirectory } from '../app/session.tsx';
import { Empty, Loading, PageHeader, Tag } from '../components/ui.tsx';
import { humanize } from '../lib/format.ts';
import { boundsOf, GATE_COLOURS, MapFrame, useBaseMap, useZoneLayers } from './map-base.tsx';

export default function ZonesMapPage() {
  const { zones, loaded, zoneId, setZoneId } = useDirectory();
  const container = useRef<HTMLDivElement>(null);
  const withPerimeter = useMemo(() => zones.filter((z) => z.perimeter !== null || z.gates.length > 0), [zones]);
  const selected = zones.find((z) => z.id === zoneId) ?? null;
  const base = useBaseMap(container, {}, 'This browser cannot draw the map (WebGL is not available). The zones and their gates are listed beside it.');
  const { map } = base;
  useZoneLayers(map, zones);

  // Frame the chosen zone, or all of them.
  useEffect(() => {
    if (!map) return;
    const bounds = boundsOf(selected ? [selected] : withPerimeter);
    if (bounds) map.fitBounds(bounds, { padding: 60, maxZoom: 15, duration: 0 });
  }, [map, selected, withPerimeter]);

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
        <MapFrame container={container} state={base} label="Map of the zones" />
      </div>
    </>
  );
}
