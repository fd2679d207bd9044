// SQL of the dashboard's figures. Each query reads one period, within the caller's scope, and
// aggregates in the database: nothing here returns rows per declaration.
import type { Db } from '../platform/db/db.ts';
import type { DeclarationState } from '../declarations/lifecycle.ts';
import type { DeclarationType, Lane } from '../declarations/selectivity.schema.ts';

/** What the figures are limited to: the caller's rights and the zone asked for. */
export interface FigureScope {
  /** Only this enterprise's records (enterprise users). */
  enterpriseId: string | null;
  /** Only records of these zones (zone-scoped staff); null for every zone. */
  zoneIds: string[] | null;
  /** The zone the caller asked for. */
  zoneId: string | null;
}

/** A half-open interval of instants [from, to). */
export interface Range {
  from: Date;
  to: Date;
}

export interface StateLaneTypeCount extends Record<string, unknown> {
  state: DeclarationState;
  lane: Lane | null;
  type: DeclarationType;
  n: number;
}

export interface QueueRow extends Record<string, unknown> {
  queue: 'YELLOW' | 'RED' | 'UNDER_INSPECTION' | 'AWAITING_PAYMENT';
  n: number;
  oldest: Date;
}

export interface RevenueRow extends Record<string, unknown> {
  currency: string;
  billed: string;
  billed_count: number;
  paid: string;
  paid_count: number;
  outstanding: string;
  outstanding_count: number;
  guaranteed: string;
  guaranteed_count: number;
}

