// Small building blocks shared by every page: badges for lanes and states (always with their word,
// never colour alone), loading, empty and error states, page headers and definition lists.
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import type { DeclarationState, Lane } from '../api/types.ts';
import { humanize } from '../lib/format.ts';

export function LaneBadge({ lane }: { lane: Lane | 'NONE' | null }) {
  if (lane === null || lane === 'NONE') return <span className="badge badge-muted">No lane</span>;
  return (
    <span className={`badge lane lane-${lane.toLowerCase()}`} title={`${humanize(lane)} lane`}>
      <span className="lane-dot" aria-hidden="true" />
      {lane}
    </span>
  );
}

const STATE_TONES: Record<DeclarationState, string> = {
  SUBMITTED: 'neutral',
  ASSESSED: 'info',
  UNDER_INSPECTION: 'warn',
  RELEASED: 'good',
  REJECTED: 'bad',
  COMPLETED: 'done',
  CANCELLED: 'muted',
};

export function StateBadge({ state }: { state: DeclarationState }) {
  return <span className={`badge state state-${STATE_TONES[state]}`}>{humanize(state)}</span>;
}

export function Tag({ children, tone = 'neutral' }: { children: ReactNode; tone?: 'neutral' | 'bad' | 'warn' | 'good' | 'info' }) {
  return <span className={`badge state state-${tone}`}>{children}</span>;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function ErrorMessage({ error, title }: { error: ApiError | Error | string; title?: string }) {
  const message = typeof error === 'string' ? error : error.message;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div className="error-box" role="alert">
      <strong>{title ?? 'Something went wrong'}</strong>
      <span>{message}</span>
      {details.length > 0 ? (
        <ul>
          {details.map((d) => (
            <li key={`${d.path}:${d.message}`}>
              {d.path && d.path !== '/' ? <code>{d.path}</code> : null} {d.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle ? <div className="page-subtitle">{subtitle}</div> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}

export function Section({ title, actions, children, id }: { title: ReactNode; actions?: ReactNode; children: ReactNode; id?: string }) {
  return (
    <section className="card" id={id} aria-labelledby={id ? `${id}-title` : undefined}>
      <div className="card-header">
        <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </div>
      <div className="card-body">{children}</div>
    </section>
  );
}

export function Facts({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="facts">
      {items.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value === null || value === undefined || value === '' ? '—' : value}</dd>
        </div>
      ))}
    </dl>
  );
}
