// The verifiable documents of a declaration, on its page (listed by document-list.tsx, with their QR
// codes and revocation), including the custody records of its trips. Once the goods are released, the
// declaring enterprise, officers and admins issue a release note, and for an export a certificate
// of origin with the origin criterion of each line.
import { useState } from 'react';
import { api, ApiError, newIdempotencyKey, withQuery } from '../api/client.ts';
import {
  CREDENTIAL_TYPE_NAMES,
  ORIGIN_CRITERIA,
  ORIGIN_CRITERION_NAMES,
  type Credential,
  type CredentialType,
  type OriginCriterion,
} from '../api/credential-types.ts';
import type { DeclarationDetail, Page } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field, fieldId } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Loading, Section } from '../components/ui.tsx';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { canIssueDocuments } from '../lib/rights.ts';
import { useResource } from '../lib/use-resource.ts';
import { useLiveEvents, useThrottled } from '../live/live.tsx';
import { credentialName, DocumentList } from './document-list.tsx';

const RELEASED_STATES = ['RELEASED', 'COMPLETED'];

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

export function DeclarationDocuments({ declaration }: { declaration: DeclarationDetail }) {
  const { principal } = useSession();
  const { push } = useToasts();
  const documents = useResource<Page<Credential>>(withQuery('/api/v1/credentials', { declarationId: declaration.id, limit: 50 }));
  const [issuing, setIssuing] = useState<CredentialType | null>(null);
  const { reload } = documents;
  const refresh = useThrottled(() => reload(true), 500);
  useLiveEvents((event) => {
    if (event === null || event.type.startsWith('credential.')) refresh();
  });

  const items = documents.data?.items ?? [];
  const released = RELEASED_STATES.includes(declaration.state);
  if (!released && documents.data && items.length === 0) return null;

  const inForce = (type: CredentialType) => items.some((item) => item.type === type && item.status === 'ACTIVE');
  const mayIssue = released && canIssueDocuments(principal, declaration.enterpriseId);
  const offered: CredentialType[] = mayIssue
    ? (['ReleaseNote', ...(declaration.type === 'EXPORT' ? (['CertificateOfOrigin'] as const) : [])] as CredentialType[]).filter((type) => !inForce(type))
    : [];
  const issued = (credential: Credential) => {
    setIssuing(null);
    push({ kind: 'success', title: `${credentialName(credential)} issued`, body: 'Its QR code leads to its public verification page.' });
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
      {items.length > 0 ? <DocumentList items={items} onChanged={() => reload(true)} /> : null}

      {issuing === 'CertificateOfOrigin' ? <CertificateDialog declaration={declaration} onClose={() => setIssuing(null)} onIssued={issued} /> : null}
      {issuing === 'ReleaseNote' ? <ReleaseNoteDialog declaration={declaration} onClose={() => setIssuing(null)} onIssued={issued} /> : null}
    </Section>
  );
}
