// The demo's past month of declarations: when each was submitted (working hours, fewer at the
// weekend), where it ended (most completed, some waiting in the officers' queues, under
// inspection, rejected, cancelled or amended) and the steps that took it there, each at a moment
// a real officer, trader, bank or zone operator would have acted. The steps of all declarations are
// played in the order of their moments, so that each declaration is written from the stock its
// books hold at that moment; the first days fill the empty books.
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { DeclarationStack } from '../context.ts';
import type { DeclarationService } from '../declarations/declaration.service.ts';
import type { SubmitDeclaration } from '../declarations/declaration.schemas.ts';
import type { DeclarationState } from '../declarations/lifecycle.ts';
import { DECLARATION_TYPES, type DeclarationType, type Lane } from '../declarations/selectivity.schema.ts';
import { DEMO_DAYS, DEMO_DECLARATIONS, DEMO_TIME_ZONE } from './demo.data.ts';
import type { DemoCast } from './demo.cast.ts';
import { stockOf } from './demo.stock.ts';
import {
  amendmentOf,
  bankReference,
  chooseHeldIntent,
  chooseIntent,
  composeDeclaration,
  drawsDown,
  stockingIntents,
  type Intent,
  type TrafficWorld,
} from './demo.traffic.ts';
import type { Rng } from './demo.random.ts';
import { addDays, Agenda, atWallTime, DAY, HOUR, MINUTE, wallTime, withinHours, type ManualClock } from './demo.time.ts';
import { passTheGate, type ZoneGates } from './demo.gate.ts';
import { finishTask, openTaskOf, startTask } from './demo.inspections.ts';

/** Where a declaration's story ends (SUBMITTED is never a resting state: assessment follows at once). */
export type Target = 'COMPLETED' | 'RELEASED' | 'WAITING' | 'UNDER_INSPECTION' | 'REJECTED' | 'CANCELLED';

export interface Story {
  at: Date;
  target: Target;
  /** The trader corrects the declaration after the officer's query, before the decision. */
  amend: boolean;
  /** What is declared; the lines are written at submission, from the stock then in the books. */
  intent: Intent;
}

// --- planning -------------------------------------------------------------------------------------------

/** Working hours of declarants by weekday (0 Sunday), and the day's share of the traffic. */
function workingDay(weekday: number): { open: number; close: number; weight: number } {
  if (weekday === 0) return { open: 9, close: 12, weight: 0.08 };
  if (weekday === 6) return { open: 8, close: 13, weight: 0.25 };
  return { open: 7, close: 18.5, weight: 1 };
}

