// The demo's past month of declarations: when each was submitted (working hours, fewer at the
// weekend), where it ended (most completed, some waiting in the officers' queues, under
// inspection, rejected, cancelled or amended) and the steps that took it there, each at a moment
// a real officer, trader or zone operator would have acted.
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { DeclarationService } from '../declarations/declaration.service.ts';
import type { SubmitDeclaration } from '../declarations/declaration.schemas.ts';
import type { DeclarationState } from '../declarations/lifecycle.ts';
import { DECLARATION_TYPES, type DeclarationType, type Lane } from '../declarations/selectivity.schema.ts';
import { DEMO_DAYS, DEMO_DECLARATIONS, DEMO_TIME_ZONE } from './demo.data.ts';
import type { DemoCast } from './demo.cast.ts';
import { amendmentOf, chooseHeldIntent, chooseIntent, composeDeclaration, type Intent, type TrafficWorld } from './demo.traffic.ts';
import type { Rng } from './demo.random.ts';
import { addDays, atWallTime, HOUR, MINUTE, wallTime, withinHours, type ManualClock } from './demo.time.ts';

/** Where a declaration's story ends (SUBMITTED is never a resting state: assessment follows at once). */
export type Target = 'COMPLETED' | 'RELEASED' | 'WAITING' | 'UNDER_INSPECTION' | 'REJECTED' | 'CANCELLED';

export interface Story {
  at: Date;
  target: Target;
  /** The trader corrects the declaration after the officer's query, before the decision. */
  amend: boolean;
  intent: Intent;
  body: SubmitDeclaration;
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
  [{ target: 'WAITING', amend: false }, 8, [0, 48]],
  [{ target: 'UNDER_INSPECTION', amend: false }, 5, [18, 96]],
  [{ target: 'RELEASED', amend: false }, 8, [6, 72]],
  [{ target: 'REJECTED', amend: false }, 6, [24, Infinity]],
  [{ target: 'CANCELLED', amend: false }, 6, [24, Infinity]],
  [{ target: 'COMPLETED', amend: true }, 5, [72, Infinity]],
];

const MINIMUM_PER_TYPE = 4;

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

  const intents = fates.map((fate) => heldIntent(rng, world, fate) ?? chooseIntent(rng, world));
  for (const type of DECLARATION_TYPES) {
    const have = intents.filter((intent) => intent.type === type).length;
    if (have >= MINIMUM_PER_TYPE) continue;
    const pool = intents.map((_, i) => i).filter((i) => plain(i) && intents[i]?.type === 'ADMISSION');
    for (const i of rng.sample(pool, MINIMUM_PER_TYPE - have)) intents[i] = chooseIntent(rng, world, type);
  }

  return times.map((at, i) => {
    const intent = intents[i] as Intent;
    const fate = fates[i] as Fate;
    return { at, target: fate.target, amend: fate.amend, intent, body: composeDeclaration(rng, world, intent) };
  });
}

// --- playing ------------------------------------------------------------------------------------------

export interface PlayEnv {
  clock: ManualClock;
  declarations: DeclarationService;
  cast: DemoCast;
  rng: Rng;
  /** Nothing happens at or after this moment: later steps are left for the simulator. */
  now: Date;
}

type Detail = Awaited<ReturnType<DeclarationService['submit']>>;

interface Step {
  kind: 'decide' | 'amend' | 'cancel';
  action?: 'START_INSPECTION' | 'RELEASE' | 'REJECT' | 'COMPLETE';
  by: 'officer' | 'operator' | 'trader';
  reason: string | null;
  /** Delay after the previous step, in minutes, and the daily hours in which the actor works. */
  minutes: readonly [number, number];
  hours: readonly [number, number];
}

const OFFICER_HOURS = [7, 22] as const;
const TRADER_HOURS = [8, 19] as const;
const GATE_HOURS = [6, 22] as const;

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

function inspectionFinding(body: SubmitDeclaration): string {
  const hs = body.lines.map((l) => l.hsCode);
  if (hs.some((code) => code.startsWith('93'))) return 'Import permit for the firearms not presented; entry refused';
  if (hs.some((code) => code.startsWith('8517') || code.startsWith('8471'))) {
    return 'Examination found cartons of branded accessories not declared (suspected counterfeit); goods detained';
  }
  return 'Quantity found at examination exceeds the declared quantity by more than 10 %';
}

function nextStep(rng: Rng, story: Story, d: Detail, amended: boolean): Step | null {
  const state: DeclarationState = d.state;
  const lane: Lane | null = d.lane;
  const { target } = story;
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
      if (lane === 'GREEN') {
        // A GREEN domestic release waits only for its duties.
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
        reason: rng.pick([
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
        return { kind: 'decide', action: 'REJECT', by: 'officer', reason: inspectionFinding(story.body), minutes: [120, 1560], hours: OFFICER_HOURS };
      }
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

/** Submits the story's declaration and takes it, step by step, to its ending or to `now`. */
export async function playStory(tx: Db, env: PlayEnv, story: Story): Promise<Detail> {
  const { clock, declarations, cast, rng, now } = env;
  const trader = cast.traders.get(story.intent.enterprise.id);
  if (!trader) throw new Error(`${story.intent.enterprise.profile.name} has no user to declare with`);
  clock.set(story.at);
  let d = await declarations.submit(tx, trader, story.body);
  let at = story.at;
  let amended = false;
  for (let step = nextStep(rng, story, d, amended); step; step = nextStep(rng, story, d, amended)) {
    const delayed = new Date(at.getTime() + rng.int(step.minutes[0], step.minutes[1]) * MINUTE + rng.int(0, 59_000));
    at = withinHours(delayed, DEMO_TIME_ZONE, step.hours[0], step.hours[1], rng.int(5, 50));
    if (at.getTime() >= now.getTime() - MINUTE) break;
    clock.set(at);
    const actor = step.by === 'trader' ? trader : step.by === 'operator' ? operatorFor(cast, d.zoneId) : officerFor(cast, rng, d.zoneId, d.type);
    switch (step.kind) {
      case 'amend':
        d = await declarations.amend(tx, actor, d.id, amendmentOf(rng, story.body));
        amended = true;
        break;
      case 'cancel':
        d = await declarations.cancel(tx, actor, d.id, step.reason ?? 'Cancelled');
        break;
      case 'decide':
        d = await declarations.decide(tx, actor, d.id, { action: step.action ?? 'RELEASE', ...(step.reason ? { reason: step.reason } : {}) });
        break;
    }
  }
  return d;
}
