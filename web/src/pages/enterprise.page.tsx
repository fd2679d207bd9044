// One enterprise: its registration (identifier, licence, AEO status, zones), its account books, its
// catalogue of items, and the history of every change to its record. Administrators and officers
// change its AEO status.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, newIdempotencyKey, withQuery, type ApiError } from '../api/client.ts';
import { AEO_NAMES, AEO_STATUSES, type AeoStatus, type Book, type EnterpriseRecord, type HistoryEntry, type Item, type Page } from '../api/types.ts';
import { isStaff, useDirectory, useSession } from '../app/session.tsx';
import { Field } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Facts, Loading, PageHeader, Section, Tag } from '../components/ui.tsx';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { formatDate, formatDateTime, formatShortDateTime, humanize } from '../lib/format.ts';
import { canWriteEnterprises } from '../lib/rights.ts';
import { useDebounced, useResource } from '../lib/use-resource.ts';

const FIELD_NAMES: Record<string, string> = {
  identifier: 'Identifier',
  name: 'Name',
  country: 'Country',
  roles: 'Roles',
  zoneIds: 'Zones',
  licenceNumber: 'Licence number',
  licenceValidFrom: 'Licence valid from',
  licenceValidTo: 'Licence valid to',
  aeoStatus: 'AEO status',
  active: 'Active',
};
const NOT_COMPARED = new Set(['id', 'version', 'createdAt', 'updatedAt']);

