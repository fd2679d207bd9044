// The declaration form of an enterprise user (and the amendment of a declaration): items picked
// from the enterprise's catalogue, HS codes found by words, container numbers checked as typed,
// and the server's validation shown at the field it names (/lines/0/hsCode, /transport/containers/0).
import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, newIdempotencyKey, withQuery } from '../api/client.ts';
import {
  DECLARATION_TYPES,
  PROCESSING_ROLES,
  TRANSPORT_DOCUMENT_TYPES,
  TRANSPORT_MODES,
  type Administration,
  type Book,
  type Country,
  type Currency,
  type DeclarationDetail,
  type DeclarationInput,
  type DeclarationType,
  type ErrorDetail,
  type Item,
  type LineInput,
  type ProcessingRole,
  type SubmitDeclaration,
  type TransportDocumentType,
  type TransportMode,
  type Unit,
} from '../api/types.ts';
import { canDeclare, declaresOnBehalf, useDirectory, useSession } from '../app/session.tsx';
import { ContainerInput } from '../components/container-input.tsx';
import { Field, fieldId } from '../components/field.tsx';
import { HsCodeInput } from '../components/hs-code-input.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Loading, PageHeader, Section } from '../components/ui.tsx';
import { humanize } from '../lib/format.ts';
import { fetchAll, useResource } from '../lib/use-resource.ts';
import { markOwnAction } from '../live/live.tsx';

interface LineForm {
  key: number;
  itemId: string;
  partNumber: string;
  hsCode: string;
  hsDescription: string | null;
  description: string;
  originCountry: string;
  quantity: string;
  unit: string;
  netMass: string;
  grossMass: string;
  customsValue: string;
  tariffCode: string;
  processingRole: ProcessingRole | '';
}

interface FormState {
  type: DeclarationType;
  zoneId: string;
  bookId: string;
  traderReference: string;
  currency: string;
  destinationCountry: string;
  destinationZoneId: string;
  mode: TransportMode;
  vehiclePlate: string;
  vesselOrFlight: string;
  containers: string[];
  seals: string;
  documentType: TransportDocumentType | '';
  documentNumber: string;
  portOfLoading: string;
  portOfDischarge: string;
  lines: LineForm[];
}

let nextKey = 1;

function emptyLine(): LineForm {
  return {
    key: nextKey++,
    itemId: '',
    partNumber: '',
    hsCode: '',
    hsDescription: null,
    description: '',
    originCountry: '',
    quantity: '',
    unit: '',
    netMass: '',
    grossMass: '',
    customsValue: '',
    tariffCode: '',
    processingRole: '',
  };
}

function emptyForm(): FormState {
  return {
    type: 'ADMISSION',
    zoneId: '',
    bookId: '',
    traderReference: '',
    currency: '',
    destinationCountry: '',
    destinationZoneId: '',
    mode: 'SEA',
    vehiclePlate: '',
    vesselOrFlight: '',
    containers: [''],
    seals: '',
    documentType: '',
    documentNumber: '',
    portOfLoading: '',
    portOfDischarge: '',
    lines: [emptyLine()],
  };
}

function formOf(d: DeclarationDetail): FormState {
  const t = d.transport;
  return {
    type: d.type,
    zoneId: d.zoneId,
    bookId: d.bookId ?? '',
    traderReference: d.traderReference ?? '',
    currency: d.currency,
    destinationCountry: d.destinationCountry ?? '',
    destinationZoneId: d.destination?.zoneId ?? '',
    mode: t.mode,
    vehiclePlate: t.vehiclePlate ?? '',
    vesselOrFlight: t.vesselOrFlight ?? '',
    containers: t.containers?.length ? [...t.containers] : [''],
    seals: (t.seals ?? []).join(', '),
    documentType: t.transportDocument?.type ?? '',
    documentNumber: t.transportDocument?.number ?? '',
    portOfLoading: t.portOfLoading ?? '',
    portOfDischarge: t.portOfDischarge ?? '',
    lines: d.lines.map((l) => ({
      key: nextKey++,
      itemId: l.itemId ?? '',
      partNumber: l.partNumber ?? '',
      hsCode: l.hsCode,
      hsDescription: null,
      description: l.description,
      originCountry: l.originCountry,
      quantity: l.quantity,
      unit: l.unit,
      netMass: l.netMass,
      grossMass: l.grossMass,
      customsValue: l.customsValue,
      tariffCode: l.tariffCode ?? '',
      processingRole: l.processingRole ?? '',
    })),
  };
}

