// Cordon's Prometheus metrics: what the services count (gate decisions, telemetry stored and
// dropped), HTTP requests by route pattern, and backlogs read from the database at each scrape.
// Each application has a registry of its own, so that several in one process (tests) never share a
// count; the process's own figures (CPU, memory, event loop) are collected once per process.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/db.ts';
import { operationsRepository as repo } from './operations.repository.ts';

/** What the services count. Optional in their dependencies: a service built alone (a test) counts nothing. */
export interface Meters {
  /** A gate's answer to a reader event (not a replay of a stored one). */
  gateDecision(decision: 'OPEN' | 'HOLD'): void;
  /** What one committed telemetry flush kept and dropped (by the filters' reason). */
  telemetryStored(outcome: { positions: number; events: number; dropped: Readonly<Partial<Record<string, number>>> }): void;
}

export interface Metrics extends Meters {
  /** One answered HTTP request, by its route's pattern (never the raw URL, which has no bound). */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
  /** The Prometheus text exposition: the process's figures, then this application's. */
  scrape(): Promise<string>;
  readonly contentType: string;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let sharedProcessRegistry: Registry | null = null;

/**
 * The default Node.js metrics start an event-loop monitor and a GC observer that live as long as the
 * process, so they are collected once per process, not once per application.
 */
function processMetrics(): Registry {
  if (sharedProcessRegistry === null) {
    sharedProcessRegistry = new Registry();
    collectDefaultMetrics({ register: sharedProcessRegistry });
  }
  return sharedProcessRegistry;
}

export function statusClassOf(statusCode: number): string {
  return statusCode >= 100 && statusCode < 600 ? `${Math.floor(statusCode / 100)}xx` : 'other';
}

export function createMetrics(deps: { db: Db; clock: Clock; telemetryQueue: () => number }): Metrics {
  const { db, clock } = deps;
  // Started with the first application rather than at the first scrape: the CPU counters count from here.
  const processRegistry = processMetrics();
  const registry = new Registry();
  const registers = [registry];

  const httpLabels = ['method', 'route', 'status_class'] as const;
  const requests = new Counter({ name: 'cordon_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status class', labelNames: httpLabels, registers });
  const durations = new Histogram({
    name: 'cordon_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status class',
    labelNames: httpLabels,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const gateDecisions = new Counter({ name: 'cordon_gate_decisions_total', help: "Gates' answers to reader events, by decision", labelNames: ['decision'] as const, registers });
  const positions = new Counter({ name: 'cordon_telemetry_positions_accepted_total', help: 'Telemetry positions stored on a trip', registers });
  const events = new Counter({ name: 'cordon_telemetry_events_accepted_total', help: 'Telemetry seal states and device events stored', registers });
  const dropped = new Counter({ name: 'cordon_telemetry_messages_dropped_total', help: 'Telemetry messages dropped, by reason', labelNames: ['reason'] as const, registers });
  const collectFailures = new Counter({
    name: 'cordon_metrics_collect_failures_total',
    help: 'Scrapes at which a gauge read from the database could not be read (it is then absent from that scrape)',
    labelNames: ['gauge'] as const,
    registers,
  });
  // Both appear at zero before anything happened, so that a rate over them is defined from the start.
  gateDecisions.inc({ decision: 'OPEN' }, 0);
  gateDecisions.inc({ decision: 'HOLD' }, 0);

  /** A gauge set at scrape time from the database; left out of a scrape whose read fails. */
  function databaseGauge<L extends string>(name: string, help: string, labelNames: readonly L[], read: (gauge: Gauge<L>) => Promise<void>): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        try {
          await read(this);
        } catch {
          this.reset();
          collectFailures.inc({ gauge: name });
        }
      },
    });
  }

  databaseGauge('cordon_outbox_backlog_events', 'Outbox events a consumer has not yet read, by consumer', ['consumer'], async (gauge) => {
    gauge.set({ consumer: 'feeds' }, await repo.feedBacklog(db));
  });
  databaseGauge('cordon_gate_passes_unsettled', 'Gate passes used at the gate whose declaration is not yet completed', [], async (gauge) => {
    gauge.set((await repo.unsettledPasses(db)).count);
  });
  databaseGauge('cordon_gate_passes_unsettled_oldest_seconds', 'Age of the oldest gate pass used and not yet settled (0 when none)', [], async (gauge) => {
    const { oldestUsedAt } = await repo.unsettledPasses(db);
    gauge.set(oldestUsedAt === null ? 0 : Math.max(0, (clock.now().getTime() - oldestUsedAt.getTime()) / 1000));
  });
  const alertSeries = new Set<string>();
  databaseGauge('cordon_alerts_open', 'Open alerts, by kind and severity', ['kind', 'severity'], async (gauge) => {
    const counts = await repo.openAlerts(db);
    // A kind whose alerts were all acknowledged goes to zero rather than disappearing.
    for (const key of alertSeries) {
      const [kind = '', severity = ''] = key.split('\u0000');
      gauge.set({ kind, severity }, 0);
    }
    for (const { kind, severity, count } of counts) {
      alertSeries.add(`${kind}\u0000${severity}`);
      gauge.set({ kind, severity }, count);
    }
  });
  new Gauge({
    name: 'cordon_telemetry_queued_messages',
    help: 'Telemetry messages received and waiting for the next write to the database',
    registers,
    collect() {
      this.set(deps.telemetryQueue());
    },
  });

  return {
    contentType: registry.contentType,

    observeRequest(method, route, statusCode, seconds) {
      const labels = { method: METHODS.has(method) ? method : 'OTHER', route, status_class: statusClassOf(statusCode) };
      requests.inc(labels);
      durations.observe(labels, seconds);
    },

    gateDecision(decision) {
      gateDecisions.inc({ decision });
    },

    telemetryStored(outcome) {
      if (outcome.positions > 0) positions.inc(outcome.positions);
      if (outcome.events > 0) events.inc(outcome.events);
      for (const [reason, count] of Object.entries(outcome.dropped)) if (count) dropped.inc({ reason }, count);
    },

    async scrape() {
      const [own, process] = await Promise.all([registry.metrics(), processRegistry.metrics()]);
      return `${process}\n${own}`;
    },
  };
}

/** Counts and times every answered request under its route's pattern (`unmatched` for a 404 of no route). */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
}
