// The operations dashboard of a zone or of every zone the user may see: declarations today by lane
// and state, queues waiting for an officer, revenue, alerts, and time-release figures (median and
// 90th percentile per lane and type over a chosen period), refreshed as live events arrive.
import { useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { withQuery } from '../api/client.ts';
import {
  LANE_KEYS,
  STATES,
  type Dashboard,
  type IntervalFigures,
  type LaneKey,
  type Percentiles,
  type Queue,
} from '../api/types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { Chart } from '../components/chart.tsx';
import { Empty, ErrorMessage, LaneBadge, Loading, PageHeader, Section } from '../components/ui.tsx';
import { formatCount, formatDate, formatWhole, formatDateTime, formatDuration, formatMoney, formatTime, humanize, isoDay } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';
import { useLiveEvents, useThrottled } from '../live/live.tsx';

const LANE_COLOURS: Record<LaneKey, string> = { GREEN: '#2f8f4e', YELLOW: '#c99a06', RED: '#c0392b', NONE: '#9aa5b1' };
const ACCENT = '#1d4f91';
const ACCENT_LIGHT = '#9dbbe3';
const PRESETS = [7, 30, 90] as const;

const INTERVALS = [
  ['submissionToLane', 'Submission → lane'],
  ['laneToRelease', 'Lane → release'],
  ['releaseToExit', 'Release → gate exit'],
  ['submissionToRelease', 'Submission → release'],
] as const;

function unitFor(values: Array<number | null>): { divisor: number; name: string } {
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  if (max >= 2 * 3600) return { divisor: 3600, name: 'hours' };
  if (max >= 120) return { divisor: 60, name: 'minutes' };
  return { divisor: 1, name: 'seconds' };
}

function releaseChart(rows: Array<{ label: string; figures: Percentiles }>) {
  const unit = unitFor(rows.flatMap((r) => [r.figures.median, r.figures.p90]));
  const value = (v: number | null) => (v === null ? null : Number((v / unit.divisor).toFixed(2)));
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 44, bottom: 8, containLabel: true },
    legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatDuration(v * unit.divisor) : '—'),
    },
    xAxis: { type: 'category', data: rows.map((r) => r.label), axisLabel: { fontSize: 11, interval: 0 } },
    yAxis: { type: 'value', name: unit.name, nameGap: 12, nameTextStyle: { fontSize: 11, align: 'left', color: '#5c6876' }, axisLabel: { fontSize: 11 } },
    series: [
      { name: 'Median', type: 'bar', data: rows.map((r) => value(r.figures.median)), itemStyle: { color: ACCENT }, barMaxWidth: 28 },
      { name: '90th percentile', type: 'bar', data: rows.map((r) => value(r.figures.p90)), itemStyle: { color: ACCENT_LIGHT }, barMaxWidth: 28 },
    ],
  };
}

function laneDonut(byLane: Record<LaneKey, number>) {
  return {
    animation: false,
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'pie',
        radius: ['50%', '80%'],
        center: ['50%', '50%'],
        label: { show: false },
        data: LANE_KEYS.map((lane) => ({
          name: lane === 'NONE' ? 'Not assessed' : lane,
          value: byLane[lane],
          itemStyle: { color: LANE_COLOURS[lane] },
        })),
      },
    ],
  };
}

function stateBars(byState: Dashboard['today']['byState']) {
  const states = [...STATES].reverse();
  return {
    animation: false,
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 11 } },
    yAxis: { type: 'category', data: states.map(humanize), axisLabel: { fontSize: 11 } },
    series: [{ type: 'bar', data: states.map((s) => byState[s]), itemStyle: { color: ACCENT }, barMaxWidth: 16, label: { show: true, position: 'right', fontSize: 11 } }],
  };
}

function PercentileCell({ figures }: { figures: Percentiles }) {
  if (figures.count === 0) return <td className="num muted">—</td>;
  return (
    <td className="num nowrap" title={`Over ${figures.count} declarations`}>
      {formatDuration(figures.median)} <span className="muted">/ {formatDuration(figures.p90)}</span>
    </td>
  );
}