function AeoDialog({ enterprise, onClose, onSaved }: { enterprise: EnterpriseRecord; onClose: () => void; onSaved: (e: EnterpriseRecord) => void }) {
  const [status, setStatus] = useState<AeoStatus>(enterprise.aeoStatus);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const errors = error ? errorsByPath(error.details) : {};
  const submit = async () => {
    if (status === enterprise.aeoStatus) {
      onClose();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSaved(await api<EnterpriseRecord>(`/api/v1/enterprises/${enterprise.id}`, { method: 'PATCH', body: { aeoStatus: status }, idempotencyKey: newIdempotencyKey() }));
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  };
  return (
    <FormDialog
      open
      title={`AEO status of ${enterprise.name}`}
      description="Selectivity rules may depend on the AEO status: declarations submitted from now on are assessed with the new one. The change is kept in the enterprise’s history."
      submitLabel="Change the status"
      busy={busy}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      {error && !errors['/aeoStatus'] ? <ErrorMessage error={error} title="Not changed" /> : null}
      <Field path="/aeoStatus" label="AEO status" error={errors['/aeoStatus']}>
        <select value={status} onChange={(e) => setStatus(e.target.value as AeoStatus)} autoFocus>
          {AEO_STATUSES.map((s) => (
            <option key={s} value={s}>
              {AEO_NAMES[s]}
            </option>
          ))}
        </select>
      </Field>
    </FormDialog>
  );
}

function BooksSection({ enterpriseId }: { enterpriseId: string }) {
  const { zoneById } = useDirectory();
  const books = useResource<Page<Book>>(withQuery('/api/v1/books', { enterpriseId, limit: 200 }));
  const items = books.data?.items ?? [];
  return (
    <Section title="Account books" id="enterprise-books">
      {books.error ? <ErrorMessage error={books.error} title="The books could not be read" /> : null}
      <div className="table-wrap">
        <table className="table table-rows" aria-label="Account books">
          <thead>
            <tr>
              <th scope="col">Book</th>
              <th scope="col">Name</th>
              <th scope="col">Zone</th>
              <th scope="col">Kind</th>
              <th scope="col">Opened</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((book) => (
              <tr key={book.id}>
                <td>
                  <Link to={`/books/${book.id}`} className="mono">
                    {book.code}
                  </Link>
                </td>
                <td className="wrap">{book.name}</td>
                <td>{zoneById(book.zoneId)?.code ?? '—'}</td>
                <td>{humanize(book.kind)}</td>
                <td className="nowrap">{formatDate(book.openedOn)}</td>
                <td>{book.active ? <Tag tone="good">Open</Tag> : <Tag>Closed</Tag>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {books.loading && !books.data ? <Loading label="Loading books…" /> : null}
        {books.data && items.length === 0 ? <Empty>The enterprise has no account book.</Empty> : null}
      </div>
    </Section>
  );
}

function ItemsSection({ enterpriseId }: { enterpriseId: string }) {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useResource<Page<Item>>(withQuery('/api/v1/items', { enterpriseId, q, limit: 50, cursor }));
  const items = page.data?.items ?? [];
  return (
    <Section
      title="Items"
      id="enterprise-items"
      actions={
        <label className="inline small">
          <span className="visually-hidden">Find an item</span>
          <input
            type="search"
            value={search}
            placeholder="Part number or words"
            aria-label="Find an item"
            onChange={(e) => {
              setSearch(e.target.value);
              setCursors([null]);
            }}
          />
        </label>
      }
    >
      {page.error ? <ErrorMessage error={page.error} title="The items could not be read" /> : null}
      <div className="table-wrap table-medium">
        <table className="table table-rows" aria-label="Items">
          <thead>
            <tr>
              <th scope="col">Part number</th>
              <th scope="col">Description</th>
              <th scope="col">HS</th>
              <th scope="col">Unit</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td className="mono">{item.partNumber}</td>
                <td className="wrap">{item.description}</td>
                <td className="mono">{item.hsCode}</td>
                <td className="mono">{item.unit}</td>
                <td>{item.active ? <Tag tone="good">Active</Tag> : <Tag>Inactive</Tag>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.loading && !page.data ? <Loading label="Loading items…" /> : null}
        {page.data && items.length === 0 ? <Empty>{q ? `No item matches “${q}”.` : 'The catalogue is empty.'}</Empty> : null}
      </div>
      {cursors.length > 1 || page.data?.nextCursor ? (
        <div className="pager">
          <button type="button" className="button" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            ‹ Previous
          </button>
          <button
            type="button"
            className="button"
            disabled={!page.data?.nextCursor}
            onClick={() => {
              const next = page.data?.nextCursor;
              if (next) setCursors((c) => [...c, next]);
            }}
          >
            Next ›
          </button>
        </div>
      ) : null}
    </Section>
  );
}

function show(key: string, value: unknown, zoneCode: (id: string) => string): string {
  if (value === null || value === undefined || value === '') return '—';
  if (key === 'zoneIds' && Array.isArray(value)) return value.map((id) => zoneCode(String(id))).join(', ') || '—';
  if (key === 'aeoStatus' && typeof value === 'string') return value === 'NONE' ? 'None' : value.replace('_', '-');
  if (Array.isArray(value)) return value.map((v) => humanize(String(v))).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

function HistorySection({ enterpriseId }: { enterpriseId: string }) {
  const { zoneById } = useDirectory();
  const history = useResource<Page<HistoryEntry>>(withQuery(`/api/v1/history/enterprise/${enterpriseId}`, { limit: 50 }));
  const entries = history.data?.items ?? [];
  const zoneCode = (id: string) => zoneById(id)?.code ?? '?';
  return (
    <Section title="History of changes" id="enterprise-history">
      {history.error ? <ErrorMessage error={history.error} title="The history could not be read" /> : null}
      {history.loading && !history.data ? <Loading label="Loading the history…" /> : null}
      {history.data && entries.length === 0 ? <Empty>No change has been recorded.</Empty> : null}
      {entries.length > 0 ? (
        <ol className="timeline" aria-label="Versions, newest first">
          {entries.map((entry, index) => {
            const before = entries[index + 1]?.data;
            const changes =
              entry.action === 'UPDATED' && before
                ? Object.keys({ ...before, ...entry.data })
                    .filter((key) => !NOT_COMPARED.has(key) && JSON.stringify(before[key]) !== JSON.stringify(entry.data[key]))
                    .map((key) => ({ key, from: show(key, before[key], zoneCode), to: show(key, entry.data[key], zoneCode) }))
                : [];
            return (
              <li key={entry.version}>
                <div className="timeline-head">
                  <strong>{entry.action === 'CREATED' ? 'Registered' : 'Changed'}</strong>
                  <span>version {entry.version}</span>
                  <span>by {entry.changedBy?.name ?? 'the system'}</span>
                  <span className="muted">{formatShortDateTime(entry.changedAt)}</span>
                </div>
                {changes.length > 0 ? (
                  <ul className="change-list">
                    {changes.map((c) => (
                      <li key={c.key}>
                        {FIELD_NAMES[c.key] ?? humanize(c.key)}: <span className="muted">{c.from}</span> → <strong>{c.to}</strong>
                      </li>
                    ))}
                  </ul>
                ) : entry.action === 'UPDATED' && !before ? (
                  <div className="muted small">Earlier versions are on the next page of the history.</div>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : null}
    </Section>
  );
}

export function EnterprisePage() {
  const { id = '' } = useParams();
  const { principal } = useSession();
  const { zoneById } = useDirectory();
  const { push } = useToasts();
  const enterprise = useResource<EnterpriseRecord>(`/api/v1/enterprises/${encodeURIComponent(id)}`);
  const [changingAeo, setChangingAeo] = useState(false);
  const [historyKey, setHistoryKey] = useState(0);

  if (enterprise.error) {
    return (
      <>
        <PageHeader title="Enterprise" />
        {enterprise.error.status === 404 || enterprise.error.status === 400 ? (
          <Empty>
            Enterprise not found, or not one you may see. <Link to="/enterprises">Back to the enterprises</Link>
          </Empty>
        ) : (
          <ErrorMessage error={enterprise.error} title="The enterprise could not be read" />
        )}
      </>
    );
  }
  const e = enterprise.data;
  if (!e) return <Loading label="Loading the enterprise…" />;
  const writer = canWriteEnterprises(principal);

  return (
    <>
      <PageHeader
        title={
          <>
            {e.name} {e.active ? null : <Tag>Inactive</Tag>}
          </>
        }
        subtitle={
          <>
            <span className="mono">{e.identifier}</span> · {e.country} · {e.roles.map(humanize).join(', ')}
          </>
        }
        actions={
          <>
            {isStaff(principal) ? (
              <Link className="button" to="/enterprises">
                All enterprises
              </Link>
            ) : null}
            {writer ? (
              <button type="button" className="button button-primary" onClick={() => setChangingAeo(true)}>
                Change AEO status
              </button>
            ) : null}
          </>
        }
      />
      <Section title="Registration" id="enterprise-registration">
        <Facts
          items={[
            ['AEO status', <span data-testid="aeo-status">{e.aeoStatus === 'NONE' ? 'None' : AEO_NAMES[e.aeoStatus]}</span>],
            ['Zones', e.zoneIds.map((z) => zoneById(z)?.code ?? '?').join(', ')],
            ['Licence', e.licenceNumber],
            ['Licence valid', e.licenceValidFrom || e.licenceValidTo ? `${formatDate(e.licenceValidFrom)} – ${formatDate(e.licenceValidTo)}` : null],
            ['Registered', formatDateTime(e.createdAt)],
            ['Last changed', `${formatDateTime(e.updatedAt)} (version ${e.version})`],
          ]}
        />
      </Section>
      <BooksSection enterpriseId={e.id} />
      <ItemsSection enterpriseId={e.id} />
      <HistorySection key={historyKey} enterpriseId={e.id} />
      {changingAeo ? (
        <AeoDialog
          enterprise={e}
          onClose={() => setChangingAeo(false)}
          onSaved={(saved) => {
            setChangingAeo(false);
            push({ kind: 'success', title: `AEO status of ${saved.name}: ${saved.aeoStatus === 'NONE' ? 'none' : saved.aeoStatus.replace('_', '-')}` });
            enterprise.reload(true);
            setHistoryKey((k) => k + 1);
          }}
        />
      ) : null}
    </>
  );
}
