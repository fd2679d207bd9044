// Request and reply schemas of the operations dashboard and the time-release figures.
import { Type, type Static, type TSchema } from 'typebox';
import { Decimal, IsoDate, IsoDateTime, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { STATES } from '../declarations/lifecycle.ts';
import { DECLARATION_TYPES, LANES } from '../declarations/selectivity.schema.ts';

/** Counts keyed by every value of a list, zeros included, so that the console never meets a missing key. */
function countsOf(keys: readonly string[], description: string) {
  return Type.Object(Object.fromEntries(keys.map((key) => [key, Type.Integer({ minimum: 0 })])), { description });
}

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const AnalyticsQuery = Type.Object(
  {
    zoneId: Type.Optional({ ...Uuid, description: 'Only this zone (one the caller may see)' }),
    from: Type.Optional({ ...IsoDate, description: 'First day of the period (UTC); default: 29 days before `to`' }),
    to: Type.Optional({ ...IsoDate, description: 'Last day of the period (UTC), included; default: today' }),
  },
  { additionalProperties: false },
);
export type AnalyticsQuery = Static<typeof AnalyticsQuery>;

/** Lanes of declarations, and NONE for those not (yet) assessed. */
export const LANE_KEYS = [...LANES, 'NONE'] as const;

const Period = Type.Object({
  from: IsoDate,
  to: IsoDate,
  days: Type.Integer({ minimum: 1 }),
  timeZone: Type.Literal('UTC', { description: 'Days are UTC days: the administration has no time zone setting' }),
});

const Scope = Type.Object({
  zoneId: Nullable(Uuid),
  /** Set for an enterprise user: the figures are its enterprise's only. */
  enterpriseId: Nullable(Uuid),
  /** Zones the figures are limited to by the caller's rights; null for every zone. */
  zoneIds: Nullable(Type.Array(Uuid)),
});

const DeclarationCounts = Type.Object({
  submitted: Type.Integer({ minimum: 0 }),
  byState: countsOf(STATES, 'By the state the declarations are in now'),
  byLane: countsOf(LANE_KEYS, 'By lane; NONE when not assessed'),
  byType: countsOf(DECLARATION_TYPES, 'By declaration type'),
});

const Queue = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  oldestSince: Nullable(IsoDateTime),
  oldestWaitSeconds: Nullable(Type.Integer({ minimum: 0 })),
});

const Queues = Type.Object(
  {
    assessed: Type.Object({ YELLOW: Queue, RED: Queue }, { description: 'Assessed into YELLOW or RED, waiting for an officer (since assessment)' }),
    underInspection: { ...Queue, description: 'Inspection started, waiting for the decision (since the inspection began)' },
    awaitingPayment: { ...Queue, description: 'GREEN domestic releases held until their bill is paid or guaranteed (since assessment)' },
  },
  { description: 'What waits now, whatever the period' },
);

const CurrencyRevenue = Type.Object({
  currency: Type.String(),
  billed: Decimal,
  billedCount: Type.Integer({ minimum: 0 }),
  paid: Decimal,
  paidCount: Type.Integer({ minimum: 0 }),
  outstanding: Decimal,
  outstandingCount: Type.Integer({ minimum: 0 }),
  guaranteed: Decimal,
  guaranteedCount: Type.Integer({ minimum: 0 }),
});

const Revenue = Type.Object(
  { currencies: Type.Array(CurrencyRevenue) },
  {
    description:
      'Per currency: billed (bills issued in the period, not cancelled), paid (paid in the period), outstanding (unpaid now) and guaranteed (guaranteed, not yet paid, now). Null for zone operators, who do not read bills.',
  },
);

export const Alert = Type.Object({
  /** The outbox id: the same as the `id` of the event on the live stream. */
  eventId: Type.Integer(),
  type: Type.String(),
  at: IsoDateTime,
  zoneId: Nullable(Uuid),
  enterpriseId: Nullable(Uuid),
  bookId: Nullable(Uuid),
  reconciliationId: Nullable(Uuid),
  kind: Nullable(Type.String({ description: 'SHORTAGE or OVERAGE' })),
  partNumber: Nullable(Type.String()),
  hsCode: Nullable(Type.String()),
  quantity: Nullable(Type.String()),
  unit: Nullable(Type.String()),
  value: Nullable(Type.String()),
  currency: Nullable(Type.String()),
});
export type Alert = Static<typeof Alert>;

const Alerts = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  byType: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  latest: Type.Array(Alert),
});

const Percentiles = Type.Object({
  count: Type.Integer({ minimum: 0, description: 'Declarations with both ends of the interval' }),
  median: Nullable(Type.Number({ description: 'Seconds' })),
  p90: Nullable(Type.Number({ description: 'Seconds' })),
});

const IntervalFigures = {
  declarations: Type.Integer({ minimum: 0, description: 'Declarations submitted in the period in this group' }),
  submissionToLane: { ...Percentiles, description: 'First submission to the lane it was released under (ASSESS)' },
  laneToRelease: { ...Percentiles, description: 'Lane (ASSESS) to release (RELEASE)' },
  releaseToExit: { ...Percentiles, description: 'Release to the goods passing the gate (COMPLETE)' },
  submissionToRelease: { ...Percentiles, description: 'First submission to release: the overall release time' },
};

export const TimeRelease = Type.Object(
  {
    period: Period,
    scope: Scope,
    overall: Type.Object(IntervalFigures),
    byLane: Type.Array(Type.Object({ lane: StringEnum(LANE_KEYS), ...IntervalFigures })),
    byType: Type.Array(Type.Object({ type: StringEnum(DECLARATION_TYPES), ...IntervalFigures })),
  },
  {
    description:
      'Time-release figures in the manner of the WCO Time Release Study: the declarations submitted in the period, followed to their release and exit however late; median and 90th percentile (linear interpolation) in seconds, with the number of declarations each is computed over.',
  },
);
export type TimeRelease = Static<typeof TimeRelease>;

export const Dashboard = Type.Object({
  period: Period,
  scope: Scope,
  generatedAt: IsoDateTime,
  today: Type.Object({ date: IsoDate, ...DeclarationCounts.properties }, { description: 'Declarations submitted today (UTC)' }),
  declarations: { ...DeclarationCounts, description: 'Declarations submitted in the period' },
  queues: Queues,
  revenue: Nullable(Revenue),
  alerts: { ...Alerts, description: 'Alerts raised in the period: flagged reconciliation discrepancies (book.discrepancy)' },
  timeRelease: Type.Omit(TimeRelease, ['period', 'scope']),
});
export type Dashboard = Static<typeof Dashboard>;
