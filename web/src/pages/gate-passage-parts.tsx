// What the gate desk and a passage's own page both show of a passage: its status, why it was held
// in words, what the readers saw against what its gate pass allows, and the override an officer
// gives a held truck with a reason.
import { api } from '../api/client.ts';
import { HOLD_REASON_NAMES, type GatePassage, type PassageStatus } from '../api/gate-types.ts';
import { ReasonDialog } from '../components/reason-dialog.tsx';
import { Tag } from '../components/ui.tsx';
import { compareDecimal, subtractDecimal } from '../lib/decimal.ts';
import { formatDecimal, formatTime, humanize } from '../lib/format.ts';
import { markOwnAction } from '../live/live.tsx';

const STATUS_TONES: Record<PassageStatus, 'bad' | 'good' | 'warn'> = { HELD: 'bad', OPENED: 'good', OVERRIDDEN: 'warn' };

export function PassageStatusBadge({ status }: { status: PassageStatus }) {
  return <Tag tone={STATUS_TONES[status]}>{humanize(status)}</Tag>;
}

export function reasonName(code: string): string {
  return HOLD_REASON_NAMES[code] ?? humanize(code);
}

/** The reasons in words, each once (two seals amiss are one reason to the desk). */
export function reasonNames(reasons: GatePassage['reasons']): string[] {
  return [...new Set(reasons.map((reason) => reasonName(reason.code)))];
}

