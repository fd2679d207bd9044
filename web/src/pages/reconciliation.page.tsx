// A reconciliation of an ERP/WMS stock report with the book: each shortage and overage, those over
// the thresholds highlighted with the reason they were flagged; CSV for a spreadsheet.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { download, withQuery } from '../api/client.ts';
import type { Reconciliation } from '../api/types.ts';
import { useDirectory } from '../app/session.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Loading, PageHeader, Section, Tag } from '../components/ui.tsx';
import { formatDate, formatDateTime, formatDecimal, formatMoney, humanize } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';

/** Why a discrepancy is flagged, in the words of the thresholds shown above the table. */
const FLAG_TEXT: Record<string, string> = {
  SHARE: 'share',
  VALUE: 'value',
  NOT_IN_BOOK: 'not in book',
};

export function ReconciliationPage() {
  const { id = '' } = useParams();
  const { zoneById, enterpriseById } = useDirectory();
  const { push } = useToasts();
  const [onlyFlagged, setOnlyFlagged] = useState(false);
  const [busy, setBusy] = useState(false);
  const rec = useResource<Reconciliation>(`/api/v1/reconciliations/${encodeURIComponent(id)}`);

  if (rec.error) {
    return (
      <>
        <PageHeader title="Reconciliation" />
        {rec.error.status === 404 || rec.error.status === 400 ? <Empty>Reconciliation not found, or not one you may see.</Empty> : <ErrorMessage error={rec.error} />}
      </>
    );
  }
  const r = rec.data;
  if (!r) return <Loading label="Loading the reconciliation…" />;
  const rows = onlyFlagged ? r.discrepancies.filter((d) => d.flagged) : r.discrepancies;
  const share = (value: string | null) => (value === null ? '—' : `${(Number(value) * 100).toFixed(1)} %`);

  return (
    <>
      <PageHeader
        title={`Reconciliation of ${formatDate(r.asOf)}`}
        subtitle={`${enterpriseById(r.enterpriseId)?.name ?? ''} · ${zoneById(r.zoneId)?.code ?? ''} · reconciled ${formatDateTime(r.createdAt)}`}
        actions={
          <>
            <Link className="button" to={`/books/${r.bookId}?tab=reconciliations`}>
              Back to the book
            </Link>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                setBusy(true);
                download(withQuery(`/api/v1/reconciliations/${r.id}`, { format: 'csv' }), `reconciliation-${r.asOf}.csv`).then(
                  () => setBusy(false),
                  (error: unknown) => {
                    setBusy(false);
                    push({ kind: 'error', title: 'The download failed', body: error instanceof Error ? error.message : String(error) });
                  },
                );
              }}
            >
              {busy ? 'Preparing…' : 'Download CSV'}
            </button>
          </>
        }
      />
      <div className="tiles">
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
          <div className="tile-label">Flagged</div>
          <div className="tile-value">{r.flaggedCount}</div>
          <div className="tile-detail">
            Over {share(r.shareThreshold)} or {formatMoney(r.valueThreshold, r.currency)}
          </div>
        </div>
      </div>
      <Section
        title="Discrepancies"
        id="discrepancies"
        actions={
          <label className="check">
            <input type="checkbox" checked={onlyFlagged} onChange={(e) => setOnlyFlagged(e.target.checked)} /> Flagged only
          </label>
        }
      >
        {rows.length === 0 ? (
          <Empty>{r.discrepancies.length === 0 ? 'The book and the report agree on every item.' : 'No flagged discrepancy.'}</Empty>
        ) : (
          <div className="table-wrap table-tall">
            <table className="table table-rows">
              <thead>
                <tr>
                  <th scope="col">Part number</th>
                  <th scope="col">Description and status</th>
                  <th scope="col">Kind</th>
                  <th scope="col" className="num">
                    Book
                  </th>
                  <th scope="col" className="num">
                    Reported
                  </th>
                  <th scope="col" className="num">
                    Difference
                  </th>
                  <th scope="col" className="num">
                    Share
                  </th>
                  <th scope="col" className="num">
                    Value
                  </th>
                  <th scope="col">Flagged for</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.lineNo} className={d.flagged ? 'row-flagged' : ''}>
                    <td className="mono">{d.partNumber ?? d.hsCode}</td>
                    <td className="wrap">
                      {d.description ?? '—'}
                      <div className="muted small">{humanize(d.customsStatus)}</div>
                    </td>
                    <td>
                      <Tag tone={d.kind === 'SHORTAGE' ? 'bad' : 'warn'}>{humanize(d.kind)}</Tag>
                    </td>
                    <td className="num nowrap">
                      {formatDecimal(d.bookQuantity)} {d.unit}
                    </td>
                    <td className="num">{formatDecimal(d.reportedQuantity)}</td>
                    <td className="num">
                      <strong>{formatDecimal(d.quantity)}</strong>
                    </td>
                    <td className="num">{share(d.share)}</td>
                    <td className="num nowrap">{formatMoney(d.value, d.currency)}</td>
                    <td>
                      {d.flagged ? (
                        <span className="flag" title="Over the reconciliation thresholds">
                          <span aria-hidden="true">⚑ </span>
                          {d.flagReasons.map((reason) => FLAG_TEXT[reason] ?? humanize(reason)).join(', ')}
                        </span>
                      ) : (
                        <span className="muted">Within thresholds</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}
