// One risk rule: add a new one, or read and change one with its hit figures and latest hits.
// Conditions are rows of field, operator and value; a rule either adds points or forces a lane.
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, newIdempotencyKey } from '../api/client.ts';
import type { RiskRuleDetail, RuleCondition, RuleInput, RuleOperator } from '../api/risk-types.ts';
import { OPERATOR_LABELS, RULE_FIELDS } from '../api/risk-types.ts';
import type { Lane } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field } from '../components/field.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Facts, LaneBadge, Loading, PageHeader, Section, Tag } from '../components/ui.tsx';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { formatDateTime, humanize, isoDay } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';

interface ConditionForm {
  field: string;
  op: RuleOperator;
  value: string;
}

interface RuleForm {
  name: string;
  reason: string;
  conditions: ConditionForm[];
  effect: 'weight' | 'lane';
  weight: string;
  forcedLane: Lane;
  validFrom: string;
  validTo: string;
  active: boolean;
}

const kindOf = (field: string) => RULE_FIELDS.find((f) => f.field === field)?.kind ?? 'text';
/** The tests a field allows, the likeliest first: HS codes are matched by their first digits. */
const operatorsFor = (field: string): RuleOperator[] =>
  kindOf(field) === 'number' ? ['gt', 'gte', 'lt', 'lte'] : field === 'hsCode' ? ['startsWith', 'in', 'notIn'] : ['in', 'notIn', 'startsWith'];

const emptyForm = (): RuleForm => ({
  name: '',
  reason: '',
  conditions: [{ field: 'hsCode', op: 'startsWith', value: '' }],
  effect: 'weight',
  weight: '20',
  forcedLane: 'YELLOW',
  validFrom: isoDay(),
  validTo: '',
  active: true,
});

function formOf(rule: RiskRuleDetail): RuleForm {
  return {
    name: rule.name,
    reason: rule.reason,
    conditions: rule.conditions.map((c) => ({ field: c.field, op: c.op, value: Array.isArray(c.value) ? c.value.join(', ') : c.value })),
    effect: rule.forcedLane ? 'lane' : 'weight',
    weight: String(rule.weight ?? 20),
    forcedLane: rule.forcedLane ?? 'YELLOW',
    validFrom: rule.validFrom,
    validTo: rule.validTo ?? '',
    active: rule.active,
  };
}

