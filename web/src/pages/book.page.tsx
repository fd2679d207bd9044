// One account book: stock by goods and customs status (now or at the end of a past day), its lots,
// its movements and its reconciliations with the enterprise's ERP/WMS stock; CSV downloads; the
// upload of an ERP/WMS stock report, reconciled with the book at once.
import { useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { download, withQuery, type ApiError } from '../api/client.ts';
import {
  CUSTOMS_STATUSES,
  type Book,
  type Lot,
  type Movement,
  type Page,
  type ReconciliationSummary,
  type Stock,
  type StockReportUploaded,
} from '../api/types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Loading, PageHeader, Tag } from '../components/ui.tsx';
import { describeFilePath, toApiError } from '../lib/form-errors.ts';
import { formatDate, formatShortDateTime, formatDecimal, formatMoney, humanize, isoDay } from '../lib/format.ts';
import { canUploadStockReports } from '../lib/rights.ts';
import { readTextFile, sendText } from '../lib/upload.ts';
import { useResource } from '../lib/use-resource.ts';
import { BookProofBundle } from './book-proof-bundle.tsx';

const TABS = [
  ['stock', 'Stock'],
  ['lots', 'Lots'],
  ['movements', 'Movements'],
  ['reconciliations', 'Reconciliations'],
] as const;
type Tab = (typeof TABS)[number][0];

function DownloadButton({ path, filename, label }: { path: string; filename: string; label: string }) {
  const { push } = useToasts();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="button"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        download(path, filename).then(
          () => setBusy(false),
          (error: unknown) => {
            setBusy(false);
            push({ kind: 'error', title: 'The download failed', body: error instanceof Error ? error.message : String(error) });
          },
        );
      }}
    >
      {busy ? 'Preparing…' : label}
    </button>
  );
}

