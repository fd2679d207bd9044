// The public verification of a document, for anyone who holds it (a buyer, a carrier, the customs of
// the importing country), without signing in: /verify/:id is where a document's QR code leads, and
// /verify takes a credential someone sent. The verdict (VALID, REVOKED or INVALID) comes from the
// server's verification of the signed token, and the document's contents are shown only as signed.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, isAbort } from '../api/client.ts';
import {
  CREDENTIAL_TYPE_NAMES,
  ORIGIN_CRITERION_NAMES,
  type OriginCriterion,
  type PublicCredential,
  type Verdict,
  type VerifiableCredential,
  type Verification,
} from '../api/credential-types.ts';
import { DEVICE_TYPE_NAMES, type DeviceType } from '../api/tracking-types.ts';
import { useSessionState } from '../app/session.tsx';
import { Facts, Loading } from '../components/ui.tsx';
import { toApiError } from '../lib/form-errors.ts';
import { formatDateTime, formatDecimal, humanize } from '../lib/format.ts';

const VERDICT_TEXT: Record<Verdict, string> = {
  VALID: 'Authentic and in force: signed by the issuing customs administration, unchanged, and not revoked.',
  REVOKED: 'Authentic, but revoked by the issuing customs administration: it no longer holds.',
  INVALID: 'Not to be relied on: the document could not be verified.',
};

const verifyToken = (token: string, signal?: AbortSignal) =>
  api<Verification>('/api/v1/public/credentials/verification', { method: 'POST', body: { token }, ...(signal ? { signal } : {}) });

// --- reading an untrusted document's fields --------------------------------------------------------

type Fields = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null);
const fields = (value: unknown): Fields => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {});
const rows = (value: unknown): Fields[] => (Array.isArray(value) ? value.map(fields) : []);
const issuerId = (credential: VerifiableCredential) => (typeof credential.issuer === 'string' ? credential.issuer : credential.issuer.id);

function partyText(value: unknown): ReactNode {
  const party = fields(value);
  if (!text(party.name)) return null;
  return (
    <>
      {text(party.name)}
      <span className="muted small">
        {' '}
        · {text(party.identifier)} · {text(party.country)}
      </span>
    </>
  );
}

function zoneText(value: unknown): string | null {
  const zone = fields(value);
  const parts = [text(zone.code), text(zone.name)].filter(Boolean).join(' ');
  return parts ? `${parts}${text(zone.locode) ? ` (UN/LOCODE ${text(zone.locode)})` : ''}` : null;
}

