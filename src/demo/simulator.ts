// Keeps demo traffic flowing so the console looks alive: on each tick a demo enterprise submits a
// declaration (goods leaving a book are taken from what it holds), the bank pays a waiting bill
// now and then, an officer takes the oldest declaration that has waited long enough in a queue,
// trucks of released goods reach the gate and its readers post what they see, and officers deal
// with the trucks held there. It acts through the same services and principals as people would,
// finds its cast in the database, and idles when there is no demo.
import type { AppContext } from '../context.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { findDemoCast, type DemoCast } from './demo.cast.ts';
import { completionNote, officerFor, openBillOf, operatorFor } from './demo.history.ts';
import { createRng, type Rng } from './demo.random.ts';
import { stockOf } from './demo.stock.ts';
import { MINUTE } from './demo.time.ts';
import { bankReference, chooseHeldIntent, chooseIntent, composeDeclaration } from './demo.traffic.ts';
import { passTheGate, zoneGates, type ZoneGates } from './demo.gate.ts';
import { sendDemoSnapshots } from './demo.cctv.ts';
import { finishTask, openTaskOf, startTask } from './demo.inspections.ts';
import { createTripReplays } from './demo.tracking.ts';

export interface SimulatorLog {
  info(msg: string): void;
  warn?(msg: string): void;
}

export interface SimulatorOptions {
  /** Declarations submitted per minute (one per tick). */
  perMinute: number;
  log: SimulatorLog;
  /** Uniform draw in [0, 1); Math.random unless a test needs repeatable traffic. */
  random?: () => number;
}

export interface Simulator {
  /** Stops the timer and waits for the tick in flight. */
  stop(): Promise<void>;
  /** One round of traffic; the timer calls it, tests may call it directly. */
  tick(): Promise<void>;
}

/** How long a declaration waits in each queue before someone takes it up. */
const WAIT = {
  documentCheck: 3 * MINUTE,
  inspectionOrdered: 5 * MINUTE,
  inspection: 10 * MINUTE,
  gate: 2 * MINUTE,
  payment: 6 * MINUTE,
} as const;

const CAST_REFRESH = 5 * MINUTE;
/** How often the sealed trucks on the road report what their seals have seen since. */
const SEAL_REPORT_EVERY_MS = 2_000;

/** Share of simulated declarations that are built to be stopped by selectivity. */
const HELD_SHARE = 0.08;

type Summary = Awaited<ReturnType<AppContext['declarations']['list']>>['items'][number];

