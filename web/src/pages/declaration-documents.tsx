// The verifiable documents of a declaration, on its page: each with its QR code (which leads anyone
// to its public verification page) and whether it is in force. Once the goods are released, the
// declaring enterprise, officers and admins issue a release note, and for an export a certificate
// of origin with the origin criterion of each line; officers revoke a document that no longer holds.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, fetchBlob, isAbort, newIdempotencyKey, withQuery } from '../api/client.ts';
import {
  CREDENTIAL_TYPE_NAMES,
  ORIGIN_CRITERIA,
  ORIGIN_CRITERION_NAMES,
  type Credential,
  type CredentialType,
  type OriginCriterion,
} from '../api/credential-types.ts';
import type { DeclarationDetail, Page, Principal } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field, fieldId } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Loading, Section, Tag } from '../components/ui.tsx';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { formatShortDateTime } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';
import { useLiveEvents, useThrottled } from '../live/live.tsx';

const RELEASED_STATES = ['RELEASED', 'COMPLETED'];

/** As the server's CREDENTIAL_ISSUERS: the declaring enterprise, officers and admins. */
function canIssue(principal: Principal, declaration: DeclarationDetail): boolean {
  if (principal.role === 'enterprise_user') return principal.enterpriseId === declaration.enterpriseId;
  return principal.role === 'admin' || principal.role === 'customs_officer';
}

const canRevoke = (principal: Principal) => principal.role === 'admin' || principal.role === 'customs_officer';

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
  const name = CREDENTIAL_TYPE_NAMES[credential.type] ?? credential.type;
  return url ? (
    <img className="document-qr" src={url} width={112} height={112} alt={`QR code of the verification page of the ${name.toLowerCase()}`} />
  ) : (
    <div className="document-qr" aria-hidden="true" />
  );
}