const opt = (value: string) => (value.trim() === '' ? undefined : value.trim());
const decimal = (value: string) => value.trim().replace(/[\s,]/g, '');

/** The request body: empty optional fields are left out, so the server names only what is wrong. */
function bodyOf(form: FormState): DeclarationInput {
  const containers = form.containers.map((c) => c.replace(/\s+/g, '').toUpperCase()).filter((c) => c !== '');
  const seals = form.seals
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const documentNumber = opt(form.documentNumber);
  const lines = form.lines.map((l): LineInput => {
    const line: LineInput = {
      hsCode: l.hsCode.trim(),
      description: l.description.trim(),
      originCountry: l.originCountry,
      quantity: decimal(l.quantity),
      unit: l.unit,
      netMass: decimal(l.netMass),
      grossMass: decimal(l.grossMass),
      customsValue: decimal(l.customsValue),
    };
    if (l.itemId) line.itemId = l.itemId;
    const partNumber = opt(l.partNumber);
    if (partNumber) line.partNumber = partNumber;
    const tariffCode = opt(l.tariffCode);
    if (tariffCode) line.tariffCode = tariffCode;
    if (form.type === 'PROCESSING' && l.processingRole) line.processingRole = l.processingRole;
    return line;
  });
  const body: DeclarationInput = {
    currency: form.currency,
    transport: {
      mode: form.mode,
      ...(opt(form.vehiclePlate) ? { vehiclePlate: form.vehiclePlate.trim().toUpperCase() } : {}),
      ...(opt(form.vesselOrFlight) ? { vesselOrFlight: form.vesselOrFlight.trim() } : {}),
      ...(containers.length ? { containers } : {}),
      ...(seals.length ? { seals } : {}),
      ...(form.documentType && documentNumber ? { transportDocument: { type: form.documentType, number: documentNumber } } : {}),
      ...(opt(form.portOfLoading) ? { portOfLoading: form.portOfLoading.trim().toUpperCase() } : {}),
      ...(opt(form.portOfDischarge) ? { portOfDischarge: form.portOfDischarge.trim().toUpperCase() } : {}),
    },
    lines,
  };
  if (form.bookId) body.bookId = form.bookId;
  const traderReference = opt(form.traderReference);
  if (traderReference) body.traderReference = traderReference;
  if (form.destinationCountry) body.destinationCountry = form.destinationCountry;
  if (form.type === 'TRANSFER' && form.destinationZoneId) body.destination = { zoneId: form.destinationZoneId };
  return body;
}

/** Words for a JSON pointer, for the error summary: /lines/0/hsCode → "Line 1, HS code". */
const FIELD_NAMES: Record<string, string> = {
  type: 'Type',
  zoneId: 'Zone',
  enterpriseId: 'Enterprise',
  bookId: 'Account book',
  traderReference: 'Your reference',
  currency: 'Currency',
  destinationCountry: 'Destination country',
  destination: 'Destination',
  mode: 'Mode of transport',
  vehiclePlate: 'Vehicle plate',
  vesselOrFlight: 'Vessel or flight',
  containers: 'Containers',
  seals: 'Seals',
  transportDocument: 'Transport document',
  portOfLoading: 'Port of loading',
  portOfDischarge: 'Port of discharge',
  hsCode: 'HS code',
  description: 'Description',
  originCountry: 'Origin',
  quantity: 'Quantity',
  unit: 'Unit',
  netMass: 'Net mass',
  grossMass: 'Gross mass',
  customsValue: 'Customs value',
  tariffCode: 'Tariff line',
  processingRole: 'Processing role',
  itemId: 'Item',
  partNumber: 'Part number',
  lotId: 'Lot',
  reason: 'Reason',
};

