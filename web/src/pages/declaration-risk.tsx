// The risk engine's view of one declaration, for those who may read targeting: how its score was
// made (model, rules, enterprise), the features that moved the model most, each assessment after
// an amendment, and what its inspection found — which an officer records here once inspected.
import { useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey } from '../api/client.ts';
import type { DeclarationState, Lane } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, LaneBadge, Loading, Section, Tag } from '../components/ui.tsx';
import { formatDateTime, humanize } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';

type Outcome = 'NOTHING_FOUND' | 'FOUND' | 'CRITICAL';

interface Assessment {
  id: string;
  declarationVersion: number;
  model: { id: string; version: number | null } | null;
  modelProbability: string | null;
  points: { model: string; rules: string; enterprise: string };
  score: string;
  lane: Lane;
  randomSelected: boolean;
  reasons: string[];
  drivers: Array<{ feature: string; words: string; effect: number }>;
  at: string;
}

interface DeclarationRisk {
  assessments: Assessment[];
  inspectionResult: { outcome: Outcome; findings: string | null; recordedBy: string; recordedAt: string } | null;
}

const OUTCOMES: Array<{ value: Outcome; label: string; tone: 'good' | 'warn' | 'bad' }> = [
  { value: 'NOTHING_FOUND', label: 'Nothing found: goods as declared', tone: 'good' },
  { value: 'FOUND', label: 'Found: goods not as declared', tone: 'warn' },
  { value: 'CRITICAL', label: 'Critical: a threat to public safety', tone: 'bad' },
];
const INSPECTED: readonly DeclarationState[] = ['UNDER_INSPECTION', 'RELEASED', 'REJECTED', 'COMPLETED'];

function signed(points: string | number): string {
  const n = Number(points);
  return `${n > 0 ? '+' : n < 0 ? '−' : ''}${Math.abs(n).toFixed(0)}`;
}

export function DeclarationRiskPanel({ declarationId, state, canRecord }: { declarationId: string; state: DeclarationState; canRecord: boolean }) {
  const risk = useResource<DeclarationRisk>(`/api/v1/declarations/${encodeURIComponent(declarationId)}/risk`);
  if (risk.error) return <ErrorMessage error={risk.error} title="The risk assessment could not be read" />;
  if (!risk.data) return <Loading label="Loading the risk assessment…" />;
  const latest = risk.data.assessments.at(-1);
  const result = risk.data.inspectionResult;

  return (
    <Section title="Risk assessment" id="risk">
      {latest ? (
        <>
          <div className="risk-score" data-testid="risk-score">
            <span className="risk-total">
              Score <strong>{Number(latest.score).toFixed(0)}</strong>
            </span>
            <span className="muted">
              = model {signed(latest.points.model)} · rules {signed(latest.points.rules)} · enterprise {signed(latest.points.enterprise)}
            </span>
            <LaneBadge lane={latest.lane} />
            {latest.randomSelected ? <Tag tone="info">Random control</Tag> : null}
          </div>
          <p className="muted small">
            {latest.model ? `Model v${latest.model.version ?? '?'}: ${(Number(latest.modelProbability) * 100).toFixed(1)} % likelihood of a finding.` : 'No model was active.'} Assessed{' '}
            {formatDateTime(latest.at)}
            {risk.data.assessments.length > 1 ? ` (version ${latest.declarationVersion}; ${risk.data.assessments.length} assessments in all)` : ''}.
          </p>
          {latest.drivers.length > 0 ? (
            <>
              <h3>What moved the model</h3>
              <ul className="drivers" aria-label="Model drivers">
                {latest.drivers.map((driver) => (
                  <li key={driver.feature}>
                    <span className={`driver-effect ${driver.effect > 0 ? 'up' : 'down'}`}>{signed(driver.effect)}</span> {driver.words}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : (
        <Empty>Not assessed by the risk engine.</Empty>
      )}
      <h3>Inspection result</h3>
      {result ? (
        <p data-testid="inspection-result">
          <Tag tone={OUTCOMES.find((o) => o.value === result.outcome)?.tone ?? 'neutral'}>{humanize(result.outcome)}</Tag> {result.findings ?? ''}{' '}
          <span className="muted small">recorded {formatDateTime(result.recordedAt)}</span>
        </p>
      ) : canRecord && INSPECTED.includes(state) ? (
        <InspectionResultForm declarationId={declarationId} onRecorded={() => risk.reload(true)} />
      ) : (
        <p className="muted small">{INSPECTED.includes(state) ? 'No result recorded yet.' : 'Recorded once the goods have been inspected.'}</p>
      )}
    </Section>
  );
}

function InspectionResultForm({ declarationId, onRecorded }: { declarationId: string; onRecorded: () => void }) {
  const { push } = useToasts();
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [findings, setFindings] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [key] = useState(newIdempotencyKey);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!outcome) {
      setError(new ApiError(400, 'VALIDATION_FAILED', 'Choose what the inspection found', [{ path: '/outcome', message: 'choose an outcome' }]));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/declarations/${declarationId}/inspection-result`, {
        method: 'POST',
        body: { outcome, ...(findings.trim() ? { findings: findings.trim() } : {}) },
        idempotencyKey: key,
      });
      push({ kind: 'success', title: 'Inspection result recorded', body: 'The next model learns from it.' });
      onRecorded();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'CLIENT', String(caught)));
      setBusy(false);
    }
  };

  const outcomeError = error?.details.find((d) => d.path === '/outcome')?.message;
  return (
    <form className="inspection-form" onSubmit={(e) => void submit(e)} aria-label="Inspection result" noValidate>
      <fieldset>
        <legend>What did the inspection find?</legend>
        {OUTCOMES.map((o) => (
          <label key={o.value} className="check">
            <input type="radio" name="outcome" value={o.value} checked={outcome === o.value} onChange={() => setOutcome(o.value)} /> {o.label}
          </label>
        ))}
        {outcomeError ? (
          <div className="field-error" id="field-outcome-error">
            {outcomeError}
          </div>
        ) : null}
      </fieldset>
      <Field path="/findings" label="Findings" hint="What was found, where, how much">
        <textarea rows={2} maxLength={2000} value={findings} onChange={(e) => setFindings(e.target.value)} />
      </Field>
      {error && !outcomeError ? <ErrorMessage error={error} title="The result was not recorded" /> : null}
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? 'Recording…' : 'Record result'}
      </button>
    </form>
  );
}
