// The administration's settings: country, currency, HS edition, VAT and status model; selectivity
// (random control shares and the rules that set lanes); reconciliation thresholds; excise rates;
// exchange rates. Administrators change them, other staff read them. Rates, shares and amounts
// stay the decimal strings typed: they are sent as text and never pass through floating point.
import { useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, newIdempotencyKey, withQuery, type ApiError } from '../api/client.ts';
import {
  AEO_NAMES,
  AEO_STATUSES,
  DECLARATION_TYPES,
  EXCISE_BASES,
  HS_EDITIONS,
  LANES,
  STATUS_MODELS,
  type AdministrationInput,
  type AdministrationSettings,
  type AeoStatus,
  type Country,
  type Currency,
  type DeclarationType,
  type DutySettings,
  type ExchangeRates,
  type ExciseBasis,
  type ExciseRate,
  type Lane,
  type Page,
  type ReconciliationSettings,
  type Selectivity,
  type SelectivityRule,
  type Unit,
} from '../api/types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field, fieldId } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, LaneBadge, Loading, PageHeader, Section } from '../components/ui.tsx';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { formatDate, formatDateTime, formatDecimal, humanize, isoDay } from '../lib/format.ts';
import { canEditSettings, canSeeTargeting } from '../lib/rights.ts';
import { useResource, type Resource } from '../lib/use-resource.ts';

/** "0.035" → "3.5 %", by moving the decimal point in the text: shown beside a share, never sent. */
function sharePercent(share: string): string {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(share.trim());
  if (!match) return '';
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const integer = (whole + fraction.slice(0, 2)).replace(/^0+(?=\d)/, '');
  const rest = fraction.slice(2).replace(/0+$/, '');
  return `${integer}${rest ? `.${rest}` : ''}\u00a0%`;
}

/** Saving a settings form: busy, the server's refusal, and its messages by field. */
function useSave(onSaved: () => void) {
  const { push } = useToasts();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const save = async (title: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      push({ kind: 'success', title });
      onSaved();
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, save };
}

function ReadOnlyNote() {
  return <p className="banner">Read only: only administrators change these settings.</p>;
}

function SaveBar({ busy, dirty, onDiscard, label = 'Save settings' }: { busy: boolean; dirty: boolean; onDiscard: () => void; label?: string }) {
  return (
    <div className="settings-actions">
      {dirty ? <span className="muted small">Unsaved changes</span> : null}
      <button type="button" className="button" disabled={busy || !dirty} onClick={onDiscard}>
        Discard changes
      </button>
      <button type="submit" className="button button-primary" disabled={busy || !dirty}>
        {busy ? 'Saving…' : label}
      </button>
    </div>
  );
}

