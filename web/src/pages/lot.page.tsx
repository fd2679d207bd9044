// One lot: its balance, its movements, and its trail back to the admission that brought the goods
// into the zone (through transfers and processing), as far as the user may see.
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { LotDetail, LotTrace, Movement, TraceNode } from '../api/types.ts';
import { useDirectory } from '../app/session.tsx';
import { Empty, ErrorMessage, Facts, Loading, PageHeader, Section, Tag } from '../components/ui.tsx';
import { formatDate, formatShortDateTime, formatDecimal, formatMoney, humanize } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';

function MovementsTable({ movements }: { movements: Movement[] }) {
  if (movements.length === 0) return <p className="muted">No movement.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-compact table-rows">
        <thead>
          <tr>
            <th scope="col">When</th>
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
    </div>
  );
}

function TraceTree({ trace, rootId }: { trace: LotTrace; rootId: string }) {
  const nodes = new Map(trace.nodes.map((n) => [n.lotId, n]));
  const render = (node: TraceNode, seen: Set<string>): ReactNode => {
    const lot = node.lot;
    const children = node.sourceLotIds.filter((id) => !seen.has(id)).map((id) => nodes.get(id)).filter((n): n is TraceNode => n !== undefined);
    const nextSeen = new Set([...seen, node.lotId]);
    return (
      <li key={node.lotId}>
        <div className={`trace-node${node.admission ? ' trace-admission' : ''}`}>
          {node.visible && lot ? (
            <>
              <div className="trace-head">
                {node.lotId === rootId ? <strong className="mono">{lot.lotNumber}</strong> : <Link to={`/lots/${lot.id}`} className="mono">{lot.lotNumber}</Link>}
                <span>{lot.description}</span>
                <Tag tone={node.admission ? 'good' : 'neutral'}>{node.admission ? 'Admission: the trail ends here' : humanize(lot.customsStatus)}</Tag>
              </div>
              <div className="muted small">
                Received {formatDecimal(lot.receivedQuantity)} {lot.unit} on {formatDate(lot.receiptDate)}
                {lot.receivingDeclaration ? (
                  <>
                    {' '}
                    by{' '}
                    <Link to={`/declarations/${lot.receivingDeclaration.id}`} className="mono">
                      {lot.receivingDeclaration.reference}
                    </Link>{' '}
                    ({humanize(lot.receivingDeclaration.type)})
                  </>
                ) : null}{' '}
                · balance {formatDecimal(lot.quantity)} · origin {lot.originCountry}
              </div>
              {node.movements.length > 0 ? (
                <details>
                  <summary>
                    {node.movements.length} movement{node.movements.length === 1 ? '' : 's'}
                  </summary>
                  <MovementsTable movements={node.movements} />
                </details>
              ) : null}
            </>
          ) : (
            <span className="muted">A lot of another enterprise or zone, not visible to you.</span>
          )}
        </div>
        {children.length > 0 ? <ul className="trace">{children.map((child) => render(child, nextSeen))}</ul> : null}
      </li>
    );
  };
  const root = nodes.get(rootId) ?? trace.nodes.find((n) => n.depth === 0);
  if (!root) return <Empty>No trail.</Empty>;
  return <ul className="trace trace-root">{render(root, new Set())}</ul>;
}

export function LotPage() {
  const { id = '' } = useParams();
  const { zoneById } = useDirectory();
  const lot = useResource<LotDetail>(`/api/v1/lots/${encodeURIComponent(id)}`);
  const trace = useResource<LotTrace>(`/api/v1/lots/${encodeURIComponent(id)}/trace`);

  if (lot.error) {
    return (
      <>
        <PageHeader title="Lot" />
        {lot.error.status === 404 || lot.error.status === 400 ? <Empty>Lot not found, or not one you may see.</Empty> : <ErrorMessage error={lot.error} />}
      </>
    );
  }
  const l = lot.data;
  if (!l) return <Loading label="Loading the lot…" />;

  return (
    <>
      <PageHeader
        title={
          <>
            Lot <span className="mono">{l.lotNumber}</span>
          </>
        }
        subtitle={`${l.description} · ${zoneById(l.zoneId)?.code ?? ''}`}
        actions={
          <Link className="button" to={`/books/${l.bookId}?tab=lots`}>
            Back to the book
          </Link>
        }
      />
      <Section title="Lot" id="lot">
          <Facts
            items={[
              ['Part number', l.partNumber],
              ['HS code', <span className="mono">{l.hsCode}</span>],
              ['Customs status', humanize(l.customsStatus)],
              ['Origin', l.originCountry],
              ['Received', `${formatDecimal(l.receivedQuantity)} ${l.unit}`],
              ['Balance', `${formatDecimal(l.quantity)} ${l.unit}`],
              ['Reserved', formatDecimal(l.reserved)],
              ['Available', formatDecimal(l.available)],
              ['Unit value', formatMoney(l.unitValue, l.currency)],
              ['Value', formatMoney(l.value, l.currency)],
              ['Location', l.location],
              [
                'First admission',
                l.firstAdmission.declarationId ? (
                  <Link to={`/declarations/${l.firstAdmission.declarationId}`} className="mono">
                    {l.firstAdmission.reference}
                  </Link>
                ) : null,
              ],
            ]}
          />
      </Section>
      <Section title="Movements" id="movements">
        <MovementsTable movements={l.movements} />
      </Section>
      <Section
        title="Trail back to admission"
        id="trace"
        actions={trace.data && !trace.data.complete ? <Tag tone="warn">Incomplete: part of the trail is not visible</Tag> : null}
      >
        {trace.error ? <ErrorMessage error={trace.error} title="The trail could not be read" /> : null}
        {trace.loading && !trace.data ? <Loading /> : null}
        {trace.data ? <TraceTree trace={trace.data} rootId={l.id} /> : null}
      </Section>
    </>
  );
}
