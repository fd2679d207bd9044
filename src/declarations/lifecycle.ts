// The declaration state machine. Pure: given a state, an action, the lane and who acts, it answers
// the next state or refuses. Every transition the service performs goes through `transition`.
import { AppError } from '../platform/errors.ts';
import type { Role } from '../platform/auth/principal.ts';
import type { Lane } from './selectivity.schema.ts';

export const STATES = ['SUBMITTED', 'ASSESSED', 'UNDER_INSPECTION', 'RELEASED', 'REJECTED', 'COMPLETED', 'CANCELLED'] as const;
export type DeclarationState = (typeof STATES)[number];

export const ACTIONS = ['SUBMIT', 'ASSESS', 'START_INSPECTION', 'RELEASE', 'REJECT', 'COMPLETE', 'AMEND', 'CANCEL'] as const;
export type DeclarationAction = (typeof ACTIONS)[number];

/** Who performs an action: a role, or Cordon itself (assessment, automatic release of GREEN). */
export type Actor = Role | 'system';

export const TERMINAL_STATES: readonly DeclarationState[] = ['REJECTED', 'COMPLETED', 'CANCELLED'];

interface Rule {
  from: readonly (DeclarationState | null)[];
  to: DeclarationState;
  actors: readonly Actor[];
  /** Extra condition, with the reason shown when it fails. */
  guard?: (lane: Lane | null, from: DeclarationState | null, actor: Actor) => string | null;
  reasonRequired: boolean;
}

const OFFICERS: readonly Actor[] = ['customs_officer', 'admin'];

export const RULES: Record<DeclarationAction, Rule> = {
  SUBMIT: { from: [null], to: 'SUBMITTED', actors: ['enterprise_user', 'admin'], reasonRequired: false },
  ASSESS: { from: ['SUBMITTED'], to: 'ASSESSED', actors: ['system'], reasonRequired: false },
  START_INSPECTION: { from: ['ASSESSED'], to: 'UNDER_INSPECTION', actors: OFFICERS, reasonRequired: false },
  RELEASE: {
    from: ['ASSESSED', 'UNDER_INSPECTION'],
    to: 'RELEASED',
    actors: [...OFFICERS, 'system'],
    guard: (lane, from, actor) => {
      if (from === 'ASSESSED' && lane === 'RED') return 'a RED-lane declaration must be inspected before release';
      // Under inspection, Cordon releases only what an officer cleared there and duties held back.
      if (actor === 'system' && from === 'ASSESSED' && lane !== 'GREEN') return 'only GREEN-lane declarations are released without an inspection';
      return null;
    },
    reasonRequired: false,
  },
  REJECT: { from: ['ASSESSED', 'UNDER_INSPECTION'], to: 'REJECTED', actors: OFFICERS, reasonRequired: true },
  // Goods have passed the gate (confirmed by an officer, the zone operator, or later the gate itself).
  COMPLETE: { from: ['RELEASED'], to: 'COMPLETED', actors: [...OFFICERS, 'zone_operator', 'system'], reasonRequired: false },
  // An amendment goes back to SUBMITTED and is assessed again; not once inspection has begun.
  AMEND: { from: ['SUBMITTED', 'ASSESSED'], to: 'SUBMITTED', actors: ['enterprise_user', ...OFFICERS], reasonRequired: true },
  CANCEL: {
    from: ['SUBMITTED', 'ASSESSED', 'RELEASED'],
    to: 'CANCELLED',
    actors: ['enterprise_user', ...OFFICERS],
    // Released goods may leave at any moment: only customs can invalidate a release.
    guard: (_lane, from, actor) =>
      from === 'RELEASED' && actor === 'enterprise_user' ? 'a released declaration can be cancelled only by customs' : null,
    reasonRequired: true,
  },
};

/** Returns the state after `action`, or throws INVALID_TRANSITION / FORBIDDEN with the reason. */
export function transition(
  from: DeclarationState | null,
  action: DeclarationAction,
  lane: Lane | null,
  actor: Actor,
  reason: string | null,
): DeclarationState {
  const rule = RULES[action];
  if (!rule.actors.includes(actor)) {
    throw new AppError('FORBIDDEN', `The ${actor} role may not ${action.toLowerCase().replace('_', ' ')} a declaration`);
  }
  if (!rule.from.includes(from)) {
    throw new AppError('INVALID_TRANSITION', `Cannot ${action} a declaration in state ${from ?? 'none'}`, [
      { path: '/action', message: `allowed from ${rule.from.map((s) => s ?? 'none').join(', ')}` },
    ]);
  }
  const refusal = rule.guard?.(lane, from, actor);
  if (refusal) throw new AppError('INVALID_TRANSITION', `Cannot ${action}: ${refusal}`, [{ path: '/action', message: refusal }]);
  if (rule.reasonRequired && !reason?.trim()) {
    throw new AppError('VALIDATION_FAILED', `A reason is required to ${action}`, [{ path: '/reason', message: 'is required' }]);
  }
  return rule.to;
}

/** The actions `actor` could take now: the console shows these as buttons. */
export function allowedActions(state: DeclarationState, lane: Lane | null, actor: Actor): DeclarationAction[] {
  return ACTIONS.filter((action) => {
    const rule = RULES[action];
    return rule.actors.includes(actor) && rule.from.includes(state) && !rule.guard?.(lane, state, actor) && action !== 'ASSESS';
  });
}
