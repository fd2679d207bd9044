// The enterprises the user may see (an enterprise user its own; zone staff those registered in
// their zones): name, identifier, AEO status, zones, with filters. Administrators and officers
// register new ones.
import { useMemo, useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { api, newIdempotencyKey, withQuery, type ApiError } from '../api/client.ts';
import {
  AEO_NAMES,
  AEO_STATUSES,
  ENTERPRISE_ROLES,
  type AeoStatus,
  type Country,
  type EnterpriseInput,
  type EnterpriseRecord,
  type EnterpriseRole,
  type Page,
} from '../api/types.ts';
import { isStaff, useDirectory, useSession } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field, fieldId } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Loading, PageHeader, Tag } from '../components/ui.tsx';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { formatDate, humanize } from '../lib/format.ts';
import { canWriteEnterprises } from '../lib/rights.ts';
import { useDebounced, useResource } from '../lib/use-resource.ts';

export function AeoTag({ status }: { status: AeoStatus }) {
  if (status === 'NONE') return <span className="muted">None</span>;
  return (
    <Tag tone="good">
      <span title={AEO_NAMES[status]}>{status.replace('_', '-')}</span>
    </Tag>
  );
}

interface EnterpriseForm {
  identifier: string;
  name: string;
  country: string;
  roles: EnterpriseRole[];
  zoneIds: string[];
  licenceNumber: string;
  licenceValidFrom: string;
  licenceValidTo: string;
  aeoStatus: AeoStatus;
}

const LABELS: Record<string, string> = {
  identifier: 'Identifier',
  name: 'Name',
  country: 'Country',
  roles: 'Roles',
  zoneIds: 'Zones',
  licenceNumber: 'Licence number',
  licenceValidFrom: 'Licence valid from',
  licenceValidTo: 'Licence valid to',
  aeoStatus: 'AEO status',
};

