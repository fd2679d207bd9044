// Declarations: a filterable list paged by the server (cursor pages, newest first), refreshed as
// live events arrive. Filters live in the address, so a filtered list can be reloaded or shared.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { withQuery } from '../api/client.ts';
import { DECLARATION_TYPES, LANES, STATES, type DeclarationSummary, type Page } from '../api/types.ts';
import { canDeclare, isStaff, useDirectory, useSession } from '../app/session.tsx';
import { Empty, ErrorMessage, LaneBadge, Loading, PageHeader, StateBadge } from '../components/ui.tsx';
import { formatDateTime, formatMoney, formatShortDateTime, humanize } from '../lib/format.ts';
import { useDebounced, useResource } from '../lib/use-resource.ts';
import { useLiveEvents, useThrottled } from '../live/live.tsx';

const PAGE_SIZES = [50, 100, 200];

export function DeclarationsPage() {
  const { principal } = useSession();
  const { zones, zoneId, setZoneId, zoneById } = useDirectory();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const state = params.get('state') ?? '';
  const lane = params.get('lane') ?? '';
  const type = params.get('type') ?? '';
  const limit = Number(params.get('limit') ?? '50') || 50;
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [hsCode, setHsCode] = useState(params.get('hs') ?? '');
  const q = useDebounced(search.trim(), 300);
  const hs = useDebounced(hsCode.trim(), 300);
  const hsValid = hs === '' || /^[0-9]{2,6}$/.test(hs);

  // Cursors of the pages before the current one; the current page's cursor is the last.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;

  // Each change starts from the latest address, even one not rendered yet, so that two quick
  // changes both stay.
  const latestParams = useRef(params);
  useEffect(() => {
    latestParams.current = params;
  }, [params]);
  const updateParams = useCallback(
    (change: (next: URLSearchParams) => void) => {
      const next = new URLSearchParams(latestParams.current);
      change(next);
      if (next.toString() === latestParams.current.toString()) return;
      latestParams.current = next;
      setParams(next, { replace: true });
    },
    [setParams],
  );
  const setParam = (key: string, value: string) =>
    updateParams((next) => {
      if (value) next.set(key, value);
      else next.delete(key);
    });

  // A debounced text filter goes into the address once it has settled.
  useEffect(() => {
    updateParams((next) => {
      if (q) next.set('q', q);
      else next.delete('q');
      if (hs) next.set('hs', hs);
      else next.delete('hs');
    });
  }, [q, hs, updateParams]);

  const filterKey = [state, lane, type, q, hsValid ? hs : '', zoneId ?? '', limit].join('|');
  useEffect(() => {
    setCursors([null]);
  }, [filterKey]);

  const url = withQuery('/api/v1/declarations', {
    state,
    lane,
    type,
    q,
    hsCode: hsValid ? hs : '',
    zoneId,
    limit,
    cursor,
  });
  const list = useResource<Page<DeclarationSummary>>(url);

  // Rows that arrived through a live refresh are marked for a moment.
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [pendingUpdates, setPendingUpdates] = useState(0);
  useEffect(() => {
    if (!list.data) return;
    const ids = list.data.items.map((d) => d.id);
    if (seen.current && cursors.length === 1) {
      const added = ids.filter((id) => !seen.current?.has(id));
      if (added.length > 0) {
        setFresh(new Set(added));
        const timer = setTimeout(() => setFresh(new Set()), 4000);
        seen.current = new Set(ids);
        return () => clearTimeout(timer);
      }
    }
    seen.current = new Set(ids);
  }, [list.data, cursors.length]);
  useEffect(() => {
    seen.current = null;
  }, [filterKey]);
  useEffect(() => {
    if (cursors.length === 1) setPendingUpdates(0);
  }, [cursors.length]);

  const refresh = useThrottled(() => list.reload(true), 1000);
  useLiveEvents((event) => {
    if (event && !event.type.startsWith('declaration.')) return;
    if (event && zoneId && event.zoneId !== zoneId) return;
    if (cursors.length === 1) refresh();
    else setPendingUpdates((n) => n + 1);
  });

  const items = list.data?.items ?? [];
  const staff = isStaff(principal);
  const firstRow = (cursors.length - 1) * limit + 1;
  const filtered = Boolean(state || lane || type || q || hs);
  const zoneOptions = useMemo(() => zones.map((z) => ({ id: z.id, label: `${z.code} · ${z.name}` })), [zones]);

  return (
    <>
      <PageHeader
        title="Declarations"
        subtitle={zoneId ? `Zone ${zoneById(zoneId)?.code ?? ''}` : staff ? 'All zones you may see' : 'Your enterprise’s declarations'}
        actions={
          canDeclare(principal) ? (
            <Link to="/declarations/new" className="button button-primary">
              New declaration
            </Link>
          ) : null
        }
      />
      <form className="filters" role="search" aria-label="Filter declarations" onSubmit={(e) => e.preventDefault()}>
        <label>
          Reference
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Reference or your reference" maxLength={100} />
        </label>
        <label>
          State
          <select value={state} onChange={(e) => setParam('state', e.target.value)}>
            <option value="">Any state</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Lane
          <select value={lane} onChange={(e) => setParam('lane', e.target.value)}>
            <option value="">Any lane</option>
            {LANES.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => setParam('type', e.target.value)}>
            <option value="">Any type</option>
            {DECLARATION_TYPES.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </label>
        {zoneOptions.length > 1 ? (
          <label>
            Zone
            <select value={zoneId ?? ''} onChange={(e) => setZoneId(e.target.value || null)}>
              <option value="">All zones</option>
              {zoneOptions.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.label}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          HS code
          <input
            value={hsCode}
            onChange={(e) => setHsCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
            inputMode="numeric"
            placeholder="e.g. 8542"
            aria-invalid={!hsValid}
            size={8}
          />
        </label>
        {filtered ? (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setSearch('');
              setHsCode('');
              updateParams((next) => {
                for (const key of [...next.keys()]) next.delete(key);
              });
            }}
          >
            Clear filters
          </button>
        ) : null}
      </form>
      {!hsValid ? <p className="field-error">An HS code filter has 2 to 6 digits.</p> : null}

      {pendingUpdates > 0 ? (
        <div className="banner" role="status">
          {pendingUpdates} update{pendingUpdates === 1 ? '' : 's'} since this page was loaded.{' '}
          <button type="button" className="link-button" onClick={() => setCursors([null])}>
            Show the newest
          </button>
        </div>
      ) : null}

      {list.error ? <ErrorMessage error={list.error} title="The declarations could not be read" /> : null}

      <div className="table-wrap table-tall">
        <table className="table table-rows" aria-busy={list.loading}>
          <thead>
            <tr>
              <th scope="col">Reference</th>
              <th scope="col">Type</th>
              <th scope="col">State</th>
              <th scope="col">Lane</th>
              {staff ? <th scope="col">Enterprise</th> : null}
              <th scope="col" className="hide-narrow">
                Trader ref.
              </th>
              {zones.length > 1 && !zoneId ? (
                <th scope="col" className="hide-narrow">
                  Zone
                </th>
              ) : null}
              <th scope="col" className="num hide-narrow">
                Lines
              </th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col">Submitted</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr
                key={d.id}
                className={`clickable${fresh.has(d.id) ? ' row-fresh' : ''}`}
                onClick={(event) => {
                  if ((event.target as HTMLElement).closest('a')) return;
                  void navigate(`/declarations/${d.id}`);
                }}
              >
                <td>
                  <Link to={`/declarations/${d.id}`} className="mono">
                    {d.reference}
                  </Link>
                </td>
                <td>{humanize(d.type)}</td>
                <td>
                  <StateBadge state={d.state} />
                </td>
                <td>
                  <LaneBadge lane={d.lane} />
                </td>
                {staff ? <td className="truncate">{d.enterpriseName}</td> : null}
                <td className="truncate hide-narrow">{d.traderReference ?? '—'}</td>
                {zones.length > 1 && !zoneId ? <td className="hide-narrow">{zoneById(d.zoneId)?.code ?? '—'}</td> : null}
                <td className="num hide-narrow">{d.lineCount}</td>
                <td className="num">{formatMoney(d.totalValue, d.currency)}</td>
                <td className="nowrap" title={formatDateTime(d.submittedAt)}>
                  {formatShortDateTime(d.submittedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.loading && items.length === 0 ? <Loading label="Loading declarations…" /> : null}
        {!list.loading && !list.error && items.length === 0 ? (
          <Empty>{filtered ? 'No declaration matches these filters.' : 'There are no declarations yet.'}</Empty>
        ) : null}
      </div>

      <div className="pager">
        <span className="muted">
          {items.length > 0 ? `Rows ${firstRow}–${firstRow + items.length - 1}` : ''}
          {list.loading && items.length > 0 ? ' · updating…' : ''}
        </span>
        <label className="inline">
          Rows per page
          <select value={limit} onChange={(e) => setParam('limit', e.target.value === '50' ? '' : e.target.value)}>
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button" disabled={cursors.length === 1} onClick={() => setCursors([null])}>
          Newest
        </button>
        <button type="button" className="button" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ‹ Newer
        </button>
        <button
          type="button"
          className="button"
          disabled={!list.data?.nextCursor}
          onClick={() => {
            const next = list.data?.nextCursor;
            if (next) setCursors((c) => [...c, next]);
          }}
        >
          Older ›
        </button>
      </div>
    </>
  );
}
