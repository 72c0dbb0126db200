import { describe, expect, it } from 'vitest';
import { CASE_ACTIONS, CASE_STATUSES, CASE_TRANSITIONS, nextStatus, type CaseAction, type CaseStatus } from './case-lifecycle.js';

type Step = [from: CaseStatus, action: CaseAction, to: CaseStatus];

describe('the case transition table', () => {
  // Every allowed transition, written out by hand so that a change to the table has to change this list too.
  const allowed: Step[] = [
    ['registered', 'accept', 'accepted'],
    ['registered', 'reject', 'rejected'],
    ['registered', 'escalate', 'escalated'],
    ['accepted', 'dispatch', 'dispatched'],
    ['accepted', 'escalate', 'escalated'],
    ['dispatched', 'start', 'in_progress'],
    ['dispatched', 'note', 'dispatched'],
    ['dispatched', 'return', 'accepted'],
    ['dispatched', 'escalate', 'escalated'],
    ['in_progress', 'note', 'in_progress'],
    ['in_progress', 'conclude', 'concluded'],
    ['in_progress', 'return', 'accepted'],
    ['in_progress', 'escalate', 'escalated'],
    ['in_progress', 'suspend', 'suspended'],
    ['dispatched', 'resolve_on_spot', 'concluded'],
    ['in_progress', 'resolve_on_spot', 'concluded'],
    ['suspended', 'resume', 'in_progress'],
    ['suspended', 'escalate', 'escalated'],
    ...(['dispatched', 'in_progress', 'suspended'] as const).flatMap((s): Step[] => [
      [s, 'request_extension', s],
      [s, 'decide_extension', s],
    ]),
    ...(['registered', 'accepted', 'dispatched', 'in_progress', 'suspended', 'concluded'] as const).flatMap((s): Step[] => [
      [s, 'urge', s],
      [s, 'answer_urge', s],
    ]),
    ['concluded', 'follow_up', 'followed_up'],
    ['concluded', 'reopen', 'in_progress'],
    ['followed_up', 'reopen', 'in_progress'],
    ['followed_up', 'archive', 'archived'],
    ['rejected', 'archive', 'archived'],
    ['escalated', 'archive', 'archived'],
  ];

  it.each(allowed)('allows %s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  it('allows nothing else', () => {
    const listed = new Set(allowed.map(([f, a]) => `${f}:${a}`));
    for (const status of CASE_STATUSES) {
      for (const action of CASE_ACTIONS) {
        if (!listed.has(`${status}:${action}`)) expect(nextStatus(status, action), `${status}:${action}`).toBeUndefined();
      }
    }
  });

  it.each<[CaseStatus, CaseAction]>([
    ['registered', 'dispatch'],
    ['registered', 'conclude'],
    ['accepted', 'conclude'],
    ['dispatched', 'conclude'],
    ['concluded', 'archive'],
    ['archived', 'reopen'],
    ['archived', 'note'],
    ['rejected', 'accept'],
    ['suspended', 'conclude'],
    ['dispatched', 'suspend'],
  ])('refuses %s --%s-->', (from, action) => {
    expect(nextStatus(from, action)).toBeUndefined();
  });

  it('leaves archived as the only state without a way out', () => {
    const dead = CASE_STATUSES.filter((s) => CASE_ACTIONS.every((a) => nextStatus(s, a) === undefined));
    expect(dead).toEqual(['archived']);
  });

  it('keeps the procedure with the centre and the substance with the departments', () => {
    expect(CASE_TRANSITIONS.dispatch.roles).not.toContain('mediator');
    expect(CASE_TRANSITIONS.conclude.roles).not.toContain('dispatcher');
    expect(CASE_TRANSITIONS.conclude.scope).toBe('lead');
    expect(CASE_TRANSITIONS.follow_up.scope).toBe('centre');
  });
});
