// The risk analyst's desk: the lane targets, the rules with how often they hit and how often their
// hits were found wanting, the models with their validation figures (train a new one, compare,
// activate), and the quality of selection week by week (targeted against random inspections).
import { useState } from 'react';
import { Link } from 'react-router';
import { api, newIdempotencyKey } from '../api/client.ts';
import type { RiskModel, RiskQuality, RiskRule, RiskSettings, SelectionFigures } from '../api/risk-types.ts';
import { OPERATOR_LABELS, RULE_FIELDS } from '../api/risk-types.ts';
import { useSession } from '../app/session.tsx';
import { Chart } from '../components/chart.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, LaneBadge, Loading, PageHeader, Section, Tag } from '../components/ui.tsx';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';

const percent = (share: number | null | undefined, digits = 0) => (share === null || share === undefined ? '—' : `${(share * 100).toFixed(digits)} %`);

export function describeCondition(condition: RiskRule['conditions'][number]): string {
  const label = RULE_FIELDS.find((f) => f.field === condition.field)?.label ?? condition.field;
  const value = Array.isArray(condition.value) ? condition.value.join(', ') : condition.value;
  return `${label} ${OPERATOR_LABELS[condition.op]} ${value}`;
}

function ruleEffect(rule: RiskRule) {
  if (rule.forcedLane) return <LaneBadge lane={rule.forcedLane} />;
  return <span className="mono">{(rule.weight ?? 0) >= 0 ? `+${rule.weight}` : rule.weight}</span>;
}

function Figures({ metrics }: { metrics: SelectionFigures }) {
  return (
    <>
      <td className="num">{percent(metrics.p5, 1)}</td>
      <td className="num">{percent(metrics.p10, 1)}</td>
      <td className="num">{percent(metrics.r10, 1)}</td>
      <td className="num">{metrics.auc.toFixed(3)}</td>
    </>
  );
}