function describePath(path: string): string {
  const parts = path.split('/').filter(Boolean);
  const words: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const next = parts[i + 1];
    if (part === 'lines' && next !== undefined && /^\d+$/.test(next)) {
      words.push(`Line ${Number(next) + 1}`);
      i++;
    } else if (part === 'containers' && next !== undefined && /^\d+$/.test(next)) {
      words.push(`Container ${Number(next) + 1}`);
      i++;
    } else if (part !== 'transport' && part !== 'declaration' && part !== 'seals') {
      words.push(FIELD_NAMES[part] ?? humanize(part));
    } else if (part === 'seals') {
      words.push('Seals');
      if (next !== undefined && /^\d+$/.test(next)) i++;
    }
  }
  return words.join(', ') || 'Declaration';
}

/** Server paths of an amendment are under /declaration; the form's fields are named without it. */
function normalizePath(path: string): string {
  let p = path.startsWith('/declaration/') ? path.slice('/declaration'.length) : path;
  // A seal's own path falls back on the one seals field; a document's parts on the document.
  p = p.replace(/^\/transport\/seals\/\d+$/, '/transport/seals').replace(/^\/transport\/transportDocument\/.*$/, '/transport/transportDocument');
  return p;
}

export function DeclarationFormPage() {
  const { id } = useParams();
  const amending = id !== undefined;
  const { principal } = useSession();
  const { zones, enterprises, enterpriseById } = useDirectory();
  const navigate = useNavigate();
  const { push } = useToasts();

  const existing = useResource<DeclarationDetail>(amending ? `/api/v1/declarations/${encodeURIComponent(id)}` : null);
  const onBehalf = !amending && declaresOnBehalf(principal);
  const [chosenEnterpriseId, setChosenEnterpriseId] = useState('');
  const enterpriseId = amending ? (existing.data?.enterpriseId ?? null) : onBehalf ? chosenEnterpriseId || null : principal.enterpriseId;
  const enterprise = enterpriseById(enterpriseId);

  const [form, setForm] = useState<FormState>(emptyForm);
  const [loadedFrom, setLoadedFrom] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<{ message: string; details: ErrorDetail[] } | null>(null);
  const [busy, setBusy] = useState(false);

  const [items, setItems] = useState<Item[]>([]);
  const [books, setBooks] = useState<Book[]>([]);
  const [countries, setCountries] = useState<Country[]>([]);
  const [currencies, setCurrencies] = useState<Currency[]>([]);
  const [units, setUnits] = useState<Unit[]>([]);
  const administration = useResource<Administration>('/api/v1/administration');
  const [referenceError, setReferenceError] = useState<ApiError | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    Promise.all([
      fetchAll<Country>('/api/v1/reference/countries', signal),
      fetchAll<Currency>('/api/v1/reference/currencies', signal),
      fetchAll<Unit>('/api/v1/reference/units', signal),
    ]).then(
      ([c, cur, u]) => {
        setCountries([...c].sort((a, b) => a.name.localeCompare(b.name)));
        setCurrencies(cur);
        setUnits(u);
      },
      (error: unknown) => {
        if (!signal.aborted) setReferenceError(error instanceof ApiError ? error : new ApiError(0, 'CLIENT', String(error)));
      },
    );
    return () => controller.abort();
  }, []);

  useEffect(() => {
    if (!enterpriseId) return;
    const controller = new AbortController();
    const { signal } = controller;
    Promise.all([
      fetchAll<Item>(withQuery('/api/v1/items', { enterpriseId, active: true }), signal),
      fetchAll<Book>(withQuery('/api/v1/books', { enterpriseId, active: true }), signal),
    ]).then(
      ([i, b]) => {
        setItems(i);
        setBooks(b);
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [enterpriseId]);

  // Defaults: the administration's currency, the enterprise's only zone.
  useEffect(() => {
    if (amending) return;
    setForm((f) => ({
      ...f,
      currency: f.currency || administration.data?.currency || '',
      zoneId: f.zoneId || (enterprise && enterprise.zoneIds.length === 1 ? (enterprise.zoneIds[0] ?? '') : ''),
    }));
  }, [amending, administration.data, enterprise]);

  // An amendment starts from the declaration as it stands.
  useEffect(() => {
    if (existing.data && loadedFrom !== existing.data.id) {
      setForm(formOf(existing.data));
      setLoadedFrom(existing.data.id);
    }
  }, [existing.data, loadedFrom]);

  const zoneChoices = useMemo(() => {
    const own = enterprise ? zones.filter((z) => enterprise.zoneIds.includes(z.id)) : zones;
    return own.length > 0 ? own : zones;
  }, [zones, enterprise]);
  const bookChoices = books.filter((b) => !form.zoneId || b.zoneId === form.zoneId);

  if (!amending && !canDeclare(principal)) {
    return (
      <>
        <PageHeader title="New declaration" />
        <Empty>Declarations are submitted by enterprise users for their own enterprise, or by an administrator on an enterprise’s behalf.</Empty>
      </>
    );
  }
  if (amending && existing.error) return <ErrorMessage error={existing.error} title="The declaration could not be read" />;
  if (amending && !existing.data) return <Loading label="Loading the declaration…" />;
  if (amending && existing.data && !existing.data.allowedActions.includes('AMEND')) {
    return (
      <>
        <PageHeader title={`Amend ${existing.data.reference}`} />
        <Empty>
          This declaration cannot be amended now. <Link to={`/declarations/${existing.data.id}`}>Back to the declaration</Link>
        </Empty>
      </>
    );
  }

  const clearError = (path: string) => {
    if (!(path in errors)) return;
    setErrors((e) => {
      const next = { ...e };
      delete next[path];
      return next;
    });
  };
  const set = <K extends keyof FormState>(key: K, value: FormState[K], path: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    clearError(path);
  };
  const setLine = (index: number, patch: Partial<LineForm>) => {
    setForm((f) => ({ ...f, lines: f.lines.map((l, i) => (i === index ? { ...l, ...patch } : l)) }));
    for (const key of Object.keys(patch)) clearError(`/lines/${index}/${key}`);
  };
  const pickItem = (index: number, itemId: string) => {
    const item = items.find((i) => i.id === itemId);
    if (!item) {
      setLine(index, { itemId: '' });
      return;
    }
    setLine(index, { itemId: item.id, partNumber: item.partNumber, hsCode: item.hsCode, description: item.description, unit: item.unit });
  };
  const err = (path: string) => errors[path];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (amending && reason.trim() === '') {
      setErrors({ '/reason': 'Give the reason for the amendment: it is kept in the declaration’s history.' });
      setSummary(null);
      requestAnimationFrame(() => document.getElementById(fieldId('/reason'))?.focus());
      return;
    }
    setBusy(true);
    setSummary(null);
    setErrors({});
    const body = bodyOf(form);
    try {
      let result: DeclarationDetail;
      if (amending && existing.data) {
        result = await api<DeclarationDetail>(`/api/v1/declarations/${existing.data.id}/amendments`, {
          method: 'POST',
          body: { reason: reason.trim(), declaration: body },
          idempotencyKey: newIdempotencyKey(),
        });
        markOwnAction(result.id);
        push({ kind: 'success', title: `${result.reference} amended`, body: `Assessed again: ${result.lane ?? 'no'} lane` });
      } else {
        const submission: SubmitDeclaration = { ...body, type: form.type, zoneId: form.zoneId, ...(onBehalf && enterpriseId ? { enterpriseId } : {}) };
        result = await api<DeclarationDetail>('/api/v1/declarations', { method: 'POST', body: submission, idempotencyKey: newIdempotencyKey() });
        markOwnAction(result.id);
        push({ kind: 'success', title: `Declaration ${result.reference} submitted`, body: `${result.lane ?? 'No'} lane · ${humanize(result.state)}` });
      }
      void navigate(`/declarations/${result.id}`);
    } catch (caught) {
      const error = caught instanceof ApiError ? caught : new ApiError(0, 'CLIENT', String(caught));
      const byPath: Record<string, string> = {};
      for (const detail of error.details) {
        const path = normalizePath(detail.path);
        byPath[path] = byPath[path] ? `${byPath[path]}; ${detail.message}` : detail.message;
      }
      setErrors(byPath);
      setSummary({ message: error.message, details: error.details.map((d) => ({ ...d, path: normalizePath(d.path) })) });
      setBusy(false);
      // The summary takes focus, so its messages are read out and the first field is a Tab away.
      requestAnimationFrame(() => document.getElementById('form-errors')?.focus());
    }
  };

  const focusField = (path: string) => {
    // The nearest field the form has for a path: /lines/0 has none, /lines/0/hsCode has.
    let p = path;
    while (p) {
      const element = document.getElementById(fieldId(p));
      if (element) {
        element.focus();
        return;
      }
      p = p.slice(0, p.lastIndexOf('/'));
    }
  };

  const title = amending && existing.data ? `Amend ${existing.data.reference}` : 'New declaration';
  return (
    <>
      <PageHeader title={title} subtitle={enterprise ? enterprise.name : undefined} />
      {referenceError ? <ErrorMessage error={referenceError} title="Reference data could not be read" /> : null}
      <form className="declaration-form" onSubmit={(e) => void submit(e)} noValidate aria-label={title}>
        {summary ? (
          <div className="error-box" id="form-errors" tabIndex={-1} role="alert">
            <strong>The declaration was not {amending ? 'amended' : 'submitted'}</strong>
            <span>{summary.message}</span>
            {summary.details.length > 0 ? (
              <ul>
                {summary.details.map((d) => (
                  <li key={`${d.path}:${d.message}`}>
                    <button type="button" className="link-button" onClick={() => focusField(d.path)}>
                      {describePath(d.path)}
                    </button>
                    : {d.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}

        <Section title="Declaration" id="general">
          <div className="form-grid">
            {onBehalf ? (
              <Field path="/enterpriseId" label="Enterprise declared for" error={err('/enterpriseId')} required>
                <select
                  value={chosenEnterpriseId}
                  onChange={(e) => {
                    // Zone, book and items belong to the enterprise: a new one starts them afresh.
                    setChosenEnterpriseId(e.target.value);
                    setForm((f) => ({ ...f, zoneId: '', bookId: '', lines: f.lines.map((l) => ({ ...l, itemId: '' })) }));
                    setItems([]);
                    setBooks([]);
                    clearError('/enterpriseId');
                  }}
                >
                  <option value="">Choose an enterprise</option>
                  {enterprises.map((e) => (
                    <option key={e.id} value={e.id}>
                      {e.name}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
            <Field path="/type" label="Type" error={err('/type')} required>
              <select value={form.type} disabled={amending} onChange={(e) => set('type', e.target.value as DeclarationType, '/type')}>
                {DECLARATION_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {humanize(t)}
                  </option>
                ))}
              </select>
            </Field>
            <Field path="/zoneId" label="Zone" error={err('/zoneId')} required>
              <select value={form.zoneId} disabled={amending} onChange={(e) => set('zoneId', e.target.value, '/zoneId')}>
                <option value="">Choose a zone</option>
                {zoneChoices.map((z) => (
                  <option key={z.id} value={z.id}>
                    {z.code} · {z.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field path="/bookId" label="Account book" error={err('/bookId')} hint={form.bookId ? undefined : 'The zone’s open book when none is chosen'}>
              <select value={form.bookId} onChange={(e) => set('bookId', e.target.value, '/bookId')}>
                <option value="">Default book</option>
                {bookChoices.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.code} · {b.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field path="/traderReference" label="Your reference" error={err('/traderReference')}>
              <input value={form.traderReference} maxLength={100} onChange={(e) => set('traderReference', e.target.value, '/traderReference')} />
            </Field>
            <Field path="/currency" label="Currency" error={err('/currency')} required>
              <select value={form.currency} onChange={(e) => set('currency', e.target.value, '/currency')}>
                <option value="">Choose</option>
                {currencies.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.code} · {c.name}
                  </option>
                ))}
              </select>
            </Field>
            {form.type === 'EXPORT' || form.destinationCountry || err('/destinationCountry') ? (
              <Field path="/destinationCountry" label="Destination country" error={err('/destinationCountry')} required={form.type === 'EXPORT'}>
                <select value={form.destinationCountry} onChange={(e) => set('destinationCountry', e.target.value, '/destinationCountry')}>
                  <option value="">Choose</option>
                  {countries.map((c) => (
                    <option key={c.alpha2} value={c.alpha2}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
            {form.type === 'TRANSFER' ? (
              <Field path="/destination/zoneId" label="Destination zone" error={err('/destination/zoneId') ?? err('/destination')} required>
                <select value={form.destinationZoneId} onChange={(e) => set('destinationZoneId', e.target.value, '/destination/zoneId')}>
                  <option value="">Choose a zone</option>
                  {zones.map((z) => (
                    <option key={z.id} value={z.id}>
                      {z.code} · {z.name}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
          </div>
        </Section>

        <Section title="Transport" id="transport">
          <div className="form-grid">
            <Field path="/transport/mode" label="Mode" error={err('/transport/mode')} required>
              <select value={form.mode} onChange={(e) => set('mode', e.target.value as TransportMode, '/transport/mode')}>
                {TRANSPORT_MODES.map((m) => (
                  <option key={m} value={m}>
                    {humanize(m)}
                  </option>
                ))}
              </select>
            </Field>
            <Field path="/transport/vehiclePlate" label="Vehicle plate" error={err('/transport/vehiclePlate')}>
              <input
                value={form.vehiclePlate}
                className="mono"
                maxLength={15}
                onChange={(e) => set('vehiclePlate', e.target.value.toUpperCase(), '/transport/vehiclePlate')}
              />
            </Field>
            <Field path="/transport/vesselOrFlight" label="Vessel or flight" error={err('/transport/vesselOrFlight')}>
              <input value={form.vesselOrFlight} maxLength={50} onChange={(e) => set('vesselOrFlight', e.target.value, '/transport/vesselOrFlight')} />
            </Field>
            <Field path="/transport/portOfLoading" label="Port of loading" error={err('/transport/portOfLoading')} hint="UN/LOCODE, e.g. CNSHA">
              <input
                value={form.portOfLoading}
                className="mono"
                maxLength={5}
                onChange={(e) => set('portOfLoading', e.target.value.toUpperCase(), '/transport/portOfLoading')}
              />
            </Field>
            <Field path="/transport/portOfDischarge" label="Port of discharge" error={err('/transport/portOfDischarge')} hint="UN/LOCODE, e.g. USNYC">
              <input
                value={form.portOfDischarge}
                className="mono"
                maxLength={5}
                onChange={(e) => set('portOfDischarge', e.target.value.toUpperCase(), '/transport/portOfDischarge')}
              />
            </Field>
            <Field path="/transport/transportDocument" label="Transport document" error={err('/transport/transportDocument')}>
              <select value={form.documentType} onChange={(e) => set('documentType', e.target.value as TransportDocumentType | '', '/transport/transportDocument')}>
                <option value="">None</option>
                {TRANSPORT_DOCUMENT_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {humanize(t)}
                  </option>
                ))}
              </select>
            </Field>
            {form.documentType ? (
              <Field path="/transport/transportDocument/number" label="Document number">
                <input value={form.documentNumber} maxLength={50} onChange={(e) => set('documentNumber', e.target.value, '/transport/transportDocument')} />
              </Field>
            ) : null}
            <Field path="/transport/seals" label="Seals" error={err('/transport/seals')} hint="Separated by commas">
              <input value={form.seals} className="mono" onChange={(e) => set('seals', e.target.value, '/transport/seals')} />
            </Field>
          </div>
          <fieldset className="containers">
            <legend>Containers</legend>
            {err('/transport/containers') ? <div className="field-error">{err('/transport/containers')}</div> : null}
            {form.containers.map((container, index) => {
              const path = `/transport/containers/${index}`;
              const error = err(path);
              return (
                <div key={index} className={`container-row${error ? ' field-invalid' : ''}`}>
                  <ContainerInput
                    id={fieldId(path)}
                    label={`Container ${index + 1}`}
                    value={container}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${fieldId(path)}-error` : undefined}
                    onChange={(value) => {
                      setForm((f) => ({ ...f, containers: f.containers.map((c, i) => (i === index ? value : c)) }));
                      clearError(path);
                    }}
                  />
                  {form.containers.length > 1 ? (
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-label={`Remove container ${index + 1}`}
                      onClick={() => setForm((f) => ({ ...f, containers: f.containers.filter((_, i) => i !== index) }))}
                    >
                      Remove
                    </button>
                  ) : null}
                  {error ? (
                    <div className="field-error" id={`${fieldId(path)}-error`}>
                      {error}
                    </div>
                  ) : null}
                </div>
              );
            })}
            <button type="button" className="button" onClick={() => setForm((f) => ({ ...f, containers: [...f.containers, ''] }))}>
              Add a container
            </button>
          </fieldset>
        </Section>

        <Section
          title={`Lines (${form.lines.length})`}
          id="lines"
          actions={
            <button type="button" className="button" onClick={() => setForm((f) => ({ ...f, lines: [...f.lines, emptyLine()] }))}>
              Add a line
            </button>
          }
        >
          {err('/lines') ? <div className="field-error">{err('/lines')}</div> : null}
          {form.lines.map((line, index) => (
            <LineFields
              key={line.key}
              index={index}
              line={line}
              type={form.type}
              items={items}
              countries={countries}
              units={units}
              err={err}
              setLine={setLine}
              pickItem={pickItem}
              remove={
                form.lines.length > 1 ? () => setForm((f) => ({ ...f, lines: f.lines.filter((_, i) => i !== index) })) : null
              }
            />
          ))}
        </Section>

        {amending ? (
          <Section title="Reason for the amendment" id="reason">
            <Field path="/reason" label="Reason" error={err('/reason')} required>
              <textarea
                rows={2}
                value={reason}
                maxLength={1000}
                onChange={(e) => {
                  setReason(e.target.value);
                  clearError('/reason');
                }}
              />
            </Field>
          </Section>
        ) : null}

        <div className="form-actions">
          <Link to={amending && existing.data ? `/declarations/${existing.data.id}` : '/declarations'} className="button">
            Cancel
          </Link>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Sending…' : amending ? 'Amend declaration' : 'Submit declaration'}
          </button>
        </div>
      </form>
    </>
  );
}

interface LineFieldsProps {
  index: number;
  line: LineForm;
  type: DeclarationType;
  items: Item[];
  countries: Country[];
  units: Unit[];
  err: (path: string) => string | undefined;
  setLine: (index: number, patch: Partial<LineForm>) => void;
  pickItem: (index: number, itemId: string) => void;
  remove: (() => void) | null;
}

function LineFields({ index, line, type, items, countries, units, err, setLine, pickItem, remove }: LineFieldsProps) {
  const p = (field: string) => `/lines/${index}/${field}`;
  const unitKnown = line.unit === '' || units.some((u) => u.code === line.unit);
  const lineError: ReactNode = err(`/lines/${index}`);
  return (
    <fieldset className="line" aria-label={`Line ${index + 1}`}>
      <legend>Line {index + 1}</legend>
      {remove ? (
        <button type="button" className="button button-quiet line-remove" onClick={remove} aria-label={`Remove line ${index + 1}`}>
          Remove
        </button>
      ) : null}
      {lineError ? <div className="field-error">{lineError}</div> : null}
      <div className="form-grid line-grid">
        <Field path={p('itemId')} label="Item" error={err(p('itemId'))} className="span-2" hint={items.length === 0 ? 'No items in your catalogue' : undefined}>
          <select value={line.itemId} onChange={(e) => pickItem(index, e.target.value)}>
            <option value="">Not from the catalogue</option>
            {items.map((item) => (
              <option key={item.id} value={item.id}>
                {item.partNumber} · {item.description}
              </option>
            ))}
          </select>
        </Field>
        <Field
          path={p('hsCode')}
          label="HS code"
          error={err(p('hsCode'))}
          required
          className="span-2"
          hint={line.hsDescription ?? 'Six digits; type words to search'}
        >
          <HsCodeInput
            value={line.hsCode}
            onChange={(code) => setLine(index, { hsCode: code })}
            onDescription={(description) => setLine(index, { hsDescription: description })}
          />
        </Field>
        <Field path={p('description')} label="Description of the goods" error={err(p('description'))} required className="span-2">
          <input value={line.description} maxLength={500} onChange={(e) => setLine(index, { description: e.target.value })} />
        </Field>
        <Field path={p('originCountry')} label="Origin" error={err(p('originCountry'))} required>
          <select value={line.originCountry} onChange={(e) => setLine(index, { originCountry: e.target.value })}>
            <option value="">Choose</option>
            {countries.map((c) => (
              <option key={c.alpha2} value={c.alpha2}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field path={p('quantity')} label="Quantity" error={err(p('quantity'))} required>
          <input value={line.quantity} inputMode="decimal" onChange={(e) => setLine(index, { quantity: e.target.value })} />
        </Field>
        <Field path={p('unit')} label="Unit" error={err(p('unit'))} required>
          <select value={line.unit} onChange={(e) => setLine(index, { unit: e.target.value })}>
            <option value="">Choose</option>
            {!unitKnown ? <option value={line.unit}>{line.unit}</option> : null}
            {units.map((u) => (
              <option key={u.code} value={u.code}>
                {u.code} · {u.name}
              </option>
            ))}
          </select>
        </Field>
        <Field path={p('netMass')} label="Net mass (kg)" error={err(p('netMass'))} required>
          <input value={line.netMass} inputMode="decimal" onChange={(e) => setLine(index, { netMass: e.target.value })} />
        </Field>
        <Field path={p('grossMass')} label="Gross mass (kg)" error={err(p('grossMass'))} required>
          <input value={line.grossMass} inputMode="decimal" onChange={(e) => setLine(index, { grossMass: e.target.value })} />
        </Field>
        <Field path={p('customsValue')} label="Customs value" error={err(p('customsValue'))} required>
          <input value={line.customsValue} inputMode="decimal" onChange={(e) => setLine(index, { customsValue: e.target.value })} />
        </Field>
        <Field path={p('tariffCode')} label="Tariff line" error={err(p('tariffCode'))} hint="Optional, 8 or 10 digits">
          <input
            value={line.tariffCode}
            className="mono"
            inputMode="numeric"
            maxLength={10}
            onChange={(e) => setLine(index, { tariffCode: e.target.value.replace(/\D/g, '') })}
          />
        </Field>
        {type === 'PROCESSING' ? (
          <Field path={p('processingRole')} label="Processing role" error={err(p('processingRole'))} required>
            <select value={line.processingRole} onChange={(e) => setLine(index, { processingRole: e.target.value as ProcessingRole | '' })}>
              <option value="">Choose</option>
              {PROCESSING_ROLES.map((r) => (
                <option key={r} value={r}>
                  {humanize(r)}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
      </div>
    </fieldset>
  );
}

