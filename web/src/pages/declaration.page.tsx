// One declaration: what was declared (lines, transport), its lane and why (for those who may read
// targeting), its full history, its bills, its gate passes once released, and the actions the
// user's role allows now, each confirmed with a reason. Refreshed when a live event concerns it.
import { useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, newIdempotencyKey, withQuery } from '../api/client.ts';
import type { Bill, DeclarationAction, DeclarationDetail, Page } from '../api/types.ts';
import { canReadBills, useDirectory, useSession } from '../app/session.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Facts, LaneBadge, Loading, PageHeader, Section, StateBadge, Tag } from '../components/ui.tsx';
import { ACTION_LABELS, formatDateTime, formatDecimal, formatMoney, humanize } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';
import { markOwnAction, useLiveEvents } from '../live/live.tsx';
import { canReadInspections, canSeeTargeting } from '../lib/rights.ts';
import { DeclarationGatePasses, hasGatePasses } from './declaration-gate-passes.tsx';
import { DeclarationInspections } from './declaration-inspections.tsx';
import { DeclarationRiskPanel } from './declaration-risk.tsx';
import { DeclarationDocuments } from './declaration-documents.tsx';

interface ActionSpec {
  label: string;
  title: string;
  description: string;
  danger?: boolean;
  reasonRequired: boolean;
}

const ACTION_SPECS: Partial<Record<DeclarationAction, ActionSpec>> = {
  START_INSPECTION: {
    label: 'Start inspection',
    title: 'Start the inspection',
    description: 'The declaration goes under inspection; it can then be released or rejected.',
    reasonRequired: false,
  },
  RELEASE: {
    label: 'Release',
    title: 'Release the goods',
    description: 'The goods may leave under this declaration. Books are reserved until they pass the gate.',
    reasonRequired: false,
  },
  REJECT: {
    label: 'Reject',
    title: 'Reject the declaration',
    description: 'The declaration is refused and closed. The trader sees the reason.',
    danger: true,
    reasonRequired: true,
  },
  COMPLETE: {
    label: 'Confirm gate exit',
    title: 'Confirm that the goods have passed the gate',
    description: 'The declaration is completed and posted to the books.',
    reasonRequired: false,
  },
  CANCEL: {
    label: 'Cancel declaration',
    title: 'Cancel the declaration',
    description: 'The declaration is withdrawn and cannot be used again.',
    danger: true,
    reasonRequired: true,
  },
};

const DECISIONS: readonly DeclarationAction[] = ['START_INSPECTION', 'RELEASE', 'REJECT', 'COMPLETE'];

