import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import { ACTIONS, STATES, allowedActions, transition, type Actor, type DeclarationAction, type DeclarationState } from './lifecycle.ts';
import type { Lane } from './selectivity.schema.ts';

const ACTORS: Actor[] = ['system', 'admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator', 'enterprise_user'];
const LANE_OPTIONS: Array<Lane | null> = [null, 'GREEN', 'YELLOW', 'RED'];
const OFFICERS: Actor[] = ['customs_officer', 'admin'];

/** The lifecycle as specified, written out independently of the implementation's table. */
const LEGAL: Array<{ from: DeclarationState | null; action: DeclarationAction; to: DeclarationState; actors: Actor[]; lanes?: Array<Lane | null> }> = [
  { from: null, action: 'SUBMIT', to: 'SUBMITTED', actors: ['enterprise_user', 'admin'] },
  { from: 'SUBMITTED', action: 'ASSESS', to: 'ASSESSED', actors: ['system'] },
  { from: 'ASSESSED', action: 'START_INSPECTION', to: 'UNDER_INSPECTION', actors: OFFICERS },
  { from: 'ASSESSED', action: 'RELEASE', to: 'RELEASED', actors: OFFICERS, lanes: [null, 'GREEN', 'YELLOW'] },
  { from: 'ASSESSED', action: 'RELEASE', to: 'RELEASED', actors: ['system'], lanes: ['GREEN'] },
  { from: 'UNDER_INSPECTION', action: 'RELEASE', to: 'RELEASED', actors: OFFICERS },
  // Cleared at inspection, held for duties: Cordon releases once they are paid.
  { from: 'UNDER_INSPECTION', action: 'RELEASE', to: 'RELEASED', actors: ['system'] },
  { from: 'ASSESSED', action: 'REJECT', to: 'REJECTED', actors: OFFICERS },
  { from: 'UNDER_INSPECTION', action: 'REJECT', to: 'REJECTED', actors: OFFICERS },
  { from: 'RELEASED', action: 'COMPLETE', to: 'COMPLETED', actors: [...OFFICERS, 'zone_operator', 'system'] },
  { from: 'SUBMITTED', action: 'AMEND', to: 'SUBMITTED', actors: ['enterprise_user', ...OFFICERS] },
  { from: 'ASSESSED', action: 'AMEND', to: 'SUBMITTED', actors: ['enterprise_user', ...OFFICERS] },
  { from: 'SUBMITTED', action: 'CANCEL', to: 'CANCELLED', actors: ['enterprise_user', ...OFFICERS] },
  { from: 'ASSESSED', action: 'CANCEL', to: 'CANCELLED', actors: ['enterprise_user', ...OFFICERS] },
  { from: 'RELEASED', action: 'CANCEL', to: 'CANCELLED', actors: OFFICERS },
];

function expected(from: DeclarationState | null, action: DeclarationAction, lane: Lane | null, actor: Actor): DeclarationState | null {
  const rule = LEGAL.find((r) => r.from === from && r.action === action && r.actors.includes(actor) && (!r.lanes || r.lanes.includes(lane)));
  return rule?.to ?? null;
}

describe('declaration lifecycle', () => {
  const combos: Array<[DeclarationState | null, DeclarationAction, Lane | null, Actor]> = [];
  for (const from of [null, ...STATES]) for (const action of ACTIONS) for (const lane of LANE_OPTIONS) for (const actor of ACTORS) combos.push([from, action, lane, actor]);

  it(`allows exactly the specified transitions among all ${combos.length} combinations`, () => {
    let legal = 0;
    for (const [from, action, lane, actor] of combos) {
      const want = expected(from, action, lane, actor);
      const call = () => transition(from, action, lane, actor, 'a reason');
      if (want) {
        legal += 1;
        expect(call(), `${String(from)} --${action}/${String(lane)}/${actor}-->`).toBe(want);
      } else {
        expect(call, `${String(from)} --${action}/${String(lane)}/${actor}--> must be refused`).toThrow(AppError);
      }
    }
    expect(legal).toBeGreaterThan(50);
  });

  it('refuses with INVALID_TRANSITION for a wrong state and FORBIDDEN for a wrong role', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as AppError).code;
      }
      return null;
    };
    expect(code(() => transition('COMPLETED', 'RELEASE', 'GREEN', 'customs_officer', null))).toBe('INVALID_TRANSITION');
    expect(code(() => transition('ASSESSED', 'RELEASE', 'RED', 'customs_officer', null))).toBe('INVALID_TRANSITION');
    expect(code(() => transition('ASSESSED', 'RELEASE', 'GREEN', 'auditor', null))).toBe('FORBIDDEN');
    expect(code(() => transition('RELEASED', 'CANCEL', 'GREEN', 'enterprise_user', 'no longer needed'))).toBe('INVALID_TRANSITION');
  });

  it('requires a reason to reject, amend and cancel', () => {
    expect(() => transition('ASSESSED', 'REJECT', 'RED', 'customs_officer', null)).toThrow(/reason/);
    expect(() => transition('ASSESSED', 'AMEND', 'RED', 'enterprise_user', '  ')).toThrow(/reason/);
    expect(() => transition('ASSESSED', 'CANCEL', 'RED', 'enterprise_user', null)).toThrow(/reason/);
    expect(transition('ASSESSED', 'START_INSPECTION', 'RED', 'customs_officer', null)).toBe('UNDER_INSPECTION');
  });

  it('offers each actor only the actions it may take now', () => {
    expect(allowedActions('ASSESSED', 'RED', 'customs_officer').sort()).toEqual(['AMEND', 'CANCEL', 'REJECT', 'START_INSPECTION']);
    expect(allowedActions('ASSESSED', 'YELLOW', 'enterprise_user').sort()).toEqual(['AMEND', 'CANCEL']);
    expect(allowedActions('RELEASED', 'GREEN', 'zone_operator')).toEqual(['COMPLETE']);
    expect(allowedActions('ASSESSED', 'GREEN', 'auditor')).toEqual([]);
    for (const state of ['REJECTED', 'COMPLETED', 'CANCELLED'] as const) {
      for (const actor of ACTORS) expect(allowedActions(state, 'GREEN', actor)).toEqual([]);
    }
  });
});
