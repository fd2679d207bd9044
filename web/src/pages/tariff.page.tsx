// The tariff: find an HS code by its digits or by words of the nomenclature, and read the national
// lines under a subheading with their General rate (as the schedule writes it and as Cordon
// computes it), with the schedule's source. Administrators replace the schedule with a CSV file.
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { withQuery, type ApiError } from '../api/client.ts';
import type { HsDetail, HsEntry, Page, TariffLine, TariffLookup, TariffSchedule } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Facts, Loading, PageHeader, Section, Tag } from '../components/ui.tsx';
import { describeFilePath, toApiError } from '../lib/form-errors.ts';
import { formatDateTime, formatDecimal } from '../lib/format.ts';
import { canReplaceTariff } from '../lib/rights.ts';
import { readTextFile, sendText } from '../lib/upload.ts';
import { useDebounced, useResource } from '../lib/use-resource.ts';

const LEVEL_NAMES = { 2: 'Chapter', 4: 'Heading', 6: 'Subheading' } as const;
/** The server takes schedules up to 32 MB. */
const MAX_SCHEDULE_BYTES = 32 * 1024 * 1024;

/** 85171300 → 8517.13.00; 8517130000 → 8517.13.00.00; 851713 → 8517.13. */
function formatTariffCode(code: string): string {
  if (code.length <= 4) return code;
  const parts = [code.slice(0, 4)];
  for (let i = 4; i < code.length; i += 2) parts.push(code.slice(i, i + 2));
  return parts.join('.');
}

function RateCell({ line, currency }: { line: TariffLine; currency: string }) {
  const rate = line.rate;
  if (!rate) return <span className="muted">See the line above</span>;
  return (
    <div>
      <span className="rate-text">{rate.text || '—'}</span>
      {rate.computable ? (
        rate.components.length > 0 ? (
          <div className="muted small">
            {rate.components
              .map((c) =>
                c.kind === 'AD_VALOREM' ? `${formatDecimal(c.percent ?? '')} % of the value` : `${formatDecimal(c.amount ?? '')} ${currency} per ${c.chargedOn ?? 'unit'}`,
              )
              .join(' + ')}
          </div>
        ) : null
      ) : (
        <div className="small">
          <Tag tone="warn">Not computed</Tag> <span className="muted">{rate.reason}</span>
        </div>
      )}
    </div>
  );
}

