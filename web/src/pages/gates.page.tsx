// The gate desk: the passages of one zone's gates (or one gate) as the readers report them, live.
// Trucks held at the gate come first, each with why in words and what was read against its pass,
// so that an officer can check and let one through with a reason; below, every passage, newest
// first. The zone and gate chosen live in the address, so a desk can be bookmarked.
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { withQuery } from '../api/client.ts';
import { PASSAGE_STATUSES, type GatePassage } from '../api/gate-types.ts';
import type { Page } from '../api/types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Loading, PageHeader, Section } from '../components/ui.tsx';
import { formatDateTime, formatShortDateTime, humanize } from '../lib/format.ts';
import { canOverridePassages } from '../lib/rights.ts';
import { useResource } from '../lib/use-resource.ts';
import { useLiveEvents, useThrottled } from '../live/live.tsx';
import { OverrideDialog, PassageEvidence, PassageStatusBadge, passageTitle, ReasonList, reasonNames } from './gate-passage-parts.tsx';

const RECENT = 100;

/** How the desk recognizes a truck: its plate as read, or its containers when no plate was read. */
const truckOf = (passage: GatePassage) => passage.evidence.plate?.value ?? passage.evidence.containers.map((c) => c.number).join(', ');

function HeldPassage({ passage, canOverride, onOverride }: { passage: GatePassage; canOverride: boolean; onOverride: (passage: GatePassage) => void }) {
  const headingId = `held-${passage.id}`;
  return (
    <article className="held-card" aria-labelledby={headingId} data-passage-id={passage.id}>
      <div className="held-head">
        <h3 id={headingId}>
          {passage.gateCode}
          {passage.lane ? ` · lane ${passage.lane}` : ''}
          {truckOf(passage) ? <span className="mono"> · {truckOf(passage)}</span> : null}
        </h3>
        <PassageStatusBadge status={passage.status} />
        <span className="muted nowrap" title={formatDateTime(passage.at)}>
          held since {formatShortDateTime(passage.at)}
        </span>
        {passage.declarationId ? (
          <Link to={`/declarations/${passage.declarationId}`} className="mono">
            {passage.declarationReference ?? 'Declaration'}
          </Link>
        ) : null}
      </div>
      <ReasonList reasons={passage.reasons} />
      <PassageEvidence passage={passage} />
      <div className="held-actions">
        <Link to={`/gates/passages/${passage.id}`} className="button button-small" aria-label={`Details of the passage at ${passageTitle(passage)}`}>
          Details
        </Link>
        {canOverride ? (
          <button type="button" className="button button-small button-danger" aria-label={`Override the hold at ${passageTitle(passage)}`} onClick={() => onOverride(passage)}>
            Override…
          </button>
        ) : null}
      </div>
    </article>
  );
}

