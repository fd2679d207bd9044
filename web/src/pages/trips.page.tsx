// Trips of goods moving under seal between gates, newest first, filtered by status and by the zone
// shown (of origin or destination); each leads to its page. Officers and zone operators create a
// trip for a released declaration.
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { withQuery } from '../api/client.ts';
import { TRIP_STATUSES, type Trip } from '../api/tracking-types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Loading, PageHeader } from '../components/ui.tsx';
import { formatDateTime, formatShortDateTime, humanize } from '../lib/format.ts';
import { canCreateTrips, canMonitorTrips } from '../lib/rights.ts';
import { TripStatusBadge, useCursorPages, useGates } from './tracking-parts.tsx';
import { TripDialog } from './trip-dialogs.tsx';

export function TripsPage() {
  const { principal } = useSession();
  const { zoneId, zoneById } = useDirectory();
  const { gateName } = useGates();
  const { push } = useToasts();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const [creating, setCreating] = useState(false);
  const list = useCursorPages<Trip>(withQuery('/api/v1/trips', { status, zoneId, limit: 50 }));
  const items = list.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Trips"
        subtitle={`${zoneId ? `Zone ${zoneById(zoneId)?.code ?? ''}` : 'All zones you work in'} · containers moving under electronic seal between gates`}
        actions={
          <>
            {canMonitorTrips(principal) ? (
              <Link to="/monitoring" className="button">
                Monitoring map
              </Link>
            ) : null}
            {canCreateTrips(principal) ? (
              <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
                Create a trip
              </button>
            ) : null}
          </>
        }
      />
      <form className="filters" role="search" aria-label="Filter trips" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select
            value={status}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              if (e.target.value) next.set('status', e.target.value);
              else next.delete('status');
              setParams(next, { replace: true });
            }}
          >
            <option value="">Any status</option>
            {TRIP_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {list.error ? <ErrorMessage error={list.error} title="The trips could not be read" /> : null}
      {list.loading && !list.data ? <Loading label="Loading trips…" /> : null}
      {list.data && items.length === 0 ? <Empty>No trip{status ? ` ${humanize(status).toLowerCase()}` : ''} yet.</Empty> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-rows" aria-label="Trips">
            <thead>
              <tr>
                <th scope="col">Trip</th>
                <th scope="col">Status</th>
                <th scope="col">Container</th>
                <th scope="col">Device</th>
                <th scope="col">From → to</th>
                <th scope="col">Window</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {items.map((trip) => (
                <tr key={trip.id} data-trip-id={trip.id}>
                  <td>
                    <Link to={`/trips/${trip.id}`} className="mono">
                      {trip.reference}
                    </Link>
                  </td>
                  <td>
                    <TripStatusBadge status={trip.status} />
                    {trip.tampered ? <span className="muted small"> · tampered</span> : null}
                  </td>
                  <td className="mono">{trip.containerNumber}</td>
                  <td className="mono">{trip.deviceCode}</td>
                  <td className="nowrap">
                    {gateName(trip.originGateId)} → {gateName(trip.destinationGateId)}
                  </td>
                  <td className="nowrap" title={`${formatDateTime(trip.window.departFrom)} to ${formatDateTime(trip.window.arriveBy)}`}>
                    {formatShortDateTime(trip.window.departFrom)} → {formatShortDateTime(trip.window.arriveBy)}
                  </td>
                  <td className="nowrap" title={formatDateTime(trip.lastPosition?.at)}>
                    {formatShortDateTime(trip.lastPosition?.at)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.pager}
      {creating ? (
        <TripDialog
          onClose={() => setCreating(false)}
          onCreated={(trip) => {
            setCreating(false);
            push({ kind: 'success', title: `Trip ${trip.reference} created`, body: `Container ${trip.containerNumber}` });
            void navigate(`/trips/${trip.id}`);
          }}
        />
      ) : null}
    </>
  );
}

export default TripsPage;
