// The transparency log: what it is for, its latest signed checkpoint and the key that verifies it
// (both to copy or download and keep outside Cordon), the checkpoints signed so far, and the audit
// of the log and the tables against a checkpoint kept earlier. Auditors and administrators sign a
// checkpoint on demand and run the audit; other customs staff read.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, withQuery, type ApiError } from '../api/client.ts';
import type { AuditFieldDifference, AuditInput, AuditReport, Checkpoint, CheckpointList, VerifierKey } from '../api/transparency-types.ts';
import { useSession } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field } from '../components/field.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Facts, Loading, PageHeader, Section, Tag } from '../components/ui.tsx';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { formatCount, formatDateTime, formatShortDateTime } from '../lib/format.ts';
import { canAuditTransparencyLog } from '../lib/rights.ts';
import { saveTextFile } from '../lib/save-file.ts';
import { useResource, type Resource } from '../lib/use-resource.ts';

const HISTORY_PAGE = 20;
/** The server's bounds on what an audit is given (AuditInput). */
const MAX_CHECKPOINT_LENGTH = 4096;
const MAX_VERIFIER_KEY_LENGTH = 512;

const leaves = (count: number) => `${formatCount(count)} ${count === 1 ? 'leaf' : 'leaves'}`;

/**
 * A note as the signature covers it. Text pasted back from a file or a mail often gains Windows
 * line ends or loses its final newline; neither is part of what was signed, so both are restored.
 */
function normalizeNote(text: string): string {
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  return trimmed === '' ? '' : `${trimmed}\n`;
}

/** A value of a record as the audit reports it: text as it is, nothing as a dash, the rest as JSON. */
function showValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Text to keep outside Cordon, read-only, with buttons to copy it and to save it as a file. */
function KeptText({ id, label, value, filename, rows, hint }: { id: string; label: string; value: string; filename: string; rows: number; hint: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = () => {
    navigator.clipboard.writeText(value).then(
      () => setCopied('yes'),
      () => {
        // Without the clipboard (a plain-HTTP address, a refusing browser) the text is selected for Ctrl+C.
        setCopied('no');
        const box = document.getElementById(id);
        if (box instanceof HTMLTextAreaElement) {
          box.focus();
          box.select();
        }
      },
    );
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} className="mono" readOnly rows={rows} value={value} spellCheck={false} aria-describedby={`${id}-hint`} onFocus={(e) => e.target.select()} />
      <div className="field-hint field-hint-full" id={`${id}-hint`}>
        {hint}
      </div>
      <div className="section-footer">
        <button type="button" className="button" aria-label={`Copy the ${label.toLowerCase()}`} onClick={copy}>
          Copy
        </button>
        <button type="button" className="button" aria-label={`Download the ${label.toLowerCase()}`} onClick={() => saveTextFile(filename, value)}>
          Download
        </button>
        <span className="small" aria-live="polite">
          {copied === 'yes' ? <span className="check-ok">✓ Copied to the clipboard</span> : null}
          {copied === 'no' ? <span className="check-bad">The browser did not allow copying: the text is selected, copy it with Ctrl+C.</span> : null}
        </span>
      </div>
    </div>
  );
}

function LatestCheckpoint({ latest }: { latest: Resource<Checkpoint> }) {
  const checkpoint = latest.data;
  return (
    <Section title="Latest checkpoint" id="latest-checkpoint">
      {latest.error ? <ErrorMessage error={latest.error} title="The latest checkpoint could not be read" /> : null}
      {latest.loading && !checkpoint ? <Loading label="Loading the latest checkpoint…" /> : null}
      {checkpoint ? (
        <>
          <Facts
            items={[
              ['Leaves', formatCount(checkpoint.size)],
              ['Root hash', <span className="mono">{checkpoint.rootHash}</span>],
              ['Signed', formatDateTime(checkpoint.createdAt)],
            ]}
          />
          <KeptText
            id="checkpoint-note"
            label="Signed checkpoint"
            value={checkpoint.note}
            filename={`checkpoint-${checkpoint.size}.txt`}
            rows={7}
            hint="Keep this text exactly as it is, outside Cordon. Whoever holds it can later have the log audited against it."
          />
        </>
      ) : null}
    </Section>
  );
}

