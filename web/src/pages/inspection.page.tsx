// One inspection task, where it is worked: the declaration it inspects (summary and lines), who has
// it, its kind and start; the scanner images with the analyst's reading; findings per line with
// corrected values; and the outcome that releases (as declared or with corrections), seizes or
// rejects. Only what the user's role and the task's state allow is offered; the page follows live
// events of the task and of its declaration.
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, download, fetchBlob, isAbort, newIdempotencyKey } from '../api/client.ts';
import {
  CORRECTION_FIELDS,
  CORRECTION_NAMES,
  FINDING_KIND_NAMES,
  LABEL_NAMES,
  OUTCOME_NAMES,
  OUTCOMES,
  SCAN_KIND_NAMES,
  TASK_KIND_NAMES,
  type Finding,
  type Outcome,
  type Scan,
  type TaskDetail,
} from '../api/inspection-types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Facts, LaneBadge, Loading, PageHeader, Section, StateBadge } from '../components/ui.tsx';
import { toApiError } from '../lib/form-errors.ts';
import { formatDateTime, formatDecimal, formatMoney, humanize } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';
import { markOwnAction, useLiveEvents, useThrottled } from '../live/live.tsx';
import { AssignDialog, FindingDialog, formatBytes, KindDialog, ReadingDialog, UploadScanDialog } from './inspection-dialogs.tsx';
import { OutcomeBadge, ReadingBadge, TaskStatusBadge, taskAge, taskRights } from './inspection-parts.tsx';

const OUTCOME_TEXT: Record<Outcome, string> = {
  RELEASE_AS_DECLARED: 'The declaration is released as declared; the risk engine learns that nothing was found.',
  RELEASE_WITH_CORRECTIONS:
    'The findings’ corrected values make a new version of the declaration, billed again where duties apply; it is released (once any new duties are paid).',
  SEIZE: 'The goods are seized and the declaration is rejected; the risk engine learns of a critical finding.',
  REJECT: 'The declaration is rejected; the trader sees the reason.',
};

/** "image/png" → "PNG", "application/dicom" → "DICOM". */
const imageFormat = (type: string) => (type.split('/')[1] ?? type).toUpperCase();

/** Browsers draw these; TIFF and DICOM images are downloaded for a viewer that reads them. */
const DRAWN_TYPES = ['image/png', 'image/jpeg'];

