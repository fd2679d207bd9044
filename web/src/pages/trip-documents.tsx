// The custody record of a trip, on its page: Cordon issues it by itself within seconds of the trip's
// completion; after a revocation the trader, an officer or an admin issues a new one here.
import { api, newIdempotencyKey, withQuery } from '../api/client.ts';
import type { Credential } from '../api/credential-types.ts';
import type { Trip } from '../api/tracking-types.ts';
import type { Page } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Loading, Section } from '../components/ui.tsx';
import { canIssueDocuments } from '../lib/rights.ts';
import { useResource } from '../lib/use-resource.ts';
import { useSubmit } from '../lib/use-submit.ts';
import { useLiveEvents, useThrottled } from '../live/live.tsx';
import { DocumentList } from './document-list.tsx';

export function TripDocuments({ trip }: { trip: Trip }) {
  const { principal } = useSession();
  const { push } = useToasts();
  const documents = useResource<Page<Credential>>(withQuery('/api/v1/credentials', { tripId: trip.id, limit: 20 }));
  const { busy, error, run } = useSubmit();
  const { reload } = documents;
  const refresh = useThrottled(() => reload(true), 500);
  useLiveEvents((event) => {
    if (event === null || event.type.startsWith('credential.')) refresh();
  });

  const items = documents.data?.items ?? [];
  const completed = trip.status === 'COMPLETED';
  if (!completed && documents.data && items.length === 0) return null;
  const mayIssue = completed && canIssueDocuments(principal, trip.enterpriseId) && documents.data !== null && !items.some((item) => item.status === 'ACTIVE');

  const issue = () =>
    run(async () => {
      await api<Credential>('/api/v1/credentials/trip-custody-records', { method: 'POST', body: { tripId: trip.id }, idempotencyKey: newIdempotencyKey() });
      push({ kind: 'success', title: 'Custody record issued', body: 'Its QR code leads to its public verification page.' });
      reload(true);
    });

  return (
    <Section
      title="Custody record"
      id="trip-documents"
      actions={
        mayIssue ? (
          <button type="button" className="button" disabled={busy} onClick={() => void issue()}>
            Issue custody record
          </button>
        ) : null
      }
    >
      {error ? <ErrorMessage error={error} title="The custody record was not issued" /> : null}
      {documents.error ? <ErrorMessage error={documents.error} title="The custody record could not be read" /> : null}
      {documents.loading && !documents.data ? <Loading label="Loading the custody record…" /> : null}
      {documents.data && items.length === 0 ? <Empty>Cordon issues the trip's custody record within seconds of its completion.</Empty> : null}
      {items.length > 0 ? <DocumentList items={items} label="Custody records" onChanged={() => reload(true)} /> : null}
    </Section>
  );
}