function StockTab({ book }: { book: Book }) {
  const [asOf, setAsOf] = useState('');
  const [status, setStatus] = useState('');
  const stock = useResource<Stock>(withQuery(`/api/v1/books/${book.id}/stock`, { asOf, status }));
  const lines = stock.data?.items ?? [];
  return (
    <>
      <div className="filters">
        <label>
          As of the end of
          <input type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} />
        </label>
        <label>
          Customs status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any status</option>
            {CUSTOMS_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </label>
        {asOf ? (
          <button type="button" className="button button-quiet" onClick={() => setAsOf('')}>
            Show current stock
          </button>
        ) : null}
        <span className="spacer" />
        <DownloadButton path={withQuery(`/api/v1/books/${book.id}/export.csv`, { what: 'stock' })} filename={`${book.code}-stock.csv`} label="Download stock (CSV)" />
        <DownloadButton path={withQuery(`/api/v1/books/${book.id}/export.csv`, { what: 'lots' })} filename={`${book.code}-lots.csv`} label="Lots (CSV)" />
      </div>
      {stock.error ? <ErrorMessage error={stock.error} title="The stock could not be read" /> : null}
      <div className="table-wrap table-tall">
        <table className="table table-rows">
          <thead>
            <tr>
              <th scope="col">Part number</th>
              <th scope="col">Description</th>
              <th scope="col">HS</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Lots
              </th>
              <th scope="col" className="num">
                Quantity
              </th>
              {asOf ? null : (
                <>
                  <th scope="col" className="num">
                    Reserved
                  </th>
                  <th scope="col" className="num">
                    Available
                  </th>
                </>
              )}
              <th scope="col" className="num">
                Value
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line, index) => (
              <tr key={`${line.itemId ?? line.hsCode}-${line.customsStatus}-${line.unit}-${index}`}>
                <td className="mono">
                  {line.partNumber ?? '—'}
                  {line.kind !== 'GOODS' ? (
                    <>
                      {' '}
                      <Tag tone="warn">{humanize(line.kind)}</Tag>
                    </>
                  ) : null}
                </td>
                <td className="wrap">{line.description}</td>
                <td className="mono">{line.hsCode}</td>
                <td>{humanize(line.customsStatus)}</td>
                <td className="num">{line.lots}</td>
                <td className="num nowrap">
                  {formatDecimal(line.quantity)} {line.unit}
                </td>
                {asOf ? null : (
                  <>
                    <td className="num">{formatDecimal(line.reserved)}</td>
                    <td className="num">{formatDecimal(line.available)}</td>
                  </>
                )}
                <td className="num nowrap">{formatMoney(line.value, line.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {stock.loading && lines.length === 0 ? <Loading label="Loading stock…" /> : null}
        {!stock.loading && !stock.error && lines.length === 0 ? <Empty>No goods in this book{asOf ? ` at the end of ${formatDate(asOf)}` : ''}.</Empty> : null}
      </div>
    </>
  );
}

function usePaged<T>(base: string) {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useResource<Page<T>>(withQuery(base, { limit: 100, cursor }));
  return {
    page,
    pager: (
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
    ),
  };
}

function LotsTab({ book }: { book: Book }) {
  const { page, pager } = usePaged<Lot>(`/api/v1/books/${book.id}/lots`);
  const lots = page.data?.items ?? [];
  return (
    <>
      {page.error ? <ErrorMessage error={page.error} title="The lots could not be read" /> : null}
      <div className="table-wrap table-tall">
        <table className="table table-rows">
          <thead>
            <tr>
              <th scope="col">Lot</th>
              <th scope="col">Part number</th>
              <th scope="col">Description and status</th>
              <th scope="col">Origin</th>
              <th scope="col" className="num">
                Received
              </th>
              <th scope="col" className="num">
                Balance
              </th>
              <th scope="col">Received on</th>
              <th scope="col">First admission</th>
            </tr>
          </thead>
          <tbody>
            {lots.map((lot) => (
              <tr key={lot.id}>
                <td>
                  <Link to={`/lots/${lot.id}`} className="mono">
                    {lot.lotNumber}
                  </Link>
                </td>
                <td className="mono">{lot.partNumber ?? '—'}</td>
                <td className="wrap">
                  {lot.description}
                  <div className="muted small">{humanize(lot.customsStatus)}</div>
                </td>
                <td>{lot.originCountry}</td>
                <td className="num nowrap">
                  {formatDecimal(lot.receivedQuantity)} {lot.unit}
                </td>
                <td className={`num nowrap${lot.quantity === '0' ? ' muted' : ''}`}>{formatDecimal(lot.quantity)}</td>
                <td className="nowrap">{formatDate(lot.receiptDate)}</td>
                <td>
                  {lot.firstAdmission.declarationId ? (
                    <Link to={`/declarations/${lot.firstAdmission.declarationId}`} className="mono">
                      {lot.firstAdmission.reference}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.loading && lots.length === 0 ? <Loading label="Loading lots…" /> : null}
        {!page.loading && !page.error && lots.length === 0 ? <Empty>No lot in this book yet.</Empty> : null}
      </div>
      {pager}
    </>
  );
}

function MovementsTab({ book }: { book: Book }) {
  const { page, pager } = usePaged<Movement>(`/api/v1/books/${book.id}/movements`);
  const movements = page.data?.items ?? [];
  return (
    <>
      <div className="filters">
        <span className="spacer" />
        <DownloadButton
          path={withQuery(`/api/v1/books/${book.id}/export.csv`, { what: 'movements' })}
          filename={`${book.code}-movements.csv`}
          label="Download movements (CSV)"
        />
      </div>
      {page.error ? <ErrorMessage error={page.error} title="The movements could not be read" /> : null}
      <div className="table-wrap table-tall">
        <table className="table table-rows">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Lot</th>
              <th scope="col">Kind</th>
              <th scope="col" className="num">
                Quantity
              </th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col">Declaration</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {movements.map((m) => (
              <tr key={m.id}>
                <td className="nowrap">{formatShortDateTime(m.at)}</td>
                <td>
                  <Link to={`/lots/${m.lotId}`} className="mono">
                    {m.lotNumber}
                  </Link>
                </td>
                <td>{humanize(m.kind)}</td>
                <td className="num">{formatDecimal(m.quantity)}</td>
                <td className="num nowrap">{formatMoney(m.value, m.currency)}</td>
                <td>
                  {m.declaration ? (
                    <Link to={`/declarations/${m.declaration.id}`} className="mono">
                      {m.declaration.reference}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="wrap">{m.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.loading && movements.length === 0 ? <Loading label="Loading movements…" /> : null}
        {!page.loading && !page.error && movements.length === 0 ? <Empty>No movement in this book yet.</Empty> : null}
      </div>
      {pager}
    </>
  );
}

function ReconciliationsTab({ book }: { book: Book }) {
  const { page, pager } = usePaged<ReconciliationSummary>(`/api/v1/books/${book.id}/reconciliations`);
  const list = page.data?.items ?? [];
  return (
    <>
      {page.error ? <ErrorMessage error={page.error} title="The reconciliations could not be read" /> : null}
      <div className="table-wrap table-tall">
        <table className="table table-rows">
          <thead>
            <tr>
              <th scope="col">Stock as of</th>
              <th scope="col" className="num">
                Matched
              </th>
              <th scope="col" className="num">
                Shortages
              </th>
              <th scope="col" className="num">
                Overages
              </th>
              <th scope="col" className="num">
                Flagged
              </th>
              <th scope="col" className="num">
                Shortage value
              </th>
              <th scope="col" className="num">
                Overage value
              </th>
              <th scope="col">Reconciled</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id} className={r.flaggedCount > 0 ? 'row-flagged' : ''}>
                <td>
                  <Link to={`/reconciliations/${r.id}`}>{formatDate(r.asOf)}</Link>
                </td>
                <td className="num">{r.matchedCount}</td>
                <td className="num">{r.shortageCount}</td>
                <td className="num">{r.overageCount}</td>
                <td className="num">{r.flaggedCount > 0 ? <Tag tone="bad">{r.flaggedCount} flagged</Tag> : '0'}</td>
                <td className="num nowrap">{formatMoney(r.shortageValue, r.currency)}</td>
                <td className="num nowrap">{formatMoney(r.overageValue, r.currency)}</td>
                <td className="nowrap">{formatShortDateTime(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.loading && list.length === 0 ? <Loading label="Loading reconciliations…" /> : null}
        {!page.loading && !page.error && list.length === 0 ? <Empty>No stock report has been reconciled with this book yet.</Empty> : null}
      </div>
      {pager}
    </>
  );
}

/** The server takes stock files up to this size (MAX_REPORT_BYTES). */
const MAX_REPORT_BYTES = 4 * 1024 * 1024;

/** Where the server names a field of the upload itself rather than of a line of the file. */
const QUERY_FIELDS: Record<string, string> = { '/querystring/asOf': 'asOf', '/querystring/source': 'source' };

function StockReportDialog({ book, onClose, onUploaded }: { book: Book; onClose: () => void; onUploaded: () => void }) {
  const { push } = useToasts();
  const [file, setFile] = useState<File | null>(null);
  const [asOf, setAsOf] = useState(() => isoDay(-1));
  const [source, setSource] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<StockReportUploaded | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const fieldError = (name: string) =>
    error?.details
      .filter((d) => QUERY_FIELDS[d.path] === name)
      .map((d) => d.message)
      .join('; ') || undefined;
  const fileDetails = error?.details.filter((d) => !(d.path in QUERY_FIELDS)) ?? [];

  const upload = async () => {
    setError(null);
    if (!file) {
      setError(toApiError(new Error('Choose the stock file (CSV) exported from the ERP or WMS.')));
      document.getElementById('stock-report-file')?.focus();
      return;
    }
    setBusy(true);
    try {
      const text = await readTextFile(file, MAX_REPORT_BYTES);
      const path = withQuery(`/api/v1/books/${book.id}/stock-reports`, { asOf, source: source.trim() });
      const uploaded = await sendText<StockReportUploaded>(path, { method: 'POST', text, contentType: 'text/csv' });
      setResult(uploaded);
      const r = uploaded.reconciliation;
      push({
        kind: r.flaggedCount > 0 ? 'alert' : 'success',
        title: `Stock report of ${formatDate(uploaded.asOf)} reconciled`,
        body: `${r.matchedCount} matched · ${r.shortageCount} shortages · ${r.overageCount} overages`,
        href: `/reconciliations/${r.id}`,
      });
      onUploaded();
    } catch (caught) {
      const refused = toApiError(caught);
      setError(refused);
      // The file must be chosen again once corrected: a browser does not announce the same file twice.
      if (refused.details.some((d) => !(d.path in QUERY_FIELDS)) && fileInput.current) {
        fileInput.current.value = '';
        setFile(null);
      }
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    const r = result.reconciliation;
    return (
      <FormDialog open title={`Stock report of ${formatDate(result.asOf)} reconciled`} onClose={onClose} wide>
        <p className="dialog-description">
          {result.lineCount} {result.lineCount === 1 ? 'line' : 'lines'} read from {file?.name ?? 'the file'}
          {result.source ? ` (${result.source})` : ''} and compared with the book at the end of {formatDate(result.asOf)}.
        </p>
        <div className="tiles tiles-compact" data-testid="stock-report-result">
          <div className="tile">
            <div className="tile-label">Matched</div>
            <div className="tile-value">{r.matchedCount}</div>
          </div>
          <div className={`tile${r.shortageCount ? ' tile-warn' : ''}`}>
            <div className="tile-label">Shortages</div>
            <div className="tile-value">{r.shortageCount}</div>
            <div className="tile-detail">{formatMoney(r.shortageValue, r.currency)}</div>
          </div>
          <div className={`tile${r.overageCount ? ' tile-warn' : ''}`}>
            <div className="tile-label">Overages</div>
            <div className="tile-value">{r.overageCount}</div>
            <div className="tile-detail">{formatMoney(r.overageValue, r.currency)}</div>
          </div>
          <div className={`tile${r.flaggedCount ? ' tile-bad' : ''}`}>
            <div className="tile-label">Over the thresholds</div>
            <div className="tile-value">{r.flaggedCount}</div>
          </div>
        </div>
        <p>
          <Link to={`/reconciliations/${r.id}`} className="button button-primary" autoFocus>
            Open the reconciliation
          </Link>
        </p>
      </FormDialog>
    );
  }

  return (
    <FormDialog open title="Upload a stock report" submitLabel="Upload and reconcile" busy={busy} onSubmit={() => void upload()} onClose={onClose} wide>
      <p className="dialog-description">
        The stock your ERP or WMS holds for book <span className="mono">{book.code}</span> at the end of a day, as CSV. It is compared with the book at once;
        differences over the administration’s thresholds are flagged to customs.
      </p>
      <div className="form-grid form-grid-2">
        <div className="field span-all">
          <label htmlFor="stock-report-file">
            Stock file (CSV)<span className="required" aria-hidden="true"> *</span>
          </label>
          <input
            ref={fileInput}
            id="stock-report-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="stock-report-file-hint"
            aria-invalid={fileDetails.length > 0 ? true : undefined}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setError(null);
            }}
          />
          <div className="field-hint field-hint-full" id="stock-report-file-hint">
            A header row naming the columns <span className="mono">partNumber</span>, <span className="mono">quantity</span> and <span className="mono">unit</span>{' '}
            (required) and, if needed, <span className="mono">hsCode</span>, <span className="mono">customsStatus</span> and <span className="mono">value</span>, in any
            order; then one line per item. Quantities use a dot for decimals (1250.5).
          </div>
        </div>
        <div className={`field${fieldError('asOf') ? ' field-invalid' : ''}`}>
          <label htmlFor="stock-report-as-of">
            Stock at the end of<span className="required" aria-hidden="true"> *</span>
          </label>
          <input
            id="stock-report-as-of"
            type="date"
            value={asOf}
            max={isoDay(0)}
            onChange={(e) => setAsOf(e.target.value)}
            aria-invalid={fieldError('asOf') ? true : undefined}
            aria-describedby={fieldError('asOf') ? 'stock-report-as-of-error' : undefined}
          />
          {fieldError('asOf') ? (
            <div className="field-error" id="stock-report-as-of-error">
              {fieldError('asOf')}
            </div>
          ) : null}
        </div>
        <div className={`field${fieldError('source') ? ' field-invalid' : ''}`}>
          <label htmlFor="stock-report-source">
            Source <span className="optional">(optional)</span>
          </label>
          <input
            id="stock-report-source"
            value={source}
            maxLength={100}
            placeholder="e.g. SAP EWM"
            onChange={(e) => setSource(e.target.value)}
            aria-invalid={fieldError('source') ? true : undefined}
            aria-describedby={fieldError('source') ? 'stock-report-source-error' : undefined}
          />
          {fieldError('source') ? (
            <div className="field-error" id="stock-report-source-error">
              {fieldError('source')}
            </div>
          ) : null}
        </div>
      </div>
      {error && (fileDetails.length > 0 || error.details.length === 0) ? (
        <div className="error-box" role="alert" data-testid="stock-report-error">
          <strong>The stock report was not stored</strong>
          <span>{error.message}</span>
          {fileDetails.length > 0 ? (
            <ul className="file-errors">
              {fileDetails.map((d) => (
                <li key={`${d.path}:${d.message}`}>
                  <strong>{describeFilePath(d.path)}</strong>: {d.message}
                </li>
              ))}
            </ul>
          ) : null}
          {fileDetails.length > 0 ? <span className="small">Correct the file and choose it again: nothing was stored.</span> : null}
        </div>
      ) : null}
    </FormDialog>
  );
}

export function BookPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab: Tab = (TABS.find(([key]) => key === params.get('tab'))?.[0] ?? 'stock');
  const { zoneById, enterpriseById } = useDirectory();
  const { principal } = useSession();
  const book = useResource<Book>(`/api/v1/books/${encodeURIComponent(id)}`);
  const [uploading, setUploading] = useState(false);
  // A new reconciliation shows at once in its tab.
  const [uploads, setUploads] = useState(0);

  if (book.error) {
    return (
      <>
        <PageHeader title="Account book" />
        {book.error.status === 404 || book.error.status === 400 ? (
          <Empty>
            Book not found, or not one you may see. <Link to="/books">Back to the books</Link>
          </Empty>
        ) : (
          <ErrorMessage error={book.error} title="The book could not be read" />
        )}
      </>
    );
  }
  const b = book.data;
  if (!b) return <Loading label="Loading the book…" />;

  return (
    <>
      <PageHeader
        title={
          <>
            <span className="mono">{b.code}</span> {b.name}
          </>
        }
        subtitle={`${enterpriseById(b.enterpriseId)?.name ?? ''} · ${zoneById(b.zoneId)?.code ?? ''} · ${humanize(b.kind)} book opened ${formatDate(b.openedOn)}`}
        actions={
          canUploadStockReports(principal) && b.active ? (
            <button type="button" className="button" onClick={() => setUploading(true)}>
              Upload stock report
            </button>
          ) : null
        }
      />
      <BookProofBundle book={b} />
      <div className="tabs" role="tablist" aria-label="Book views">
        {TABS.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`tab-${key}`}
            aria-selected={tab === key}
            aria-controls={`panel-${key}`}
            tabIndex={tab === key ? 0 : -1}
            className={`tab${tab === key ? ' active' : ''}`}
            onClick={() => setParams(key === 'stock' ? {} : { tab: key }, { replace: true })}
            onKeyDown={(event) => {
              const index = TABS.findIndex(([k]) => k === tab);
              const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
              if (step === 0) return;
              const next = TABS[(index + step + TABS.length) % TABS.length];
              if (!next) return;
              setParams(next[0] === 'stock' ? {} : { tab: next[0] }, { replace: true });
              document.getElementById(`tab-${next[0]}`)?.focus();
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'stock' ? <StockTab book={b} /> : null}
        {tab === 'lots' ? <LotsTab book={b} /> : null}
        {tab === 'movements' ? <MovementsTab book={b} /> : null}
        {tab === 'reconciliations' ? <ReconciliationsTab key={uploads} book={b} /> : null}
      </div>
      {uploading ? <StockReportDialog book={b} onClose={() => setUploading(false)} onUploaded={() => setUploads((n) => n + 1)} /> : null}
    </>
  );
}
