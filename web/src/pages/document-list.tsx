// Verifiable documents as the console lists them, wherever they belong (a declaration's page, a
// trip's): each with its QR code (which leads anyone to its public verification page), whether it is
// in force, and for officers the revocation of one that no longer holds.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, fetchBlob, isAbort } from '../api/client.ts';
import { CREDENTIAL_TYPE_NAMES, type Credential } from '../api/credential-types.ts';
import { useSession } from '../app/session.tsx';
import { ReasonDialog } from '../components/reason-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Tag } from '../components/ui.tsx';
import { formatShortDateTime } from '../lib/format.ts';
import { canRevokeDocuments } from '../lib/rights.ts';

export const credentialName = (credential: Pick<Credential, 'type'>) => CREDENTIAL_TYPE_NAMES[credential.type] ?? credential.type;

/** The QR code is served behind the bearer token, which an <img> cannot send: fetched, then shown from memory. */
function QrCode({ credential }: { credential: Credential }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let objectUrl: string | null = null;
    fetchBlob(`/api/v1/credentials/${credential.id}/qr.svg`, controller.signal).then(
      (blob) => {
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      (caught: unknown) => {
        if (!isAbort(caught)) setUrl(null);
      },
    );
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [credential.id]);
  const name = credentialName(credential);
  return url ? (
    <img className="document-qr" src={url} width={112} height={112} alt={`QR code of the verification page of the ${name.toLowerCase()}`} />
  ) : (
    <div className="document-qr" aria-hidden="true" />
  );
}

function RevokeDialog({ credential, onClose, onRevoked }: { credential: Credential; onClose: () => void; onRevoked: (credential: Credential) => void }) {
  return (
    <ReasonDialog
      title={`Revoke the ${credentialName(credential).toLowerCase()}?`}
      description="Whoever checks it from now on is told it was revoked. This cannot be undone; a new document can be issued."
      submitLabel="Revoke"
      cancelLabel="Back"
      refusedTitle="The document was not revoked"
      maxLength={1000}
      send={(reason, idempotencyKey) => api<Credential>(`/api/v1/credentials/${credential.id}/revocation`, { method: 'POST', body: { reason }, idempotencyKey })}
      onDone={onRevoked}
      onClose={onClose}
    />
  );
}

/** The documents with their QR codes; `onChanged` after one is revoked here. */
export function DocumentList({ items, label = 'Documents', onChanged }: { items: Credential[]; label?: string; onChanged: () => void }) {
  const { principal } = useSession();
  const { push } = useToasts();
  const [revoking, setRevoking] = useState<Credential | null>(null);
  return (
    <>
      <ul className="document-list" aria-label={label}>
        {items.map((credential) => {
          const name = credentialName(credential);
          return (
            <li key={credential.id} className="document" data-credential-id={credential.id} data-verification-url={credential.verificationUrl}>
              <QrCode credential={credential} />
              <div className="document-body">
                <div className="document-head">
                  <strong>{name}</strong>{' '}
                  <Tag tone={credential.status === 'ACTIVE' ? 'good' : 'bad'}>{credential.status === 'ACTIVE' ? 'In force' : 'Revoked'}</Tag>
                </div>
                <div className="muted small">
                  Issued {formatShortDateTime(credential.issuedAt)}
                  {credential.issuedBy === null ? ' by Cordon' : ''}
                  {credential.tripReference ? ` · trip ${credential.tripReference}` : ''}
                  {credential.revokedAt ? ` · revoked ${formatShortDateTime(credential.revokedAt)}: ${credential.revocationReason ?? ''}` : ''}
                </div>
                <div className="small">
                  <Link to={`/verify/${credential.id}`}>Verification page</Link> <span className="muted mono document-link">{credential.verificationUrl}</span>
                </div>
                {credential.status === 'ACTIVE' && canRevokeDocuments(principal) ? (
                  <button type="button" className="button button-small button-danger-quiet" aria-label={`Revoke the ${name.toLowerCase()}`} onClick={() => setRevoking(credential)}>
                    Revoke
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      {revoking ? (
        <RevokeDialog
          credential={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={(credential) => {
            setRevoking(null);
            push({ kind: 'success', title: `${credentialName(credential)} revoked` });
            onChanged();
          }}
        />
      ) : null}
    </>
  );
}
