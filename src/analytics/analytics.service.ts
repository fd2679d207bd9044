// The operations dashboard: declarations of today and of a period, what waits for an officer,
// revenue, alerts and time-release figures, each limited to what the caller may see.
import { Decimal } from 'decimal.js';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import type { Principal, Role } from '../platform/auth/principal.ts';
import { AppError, forbidden } from '../platform/errors.ts';
import { STATES } from '../declarations/lifecycle.ts';
import { DECLARATION_TYPES, LANES } from '../declarations/selectivity.schema.ts';
import type { ReferenceData } from '../reference/reference.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import { BILL_READERS } from '../duties/bills.service.ts';
import { analyticsRepository as repo, type AlertRow, type FigureScope, type Range, type StateLaneTypeCount, type TimeReleaseRow } from './analytics.repository.ts';
import { LANE_KEYS, type Alert, type AnalyticsQuery, type Dashboard, type TimeRelease } from './analytics.schemas.ts';

/**
 * Every role reads the dashboard within its scope. Enterprise users get their own enterprise's
 * figures: how long their clearances take, what of theirs waits and what they owe is what a trader
 * asks customs about, and all of it is already theirs to read record by record.
 */
export const ANALYTICS_READERS: readonly Role[] = ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator', 'enterprise_user'];

const DAY_MS = 86_400_000;
/** Long enough for a year-on-year look (a leap year included), short enough to stay one quick scan. */
const MAX_DAYS = 366;
const DEFAULT_DAYS = 30;
/** Outbox events that are alerts for the console; seal, gate and CCTV alerts join this list as they arrive. */
export const ALERT_TYPES = ['book.discrepancy'] as const;
const LATEST_ALERTS = 10;
/** Matches no enterprise: an enterprise user without one (which the schema forbids) sees nothing. */
const NO_ENTERPRISE = '00000000-0000-0000-0000-000000000000';

export interface AnalyticsDeps {
  db: Db;
  clock: Clock;
  reference: ReferenceData;
  registry: RegistryService;
}

interface Period {
  from: string;
  to: string;
  days: number;
  range: Range;
}

const isoDay = (at: Date) => at.toISOString().slice(0, 10);
const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);

/** The period asked for, in whole UTC days: `to` included, 30 days by default, at most 366. */
export function periodOf(query: Pick<AnalyticsQuery, 'from' | 'to'>, now: Date): Period {
  const to = query.to ?? isoDay(now);
  const from = query.from ?? isoDay(new Date(dayStart(to).getTime() - (DEFAULT_DAYS - 1) * DAY_MS));
  const start = dayStart(from);
  const end = new Date(dayStart(to).getTime() + DAY_MS);
  const days = Math.round((end.getTime() - start.getTime()) / DAY_MS);
  if (days < 1) {
    // Only a `from` given by the caller can fall after `to`.
    throw new AppError('VALIDATION_FAILED', 'The period is empty', [{ path: '/querystring/from', message: `must not be after ${to}` }]);
  }
  if (days > MAX_DAYS) {
    throw new AppError('VALIDATION_FAILED', `The period is longer than ${MAX_DAYS} days`, [
      { path: '/querystring/from', message: `must be at most ${MAX_DAYS} days before to (the period has ${days})` },
    ]);
  }
  return { from, to, days, range: { from: start, to: end } };
}

function emptyCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

function tally(rows: StateLaneTypeCount[]) {
  const byState = emptyCounts(STATES);
  const byLane = emptyCounts(LANE_KEYS);
  const byType = emptyCounts(DECLARATION_TYPES);
  let submitted = 0;
  for (const row of rows) {
    submitted += row.n;
    byState[row.state] += row.n;
    byLane[row.lane ?? 'NONE'] += row.n;
    byType[row.type] += row.n;
  }
  return { submitted, byState, byLane, byType };
}

/** Seconds to the millisecond: percentiles interpolate, and float noise below that means nothing. */
const seconds = (value: number | null | undefined) => (value === null || value === undefined ? null : Math.round(value * 1000) / 1000);

function intervalFigures(row: TimeReleaseRow | undefined) {
  const stats = (n: number | undefined, values: [number, number] | null | undefined) => ({
    count: n ?? 0,
    median: seconds(values?.[0]),
    p90: seconds(values?.[1]),
  });
  return {
    declarations: row?.declarations ?? 0,
    submissionToLane: stats(row?.to_lane_n, row?.to_lane),
    laneToRelease: stats(row?.to_release_n, row?.to_release),
    releaseToExit: stats(row?.to_exit_n, row?.to_exit),
    submissionToRelease: stats(row?.total_n, row?.total),
  };
}