export function startSimulator(ctx: AppContext, options: SimulatorOptions): Simulator {
  const rng: Rng = createRng(options.random ?? Math.random);
  const warn = (msg: string) => (options.log.warn ? options.log.warn(msg) : options.log.info(msg));
  let announcedIdle = false;
  let inFlight: Promise<void> | null = null;
  let stopped = false;

  let known: { cast: DemoCast | null; at: number } | null = null;
  const sealedTrips = createTripReplays(ctx, rng);

  /** The demo's cast, looked up again every few minutes so that deactivated users stop acting. */
  async function castOrNull(): Promise<DemoCast | null> {
    const now = Date.now();
    if (known && now - known.at < CAST_REFRESH) return known.cast;
    const cast = await findDemoCast(ctx);
    known = { cast, at: now };
    if (!cast && !announcedIdle) {
      announcedIdle = true;
      options.log.info('Simulator: no demo data in this database (was it created with CORDON_DEMO=false?); idling');
    }
    return cast;
  }

  async function submitOne(cast: DemoCast): Promise<void> {
    const intent = rng.chance(HELD_SHARE) ? chooseHeldIntent(rng, cast.world, 'ANY') : chooseIntent(rng, cast.world);
    const trader = cast.traders.get(intent.enterprise.id);
    if (!trader) return;
    // Goods that are not in the books are not declared: the enterprise admits goods instead.
    const stock = stockOf(ctx, trader);
    const body =
      (await composeDeclaration(rng, cast.world, intent, stock)) ??
      (await composeDeclaration(rng, cast.world, { enterprise: intent.enterprise, zone: intent.zone, type: 'ADMISSION' }, stock));
    if (!body) return;
    await ctx.db.transaction((tx) => ctx.declarations.submit(tx, trader, body));
  }

  /** The queue of `state`, oldest first, as the officer for all zones sees it. */
  async function queue(cast: DemoCast, state: 'ASSESSED' | 'UNDER_INSPECTION' | 'RELEASED'): Promise<Summary[]> {
    const page = await ctx.declarations.list(cast.officer, { state, limit: 200 });
    return page.items.reverse();
  }

  const waited = (d: Summary, wait: number) => ctx.clock.now().getTime() - new Date(d.updatedAt).getTime() >= wait;

  async function decide(actor: Principal, d: Summary, action: 'START_INSPECTION' | 'RELEASE' | 'REJECT' | 'COMPLETE', reason: string) {
    await ctx.db.transaction((tx) => ctx.declarations.decide(tx, actor, d.id, { action, reason }));
  }

  /** Releases, or rejects when the goods are no longer in the book (taken by someone else since submission). */
  async function release(officer: Principal, d: Summary, reason: string) {
    try {
      await decide(officer, d, 'RELEASE', reason);
    } catch (error) {
      // A refusal for the stock only: one for unpaid duties or a changed state is a fault to report.
      if (!(error instanceof AppError) || error.code !== 'CONFLICT') throw error;
      await decide(officer, d, 'REJECT', 'The goods declared are no longer available in the book; declare again what is held');
    }
  }

  async function officerDecides(cast: DemoCast, next: Summary): Promise<void> {
    // RED and YELLOW declarations are worked through their inspection task, by the officer for all
    // zones (the one who took it finishes it): a scan or examination is started now and finished
    // after it has taken its time; a document check is done at once.
    const task = next.lane === 'GREEN' ? null : await openTaskOf(ctx.inspections, cast.officer, next.id);
    if (task) {
      await startTask(ctx.db, ctx.inspections, cast.officer, task);
      if (task.status === 'OPEN' && next.lane === 'RED') return;
      const detail = await ctx.declarations.get(cast.officer, next.id);
      const verdict = rng.chance(0.85) ? 'AS_DECLARED' : rng.chance(0.7) ? 'FOUND' : 'REJECT';
      try {
        await finishTask(ctx.db, ctx.inspections, cast.officer, rng, task, detail, verdict);
      } catch (error) {
        // The goods have left the book since submission: nothing to release.
        if (!(error instanceof AppError) || error.code !== 'CONFLICT') throw error;
        await decide(cast.officer, next, 'REJECT', 'The goods declared are no longer available in the book; declare again what is held');
      }
      return;
    }
    // Under inspection without an open task: the corrected declaration waits for its new bill.
    if (next.state === 'UNDER_INSPECTION') return;
    const officer = officerFor(cast, rng, next.zoneId, next.type);
    if (next.lane === 'GREEN') {
      await release(officer, next, 'Duties, taxes and fees paid; released for consumption');
    } else if (rng.chance(0.88)) {
      const reason = next.type === 'DOMESTIC_RELEASE' ? 'Documents checked and duties paid; released for consumption' : 'Documents checked: invoice, packing list and transport document agree with the declaration';
      await release(officer, next, reason);
    } else {
      await decide(officer, next, 'REJECT', 'The invoice does not support the declared transaction value and no proof of payment was provided');
    }
  }

  /** Whether the declaration waits for its duties: nobody releases it before the bank pays. */
  async function awaitingDuties(cast: DemoCast, d: Summary): Promise<boolean> {
    if (d.type !== 'DOMESTIC_RELEASE') return false;
    return (await openBillOf(ctx.duties, cast.officer, d)) !== null;
  }

  /**
   * Officers take the declarations that have waited longest in the document-check and inspection
   * queues: now and then one, two when the queue grows, so that queues neither vanish nor pile up.
   */
  async function officerStep(cast: DemoCast): Promise<void> {
    const assessed = (await queue(cast, 'ASSESSED')).filter((d) => waited(d, d.lane === 'RED' ? WAIT.inspectionOrdered : WAIT.documentCheck));
    const inspected = (await queue(cast, 'UNDER_INSPECTION')).filter((d) => waited(d, WAIT.inspection));
    const waiting = [...assessed, ...inspected].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    const due: Summary[] = [];
    for (const d of waiting) {
      // A rejection or an inspection needs no payment; a release does.
      if (d.state === 'ASSESSED' && d.lane !== 'RED' && (await awaitingDuties(cast, d))) continue;
      due.push(d);
    }
    const count = due.length > 10 ? 2 : rng.chance(0.7) ? 1 : 0;
    for (const next of due.slice(0, count)) {
      if (next.state === 'UNDER_INSPECTION' && (await awaitingDuties(cast, next))) continue;
      await officerDecides(cast, next);
    }
  }

  /**
   * The bank confirms payment of the oldest bills that have waited a few minutes, now and then one
   * (so that some domestic releases are always seen waiting for their duties); a GREEN declaration
   * is then released at once.
   */
  async function bankStep(cast: DemoCast): Promise<void> {
    const unpaid = (await ctx.duties.listBills(cast.officer, { status: 'UNPAID', limit: 200 })).items.reverse();
    const due = unpaid.filter((bill) => ctx.clock.now().getTime() - new Date(bill.createdAt).getTime() >= WAIT.payment);
    const count = due.length > 10 ? 2 : rng.chance(0.5) ? 1 : 0;
    for (const bill of due.slice(0, count)) {
      const at = ctx.clock.now();
      const paidAt = new Date(at.getTime() - rng.int(1, 5) * MINUTE).toISOString();
      const confirmation = { paymentReference: bill.paymentReference, amount: bill.total, currency: bill.currency, bankReference: bankReference(rng, at), paidAt };
      await ctx.db.transaction((tx) => ctx.duties.confirmPayment(tx, confirmation));
    }
  }

  let gateOf: ZoneGates | null = null;

  /**
   * Trucks of released goods reach the gate, oldest first, and the readers post what they see:
   * mostly what the pass says, now and then a wrong read that holds the truck. Goods that cross no
   * gate (processing, destruction) are confirmed by the zone operator.
   */
  async function gateStep(cast: DemoCast): Promise<void> {
    gateOf ??= zoneGates(ctx.registry, cast.officer);
    const released = (await queue(cast, 'RELEASED')).filter((d) => waited(d, WAIT.gate));
    for (const d of released.slice(0, released.length > 20 ? 2 : 1)) {
      const operator = operatorFor(cast, d.zoneId);
      const env = { db: ctx.db, gates: ctx.gates, rng, gateOf, officer: cast.officer };
      if (await passTheGate(env, operator, d.id, ctx.clock.now(), true)) continue;
      const detail = await ctx.declarations.get(cast.officer, d.id);
      await decide(operator, d, 'COMPLETE', completionNote(d.type, detail.transport.mode));
    }
  }

  /** An officer deals with trucks held at a gate a few minutes ago: a look, then through with the reason. */
  async function holdStep(cast: DemoCast): Promise<void> {
    const held = (await ctx.gates.listPassages(cast.officer, { status: 'HELD', limit: 50 })).items.reverse();
    const due = held.filter((passage) => passage.passId !== null && ctx.clock.now().getTime() - new Date(passage.at).getTime() >= WAIT.documentCheck);
    for (const passage of due.slice(0, 1)) {
      const officer = officerFor(cast, rng, passage.zoneId, 'ADMISSION');
      const reason = passage.reasons.some((r) => r.code === 'WEIGHT_OUT_OF_TOLERANCE')
        ? 'Reweighed on the second weighbridge: within tolerance'
        : 'Container numbers and seals checked by hand against the pass';
      await ctx.db.transaction((tx) => ctx.gates.override(tx, officer, passage.id, reason));
    }
  }

  async function round(): Promise<void> {
    const cast = await castOrNull();
    if (!cast) return;
    // Each part runs on its own, so that one refusal does not hold up the rest of the traffic.
    const parts: Array<[string, () => Promise<void>]> = [
      ['submission', () => submitOne(cast)],
      ['payment', () => bankStep(cast)],
      ['officer decision', () => officerStep(cast)],
      // Before the gate step: a released transfer is sealed for its trip before the truck leaves.
      ['sealed trips', () => sealedTrips.launch(cast)],
      ['gate', () => gateStep(cast)],
      ['gate hold', () => holdStep(cast)],
      ['camera snapshots', () => sendDemoSnapshots(ctx, cast, (zoneId) => operatorFor(cast, zoneId))],
    ];
    for (const [name, run] of parts) {
      try {
        await run();
      } catch (error) {
        warn(`Simulator: ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  function tick(): Promise<void> {
    if (inFlight) return inFlight;
    inFlight = round()
      .catch((error: unknown) => warn(`Simulator: tick failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  }

  const perMinute = Math.max(1, options.perMinute);
  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, Math.max(10, Math.round(60_000 / perMinute)));
  timer.unref();
  const sealReports = setInterval(() => {
    if (!stopped) sealedTrips.send().catch((error: unknown) => warn(`Simulator: seal reports failed: ${error instanceof Error ? error.message : String(error)}`));
  }, SEAL_REPORT_EVERY_MS);
  sealReports.unref();
  options.log.info(`Simulator: ${perMinute} declaration(s) per minute`);

  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearInterval(sealReports);
      if (inFlight) await inFlight;
      await sealedTrips.send();
    },
  };
}