export function RiskPage() {
  const { principal } = useSession();
  const { push } = useToasts();
  const canWrite = principal.role === 'admin' || principal.role === 'risk_analyst';
  const settings = useResource<RiskSettings>('/api/v1/risk/settings');
  const rules = useResource<{ items: RiskRule[] }>('/api/v1/risk/rules');
  const models = useResource<{ items: RiskModel[] }>('/api/v1/risk/models');
  const quality = useResource<RiskQuality>('/api/v1/risk/quality');
  const [training, setTraining] = useState(false);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);

  const train = async () => {
    setTraining(true);
    try {
      const model = await api<RiskModel>('/api/v1/risk/models', { method: 'POST' });
      push({ kind: 'success', title: `Model v${model.version} trained`, body: `AUC ${model.metrics.auc.toFixed(3)} on its validation period; not active until you activate it.` });
      models.reload(true);
      quality.reload(true);
    } catch (error) {
      push({ kind: 'error', title: 'Training failed', body: error instanceof Error ? error.message : String(error) });
    } finally {
      setTraining(false);
    }
  };

  const activate = (model: RiskModel) => {
    const key = newIdempotencyKey();
    const active = models.data?.items.find((m) => m.status === 'ACTIVE');
    setConfirm({
      title: `Activate model v${model.version}`,
      description: `From the next assessment, declarations are scored by v${model.version}${active ? ` instead of v${active.version}, which is retired` : ''}.`,
      confirmLabel: 'Activate',
      reasonRequired: false,
      onConfirm: async () => {
        await api(`/api/v1/risk/models/${model.id}/activation`, { method: 'POST', idempotencyKey: key });
        push({ kind: 'success', title: `Model v${model.version} is active` });
        models.reload(true);
        quality.reload(true);
      },
    });
  };

  const weeks = quality.data?.weeks ?? [];
  const qualityChart = {
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 48 },
    xAxis: { type: 'category', data: weeks.map((w) => w.week) },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value} %' } },
    series: [
      { name: 'Targeted inspections that found something', type: 'bar', data: weeks.map((w) => (w.targeted.hitRate === null ? null : Math.round(w.targeted.hitRate * 100))) },
      { name: 'Random inspections that found something', type: 'bar', data: weeks.map((w) => (w.random.hitRate === null ? null : Math.round(w.random.hitRate * 100))) },
    ],
  };

  return (
    <>
      <PageHeader
        title="Risk"
        subtitle={
          settings.data
            ? `Lane targets: RED ${percent(Number(settings.data.redRate), 1)}, YELLOW ${percent(Number(settings.data.yellowRate), 1)} of declarations by score · retrained ${settings.data.retrainEveryDays ? `every ${settings.data.retrainEveryDays} days when new inspection results came in` : 'on demand only'}`
            : undefined
        }
        actions={
          canWrite ? (
            <Link className="button button-primary" to="/risk/rules/new">
              Add a rule
            </Link>
          ) : null
        }
      />

      <Section title="Rules" id="rules">
        {rules.error ? <ErrorMessage error={rules.error} /> : null}
        {!rules.data && !rules.error ? <Loading /> : null}
        {rules.data && rules.data.items.length === 0 ? <Empty>No rule yet. An analyst’s rule adds points to the score or forces a lane.</Empty> : null}
        {rules.data && rules.data.items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-rows" aria-label="Risk rules">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">When</th>
                  <th scope="col">Effect</th>
                  <th scope="col" className="num">
                    Hits
                  </th>
                  <th scope="col" className="num">
                    Inspected
                  </th>
                  <th scope="col" className="num">
                    Hit rate
                  </th>
                  <th scope="col">In force</th>
                </tr>
              </thead>
              <tbody>
                {rules.data.items.map((rule) => (
                  <tr key={rule.id}>
                    <td>
                      <Link to={`/risk/rules/${rule.id}`}>{rule.name}</Link>
                      <div className="muted small">{rule.owner.name}</div>
                    </td>
                    <td className="small">{rule.conditions.map(describeCondition).join('; ')}</td>
                    <td>{ruleEffect(rule)}</td>
                    <td className="num">{rule.hits.declarations}</td>
                    <td className="num">{rule.hits.inspected}</td>
                    <td className="num">{percent(rule.hits.hitRate)}</td>
                    <td className="nowrap">
                      {rule.active ? null : <Tag tone="neutral">Inactive</Tag>} {formatDate(rule.validFrom)}
                      {rule.validTo ? ` – ${formatDate(rule.validTo)}` : ' onwards'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Section>

      <Section
        title="Models"
        id="models"
        actions={
          canWrite ? (
            <button type="button" className="button" disabled={training} onClick={() => void train()}>
              {training ? 'Training… (about half a minute)' : 'Train a new model'}
            </button>
          ) : null
        }
      >
        {models.error ? <ErrorMessage error={models.error} /> : null}
        {!models.data && !models.error ? <Loading /> : null}
        {models.data && models.data.items.length === 0 ? <Empty>No model trained yet: lanes come from the rules, the enterprise’s record and the random draw.</Empty> : null}
        {models.data && models.data.items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-rows" aria-label="Models">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Trained</th>
                  <th scope="col" className="num">
                    Rows
                  </th>
                  <th scope="col" className="num">
                    Own labels
                  </th>
                  <th scope="col" className="num" title="Precision among the top 5 % of the validation period by score">
                    Precision top 5 %
                  </th>
                  <th scope="col" className="num" title="Precision among the top 10 %">
                    Precision top 10 %
                  </th>
                  <th scope="col" className="num" title="Share of all findings caught in the top 10 %">
                    Recall top 10 %
                  </th>
                  <th scope="col" className="num">
                    AUC
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {models.data.items.map((model) => (
                  <tr key={model.id}>
                    <td className="mono">v{model.version}</td>
                    <td className="nowrap">
                      {formatDateTime(model.trainedAt)}
                      <div className="muted small">
                        {model.training.seconds.toFixed(1)} s, validated from {formatDate(model.training.period.validFrom)}
                      </div>
                    </td>
                    <td className="num">{model.training.rows.train + model.training.rows.valid}</td>
                    <td className="num">
                      {model.training.labels.own} ({model.training.labels.ownFound} found)
                    </td>
                    <Figures metrics={model.metrics} />
                    <td className="nowrap">
                      {model.status === 'ACTIVE' ? <Tag tone="good">Active</Tag> : model.status === 'RETIRED' ? <Tag tone="neutral">Retired</Tag> : null}
                      {model.status !== 'ACTIVE' && canWrite ? (
                        <button type="button" className="button button-small" onClick={() => activate(model)}>
                          Activate v{model.version}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Section>

      <Section title="Selection quality by week" id="quality">
        {quality.error ? <ErrorMessage error={quality.error} /> : null}
        {quality.data && weeks.length === 0 ? <Empty>No inspection result recorded in the last 26 weeks.</Empty> : null}
        {weeks.length > 0 ? (
          <>
            <Chart option={qualityChart} label="Share of targeted and of random inspections that found something, by week" />
            <div className="table-wrap">
              <table className="table" aria-label="Selection quality by week">
                <thead>
                  <tr>
                    <th scope="col">Week of</th>
                    <th scope="col" className="num">
                      Targeted: found / inspected
                    </th>
                    <th scope="col" className="num">
                      Random: found / inspected
                    </th>
                    <th scope="col" className="num">
                      All
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {weeks.map((w) => (
                    <tr key={w.week}>
                      <td>{formatDate(w.week)}</td>
                      <td className="num">
                        {w.targeted.found} / {w.targeted.inspected} ({percent(w.targeted.hitRate)})
                      </td>
                      <td className="num">
                        {w.random.found} / {w.random.inspected} ({percent(w.random.hitRate)})
                      </td>
                      <td className="num">
                        {w.all.found} / {w.all.inspected} ({percent(w.all.hitRate)})
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </Section>
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </>
  );
}

export default RiskPage;
