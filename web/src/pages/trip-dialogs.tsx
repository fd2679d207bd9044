// The forms of cargo tracking, each a dialog whose refusal by the server is shown at the field
// concerned: a trip created for a released declaration (its container, device, gates, window and
// a corridor along the straight line between the gates), and an officer's start, completion or
// abortion of a trip by hand, with the note that goes into its timeline.
import { useState, type ComponentProps } from 'react';
import { api, newIdempotencyKey, withQuery } from '../api/client.ts';
import type { TrackingDevice, Trip, TripInput } from '../api/tracking-types.ts';
import type { DeclarationDetail, DeclarationSummary, Page, Zone } from '../api/types.ts';
import { useDirectory } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { fromDateTimeLocal, toDateTimeLocal } from '../lib/date-input.ts';
import { errorsByPath } from '../lib/form-errors.ts';
import { formatDateTime } from '../lib/format.ts';
import { useDebounced, useResource } from '../lib/use-resource.ts';
import { useSubmit } from '../lib/use-submit.ts';
import { markOwnAction } from '../live/live.tsx';

const HOUR = 3_600_000;
const DEFAULT_WIDTH_METERS = '500';

/** A number as typed, or the text itself when it is none, so that the server names the field. */
const numberOrText = (text: string): number | string => (/^\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : text.trim());

const TRIP_FIELD_NAMES: Record<string, string> = {
  '/declarationId': 'Declaration',
  '/deviceId': 'Device',
  '/containerNumber': 'Container',
  '/originGateId': 'Origin gate',
  '/destinationGateId': 'Destination gate',
  '/window/departFrom': 'Departs from',
  '/window/arriveBy': 'Arrives by',
  '/window': 'Window',
  '/corridor/widthMeters': 'Corridor width',
  '/corridor': 'Corridor',
};

/** The active gates by zone; the Field's id and descriptions pass through to the select. */
function GateSelect({ zones, value, onChange, placeholder, ...field }: { zones: Zone[]; value: string; onChange: (id: string) => void; placeholder: string } & Omit<ComponentProps<'select'>, 'value' | 'onChange'>) {
  return (
    <select {...field} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{placeholder}</option>
      {zones.map((zone) => (
        <optgroup key={zone.id} label={`${zone.code} · ${zone.name}`}>
          {zone.gates
            .filter((gate) => gate.active)
            .map((gate) => (
              <option key={gate.id} value={gate.id}>
                {zone.code} {gate.code} · {gate.name}
              </option>
            ))}
        </optgroup>
      ))}
    </select>
  );
}

