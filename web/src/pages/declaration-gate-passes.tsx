// The gate passes of a released declaration: the one its release issued for all the goods and any
// issued since for part of them, each with its status. The declaring enterprise, officers and
// admins may issue a pass for part of the goods (a truck of its own, with its plate, containers,
// seals and the quantity of each line it carries) and cancel a pass not yet used.
import { useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, newIdempotencyKey, withQuery } from '../api/client.ts';
import type { GatePass, GatePassInput, PassStatus } from '../api/gate-types.ts';
import type { DeclarationDetail, DeclarationType, Page } from '../api/types.ts';
import { isStaff, useSession } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field, fieldId } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { ReasonDialog } from '../components/reason-dialog.tsx';
import { Empty, ErrorMessage, Loading, Section, Tag } from '../components/ui.tsx';
import { addDecimals, compareDecimal, isDecimal, subtractDecimal } from '../lib/decimal.ts';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { formatDecimal, formatShortDateTime, humanize } from '../lib/format.ts';
import { canIssueGatePasses } from '../lib/rights.ts';
import { useResource } from '../lib/use-resource.ts';
import { useLiveEvents } from '../live/live.tsx';

/** The declarations whose goods cross the zone's fence, once released: the others have no pass. */
const CROSSING_TYPES: readonly DeclarationType[] = ['ADMISSION', 'DOMESTIC_ADMISSION', 'EXPORT', 'DOMESTIC_RELEASE', 'TRANSFER'];

export function hasGatePasses(declaration: DeclarationDetail): boolean {
  return CROSSING_TYPES.includes(declaration.type) && (declaration.state === 'RELEASED' || declaration.state === 'COMPLETED');
}

const PASS_TONES: Record<PassStatus, 'info' | 'good' | 'neutral'> = { ISSUED: 'info', USED: 'good', CANCELLED: 'neutral' };

/** "CS-4471, CS-4472" → ["CS-4471", "CS-4472"]: commas, semicolons or new lines separate. */
const splitList = (text: string) =>
  text
    .split(/[,;\n]+/)
    .map((part) => part.trim())
    .filter(Boolean);

/**
 * What of each line a new pass may take: the goods on no pass, and those still on the pass the
 * release issued (it gives them up while unused). Goods on a used or a separate pass stay there.
 */
function availableByLine(declaration: DeclarationDetail, passes: GatePass[]): Map<number, string> {
  const available = new Map<number, string>();
  const held = passes.filter((pass) => pass.status === 'USED' || (pass.status === 'ISSUED' && !pass.automatic));
  for (const line of declaration.lines) {
    const taken = held.flatMap((pass) => pass.lines.filter((l) => l.lineNo === line.lineNo).map((l) => l.quantity));
    available.set(line.lineNo, subtractDecimal(line.quantity, addDecimals(taken)));
  }
  return available;
}

