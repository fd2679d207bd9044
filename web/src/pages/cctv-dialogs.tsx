// The forms of the CCTV page, each a dialog whose refusal by the server is shown at the field
// concerned: a camera registered or changed with the area it watches (a gate or a warehouse's book
// of its zone, or the yard), a customs hold on a camera's snapshots of a period, and the coverage
// policy (intervals by area and by class of goods, retention).
import { useEffect, useState } from 'react';
import { api, newIdempotencyKey, withQuery } from '../api/client.ts';
import { SEVERITIES, type Severity } from '../api/alert-types.ts';
import { AREA_KIND_NAMES, AREA_KINDS, type AreaKind, type Camera, type CameraFields, type CoveragePolicy, type Hold } from '../api/cctv-types.ts';
import type { Book, Zone } from '../api/types.ts';
import { useDirectory } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field, fieldId } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { fromDateTimeLocal, toDateTimeLocal } from '../lib/date-input.ts';
import { errorsByPath } from '../lib/form-errors.ts';
import { humanize } from '../lib/format.ts';
import { fetchAll } from '../lib/use-resource.ts';
import { useSubmit } from '../lib/use-submit.ts';

/** A number as typed, or the text itself when it is none, so that the server names the field. */
const numberOrText = (text: string): number | string => (/^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : text.trim());

// --- cameras -------------------------------------------------------------------------------------

const CAMERA_FIELD_NAMES: Record<string, string> = {
  '/zoneId': 'Zone',
  '/code': 'Code',
  '/name': 'Name',
  '/areaKind': 'Area watched',
  '/gateId': 'Gate',
  '/bookId': 'Account book',
  '/latitude': 'Latitude',
  '/longitude': 'Longitude',
  '/active': 'Active',
};

/** The account books of a zone, for a warehouse camera; `keep` stays listed even when closed. */
function useZoneBooks(zoneId: string, keep: string | null): Book[] | null {
  const [books, setBooks] = useState<Book[] | null>(null);
  useEffect(() => {
    if (!zoneId) return;
    const controller = new AbortController();
    setBooks(null);
    fetchAll<Book>(withQuery('/api/v1/books', { zoneId }), controller.signal).then(
      (all) => setBooks(all.filter((book) => book.active || book.id === keep)),
      () => {
        if (!controller.signal.aborted) setBooks([]);
      },
    );
    return () => controller.abort();
  }, [zoneId, keep]);
  return books;
}