function presentTimeRelease(rows: TimeReleaseRow[]): Omit<TimeRelease, 'period' | 'scope'> {
  const lanes = rows.filter((row) => row.grouping === 'lane');
  const types = rows.filter((row) => row.grouping === 'type');
  // Every lane and type is listed, so the console draws the same rows whatever the period holds;
  // NONE (not assessed) only when there is such a declaration.
  const laneKeys = lanes.some((row) => row.lane === null) ? LANE_KEYS : LANES;
  return {
    overall: intervalFigures(rows.find((row) => row.grouping === 'all')),
    byLane: laneKeys.map((lane) => ({ lane, ...intervalFigures(lanes.find((row) => (row.lane ?? 'NONE') === lane)) })),
    byType: DECLARATION_TYPES.map((type) => ({ type, ...intervalFigures(types.find((row) => row.type === type)) })),
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/** A discrepancy alert: what and where, never the whole payload. */
function presentAlert(row: AlertRow): Alert {
  const p = row.payload;
  return {
    eventId: row.id,
    type: row.event_type,
    at: row.occurred_at.toISOString(),
    zoneId: row.zone_id,
    enterpriseId: row.enterprise_id,
    bookId: row.aggregate_id,
    reconciliationId: text(p.reconciliationId),
    kind: text(p.kind),
    partNumber: text(p.partNumber),
    hsCode: text(p.hsCode),
    quantity: text(p.quantity),
    unit: text(p.unit),
    value: text(p.value),
    currency: text(p.currency),
  };
}

export function createAnalyticsService(deps: AnalyticsDeps) {
  const { db, clock, reference, registry } = deps;
  const money = (value: string, currency: string) => new Decimal(value).toFixed(reference.currencies.get(currency)?.minorUnit ?? 2);

  /** The caller's rights, narrowed to the zone asked for (which must be one the caller may see). */
  async function scopeOf(principal: Principal, zoneId: string | undefined): Promise<FigureScope> {
    if (!ANALYTICS_READERS.includes(principal.role)) throw forbidden();
    if (zoneId !== undefined) await registry.getZone(principal, zoneId);
    // Figures count each declaration once, in the zone it was lodged in, so that the zones' figures
    // add up; a transfer into a zone counts in the zone it left.
    if (principal.role === 'enterprise_user') return { enterpriseId: principal.enterpriseId ?? NO_ENTERPRISE, zoneIds: null, zoneId: zoneId ?? null };
    return { enterpriseId: null, zoneIds: principal.zoneIds, zoneId: zoneId ?? null };
  }

  const presentScope = (scope: FigureScope) => ({ zoneId: scope.zoneId, enterpriseId: scope.enterpriseId, zoneIds: scope.zoneIds });
  const presentPeriod = (period: Period) => ({ from: period.from, to: period.to, days: period.days, timeZone: 'UTC' as const });

  async function revenue(principal: Principal, scope: FigureScope, range: Range): Promise<Dashboard['revenue']> {
    // Zone operators run gates, not revenue: they read no bills, so no sums of them either.
    if (!BILL_READERS.includes(principal.role)) return null;
    const rows = await repo.revenue(db, scope, range);
    return {
      currencies: rows.map((row) => ({
        currency: row.currency,
        billed: money(row.billed, row.currency),
        billedCount: row.billed_count,
        paid: money(row.paid, row.currency),
        paidCount: row.paid_count,
        outstanding: money(row.outstanding, row.currency),
        outstandingCount: row.outstanding_count,
        guaranteed: money(row.guaranteed, row.currency),
        guaranteedCount: row.guaranteed_count,
      })),
    };
  }

  async function queues(scope: FigureScope, now: Date): Promise<Dashboard['queues']> {
    const rows = await repo.queues(db, scope);
    const queue = (name: (typeof rows)[number]['queue']) => {
      const row = rows.find((r) => r.queue === name);
      if (!row) return { count: 0, oldestSince: null, oldestWaitSeconds: null };
      return {
        count: row.n,
        oldestSince: row.oldest.toISOString(),
        oldestWaitSeconds: Math.max(0, Math.floor((now.getTime() - row.oldest.getTime()) / 1000)),
      };
    };
    return {
      assessed: { YELLOW: queue('YELLOW'), RED: queue('RED') },
      underInspection: queue('UNDER_INSPECTION'),
      awaitingPayment: queue('AWAITING_PAYMENT'),
    };
  }

  async function alerts(scope: FigureScope, range: Range): Promise<Dashboard['alerts']> {
    const { counts, latest } = await repo.alerts(db, scope, range, ALERT_TYPES, LATEST_ALERTS);
    const byType = Object.fromEntries(ALERT_TYPES.map((type) => [type, counts.find((row) => row.event_type === type)?.n ?? 0]));
    return { count: counts.reduce((sum, row) => sum + row.n, 0), byType, latest: latest.map(presentAlert) };
  }

  return {
    async dashboard(principal: Principal, query: AnalyticsQuery): Promise<Dashboard> {
      const now = clock.now();
      const period = periodOf(query, now);
      const scope = await scopeOf(principal, query.zoneId);
      const today = isoDay(now);
      const todayRange = { from: dayStart(today), to: new Date(dayStart(today).getTime() + DAY_MS) };
      const [todayRows, periodRows, waiting, money, alerted, timeRelease] = await Promise.all([
        repo.countDeclarations(db, scope, todayRange),
        repo.countDeclarations(db, scope, period.range),
        queues(scope, now),
        revenue(principal, scope, period.range),
        alerts(scope, period.range),
        repo.timeRelease(db, scope, period.range),
      ]);
      return {
        period: presentPeriod(period),
        scope: presentScope(scope),
        generatedAt: now.toISOString(),
        today: { date: today, ...tally(todayRows) },
        declarations: tally(periodRows),
        queues: waiting,
        revenue: money,
        alerts: alerted,
        timeRelease: presentTimeRelease(timeRelease),
      };
    },

    async timeRelease(principal: Principal, query: AnalyticsQuery): Promise<TimeRelease> {
      const period = periodOf(query, clock.now());
      const scope = await scopeOf(principal, query.zoneId);
      const rows = await repo.timeRelease(db, scope, period.range);
      return { period: presentPeriod(period), scope: presentScope(scope), ...presentTimeRelease(rows) };
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