export function TripDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (trip: Trip) => void }) {
  const { zones } = useDirectory();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const declarations = useResource<Page<DeclarationSummary>>(withQuery('/api/v1/declarations', { state: 'RELEASED', q, limit: 20 }));
  const [declarationId, setDeclarationId] = useState('');
  const declaration = useResource<DeclarationDetail>(declarationId ? `/api/v1/declarations/${declarationId}` : null);
  const devices = useResource<Page<TrackingDevice>>(withQuery('/api/v1/devices', { status: 'ACTIVE', limit: 200 }));
  const [containerNumber, setContainerNumber] = useState('');
  const [deviceId, setDeviceId] = useState('');
  const [originGateId, setOriginGateId] = useState('');
  const [destinationGateId, setDestinationGateId] = useState('');
  const [departFrom, setDepartFrom] = useState(() => toDateTimeLocal(new Date()));
  const [arriveBy, setArriveBy] = useState(() => toDateTimeLocal(new Date(Date.now() + 4 * HOUR)));
  const [width, setWidth] = useState(DEFAULT_WIDTH_METERS);
  const [key] = useState(newIdempotencyKey);
  const { busy, error, run } = useSubmit();
  const errors = error ? errorsByPath(error.details) : {};
  const containers = declaration.data?.transport.containers ?? [];
  const gates = new Map(zones.flatMap((zone) => zone.gates.map((gate) => [gate.id, gate] as const)));

  const chooseDeclaration = (id: string) => {
    setDeclarationId(id);
    setContainerNumber('');
  };

  const submit = () =>
    void run(async () => {
      const origin = gates.get(originGateId);
      const destination = gates.get(destinationGateId);
      const input: TripInput = {
        declarationId,
        deviceId,
        containerNumber,
        originGateId,
        destinationGateId,
        corridor: {
          type: 'route',
          // Without both gates there is no line; the server names the gates that are missing.
          line: origin && destination ? [[origin.longitude, origin.latitude], [destination.longitude, destination.latitude]] : [],
          widthMeters: numberOrText(width) as number,
        },
        window: { departFrom: fromDateTimeLocal(departFrom), arriveBy: fromDateTimeLocal(arriveBy) },
      };
      const trip = await api<Trip>('/api/v1/trips', { method: 'POST', body: input, idempotencyKey: key });
      markOwnAction(trip.id);
      onCreated(trip);
    });

  const found = declarations.data?.items ?? [];
  return (
    <FormDialog
      open
      wide
      title="Create a trip"
      description="A trip binds a device to a released declaration’s container moving under seal from one gate to another. Its corridor is the straight line between the two gates, as wide as you set."
      submitLabel="Create trip"
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title="The trip was not created" describe={(path) => TRIP_FIELD_NAMES[path] ?? path.replace(/^\//, '')} /> : null}
      <div className="form-grid form-grid-2">
        <Field path="/declarationSearch" label="Find a released declaration" hint="Part of its reference or the trader’s reference.">
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" autoFocus />
        </Field>
        <Field path="/declarationId" label="Declaration" error={errors['/declarationId'] ?? (declarations.error ? declarations.error.message : undefined)} required>
          <select value={declarationId} onChange={(e) => chooseDeclaration(e.target.value)}>
            <option value="">{declarations.loading && !declarations.data ? 'Loading…' : found.length === 0 ? 'No released declaration found' : 'Choose the declaration…'}</option>
            {found.map((d) => (
              <option key={d.id} value={d.id}>
                {d.reference} · {d.enterpriseName}
              </option>
            ))}
          </select>
        </Field>
        <Field path="/containerNumber" label="Container" error={errors['/containerNumber']} hint="One of the declaration’s containers." required>
          <select value={containerNumber} onChange={(e) => setContainerNumber(e.target.value)} disabled={!declaration.data} className="mono">
            <option value="">{!declarationId ? 'Choose the declaration first' : !declaration.data ? 'Loading…' : containers.length === 0 ? 'The declaration names no container' : 'Choose the container…'}</option>
            {containers.map((container) => (
              <option key={container} value={container}>
                {container}
              </option>
            ))}
          </select>
        </Field>
        <Field path="/deviceId" label="Device" error={errors['/deviceId'] ?? (devices.error ? devices.error.message : undefined)} hint="An active e-seal or e-lock without a trip under way." required>
          <select value={deviceId} onChange={(e) => setDeviceId(e.target.value)}>
            <option value="">{devices.loading ? 'Loading…' : 'Choose the device…'}</option>
            {(devices.data?.items ?? []).map((device) => (
              <option key={device.id} value={device.id}>
                {device.deviceId} · {device.type === 'E_SEAL' ? 'e-seal' : 'e-lock'}
              </option>
            ))}
          </select>
        </Field>
        <Field path="/originGateId" label="Origin gate" error={errors['/originGateId']} hint="Where the seal is armed." required>
          <GateSelect zones={zones} value={originGateId} onChange={setOriginGateId} placeholder="Choose the gate of departure…" />
        </Field>
        <Field path="/destinationGateId" label="Destination gate" error={errors['/destinationGateId']} hint="Where the seal may be opened; it may be in another zone." required>
          <GateSelect zones={zones} value={destinationGateId} onChange={setDestinationGateId} placeholder="Choose the gate of arrival…" />
        </Field>
        <Field path="/window/departFrom" label="Departs from" error={errors['/window/departFrom'] ?? errors['/window']} required>
          <input type="datetime-local" value={departFrom} onChange={(e) => setDepartFrom(e.target.value)} />
        </Field>
        <Field path="/window/arriveBy" label="Arrives by" error={errors['/window/arriveBy']} hint="Later than this, the trip is overdue." required>
          <input type="datetime-local" value={arriveBy} onChange={(e) => setArriveBy(e.target.value)} />
        </Field>
        <Field path="/corridor/widthMeters" label="Corridor width (m)" error={errors['/corridor/widthMeters'] ?? errors['/corridor/line'] ?? errors['/corridor']} hint="Full width, 50 to 5,000 m, centred on the line between the gates." required>
          <input value={width} onChange={(e) => setWidth(e.target.value)} inputMode="numeric" autoComplete="off" />
        </Field>
      </div>
    </FormDialog>
  );
}

export type TripAction = 'start' | 'completion' | 'abortion';

const ACTIONS: Record<TripAction, { title: string; submit: string; field: 'note' | 'reason'; label: string; required: boolean; hint: string; danger: boolean }> = {
  start: {
    title: 'Start the trip',
    submit: 'Start trip',
    field: 'note',
    label: 'Note',
    required: false,
    hint: 'Why it starts by hand (the seal did not report armed at the origin gate, for instance).',
    danger: false,
  },
  completion: {
    title: 'Complete the trip',
    submit: 'Complete trip',
    field: 'note',
    label: 'Note',
    required: true,
    hint: 'What you checked at arrival: the seal, the container, the goods.',
    danger: false,
  },
  abortion: { title: 'Abort the trip', submit: 'Abort trip', field: 'reason', label: 'Reason', required: true, hint: 'Why the trip ends without arriving.', danger: true },
};

export function TripActionDialog({ trip, action, onClose, onDone }: { trip: Trip; action: TripAction; onClose: () => void; onDone: (trip: Trip) => void }) {
  const spec = ACTIONS[action];
  const [text, setText] = useState('');
  const [key] = useState(newIdempotencyKey);
  const { busy, error, run } = useSubmit();
  const errors = error ? errorsByPath(error.details) : {};
  const path = `/${spec.field}`;

  const submit = () =>
    void run(async () => {
      markOwnAction(trip.id);
      const body = text.trim() === '' && !spec.required ? {} : { [spec.field]: text.trim() };
      onDone(await api<Trip>(`/api/v1/trips/${trip.id}/${action}`, { method: 'POST', body, idempotencyKey: key }));
    });

  return (
    <FormDialog
      open
      title={`${spec.title} ${trip.reference}`}
      description={`Container ${trip.containerNumber}, window ${formatDateTime(trip.window.departFrom)} to ${formatDateTime(trip.window.arriveBy)}.`}
      submitLabel={spec.submit}
      danger={spec.danger}
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title="Not done" describe={() => spec.label} /> : null}
      <Field path={path} label={spec.label} error={errors[path]} hint={`${spec.hint} Kept in the trip’s timeline.`} required={spec.required}>
        <textarea rows={3} value={text} maxLength={2000} onChange={(e) => setText(e.target.value)} autoFocus />
      </Field>
    </FormDialog>
  );
}