function CertificateDialog({ declaration, onClose, onIssued }: { declaration: DeclarationDetail; onClose: () => void; onIssued: (credential: Credential) => void }) {
  const [importingCountry, setImportingCountry] = useState(declaration.destinationCountry ?? '');
  const [criteria, setCriteria] = useState<Array<OriginCriterion | ''>>(() => declaration.lines.map(() => ''));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [key] = useState(newIdempotencyKey);
  const errors = error ? errorsByPath(error.details) : {};
  const describe = (path: string) => {
    const line = /^\/lines\/(\d+)/.exec(path);
    if (line) return `Line ${declaration.lines[Number(line[1])]?.lineNo ?? Number(line[1]) + 1}: origin criterion`;
    return path === '/importingCountry' ? 'Importing country' : path === '/lines' ? 'Origin criteria' : path.replace(/^\//, '');
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const credential = await api<Credential>('/api/v1/credentials/certificates-of-origin', {
        method: 'POST',
        body: {
          declarationId: declaration.id,
          importingCountry: importingCountry.trim().toUpperCase(),
          // A line without a criterion is left out: the server names it.
          lines: declaration.lines.flatMap((line, row) => (criteria[row] ? [{ lineNo: line.lineNo, originCriterion: criteria[row] }] : [])),
        },
        idempotencyKey: key,
      });
      setBusy(false);
      onIssued(credential);
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      open
      wide
      title="Issue a certificate of origin"
      description="The certificate states, for the importing country's customs, where each line's goods originate and under which criterion. It is signed by the administration and can be checked by anyone."
      submitLabel="Issue certificate"
      busy={busy}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title="The certificate was not issued" describe={describe} /> : null}
      <Field path="/importingCountry" label="Importing country" error={errors['/importingCountry']} hint="ISO 3166 code of the country the goods go to, e.g. DE." required>
        <input value={importingCountry} onChange={(e) => setImportingCountry(e.target.value)} className="mono input-short" maxLength={2} autoComplete="off" spellCheck={false} />
      </Field>
      <fieldset className="plain-fieldset">
        <legend className="field-label">Origin criterion of each line</legend>
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
                <th scope="col">Origin</th>
                <th scope="col">Criterion</th>
              </tr>
            </thead>
            <tbody>
              {declaration.lines.map((line, row) => {
                const path = `/lines/${row}/originCriterion`;
                const message = errors[path];
                return (
                  <tr key={line.lineNo} className={message ? 'cell-invalid' : undefined}>
                    <td className="num">{line.lineNo}</td>
                    <td className="wrap">
                      <span className="mono">{line.hsCode}</span> {line.description}
                    </td>
                    <td>{line.originCountry}</td>
                    <td>
                      <select
                        id={fieldId(path)}
                        value={criteria[row] ?? ''}
                        aria-label={`Line ${line.lineNo}: origin criterion`}
                        aria-invalid={message ? true : undefined}
                        aria-describedby={message ? `${fieldId(path)}-error` : undefined}
                        onChange={(e) => setCriteria((list) => list.map((c, i) => (i === row ? (e.target.value as OriginCriterion | '') : c)))}
                      >
                        <option value="">Choose…</option>
                        {ORIGIN_CRITERIA.map((code) => (
                          <option key={code} value={code}>
                            {code} · {ORIGIN_CRITERION_NAMES[code]}
                          </option>
                        ))}
                      </select>
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

function ReleaseNoteDialog({ declaration, onClose, onIssued }: { declaration: DeclarationDetail; onClose: () => void; onIssued: (credential: Credential) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [key] = useState(newIdempotencyKey);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const credential = await api<Credential>('/api/v1/credentials/release-notes', { method: 'POST', body: { declarationId: declaration.id }, idempotencyKey: key });
      setBusy(false);
      onIssued(credential);
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  };
  return (
    <FormDialog
      open
      title="Issue a release note"
      description={`A signed statement that the goods of ${declaration.reference} were released, when, and on which transport. Anyone can check it with its QR code.`}
      submitLabel="Issue release note"
      busy={busy}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      {error ? <ErrorMessage error={error} title="The release note was not issued" /> : null}
    </FormDialog>
  );
}

function RevokeDialog({ credential, onClose, onRevoked }: { credential: Credential; onClose: () => void; onRevoked: (credential: Credential) => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [key] = useState(newIdempotencyKey);
  const errors = error ? errorsByPath(error.details) : {};
  const name = CREDENTIAL_TYPE_NAMES[credential.type] ?? credential.type;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const revoked = await api<Credential>(`/api/v1/credentials/${credential.id}/revocation`, { method: 'POST', body: { reason: reason.trim() }, idempotencyKey: key });
      setBusy(false);
      onRevoked(revoked);
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  };
  return (
    <FormDialog
      open
      title={`Revoke the ${name.toLowerCase()}?`}
      description="Whoever checks it from now on is told it was revoked. This cannot be undone; a new document can be issued."
      submitLabel="Revoke"
      cancelLabel="Back"
      danger
      busy={busy}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title="The document was not revoked" describe={() => 'Reason'} /> : null}
      <Field path="/reason" label="Reason" error={errors['/reason']} required>
        <textarea rows={3} value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} autoFocus />
      </Field>
    </FormDialog>
  );
}

export function DeclarationDocuments({ declaration }: { declaration: DeclarationDetail }) {
  const { principal } = useSession();
  const { push } = useToasts();
  const documents = useResource<Page<Credential>>(withQuery('/api/v1/credentials', { declarationId: declaration.id, limit: 50 }));
  const [issuing, setIssuing] = useState<CredentialType | null>(null);
  const [revoking, setRevoking] = useState<Credential | null>(null);
  const { reload } = documents;
  const refresh = useThrottled(() => reload(true), 500);
  useLiveEvents((event) => {
    if (event === null || event.type.startsWith('credential.')) refresh();
  });

  const items = documents.data?.items ?? [];
  const released = RELEASED_STATES.includes(declaration.state);
  if (!released && documents.data && items.length === 0) return null;

  const inForce = (type: CredentialType) => items.some((item) => item.type === type && item.status === 'ACTIVE');
  const mayIssue = released && canIssue(principal, declaration);
  const offered: CredentialType[] = mayIssue
    ? (['ReleaseNote', ...(declaration.type === 'EXPORT' ? (['CertificateOfOrigin'] as const) : [])] as CredentialType[]).filter((type) => !inForce(type))
    : [];
  const issued = (credential: Credential) => {
    setIssuing(null);
    push({ kind: 'success', title: `${CREDENTIAL_TYPE_NAMES[credential.type] ?? credential.type} issued`, body: 'Its QR code leads to its public verification page.' });
    reload(true);
  };

  return (
    <Section
      title="Documents"
      id="documents"
      actions={
        offered.length > 0 ? (
          <>
            {offered.map((type) => (
              <button key={type} type="button" className="button" onClick={() => setIssuing(type)}>
                Issue {(CREDENTIAL_TYPE_NAMES[type] ?? type).toLowerCase()}
              </button>
            ))}
          </>
        ) : null
      }
    >
      {documents.error ? <ErrorMessage error={documents.error} title="The documents could not be read" /> : null}
      {documents.loading && !documents.data ? <Loading label="Loading documents…" /> : null}
      {documents.data && items.length === 0 ? <Empty>No document has been issued for this declaration yet.</Empty> : null}
      {items.length > 0 ? (
        <ul className="document-list" aria-label="Documents">
          {items.map((credential) => {
            const name = CREDENTIAL_TYPE_NAMES[credential.type] ?? credential.type;
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
                    {credential.revokedAt ? ` · revoked ${formatShortDateTime(credential.revokedAt)}: ${credential.revocationReason ?? ''}` : ''}
                  </div>
                  <div className="small">
                    <Link to={`/verify/${credential.id}`}>Verification page</Link> <span className="muted mono document-link">{credential.verificationUrl}</span>
                  </div>
                  {credential.status === 'ACTIVE' && canRevoke(principal) ? (
                    <button type="button" className="button button-small button-danger-quiet" aria-label={`Revoke the ${name.toLowerCase()}`} onClick={() => setRevoking(credential)}>
                      Revoke
                    </button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}

      {issuing === 'CertificateOfOrigin' ? <CertificateDialog declaration={declaration} onClose={() => setIssuing(null)} onIssued={issued} /> : null}
      {issuing === 'ReleaseNote' ? <ReleaseNoteDialog declaration={declaration} onClose={() => setIssuing(null)} onIssued={issued} /> : null}
      {revoking ? (
        <RevokeDialog
          credential={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={(credential) => {
            setRevoking(null);
            push({ kind: 'success', title: `${CREDENTIAL_TYPE_NAMES[credential.type] ?? credential.type} revoked` });
            reload(true);
          }}
        />
      ) : null}
    </Section>
  );
}