export function CameraDialog({ camera, zones, onClose, onSaved }: { camera: Camera | null; zones: Zone[]; onClose: () => void; onSaved: (camera: Camera) => void }) {
  const { enterpriseById } = useDirectory();
  const activeZones = zones.filter((zone) => zone.active || zone.id === camera?.zoneId);
  const [zoneId, setZoneId] = useState(camera?.zoneId ?? (activeZones.length === 1 ? (activeZones[0]?.id ?? '') : ''));
  const [code, setCode] = useState(camera?.code ?? '');
  const [name, setName] = useState(camera?.name ?? '');
  const [areaKind, setAreaKind] = useState<AreaKind>(camera?.areaKind ?? 'GATE');
  const [gateId, setGateId] = useState(camera?.gateId ?? '');
  const [bookId, setBookId] = useState(camera?.bookId ?? '');
  const [latitude, setLatitude] = useState(camera ? String(camera.latitude) : '');
  const [longitude, setLongitude] = useState(camera ? String(camera.longitude) : '');
  const [active, setActive] = useState(camera?.active ?? true);
  const [key] = useState(newIdempotencyKey);
  const { busy, error, run } = useSubmit();
  const errors = error ? errorsByPath(error.details) : {};
  const zone = zones.find((z) => z.id === zoneId);
  const gates = (zone?.gates ?? []).filter((gate) => gate.active || gate.id === camera?.gateId);
  const books = useZoneBooks(areaKind === 'WAREHOUSE' ? zoneId : '', camera?.bookId ?? null);

  const chooseGate = (id: string) => {
    setGateId(id);
    // A gate's camera usually stands at the gate: its position is a good start.
    const gate = gates.find((g) => g.id === id);
    if (gate && latitude === '' && longitude === '') {
      setLatitude(String(gate.latitude));
      setLongitude(String(gate.longitude));
    }
  };

  const submit = () =>
    void run(async () => {
      const fields: CameraFields = {
        code: code.trim().toUpperCase(),
        name: name.trim(),
        latitude: numberOrText(latitude),
        longitude: numberOrText(longitude),
        areaKind,
        gateId: areaKind === 'GATE' ? gateId || null : null,
        bookId: areaKind === 'WAREHOUSE' ? bookId || null : null,
      };
      const saved = camera
        ? await api<Camera>(`/api/v1/cameras/${camera.id}`, { method: 'PUT', body: { ...fields, active }, idempotencyKey: key })
        : await api<Camera>('/api/v1/cameras', { method: 'POST', body: { zoneId, ...fields }, idempotencyKey: key });
      onSaved(saved);
    });

  return (
    <FormDialog
      open
      wide
      title={camera ? `Change camera ${camera.code}` : 'Register a camera'}
      description="A camera watches one area of its zone: a gate, the warehouse of an account book, or the yard. Its snapshots prove that area was seen."
      submitLabel={camera ? 'Save camera' : 'Register camera'}
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title={camera ? 'The camera was not changed' : 'The camera was not registered'} describe={(path) => CAMERA_FIELD_NAMES[path] ?? path.replace(/^\//, '')} /> : null}
      <div className="form-grid form-grid-2">
        {camera ? null : (
          <Field path="/zoneId" label="Zone" error={errors['/zoneId']} required>
            <select value={zoneId} onChange={(e) => setZoneId(e.target.value)} autoFocus>
              <option value="">Choose the zone…</option>
              {activeZones.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.code} · {z.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field path="/code" label="Code" error={errors['/code']} hint="Upper-case letters, digits, “-” or “_”; unique in the zone, e.g. CAM-G1-02." required>
          <input value={code} onChange={(e) => setCode(e.target.value)} className="mono" autoComplete="off" spellCheck={false} maxLength={32} autoFocus={camera !== null} />
        </Field>
        <Field path="/name" label="Name" error={errors['/name']} required>
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" maxLength={200} />
        </Field>
        <Field path="/areaKind" label="Area watched" error={errors['/areaKind']} required>
          <select value={areaKind} onChange={(e) => setAreaKind(e.target.value as AreaKind)}>
            {AREA_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {AREA_KIND_NAMES[kind]}
              </option>
            ))}
          </select>
        </Field>
        {areaKind === 'GATE' ? (
          <Field path="/gateId" label="Gate" error={errors['/gateId']} required>
            <select value={gateId} onChange={(e) => chooseGate(e.target.value)} disabled={!zone}>
              <option value="">{zone ? 'Choose the gate…' : 'Choose the zone first'}</option>
              {gates.map((gate) => (
                <option key={gate.id} value={gate.id}>
                  {gate.code} · {gate.name}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        {areaKind === 'WAREHOUSE' ? (
          <Field path="/bookId" label="Account book" error={errors['/bookId']} hint="The warehouse whose goods the camera sees." required>
            <select value={bookId} onChange={(e) => setBookId(e.target.value)} disabled={!zone || books === null}>
              <option value="">{!zone ? 'Choose the zone first' : books === null ? 'Loading the books…' : 'Choose the book…'}</option>
              {(books ?? []).map((book) => (
                <option key={book.id} value={book.id}>
                  {book.code} · {enterpriseById(book.enterpriseId)?.name ?? book.name}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <Field path="/latitude" label="Latitude" error={errors['/latitude']} hint="Decimal degrees, −90 to 90." required>
          <input value={latitude} onChange={(e) => setLatitude(e.target.value)} inputMode="decimal" autoComplete="off" />
        </Field>
        <Field path="/longitude" label="Longitude" error={errors['/longitude']} hint="Decimal degrees, −180 to 180." required>
          <input value={longitude} onChange={(e) => setLongitude(e.target.value)} inputMode="decimal" autoComplete="off" />
        </Field>
        {camera ? (
          <div className="field">
            <label className="check" htmlFor={fieldId('/active')}>
              <input type="checkbox" id={fieldId('/active')} checked={active} onChange={(e) => setActive(e.target.checked)} />
              Active: its snapshots are expected
            </label>
          </div>
        ) : null}
      </div>
    </FormDialog>
  );
}

// --- holds ---------------------------------------------------------------------------------------

const HOUR = 3_600_000;

export function HoldDialog({ camera, onClose, onPlaced }: { camera: Camera; onClose: () => void; onPlaced: (hold: Hold) => void }) {
  const [from, setFrom] = useState(() => toDateTimeLocal(new Date(Date.now() - 2 * HOUR)));
  const [to, setTo] = useState(() => toDateTimeLocal(new Date()));
  const [reason, setReason] = useState('');
  const [key] = useState(newIdempotencyKey);
  const { busy, error, run } = useSubmit();
  const errors = error ? errorsByPath(error.details) : {};
  const names: Record<string, string> = { '/from': 'From', '/to': 'To', '/reason': 'Reason', '/cameraId': 'Camera' };

  const submit = () =>
    void run(async () => {
      const body = { cameraId: camera.id, from: fromDateTimeLocal(from), to: fromDateTimeLocal(to), reason: reason.trim() };
      onPlaced(await api<Hold>('/api/v1/cctv/holds', { method: 'POST', body, idempotencyKey: key }));
    });

  return (
    <FormDialog
      open
      title={`Keep the snapshots of ${camera.code}`}
      description="The camera's snapshots of the period are kept for the extended retention period instead of being deleted with the others."
      submitLabel="Place hold"
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title="The hold was not placed" describe={(path) => names[path] ?? path.replace(/^\//, '')} /> : null}
      <div className="form-grid form-grid-2">
        <Field path="/from" label="From" error={errors['/from']} required>
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} autoFocus />
        </Field>
        <Field path="/to" label="To" error={errors['/to']} required>
          <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
      </div>
      <Field path="/reason" label="Reason" error={errors['/reason']} hint="Why customs needs the evidence; kept with the hold, not broadcast to the zone." required>
        <textarea rows={3} value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
      </Field>
    </FormDialog>
  );
}

// --- the coverage policy -------------------------------------------------------------------------

interface ClassRow {
  name: string;
  hsChapters: string;
  intervalMinutes: string;
  severity: Severity;
}

const POLICY_FIELD_NAMES: Record<string, string> = {
  defaultIntervalMinutes: 'Default interval',
  defaultSeverity: 'Default severity',
  gateIntervalMinutes: 'Gate interval',
  retentionDays: 'Retention',
  extendedRetentionDays: 'Retention under a hold',
  name: 'name',
  hsChapters: 'HS chapters',
  intervalMinutes: 'interval',
  severity: 'severity',
};

/** /goodsClasses/1/hsChapters/0 → /goodsClasses/1/hsChapters: the chapters are one field. */
const normalizePolicyPath = (path: string) => path.replace(/^(\/goodsClasses\/\d+\/hsChapters)\/\d+$/, '$1');

function describePolicyPath(path: string): string {
  const row = /^\/goodsClasses\/(\d+)\/(\w+)$/.exec(path);
  if (row) return `Class ${Number(row[1]) + 1}: ${POLICY_FIELD_NAMES[row[2] ?? ''] ?? row[2] ?? ''}`;
  if (path === '/goodsClasses') return 'Classes of goods';
  return POLICY_FIELD_NAMES[path.replace(/^\//, '')] ?? path.replace(/^\//, '');
}

export function PolicyDialog({ policy, onClose, onSaved }: { policy: CoveragePolicy; onClose: () => void; onSaved: (policy: CoveragePolicy) => void }) {
  const [defaultInterval, setDefaultInterval] = useState(String(policy.defaultIntervalMinutes));
  const [defaultSeverity, setDefaultSeverity] = useState<Severity>(policy.defaultSeverity);
  const [gateInterval, setGateInterval] = useState(String(policy.gateIntervalMinutes));
  const [retention, setRetention] = useState(String(policy.retentionDays));
  const [extendedRetention, setExtendedRetention] = useState(String(policy.extendedRetentionDays));
  const [classes, setClasses] = useState<ClassRow[]>(() =>
    policy.goodsClasses.map((c) => ({ name: c.name, hsChapters: c.hsChapters.join(', '), intervalMinutes: String(c.intervalMinutes), severity: c.severity })),
  );
  const [key] = useState(newIdempotencyKey);
  const { busy, error, run } = useSubmit();
  const errors = error ? errorsByPath(error.details, normalizePolicyPath) : {};
  const change = (index: number, patch: Partial<ClassRow>) => setClasses((list) => list.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  const submit = () =>
    void run(async () => {
      const body = {
        defaultIntervalMinutes: numberOrText(defaultInterval),
        defaultSeverity,
        gateIntervalMinutes: numberOrText(gateInterval),
        goodsClasses: classes.map((row) => ({
          name: row.name.trim(),
          hsChapters: row.hsChapters
            .split(/[\s,;]+/)
            .map((chapter) => chapter.trim())
            .filter(Boolean),
          intervalMinutes: numberOrText(row.intervalMinutes),
          severity: row.severity,
        })),
        retentionDays: numberOrText(retention),
        extendedRetentionDays: numberOrText(extendedRetention),
      };
      onSaved(await api<CoveragePolicy>('/api/v1/cctv/policy', { method: 'PUT', body, idempotencyKey: key }));
    });

  const severityOptions = SEVERITIES.map((s) => (
    <option key={s} value={s}>
      {humanize(s)}
    </option>
  ));

  return (
    <FormDialog open wide title="Change the coverage policy" description="How often each area must be seen, and how long snapshots are kept." submitLabel="Save policy" busy={busy} onSubmit={submit} onClose={onClose}>
      {error ? <ErrorSummary error={error} title="The policy was not saved" normalize={normalizePolicyPath} describe={describePolicyPath} /> : null}
      <div className="form-grid form-grid-2">
        <Field path="/gateIntervalMinutes" label="Gate interval (minutes)" error={errors['/gateIntervalMinutes']} hint="Longest a gate may go without a snapshot." required>
          <input value={gateInterval} onChange={(e) => setGateInterval(e.target.value)} inputMode="numeric" autoFocus />
        </Field>
        <Field path="/defaultIntervalMinutes" label="Default interval (minutes)" error={errors['/defaultIntervalMinutes']} hint="For the yard and warehouses holding no class below." required>
          <input value={defaultInterval} onChange={(e) => setDefaultInterval(e.target.value)} inputMode="numeric" />
        </Field>
        <Field path="/defaultSeverity" label="Severity of a gap" error={errors['/defaultSeverity']} hint="Under the gate or default interval." required>
          <select value={defaultSeverity} onChange={(e) => setDefaultSeverity(e.target.value as Severity)}>
            {severityOptions}
          </select>
        </Field>
        <Field path="/retentionDays" label="Retention (days)" error={errors['/retentionDays']} hint="Snapshot records older than this are deleted." required>
          <input value={retention} onChange={(e) => setRetention(e.target.value)} inputMode="numeric" />
        </Field>
        <Field path="/extendedRetentionDays" label="Retention under a hold (days)" error={errors['/extendedRetentionDays']} required>
          <input value={extendedRetention} onChange={(e) => setExtendedRetention(e.target.value)} inputMode="numeric" />
        </Field>
      </div>
      <fieldset className="plain-fieldset">
        <legend className="field-label">Classes of goods watched more closely</legend>
        <p className="muted small section-intro">A warehouse holding goods of these HS chapters must be seen at the class’s interval.</p>
        {errors['/goodsClasses'] ? (
          <div className="field-error" id={`${fieldId('/goodsClasses')}-error`}>
            {errors['/goodsClasses']}
          </div>
        ) : null}
        {classes.map((row, index) => {
          const path = `/goodsClasses/${index}`;
          return (
            <div className="goods-class-row" key={index} role="group" aria-label={`Class ${index + 1}`}>
              <Field path={`${path}/name`} label="Name" error={errors[`${path}/name`]}>
                <input value={row.name} onChange={(e) => change(index, { name: e.target.value })} maxLength={60} />
              </Field>
              <Field path={`${path}/hsChapters`} label="HS chapters" error={errors[`${path}/hsChapters`]} hint="e.g. 22, 24">
                <input value={row.hsChapters} onChange={(e) => change(index, { hsChapters: e.target.value })} className="mono" inputMode="numeric" />
              </Field>
              <Field path={`${path}/intervalMinutes`} label="Interval (minutes)" error={errors[`${path}/intervalMinutes`]}>
                <input value={row.intervalMinutes} onChange={(e) => change(index, { intervalMinutes: e.target.value })} inputMode="numeric" />
              </Field>
              <Field path={`${path}/severity`} label="Severity" error={errors[`${path}/severity`]}>
                <select value={row.severity} onChange={(e) => change(index, { severity: e.target.value as Severity })}>
                  {severityOptions}
                </select>
              </Field>
              <button type="button" className="button button-small button-danger-quiet" aria-label={`Remove class ${index + 1}${row.name ? ` (${row.name})` : ''}`} onClick={() => setClasses((list) => list.filter((_, i) => i !== index))}>
                Remove
              </button>
            </div>
          );
        })}
        <button type="button" className="button button-small" onClick={() => setClasses((list) => [...list, { name: '', hsChapters: '', intervalMinutes: '5', severity: 'WARNING' }])}>
          Add a class
        </button>
      </fieldset>
    </FormDialog>
  );
}