/** Submission moments: `count` in all, over the past `days` days and today until `now`. */
function submissionTimes(rng: Rng, now: Date, count: number, days: number): Date[] {
  const today = wallTime(now, DEMO_TIME_ZONE);
  const latest = now.getTime() - 10 * MINUTE;
  const windows: Array<{ start: number; end: number; weight: number }> = [];
  for (let back = days; back >= 0; back -= 1) {
    const date = addDays(today, -back);
    const hours = workingDay(date.weekday);
    const start = atWallTime(DEMO_TIME_ZONE, date.year, date.month, date.day, 0, 0).getTime() + hours.open * HOUR;
    const close = start + (hours.close - hours.open) * HOUR;
    const end = Math.min(close, latest);
    if (end <= start) continue;
    windows.push({ start, end, weight: (hours.weight * (end - start)) / (close - start) });
  }
  // Largest remainders, so the total is exactly `count` whatever day the demo is loaded.
  const total = windows.reduce((sum, w) => sum + w.weight, 0);
  const shares = windows.map((w) => (count * w.weight) / total);
  const counts = shares.map(Math.floor);
  const order = shares.map((share, i) => [share - Math.floor(share), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < count; k += 1) {
    const i = order[k % order.length]?.[1] ?? 0;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const times: Date[] = [];
  windows.forEach((w, i) => {
    for (let n = 0; n < (counts[i] ?? 0); n += 1) {
      // Skewed towards the morning, when most filings are made.
      times.push(new Date(w.start + Math.floor(rng.next() ** 1.3 * (w.end - w.start))));
    }
  });
  return times.sort((a, b) => a.getTime() - b.getTime());
}

type Fate = { target: Target; amend: boolean };

function fateFor(rng: Rng, ageHours: number): Fate {
  const fate = (target: Target, amend = false): Fate => ({ target, amend });
  const table: ReadonlyArray<readonly [Fate, number]> =
    ageHours >= 72
      ? [[fate('COMPLETED'), 91], [fate('REJECTED'), 2.5], [fate('CANCELLED'), 4], [fate('COMPLETED', true), 2.5]]
      : ageHours >= 24
        ? [
            [fate('COMPLETED'), 72], [fate('RELEASED'), 12], [fate('REJECTED'), 3], [fate('CANCELLED'), 4],
            [fate('COMPLETED', true), 2], [fate('UNDER_INSPECTION'), 4], [fate('WAITING'), 3],
          ]
        : [
            [fate('RELEASED'), 45], [fate('COMPLETED'), 28], [fate('WAITING'), 14], [fate('UNDER_INSPECTION'), 5],
            [fate('CANCELLED'), 4], [fate('REJECTED'), 2], [fate('COMPLETED', true), 2],
          ];
  return rng.weighted(table);
}

/**
 * Fewest stories of each ending, so every queue and state of the console has something to show,
 * and the ages they are taken from (in hours): an inspection must have had time to start.
 */
const MINIMUM: ReadonlyArray<readonly [Fate, number, readonly [number, number]]> = [
  // Four days back, so that a weekend's few filings still leave enough.
  [{ target: 'WAITING', amend: false }, 8, [0, 96]],
  [{ target: 'UNDER_INSPECTION', amend: false }, 5, [18, 96]],
  [{ target: 'RELEASED', amend: false }, 8, [6, 72]],
  [{ target: 'REJECTED', amend: false }, 6, [24, Infinity]],
  [{ target: 'CANCELLED', amend: false }, 6, [24, Infinity]],
  [{ target: 'COMPLETED', amend: true }, 5, [72, Infinity]],
];

const MINIMUM_PER_TYPE = 4;

/** Of the waiting stories, domestic releases of dutiable goods, so that some bills are always open. */
const AWAITING_DUTIES = 2;
/** And RED ones not yet taken for inspection, so that an officer always finds one to assign. */
const AWAITING_INSPECTION = 2;

function heldIntent(rng: Rng, world: TrafficWorld, fate: Fate): Intent | null {
  if (fate.amend) return chooseHeldIntent(rng, world, 'YELLOW');
  switch (fate.target) {
    case 'UNDER_INSPECTION':
      return chooseHeldIntent(rng, world, 'RED');
    case 'REJECTED':
      return chooseHeldIntent(rng, world, rng.chance(0.5) ? 'RED' : 'YELLOW');
    case 'WAITING':
      return chooseHeldIntent(rng, world, 'ANY');
    case 'CANCELLED':
      // Some are withdrawn by the trader while they wait; the others are released, then cancelled by customs.
      return rng.chance(0.4) ? chooseHeldIntent(rng, world, 'ANY') : null;
    case 'COMPLETED':
    case 'RELEASED':
      return null;
  }
}

/** Days at the start of the month in which goods only arrive: the books start empty. */
const OPENING_DAYS = 3;
const ARRIVALS: readonly DeclarationType[] = ['ADMISSION', 'DOMESTIC_ADMISSION'];
/** Processing runs that go off the bill of materials, for the consumption report to flag. */
const OFF_SPEC_RUNS = 2;

export function planHistory(rng: Rng, world: TrafficWorld, now: Date, count = DEMO_DECLARATIONS, days = DEMO_DAYS): Story[] {
  const times = submissionTimes(rng, now, count, days);
  const fates = times.map((at) => fateFor(rng, (now.getTime() - at.getTime()) / HOUR));

  const plain = (i: number) => fates[i]?.target === 'COMPLETED' && !fates[i]?.amend;
  for (const [fate, minimum, ages] of MINIMUM) {
    const missing = minimum - fates.filter((f) => f.target === fate.target && f.amend === fate.amend).length;
    if (missing <= 0) continue;
    const age = (i: number) => (now.getTime() - (times[i]?.getTime() ?? 0)) / HOUR;
    const pool = times.map((_, i) => i).filter((i) => plain(i) && age(i) >= ages[0] && age(i) < ages[1]);
    for (const i of rng.sample(pool, missing)) fates[i] = fate;
  }

  const openingEnd = now.getTime() - (days - OPENING_DAYS) * DAY;
  const opening = (i: number) => (times[i]?.getTime() ?? 0) < openingEnd;
  const waiting = fates.map((_, i) => i).filter((i) => fates[i]?.target === 'WAITING' && !fates[i]?.amend);
  const awaitingDuties = new Set(rng.sample(waiting, AWAITING_DUTIES));
  const awaitingInspection = new Set(rng.sample(waiting.filter((i) => !awaitingDuties.has(i)), AWAITING_INSPECTION));
  const intents = fates.map((fate, i) => {
    const held = awaitingDuties.has(i)
      ? chooseHeldIntent(rng, world, 'DUTIES')
      : awaitingInspection.has(i)
        ? chooseHeldIntent(rng, world, 'RED')
        : heldIntent(rng, world, fate);
    if (!opening(i)) return held ?? chooseIntent(rng, world);
    return held && !drawsDown(held.type) ? held : chooseIntent(rng, world, ARRIVALS);
  });
  // The first plain arrivals fill every book with the enterprise's catalogue.
  const firsts = times.map((_, i) => i).filter((i) => opening(i) && plain(i));
  stockingIntents(world).forEach((intent, k) => {
    const i = firsts[k];
    if (i !== undefined) intents[i] = intent;
  });

  const later = (i: number) => !opening(i) && plain(i);
  for (const type of DECLARATION_TYPES) {
    const have = intents.filter((intent) => intent.type === type).length;
    if (have >= MINIMUM_PER_TYPE) continue;
    const pool = intents.map((_, i) => i).filter((i) => later(i) && intents[i]?.type === 'ADMISSION' && !intents[i]?.focus);
    for (const i of rng.sample(pool, MINIMUM_PER_TYPE - have)) intents[i] = chooseIntent(rng, world, type);
  }
  const runs = intents.map((_, i) => i).filter((i) => later(i) && intents[i]?.type === 'PROCESSING');
  for (const i of rng.sample(runs, OFF_SPEC_RUNS)) intents[i] = { ...(intents[i] as Intent), offSpec: true };

  return times.map((at, i) => ({ at, target: (fates[i] as Fate).target, amend: (fates[i] as Fate).amend, intent: intents[i] as Intent }));
}

// --- playing ------------------------------------------------------------------------------------------

export interface PlayEnv {
  db: Db;
  clock: ManualClock;
  stack: Pick<DeclarationStack, 'declarations' | 'books' | 'duties' | 'gates' | 'inspections'>;
  /** The gate of a zone that trucks use in a direction. */
  gateOf: ZoneGates;
  cast: DemoCast;
  rng: Rng;
  /** Nothing happens at or after this moment: later steps are left for the simulator. */
  now: Date;
}

/** Something else the loader does at a moment of the month, among the declarations' steps. */
export interface Task {
  at: Date;
  run(): Promise<void>;
}

type Detail = Awaited<ReturnType<DeclarationService['submit']>>;

/** A bill waiting for its duties. */
interface OpenBill {
  id: string;
  paymentReference: string;
  total: string;
  currency: string;
}

interface Step {
  kind: 'decide' | 'amend' | 'cancel' | 'pay' | 'guarantee';
  action?: 'START_INSPECTION' | 'RELEASE' | 'REJECT' | 'COMPLETE';
  by: 'officer' | 'operator' | 'trader' | 'bank';
  reason: string | null;
  /** Delay after the previous step, in minutes, and the daily hours in which the actor works. */
  minutes: readonly [number, number];
  hours: readonly [number, number];
}

const OFFICER_HOURS = [7, 22] as const;
const TRADER_HOURS = [8, 19] as const;
const GATE_HOURS = [6, 22] as const;
/** Fedwire's business day, in the zones' time. */
const BANK_HOURS = [9, 18] as const;

/** Guarantees accepted in place of payment: a few, for AEO enterprises whose bond covers their duties. */
const GUARANTEES = 2;

const COMPLETION_DELAY: Record<DeclarationType, readonly [number, number]> = {
  ADMISSION: [120, 1800],
  EXPORT: [240, 2880],
  DOMESTIC_RELEASE: [60, 480],
  DOMESTIC_ADMISSION: [30, 240],
  TRANSFER: [60, 360],
  PROCESSING: [240, 2880],
  DESTRUCTION: [120, 1440],
};

export function completionNote(type: DeclarationType, mode: string): string {
  switch (type) {
    case 'ADMISSION':
      return mode === 'SEA' ? 'Containers discharged and admitted through the quay (Q1)' : 'Goods admitted through the in-gate (G1)';
    case 'DOMESTIC_ADMISSION':
      return 'Goods admitted through the in-gate (G1)';
    case 'EXPORT':
      return 'Containers loaded on board at the quay (Q1)';
    case 'DOMESTIC_RELEASE':
    case 'TRANSFER':
      return 'Gate-out confirmed at the out-gate (G2)';
    case 'PROCESSING':
      return 'Processing run finished; outputs recorded in the book';
    case 'DESTRUCTION':
      return 'Destruction witnessed; certificate of destruction filed';
  }
}

function inspectionFinding(lines: ReadonlyArray<{ hsCode: string }>): string {
  const hs = lines.map((l) => l.hsCode);
  if (hs.some((code) => code.startsWith('93'))) return 'Import permit for the firearms not presented; entry refused';
  if (hs.some((code) => code.startsWith('8517') || code.startsWith('8471'))) {
    return 'Examination found cartons of branded accessories not declared (suspected counterfeit); goods detained';
  }
  return 'Quantity found at examination exceeds the declared quantity by more than 10 %';
}

/** What the declaration's story does next, given where it stands and whether its duties are still due. */
function nextStep(rng: Rng, story: Story, d: Detail, amended: boolean, dues: OpenBill | null, mayGuarantee: boolean): Step | null {
  const state: DeclarationState = d.state;
  const lane: Lane | null = d.lane;
  const { target } = story;
  // Release waits for the duties: the bank's payment, or an officer's acceptance of the bond.
  const settle = (): Step =>
    mayGuarantee && lane === 'GREEN' && rng.chance(0.35)
      ? { kind: 'guarantee', by: 'officer', reason: null, minutes: [30, 240], hours: OFFICER_HOURS }
      : { kind: 'pay', by: 'bank', reason: null, minutes: [20, 720], hours: BANK_HOURS };
  switch (state) {
    case 'ASSESSED':
      if (story.amend && !amended) {
        return { kind: 'amend', by: 'trader', reason: null, minutes: [60, 480], hours: TRADER_HOURS };
      }
      if (target === 'WAITING') return null;
      if (target === 'CANCELLED') {
        const reason = rng.pick([
          'Duplicate filing: the goods are declared under another declaration',
          'Shipment rolled to a later vessel; it will be declared again on arrival',
          'Declared in the wrong zone; the goods will be declared again',
        ]);
        return { kind: 'cancel', by: 'trader', reason, minutes: [30, 600], hours: TRADER_HOURS };
      }
      if (lane === 'RED' || target === 'UNDER_INSPECTION') {
        const reason = rng.pick([
          'Container moved to the centralized examination station for X-ray and partial devanning',
          'Non-intrusive X-ray scan ordered',
          'Physical examination ordered: count and check of marks and labels',
        ]);
        return { kind: 'decide', action: 'START_INSPECTION', by: 'officer', reason, minutes: [30, 360], hours: OFFICER_HOURS };
      }
      if (target === 'REJECTED') {
        const reason = rng.pick([
          'The invoice does not support the declared transaction value and no proof of payment was provided',
          'The certificate of origin does not match the supplier and the declared origin',
        ]);
        return { kind: 'decide', action: 'REJECT', by: 'officer', reason, minutes: [60, 480], hours: OFFICER_HOURS };
      }
      if (dues) return settle();
      if (lane === 'GREEN') {
        // Paid, yet not released at once (the goods were not free at that moment): the officer releases.
        return {
          kind: 'decide',
          action: 'RELEASE',
          by: 'officer',
          reason: 'Duties, taxes and fees paid; released for consumption',
          minutes: [30, 300],
          hours: OFFICER_HOURS,
        };
      }
      return {
        kind: 'decide',
        action: 'RELEASE',
        by: 'officer',
        reason:
          d.type === 'DOMESTIC_RELEASE'
            ? 'Documents checked and duties paid; released for consumption'
            : rng.pick([
                'Documents checked: invoice, packing list and transport document agree with the declaration',
                'Proof of payment and commercial invoice accepted; declared value confirmed',
                'Document check passed',
              ]),
        minutes: [20, 240],
        hours: OFFICER_HOURS,
      };
    case 'UNDER_INSPECTION':
      if (target === 'UNDER_INSPECTION' || target === 'WAITING') return null;
      if (target === 'REJECTED') {
        return { kind: 'decide', action: 'REJECT', by: 'officer', reason: inspectionFinding(d.lines), minutes: [120, 1560], hours: OFFICER_HOURS };
      }
      if (dues) return settle();
      return {
        kind: 'decide',
        action: 'RELEASE',
        by: 'officer',
        reason: rng.pick(['Examination completed: goods as declared', 'X-ray image clear; partial devanning found the goods as declared']),
        minutes: [120, 1560],
        hours: OFFICER_HOURS,
      };
    case 'RELEASED':
      if (target === 'CANCELLED') {
        return {
          kind: 'cancel',
          by: 'officer',
          reason: "Release invalidated at the declarant's request: the goods did not move and will be declared again",
          minutes: [60, 720],
          hours: OFFICER_HOURS,
        };
      }
      if (target !== 'COMPLETED') return null;
      return {
        kind: 'decide',
        action: 'COMPLETE',
        by: 'operator',
        reason: completionNote(d.type, d.transport.mode),
        minutes: COMPLETION_DELAY[d.type],
        hours: GATE_HOURS,
      };
    case 'SUBMITTED':
    case 'REJECTED':
    case 'COMPLETED':
    case 'CANCELLED':
      return null;
  }
}

/** The officer who takes a declaration: the zone's own officer or the one for all zones. */
export function officerFor(cast: DemoCast, rng: Rng, zoneId: string, type: DeclarationType): Principal {
  const local = cast.zoneOfficers.get(zoneId);
  return local && type !== 'TRANSFER' && rng.chance(0.5) ? local : cast.officer;
}

export function operatorFor(cast: DemoCast, zoneId: string): Principal {
  return cast.operators.get(zoneId) ?? cast.officer;
}

/** The unpaid bill of a domestic release that waits for customs, or null. */
export async function openBillOf(duties: DeclarationStack['duties'], principal: Principal, d: Pick<Detail, 'id' | 'type' | 'state'>): Promise<OpenBill | null> {
  if (d.type !== 'DOMESTIC_RELEASE' || (d.state !== 'ASSESSED' && d.state !== 'UNDER_INSPECTION')) return null;
  const [bill] = (await duties.listBills(principal, { declarationId: d.id, status: 'UNPAID', limit: 1 })).items;
  return bill ? { id: bill.id, paymentReference: bill.paymentReference, total: bill.total, currency: bill.currency } : null;
}

/** The bond an officer accepts for a bill's duties. */
export function bondReference(rng: Rng): string {
  return `CBP Form 301 continuous bond ${rng.digits(2)}-${rng.digits(7)}`;
}

/** One declaration on its way: its story, what was submitted, where it stands and the step due. */
interface Run {
  story: Story;
  trader: Principal;
  body: SubmitDeclaration | null;
  d: Detail | null;
  amended: boolean;
  at: Date;
  step: Step | null;
  dues: OpenBill | null;
}

/**
 * Writes the declaration from the books as they stand; goods that are not there are not declared,
 * and the enterprise admits goods instead.
 */
async function bodyFor(env: PlayEnv, run: Run): Promise<SubmitDeclaration> {
  const { rng, cast, stack } = env;
  const stock = stockOf(stack, run.trader);
  const body = await composeDeclaration(rng, cast.world, run.story.intent, stock);
  if (body) return body;
  const { enterprise, zone } = run.story.intent;
  run.story = { ...run.story, intent: { enterprise, zone, type: 'ADMISSION' } };
  const admission = await composeDeclaration(rng, cast.world, run.story.intent, stock);
  if (!admission) throw new Error(`${enterprise.profile.name} has nothing to declare in ${zone.code}`);
  return admission;
}

async function act(env: PlayEnv, run: Run, guarantees: { count: number }): Promise<void> {
  const { db, cast, rng, stack } = env;
  const { declarations, duties } = stack;
  if (!run.d) {
    const body = await bodyFor(env, run);
    run.body = body;
    run.d = await db.transaction((tx) => declarations.submit(tx, run.trader, body));
    return;
  }
  const d = run.d;
  const step = run.step as Step;
  const actor = step.by === 'trader' ? run.trader : step.by === 'operator' ? operatorFor(cast, d.zoneId) : officerFor(cast, rng, d.zoneId, d.type);
  switch (step.kind) {
    case 'amend':
      run.d = await db.transaction((tx) => declarations.amend(tx, actor, d.id, amendmentOf(rng, run.body as SubmitDeclaration)));
      run.amended = true;
      return;
    case 'cancel':
      run.d = await db.transaction((tx) => declarations.cancel(tx, actor, d.id, step.reason ?? 'Cancelled'));
      return;
    case 'decide': {
      // Goods that cross a gate complete there, as the readers see the trucks pass; an odd misread
      // holds a truck until an officer lets it through.
      if (step.action === 'COMPLETE' && (await passTheGate({ db, gates: env.stack.gates, rng, gateOf: env.gateOf, officer: cast.officer }, actor, d.id, env.clock.now(), true))) {
        for (const held of (await env.stack.gates.listPassages(cast.officer, { declarationId: d.id, status: 'HELD', limit: 10 })).items) {
          await db.transaction((tx) => env.stack.gates.override(tx, officerFor(cast, rng, d.zoneId, d.type), held.id, 'Checked by hand against the pass at the gate'));
        }
        run.d = await declarations.get(run.trader, d.id);
        return;
      }
      // A RED or YELLOW declaration is worked through its inspection task by the officer for all
      // zones; the outcome is the label the risk models learn from.
      const task = d.lane === 'GREEN' || step.action === 'COMPLETE' ? null : await openTaskOf(env.stack.inspections, cast.officer, d.id);
      if (task) {
        await startTask(db, env.stack.inspections, cast.officer, task);
        if (step.action !== 'START_INSPECTION') {
          await finishTask(db, env.stack.inspections, cast.officer, rng, task, d, step.action === 'REJECT' ? 'REJECT' : 'AS_DECLARED');
        }
        run.d = await declarations.get(run.trader, d.id);
        return;
      }
      run.d = await db.transaction((tx) => declarations.decide(tx, actor, d.id, { action: step.action ?? 'RELEASE', ...(step.reason ? { reason: step.reason } : {}) }));
      return;
    }
    case 'pay': {
      const bill = run.dues as OpenBill;
      const at = env.clock.now();
      // The bank's confirmation reaches Cordon a few minutes after the transfer was executed.
      const paidAt = new Date(at.getTime() - rng.int(1, 6) * MINUTE).toISOString();
      const confirmation = { paymentReference: bill.paymentReference, amount: bill.total, currency: bill.currency, bankReference: bankReference(rng, at), paidAt };
      await db.transaction((tx) => duties.confirmPayment(tx, confirmation));
      run.d = await declarations.get(run.trader, d.id);
      return;
    }
    case 'guarantee': {
      const bill = run.dues as OpenBill;
      await db.transaction((tx) => duties.guaranteeBill(tx, actor, bill.id, bondReference(rng)));
      guarantees.count += 1;
      run.d = await declarations.get(run.trader, d.id);
      return;
    }
  }
}

/** Plans the run's next step; returns its moment, or null when the story rests (or its next step is not yet due). */
async function plan(env: PlayEnv, run: Run, guarantees: { count: number }): Promise<Date | null> {
  const { rng, now } = env;
  const d = run.d as Detail;
  const dues = await openBillOf(env.stack.duties, run.trader, d);
  const mayGuarantee = guarantees.count < GUARANTEES && run.story.intent.enterprise.profile.aeoStatus !== 'NONE';
  const step = nextStep(rng, run.story, d, run.amended, dues, mayGuarantee);
  if (!step) return null;
  const delayed = new Date(run.at.getTime() + rng.int(step.minutes[0], step.minutes[1]) * MINUTE + rng.int(0, 59_000));
  const at = withinHours(delayed, DEMO_TIME_ZONE, step.hours[0], step.hours[1], rng.int(5, 50));
  if (at.getTime() >= now.getTime() - MINUTE) return null;
  run.step = step;
  run.dues = dues;
  run.at = at;
  return at;
}

/**
 * Submits every story's declaration and takes each, step by step, to its ending or to `now`; all
 * steps, and the tasks, in the order of their moments, with the clock set to each.
 */
export async function playHistory(env: PlayEnv, stories: readonly Story[], tasks: readonly Task[] = []): Promise<void> {
  const agenda = new Agenda<Run | Task>();
  for (const story of stories) {
    const trader = env.cast.traders.get(story.intent.enterprise.id);
    if (!trader) throw new Error(`${story.intent.enterprise.profile.name} has no user to declare with`);
    agenda.add(story.at, { story, trader, body: null, d: null, amended: false, at: story.at, step: null, dues: null });
  }
  for (const task of tasks) agenda.add(task.at, task);
  const guarantees = { count: 0 };
  for (let due = agenda.next(); due; due = agenda.next()) {
    env.clock.set(due.at);
    const entry = due.value;
    if ('run' in entry) {
      await entry.run();
      continue;
    }
    await act(env, entry, guarantees);
    const at = await plan(env, entry, guarantees);
    if (at) agenda.add(at, entry);
  }
}