function VerifierKeySection() {
  const key = useResource<VerifierKey>('/api/v1/transparency/key');
  return (
    <Section title="Verifier key" id="verifier-key">
      {key.error ? <ErrorMessage error={key.error} title="The verifier key could not be read" /> : null}
      {key.loading && !key.data ? <Loading label="Loading the verifier key…" /> : null}
      {key.data ? (
        <>
          <Facts
            items={[
              ['Log', <span className="mono">{key.data.origin}</span>],
              ['Ed25519 public key', <span className="mono">{key.data.publicKey}</span>],
            ]}
          />
          <KeptText
            id="verifier-key-text"
            label="Verifier key"
            value={key.data.vkey}
            filename="verifier-key.txt"
            rows={2}
            hint="Checks the signature of checkpoints and proof bundles: cordon log verify-bundle <file> --vkey <key>. It is also published at /api/v1/transparency/key."
          />
        </>
      ) : null}
    </Section>
  );
}

function CheckpointHistory({ generation }: { generation: number }) {
  // The sizes below which each page after the first starts; the current page's is the last.
  const [befores, setBefores] = useState<Array<number | null>>([null]);
  const beforeSize = befores[befores.length - 1] ?? null;
  // One more than shown, to know whether older checkpoints remain.
  const list = useResource<CheckpointList>(withQuery('/api/v1/transparency/checkpoints', { limit: HISTORY_PAGE + 1, beforeSize }));
  const { reload } = list;
  useEffect(() => {
    if (generation > 0) {
      setBefores([null]);
      reload(true);
    }
  }, [generation, reload]);
  const items = (list.data?.items ?? []).slice(0, HISTORY_PAGE);
  const older = (list.data?.items.length ?? 0) > HISTORY_PAGE;
  const oldest = items[items.length - 1];

  return (
    <Section title="Recent checkpoints" id="checkpoint-history">
      {list.error ? <ErrorMessage error={list.error} title="The checkpoints could not be read" /> : null}
      {list.loading && !list.data ? <Loading label="Loading checkpoints…" /> : null}
      {list.data && items.length === 0 ? <Empty>No checkpoint has been signed yet.</Empty> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-rows" aria-label="Recent checkpoints">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Leaves
                </th>
                <th scope="col">Root hash</th>
                <th scope="col">Signed</th>
              </tr>
            </thead>
            <tbody>
              {items.map((checkpoint) => (
                <tr key={checkpoint.size} data-checkpoint-size={checkpoint.size}>
                  <td className="num">{formatCount(checkpoint.size)}</td>
                  <td className="mono wrap">{checkpoint.rootHash}</td>
                  <td className="nowrap" title={formatDateTime(checkpoint.createdAt)}>
                    {formatShortDateTime(checkpoint.createdAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {befores.length > 1 || older ? (
        <div className="pager">
          <button type="button" className="button" disabled={befores.length === 1} onClick={() => setBefores((b) => b.slice(0, -1))}>
            ‹ Newer
          </button>
          <button
            type="button"
            className="button"
            disabled={!older || !oldest}
            onClick={() => {
              if (oldest) setBefores((b) => [...b, oldest.size]);
            }}
          >
            Older ›
          </button>
        </div>
      ) : null}
    </Section>
  );
}

function AuditResult({ report }: { report: AuditReport }) {
  const ref = useRef<HTMLDivElement>(null);
  // A new result takes focus, so that it is read out and in sight below a long form.
  useEffect(() => {
    ref.current?.focus();
  }, [report]);
  const problem = report.problem;
  if (report.ok || !problem) {
    return (
      <div className="banner" role="status" tabIndex={-1} ref={ref} data-testid="audit-result" data-ok="true">
        <Tag tone="good">✓ Match</Tag>{' '}
        <strong>The log and the records match the checkpoint of {leaves(report.checkpointSize)}.</strong>
        <div className="small">Every leaf is in its place, every record in the tables is as it was logged, and the leaves hash to the signed root.</div>
      </div>
    );
  }
  return (
    <div className="error-box" role="alert" tabIndex={-1} ref={ref} data-testid="audit-result" data-ok="false">
      <strong>The audit found a difference: {problem.message}</strong>
      <span>
        {formatCount(report.leavesChecked)} of the checkpoint’s {leaves(report.checkpointSize)} matched before it.
        {problem.fields.length > 0 ? ' The fields that differ:' : ''}
      </span>
      {problem.fields.length > 0 ? <FieldDifferences fields={problem.fields} /> : null}
    </div>
  );
}

function FieldDifferences({ fields }: { fields: AuditFieldDifference[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-compact" aria-label="Fields that differ">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">In the log</th>
            <th scope="col">In the database</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((difference) => (
            <tr key={difference.field} data-field={difference.field}>
              <th scope="row" className="mono">
                {difference.field}
              </th>
              <td className="mono wrap">{showValue(difference.logged)}</td>
              <td className="mono wrap">{showValue(difference.now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AuditForm() {
  const [checkpoint, setCheckpoint] = useState('');
  const [verifierKey, setVerifierKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [report, setReport] = useState<AuditReport | null>(null);
  const errors = error ? errorsByPath(error.details) : {};

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setReport(null);
    const key = verifierKey.trim();
    const body: AuditInput = { checkpoint: normalizeNote(checkpoint), ...(key ? { verifierKey: key } : {}) };
    try {
      setReport(await api<AuditReport>('/api/v1/transparency/audit', { method: 'POST', body }));
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Audit" id="audit">
      <p className="section-intro">
        Paste a checkpoint kept earlier. The audit checks its signature, then reads the log up to its size: every leaf present and in order, every record in the tables still as
        its leaf logged it, and the leaves hashing to the signed root. It stops at the first difference and names it.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Audit the log">
        {error ? <ErrorSummary error={error} title="The audit did not run" describe={(path) => (path === '/verifierKey' ? 'Verifier key' : 'Checkpoint')} /> : null}
        <div className="form-grid">
          <Field path="/checkpoint" label="Checkpoint you kept" error={errors['/checkpoint']} className="span-all" required>
            <textarea
              className="mono"
              rows={6}
              value={checkpoint}
              maxLength={MAX_CHECKPOINT_LENGTH}
              spellCheck={false}
              placeholder={'origin\nsize\nroot hash\n\n— signature'}
              onChange={(e) => setCheckpoint(e.target.value)}
            />
          </Field>
          <Field
            path="/verifierKey"
            label={
              <>
                Verifier key <span className="optional">(optional)</span>
              </>
            }
            error={errors['/verifierKey']}
            hint="The key you trust to have signed it. Left empty, the administration’s own key is used."
            className="span-all"
          >
            <input className="mono" value={verifierKey} maxLength={MAX_VERIFIER_KEY_LENGTH} spellCheck={false} onChange={(e) => setVerifierKey(e.target.value)} />
          </Field>
        </div>
        <div className="section-footer">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Auditing…' : 'Run the audit'}
          </button>
        </div>
      </form>
      {busy ? <Loading label="Reading the log and the records…" /> : null}
      {report ? <AuditResult report={report} /> : null}
    </Section>
  );
}

export function TransparencyPage() {
  const { principal } = useSession();
  const { push } = useToasts();
  const latest = useResource<Checkpoint>('/api/v1/transparency/checkpoint');
  const [signing, setSigning] = useState(false);
  const [generation, setGeneration] = useState(0);
  const canAudit = canAuditTransparencyLog(principal);
  const { reload } = latest;

  const sign = async () => {
    const before = latest.data?.size ?? null;
    setSigning(true);
    try {
      const signed = await api<Checkpoint>('/api/v1/transparency/checkpoints', { method: 'POST' });
      // The server signs again only when the tree grew; otherwise it answers with the latest.
      push(
        signed.size === before
          ? { kind: 'info', title: 'No new leaves', body: `The latest checkpoint of ${leaves(signed.size)} still holds.` }
          : { kind: 'success', title: `Checkpoint of ${leaves(signed.size)} signed`, body: 'Copy or download it below to keep it.' },
      );
      reload(true);
      setGeneration((g) => g + 1);
    } catch (caught) {
      push({ kind: 'error', title: 'No checkpoint was signed', body: toApiError(caught).message });
    } finally {
      setSigning(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Transparency log"
        subtitle="Signed checkpoints of the records Cordon keeps, and their audit"
        actions={
          canAudit ? (
            <button type="button" className="button button-primary" disabled={signing} onClick={() => void sign()}>
              {signing ? 'Signing…' : 'Sign a checkpoint now'}
            </button>
          ) : null
        }
      />
      <p className="section-intro">
        Every book movement, declaration step, gate decision, alert and inspection outcome is written as a leaf of an append-only Merkle tree, and the tree’s size and root are
        signed in checkpoints. Keep a checkpoint outside Cordon (copy it or download it): an audit against it later proves that no record it covers was rewritten, removed
        or reordered since. Enterprises keep their book’s proof bundle in the same way.
      </p>
      <div className="grid-2">
        <LatestCheckpoint latest={latest} />
        <VerifierKeySection />
      </div>
      {canAudit ? <AuditForm /> : null}
      <CheckpointHistory generation={generation} />
    </>
  );
}

export default TransparencyPage;