/** Each reason as the desk names it, with the gate's own account of it when it says more. */
export function ReasonList({ reasons, label = 'Reasons for the hold' }: { reasons: GatePassage['reasons']; label?: string }) {
  if (reasons.length === 0) return null;
  return (
    <ul className="reasons hold-reasons" aria-label={label}>
      {reasons.map((reason) => (
        <li key={`${reason.code}:${reason.message}`} data-code={reason.code}>
          <strong>{reasonName(reason.code)}</strong>
          {reason.message && reason.message !== reasonName(reason.code) ? <span className="muted">: {reason.message}</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** A reader's confidence (0 to 1) as a percentage. */
export function formatConfidence(confidence: number): string {
  return `${Math.round(confidence * 100)} %`;
}

function Mark({ ok, children }: { ok: boolean; children: string }) {
  return <span className={ok ? 'check-ok' : 'check-bad'}>{ok ? `✓ ${children}` : `✗ ${children}`}</span>;
}

const normalized = (value: string) => value.replace(/[\s-]/g, '').toUpperCase();

/**
 * What the gate's readers saw, beside what the matched pass allowed: the plate and each container
 * with the reader's confidence, the seals, and the weighbridge against the pass's expected weight.
 */
export function PassageEvidence({ passage }: { passage: GatePassage }) {
  const { evidence, expected } = passage;
  const codes = new Set(passage.reasons.map((r) => r.code));
  const passContainers = new Set((expected?.containers ?? []).map(normalized));
  const readContainers = new Set(evidence.containers.map((c) => normalized(c.number)));
  const unseen = (expected?.containers ?? []).filter((number) => !readContainers.has(normalized(number)));
  const readSeals = evidence.seals ?? [];
  const passSeals = new Set((expected?.seals ?? []).map(normalized));
  const missingSeals = evidence.seals === null ? [] : (expected?.seals ?? []).filter((seal) => !readSeals.some((read) => normalized(read) === normalized(seal)));

  const weight = () => {
    if (evidence.weightKg === null) return <span className="muted">Not weighed</span>;
    const read = `${formatDecimal(evidence.weightKg)} kg`;
    if (!expected) return read;
    const difference = subtractDecimal(evidence.weightKg, expected.expectedGrossKg);
    const over = !difference.startsWith('-');
    const amount = formatDecimal(difference.replace('-', ''));
    const gap = compareDecimal(difference, '0') === 0 ? 'exactly as expected' : `${amount} kg ${over ? 'over' : 'under'}`;
    return (
      <>
        {read}{' '}
        <span className="muted">
          (pass {formatDecimal(expected.expectedGrossKg)} kg ± {formatDecimal(expected.toleranceKg)} kg; {gap})
        </span>{' '}
        {codes.has('WEIGHT_OUT_OF_TOLERANCE') ? <Mark ok={false}>outside tolerance</Mark> : <Mark ok>within tolerance</Mark>}
      </>
    );
  };

  return (
    <dl className="facts evidence" aria-label="Evidence">
      <div>
        <dt>Plate read</dt>
        <dd>
          {evidence.plate ? (
            <>
              <span className="mono">{evidence.plate.value}</span> <span className="muted">({formatConfidence(evidence.plate.confidence)} sure)</span>
              {expected?.vehiclePlate ? (
                <>
                  {' '}
                  {normalized(expected.vehiclePlate) === normalized(evidence.plate.value) ? (
                    <Mark ok>on the pass</Mark>
                  ) : (
                    <Mark ok={false}>{`pass says ${expected.vehiclePlate}`}</Mark>
                  )}
                </>
              ) : null}
            </>
          ) : (
            <span className="muted">Not read</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Containers read</dt>
        <dd>
          {evidence.containers.length === 0 && unseen.length === 0 ? <span className="muted">None</span> : null}
          {evidence.containers.length > 0 || unseen.length > 0 ? (
            <ul className="plain-list evidence-list">
              {evidence.containers.map((container) => (
                <li key={container.number}>
                  <span className="mono">{container.number}</span> <span className="muted">({formatConfidence(container.confidence)} sure)</span>{' '}
                  {expected ? passContainers.has(normalized(container.number)) ? <Mark ok>on the pass</Mark> : <Mark ok={false}>not on the pass</Mark> : null}
                </li>
              ))}
              {unseen.map((number) => (
                <li key={`unseen-${number}`}>
                  <span className="mono">{number}</span> <Mark ok={false}>on the pass, not seen</Mark>
                </li>
              ))}
            </ul>
          ) : null}
        </dd>
      </div>
      <div>
        <dt>Seals read</dt>
        <dd>
          {evidence.seals === null ? <span className="muted">No seal reader in this lane</span> : null}
          {evidence.seals !== null && readSeals.length === 0 && missingSeals.length === 0 ? <span className="muted">None</span> : null}
          {readSeals.map((seal) => (
            <span key={seal} className="evidence-item">
              <span className="mono">{seal}</span> {expected ? passSeals.has(normalized(seal)) ? <Mark ok>on the pass</Mark> : <Mark ok={false}>not on the pass</Mark> : null}
            </span>
          ))}
          {missingSeals.map((seal) => (
            <span key={`missing-${seal}`} className="evidence-item">
              <span className="mono">{seal}</span> <Mark ok={false}>on the pass, not read</Mark>
            </span>
          ))}
        </dd>
      </div>
      <div>
        <dt>Weight</dt>
        <dd>{weight()}</dd>
      </div>
    </dl>
  );
}

/** One line naming the passage for a dialog or a card: gate, lane and time. */
export function passageTitle(passage: GatePassage): string {
  return `${passage.gateCode}${passage.lane ? ` lane ${passage.lane}` : ''} at ${formatTime(passage.at)}`;
}

/** Lets a held truck through, with the reason kept on the passage. */
export function OverrideDialog({ passage, onClose, onDone }: { passage: GatePassage; onClose: () => void; onDone: (passage: GatePassage) => void }) {
  return (
    <ReasonDialog
      title={`Let the truck through: ${passageTitle(passage)}`}
      description={
        <>
          {passage.reasons.length > 0 ? `Held for: ${reasonNames(passage.reasons).join('; ').toLowerCase()}. ` : ''}The gate opens for this truck, and
          your reason is kept with the passage.
        </>
      }
      submitLabel="Override and open"
      refusedTitle="The gate was not opened"
      hint="What you checked, e.g. “Seal number misread; checked by hand”."
      maxLength={1000}
      send={(reason, idempotencyKey) => {
        markOwnAction(passage.id);
        return api<GatePassage>(`/api/v1/gate-passages/${passage.id}/override`, { method: 'POST', body: { reason }, idempotencyKey });
      }}
      onDone={onDone}
      onClose={onClose}
    />
  );
}
