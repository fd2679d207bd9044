// The electronic seals and locks of the zones: each with its owner, battery and when it last
// reported, and the messages of it that were dropped (bad fixes, junk, no trip) by reason and day.
// Administrators and zone operators register devices and retire them.
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, newIdempotencyKey, withQuery, type ApiError } from '../api/client.ts';
import { DEVICE_STATUSES, DEVICE_TYPE_NAMES, DEVICE_TYPES, DROP_REASON_NAMES, type DeviceDrops, type DeviceInput, type DeviceType, type DropReason, type TrackingDevice } from '../api/tracking-types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { ReasonDialog } from '../components/reason-dialog.tsx';
import { Empty, ErrorMessage, Loading, PageHeader, Tag } from '../components/ui.tsx';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { formatDate, formatDateTime, formatShortDateTime, humanize } from '../lib/format.ts';
import { canWriteDevices } from '../lib/rights.ts';
import { useResource } from '../lib/use-resource.ts';
import { useCursorPages } from './tracking-parts.tsx';

const DEVICE_FIELD_NAMES: Record<string, string> = { '/deviceId': 'Device id', '/type': 'Type', '/zoneId': 'Zone', '/ownerEnterpriseId': 'Owner' };

function RegisterDialog({ onClose, onDone }: { onClose: () => void; onDone: (device: TrackingDevice) => void }) {
  const { principal } = useSession();
  const { zones, enterprises } = useDirectory();
  const ownZones = zones.filter((zone) => zone.active && (principal.zoneIds === null || principal.zoneIds.includes(zone.id)));
  const [deviceId, setDeviceId] = useState('');
  const [type, setType] = useState<DeviceType>('E_SEAL');
  const [zoneId, setZoneId] = useState(ownZones.length === 1 ? (ownZones[0]?.id ?? '') : '');
  const [owner, setOwner] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [key] = useState(newIdempotencyKey);
  const errors = error ? errorsByPath(error.details) : {};

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const input: DeviceInput = { deviceId: deviceId.trim(), type, zoneId, ownerEnterpriseId: owner || null };
      onDone(await api<TrackingDevice>('/api/v1/devices', { method: 'POST', body: input, idempotencyKey: key }));
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      open
      title="Register a device"
      description="An electronic seal or lock that reports its position and seal state. It is bound to one trip at a time."
      submitLabel="Register device"
      busy={busy}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title="The device was not registered" describe={(path) => DEVICE_FIELD_NAMES[path] ?? path.replace(/^\//, '')} /> : null}
      <div className="form-grid form-grid-2">
        <Field path="/deviceId" label="Device id" error={errors['/deviceId']} hint="The maker’s id, as the device names itself: 3 to 64 letters, digits, “.”, “_” or “-”." required>
          <input value={deviceId} onChange={(e) => setDeviceId(e.target.value)} className="mono" autoComplete="off" spellCheck={false} maxLength={64} autoFocus />
        </Field>
        <Field path="/type" label="Type" error={errors['/type']} required>
          <select value={type} onChange={(e) => setType(e.target.value as DeviceType)}>
            {DEVICE_TYPES.map((t) => (
              <option key={t} value={t}>
                {DEVICE_TYPE_NAMES[t]}
              </option>
            ))}
          </select>
        </Field>
        <Field path="/zoneId" label="Zone" error={errors['/zoneId']} required>
          <select value={zoneId} onChange={(e) => setZoneId(e.target.value)}>
            <option value="">Choose the zone…</option>
            {ownZones.map((zone) => (
              <option key={zone.id} value={zone.id}>
                {zone.code} · {zone.name}
              </option>
            ))}
          </select>
        </Field>
        <Field path="/ownerEnterpriseId" label="Owner" error={errors['/ownerEnterpriseId']} hint="Customs, or the enterprise whose device it is.">
          <select value={owner} onChange={(e) => setOwner(e.target.value)}>
            <option value="">Customs</option>
            {enterprises.map((enterprise) => (
              <option key={enterprise.id} value={enterprise.id}>
                {enterprise.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
    </FormDialog>
  );
}

function RetireDialog({ device, onClose, onDone }: { device: TrackingDevice; onClose: () => void; onDone: (device: TrackingDevice) => void }) {
  return (
    <ReasonDialog
      title={`Retire ${device.deviceId}`}
      description="A retired device can no longer be bound to a trip; its trips and history stay. A device with a trip under way cannot be retired."
      submitLabel="Retire device"
      refusedTitle="The device was not retired"
      hint="Lost, broken, used up (an e-seal is used once). Kept with the device."
      maxLength={2000}
      send={(reason, idempotencyKey) => api<TrackingDevice>(`/api/v1/devices/${device.id}/retirement`, { method: 'POST', body: { reason }, idempotencyKey })}
      onDone={onDone}
      onClose={onClose}
    />
  );
}

/** Dropped messages of one device: a row per day, a column per reason seen. */
function DropsDialog({ device, onClose }: { device: TrackingDevice; onClose: () => void }) {
  const drops = useResource<DeviceDrops>(`/api/v1/devices/${device.id}/drops`);
  const items = drops.data?.items ?? [];
  const reasons = [...new Set(items.map((d) => d.reason))].sort();
  const days = [...new Set(items.map((d) => d.day))].sort().reverse();
  const count = (day: string, reason: DropReason) => items.filter((d) => d.day === day && d.reason === reason).reduce((sum, d) => sum + d.count, 0);
  return (
    <FormDialog
      open
      wide
      title={`Dropped messages of ${device.deviceId}`}
      description={`Fixes and payloads refused before they could move a trip or raise an alert${drops.data ? `, from ${formatDate(drops.data.from)} to ${formatDate(drops.data.to)}` : ''}.`}
      onClose={onClose}
    >
      {drops.error ? <ErrorMessage error={drops.error} title="The dropped messages could not be read" /> : null}
      {drops.loading ? <Loading label="Loading…" /> : null}
      {drops.data && items.length === 0 ? <Empty>Nothing dropped: every message of this device was kept.</Empty> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-compact" aria-label="Dropped messages by reason and day">
            <thead>
              <tr>
                <th scope="col">Day</th>
                {reasons.map((reason) => (
                  <th key={reason} scope="col" className="num">
                    {DROP_REASON_NAMES[reason]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((day) => (
                <tr key={day}>
                  <th scope="row">{formatDate(day)}</th>
                  {reasons.map((reason) => (
                    <td key={reason} className="num">
                      {count(day, reason) || ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </FormDialog>
  );
}

type Dialog = { kind: 'register' } | { kind: 'retire'; device: TrackingDevice } | { kind: 'drops'; device: TrackingDevice };

export function DevicesPage() {
  const { principal } = useSession();
  const { zoneId, zoneById, enterpriseById } = useDirectory();
  const { push } = useToasts();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'ACTIVE';
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const list = useCursorPages<TrackingDevice>(withQuery('/api/v1/devices', { status: status === 'ALL' ? null : status, zoneId, limit: 50 }));
  const items = list.data?.items ?? [];
  const mayWrite = canWriteDevices(principal);

  return (
    <>
      <PageHeader
        title="Devices"
        subtitle={`${zoneId ? `Zone ${zoneById(zoneId)?.code ?? ''}` : 'All zones you work in'} · electronic seals and locks that report where the goods are`}
        actions={
          mayWrite ? (
            <button type="button" className="button button-primary" onClick={() => setDialog({ kind: 'register' })}>
              Register a device
            </button>
          ) : null
        }
      />
      <form className="filters" role="search" aria-label="Filter devices" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select
            value={status}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              next.set('status', e.target.value);
              setParams(next, { replace: true });
            }}
          >
            {DEVICE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
            <option value="ALL">Any status</option>
          </select>
        </label>
      </form>
      {list.error ? <ErrorMessage error={list.error} title="The devices could not be read" /> : null}
      {list.loading && !list.data ? <Loading label="Loading devices…" /> : null}
      {list.data && items.length === 0 ? <Empty>No device{status === 'ALL' ? '' : ` ${humanize(status).toLowerCase()}`} here yet.</Empty> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-rows" aria-label="Devices">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Type</th>
                <th scope="col">Owner</th>
                <th scope="col">Zone</th>
                <th scope="col" className="num">
                  Battery
                </th>
                <th scope="col">Last seen</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((device) => (
                <tr key={device.id} data-device-id={device.deviceId}>
                  <td className="mono">{device.deviceId}</td>
                  <td>{DEVICE_TYPE_NAMES[device.type]}</td>
                  <td>{device.ownerEnterpriseId ? (enterpriseById(device.ownerEnterpriseId)?.name ?? 'Enterprise') : 'Customs'}</td>
                  <td>{zoneById(device.zoneId)?.code ?? '—'}</td>
                  <td className="num">{device.batteryPercent === null ? '—' : `${device.batteryPercent} %`}</td>
                  <td className="nowrap" title={formatDateTime(device.lastSeenAt)}>
                    {device.lastSeenAt ? formatShortDateTime(device.lastSeenAt) : 'Never'}
                  </td>
                  <td title={device.retirementReason ?? undefined}>{device.status === 'ACTIVE' ? <Tag tone="good">Active</Tag> : <Tag>Retired {formatShortDateTime(device.retiredAt)}</Tag>}</td>
                  <td className="row-actions">
                    <button type="button" className="button button-small" aria-label={`Dropped messages of ${device.deviceId}`} onClick={() => setDialog({ kind: 'drops', device })}>
                      Dropped
                    </button>
                    {mayWrite && device.status === 'ACTIVE' ? (
                      <button type="button" className="button button-small" aria-label={`Retire ${device.deviceId}`} onClick={() => setDialog({ kind: 'retire', device })}>
                        Retire
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.pager}
      {dialog?.kind === 'register' ? (
        <RegisterDialog
          onClose={() => setDialog(null)}
          onDone={(device) => {
            setDialog(null);
            push({ kind: 'success', title: `Device ${device.deviceId} registered` });
            list.reload(true);
          }}
        />
      ) : null}
      {dialog?.kind === 'retire' ? (
        <RetireDialog
          device={dialog.device}
          onClose={() => setDialog(null)}
          onDone={(device) => {
            setDialog(null);
            push({ kind: 'success', title: `Device ${device.deviceId} retired` });
            list.reload(true);
          }}
        />
      ) : null}
      {dialog?.kind === 'drops' ? <DropsDialog device={dialog.device} onClose={() => setDialog(null)} /> : null}
    </>
  );
}

export default DevicesPage;