function ScanImage({ scan }: { scan: Scan }) {
  const drawn = DRAWN_TYPES.includes(scan.image.type);
  const [url, setUrl] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const description = `${SCAN_KIND_NAMES[scan.kind]} image${scan.containerNumber ? ` of container ${scan.containerNumber}` : ''}, taken ${formatDateTime(scan.scannedAt)}`;

  useEffect(() => {
    if (!drawn) return;
    const controller = new AbortController();
    let objectUrl: string | null = null;
    // The image is behind the bearer token, which an <img> cannot send: fetched, then shown from memory.
    fetchBlob(scan.image.url, controller.signal).then(
      (blob) => {
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      (caught: unknown) => {
        if (!isAbort(caught)) setProblem(toApiError(caught).message);
      },
    );
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [scan.image.url, drawn]);

  const save = (
    <button type="button" className="link-button" onClick={() => void download(scan.image.url, `scan-${scan.id}`)}>
      Download the image
    </button>
  );
  if (!drawn || problem) {
    return (
      <div className="scan-image scan-image-none">
        <span>{problem ?? `${imageFormat(scan.image.type)} images are not drawn in the browser.`}</span>
        {save}
      </div>
    );
  }
  if (!url) return <div className="scan-image scan-image-none">Loading the image…</div>;
  return (
    <a href={url} target="_blank" rel="noreferrer" className="scan-image" title="Open the image at full size">
      <img src={url} alt={description} onError={() => setProblem('The browser cannot draw this image.')} />
    </a>
  );
}

function ScanCard({ scan, canRead, onRead }: { scan: Scan; canRead: boolean; onRead: (scan: Scan) => void }) {
  const headingId = `scan-${scan.id}`;
  return (
    <article className="scan-card" aria-labelledby={headingId} data-scan-id={scan.id}>
      <ScanImage scan={scan} />
      <div className="scan-facts">
        <h3 id={headingId}>
          {SCAN_KIND_NAMES[scan.kind]}
          {scan.containerNumber ? <span className="mono"> · {scan.containerNumber}</span> : null}
        </h3>
        <Facts
          items={[
            ['Scanner', <span className="mono">{scan.scannerId}</span>],
            ['Taken', formatDateTime(scan.scannedAt)],
            ['File', `${imageFormat(scan.image.type)} · ${formatBytes(scan.image.size)}`],
            // A scan uploaded before any declaration named its container joined the task later.
            ...(scan.attachedAt && scan.attachedAt !== scan.recordedAt
              ? ([['Uploaded before the declaration', `${formatDateTime(scan.recordedAt)}, joined the task ${formatDateTime(scan.attachedAt)}`]] as Array<[string, string]>)
              : []),
          ]}
        />
        <div className="scan-reading" data-testid="scan-reading">
          {scan.reading ? (
            <>
              <ReadingBadge reading={scan.reading.reading} />
              <span className="muted small">
                {scan.reading.readBy?.name ?? 'An officer'} · {formatDateTime(scan.reading.readAt)}
              </span>
              {scan.reading.note ? <p className="timeline-reason">{scan.reading.note}</p> : null}
            </>
          ) : (
            <>
              <span className="muted">Not read yet.</span>
              {canRead ? (
                <button type="button" className="button button-small" onClick={() => onRead(scan)} aria-label={`Record the reading of the ${SCAN_KIND_NAMES[scan.kind]} image${scan.containerNumber ? ` of ${scan.containerNumber}` : ''}`}>
                  Record the reading
                </button>
              ) : null}
            </>
          )}
        </div>
      </div>
    </article>
  );
}

function correctionText(finding: Finding): string {
  return CORRECTION_FIELDS.filter((field) => finding.corrections[field] !== undefined)
    .map((field) => `${CORRECTION_NAMES[field]} ${['hsCode', 'tariffCode', 'originCountry'].includes(field) ? finding.corrections[field] : formatDecimal(finding.corrections[field])}`)
    .join('; ');
}

type Dialog = { kind: 'upload' } | { kind: 'reading'; scan: Scan } | { kind: 'finding'; lineNo: number | null } | { kind: 'change-kind' } | { kind: 'assign' };

export function InspectionPage() {
  const { id = '' } = useParams();
  const { principal } = useSession();
  const { zoneById } = useDirectory();
  const { push } = useToasts();
  const resource = useResource<TaskDetail>(`/api/v1/inspections/${encodeURIComponent(id)}`);
  const { reload } = resource;
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [acting, setActing] = useState(false);

  const refresh = useThrottled(() => reload(true), 500);
  useLiveEvents((event) => {
    const task = resource.data;
    if (event === null || event.aggregateId === id || (task && (event.aggregateId === task.declarationId || event.data.declarationId === task.declarationId))) refresh();
  });

  if (resource.error) {
    const missing = resource.error.status === 404 || resource.error.status === 400;
    return (
      <>
        <PageHeader title="Inspection" />
        {missing ? (
          <Empty>
            <strong>Inspection task not found.</strong> It does not exist, or it is in a zone you do not work in. <Link to="/inspections">Back to the queue</Link>
          </Empty>
        ) : (
          <ErrorMessage error={resource.error} title="The inspection task could not be read" />
        )}
      </>
    );
  }
  const task = resource.data;
  if (!task) return <Loading label="Loading the inspection task…" />;

  const rights = taskRights(principal, task);
  const d = task.declaration;
  const zone = zoneById(task.zoneId);
  const done = (title: string) => {
    push({ kind: 'success', title: `${task.declarationReference}: ${title}` });
    setDialog(null);
    reload(true);
  };

  const act = async (what: 'take' | 'start') => {
    setActing(true);
    try {
      markOwnAction(task.id);
      markOwnAction(task.declarationId);
      if (what === 'take') await api(`/api/v1/inspections/${task.id}/assignment`, { method: 'POST', body: {}, idempotencyKey: newIdempotencyKey() });
      else await api(`/api/v1/inspections/${task.id}/start`, { method: 'POST', idempotencyKey: newIdempotencyKey() });
      done(what === 'take' ? 'the task is yours' : 'inspection started');
    } catch (caught) {
      push({ kind: 'error', title: what === 'take' ? 'The task was not taken' : 'The inspection was not started', body: toApiError(caught).message });
    } finally {
      setActing(false);
    }
  };

  const decide = (outcome: Outcome) => {
    const key = newIdempotencyKey();
    setConfirm({
      title: `${OUTCOME_NAMES[outcome]}: ${task.declarationReference}`,
      description: OUTCOME_TEXT[outcome],
      confirmLabel: OUTCOME_NAMES[outcome],
      danger: outcome === 'SEIZE' || outcome === 'REJECT',
      reasonRequired: true,
      reasonLabel: 'Reason, kept in the declaration’s history',
      onConfirm: async (reason) => {
        markOwnAction(task.id);
        markOwnAction(task.declarationId);
        const decided = await api<TaskDetail>(`/api/v1/inspections/${task.id}/outcome`, { method: 'POST', body: { outcome, reason }, idempotencyKey: key });
        push({
          kind: outcome === 'SEIZE' || outcome === 'REJECT' ? 'info' : 'success',
          title: `${task.declarationReference}: ${OUTCOME_NAMES[outcome].toLowerCase()}`,
          body: decided.releaseWaitingFor ? `Released once settled: ${decided.releaseWaitingFor}` : `Declaration ${humanize(decided.declaration.state).toLowerCase()}`,
        });
        reload(true);
      },
    });
  };

  const findingsByLine = new Map<number, number>();
  for (const finding of task.findings) findingsByLine.set(finding.lineNo, (findingsByLine.get(finding.lineNo) ?? 0) + 1);
  const corrects = task.findings.some((finding) => Object.keys(finding.corrections).length > 0);
  const needsReading = task.kind === 'NON_INTRUSIVE_SCAN' && !task.scans.some((scan) => scan.reading !== null);
  const t = d.transport;

  const headerActions = [
    rights.take ? (
      <button key="take" type="button" className="button button-primary" disabled={acting} onClick={() => void act('take')}>
        {task.assignee ? 'Take over' : 'Take'}
      </button>
    ) : null,
    rights.assign ? (
      <button key="assign" type="button" className="button" onClick={() => setDialog({ kind: 'assign' })}>
        Assign…
      </button>
    ) : null,
    rights.work ? (
      <button key="kind" type="button" className="button" onClick={() => setDialog({ kind: 'change-kind' })}>
        Change kind…
      </button>
    ) : null,
    rights.start ? (
      <button key="start" type="button" className="button button-primary" disabled={acting} onClick={() => void act('start')}>
        Start inspection
      </button>
    ) : null,
  ].filter(Boolean);

  return (
    <>
      <PageHeader
        title={
          <>
            Inspection <span className="mono">{task.declarationReference}</span> {task.outcome ? <OutcomeBadge outcome={task.outcome} /> : <TaskStatusBadge status={task.status} />}{' '}
            <LaneBadge lane={task.lane} />
          </>
        }
        subtitle={`${TASK_KIND_NAMES[task.kind]} · ${task.enterpriseName}${zone ? ` · ${zone.code} ${zone.name}` : ''}`}
        actions={
          headerActions.length > 0 ? (
            <div className="action-bar" role="group" aria-label="Actions">
              {headerActions}
            </div>
          ) : null
        }
      />
      {rights.heldByAnother ? (
        <div className="notice" role="note">
          {task.assignee?.name ?? 'Another officer'} has this task. Take it over to work on it.
        </div>
      ) : null}
      {task.status === 'CANCELLED' ? (
        <div className="notice" role="note">
          Cancelled {formatDateTime(task.cancelledAt)}: {task.cancelReason ?? 'no reason given'}.
        </div>
      ) : null}
      {task.releaseWaitingFor ? (
        <div className="banner" role="status">
          Released once settled: {task.releaseWaitingFor}.
        </div>
      ) : null}

      <div className="grid-2">
        <Section title="Task" id="task">
          <Facts
            items={[
              ['Kind', TASK_KIND_NAMES[task.kind]],
              ['Opened by', task.origin === 'OFFICER' ? 'An officer' : task.lane ? `The ${task.lane} lane` : 'The lane'],
              // A lane's reasons are the declaration's; an officer's task says its own.
              ...(task.reason ? ([['Why', task.reason]] as Array<[string, string]>) : []),
              ['Opened', formatDateTime(task.openedAt)],
              ['Age', taskAge(task)],
              ['Assignee', task.assignee ? (task.assignee.id === principal.id ? 'You' : (task.assignee.name ?? 'An officer')) : 'Nobody yet'],
              ['Started', formatDateTime(task.startedAt)],
              ['Status', <TaskStatusBadge status={task.status} />],
            ]}
          />
        </Section>
        <Section
          title="Declaration"
          id="declaration"
          actions={
            <Link to={`/declarations/${d.id}`} className="button button-small">
              Open the declaration
            </Link>
          }
        >
          <Facts
            items={[
              ['Reference', <span className="mono">{d.reference}</span>],
              ['Type', humanize(d.type)],
              ['State', <StateBadge state={d.state} />],
              ['Version', d.version === task.declarationVersion ? String(d.version) : `${d.version} (inspected as version ${task.declarationVersion})`],
              ['Enterprise', d.enterpriseName],
              ['Total value', formatMoney(d.totalValue, d.currency)],
              ['Gross mass', `${formatDecimal(d.totalGrossMass)} kg`],
              ['Transport', humanize(t.mode)],
              ['Vehicle plate', t.vehiclePlate],
              ['Containers', t.containers?.length ? <span className="mono">{t.containers.join(', ')}</span> : null],
              ['Seals', t.seals?.length ? <span className="mono">{t.seals.join(', ')}</span> : null],
            ]}
          />
        </Section>
      </div>

      <Section
        title={`Lines (${d.lines.length})`}
        id="lines"
        actions={
          rights.decide ? (
            <button type="button" className="button" onClick={() => setDialog({ kind: 'finding', lineNo: null })}>
              Record a finding
            </button>
          ) : null
        }
      >
        <div className="table-wrap">
          <table className="table table-rows" aria-label="Lines of the declaration">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">HS</th>
                <th scope="col">Description</th>
                <th scope="col">Origin</th>
                <th scope="col" className="num">
                  Quantity
                </th>
                <th scope="col" className="num hide-narrow">
                  Net kg
                </th>
                <th scope="col" className="num">
                  Gross kg
                </th>
                <th scope="col" className="num">
                  Customs value
                </th>
                <th scope="col">Findings</th>
              </tr>
            </thead>
            <tbody>
              {d.lines.map((line) => (
                <tr key={line.lineNo} data-line-no={line.lineNo}>
                  <td className="num">{line.lineNo}</td>
                  <td className="mono" title={line.tariffCode ? `Tariff line ${line.tariffCode}` : undefined}>
                    {line.hsCode}
                  </td>
                  <td className="wrap">{line.description}</td>
                  <td>{line.originCountry}</td>
                  <td className="num nowrap">
                    {formatDecimal(line.quantity)} {line.unit}
                  </td>
                  <td className="num hide-narrow">{formatDecimal(line.netMass)}</td>
                  <td className="num">{formatDecimal(line.grossMass)}</td>
                  <td className="num nowrap">{formatMoney(line.customsValue, line.currency)}</td>
                  <td className="nowrap">
                    {findingsByLine.get(line.lineNo) ? <span>{findingsByLine.get(line.lineNo)} </span> : <span className="muted">— </span>}
                    {rights.decide ? (
                      <button type="button" className="button button-small" aria-label={`Record a finding on line ${line.lineNo}`} onClick={() => setDialog({ kind: 'finding', lineNo: line.lineNo })}>
                        Finding…
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>

      <Section
        title={`Scans (${task.scans.length})`}
        id="scans"
        actions={
          rights.work ? (
            <button type="button" className="button" onClick={() => setDialog({ kind: 'upload' })}>
              Upload a scan
            </button>
          ) : null
        }
      >
        {needsReading && task.status !== 'CANCELLED' && task.status !== 'COMPLETED' ? (
          <p className="muted small section-intro">A non-intrusive scan is decided on a read image: upload the scan and record its reading.</p>
        ) : null}
        {task.scans.length === 0 ? <Empty>No scan yet.</Empty> : null}
        <div className="scan-list">
          {task.scans.map((scan) => (
            <ScanCard key={scan.id} scan={scan} canRead={rights.read} onRead={(s) => setDialog({ kind: 'reading', scan: s })} />
          ))}
        </div>
      </Section>

      <Section title={`Findings (${task.findings.length})`} id="findings">
        {task.findings.length === 0 ? (
          <Empty>{task.status === 'OPEN' ? 'Findings are recorded once the inspection is started.' : 'Nothing found so far.'}</Empty>
        ) : (
          <div className="table-wrap">
            <table className="table table-rows" aria-label="Findings">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Line
                  </th>
                  <th scope="col">Finding</th>
                  <th scope="col">Corrected values</th>
                  <th scope="col">Recorded</th>
                </tr>
              </thead>
              <tbody>
                {task.findings.map((finding) => (
                  <tr key={finding.id} data-finding-id={finding.id}>
                    <td className="num">{finding.lineNo}</td>
                    <td className="wrap">
                      <strong>{FINDING_KIND_NAMES[finding.kind]}</strong> {finding.note}
                    </td>
                    <td className="wrap">{correctionText(finding) || <span className="muted">none</span>}</td>
                    <td className="nowrap">
                      {finding.recordedBy?.name ?? 'An officer'}
                      <div className="muted small">{formatDateTime(finding.recordedAt)}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section title="Outcome" id="outcome">
        {task.outcome ? (
          <Facts
            items={[
              ['Outcome', <OutcomeBadge outcome={task.outcome} />],
              ['Reason', task.outcomeReason],
              ['For the risk engine', task.label ? LABEL_NAMES[task.label] : null],
              ['Decided by', task.decidedBy?.name ?? null],
              ['Decided', formatDateTime(task.decidedAt)],
              ['Declaration now', <StateBadge state={d.state} />],
            ]}
          />
        ) : rights.decide ? (
          <>
            <p className="muted small section-intro">
              {corrects ? 'Findings correct the declaration: release it with corrections, or seize or reject it.' : 'Decide the declaration once the inspection has found what it will.'}
            </p>
            <div className="action-bar" role="group" aria-label="Outcome">
              {OUTCOMES.map((outcome) => (
                <button
                  key={outcome}
                  type="button"
                  className={`button ${outcome === 'SEIZE' || outcome === 'REJECT' ? 'button-danger-quiet' : (outcome === 'RELEASE_WITH_CORRECTIONS') === corrects ? 'button-primary' : ''}`}
                  onClick={() => decide(outcome)}
                >
                  {OUTCOME_NAMES[outcome]}…
                </button>
              ))}
            </div>
          </>
        ) : (
          <p className="muted">
            {task.status === 'CANCELLED'
              ? 'The task was cancelled without an outcome.'
              : task.status === 'OPEN'
                ? 'Decided once the inspection is started.'
                : 'Not decided yet.'}
          </p>
        )}
      </Section>

      {dialog?.kind === 'upload' ? <UploadScanDialog task={task} onClose={() => setDialog(null)} onUploaded={() => done('scan uploaded')} /> : null}
      {dialog?.kind === 'reading' ? <ReadingDialog scan={dialog.scan} onClose={() => setDialog(null)} onRead={(scan) => done(`reading recorded: ${scan.reading?.reading === 'SUSPECT' ? 'suspect' : 'clear'}`)} /> : null}
      {dialog?.kind === 'finding' ? <FindingDialog task={task} lineNo={dialog.lineNo} onClose={() => setDialog(null)} onRecorded={() => done('finding recorded')} /> : null}
      {dialog?.kind === 'change-kind' ? <KindDialog task={task} onClose={() => setDialog(null)} onChanged={(changed) => done(`now a ${TASK_KIND_NAMES[changed.kind].toLowerCase()}`)} /> : null}
      {dialog?.kind === 'assign' ? <AssignDialog task={task} onClose={() => setDialog(null)} onAssigned={(assigned) => done(`assigned to ${assigned.assignee?.name ?? 'the officer'}`)} /> : null}
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </>
  );
}

export default InspectionPage;
