// The forms of an inspection task, each a dialog whose refusal by the server is shown at the field
// concerned: upload a scanner's image (refused with 415 when the content is no image Cordon keeps,
// 413 when too large), the analyst's reading of a scan, a finding on a line with its corrected
// values, a change of the task's kind, and (administrators) the officer the task goes to.
import { useEffect, useState } from 'react';
import { api, ApiError, newIdempotencyKey, withQuery } from '../api/client.ts';
import {
  CORRECTABLE,
  CORRECTION_NAMES,
  FINDING_KIND_NAMES,
  FINDING_KINDS,
  READINGS,
  SCAN_KIND_NAMES,
  SCAN_KINDS,
  TASK_KIND_NAMES,
  TASK_KINDS,
  type CorrectionField,
  type Corrections,
  type FindingInput,
  type FindingKind,
  type Reading,
  type Scan,
  type ScanKind,
  type TaskDetail,
  type TaskKind,
} from '../api/inspection-types.ts';
import type { DeclarationLine, UserAccount } from '../api/types.ts';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field, fieldId } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { fromDateTimeLocal } from '../lib/date-input.ts';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { formatDecimal, formatMoney } from '../lib/format.ts';
import { sendFile } from '../lib/upload.ts';
import { fetchAll } from '../lib/use-resource.ts';
import { useSubmit } from '../lib/use-submit.ts';
import { markOwnAction } from '../live/live.tsx';

/** A refusal found before anything is sent, in the server's own shape. */
const refusal = (message: string, path: string, detail: string) => new ApiError(400, 'VALIDATION_FAILED', message, [{ path, message: detail }]);

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

// --- scans ---------------------------------------------------------------------------------------

const SCAN_FIELD_NAMES: Record<string, string> = {
  '/body': 'Image file',
  '/querystring/kind': 'Kind of scan',
  '/querystring/scannerId': 'Scanner',
  '/querystring/containerNumber': 'Container',
  '/querystring/scannedAt': 'Taken at',
};