function GoodsTable({ lines, origin }: { lines: Fields[]; origin: boolean }) {
  return (
    <div className="table-wrap">
      <table className="table table-rows" aria-label={origin ? 'Goods and their origin' : 'Lines released'}>
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">HS</th>
            <th scope="col">Description</th>
            <th scope="col" className="num">
              Quantity
            </th>
            {origin ? <th scope="col">Origin</th> : null}
            {origin ? <th scope="col">Origin criterion</th> : null}
          </tr>
        </thead>
        <tbody>
          {lines.map((line, index) => {
            const criterion = text(line.originCriterion);
            return (
              <tr key={text(line.lineNo) ?? index}>
                <td className="num">{text(line.lineNo)}</td>
                <td className="mono">{text(line.hsCode)}</td>
                <td className="wrap">{text(line.description)}</td>
                <td className="num nowrap">
                  {formatDecimal(text(line.quantity))} {text(line.unit)}
                </td>
                {origin ? <td>{text(line.originCountry)}</td> : null}
                {origin ? (
                  <td>
                    <span className="mono">{criterion}</span>{' '}
                    <span className="muted small">{criterion && criterion in ORIGIN_CRITERION_NAMES ? ORIGIN_CRITERION_NAMES[criterion as OriginCriterion] : ''}</span>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** What the document says, as signed. */
export function CredentialContents({ credential, issuerName }: { credential: VerifiableCredential; issuerName: string | null }) {
  const type = credential.type.find((t) => t !== 'VerifiableCredential') ?? 'VerifiableCredential';
  const subject = credential.credentialSubject;
  const declaration = fields(subject.declaration);
  const reference = text(declaration.reference);
  const common: Array<[string, ReactNode]> = [
    ['Document', CREDENTIAL_TYPE_NAMES[type] ?? humanize(type)],
    ['Issued by', issuerName ? <>{issuerName}</> : <span className="mono">{issuerId(credential)}</span>],
    ['Issuer identifier', <span className="mono small">{issuerId(credential)}</span>],
    ['Valid from', formatDateTime(credential.validFrom)],
    ...(credential.validUntil ? ([['Valid until', formatDateTime(credential.validUntil)]] as Array<[string, ReactNode]>) : []),
    ['Document number', <span className="mono small">{credential.id}</span>],
  ];

  if (type === 'CertificateOfOrigin') {
    return (
      <>
        <Facts
          items={[
            ...common,
            ['Export declaration', reference ? <span className="mono">{reference}</span> : null],
            ['Exporter', partyText(subject.exporter)],
            ['Importing country', text(subject.importingCountry)],
            ['Free zone', zoneText(subject.zone)],
          ]}
        />
        <h3>Goods</h3>
        <GoodsTable lines={rows(subject.goods)} origin />
      </>
    );
  }
  if (type === 'ReleaseNote') {
    const transport = fields(subject.transport);
    const containers = Array.isArray(transport.containers) ? transport.containers.map(text).filter(Boolean).join(', ') : '';
    return (
      <>
        <Facts
          items={[
            ...common,
            ['Declaration', reference ? <><span className="mono">{reference}</span> · {humanize(text(declaration.declarationType) ?? '')}</> : null],
            ['Enterprise', partyText(subject.enterprise)],
            ['Free zone', zoneText(subject.zone)],
            ['Released', formatDateTime(text(subject.releasedAt))],
            ['Transport', text(transport.mode) ? humanize(text(transport.mode) ?? '') : null],
            ['Vehicle plate', text(transport.vehiclePlate) ? <span className="mono">{text(transport.vehiclePlate)}</span> : null],
            ['Containers', containers ? <span className="mono">{containers}</span> : null],
          ]}
        />
        <h3>Lines</h3>
        <GoodsTable lines={rows(subject.lines)} origin={false} />
      </>
    );
  }
  if (type === 'TripCustodyRecord') {
    const trip = fields(subject.trip);
    const device = fields(trip.device);
    const track = fields(subject.track);
    const incidents = rows(subject.incidents);
    const omitted = text(subject.incidentsOmitted);
    const gate = (value: unknown) => {
      const g = fields(value);
      return text(g.name) ? `${text(g.name)} (${text(g.code)}) · ${zoneText(g.zone) ?? ''}` : null;
    };
    return (
      <>
        <Facts
          items={[
            ...common,
            ['Trip', text(trip.reference) ? <span className="mono">{text(trip.reference)}</span> : null],
            ['Container', text(trip.container) ? <span className="mono">{text(trip.container)}</span> : null],
            ['Sealed by', text(device.id) ? <><span className="mono">{text(device.id)}</span> · {DEVICE_TYPE_NAMES[text(device.type) as DeviceType] ?? humanize(text(device.type) ?? '')}</> : null],
            ['Declaration', reference ? <><span className="mono">{reference}</span> · {humanize(text(declaration.declarationType) ?? '')}</> : null],
            ['Enterprise', partyText(subject.enterprise)],
            ['From', gate(subject.origin)],
            ['To', gate(subject.destination)],
            ['Departed', formatDateTime(text(subject.departedAt))],
            ['Arrived', formatDateTime(text(subject.arrivedAt))],
            ['Completion', subject.completion === 'CONFIRMED_BY_OFFICER' ? 'Confirmed by a customs officer' : 'Seal opened at the destination gate'],
            ...(text(subject.officerNote) ? ([["Officer's note", text(subject.officerNote)]] as Array<[string, ReactNode]>) : []),
            ['Seal', subject.sealIntact === true ? 'Intact all the way' : subject.sealIntact === false ? <strong>Not intact: tampered with or opened on the way</strong> : null],
            ['Track', text(track.positions) ? `${text(track.positions)} positions, ${(Number(track.distanceMeters) / 1000).toFixed(1)} km` : null],
            ['Track digest (SHA-256)', text(track.sha256) ? <span className="mono small">{text(track.sha256)}</span> : null],
          ]}
        />
        <h3>Incidents on the way</h3>
        {incidents.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul aria-label="Incidents">
            {incidents.map((incident, index) => (
              <li key={index}>
                {humanize(text(incident.kind) ?? '')} · {humanize(text(incident.severity) ?? '')} · {formatDateTime(text(incident.at))}
              </li>
            ))}
            {omitted ? <li className="muted">and {omitted} more</li> : null}
          </ul>
        )}
      </>
    );
  }
  return (
    <>
      <Facts items={common} />
      <h3>Subject</h3>
      <pre className="verify-json">{JSON.stringify(subject, null, 2)}</pre>
    </>
  );
}

function VerdictPanel({ verification, revokedAt }: { verification: Verification; revokedAt?: string | null }) {
  const { verdict } = verification;
  const errors = verification.reasons.filter((reason) => reason.severity === 'error' && reason.code !== 'REVOKED');
  const notices = verification.reasons.filter((reason) => reason.severity === 'notice');
  return (
    <section className={`verdict verdict-${verdict.toLowerCase()}`} aria-labelledby="verdict-word" data-verdict={verdict}>
      <h2 className="verdict-word" id="verdict-word">
        {verdict}
      </h2>
      <p className="verdict-text">{VERDICT_TEXT[verdict]}</p>
      {verdict === 'REVOKED' && revokedAt ? <p className="verdict-text">Revoked on {formatDateTime(revokedAt)}.</p> : null}
      {errors.length > 0 ? (
        <ul className="verdict-reasons" aria-label="Why the document does not hold">
          {errors.map((reason) => (
            <li key={`${reason.code}:${reason.message}`}>{reason.message}</li>
          ))}
        </ul>
      ) : null}
      {notices.length > 0 ? (
        <ul className="verdict-notices muted small" aria-label="Not checked">
          {notices.map((reason) => (
            <li key={`${reason.code}:${reason.message}`}>{reason.message}</li>
          ))}
        </ul>
      ) : null}
      <p className="muted small">Checked {formatDateTime(verification.checkedAt)}.</p>
    </section>
  );
}

function VerificationResult({ verification, revokedAt }: { verification: Verification; revokedAt?: string | null }) {
  return (
    <>
      <VerdictPanel verification={verification} revokedAt={revokedAt ?? null} />
      {verification.credential ? (
        <section className="card" aria-labelledby="contents-title">
          <div className="card-header">
            <h2 id="contents-title">{verification.credential.name ?? 'The document'}</h2>
          </div>
          <div className="card-body">
            <CredentialContents credential={verification.credential} issuerName={verification.issuer?.name ?? null} />
          </div>
        </section>
      ) : (
        <p className="muted">The contents are not shown: what was presented does not match what the issuer signed.</p>
      )}
    </>
  );
}

function PublicFrame({ title, children }: { title: string; children: ReactNode }) {
  const { session } = useSessionState();
  useEffect(() => {
    document.title = `${title} · Cordon`;
  }, [title]);
  return (
    <div className="verify">
      <header className="verify-header">
        <Link to="/verify" className="brand">
          <span className="brand-mark" aria-hidden="true">
            C
          </span>
          <span>Cordon · document verification</span>
        </Link>
        {session ? <Link to="/dashboard">Back to the console</Link> : <Link to="/login">Sign in</Link>}
      </header>
      <main className="verify-main" id="main">
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}

type Checked = { verification: Verification; revokedAt: string | null } | { missing: true } | { error: ApiError };

/** /verify/:id: the document the QR code names, verified. */
export function VerifyDocumentPage() {
  const { id = '' } = useParams();
  const [checked, setChecked] = useState<Checked | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setChecked(null);
    api<PublicCredential>(`/api/v1/public/credentials/${encodeURIComponent(id)}`, { signal: controller.signal })
      .then(async (record) => ({ verification: await verifyToken(record.token, controller.signal), revokedAt: record.revokedAt }))
      .then(setChecked, (caught: unknown) => {
        if (isAbort(caught)) return;
        const error = toApiError(caught);
        setChecked(error.status === 404 || error.status === 400 ? { missing: true } : { error });
      });
    return () => controller.abort();
  }, [id]);

  return (
    <PublicFrame title="Document verification">
      {checked === null ? <Loading label="Verifying the document…" /> : null}
      {checked && 'verification' in checked ? <VerificationResult verification={checked.verification} revokedAt={checked.revokedAt} /> : null}
      {checked && 'missing' in checked ? (
        <section className="verdict verdict-invalid" aria-labelledby="verdict-word" data-verdict="INVALID">
          <h2 className="verdict-word" id="verdict-word">
            INVALID
          </h2>
          <p className="verdict-text">No document with this number was issued here. Check the link, or paste the document you were sent.</p>
        </section>
      ) : null}
      {checked && 'error' in checked ? (
        <div className="error-box" role="alert">
          <strong>The document could not be verified now</strong>
          <span>{checked.error.message}</span>
        </div>
      ) : null}
      <p>
        <Link to="/verify">Verify a document someone sent you</Link>
      </p>
    </PublicFrame>
  );
}

/** A file's content or a pasted reply: the compact JWS, or JSON holding it as `token`. */
function tokenOf(input: string): string {
  const trimmed = input.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    const token = fields(parsed).token;
    return typeof token === 'string' ? token : trimmed;
  } catch {
    return trimmed;
  }
}

/** /verify: a credential pasted as it was received. */
export function VerifyPastedPage() {
  const [input, setInput] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Verification | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const token = tokenOf(input);
    if (!token) {
      setError(new ApiError(400, 'VALIDATION_FAILED', 'Paste the document first.'));
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await verifyToken(token));
    } catch (caught) {
      setError(toApiError(caught));
    }
    setBusy(false);
  };

  return (
    <PublicFrame title="Verify a document">
      <form className="card verify-form" onSubmit={(event) => void submit(event)} aria-label="Verify a document">
        <div className="card-body">
          <label htmlFor="credential-token" className="field-label">
            The document as you received it
          </label>
          <p className="field-hint" id="credential-token-hint">
            A verifiable credential (a long text of three parts separated by dots, beginning with eyJ), as sent by e-mail or saved from the issuer.
          </p>
          <textarea
            id="credential-token"
            className="mono"
            rows={8}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            aria-describedby="credential-token-hint"
            spellCheck={false}
            autoComplete="off"
            maxLength={70_000}
          />
          <div className="verify-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Verifying…' : 'Verify'}
            </button>
          </div>
        </div>
      </form>
      {error ? (
        <div className="error-box" role="alert">
          <strong>The document could not be verified</strong>
          <span>{error.message}</span>
        </div>
      ) : null}
      {result ? <VerificationResult verification={result} /> : null}
    </PublicFrame>
  );
}