/** "/conditions/1/value" → "Condition 2, value"; "/name" → "name". */
function describePath(path: string): string {
  const condition = /^\/conditions\/(\d+)(?:\/(\w+))?$/.exec(path);
  if (condition) return `Condition ${Number(condition[1]) + 1}${condition[2] ? `, ${condition[2]}` : ''}`;
  return path.replace(/^\//, '');
}

function bodyOf(form: RuleForm): RuleInput {
  const conditions: RuleCondition[] = form.conditions.map((c) => ({
    field: c.field,
    op: c.op,
    // Lists are typed comma-separated; numbers stay the decimal strings the server expects.
    value: kindOf(c.field) === 'text' ? c.value.split(',').map((v) => v.trim()).filter((v) => v !== '') : c.value.trim(),
  }));
  return {
    name: form.name.trim(),
    reason: form.reason.trim(),
    conditions,
    ...(form.effect === 'weight' ? { weight: Number.parseInt(form.weight, 10) } : { forcedLane: form.forcedLane }),
    validFrom: form.validFrom,
    ...(form.validTo ? { validTo: form.validTo } : {}),
    active: form.active,
  };
}

export function RiskRulePage() {
  const { id } = useParams();
  const creating = id === undefined;
  const { principal } = useSession();
  const canWrite = principal.role === 'admin' || principal.role === 'risk_analyst';
  const navigate = useNavigate();
  const { push } = useToasts();
  const existing = useResource<RiskRuleDetail>(creating ? null : `/api/v1/risk/rules/${encodeURIComponent(id)}`);
  const [form, setForm] = useState<RuleForm>(emptyForm);
  const [loaded, setLoaded] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(newIdempotencyKey);

  useEffect(() => {
    if (existing.data && loaded !== `${existing.data.id}:${existing.data.version}`) {
      setForm(formOf(existing.data));
      setLoaded(`${existing.data.id}:${existing.data.version}`);
    }
  }, [existing.data, loaded]);

  if (existing.error) {
    return (
      <>
        <PageHeader title="Risk rule" />
        {existing.error.status === 404 ? <Empty>Rule not found.</Empty> : <ErrorMessage error={existing.error} />}
      </>
    );
  }
  if (!creating && !existing.data) return <Loading label="Loading the rule…" />;
  const rule = existing.data;
  const errors = error ? errorsByPath(error.details) : {};

  const setCondition = (index: number, patch: Partial<ConditionForm>) =>
    setForm((f) => ({ ...f, conditions: f.conditions.map((c, i) => (i === index ? { ...c, ...patch } : c)) }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await api<RiskRuleDetail>(creating ? '/api/v1/risk/rules' : `/api/v1/risk/rules/${rule?.id ?? ''}`, {
        method: creating ? 'POST' : 'PUT',
        body: bodyOf(form),
        idempotencyKey: key,
      });
      push({ kind: 'success', title: `Rule “${saved.name}” ${creating ? 'added' : 'saved'}`, body: 'It applies from the next assessment.' });
      setKey(newIdempotencyKey());
      if (creating) void navigate(`/risk/rules/${saved.id}`);
      else existing.reload(true);
    } catch (caught) {
      setError(toApiError(caught));
      setKey(newIdempotencyKey());
    } finally {
      setBusy(false);
    }
  };

  const title = creating ? 'New risk rule' : `Rule “${rule?.name ?? ''}”`;
  return (
    <>
      <PageHeader
        title={title}
        subtitle={rule ? `Owned by ${rule.owner.name ?? 'unknown'} · version ${rule.version} · changed ${formatDateTime(rule.updatedAt)}` : 'Points added to the score, or a lane forced, when every condition holds'}
        actions={
          <Link className="button" to="/risk">
            Back to risk
          </Link>
        }
      />
      {rule ? (
        <Section title="Hits" id="hits">
          <Facts
            items={[
              ['Declarations hit', String(rule.hits.declarations)],
              ['Of them inspected', String(rule.hits.inspected)],
              ['Inspections that found something', String(rule.hits.found)],
              ['Hit rate', rule.hits.hitRate === null ? '—' : `${Math.round(rule.hits.hitRate * 100)} %`],
              ['Last hit', formatDateTime(rule.hits.lastHitAt)],
            ]}
          />
          {rule.recentHits.length > 0 ? (
            <ul className="plain-list" aria-label="Latest hits">
              {rule.recentHits.map((hit) => (
                <li key={`${hit.declarationId}:${hit.at}`}>
                  <Link to={`/declarations/${hit.declarationId}`} className="mono">
                    {hit.reference}
                  </Link>{' '}
                  <LaneBadge lane={hit.lane} /> <span className="muted small">{formatDateTime(hit.at)}</span>{' '}
                  {hit.outcome ? <Tag tone={hit.outcome === 'NOTHING_FOUND' ? 'good' : 'bad'}>{humanize(hit.outcome)}</Tag> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">No declaration has hit this rule yet.</p>
          )}
        </Section>
      ) : null}

      <form onSubmit={(e) => void submit(e)} aria-label={title} noValidate>
        {error ? <ErrorSummary error={error} title="The rule was not saved" describe={describePath} /> : null}
        <Section title="Rule" id="rule">
          <fieldset disabled={!canWrite} className="plain-fieldset">
            <div className="form-grid">
              <Field path="/name" label="Name" error={errors['/name']} required>
                <input value={form.name} maxLength={200} onChange={(e) => setForm({ ...form, name: e.target.value })} />
              </Field>
              <Field path="/validFrom" label="In force from" error={errors['/validFrom']} required>
                <input type="date" value={form.validFrom} onChange={(e) => setForm({ ...form, validFrom: e.target.value })} />
              </Field>
              <Field path="/validTo" label="Until" error={errors['/validTo']} hint="Empty: no end">
                <input type="date" value={form.validTo} onChange={(e) => setForm({ ...form, validTo: e.target.value })} />
              </Field>
            </div>
            <Field path="/reason" label="Reason, shown to officers when it hits" error={errors['/reason']} required>
              <textarea rows={2} maxLength={500} value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
            </Field>

            <h3>When all of these hold</h3>
            <p className="muted small">Conditions on a line’s fields hold when one line meets all of them.</p>
            {form.conditions.map((condition, index) => (
              <div className="condition-row" key={index} role="group" aria-label={`Condition ${index + 1}`}>
                <Field path={`/conditions/${index}/field`} label="Field" error={errors[`/conditions/${index}/field`]}>
                  <select
                    value={condition.field}
                    onChange={(e) => setCondition(index, { field: e.target.value, op: operatorsFor(e.target.value)[0], value: '' })}
                  >
                    {RULE_FIELDS.map((f) => (
                      <option key={f.field} value={f.field}>
                        {f.label}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field path={`/conditions/${index}/op`} label="Test" error={errors[`/conditions/${index}/op`]}>
                  <select value={condition.op} onChange={(e) => setCondition(index, { op: e.target.value as RuleOperator })}>
                    {operatorsFor(condition.field).map((op) => (
                      <option key={op} value={op}>
                        {OPERATOR_LABELS[op]}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field
                  path={`/conditions/${index}/value`}
                  label="Value"
                  error={errors[`/conditions/${index}/value`]}
                  hint={kindOf(condition.field) === 'text' ? `Comma-separated; ${RULE_FIELDS.find((f) => f.field === condition.field)?.hint ?? ''}` : RULE_FIELDS.find((f) => f.field === condition.field)?.hint}
                >
                  <input value={condition.value} inputMode={kindOf(condition.field) === 'number' ? 'decimal' : 'text'} onChange={(e) => setCondition(index, { value: e.target.value })} />
                </Field>
                <button
                  type="button"
                  className="button button-small"
                  disabled={form.conditions.length === 1}
                  onClick={() => setForm((f) => ({ ...f, conditions: f.conditions.filter((_, i) => i !== index) }))}
                  aria-label={`Remove condition ${index + 1}`}
                >
                  Remove
                </button>
              </div>
            ))}
            <button
              type="button"
              className="button button-small"
              disabled={form.conditions.length >= 20}
              onClick={() => setForm((f) => ({ ...f, conditions: [...f.conditions, { field: 'originCountry', op: 'in', value: '' }] }))}
            >
              Add a condition
            </button>

            <h3>Then</h3>
            <div className="choice-group" role="radiogroup" aria-label="Effect">
              <label className="check">
                <input type="radio" name="effect" checked={form.effect === 'weight'} onChange={() => setForm({ ...form, effect: 'weight' })} /> add points to the score
              </label>
              <label className="check">
                <input type="radio" name="effect" checked={form.effect === 'lane'} onChange={() => setForm({ ...form, effect: 'lane' })} /> force a lane
              </label>
            </div>
            <div className="form-grid">
              {form.effect === 'weight' ? (
                <Field path="/weight" label="Points (−100 to 100)" error={errors['/weight']}>
                  <input type="number" min={-100} max={100} step={1} value={form.weight} onChange={(e) => setForm({ ...form, weight: e.target.value })} />
                </Field>
              ) : (
                <Field path="/forcedLane" label="Lane, at least" error={errors['/forcedLane'] ?? errors['/weight']}>
                  <select value={form.forcedLane} onChange={(e) => setForm({ ...form, forcedLane: e.target.value as Lane })}>
                    <option value="YELLOW">YELLOW: document check</option>
                    <option value="RED">RED: physical inspection</option>
                  </select>
                </Field>
              )}
              <label className="check">
                <input type="checkbox" checked={form.active} onChange={(e) => setForm({ ...form, active: e.target.checked })} /> Active
              </label>
            </div>
          </fieldset>
          {canWrite ? (
            <div className="form-actions">
              <button type="submit" className="button button-primary" disabled={busy}>
                {busy ? 'Saving…' : creating ? 'Add rule' : 'Save rule'}
              </button>
            </div>
          ) : (
            <p className="muted small">Rules are written by risk analysts.</p>
          )}
        </Section>
      </form>
    </>
  );
}