function NationalLines({ code, reveal }: { code: string; reveal: boolean }) {
  const lookup = useResource<TariffLookup>(`/api/v1/tariff/${encodeURIComponent(code)}`);
  const hs = useResource<HsDetail>(`/api/v1/reference/hs/${encodeURIComponent(code)}`);
  const lines = lookup.data?.lines ?? [];
  const ref = useRef<HTMLDivElement>(null);
  const loaded = lookup.data !== null || lookup.error !== null;
  // Brought into view once loaded, when it sits below the search (a narrow screen): earlier, the
  // page may still be too short to scroll that far.
  useEffect(() => {
    if (reveal && loaded) ref.current?.scrollIntoView({ block: 'start' });
  }, [reveal, loaded]);
  return (
    <div ref={ref} className="tariff-lines-anchor">
      <Section title={`National lines under ${formatTariffCode(code)}`} id="tariff-lines">
        {hs.data ? (
          <div className="hs-path">
            {hs.data.ancestors.map((a) => (
              <div key={a.code} className="muted small">
                <span className="mono">{formatTariffCode(a.code)}</span> {a.description}
              </div>
            ))}
            <div>
              <span className="mono">{formatTariffCode(hs.data.code)}</span> <strong>{hs.data.description}</strong>
            </div>
          </div>
        ) : null}
        {lookup.error ? (
          lookup.error.status === 404 ? (
            <Empty>The schedule has no national line under HS {formatTariffCode(code)}.</Empty>
          ) : (
            <ErrorMessage error={lookup.error} title="The tariff lines could not be read" />
          )
        ) : null}
        {lookup.loading ? <Loading label="Loading the tariff lines…" /> : null}
        {lines.length > 0 ? (
          <div className="table-wrap">
            <table className="table" aria-label={`National tariff lines under ${code}`}>
              <thead>
                <tr>
                  <th scope="col">Tariff line</th>
                  <th scope="col">Description</th>
                  <th scope="col">Units</th>
                  <th scope="col">General rate</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line) => (
                  <tr key={line.code}>
                    <td className="mono nowrap">{formatTariffCode(line.code)}</td>
                    <td>
                      {line.context.length > 0 ? <div className="muted small">{line.context.join(' › ')}</div> : null}
                      {line.description}
                    </td>
                    <td className="nowrap">{line.units.join(', ') || '—'}</td>
                    <td>
                      <RateCell line={line} currency={lookup.data?.currency ?? ''} />
                      {line.rateLine !== line.code ? <div className="muted small">Rate of {formatTariffCode(line.rateLine)}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Section>
    </div>
  );
}

function ReplaceSchedule({ currencyNow, onReplaced }: { currencyNow: string | undefined; onReplaced: () => void }) {
  const { push } = useToasts();
  const [file, setFile] = useState<File | null>(null);
  const [currency, setCurrency] = useState('');
  const [source, setSource] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<TariffSchedule | null>(null);
  const outcome = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // The outcome may be below the fold: it is brought into view, and an error takes the focus to be read out.
  useEffect(() => {
    if (error) outcome.current?.querySelector<HTMLElement>('.error-box')?.focus();
    else if (result) outcome.current?.scrollIntoView({ block: 'nearest' });
  }, [error, result]);

  const upload = async () => {
    if (!file) {
      setError(toApiError(new Error('Choose the CSV file of the schedule first.')));
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const text = await readTextFile(file, MAX_SCHEDULE_BYTES);
      const path = withQuery('/api/v1/tariff', { currency: currency.trim().toUpperCase(), source: source.trim() || file.name });
      const schedule = await sendText<TariffSchedule>(path, { method: 'PUT', text, contentType: 'text/csv' });
      setResult(schedule);
      push({ kind: 'success', title: 'Tariff schedule replaced', body: `${schedule.lineCount.toLocaleString()} lines from ${schedule.source}` });
      onReplaced();
    } catch (caught) {
      const refused = toApiError(caught);
      setError(refused);
      // The file must be chosen again once corrected: a browser does not announce the same file twice.
      if (refused.details.length > 0 && fileInput.current) {
        fileInput.current.value = '';
        setFile(null);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Replace the schedule" id="tariff-upload">
      <form
        noValidate
        aria-label="Replace the tariff schedule"
        onSubmit={(event) => {
          event.preventDefault();
          void upload();
        }}
      >
        <p className="muted small section-intro">
          A CSV file with the columns <span className="mono">code, indent, description, units, general_rate</span>, or a USITC HTS export. Nothing is replaced when a row
          is invalid.
        </p>
        <div className="form-grid">
          <div className="field span-2">
            <label htmlFor="tariff-file">Schedule file (CSV)</label>
            <input
              ref={fileInput}
              id="tariff-file"
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setResult(null);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor="tariff-source">Source</label>
            <input id="tariff-source" value={source} onChange={(e) => setSource(e.target.value)} placeholder={file?.name ?? 'e.g. HTS 2025 Revision 4'} maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="tariff-currency">Currency of specific rates</label>
            <input id="tariff-currency" value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} placeholder={currencyNow ?? 'USD'} maxLength={3} className="mono" aria-describedby="tariff-currency-hint" />
            <div className="field-hint" id="tariff-currency-hint">
              Of amounts such as “5.5¢/kg”; the administration’s currency when empty.
            </div>
          </div>
        </div>
        <div className="section-footer">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Loading the schedule…' : 'Replace the schedule'}
          </button>
        </div>
      </form>
      <div ref={outcome}>
        {error ? (
          <div className="error-box" role="alert" data-testid="tariff-upload-error" tabIndex={-1}>
            <strong>The schedule was not replaced</strong>
            <span>{error.message}</span>
            {error.details.length > 0 ? (
              <ul>
                {error.details.map((d) => (
                  <li key={`${d.path}:${d.message}`}>
                    <strong>{describeFilePath(d.path)}</strong>: {d.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {result ? (
          <p className="banner" role="status">
            The schedule in force is now <strong>{result.source}</strong>: {result.lineCount.toLocaleString()} lines, specific rates in {result.currency}.
          </p>
        ) : null}
      </div>
    </Section>
  );
}

export function TariffPage() {
  const { principal } = useSession();
  const [params, setParams] = useSearchParams();
  const code = /^[0-9]{6}$/.test(params.get('code') ?? '') ? (params.get('code') ?? '') : null;
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [reveal, setReveal] = useState(false);
  const q = useDebounced(search.trim(), 300);
  const schedule = useResource<TariffSchedule>('/api/v1/tariff');
  const results = useResource<Page<HsEntry>>(q.length >= 2 ? withQuery('/api/v1/reference/hs', { q: q.replaceAll('.', ''), limit: 50 }) : null);
  const entries = results.data?.items ?? [];

  const choose = (next: string) => {
    const query = new URLSearchParams(params);
    query.set('code', next);
    if (q) query.set('q', q);
    setParams(query, { replace: false });
    // Side by side on a wide screen; one above the other on a narrow one, where the lines are brought into view.
    setReveal(window.matchMedia('(max-width: 900px)').matches);
  };

  const s = schedule.data;
  return (
    <>
      <PageHeader title="Tariff" subtitle="HS nomenclature and the national tariff schedule in force" />
      <Section title="Schedule in force" id="tariff-schedule">
        {schedule.error ? <ErrorMessage error={schedule.error} title="The schedule could not be read" /> : null}
        {s ? (
          <Facts
            items={[
              ['Source', s.source],
              ['Lines', s.lineCount.toLocaleString()],
              ['Specific rates in', s.currency],
              ['Loaded', formatDateTime(s.loadedAt)],
              ['SHA-256', <span className="mono truncate-inline" title={s.sha256}>{`${s.sha256.slice(0, 16)}…`}</span>],
            ]}
          />
        ) : schedule.loading ? (
          <Loading label="Loading the schedule…" />
        ) : null}
      </Section>

      <div className="tariff-layout">
        <Section title="Find an HS code" id="tariff-search">
          <div className="field">
            <label htmlFor="tariff-search-input">HS code or words</label>
            <input
              id="tariff-search-input"
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder="e.g. 8517 or smartphones"
              autoComplete="off"
              spellCheck={false}
              aria-describedby="tariff-search-hint"
            />
            <div className="field-hint" id="tariff-search-hint">
              Digits search by code prefix; words search the descriptions.
            </div>
          </div>
          <div className="hs-results" aria-live="polite">
            {q.length < 2 ? <Empty>Type at least two characters.</Empty> : null}
            {results.loading ? <Loading label="Searching…" /> : null}
            {results.error ? <ErrorMessage error={results.error} title="The search failed" /> : null}
            {q.length >= 2 && !results.loading && !results.error && entries.length === 0 ? <Empty>No HS code matches “{q}”.</Empty> : null}
            {entries.length > 0 ? (
              <ul className="hs-list" aria-label="HS codes found">
                {entries.map((entry) => (
                  <li key={entry.code} className={`level-${entry.level}${entry.code === code ? ' selected' : ''}`}>
                    {entry.level === 6 ? (
                      <button type="button" className="hs-option" aria-current={entry.code === code ? 'true' : undefined} onClick={() => choose(entry.code)}>
                        <span className="mono">{formatTariffCode(entry.code)}</span>
                        <span>{entry.description}</span>
                      </button>
                    ) : (
                      <button type="button" className="hs-option" onClick={() => setSearch(entry.code)} aria-label={`${LEVEL_NAMES[entry.level]} ${entry.code}: ${entry.description}. Show the codes under it`}>
                        <span className="mono">{formatTariffCode(entry.code)}</span>
                        <span>
                          <span className="muted small">{LEVEL_NAMES[entry.level]} · </span>
                          {entry.description}
                        </span>
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        </Section>
        <div className="tariff-detail">
          {code ? (
            <NationalLines key={code} code={code} reveal={reveal} />
          ) : (
            <Section title="National lines" id="tariff-lines">
              <Empty>Choose a subheading (six digits) to see its national lines and rates.</Empty>
            </Section>
          )}
        </div>
      </div>

      {canReplaceTariff(principal) ? <ReplaceSchedule currencyNow={schedule.data?.currency} onReplaced={() => schedule.reload(true)} /> : null}
    </>
  );
}