export function GatesPage() {
  const { principal } = useSession();
  const { zones: directoryZones, zoneId: headerZoneId, loaded } = useDirectory();
  // Zone-scoped staff watch the gates of their own zones only.
  const zones = principal.zoneIds === null ? directoryZones : directoryZones.filter((z) => principal.zoneIds?.includes(z.id));
  const { push } = useToasts();
  const [params, setParams] = useSearchParams();
  const zoneParam = params.get('zone');
  const zone = zones.find((z) => z.id === zoneParam) ?? zones.find((z) => z.id === headerZoneId) ?? zones[0] ?? null;
  const gateParam = params.get('gate') ?? '';
  const gate = zone?.gates.find((g) => g.id === gateParam) ?? null;
  const status = params.get('status') ?? '';
  const [overriding, setOverriding] = useState<GatePassage | null>(null);
  const canOverride = canOverridePassages(principal);

  const setParam = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next, { replace: true });
  };

  const scope = zone ? { zoneId: zone.id, gateId: gate?.id } : null;
  const held = useResource<Page<GatePassage>>(scope ? withQuery('/api/v1/gate-passages', { ...scope, status: 'HELD', limit: 200 }) : null);
  const recent = useResource<Page<GatePassage>>(scope ? withQuery('/api/v1/gate-passages', { ...scope, status, limit: RECENT }) : null);

  const reloadHeld = held.reload;
  const reloadRecent = recent.reload;
  const refresh = useThrottled(() => {
    reloadHeld(true);
    reloadRecent(true);
  }, 500);
  useLiveEvents((event) => {
    if (event && !event.type.startsWith('gate.')) return;
    if (event && zone && event.zoneId !== zone.id) return;
    if (event && gate && typeof event.data.gateId === 'string' && event.data.gateId !== gate.id) return;
    refresh();
  });

  // Passages that arrived while the desk was open are marked for a moment.
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  useEffect(() => {
    if (!recent.data) return;
    const ids = recent.data.items.map((p) => p.id);
    const before = seen.current;
    seen.current = new Set(ids);
    if (!before) return;
    const added = ids.filter((id) => !before.has(id));
    if (added.length === 0) return;
    setFresh(new Set(added));
    const timer = setTimeout(() => setFresh(new Set()), 4000);
    return () => clearTimeout(timer);
  }, [recent.data]);
  useEffect(() => {
    seen.current = null;
  }, [zone?.id, gate?.id, status]);

  if (!loaded) return <Loading label="Loading the zones…" />;
  if (!zone) {
    return (
      <>
        <PageHeader title="Gate desk" />
        <Empty>No zone is open to you.</Empty>
      </>
    );
  }

  const heldItems = held.data?.items ?? [];
  const items = recent.data?.items ?? [];

  return (
    <>
      <PageHeader title="Gate desk" subtitle={`${zone.code} · ${zone.name}${gate ? ` · gate ${gate.code}` : ' · all gates'}`} />
      <form className="filters" aria-label="Choose the gate" onSubmit={(e) => e.preventDefault()}>
        {zones.length > 1 ? (
          <label>
            Zone
            <select value={zone.id} onChange={(e) => setParam({ zone: e.target.value, gate: '' })}>
              {zones.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.code} · {z.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          Gate
          <select value={gate?.id ?? ''} onChange={(e) => setParam({ zone: zone.id, gate: e.target.value })}>
            <option value="">All gates of {zone.code}</option>
            {zone.gates.map((g) => (
              <option key={g.id} value={g.id}>
                {g.code} · {g.name} ({humanize(g.direction)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Passages shown
          <select value={status} onChange={(e) => setParam({ status: e.target.value })}>
            <option value="">Every passage</option>
            {PASSAGE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </label>
      </form>

      <Section title={held.data ? `Held at the gate (${heldItems.length})` : 'Held at the gate'} id="held">
        {held.error ? <ErrorMessage error={held.error} title="The held trucks could not be read" /> : null}
        {held.loading && !held.data ? <Loading label="Loading held trucks…" /> : null}
        {held.data && heldItems.length === 0 ? <Empty>No truck is held{gate ? ` at ${gate.code}` : ''}.</Empty> : null}
        <div className="held-list">
          {heldItems.map((passage) => (
            <HeldPassage key={passage.id} passage={passage} canOverride={canOverride} onOverride={setOverriding} />
          ))}
        </div>
      </Section>

      <Section title="Passages" id="passages">
        {recent.error ? <ErrorMessage error={recent.error} title="The passages could not be read" /> : null}
        {recent.loading && !recent.data ? <Loading label="Loading passages…" /> : null}
        {recent.data && items.length === 0 ? <Empty>No passage{status ? ` ${humanize(status).toLowerCase()}` : ''} yet.</Empty> : null}
        {items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-rows" aria-label="Passages">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Gate</th>
                  <th scope="col">Status</th>
                  <th scope="col">Truck</th>
                  <th scope="col">Declaration</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {items.map((passage) => (
                  <tr key={passage.id} data-passage-id={passage.id} className={fresh.has(passage.id) ? 'row-fresh' : undefined}>
                    <td className="nowrap">
                      <Link to={`/gates/passages/${passage.id}`} title={formatDateTime(passage.at)}>
                        {formatShortDateTime(passage.at)}
                      </Link>
                    </td>
                    <td className="nowrap">
                      {passage.gateCode}
                      {passage.lane ? <span className="muted"> · {passage.lane}</span> : null}
                    </td>
                    <td>
                      <PassageStatusBadge status={passage.status} />
                    </td>
                    <td className="mono">{truckOf(passage) || '—'}</td>
                    <td>
                      {passage.declarationId ? (
                        <Link to={`/declarations/${passage.declarationId}`} className="mono">
                          {passage.declarationReference ?? 'Declaration'}
                        </Link>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="wrap small">
                      {passage.reasons.length > 0 ? reasonNames(passage.reasons).join('; ') : passage.status === 'OPENED' ? 'Matches its pass' : ''}
                      {passage.status === 'OVERRIDDEN' && passage.overrideReason ? <div className="muted">Overridden: {passage.overrideReason}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {recent.data?.nextCursor ? <p className="muted small">The latest {RECENT} passages are shown; open one for its details.</p> : null}
      </Section>

      {overriding ? (
        <OverrideDialog
          passage={overriding}
          onClose={() => setOverriding(null)}
          onDone={(done) => {
            setOverriding(null);
            push({ kind: 'success', title: `Gate ${done.gateCode} opened`, body: done.declarationReference ?? undefined });
            reloadHeld(true);
            reloadRecent(true);
          }}
        />
      ) : null}
    </>
  );
}

export default GatesPage;