export function UploadScanDialog({ task, onClose, onUploaded }: { task: TaskDetail; onClose: () => void; onUploaded: (scan: Scan) => void }) {
  const containers = task.declaration.transport.containers ?? [];
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<ScanKind>('XRAY');
  const [scannerId, setScannerId] = useState('');
  const [containerNumber, setContainerNumber] = useState(containers.length === 1 ? (containers[0] ?? '') : '');
  const [scannedAt, setScannedAt] = useState('');
  // One key per file chosen: sending the same file again is a retry, another file another scan.
  const [key, setKey] = useState(newIdempotencyKey);
  const { busy, error, setError, run } = useSubmit();
  const errors = error ? errorsByPath(error.details) : {};

  const submit = () => {
    if (!file) {
      setError(refusal('Choose the image to upload', '/body', 'is required: the image file the scanner wrote'));
      return;
    }
    void run(async () => {
      markOwnAction(task.id);
      const path = withQuery(`/api/v1/inspections/${task.id}/scans`, {
        kind,
        scannerId: scannerId.trim(),
        containerNumber,
        scannedAt: scannedAt ? fromDateTimeLocal(scannedAt) : '',
      });
      try {
        onUploaded(await sendFile<Scan>(path, { method: 'POST', file, idempotencyKey: key }));
      } catch (caught) {
        const refused = toApiError(caught);
        if (refused.status === 413) {
          throw new ApiError(413, refused.code, `The file is ${formatBytes(file.size)}: too large for the server. ${refused.message}.`, refused.details);
        }
        throw refused;
      }
    });
  };

  return (
    <FormDialog
      open
      wide
      title="Upload a scan"
      description="The image as the scanner wrote it: JPEG, PNG, TIFF or DICOM. Cordon reads the file itself to tell what it is."
      submitLabel="Upload scan"
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title="The scan was not uploaded" describe={(path) => SCAN_FIELD_NAMES[path] ?? path.replace(/^\//, '')} /> : null}
      <div className="form-grid form-grid-2">
        <Field
          path="/body"
          label="Image file"
          error={errors['/body']}
          hint={file ? `${file.name} · ${formatBytes(file.size)}` : 'X-ray or CT image of the goods.'}
          required
          className="span-all"
        >
          <input
            type="file"
            accept="image/png,image/jpeg,image/tiff,application/dicom,.dcm,.tif,.tiff"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setKey(newIdempotencyKey());
              setError(null);
            }}
            autoFocus
          />
        </Field>
        <Field path="/querystring/kind" label="Kind of scan" error={errors['/querystring/kind']} required>
          <select value={kind} onChange={(e) => setKind(e.target.value as ScanKind)}>
            {SCAN_KINDS.map((k) => (
              <option key={k} value={k}>
                {SCAN_KIND_NAMES[k]}
              </option>
            ))}
          </select>
        </Field>
        <Field path="/querystring/scannerId" label="Scanner" error={errors['/querystring/scannerId']} hint="The scanner's own identifier, e.g. QUAY-XR-1." required>
          <input value={scannerId} onChange={(e) => setScannerId(e.target.value)} className="mono" autoComplete="off" spellCheck={false} maxLength={64} />
        </Field>
        {containers.length > 0 ? (
          <Field path="/querystring/containerNumber" label="Container" error={errors['/querystring/containerNumber']} hint="The container the image shows.">
            <select value={containerNumber} onChange={(e) => setContainerNumber(e.target.value)}>
              <option value="">Not one container</option>
              {containers.map((number) => (
                <option key={number} value={number}>
                  {number}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <Field path="/querystring/scannedAt" label="Taken at" error={errors['/querystring/scannedAt']} hint="Leave empty for now.">
          <input type="datetime-local" value={scannedAt} onChange={(e) => setScannedAt(e.target.value)} />
        </Field>
      </div>
    </FormDialog>
  );
}

const READING_TEXT: Record<Reading, string> = {
  CLEAR: 'Clear: the image matches what is declared',
  SUSPECT: 'Suspect: the image shows something the declaration does not explain',
};

export function ReadingDialog({ scan, onClose, onRead }: { scan: Scan; onClose: () => void; onRead: (scan: Scan) => void }) {
  const [reading, setReading] = useState<Reading | ''>('');
  const [note, setNote] = useState('');
  const [key] = useState(newIdempotencyKey);
  const { busy, error, setError, run } = useSubmit();
  const errors = error ? errorsByPath(error.details) : {};
  const readingError = errors['/reading'];

  const submit = () => {
    if (!reading) {
      setError(refusal('Say what the image shows', '/reading', 'choose Clear or Suspect'));
      return;
    }
    void run(async () => {
      if (scan.taskId) markOwnAction(scan.taskId);
      onRead(await api<Scan>(`/api/v1/scans/${scan.id}/reading`, { method: 'POST', body: { reading, note: note.trim() }, idempotencyKey: key }));
    });
  };

  return (
    <FormDialog
      open
      title={`Read the ${SCAN_KIND_NAMES[scan.kind]} image${scan.containerNumber ? ` of ${scan.containerNumber}` : ''}`}
      submitLabel="Record reading"
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title="The reading was not recorded" describe={(path) => (path === '/reading' ? 'Reading' : path === '/note' ? 'What you see' : path)} /> : null}
      <fieldset className={`choice-group${readingError ? ' field-invalid' : ''}`} aria-describedby={readingError ? `${fieldId('/reading')}-error` : undefined}>
        <legend>Reading</legend>
        <div className="choice-list">
          {READINGS.map((value, index) => (
            <label className="check" key={value}>
              <input
                type="radio"
                name="reading"
                id={index === 0 ? fieldId('/reading') : undefined}
                checked={reading === value}
                onChange={() => setReading(value)}
                autoFocus={index === 0}
              />
              {READING_TEXT[value]}
            </label>
          ))}
        </div>
        {readingError ? (
          <div className="field-error" id={`${fieldId('/reading')}-error`}>
            {readingError}
          </div>
        ) : null}
      </fieldset>
      <Field path="/note" label="What you see" error={errors['/note']} hint="Kept with the scan: the densities, shapes or voids that decided the reading." required>
        <textarea rows={3} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      </Field>
    </FormDialog>
  );
}

// --- findings ------------------------------------------------------------------------------------

function declaredValue(line: DeclarationLine, field: CorrectionField): string {
  switch (field) {
    case 'quantity':
      return `${formatDecimal(line.quantity)} ${line.unit}`;
    case 'netMass':
      return `${formatDecimal(line.netMass)} kg`;
    case 'grossMass':
      return `${formatDecimal(line.grossMass)} kg`;
    case 'hsCode':
      return line.hsCode;
    case 'tariffCode':
      return line.tariffCode ?? 'none';
    case 'customsValue':
      return formatMoney(line.customsValue, line.currency);
    case 'originCountry':
      return line.originCountry;
  }
}

const FINDING_FIELD_NAMES: Record<string, string> = { '/lineNo': 'Line', '/kind': 'Kind of finding', '/note': 'What was found' };
const describeFindingPath = (path: string) => {
  const field = /^\/corrections\/(\w+)$/.exec(path)?.[1];
  return field ? `Corrected ${(CORRECTION_NAMES[field as CorrectionField] ?? field).toLowerCase()}` : (FINDING_FIELD_NAMES[path] ?? path.replace(/^\//, ''));
};

export function FindingDialog({ task, lineNo, onClose, onRecorded }: { task: TaskDetail; lineNo: number | null; onClose: () => void; onRecorded: (task: TaskDetail) => void }) {
  const lines = task.declaration.lines;
  const [line, setLine] = useState(String(lineNo ?? lines[0]?.lineNo ?? 1));
  const [kind, setKind] = useState<FindingKind>('QUANTITY');
  const [note, setNote] = useState('');
  const [values, setValues] = useState<Corrections>({});
  const [key] = useState(newIdempotencyKey);
  const { busy, error, run } = useSubmit();
  const errors = error ? errorsByPath(error.details) : {};
  const chosen = lines.find((l) => String(l.lineNo) === line);
  const correctable = CORRECTABLE[kind];

  const submit = () =>
    void run(async () => {
      const corrections: Corrections = {};
      for (const field of correctable) {
        const value = values[field]?.trim();
        if (value) corrections[field] = field === 'originCountry' ? value.toUpperCase() : value;
      }
      const body: FindingInput = { lineNo: Number(line), kind, note: note.trim(), ...(Object.keys(corrections).length > 0 ? { corrections } : {}) };
      markOwnAction(task.id);
      onRecorded(await api<TaskDetail>(`/api/v1/inspections/${task.id}/findings`, { method: 'POST', body, idempotencyKey: key }));
    });

  return (
    <FormDialog
      open
      wide
      title="Record a finding"
      description="What the inspection found on one line. Corrected values go into a new version of the declaration when it is released with corrections."
      submitLabel="Record finding"
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title="The finding was not recorded" describe={describeFindingPath} /> : null}
      <div className="form-grid form-grid-2">
        <Field path="/lineNo" label="Line" error={errors['/lineNo']} required>
          <select value={line} onChange={(e) => setLine(e.target.value)} autoFocus={lineNo === null}>
            {lines.map((l) => (
              <option key={l.lineNo} value={String(l.lineNo)}>
                {l.lineNo}: {l.description}
              </option>
            ))}
          </select>
        </Field>
        <Field path="/kind" label="Kind of finding" error={errors['/kind']} required>
          <select value={kind} onChange={(e) => setKind(e.target.value as FindingKind)} autoFocus={lineNo !== null}>
            {FINDING_KINDS.map((k) => (
              <option key={k} value={k}>
                {FINDING_KIND_NAMES[k]}
              </option>
            ))}
          </select>
        </Field>
        <Field path="/note" label="What was found" error={errors['/note']} required className="span-all">
          <textarea rows={3} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
        </Field>
      </div>
      <fieldset className="plain-fieldset">
        <legend className="field-label">Corrected values</legend>
        {correctable.length === 0 ? (
          <p className="muted small section-intro">A finding of this kind describes what was found; it corrects no value of the line.</p>
        ) : (
          <>
            <p className="muted small section-intro">Fill in only what differs from the declaration.</p>
            <div className="form-grid form-grid-2">
              {correctable.map((field) => (
                <Field
                  key={field}
                  path={`/corrections/${field}`}
                  label={`Corrected ${CORRECTION_NAMES[field].toLowerCase()}`}
                  error={errors[`/corrections/${field}`]}
                  hint={chosen ? `Declared: ${declaredValue(chosen, field)}` : undefined}
                >
                  <input
                    value={values[field] ?? ''}
                    onChange={(e) => setValues((v) => ({ ...v, [field]: e.target.value }))}
                    inputMode={['hsCode', 'tariffCode', 'originCountry'].includes(field) ? 'text' : 'decimal'}
                    className={field === 'originCountry' || field === 'hsCode' || field === 'tariffCode' ? 'mono' : undefined}
                    autoComplete="off"
                    spellCheck={false}
                  />
                </Field>
              ))}
            </div>
          </>
        )}
      </fieldset>
    </FormDialog>
  );
}

// --- the task itself -----------------------------------------------------------------------------

export function KindDialog({ task, onClose, onChanged }: { task: TaskDetail; onClose: () => void; onChanged: (task: TaskDetail) => void }) {
  const [kind, setKind] = useState<TaskKind>(() => TASK_KINDS.find((k) => k !== task.kind) ?? task.kind);
  const [reason, setReason] = useState('');
  const [key] = useState(newIdempotencyKey);
  const { busy, error, run } = useSubmit();
  const errors = error ? errorsByPath(error.details) : {};
  const submit = () =>
    void run(async () => {
      markOwnAction(task.id);
      onChanged(await api<TaskDetail>(`/api/v1/inspections/${task.id}/kind`, { method: 'PUT', body: { kind, reason: reason.trim() }, idempotencyKey: key }));
    });
  return (
    <FormDialog open title="Change the kind of inspection" description={`Now: ${TASK_KIND_NAMES[task.kind]}.`} submitLabel="Change kind" busy={busy} onSubmit={submit} onClose={onClose}>
      {error ? <ErrorSummary error={error} title="The kind was not changed" describe={(path) => (path === '/kind' ? 'Kind' : path === '/reason' ? 'Reason' : path)} /> : null}
      <Field path="/kind" label="Kind" error={errors['/kind']} required>
        <select value={kind} onChange={(e) => setKind(e.target.value as TaskKind)} autoFocus>
          {TASK_KINDS.map((k) => (
            <option key={k} value={k}>
              {TASK_KIND_NAMES[k]}
            </option>
          ))}
        </select>
      </Field>
      <Field path="/reason" label="Reason" error={errors['/reason']} hint="Kept with the task." required>
        <textarea rows={3} value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} />
      </Field>
    </FormDialog>
  );
}

/** Administrators hand a task to a customs officer of its zone. */
export function AssignDialog({ task, onClose, onAssigned }: { task: TaskDetail; onClose: () => void; onAssigned: (task: TaskDetail) => void }) {
  const [officers, setOfficers] = useState<UserAccount[] | null>(null);
  const [assigneeId, setAssigneeId] = useState(task.assignee?.id ?? '');
  const [key] = useState(newIdempotencyKey);
  const { busy, error, setError, run } = useSubmit();
  const errors = error ? errorsByPath(error.details) : {};

  useEffect(() => {
    const controller = new AbortController();
    fetchAll<UserAccount>('/api/v1/users', controller.signal).then(
      (users) => setOfficers(users.filter((u) => u.role === 'customs_officer' && u.active && (u.zoneIds === null || u.zoneIds.includes(task.zoneId)))),
      (caught: unknown) => {
        if (!controller.signal.aborted) setError(toApiError(caught));
      },
    );
    return () => controller.abort();
  }, [task.zoneId, setError]);

  const submit = () => {
    if (!assigneeId) {
      setError(refusal('Say whom to assign the task to', '/assigneeId', 'choose an officer'));
      return;
    }
    void run(async () => {
      markOwnAction(task.id);
      onAssigned(await api<TaskDetail>(`/api/v1/inspections/${task.id}/assignment`, { method: 'POST', body: { assigneeId }, idempotencyKey: key }));
    });
  };

  return (
    <FormDialog open title="Assign the task" description="To a customs officer who works in the zone of the task." submitLabel="Assign" busy={busy} onSubmit={submit} onClose={onClose}>
      {error ? <ErrorSummary error={error} title="The task was not assigned" describe={() => 'Officer'} /> : null}
      <Field path="/assigneeId" label="Officer" error={errors['/assigneeId']} required>
        <select value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)} disabled={officers === null} autoFocus>
          <option value="">{officers === null ? 'Loading the officers…' : 'Choose an officer…'}</option>
          {(officers ?? []).map((officer) => (
            <option key={officer.id} value={officer.id}>
              {officer.displayName} ({officer.username})
            </option>
          ))}
        </select>
      </Field>
    </FormDialog>
  );
}