interface ShareInputProps {
  value: string;
  onChange: (value: string) => void;
  /** Set by Field, for the label and the messages. */
  id?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

function ShareInput({ value, onChange, ...field }: ShareInputProps) {
  return (
    <span className="share-input">
      <input type="text" inputMode="decimal" value={value} onChange={(e) => onChange(e.target.value.trim())} autoComplete="off" {...field} />
      <span className="muted small" aria-hidden="true">
        {sharePercent(value)}
      </span>
    </span>
  );
}

function baseOf(a: AdministrationSettings): Omit<AdministrationInput, 'selectivity'> {
  return { name: a.name, country: a.country, currency: a.currency, hsEdition: a.hsEdition, vatRate: a.vatRate, statusModel: a.statusModel };
}

// --- administration ------------------------------------------------------------------------------

function AdministrationTab({ admin, editable }: { admin: Resource<AdministrationSettings>; editable: boolean }) {
  const current = admin.data;
  const countries = useResource<Page<Country>>('/api/v1/reference/countries');
  const currencies = useResource<Page<Currency>>('/api/v1/reference/currencies');
  const [form, setForm] = useState<Omit<AdministrationInput, 'selectivity'> | null>(null);
  const { busy, error, setError, save } = useSave(() => {
    setForm(null);
    admin.reload(true);
  });
  if (!current) return null;
  const value = form ?? baseOf(current);
  const set = (patch: Partial<typeof value>) => setForm({ ...value, ...patch });
  const errors = error ? errorsByPath(error.details) : {};
  const dirty = form !== null && JSON.stringify(form) !== JSON.stringify(baseOf(current));

  return (
    <form
      noValidate
      aria-label="Administration"
      onSubmit={(event) => {
        event.preventDefault();
        if (!current.selectivity) return;
        const selectivity = current.selectivity;
        void save('Administration settings saved', () => api('/api/v1/administration', { method: 'PUT', body: { ...value, selectivity }, idempotencyKey: newIdempotencyKey() }));
      }}
    >
      {editable ? null : <ReadOnlyNote />}
      {error ? <ErrorSummary error={error} title="The settings were not saved" /> : null}
      <Section title="Administration" id="administration-settings">
        <fieldset disabled={!editable} className="plain">
          <div className="form-grid">
            <Field path="/name" label="Name" error={errors['/name']} className="span-2" required>
              <input value={value.name} onChange={(e) => set({ name: e.target.value })} />
            </Field>
            <Field path="/country" label="Country" error={errors['/country']} required>
              <select value={value.country} onChange={(e) => set({ country: e.target.value })}>
                {(countries.data?.items ?? [{ alpha2: value.country, name: value.country }]).map((c) => (
                  <option key={c.alpha2} value={c.alpha2}>
                    {c.alpha2} · {c.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field path="/currency" label="Currency" error={errors['/currency']} hint="Duties, bills and values are in this currency." required>
              <select value={value.currency} onChange={(e) => set({ currency: e.target.value })}>
                {(currencies.data?.items ?? [{ code: value.currency, name: value.currency }]).map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.code} · {c.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field path="/vatRate" label="VAT rate" error={errors['/vatRate']} hint="A share between 0 and 1: 0.2 is 20&nbsp;%." required>
              <ShareInput value={value.vatRate} onChange={(vatRate) => set({ vatRate })} />
            </Field>
            <Field path="/hsEdition" label="HS edition" error={errors['/hsEdition']} required>
              <select value={value.hsEdition} onChange={(e) => set({ hsEdition: e.target.value as (typeof HS_EDITIONS)[number] })}>
                {HS_EDITIONS.map((edition) => (
                  <option key={edition} value={edition}>
                    {edition}
                  </option>
                ))}
              </select>
            </Field>
            <Field path="/statusModel" label="Customs statuses" error={errors['/statusModel']} hint="US FTZ: privileged and non-privileged foreign, zone-restricted." required>
              <select value={value.statusModel} onChange={(e) => set({ statusModel: e.target.value as (typeof STATUS_MODELS)[number] })}>
                {STATUS_MODELS.map((model) => (
                  <option key={model} value={model}>
                    {model === 'US_FTZ' ? 'US foreign-trade zone' : 'Standard (foreign, domestic)'}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        </fieldset>
        <p className="muted small settings-meta">
          Version {current.version}, changed {formatDateTime(current.updatedAt)}
        </p>
      </Section>
      {editable ? (
        <SaveBar
          busy={busy}
          dirty={dirty}
          onDiscard={() => {
            setForm(null);
            setError(null);
          }}
        />
      ) : null}
    </form>
  );
}

// --- selectivity ---------------------------------------------------------------------------------

/** A rule as the form holds it: lists as the text typed, split when saved. */
interface RuleForm {
  name: string;
  lane: Lane;
  reason: string;
  declarationTypes: DeclarationType[];
  hsPrefixes: string;
  originCountries: string;
  enterpriseIds: string[];
  aeoStatuses: AeoStatus[];
  minTotalValue: string;
}

const words = (text: string) => text.split(/[\s,;]+/).filter(Boolean);

function ruleForm(rule: SelectivityRule | null): RuleForm {
  return {
    name: rule?.name ?? '',
    lane: rule?.lane ?? 'YELLOW',
    reason: rule?.reason ?? '',
    declarationTypes: rule?.declarationTypes ?? [],
    hsPrefixes: (rule?.hsPrefixes ?? []).join(', '),
    originCountries: (rule?.originCountries ?? []).join(', '),
    enterpriseIds: rule?.enterpriseIds ?? [],
    aeoStatuses: rule?.aeoStatuses ?? [],
    minTotalValue: rule?.minTotalValue ?? '',
  };
}

/** An empty condition is left out: the rule then applies whatever that field holds. */
function ruleOf(form: RuleForm): SelectivityRule {
  const rule: SelectivityRule = { name: form.name.trim(), lane: form.lane, reason: form.reason.trim() };
  if (form.declarationTypes.length > 0) rule.declarationTypes = form.declarationTypes;
  if (words(form.hsPrefixes).length > 0) rule.hsPrefixes = words(form.hsPrefixes).map((p) => p.replaceAll('.', ''));
  if (words(form.originCountries).length > 0) rule.originCountries = words(form.originCountries).map((c) => c.toUpperCase());
  if (form.enterpriseIds.length > 0) rule.enterpriseIds = form.enterpriseIds;
  if (form.aeoStatuses.length > 0) rule.aeoStatuses = form.aeoStatuses;
  if (form.minTotalValue.trim()) rule.minTotalValue = form.minTotalValue.trim();
  return rule;
}

function toggle<T>(list: T[], value: T, on: boolean): T[] {
  return on ? [...list, value] : list.filter((v) => v !== value);
}

function RuleDialog({ rule, errors, onSave, onClose }: { rule: SelectivityRule | null; errors: Record<string, string>; onSave: (rule: SelectivityRule) => void; onClose: () => void }) {
  const { enterprises } = useDirectory();
  const [form, setForm] = useState<RuleForm>(() => ruleForm(rule));
  const [problem, setProblem] = useState<Record<string, string>>(errors);
  const set = (patch: Partial<RuleForm>) => setForm((f) => ({ ...f, ...patch }));
  const err = (key: string) => problem[`/rule/${key}`];

  const submit = () => {
    // The rule is checked for what can be seen here; the rest when the settings are saved.
    const found: Record<string, string> = {};
    if (!form.name.trim()) found['/rule/name'] = 'is required';
    if (!form.reason.trim()) found['/rule/reason'] = 'is required: officers read it as the lane reason';
    const badPrefix = words(form.hsPrefixes).find((p) => !/^[0-9]{2,6}$/.test(p.replaceAll('.', '')));
    if (badPrefix) found['/rule/hsPrefixes'] = `“${badPrefix}” is not 2 to 6 digits`;
    const badCountry = words(form.originCountries).find((c) => !/^[A-Za-z]{2}$/.test(c));
    if (badCountry) found['/rule/originCountries'] = `“${badCountry}” is not a two-letter country code`;
    if (form.minTotalValue.trim() && !/^(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?$/.test(form.minTotalValue.trim())) {
      found['/rule/minTotalValue'] = 'must be a decimal number, e.g. 250000 or 1250.50';
    }
    setProblem(found);
    const first = Object.keys(found)[0];
    if (first) {
      document.getElementById(fieldId(first))?.focus();
      return;
    }
    onSave(ruleOf(form));
  };

  return (
    <FormDialog open title={rule ? `Change the rule “${rule.name}”` : 'New selectivity rule'} submitLabel={rule ? 'Keep the changes' : 'Add the rule'} onSubmit={submit} onClose={onClose} wide>
      <p className="muted small">
        A rule applies when the declaration meets every condition given; a condition left empty is not checked. The most severe lane of the rules that apply is
        taken. Changes take effect once the settings are saved.
      </p>
      <div className="form-grid form-grid-2">
        <Field path="/rule/name" label="Name" error={err('name')} required>
          <input value={form.name} onChange={(e) => set({ name: e.target.value })} autoFocus />
        </Field>
        <Field path="/rule/lane" label="Lane" error={err('lane')} required>
          <select value={form.lane} onChange={(e) => set({ lane: e.target.value as Lane })}>
            {LANES.map((lane) => (
              <option key={lane} value={lane}>
                {humanize(lane)}
              </option>
            ))}
          </select>
        </Field>
        <Field path="/rule/reason" label="Reason shown to officers" error={err('reason')} className="span-all" required>
          <textarea rows={2} value={form.reason} maxLength={500} onChange={(e) => set({ reason: e.target.value })} />
        </Field>
        <Field path="/rule/hsPrefixes" label="HS codes starting with" error={err('hsPrefixes')} hint="2 to 6 digits each, separated by commas: 8517, 2204.">
          <input value={form.hsPrefixes} onChange={(e) => set({ hsPrefixes: e.target.value })} className="mono" />
        </Field>
        <Field path="/rule/originCountries" label="Goods originating in" error={err('originCountries')} hint="ISO country codes, separated by commas: CN, VN.">
          <input value={form.originCountries} onChange={(e) => set({ originCountries: e.target.value.toUpperCase() })} className="mono" />
        </Field>
        <Field path="/rule/minTotalValue" label="Total value from" error={err('minTotalValue')} hint="In the declaration’s currency.">
          <input value={form.minTotalValue} inputMode="decimal" onChange={(e) => set({ minTotalValue: e.target.value })} />
        </Field>
        <fieldset className="choice-group span-all">
          <legend>Declaration types</legend>
          <div className="choice-list choice-columns">
            {DECLARATION_TYPES.map((type) => (
              <label className="check" key={type}>
                <input type="checkbox" checked={form.declarationTypes.includes(type)} onChange={(e) => set({ declarationTypes: toggle(form.declarationTypes, type, e.target.checked) })} />
                {humanize(type)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="choice-group">
          <legend>AEO status of the enterprise</legend>
          <div className="choice-list">
            {AEO_STATUSES.map((status) => (
              <label className="check" key={status}>
                <input type="checkbox" checked={form.aeoStatuses.includes(status)} onChange={(e) => set({ aeoStatuses: toggle(form.aeoStatuses, status, e.target.checked) })} />
                {AEO_NAMES[status]}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="choice-group">
          <legend>Enterprises</legend>
          <div className="choice-list choice-scroll">
            {enterprises.map((enterprise) => (
              <label className="check" key={enterprise.id}>
                <input
                  type="checkbox"
                  checked={form.enterpriseIds.includes(enterprise.id)}
                  onChange={(e) => set({ enterpriseIds: toggle(form.enterpriseIds, enterprise.id, e.target.checked) })}
                />
                {enterprise.name}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
    </FormDialog>
  );
}

function useRuleSummary() {
  const { enterpriseById } = useDirectory();
  return (rule: SelectivityRule): string => {
    const parts: string[] = [];
    if (rule.declarationTypes) parts.push(rule.declarationTypes.map(humanize).join(' or '));
    if (rule.hsPrefixes) parts.push(`HS ${rule.hsPrefixes.join(', ')}`);
    if (rule.originCountries) parts.push(`from ${rule.originCountries.join(', ')}`);
    if (rule.enterpriseIds) parts.push(rule.enterpriseIds.map((id) => enterpriseById(id)?.name ?? 'an enterprise').join(', '));
    if (rule.aeoStatuses) parts.push(`AEO ${rule.aeoStatuses.map((s) => (s === 'NONE' ? 'none' : s.replace('_', '-'))).join(', ')}`);
    if (rule.minTotalValue) parts.push(`value ≥ ${formatDecimal(rule.minTotalValue)}`);
    return parts.length > 0 ? parts.join(' · ') : 'Every declaration';
  };
}

const SHARE_FIELDS = [
  ['randomRedShare', 'Random RED share', 'Sent to physical inspection at random, whatever the rules say.'],
  ['randomYellowShare', 'Random YELLOW share', 'Declarations sent to a document check at random.'],
] as const;

function SelectivityTab({ admin, editable }: { admin: Resource<AdministrationSettings>; editable: boolean }) {
  const current = admin.data;
  const summary = useRuleSummary();
  const [form, setForm] = useState<Selectivity | null>(null);
  const [editing, setEditing] = useState<{ index: number | null } | null>(null);
  const { busy, error, setError, save } = useSave(() => {
    setForm(null);
    admin.reload(true);
  });
  if (!current?.selectivity) return <Empty>The selectivity settings are not shown to your role.</Empty>;
  const saved = current.selectivity;
  const value = form ?? saved;
  const set = (patch: Partial<Selectivity>) => setForm({ ...value, ...patch });
  const errors = error ? errorsByPath(error.details, (p) => p.replace(/^\/selectivity/, '')) : {};
  const dirty = form !== null && JSON.stringify(form) !== JSON.stringify(saved);
  const ruleErrors = (index: number) => Object.entries(errors).filter(([path]) => path.startsWith(`/rules/${index}/`) || path === `/rules/${index}`);
  const describe = (path: string) => {
    const rule = /^\/selectivity\/rules\/(\d+)\/?(\w*)/.exec(path);
    if (rule) return `Rule ${Number(rule[1]) + 1}${rule[2] ? `, ${humanize(rule[2].replace(/([A-Z])/g, '_$1'))}` : ''}`;
    const share = SHARE_FIELDS.find(([key]) => path.endsWith(`/${key}`));
    return share ? share[1] : path;
  };

  return (
    <>
      <form
        noValidate
        aria-label="Selectivity"
        onSubmit={(event) => {
          event.preventDefault();
          void save('Selectivity saved', () =>
            api('/api/v1/administration', { method: 'PUT', body: { ...baseOf(current), selectivity: value }, idempotencyKey: newIdempotencyKey() }),
          );
        }}
      >
        {editable ? null : <ReadOnlyNote />}
        {error ? <ErrorSummary error={error} title="The selectivity was not saved" describe={describe} normalize={(p) => p.replace(/^\/selectivity\/rules\/(\d+)\/.*$/, '/selectivity/rules/$1')} /> : null}
        <Section title="Random control" id="selectivity-shares">
          <p className="muted">
            The shares of RED and YELLOW lanes given by risk score are the risk engine's lane targets, on the <Link to="/risk">Risk</Link> page.
          </p>
          <fieldset disabled={!editable} className="plain">
            <div className="form-grid">
              {SHARE_FIELDS.map(([key, label, hint]) => (
                <Field key={key} path={`/selectivity/${key}`} label={label} hint={hint} error={errors[`/${key}`]} required>
                  <ShareInput value={value[key]} onChange={(share) => set({ [key]: share })} />
                </Field>
              ))}
            </div>
            <label className="check settings-check">
              <input type="checkbox" checked={value.autoReleaseGreen} onChange={(e) => set({ autoReleaseGreen: e.target.checked })} />
              Release GREEN declarations without an officer (a domestic release still waits for payment)
            </label>
          </fieldset>
        </Section>
        <Section
          title={`Rules (${value.rules.length})`}
          id="selectivity-rules"
          actions={
            editable ? (
              <button type="button" className="button" onClick={() => setEditing({ index: null })}>
                Add a rule
              </button>
            ) : null
          }
        >
          <div className="table-wrap">
            <table className="table table-rows rules-table" aria-label="Selectivity rules">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Lane</th>
                  <th scope="col">Applies to</th>
                  <th scope="col">Reason shown to officers</th>
                  {editable ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {value.rules.map((rule, index) => {
                  const problems = ruleErrors(index);
                  return (
                    <tr key={index} className={problems.length > 0 ? 'row-flagged' : ''}>
                      <td className="wrap">
                        <strong>{rule.name}</strong>
                        {problems.map(([path, message]) => (
                          <div key={path} className="field-error">
                            {describe(`/selectivity${path}`)}: {message}
                          </div>
                        ))}
                      </td>
                      <td>
                        <LaneBadge lane={rule.lane} />
                      </td>
                      <td className="wrap">{summary(rule)}</td>
                      <td className="wrap">{rule.reason}</td>
                      {editable ? (
                        <td className="row-actions">
                          <button
                            type="button"
                            className="button button-small"
                            id={fieldId(`/selectivity/rules/${index}`)}
                            aria-label={`Change the rule ${rule.name}`}
                            onClick={() => setEditing({ index })}
                          >
                            Change
                          </button>
                          <button
                            type="button"
                            className="button button-small button-danger-quiet"
                            aria-label={`Remove the rule ${rule.name}`}
                            onClick={() => set({ rules: value.rules.filter((_, i) => i !== index) })}
                          >
                            Remove
                          </button>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {value.rules.length === 0 ? <Empty>No rule: lanes are set by the random shares alone.</Empty> : null}
          </div>
        </Section>
        {editable ? (
          <SaveBar
            busy={busy}
            dirty={dirty}
            label="Save selectivity"
            onDiscard={() => {
              setForm(null);
              setError(null);
            }}
          />
        ) : null}
      </form>
      {/* The rule's own form, outside the settings' form: forms do not nest. */}
      {editing ? (
        <RuleDialog
          rule={editing.index === null ? null : (value.rules[editing.index] ?? null)}
          errors={editing.index === null ? {} : Object.fromEntries(ruleErrors(editing.index).map(([path, message]) => [path.replace(/^\/rules\/\d+/, '/rule'), message]))}
          onClose={() => setEditing(null)}
          onSave={(rule) => {
            const index = editing.index;
            set({ rules: index === null ? [...value.rules, rule] : value.rules.map((r, i) => (i === index ? rule : r)) });
            setEditing(null);
          }}
        />
      ) : null}
    </>
  );
}

// --- reconciliation thresholds -------------------------------------------------------------------

function ReconciliationTab({ editable }: { editable: boolean }) {
  const settings = useResource<ReconciliationSettings>('/api/v1/reconciliation/settings');
  const [form, setForm] = useState<{ shareThreshold: string; valueThreshold: string } | null>(null);
  const { busy, error, setError, save } = useSave(() => {
    setForm(null);
    settings.reload(true);
  });
  if (settings.error) return <ErrorMessage error={settings.error} title="The reconciliation thresholds could not be read" />;
  const current = settings.data;
  if (!current) return <Loading />;
  const value = form ?? { shareThreshold: current.shareThreshold, valueThreshold: current.valueThreshold };
  const errors = error ? errorsByPath(error.details) : {};
  const dirty = form !== null && (form.shareThreshold !== current.shareThreshold || form.valueThreshold !== current.valueThreshold);
  return (
    <form
      noValidate
      aria-label="Reconciliation thresholds"
      onSubmit={(event) => {
        event.preventDefault();
        void save('Reconciliation thresholds saved', () => api('/api/v1/reconciliation/settings', { method: 'PUT', body: value, idempotencyKey: newIdempotencyKey() }));
      }}
    >
      {editable ? null : <ReadOnlyNote />}
      {error ? <ErrorSummary error={error} title="The thresholds were not saved" /> : null}
      <Section title="Reconciliation thresholds" id="reconciliation-settings">
        <p className="muted small section-intro">
          A difference between the book and an enterprise’s stock report, or between expected and declared consumption, is flagged when it is over either
          threshold.
        </p>
        <fieldset disabled={!editable} className="plain">
          <div className="form-grid">
            <Field path="/shareThreshold" label="Share of the quantity" error={errors['/shareThreshold']} hint="Between 0 and 1: 0.01 is 1&nbsp;% of the book quantity." required>
              <ShareInput value={value.shareThreshold} onChange={(shareThreshold) => setForm({ ...value, shareThreshold })} />
            </Field>
            <Field path="/valueThreshold" label={`Value (${current.currency})`} error={errors['/valueThreshold']} hint="Up to 2 decimals." required>
              <input type="text" inputMode="decimal" value={value.valueThreshold} onChange={(e) => setForm({ ...value, valueThreshold: e.target.value.trim() })} />
            </Field>
          </div>
        </fieldset>
        <p className="muted small settings-meta">
          Version {current.version}, changed {formatDateTime(current.updatedAt)}
        </p>
      </Section>
      {editable ? (
        <SaveBar
          busy={busy}
          dirty={dirty}
          onDiscard={() => {
            setForm(null);
            setError(null);
          }}
        />
      ) : null}
    </form>
  );
}

// --- excise --------------------------------------------------------------------------------------

interface ExciseRow {
  hsPrefix: string;
  description: string;
  adValorem: string;
  amount: string;
  per: string;
}

const exciseRow = (rate: ExciseRate): ExciseRow => ({
  hsPrefix: rate.hsPrefix,
  description: rate.description ?? '',
  adValorem: rate.adValorem ?? '',
  amount: rate.specific?.amount ?? '',
  per: rate.specific?.per ?? '',
});

function exciseRate(row: ExciseRow): ExciseRate {
  const rate: ExciseRate = { hsPrefix: row.hsPrefix.trim() };
  if (row.description.trim()) rate.description = row.description.trim();
  if (row.adValorem.trim()) rate.adValorem = row.adValorem.trim();
  // Half a specific rate is sent as it is, for the server to name the missing half.
  if (row.amount.trim() || row.per.trim()) rate.specific = { amount: row.amount.trim(), per: row.per.trim() };
  return rate;
}

function ExciseTab({ editable }: { editable: boolean }) {
  const settings = useResource<DutySettings>('/api/v1/duties/settings');
  const units = useResource<Page<Unit>>('/api/v1/reference/units');
  const [form, setForm] = useState<{ basis: ExciseBasis; rows: ExciseRow[] } | null>(null);
  const { busy, error, setError, save } = useSave(() => {
    setForm(null);
    settings.reload(true);
  });
  if (settings.error) return <ErrorMessage error={settings.error} title="The excise settings could not be read" />;
  const current = settings.data;
  if (!current) return <Loading />;
  const value = form ?? { basis: current.exciseBasis, rows: current.excise.map(exciseRow) };
  const setRow = (index: number, patch: Partial<ExciseRow>) => setForm({ ...value, rows: value.rows.map((r, i) => (i === index ? { ...r, ...patch } : r)) });
  // /excise/2/specific/amount → /excise/2/amount: one input per part.
  const normalize = (p: string) => p.replace(/^\/excise\/(\d+)\/specific\/(amount|per)$/, '/excise/$1/$2').replace(/^\/excise\/(\d+)\/specific$/, '/excise/$1/amount');
  const errors = error ? errorsByPath(error.details, normalize) : {};
  const dirty = form !== null;
  const cell = (index: number, key: keyof ExciseRow, label: string, props: { className?: string; inputMode?: 'decimal'; list?: string } = {}) => {
    const path = `/excise/${index}/${key}`;
    const message = errors[path];
    return (
      <td className={message ? 'cell-invalid' : undefined}>
        <input
          id={fieldId(path)}
          aria-label={`${label}, rate ${index + 1}`}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${fieldId(path)}-error` : undefined}
          value={value.rows[index]?.[key] ?? ''}
          onChange={(e) => setRow(index, { [key]: key === 'per' ? e.target.value.toUpperCase() : e.target.value })}
          {...props}
        />
        {message ? (
          <div className="field-error" id={`${fieldId(path)}-error`}>
            {message}
          </div>
        ) : null}
      </td>
    );
  };

  return (
    <form
      noValidate
      aria-label="Excise"
      onSubmit={(event) => {
        event.preventDefault();
        void save('Excise settings saved', () =>
          api('/api/v1/duties/settings', { method: 'PUT', body: { exciseBasis: value.basis, excise: value.rows.map(exciseRate) }, idempotencyKey: newIdempotencyKey() }),
        );
      }}
    >
      {editable ? null : <ReadOnlyNote />}
      {error ? <ErrorSummary error={error} title="The excise settings were not saved" normalize={normalize} describe={(p) => p.replace(/^\/excise\/(\d+)\/(\w+)$/, (_m, i: string, k: string) => `Rate ${Number(i) + 1}, ${k}`)} /> : null}
      <Section title="Excise" id="excise-settings">
        <fieldset disabled={!editable} className="plain">
          <div className="form-grid">
            <Field path="/exciseBasis" label="An ad valorem excise is a share of" error={errors['/exciseBasis']} className="span-2" required>
              <select value={value.basis} onChange={(e) => setForm({ ...value, basis: e.target.value as ExciseBasis })}>
                {EXCISE_BASES.map((basis) => (
                  <option key={basis} value={basis}>
                    {basis === 'CUSTOMS_VALUE' ? 'the customs value' : 'the customs value plus duty'}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <p className="muted small section-intro section-intro-spaced">
            The longest tariff-code prefix that matches a line applies. An ad valorem rate is a share (0.085 is 8.5&nbsp;%); a specific rate is an amount per unit
            (KGM and TNE of net mass).
          </p>
          <div className="table-wrap">
            <table className="table table-compact table-inputs" aria-label="Excise rates">
              <thead>
                <tr>
                  <th scope="col">Code prefix</th>
                  <th scope="col">Description</th>
                  <th scope="col">Ad valorem</th>
                  <th scope="col">Specific amount</th>
                  <th scope="col">Per unit</th>
                  {editable ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {value.rows.map((row, index) => (
                  <tr key={index}>
                    {cell(index, 'hsPrefix', 'Code prefix', { className: 'mono input-code' })}
                    {cell(index, 'description', 'Description')}
                    {cell(index, 'adValorem', 'Ad valorem', { inputMode: 'decimal', className: 'input-number' })}
                    {cell(index, 'amount', 'Specific amount', { inputMode: 'decimal', className: 'input-number' })}
                    {cell(index, 'per', 'Per unit', { className: 'mono input-unit', list: 'excise-units' })}
                    {editable ? (
                      <td>
                        <button
                          type="button"
                          className="button button-small button-danger-quiet"
                          aria-label={`Remove rate ${index + 1}${row.hsPrefix ? ` (${row.hsPrefix})` : ''}`}
                          onClick={() => setForm({ ...value, rows: value.rows.filter((_, i) => i !== index) })}
                        >
                          Remove
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
            {value.rows.length === 0 ? <Empty>No excise rate: no excise is charged.</Empty> : null}
          </div>
          <datalist id="excise-units">
            {(units.data?.items ?? []).map((unit) => (
              <option key={unit.code} value={unit.code}>
                {unit.name}
              </option>
            ))}
          </datalist>
        </fieldset>
        {editable ? (
          <div className="section-footer">
            <button
              type="button"
              className="button"
              onClick={() => {
                setForm({ ...value, rows: [...value.rows, { hsPrefix: '', description: '', adValorem: '', amount: '', per: '' }] });
                requestAnimationFrame(() => document.getElementById(fieldId(`/excise/${value.rows.length}/hsPrefix`))?.focus());
              }}
            >
              Add a rate
            </button>
          </div>
        ) : null}
        <p className="muted small settings-meta">
          Version {current.version}, changed {formatDateTime(current.updatedAt)}
        </p>
      </Section>
      {editable ? (
        <SaveBar
          busy={busy}
          dirty={dirty}
          onDiscard={() => {
            setForm(null);
            setError(null);
          }}
        />
      ) : null}
    </form>
  );
}

// --- exchange rates ------------------------------------------------------------------------------

function ExchangeRatesTab({ editable }: { editable: boolean }) {
  const [currency, setCurrency] = useState('');
  const rates = useResource<ExchangeRates>(withQuery('/api/v1/exchange-rates', { currency }));
  const all = useResource<ExchangeRates>('/api/v1/exchange-rates');
  const currencies = useResource<Page<Currency>>('/api/v1/reference/currencies');
  const [form, setForm] = useState({ currency: '', validFrom: isoDay(0), rateToNational: '' });
  const { busy, error, save } = useSave(() => {
    setForm((f) => ({ ...f, rateToNational: '' }));
    rates.reload(true);
    all.reload(true);
  });
  const errors = error ? errorsByPath(error.details, (p) => p.replace(/^\/rates\/\d+/, '/rate')) : {};
  const known = [...new Set((all.data?.items ?? []).map((r) => r.currency))].sort();
  const national = rates.data?.nationalCurrency ?? all.data?.nationalCurrency ?? '';
  const items = rates.data?.items ?? [];

  return (
    <>
      {editable ? null : <ReadOnlyNote />}
      {editable ? (
        <Section title="Add a rate" id="exchange-rate-new">
          <form
            noValidate
            aria-label="Add an exchange rate"
            onSubmit={(event) => {
              event.preventDefault();
              void save(`Rate of ${form.currency || 'the currency'} stored`, () =>
                api('/api/v1/exchange-rates', { method: 'PUT', body: { rates: [{ ...form, rateToNational: form.rateToNational.trim() }] }, idempotencyKey: newIdempotencyKey() }),
              );
            }}
          >
            {error ? <ErrorSummary error={error} title="The rate was not stored" normalize={(p) => p.replace(/^\/rates\/\d+/, '/rate')} describe={(p) => humanize(p.split('/').pop() ?? p)} /> : null}
            <div className="form-grid rate-form">
              <Field path="/rate/currency" label="Currency" error={errors['/rate/currency']} required>
                <select value={form.currency} onChange={(e) => setForm({ ...form, currency: e.target.value })}>
                  <option value="">Choose…</option>
                  {(currencies.data?.items ?? [])
                    .filter((c) => c.code !== national)
                    .map((c) => (
                      <option key={c.code} value={c.code}>
                        {c.code} · {c.name}
                      </option>
                    ))}
                </select>
              </Field>
              <Field path="/rate/validFrom" label="Valid from" error={errors['/rate/validFrom']} hint="Until the currency’s next rate." required>
                <input type="date" value={form.validFrom} onChange={(e) => setForm({ ...form, validFrom: e.target.value })} />
              </Field>
              <Field
                path="/rate/rateToNational"
                label={`${national || 'National currency'} for one unit`}
                error={errors['/rate/rateToNational']}
                hint={form.currency ? `1 ${form.currency} = … ${national}` : 'Up to 10 decimals.'}
                required
              >
                <input type="text" inputMode="decimal" value={form.rateToNational} onChange={(e) => setForm({ ...form, rateToNational: e.target.value })} />
              </Field>
              <div className="field field-action">
                <button type="submit" className="button button-primary" disabled={busy}>
                  {busy ? 'Storing…' : 'Store the rate'}
                </button>
              </div>
            </div>
            <p className="muted small">A rate of the same currency and date replaces the one stored.</p>
          </form>
        </Section>
      ) : null}
      <Section
        title={`Rates to ${national}`}
        id="exchange-rates"
        actions={
          <label className="inline small">
            Currency
            <select value={currency} onChange={(e) => setCurrency(e.target.value)}>
              <option value="">Every currency</option>
              {known.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
          </label>
        }
      >
        {rates.error ? <ErrorMessage error={rates.error} title="The rates could not be read" /> : null}
        <div className="table-wrap table-medium">
          <table className="table table-rows" aria-label="Exchange rates">
            <thead>
              <tr>
                <th scope="col">Currency</th>
                <th scope="col">Valid from</th>
                <th scope="col" className="num">
                  {national} for one unit
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((rate) => (
                <tr key={`${rate.currency}-${rate.validFrom}`}>
                  <td className="mono">{rate.currency}</td>
                  <td className="nowrap">{formatDate(rate.validFrom)}</td>
                  <td className="num mono">{rate.rateToNational}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rates.loading && items.length === 0 ? <Loading label="Loading rates…" /> : null}
          {!rates.loading && !rates.error && items.length === 0 ? <Empty>No exchange rate is stored{currency ? ` for ${currency}` : ''}.</Empty> : null}
        </div>
      </Section>
    </>
  );
}

// --- the page ------------------------------------------------------------------------------------

const TABS = [
  ['administration', 'Administration'],
  ['selectivity', 'Selectivity'],
  ['reconciliation', 'Reconciliation'],
  ['excise', 'Excise'],
  ['exchange-rates', 'Exchange rates'],
] as const;
type Tab = (typeof TABS)[number][0];

export function SettingsPage() {
  const { principal } = useSession();
  const editable = canEditSettings(principal);
  const tabs = TABS.filter(([key]) => key !== 'selectivity' || canSeeTargeting(principal));
  const [params, setParams] = useSearchParams();
  const tab: Tab = tabs.find(([key]) => key === params.get('tab'))?.[0] ?? 'administration';
  const admin = useResource<AdministrationSettings>('/api/v1/administration');
  const choose = (key: Tab) => setParams(key === 'administration' ? {} : { tab: key }, { replace: true });

  let panel: ReactNode;
  if ((tab === 'administration' || tab === 'selectivity') && !admin.data) {
    panel = admin.error ? <ErrorMessage error={admin.error} title="The settings could not be read" /> : <Loading label="Loading the settings…" />;
  } else if (tab === 'administration') panel = <AdministrationTab admin={admin} editable={editable} />;
  else if (tab === 'selectivity') panel = <SelectivityTab admin={admin} editable={editable} />;
  else if (tab === 'reconciliation') panel = <ReconciliationTab editable={editable} />;
  else if (tab === 'excise') panel = <ExciseTab editable={editable} />;
  else panel = <ExchangeRatesTab editable={editable} />;

  return (
    <>
      <PageHeader title="Settings" subtitle={admin.data ? `${admin.data.name} · ${admin.data.country} · ${admin.data.currency}` : undefined} />
      <div className="tabs tabs-scroll" role="tablist" aria-label="Settings">
        {tabs.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`tab-${key}`}
            aria-selected={tab === key}
            aria-controls={`panel-${key}`}
            tabIndex={tab === key ? 0 : -1}
            className={`tab${tab === key ? ' active' : ''}`}
            onClick={() => choose(key)}
            onKeyDown={(event) => {
              const index = tabs.findIndex(([k]) => k === tab);
              const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
              if (step === 0) return;
              const next = tabs[(index + step + tabs.length) % tabs.length];
              if (!next) return;
              choose(next[0]);
              document.getElementById(`tab-${next[0]}`)?.focus();
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
        {panel}
      </div>
    </>
  );
}