function RegisterDialog({ onClose, onRegistered }: { onClose: () => void; onRegistered: (enterprise: EnterpriseRecord) => void }) {
  const { zones, zoneId } = useDirectory();
  const countries = useResource<Page<Country>>('/api/v1/reference/countries');
  const [form, setForm] = useState<EnterpriseForm>({
    identifier: '',
    name: '',
    country: 'US',
    roles: [],
    zoneIds: zoneId ? [zoneId] : [],
    licenceNumber: '',
    licenceValidFrom: '',
    licenceValidTo: '',
    aeoStatus: 'NONE',
  });
  const [key] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const set = (patch: Partial<EnterpriseForm>) => setForm((f) => ({ ...f, ...patch }));
  const normalize = (p: string) => `/enterprise${p.replace(/^\/(roles|zoneIds)\/\d+$/, '/$1')}`;
  const errors = error ? errorsByPath(error.details, normalize) : {};
  const err = (k: keyof EnterpriseForm) => errors[`/enterprise/${k}`];

  const submit = async () => {
    setBusy(true);
    setError(null);
    const body: EnterpriseInput = {
      identifier: form.identifier.trim().toUpperCase(),
      name: form.name.trim(),
      country: form.country,
      roles: form.roles,
      zoneIds: form.zoneIds,
      licenceNumber: form.licenceNumber.trim() || null,
      licenceValidFrom: form.licenceValidFrom || null,
      licenceValidTo: form.licenceValidTo || null,
      aeoStatus: form.aeoStatus,
    };
    try {
      onRegistered(await api<EnterpriseRecord>('/api/v1/enterprises', { method: 'POST', body, idempotencyKey: key }));
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  };

  return (
    <FormDialog open title="Register an enterprise" submitLabel="Register" busy={busy} onSubmit={() => void submit()} onClose={onClose} wide>
      {error ? <ErrorSummary error={error} title="The enterprise was not registered" normalize={normalize} describe={(p) => LABELS[p.split('/').pop() ?? ''] ?? p} /> : null}
      <div className="form-grid form-grid-2">
        <Field path="/enterprise/name" label="Name" error={err('name')} required>
          <input value={form.name} onChange={(e) => set({ name: e.target.value })} autoFocus />
        </Field>
        <Field path="/enterprise/identifier" label="Identifier" error={err('identifier')} hint="Tax or trader number (e.g. EORI): capitals, digits, “.”, “/”, “-”." required>
          <input value={form.identifier} onChange={(e) => set({ identifier: e.target.value.toUpperCase() })} className="mono" spellCheck={false} />
        </Field>
        <Field path="/enterprise/country" label="Country" error={err('country')} required>
          <select value={form.country} onChange={(e) => set({ country: e.target.value })}>
            {(countries.data?.items ?? [{ alpha2: form.country, name: form.country }]).map((c) => (
              <option key={c.alpha2} value={c.alpha2}>
                {c.alpha2} · {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field path="/enterprise/aeoStatus" label="AEO status" error={err('aeoStatus')}>
          <select value={form.aeoStatus} onChange={(e) => set({ aeoStatus: e.target.value as AeoStatus })}>
            {AEO_STATUSES.map((status) => (
              <option key={status} value={status}>
                {AEO_NAMES[status]}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className={`choice-group${err('roles') ? ' field-invalid' : ''}`}>
          <legend>
            Roles<span className="required" aria-hidden="true"> *</span>
          </legend>
          <div className="choice-list choice-columns">
            {ENTERPRISE_ROLES.map((role, index) => (
              <label className="check" key={role}>
                <input
                  type="checkbox"
                  id={index === 0 ? fieldId('/enterprise/roles') : undefined}
                  checked={form.roles.includes(role)}
                  onChange={(e) => set({ roles: e.target.checked ? [...form.roles, role] : form.roles.filter((r) => r !== role) })}
                />
                {humanize(role)}
              </label>
            ))}
          </div>
          {err('roles') ? <div className="field-error">{err('roles')}</div> : null}
        </fieldset>
        <fieldset className={`choice-group${err('zoneIds') ? ' field-invalid' : ''}`}>
          <legend>Zones registered in</legend>
          <div className="choice-list">
            {zones.map((zone, index) => (
              <label className="check" key={zone.id}>
                <input
                  type="checkbox"
                  id={index === 0 ? fieldId('/enterprise/zoneIds') : undefined}
                  checked={form.zoneIds.includes(zone.id)}
                  onChange={(e) => set({ zoneIds: e.target.checked ? [...form.zoneIds, zone.id] : form.zoneIds.filter((z) => z !== zone.id) })}
                />
                <span className="mono">{zone.code}</span> {zone.name}
              </label>
            ))}
          </div>
          {err('zoneIds') ? <div className="field-error">{err('zoneIds')}</div> : null}
        </fieldset>
        <Field path="/enterprise/licenceNumber" label="Licence number" error={err('licenceNumber')}>
          <input value={form.licenceNumber} onChange={(e) => set({ licenceNumber: e.target.value })} />
        </Field>
        <div className="form-grid form-grid-2 nested">
          <Field path="/enterprise/licenceValidFrom" label="Licence valid from" error={err('licenceValidFrom')}>
            <input type="date" value={form.licenceValidFrom} onChange={(e) => set({ licenceValidFrom: e.target.value })} />
          </Field>
          <Field path="/enterprise/licenceValidTo" label="Valid to" error={err('licenceValidTo')}>
            <input type="date" value={form.licenceValidTo} onChange={(e) => set({ licenceValidTo: e.target.value })} />
          </Field>
        </div>
      </div>
    </FormDialog>
  );
}

export function EnterprisesPage() {
  const { principal } = useSession();
  const { zones, zoneId, zoneById } = useDirectory();
  const navigate = useNavigate();
  const { push } = useToasts();
  const staff = isStaff(principal);
  const [search, setSearch] = useState('');
  const [zone, setZone] = useState<string | null>(null);
  const [active, setActive] = useState('true');
  const [aeo, setAeo] = useState('');
  const [registering, setRegistering] = useState(false);
  const q = useDebounced(search.trim(), 300);
  const chosenZone = zone ?? zoneId ?? '';
  const list = useResource<Page<EnterpriseRecord>>(withQuery('/api/v1/enterprises', { q, zoneId: chosenZone, active, limit: 200 }));
  const all = list.data?.items;
  const shown = useMemo(() => (all ?? []).filter((e) => !aeo || e.aeoStatus === aeo), [all, aeo]);
  // An enterprise user has one enterprise: its page is the list.
  const own = !staff && all?.length === 1 ? all[0] : undefined;
  if (own) return <Navigate to={`/enterprises/${own.id}`} replace />;

  return (
    <>
      <PageHeader
        title={staff ? 'Enterprises' : 'Your enterprise'}
        subtitle={staff ? 'Operators, warehouses, manufacturers and traders registered in the zones' : undefined}
        actions={
          canWriteEnterprises(principal) ? (
            <button type="button" className="button button-primary" onClick={() => setRegistering(true)}>
              Register an enterprise
            </button>
          ) : null
        }
      />
      {staff ? (
        <div className="filters" role="search" aria-label="Filter the enterprises">
          <label>
            Name or identifier
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. Meridian" />
          </label>
          <label>
            Zone
            <select value={chosenZone} onChange={(e) => setZone(e.target.value)}>
              <option value="">All zones</option>
              {zones.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.code} · {z.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            AEO status
            <select value={aeo} onChange={(e) => setAeo(e.target.value)}>
              <option value="">Any</option>
              {AEO_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {AEO_NAMES[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select value={active} onChange={(e) => setActive(e.target.value)}>
              <option value="true">Active</option>
              <option value="false">Inactive</option>
              <option value="">Any</option>
            </select>
          </label>
          <span className="spacer" />
          {all ? (
            <span className="muted small" aria-live="polite">
              {shown.length} {shown.length === 1 ? 'enterprise' : 'enterprises'}
            </span>
          ) : null}
        </div>
      ) : null}
      {list.error ? <ErrorMessage error={list.error} title="The enterprises could not be read" /> : null}
      <div className="table-wrap table-tall">
        <table className="table table-rows" aria-label="Enterprises">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Identifier</th>
              <th scope="col">AEO</th>
              <th scope="col">Zones</th>
              <th scope="col" className="hide-narrow">
                Roles
              </th>
              <th scope="col" className="hide-narrow">
                Licence to
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr
                key={e.id}
                className="clickable"
                onClick={(event) => {
                  if ((event.target as HTMLElement).closest('a')) return;
                  void navigate(`/enterprises/${e.id}`);
                }}
              >
                <td className="wrap">
                  <Link to={`/enterprises/${e.id}`}>{e.name}</Link>
                </td>
                <td className="mono">{e.identifier}</td>
                <td>
                  <AeoTag status={e.aeoStatus} />
                </td>
                <td>{e.zoneIds.map((id) => zoneById(id)?.code ?? '?').join(', ') || '—'}</td>
                <td className="hide-narrow wrap small">{e.roles.map(humanize).join(', ')}</td>
                <td className="hide-narrow nowrap">{formatDate(e.licenceValidTo)}</td>
                <td>{e.active ? <Tag tone="good">Active</Tag> : <Tag>Inactive</Tag>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.loading && !all ? <Loading label="Loading enterprises…" /> : null}
        {all && shown.length === 0 ? <Empty>No enterprise matches these filters.</Empty> : null}
      </div>
      {list.data?.nextCursor ? <p className="muted small">The first 200 enterprises are shown; narrow the filters to see the others.</p> : null}
      {registering ? (
        <RegisterDialog
          onClose={() => setRegistering(false)}
          onRegistered={(enterprise) => {
            setRegistering(false);
            push({ kind: 'success', title: `${enterprise.name} registered` });
            void navigate(`/enterprises/${enterprise.id}`);
          }}
        />
      ) : null}
    </>
  );
}
