import type { Role } from './enums.js';

/** 登记 → 受理/不予受理 → 分流 → 办理 → 办结 → 回访 → 归档, plus 升级 (docs/ARCHITECTURE.md, “How a case flows”). */
export const CASE_STATUSES = [
  'registered',
  'accepted',
  'rejected',
  'dispatched',
  'in_progress',
  'suspended',
  'concluded',
  'followed_up',
  'escalated',
  'archived',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Still open: not concluded, followed up, refused, escalated or archived (the command centre's "在办"). */
export const OPEN_STATUSES = ['registered', 'accepted', 'dispatched', 'in_progress', 'suspended'] as const satisfies readonly CaseStatus[];
/** Closed for a resident or another system (Open311's "closed"): refused, concluded, followed up or archived. */
export const CLOSED_STATUSES: readonly CaseStatus[] = ['rejected', 'concluded', 'followed_up', 'archived'];
/** Finished with: refused, followed up or archived (a concluded case still awaits its follow-up, 回访). */
export const FINISHED_STATUSES: readonly CaseStatus[] = ['rejected', 'followed_up', 'archived'];

export const CASE_ACTIONS = [
  'accept',
  'reject',
  'dispatch',
  'start',
  'note',
  'conclude',
  'follow_up',
  'archive',
  'return',
  'reopen',
  'escalate',
  'suspend',
  'resume',
  'request_extension',
  'decide_extension',
  'urge',
  'answer_urge',
  'resolve_on_spot',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/**
 * Whose jurisdiction an action needs:
 * - `centre`: the case's place lies in the actor's unit subtree (the centre that owns the procedure);
 * - `lead`: the case is dispatched to the actor's unit (or a unit under it) as lead unit 主办;
 * - `assigned`: as `lead`, or as a co-unit 协办, or `centre`.
 */
export type ActionScope = 'centre' | 'lead' | 'assigned';

export interface Transition {
  from: readonly CaseStatus[];
  /** `null`: the status does not change (a note). */
  to: CaseStatus | null;
  roles: readonly Role[];
  scope: ActionScope;
}

const HANDLERS = ['mediator', 'unit_handler', 'grid_worker', 'counsellor'] as const;
const ACTIVE = ['dispatched', 'in_progress'] as const;
const HANDLING = ['dispatched', 'in_progress', 'suspended'] as const;
/** Everything before the case is settled can be urged (应受理未受理 and 应办理未办理 alike). */
const URGEABLE = ['registered', 'accepted', 'dispatched', 'in_progress', 'suspended', 'concluded'] as const;

/**
 * The one table of allowed case transitions. The server refuses anything not in it
 * (`CASE_TRANSITION_NOT_ALLOWED` / `CASE_ACTION_FORBIDDEN`); the UI shows only the actions it allows.
 * 2024 national policy: the centre pushes the procedure (accept, dispatch, follow-up, archive), the department
 * solves the substance (start, conclude) — hence the split of roles.
 */
export const CASE_TRANSITIONS: Readonly<Record<CaseAction, Transition>> = {
  accept: { from: ['registered'], to: 'accepted', roles: ['reception', 'dispatcher', 'admin'], scope: 'centre' },
  reject: { from: ['registered'], to: 'rejected', roles: ['reception', 'dispatcher', 'admin'], scope: 'centre' },
  dispatch: { from: ['accepted'], to: 'dispatched', roles: ['dispatcher', 'admin'], scope: 'centre' },
  start: { from: ['dispatched'], to: 'in_progress', roles: HANDLERS, scope: 'lead' },
  note: { from: ACTIVE, to: null, roles: [...HANDLERS, 'dispatcher', 'admin'], scope: 'assigned' },
  conclude: { from: ['in_progress'], to: 'concluded', roles: HANDLERS, scope: 'lead' },
  // 回访 is the centre's job; 不满意 is followed by a `reopen` in the same transaction.
  follow_up: { from: ['concluded'], to: 'followed_up', roles: ['reception', 'dispatcher', 'admin'], scope: 'centre' },
  archive: { from: ['followed_up', 'rejected', 'escalated'], to: 'archived', roles: ['dispatcher', 'admin'], scope: 'centre' },
  // 退回: the handling unit says the matter is not its business; it goes back to the dispatcher.
  return: { from: ACTIVE, to: 'accepted', roles: HANDLERS, scope: 'lead' },
  reopen: { from: ['concluded', 'followed_up'], to: 'in_progress', roles: ['dispatcher', 'admin'], scope: 'centre' },
  // 升级: 矛盾不上交 is the goal, but what the district cannot settle goes up with a reason.
  escalate: {
    from: ['registered', 'accepted', 'dispatched', 'in_progress', 'suspended'],
    to: 'escalated',
    roles: ['dispatcher', 'admin'],
    scope: 'centre',
  },
  // 中止: waiting for something outside the handler's hands (the resident's materials, an appraisal); the clocks
  // stop and the paused working days are added back on resume.
  suspend: { from: ['in_progress'], to: 'suspended', roles: HANDLERS, scope: 'lead' },
  resume: { from: ['suspended'], to: 'in_progress', roles: [...HANDLERS, 'dispatcher', 'admin'], scope: 'assigned' },
  // 延期 (信访工作条例 Art.34): the handler asks; the unit head (or a district leader) decides — checked in the use case.
  request_extension: { from: HANDLING, to: null, roles: HANDLERS, scope: 'lead' },
  decide_extension: { from: HANDLING, to: null, roles: [...HANDLERS, 'leader', 'admin'], scope: 'assigned' },
  // 督办: the centre urges with a reply-by date; whoever holds the case answers.
  urge: { from: URGEABLE, to: null, roles: ['dispatcher', 'leader', 'admin'], scope: 'centre' },
  answer_urge: { from: URGEABLE, to: null, roles: [...HANDLERS, 'reception', 'dispatcher'], scope: 'assigned' },
  // 就地化解: a grid worker settles a simple task on the spot (a note, usually a photo) — concluded in one step,
  // then followed up by the centre like any other.
  resolve_on_spot: { from: ['dispatched', 'in_progress'], to: 'concluded', roles: ['grid_worker'], scope: 'lead' },
};

/** The status after `action` from `status`, or `undefined` when the table does not allow it. */
export function nextStatus(status: CaseStatus, action: CaseAction): CaseStatus | undefined {
  const t = CASE_TRANSITIONS[action];
  if (!t.from.includes(status)) return undefined;
  return t.to ?? status;
}