function QueueRow({ label, queue, to, lane }: { label: string; queue: Queue; to: string; lane?: LaneKey }) {
  return (
    <tr>
      <th scope="row" className="nowrap">
        {lane ? <LaneBadge lane={lane} /> : null} <Link to={to}>{label}</Link>
      </th>
      <td className="num">
        <strong>{formatCount(queue.count)}</strong>
      </td>
      <td className="num nowrap" title={queue.oldestSince ? `Waiting since ${formatDateTime(queue.oldestSince)}` : undefined}>
        {formatDuration(queue.oldestWaitSeconds)}
      </td>
    </tr>
  );
}

function Tile({ label, value, detail, tone }: { label: string; value: string; detail?: string; tone?: 'warn' | 'bad' }) {
  return (
    <div className={`tile${tone ? ` tile-${tone}` : ''}`}>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      {detail ? <div className="tile-detail">{detail}</div> : null}
    </div>
  );
}

function TimeReleaseTable({ rows }: { rows: Array<{ key: string; label: ReactNode; figures: IntervalFigures }> }) {
  return (
    <div className="table-wrap">
      <table className="table table-compact">
        <caption className="visually-hidden">Time release: median / 90th percentile</caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col" className="num">
              Declarations
            </th>
            {INTERVALS.map(([key, label]) => (
              <th key={key} scope="col" className="num">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.label}</th>
              <td className="num">{formatCount(row.figures.declarations)}</td>
              {INTERVALS.map(([key]) => (
                <PercentileCell key={key} figures={row.figures[key]} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function DashboardPage() {
  const { principal } = useSession();
  const { zoneId, zoneById } = useDirectory();
  const [from, setFrom] = useState(() => isoDay(-29));
  const [to, setTo] = useState(() => isoDay(0));
  const periodValid = from <= to;
  const url = periodValid ? withQuery('/api/v1/analytics/dashboard', { zoneId, from, to }) : null;
  const dashboard = useResource<Dashboard>(url);
  const refresh = useThrottled(() => dashboard.reload(true), 3000);
  useLiveEvents((event) => {
    if (event && zoneId && event.zoneId !== zoneId) return;
    refresh();
  });

  const d = dashboard.data;
  const charts = useMemo(() => {
    if (!d) return null;
    const lanes = d.timeRelease.byLane.filter((r) => r.lane !== 'NONE' && r.declarations > 0);
    const types = d.timeRelease.byType.filter((r) => r.declarations > 0);
    return {
      donut: laneDonut(d.today.byLane),
      states: stateBars(d.today.byState),
      byLane: releaseChart(lanes.map((r) => ({ label: r.lane, figures: r.submissionToRelease }))),
      byType: releaseChart(types.map((r) => ({ label: humanize(r.type).replace('Domestic ', 'Dom. '), figures: r.submissionToRelease }))),
      hasTimes: d.timeRelease.overall.submissionToRelease.count > 0,
    };
  }, [d]);

  const scope = zoneId ? `Zone ${zoneById(zoneId)?.code ?? ''} · ${zoneById(zoneId)?.name ?? ''}` : principal.role === 'enterprise_user' ? 'Your enterprise' : 'All zones you may see';
  const setPreset = (days: number) => {
    setFrom(isoDay(-(days - 1)));
    setTo(isoDay(0));
  };

  return (
    <>
      <PageHeader
        title="Dashboard"
        subtitle={scope}
        actions={
          <form className="period" aria-label="Period" onSubmit={(e) => e.preventDefault()}>
            <div className="segmented" role="group" aria-label="Period presets">
              {PRESETS.map((days) => (
                <button
                  key={days}
                  type="button"
                  className={`button${from === isoDay(-(days - 1)) && to === isoDay(0) ? ' pressed' : ''}`}
                  aria-pressed={from === isoDay(-(days - 1)) && to === isoDay(0)}
                  onClick={() => setPreset(days)}
                >
                  {days} days
                </button>
              ))}
            </div>
            <label className="inline">
              From <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} required />
            </label>
            <label className="inline">
              To <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} required />
            </label>
          </form>
        }
      />
      {!periodValid ? <ErrorMessage error="The period must start on or before its last day." title="Period" /> : null}
      {dashboard.error ? <ErrorMessage error={dashboard.error} title="The dashboard could not be read" /> : null}
      {!d && dashboard.loading ? <Loading label="Loading the dashboard…" /> : null}
      {d && charts ? (
        <>
          <div className="tiles" data-testid="tiles">
            <Tile label="Submitted today" value={formatCount(d.today.submitted)} detail={formatDate(d.today.date)} />
            <Tile
              label="Waiting for an officer"
              value={formatCount(d.queues.assessed.YELLOW.count + d.queues.assessed.RED.count + d.queues.underInspection.count)}
              detail={`${d.queues.assessed.RED.count} RED · ${d.queues.assessed.YELLOW.count} YELLOW · ${d.queues.underInspection.count} inspecting`}
              {...(d.queues.assessed.RED.count > 0 ? { tone: 'warn' as const } : {})}
            />
            <Tile label="Awaiting payment" value={formatCount(d.queues.awaitingPayment.count)} detail={`Oldest ${formatDuration(d.queues.awaitingPayment.oldestWaitSeconds)}`} />
            {d.revenue
              ? (d.revenue.currencies.length > 0 ? d.revenue.currencies.slice(0, 1) : [null]).map((r) =>
                  r ? (
                    <Tile key="revenue" label={`Billed in the period, ${r.currency}`} value={formatWhole(r.billed)} detail={`Paid ${formatWhole(r.paid)} · outstanding ${formatWhole(r.outstanding)}`} />
                  ) : (
                    <Tile key="revenue" label="Billed in the period" value="0" detail="No bills" />
                  ),
                )
              : null}
            <Tile label="Submitted in the period" value={formatCount(d.declarations.submitted)} detail={`${formatDate(d.period.from)} – ${formatDate(d.period.to)}`} />
            <Tile label="Alerts in the period" value={formatCount(d.alerts.count)} {...(d.alerts.count > 0 ? { tone: 'bad' as const } : {})} detail="Book discrepancies" />
          </div>

          <div className="grid-3">
            <Section title="Today by lane" id="today-lane">
              {d.today.submitted === 0 ? <Empty>No declaration submitted today yet.</Empty> : <Chart option={charts.donut} label="Declarations submitted today by lane" height={200} />}
              <ul className="legend-counts">
                {LANE_KEYS.map((lane) => (
                  <li key={lane}>
                    <LaneBadge lane={lane} /> <strong data-testid={`today-lane-${lane}`}>{d.today.byLane[lane]}</strong>
                  </li>
                ))}
              </ul>
            </Section>
            <Section title="Today by state" id="today-state">
              {d.today.submitted === 0 ? (
                <Empty>Nothing to show until the first declaration of the day.</Empty>
              ) : (
                <Chart option={charts.states} label="Declarations submitted today by their current state" height={240} />
              )}
            </Section>
            <Section title="Queues now" id="queues">
              <div className="table-wrap">
                <table className="table table-compact">
                  <thead>
                    <tr>
                      <th scope="col">Queue</th>
                      <th scope="col" className="num">
                        Waiting
                      </th>
                      <th scope="col" className="num">
                        Longest wait
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <QueueRow label="Inspection" lane="RED" queue={d.queues.assessed.RED} to="/declarations?state=ASSESSED&lane=RED" />
                    <QueueRow label="Document check" lane="YELLOW" queue={d.queues.assessed.YELLOW} to="/declarations?state=ASSESSED&lane=YELLOW" />
                    <QueueRow label="Under inspection" queue={d.queues.underInspection} to="/declarations?state=UNDER_INSPECTION" />
                    <QueueRow label="Awaiting payment" queue={d.queues.awaitingPayment} to="/declarations?state=ASSESSED&type=DOMESTIC_RELEASE" />
                  </tbody>
                </table>
              </div>
            </Section>
          </div>

          <Section
            title="Time release"
            id="time-release"
            actions={<span className="muted small">Median / 90th percentile · declarations submitted {formatDate(d.period.from)} – {formatDate(d.period.to)}</span>}
          >
            {charts.hasTimes ? (
              <div className="grid-2 flush">
                <div>
                  <h3>Submission to release, by lane</h3>
                  <Chart option={charts.byLane} label="Median and 90th percentile of the time from submission to release, by lane" />
                </div>
                <div>
                  <h3>Submission to release, by type</h3>
                  <Chart option={charts.byType} label="Median and 90th percentile of the time from submission to release, by declaration type" />
                </div>
              </div>
            ) : (
              <Empty>No declaration submitted in this period has been released yet.</Empty>
            )}
            <TimeReleaseTable
              rows={[
                { key: 'overall', label: 'All declarations', figures: d.timeRelease.overall },
                ...d.timeRelease.byLane.filter((r) => r.declarations > 0).map((r) => ({ key: `lane-${r.lane}`, label: <LaneBadge lane={r.lane} />, figures: r })),
                ...d.timeRelease.byType.filter((r) => r.declarations > 0).map((r) => ({ key: `type-${r.type}`, label: humanize(r.type), figures: r })),
              ]}
            />
          </Section>

          <div className="grid-2">
            {d.revenue ? (
              <Section title="Revenue in the period" id="revenue">
                {d.revenue.currencies.length === 0 ? (
                  <Empty>No bill in this period.</Empty>
                ) : (
                  <div className="table-wrap">
                    <table className="table table-compact">
                      <thead>
                        <tr>
                          <th scope="col">Currency</th>
                          <th scope="col" className="num">
                            Billed
                          </th>
                          <th scope="col" className="num">
                            Paid
                          </th>
                          <th scope="col" className="num">
                            Outstanding now
                          </th>
                          <th scope="col" className="num">
                            Guaranteed now
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {d.revenue.currencies.map((r) => (
                          <tr key={r.currency}>
                            <th scope="row">{r.currency}</th>
                            <td className="num" title={`${r.billedCount} bills`}>
                              {formatMoney(r.billed)}
                            </td>
                            <td className="num" title={`${r.paidCount} bills`}>
                              {formatMoney(r.paid)}
                            </td>
                            <td className="num" title={`${r.outstandingCount} bills`}>
                              {formatMoney(r.outstanding)}
                            </td>
                            <td className="num" title={`${r.guaranteedCount} bills`}>
                              {formatMoney(r.guaranteed)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </Section>
            ) : null}
            <Section title="Latest alerts" id="alerts">
              {d.alerts.latest.length === 0 ? (
                <Empty>No alert in this period.</Empty>
              ) : (
                <ul className="alert-list">
                  {d.alerts.latest.map((alert) => (
                    <li key={alert.eventId}>
                      <span className={`badge state ${alert.kind === 'SHORTAGE' ? 'state-bad' : 'state-warn'}`}>{humanize(alert.kind ?? alert.type)}</span>{' '}
                      {alert.reconciliationId ? (
                        <Link to={`/reconciliations/${alert.reconciliationId}`}>{alert.partNumber ?? alert.hsCode ?? 'Goods'}</Link>
                      ) : (
                        (alert.partNumber ?? alert.hsCode ?? 'Goods')
                      )}{' '}
                      <span className="muted">
                        {alert.quantity} {alert.unit}
                        {alert.value ? ` · ${formatMoney(alert.value, alert.currency)}` : ''} · {zoneById(alert.zoneId)?.code ?? ''} · {formatDateTime(alert.at)}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Section>
          </div>
          <p className="muted small">Figures as of {formatTime(d.generatedAt)}; days are UTC days. They follow live events.</p>
        </>
      ) : null}
    </>
  );
}