export interface AlertRow extends Record<string, unknown> {
  id: number;
  event_type: string;
  aggregate_id: string;
  zone_id: string | null;
  enterprise_id: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

/** Per interval: the number of samples and [median, 90th percentile] in seconds (null without samples). */
export interface TimeReleaseRow extends Record<string, unknown> {
  /** 'all', 'lane' or 'type': which grouping set the row belongs to. */
  grouping: 'all' | 'lane' | 'type';
  lane: Lane | null;
  type: DeclarationType | null;
  declarations: number;
  to_lane_n: number;
  to_lane: [number, number] | null;
  to_release_n: number;
  to_release: [number, number] | null;
  to_exit_n: number;
  to_exit: [number, number] | null;
  total_n: number;
  total: [number, number] | null;
}

/** Appends the scope's conditions on `alias`'s zone_id and enterprise_id columns to `where`. */
function scoped(scope: FigureScope, alias: string, params: unknown[], where: string[]): void {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  if (scope.enterpriseId !== null) {
    params.push(scope.enterpriseId);
    where.push(`${column('enterprise_id')} = $${params.length}`);
  }
  if (scope.zoneIds !== null) {
    params.push(scope.zoneIds);
    where.push(`${column('zone_id')} = ANY($${params.length}::uuid[])`);
  }
  if (scope.zoneId !== null) {
    params.push(scope.zoneId);
    where.push(`${column('zone_id')} = $${params.length}`);
  }
}

/** Percentiles by linear interpolation (PostgreSQL's percentile_cont), one sort for both. */
const percentiles = (column: string) => `count(${column})::int AS ${column}_n,
    percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY ${column}) AS ${column}`;

export const analyticsRepository = {
  /** Declarations submitted in `range`, counted by their state now, lane and type. */
  async countDeclarations(db: Db, scope: FigureScope, range: Range): Promise<StateLaneTypeCount[]> {
    const params: unknown[] = [range.from, range.to];
    const where = ['d.submitted_at >= $1', 'd.submitted_at < $2'];
    scoped(scope, 'd', params, where);
    return db.query<StateLaneTypeCount>(
      `SELECT d.state, d.lane, d.type, count(*)::int AS n FROM declarations d
       WHERE ${where.join(' AND ')} GROUP BY d.state, d.lane, d.type`,
      params,
    );
  },

  /**
   * What waits for an officer now: assessed YELLOW and RED (since assessment), under inspection
   * (since the inspection began, the last change of state), and GREEN domestic releases held for
   * an unpaid bill (since assessment).
   */
  async queues(db: Db, scope: FigureScope): Promise<QueueRow[]> {
    const params: unknown[] = [];
    const where = [
      `d.state IN ('ASSESSED', 'UNDER_INSPECTION')`,
      `(d.state = 'UNDER_INSPECTION' OR d.lane IN ('YELLOW', 'RED')
        OR (d.lane = 'GREEN' AND d.type = 'DOMESTIC_RELEASE'
            AND EXISTS (SELECT 1 FROM bills b WHERE b.declaration_id = d.id AND b.status = 'UNPAID')))`,
    ];
    scoped(scope, 'd', params, where);
    return db.query<QueueRow>(
      `SELECT q.queue, count(*)::int AS n, min(q.since) AS oldest
       FROM (
         SELECT CASE WHEN d.state = 'UNDER_INSPECTION' THEN 'UNDER_INSPECTION'
                     WHEN d.lane = 'GREEN' THEN 'AWAITING_PAYMENT'
                     ELSE d.lane END AS queue,
                CASE WHEN d.state = 'UNDER_INSPECTION' THEN d.updated_at ELSE d.assessed_at END AS since
         FROM declarations d WHERE ${where.join(' AND ')}
       ) q
       GROUP BY q.queue`,
      params,
    );
  },

  /** Bills per currency: issued and paid in `range`, and unpaid or guaranteed now. */
  async revenue(db: Db, scope: FigureScope, range: Range): Promise<RevenueRow[]> {
    const params: unknown[] = [range.from, range.to];
    const where = [
      `((b.created_at >= $1 AND b.created_at < $2) OR (b.paid_at >= $1 AND b.paid_at < $2) OR b.status IN ('UNPAID', 'GUARANTEED'))`,
    ];
    scoped(scope, 'b', params, where);
    const issued = `b.created_at >= $1 AND b.created_at < $2 AND b.status <> 'CANCELLED'`;
    const paid = `b.status = 'PAID' AND b.paid_at >= $1 AND b.paid_at < $2`;
    return db.query<RevenueRow>(
      `SELECT b.currency,
         COALESCE(sum(b.total) FILTER (WHERE ${issued}), 0)::text AS billed, count(*) FILTER (WHERE ${issued})::int AS billed_count,
         COALESCE(sum(b.total) FILTER (WHERE ${paid}), 0)::text AS paid, count(*) FILTER (WHERE ${paid})::int AS paid_count,
         COALESCE(sum(b.total) FILTER (WHERE b.status = 'UNPAID'), 0)::text AS outstanding,
         count(*) FILTER (WHERE b.status = 'UNPAID')::int AS outstanding_count,
         COALESCE(sum(b.total) FILTER (WHERE b.status = 'GUARANTEED'), 0)::text AS guaranteed,
         count(*) FILTER (WHERE b.status = 'GUARANTEED')::int AS guaranteed_count
       FROM bills b WHERE ${where.join(' AND ')}
       GROUP BY b.currency ORDER BY b.currency`,
      params,
    );
  },

  /** Alert events of the given types recorded in `range`: how many of each, and the latest `limit`. */
  async alerts(db: Db, scope: FigureScope, range: Range, types: readonly string[], limit: number) {
    const params: unknown[] = [types, range.from, range.to];
    const where = ['o.event_type = ANY($1::text[])', 'o.occurred_at >= $2', 'o.occurred_at < $3'];
    scoped(scope, 'o', params, where);
    const [counts, latest] = await Promise.all([
      db.query<{ event_type: string; n: number }>(
        `SELECT o.event_type, count(*)::int AS n FROM outbox o WHERE ${where.join(' AND ')} GROUP BY o.event_type`,
        params,
      ),
      db.query<AlertRow>(
        `SELECT o.id, o.event_type, o.aggregate_id, o.zone_id, o.enterprise_id, o.payload, o.occurred_at FROM outbox o
         WHERE ${where.join(' AND ')} ORDER BY o.occurred_at DESC, o.id DESC LIMIT $${params.length + 1}`,
        [...params, limit],
      ),
    ]);
    return { counts, latest: latest.map((row) => ({ ...row, id: Number(row.id) })) };
  },

  /**
   * The time-release intervals of the declarations submitted in `range`, overall, by lane and by
   * type in one pass (grouping sets). The moments are the declaration's own stamps, which the state
   * machine writes from each transition in the transition's transaction: submitted_at (the first
   * SUBMIT), assessed_at (the last ASSESS: an amendment is assessed again, and the lane it was
   * released under is that one), released_at (RELEASE) and completed_at (COMPLETE). Reading them
   * instead of grouping the transitions per declaration is one pass over the period's declarations
   * rather than a join of some four transitions each: at 100,000 declarations that join alone takes
   * longer than the dashboard may. The analytics tests check that the stamps agree with the transitions.
   * date_part, not extract: it answers a float8, where extract computes in NUMERIC.
   */
  async timeRelease(db: Db, scope: FigureScope, range: Range): Promise<TimeReleaseRow[]> {
    const params: unknown[] = [range.from, range.to];
    const where = ['d.submitted_at >= $1', 'd.submitted_at < $2'];
    scoped(scope, 'd', params, where);
    return db.query<TimeReleaseRow>(
      `WITH intervals AS (
         SELECT d.type, d.lane,
                date_part('epoch', d.assessed_at - d.submitted_at) AS to_lane,
                date_part('epoch', d.released_at - d.assessed_at) AS to_release,
                date_part('epoch', d.completed_at - d.released_at) AS to_exit,
                date_part('epoch', d.released_at - d.submitted_at) AS total
         FROM declarations d
         WHERE ${where.join(' AND ')}
       )
       SELECT CASE WHEN GROUPING(lane) = 0 THEN 'lane' WHEN GROUPING(type) = 0 THEN 'type' ELSE 'all' END AS grouping,
              lane, type, count(*)::int AS declarations,
              ${percentiles('to_lane')},
              ${percentiles('to_release')},
              ${percentiles('to_exit')},
              ${percentiles('total')}
       FROM intervals
       GROUP BY GROUPING SETS ((), (lane), (type))`,
      params,
    );
  },
};
