// One gate passage: what the readers saw at the gate against the pass it was matched to, whether
// the gate opened or held the truck and why, and who let a held truck through with which reason.
// Refreshed when the gate reports on it again.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { GatePass, GatePassage } from '../api/gate-types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Facts, Loading, PageHeader, Section, Tag } from '../components/ui.tsx';
import { formatDateTime, humanize } from '../lib/format.ts';
import { canOverridePassages } from '../lib/rights.ts';
import { useResource } from '../lib/use-resource.ts';
import { useLiveEvents } from '../live/live.tsx';
import { OverrideDialog, PassageEvidence, PassageStatusBadge, ReasonList } from './gate-passage-parts.tsx';

export function GatePassagePage() {
  const { id = '' } = useParams();
  const { principal } = useSession();
  const { zoneById } = useDirectory();
  const { push } = useToasts();
  const passage = useResource<GatePassage>(`/api/v1/gate-passages/${encodeURIComponent(id)}`);
  const passId = passage.data?.passId ?? null;
  const pass = useResource<GatePass>(passId ? `/api/v1/gate-passes/${passId}` : null);
  const [overriding, setOverriding] = useState(false);

  useLiveEvents((event) => {
    if (event === null || (event.type.startsWith('gate.') && event.aggregateId === id)) passage.reload(true);
  });

  if (passage.error) {
    const missing = passage.error.status === 404 || passage.error.status === 400;
    return (
      <>
        <PageHeader title="Gate passage" />
        {missing ? (
          <Empty>
            <strong>Passage not found.</strong> It does not exist, or it is at a gate you may not see. <Link to="/gates">Back to the gate desk</Link>
          </Empty>
        ) : (
          <ErrorMessage error={passage.error} title="The passage could not be read" />
        )}
      </>
    );
  }
  const p = passage.data;
  if (!p) return <Loading label="Loading the passage…" />;
  const zone = zoneById(p.zoneId);
  const gate = zone?.gates.find((g) => g.id === p.gateId);
  const mayOverride = p.status === 'HELD' && canOverridePassages(principal);

  return (
    <>
      <PageHeader
        title={
          <>
            Passage at {p.gateCode} <PassageStatusBadge status={p.status} />
          </>
        }
        subtitle={`${zone ? `${zone.code} · ` : ''}${gate?.name ?? ''}${gate ? ' · ' : ''}${formatDateTime(p.at)}`}
        actions={
          <>
            <Link to={`/gates?${new URLSearchParams({ zone: p.zoneId, gate: p.gateId }).toString()}`} className="button">
              Gate desk
            </Link>
            {mayOverride ? (
              <button type="button" className="button button-danger" onClick={() => setOverriding(true)}>
                Override…
              </button>
            ) : null}
          </>
        }
      />

      <div className="grid-2">
        <Section title="Decision" id="decision">
          <Facts
            items={[
              ['Gate', `${p.gateCode}${gate ? ` · ${gate.name}` : ''}`],
              ['Lane', p.lane],
              ['Seen', formatDateTime(p.at)],
              ['Gate decided', p.decision === 'OPEN' ? 'Open' : 'Hold'],
              ['Status', <PassageStatusBadge key="status" status={p.status} />],
              [
                'Declaration',
                p.declarationId ? (
                  <Link to={`/declarations/${p.declarationId}`} className="mono">
                    {p.declarationReference ?? 'Declaration'}
                  </Link>
                ) : null,
              ],
              [
                'Gate pass',
                p.passNumber ? (
                  <>
                    <span className="mono">{p.passNumber}</span> {pass.data ? <Tag tone={pass.data.status === 'CANCELLED' ? 'neutral' : 'info'}>{humanize(pass.data.status)}</Tag> : null}
                  </>
                ) : (
                  'None matched'
                ),
              ],
              ...(p.declarationCompleted ? [['Last goods', 'This truck took the declaration’s last goods through; it is completed'] as [string, string]] : []),
            ]}
          />
          {p.reasons.length > 0 ? (
            <>
              <h3>{p.status === 'OPENED' ? 'Notes' : 'Why the gate held the truck'}</h3>
              <ReasonList reasons={p.reasons} />
            </>
          ) : null}
          {p.status === 'OVERRIDDEN' ? (
            <>
              <h3>Overridden</h3>
              <Facts
                items={[
                  ['When', formatDateTime(p.overriddenAt)],
                  ['Reason', p.overrideReason],
                ]}
              />
            </>
          ) : null}
        </Section>
        <Section title="Evidence" id="evidence">
          <PassageEvidence passage={p} />
          {pass.data ? (
            <p className="muted small">
              The pass allows{' '}
              {pass.data.vehiclePlate ? (
                <>
                  plate <span className="mono">{pass.data.vehiclePlate}</span>
                </>
              ) : (
                'any plate'
              )}
              , valid {formatDateTime(pass.data.validFrom)} to {formatDateTime(pass.data.validTo)}.
            </p>
          ) : null}
        </Section>
      </div>

      {overriding ? (
        <OverrideDialog
          passage={p}
          onClose={() => setOverriding(false)}
          onDone={(done) => {
            setOverriding(false);
            push({ kind: 'success', title: `Gate ${done.gateCode} opened`, body: done.declarationReference ?? undefined });
            passage.reload(true);
          }}
        />
      ) : null}
    </>
  );
}

export default GatePassagePage;