function IssuePassDialog({ declaration, passes, onClose, onIssued }: { declaration: DeclarationDetail; passes: GatePass[]; onClose: () => void; onIssued: (pass: GatePass) => void }) {
  const [plate, setPlate] = useState('');
  const [containers, setContainers] = useState<string[]>([]);
  const [seals, setSeals] = useState('');
  const [quantities, setQuantities] = useState<string[]>(() => declaration.lines.map(() => ''));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [key] = useState(newIdempotencyKey);
  const available = availableByLine(declaration, passes);
  const declaredContainers = declaration.transport.containers ?? [];
  // The server names a line by its place among those sent; the form by its place in the declaration.
  const [sentRows, setSentRows] = useState<number[]>([]);

  const normalize = (path: string) =>
    path
      .replace(/^\/lines\/(\d+)/, (whole, index: string) => {
        const row = sentRows[Number(index)];
        return row === undefined ? whole : `/lines/${row}`;
      })
      .replace(/^\/(containers|seals)\/\d+$/, '/$1');
  const describe = (path: string) => {
    const line = /^\/lines\/(\d+)/.exec(path);
    if (line) return `Line ${declaration.lines[Number(line[1])]?.lineNo ?? Number(line[1]) + 1}: quantity`;
    const names: Record<string, string> = { '/vehiclePlate': 'Vehicle plate', '/containers': 'Containers', '/seals': 'Seals', '/lines': 'Quantities' };
    return names[path] ?? path.replace(/^\//, '');
  };
  const errors = error ? errorsByPath(error.details, normalize) : {};

  const submit = async () => {
    const rows = quantities.map((quantity, row) => ({ quantity: quantity.trim(), row })).filter((entry) => entry.quantity !== '' && !(isDecimal(entry.quantity) && compareDecimal(entry.quantity, '0') === 0));
    if (rows.length === 0) {
      setError(new ApiError(400, 'VALIDATION_FAILED', 'The pass carries no goods', [{ path: '/lines', message: 'give the quantity of at least one line' }]));
      return;
    }
    const body: GatePassInput = {
      declarationId: declaration.id,
      lines: rows.map(({ quantity, row }) => ({ lineNo: declaration.lines[row]?.lineNo ?? row + 1, quantity })),
    };
    if (plate.trim()) body.vehiclePlate = plate.trim().toUpperCase();
    if (containers.length > 0) body.containers = containers;
    if (splitList(seals).length > 0) body.seals = splitList(seals);
    setSentRows(rows.map((entry) => entry.row));
    setBusy(true);
    setError(null);
    try {
      const pass = await api<GatePass>('/api/v1/gate-passes', { method: 'POST', body, idempotencyKey: key });
      setBusy(false);
      onIssued(pass);
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      open
      wide
      title="Issue a pass for part of the goods"
      description="For one truck: the gate opens for it when what its readers see matches this pass."
      submitLabel="Issue pass"
      busy={busy}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title="The pass was not issued" normalize={normalize} describe={describe} /> : null}
      <div className="form-grid form-grid-2">
        <Field path="/vehiclePlate" label="Vehicle plate" error={errors['/vehiclePlate']} hint="As the gate camera reads it. Leave empty for any truck.">
          <input value={plate} onChange={(e) => setPlate(e.target.value)} className="mono" autoComplete="off" spellCheck={false} maxLength={20} autoFocus />
        </Field>
        <Field path="/seals" label="Seals" error={errors['/seals']} hint="Seal numbers on this truck, separated by commas.">
          <input value={seals} onChange={(e) => setSeals(e.target.value)} className="mono" autoComplete="off" spellCheck={false} />
        </Field>
        {declaredContainers.length > 0 ? (
          <fieldset
            className={`choice-group span-all${errors['/containers'] ? ' field-invalid' : ''}`}
            aria-describedby={errors['/containers'] ? `${fieldId('/containers')}-error` : undefined}
          >
            <legend>Containers on this truck</legend>
            <div className="choice-list choice-columns">
              {declaredContainers.map((number, index) => (
                <label className="check" key={number}>
                  <input
                    type="checkbox"
                    id={index === 0 ? fieldId('/containers') : undefined}
                    checked={containers.includes(number)}
                    onChange={(e) => setContainers((list) => (e.target.checked ? [...list, number] : list.filter((n) => n !== number)))}
                  />
                  <span className="mono">{number}</span>
                </label>
              ))}
            </div>
            {errors['/containers'] ? (
              <div className="field-error" id={`${fieldId('/containers')}-error`}>
                {errors['/containers']}
              </div>
            ) : null}
          </fieldset>
        ) : null}
      </div>
      <fieldset className="plain-fieldset pass-lines">
        <legend className="field-label">Quantity of each line on this truck</legend>
        <p className="muted small section-intro">What is available is on no pass yet, or still on the pass the release issued, which gives it up.</p>
        {errors['/lines'] ? (
          <div className="field-error" id={`${fieldId('/lines')}-error`}>
            {errors['/lines']}
          </div>
        ) : null}
        <div className="table-wrap">
          <table className="table table-compact table-inputs">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Goods</th>
                <th scope="col" className="num">
                  Available
                </th>
                <th scope="col">This pass</th>
              </tr>
            </thead>
            <tbody>
              {declaration.lines.map((line, row) => {
                const path = `/lines/${row}/quantity`;
                const left = available.get(line.lineNo) ?? line.quantity;
                const message = errors[path] ?? errors[`/lines/${row}`];
                return (
                  <tr key={line.lineNo} className={message ? 'cell-invalid' : undefined}>
                    <td className="num">{line.lineNo}</td>
                    <td className="wrap">{line.description}</td>
                    <td className="num nowrap">
                      {formatDecimal(left)} {line.unit}
                    </td>
                    <td>
                      <input
                        id={fieldId(path)}
                        className="input-number"
                        inputMode="decimal"
                        value={quantities[row] ?? ''}
                        aria-label={`Line ${line.lineNo}: quantity for this pass, in ${line.unit}`}
                        aria-invalid={message ? true : undefined}
                        aria-describedby={message ? `${fieldId(path)}-error` : undefined}
                        onChange={(e) => setQuantities((list) => list.map((q, i) => (i === row ? e.target.value : q)))}
                      />
                      {message ? (
                        <div className="field-error" id={`${fieldId(path)}-error`}>
                          {message}
                        </div>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </fieldset>
    </FormDialog>
  );
}

function CancelPassDialog({ pass, onClose, onCancelled }: { pass: GatePass; onClose: () => void; onCancelled: (pass: GatePass) => void }) {
  return (
    <ReasonDialog
      title={`Cancel gate pass ${pass.number}?`}
      description="The gate no longer opens for it. Its goods can go on another pass."
      submitLabel="Cancel pass"
      cancelLabel="Back"
      refusedTitle="The pass was not cancelled"
      maxLength={1000}
      send={(reason, idempotencyKey) => api<GatePass>(`/api/v1/gate-passes/${pass.id}/cancellation`, { method: 'POST', body: { reason }, idempotencyKey })}
      onDone={onCancelled}
      onClose={onClose}
    />
  );
}

export function DeclarationGatePasses({ declaration }: { declaration: DeclarationDetail }) {
  const { principal } = useSession();
  const { push } = useToasts();
  const passes = useResource<Page<GatePass>>(withQuery('/api/v1/gate-passes', { declarationId: declaration.id, limit: 200 }));
  const [issuing, setIssuing] = useState(false);
  const [cancelling, setCancelling] = useState<GatePass | null>(null);
  const mayIssue = canIssueGatePasses(principal, declaration.enterpriseId);
  const released = declaration.state === 'RELEASED';
  const staff = isStaff(principal);

  useLiveEvents((event) => {
    if (event === null || (event.type.startsWith('gate') && (event.data.declarationId === declaration.id || event.data.declarationReference === declaration.reference))) {
      passes.reload(true);
    }
  });

  const items = passes.data?.items ?? [];
  return (
    <Section
      title="Gate passes"
      id="gate-passes"
      actions={
        mayIssue && released ? (
          <button type="button" className="button" onClick={() => setIssuing(true)}>
            Issue a pass for part of the goods
          </button>
        ) : null
      }
    >
      {passes.error ? <ErrorMessage error={passes.error} title="The gate passes could not be read" /> : null}
      {passes.loading && !passes.data ? <Loading label="Loading gate passes…" /> : null}
      {passes.data && items.length === 0 ? <Empty>No gate pass has been issued for this declaration.</Empty> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-rows" aria-label="Gate passes">
            <thead>
              <tr>
                <th scope="col">Pass</th>
                <th scope="col">Status</th>
                <th scope="col">Truck</th>
                <th scope="col">Goods</th>
                <th scope="col">Valid until</th>
                {mayIssue ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {items.map((pass) => (
                <tr key={pass.id} data-pass-number={pass.number}>
                  <td>
                    <span className="mono">{pass.number}</span>
                    <div className="muted small">{pass.direction === 'IN' ? 'Into the zone' : 'Out of the zone'}</div>
                  </td>
                  <td>
                    <Tag tone={PASS_TONES[pass.status]}>{humanize(pass.status)}</Tag>
                    {pass.usedAt ? (
                      <div className="muted small">
                        {staff && pass.passageId ? <Link to={`/gates/passages/${pass.passageId}`}>{formatShortDateTime(pass.usedAt)}</Link> : formatShortDateTime(pass.usedAt)}
                      </div>
                    ) : null}
                  </td>
                  <td className="wrap small">
                    <div>
                      Plate <span className="mono">{pass.vehiclePlate ?? 'any'}</span>
                    </div>
                    {pass.containers.length > 0 ? <div className="mono">{pass.containers.join(', ')}</div> : null}
                    {pass.seals.length > 0 ? (
                      <div>
                        Seals <span className="mono">{pass.seals.join(', ')}</span>
                      </div>
                    ) : null}
                  </td>
                  <td className="wrap small">
                    {pass.lines.map((line) => (
                      <div key={line.lineNo}>
                        Line {line.lineNo}: {formatDecimal(line.quantity)} {line.unit}
                      </div>
                    ))}
                    <div className="muted">{formatDecimal(pass.expectedGrossKg)} kg gross</div>
                  </td>
                  <td className="nowrap">{formatShortDateTime(pass.validTo)}</td>
                  {mayIssue ? (
                    <td className="row-actions">
                      {pass.status === 'ISSUED' ? (
                        <button type="button" className="button button-small button-danger-quiet" aria-label={`Cancel pass ${pass.number}`} onClick={() => setCancelling(pass)}>
                          Cancel
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {issuing ? (
        <IssuePassDialog
          declaration={declaration}
          passes={items}
          onClose={() => setIssuing(false)}
          onIssued={(pass) => {
            setIssuing(false);
            push({ kind: 'success', title: `Gate pass ${pass.number} issued`, body: pass.vehiclePlate ? `For ${pass.vehiclePlate}` : undefined });
            passes.reload(true);
          }}
        />
      ) : null}
      {cancelling ? (
        <CancelPassDialog
          pass={cancelling}
          onClose={() => setCancelling(null)}
          onCancelled={(pass) => {
            setCancelling(null);
            push({ kind: 'success', title: `Gate pass ${pass.number} cancelled` });
            passes.reload(true);
          }}
        />
      ) : null}
    </Section>
  );
}