export function DeclarationPage() {
  const { id = '' } = useParams();
  const { principal } = useSession();
  const { zoneById, enterpriseById } = useDirectory();
  const navigate = useNavigate();
  const { push } = useToasts();
  const declaration = useResource<DeclarationDetail>(`/api/v1/declarations/${encodeURIComponent(id)}`);
  const bills = useResource<Page<Bill>>(canReadBills(principal) ? withQuery('/api/v1/bills', { declarationId: id }) : null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [changedLive, setChangedLive] = useState(false);

  // The user's own action comes back as live events too; those are not news to them.
  const ownActionUntil = useRef(0);

  useLiveEvents((event) => {
    if (event === null || event.aggregateId === id || (event.type.startsWith('bill.') && event.data.declarationId === id)) {
      declaration.reload(true);
      bills.reload(true);
      const shown = declaration.data;
      if (event?.type.startsWith('declaration.') && shown && Date.now() > ownActionUntil.current && Date.parse(event.at) > Date.parse(shown.updatedAt)) {
        setChangedLive(true);
      }
    }
  });

  if (declaration.error) {
    const missing = declaration.error.status === 404 || declaration.error.status === 400;
    return (
      <>
        <PageHeader title="Declaration" />
        {missing ? (
          <Empty>
            <strong>Declaration not found.</strong> It does not exist, or it is not one you may see. <Link to="/declarations">Back to the list</Link>
          </Empty>
        ) : (
          <ErrorMessage error={declaration.error} title="The declaration could not be read" />
        )}
      </>
    );
  }
  const d = declaration.data;
  if (!d) return <Loading label="Loading the declaration…" />;

  const act = (action: DeclarationAction) => {
    if (action === 'AMEND') {
      void navigate(`/declarations/${d.id}/amend`);
      return;
    }
    const spec = ACTION_SPECS[action];
    if (!spec) return;
    const key = newIdempotencyKey();
    setConfirm({
      title: `${spec.title}: ${d.reference}`,
      description: spec.description,
      confirmLabel: spec.label,
      ...(spec.danger ? { danger: true } : {}),
      reasonRequired: spec.reasonRequired,
      onConfirm: async (reason) => {
        ownActionUntil.current = Date.now() + 5000;
        markOwnAction(d.id);
        if (action === 'CANCEL') {
          await api(`/api/v1/declarations/${d.id}/cancellation`, { method: 'POST', body: { reason }, idempotencyKey: key });
        } else {
          await api(`/api/v1/declarations/${d.id}/decisions`, {
            method: 'POST',
            body: reason ? { action, reason } : { action },
            idempotencyKey: key,
          });
        }
        push({ kind: 'success', title: `${d.reference}: ${(ACTION_LABELS[action] ?? humanize(action)).toLowerCase()}` });
        setChangedLive(false);
        declaration.reload(true);
        bills.reload(true);
      },
    });
  };

  const actions = d.allowedActions.filter((a) => a === 'AMEND' || a === 'CANCEL' || DECISIONS.includes(a));
  const zone = zoneById(d.zoneId);
  const t = d.transport;

  return (
    <>
      <PageHeader
        title={
          <>
            <span className="mono">{d.reference}</span> <StateBadge state={d.state} /> <LaneBadge lane={d.lane} />
          </>
        }
        subtitle={`${humanize(d.type)} · ${d.enterpriseName}${zone ? ` · ${zone.code} ${zone.name}` : ''}`}
        actions={
          actions.length > 0 ? (
            <div className="action-bar" role="group" aria-label="Actions">
              {actions.map((action) => (
                <button
                  key={action}
                  type="button"
                  className={`button ${ACTION_SPECS[action]?.danger ? 'button-danger-quiet' : action === 'AMEND' ? '' : 'button-primary'}`}
                  onClick={() => act(action)}
                >
                  {action === 'AMEND' ? 'Amend' : (ACTION_SPECS[action]?.label ?? humanize(action))}
                </button>
              ))}
            </div>
          ) : (
            <span className="muted" data-testid="no-actions">
              No action open to you
            </span>
          )
        }
      />
      {changedLive ? (
        <div className="banner" role="status">
          This declaration changed while you were looking; the page shows it as it is now.
        </div>
      ) : null}

      <div className="grid-2">
        <Section title="Declaration" id="summary">
          <Facts
            items={[
              ['Trader reference', d.traderReference],
              ['Submitted', formatDateTime(d.submittedAt)],
              ['Assessed', formatDateTime(d.assessedAt)],
              ['Released', formatDateTime(d.releasedAt)],
              ['Decided', formatDateTime(d.decidedAt)],
              ['Completed', formatDateTime(d.completedAt)],
              ['Total value', formatMoney(d.totalValue, d.currency)],
              ['Gross mass', `${formatDecimal(d.totalGrossMass)} kg`],
              ['Origin', d.originCountry],
              ['Destination country', d.destinationCountry],
              [
                'Destination',
                d.destination
                  ? `${zoneById(d.destination.zoneId)?.code ?? 'zone'} · ${enterpriseById(d.destination.enterpriseId)?.name ?? 'enterprise'}`
                  : null,
              ],
              ['Version', String(d.version)],
            ]}
          />
        </Section>
        <Section title="Lane" id="lane">
          <div className="lane-summary">
            <LaneBadge lane={d.lane} />
            {d.riskScore !== null ? <span className="muted">Risk score {d.riskScore}</span> : null}
          </div>
          {d.laneReasons.length > 0 ? (
            <ul className="reasons" aria-label="Lane reasons">
              {d.laneReasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          ) : (
            <p className="muted small">{d.lane ? 'The reasons for the lane are kept by customs.' : 'Not assessed yet.'}</p>
          )}
          <h3>Transport</h3>
          <Facts
            items={[
              ['Mode', humanize(t.mode)],
              ['Vehicle plate', t.vehiclePlate],
              ['Vessel or flight', t.vesselOrFlight],
              ['Containers', t.containers?.length ? <span className="mono">{t.containers.join(', ')}</span> : null],
              ['Seals', t.seals?.length ? <span className="mono">{t.seals.join(', ')}</span> : null],
              ['Transport document', t.transportDocument ? `${humanize(t.transportDocument.type)} ${t.transportDocument.number}` : null],
              ['Port of loading', t.portOfLoading],
              ['Port of discharge', t.portOfDischarge],
            ]}
          />
        </Section>
      </div>

      {canReadInspections(principal) ? <DeclarationInspections declarationId={d.id} /> : null}

      {canSeeTargeting(principal) ? (
        <DeclarationRiskPanel
          key={`${d.id}:${d.version}:${d.state}`}
          declarationId={d.id}
          state={d.state}
          canRecord={principal.role === 'admin' || principal.role === 'customs_officer'}
        />
      ) : null}

      <Section title={`Lines (${d.lines.length})`} id="lines">
        <div className="table-wrap">
          <table className="table table-rows">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Part number</th>
                <th scope="col">HS</th>
                <th scope="col">Description</th>
                <th scope="col">Origin</th>
                <th scope="col" className="num">
                  Quantity
                </th>
                <th scope="col" className="num">
                  Net kg
                </th>
                <th scope="col" className="num">
                  Gross kg
                </th>
                <th scope="col" className="num">
                  Customs value
                </th>
                {d.type === 'PROCESSING' ? <th scope="col">Role</th> : null}
              </tr>
            </thead>
            <tbody>
              {d.lines.map((line) => (
                <tr key={line.lineNo}>
                  <td className="num">{line.lineNo}</td>
                  <td className="mono">{line.partNumber ?? '—'}</td>
                  <td className="mono" title={line.tariffCode ? `Tariff line ${line.tariffCode}` : undefined}>
                    {line.hsCode}
                  </td>
                  <td className="wrap">{line.description}</td>
                  <td>{line.originCountry}</td>
                  <td className="num nowrap">
                    {formatDecimal(line.quantity)} {line.unit}
                  </td>
                  <td className="num">{formatDecimal(line.netMass)}</td>
                  <td className="num">{formatDecimal(line.grossMass)}</td>
                  <td className="num nowrap">{formatMoney(line.customsValue, line.currency)}</td>
                  {d.type === 'PROCESSING' ? <td>{line.processingRole ? humanize(line.processingRole) : '—'}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>

      {hasGatePasses(d) ? <DeclarationGatePasses key={`${d.id}:${d.state}`} declaration={d} /> : null}
      <DeclarationDocuments key={`documents-${d.id}`} declaration={d} />

      <div className="grid-2">
        <Section title="History" id="history">
          <ol className="timeline">
            {d.history.map((step, index) => (
              <li key={`${step.at}-${index}`}>
                <div className="timeline-head">
                  <strong>{ACTION_LABELS[step.action] ?? humanize(step.action)}</strong>
                  {step.lane && step.action === 'ASSESS' ? <LaneBadge lane={step.lane} /> : null}
                  <span className="muted nowrap">{formatDateTime(step.at)}</span>
                </div>
                <div className="muted small">
                  {step.fromState ? `${humanize(step.fromState)} → ` : ''}
                  {humanize(step.toState)} · {step.actorName ?? (step.actorRole === 'system' ? 'Cordon' : humanize(step.actorRole))}
                </div>
                {step.reason ? <div className="timeline-reason">{step.reason}</div> : null}
              </li>
            ))}
          </ol>
        </Section>
        {canReadBills(principal) ? (
          <Section title="Bills" id="bills">
            {bills.error ? <ErrorMessage error={bills.error} title="The bills could not be read" /> : null}
            {bills.loading && !bills.data ? <Loading /> : null}
            {bills.data && bills.data.items.length === 0 ? (
              <p className="muted">{d.type === 'DOMESTIC_RELEASE' ? 'No bill has been issued yet.' : 'No duties are billed on this type of declaration.'}</p>
            ) : null}
            {bills.data && bills.data.items.length > 0 ? (
              <div className="table-wrap">
                <table className="table table-rows">
                  <thead>
                    <tr>
                      <th scope="col">Bill</th>
                      <th scope="col">Status</th>
                      <th scope="col" className="num">
                        Duty
                      </th>
                      <th scope="col" className="num">
                        Excise
                      </th>
                      <th scope="col" className="num">
                        VAT
                      </th>
                      <th scope="col" className="num">
                        Total
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {bills.data.items.map((bill) => (
                      <tr key={bill.id}>
                        <td>
                          <div className="mono">{bill.number}</div>
                          <div className="muted small mono">{bill.paymentReference}</div>
                        </td>
                        <td>
                          <Tag tone={bill.status === 'PAID' ? 'good' : bill.status === 'UNPAID' ? 'warn' : bill.status === 'CANCELLED' ? 'neutral' : 'info'}>
                            {humanize(bill.status)}
                          </Tag>
                          {bill.paidAt ? <div className="muted small">{formatDateTime(bill.paidAt)}</div> : null}
                        </td>
                        <td className="num">{formatMoney(bill.duty)}</td>
                        <td className="num">{formatMoney(bill.excise)}</td>
                        <td className="num">{formatMoney(bill.vat)}</td>
                        <td className="num nowrap">
                          <strong>{formatMoney(bill.total, bill.currency)}</strong>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </Section>
        ) : null}
      </div>

      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </>
  );
}
