import { sql, type SQL } from 'drizzle-orm';
import { CASE_ACTIONS, CASE_TRANSITIONS, type CaseAction, type CaseStatus } from '../../../shared/case-lifecycle.js';
import { cases } from '../../db/schema.js';
import type { Role } from '../../../shared/enums.js';
import type { PetitionStage } from '../../../shared/schemas/agreements.js';
import type { Actor } from '../../plugins/auth.js';

/** The parts of a case that decide who may see and act on it. */
export interface CaseScope {
  status: CaseStatus;
  unitPath: string;
  leadUnitPath: string | null;
  coUnitIds: readonly string[];
}

const isCentre = (actor: Actor, c: CaseScope) => c.unitPath.startsWith(actor.unitPath);
const isLead = (actor: Actor, c: CaseScope) => !!c.leadUnitPath && c.leadUnitPath.startsWith(actor.unitPath);
const isCoUnit = (actor: Actor, c: CaseScope) => c.coUnitIds.includes(actor.unitId);

/** A user sees the cases of their own unit's subtree and those dispatched to their unit (lead or co-unit). */
export function canSeeCase(actor: Actor, c: CaseScope): boolean {
  return isCentre(actor, c) || isLead(actor, c) || isCoUnit(actor, c);
}

/** Whether the actor's unit is the district's root (the centre itself): its subtree holds every case of the district. */
export function seesWholeDistrict(actor: Pick<Actor, 'unitPath'>): boolean {
  return actor.unitPath.split('/').filter(Boolean).length === 1;
}

/**
 * The same rule as `canSeeCase`, as a SQL condition for lists. For the district's own centre every case is in its
 * subtree, so the condition is plainly true: left out, the planner can use the filters' own indexes.
 */
export function visibleCasesCondition(actor: Actor): SQL {
  if (seesWholeDistrict(actor)) return sql`true`;
  const prefix = `${actor.unitPath}%`;
  // `@>` (not `= any`) so that the co-units' GIN index (cases_co_units_idx) can serve it beside the two path indexes.
  return sql`(${cases.unitPath} like ${prefix} or ${cases.leadUnitPath} like ${prefix} or ${cases.coUnitIds} @> array[${actor.unitId}::uuid])`;
}

/** Whether `actor` may do `action` on the case now: status (transition table), role, and jurisdiction scope. */
export function canActOnCase(actor: Actor, action: CaseAction, c: CaseScope): { ok: true } | { ok: false; why: 'status' | 'role' } {
  const t = CASE_TRANSITIONS[action];
  if (!t.roles.includes(actor.role)) return { ok: false, why: 'role' };
  const inScope = t.scope === 'centre' ? isCentre(actor, c) : t.scope === 'lead' ? isLead(actor, c) : canSeeCase(actor, c);
  if (!inScope) return { ok: false, why: 'role' };
  if (!t.from.includes(c.status)) return { ok: false, why: 'status' };
  return { ok: true };
}

/** The actions the UI should offer this actor on this case. */
export function allowedActions(actor: Actor, c: CaseScope): CaseAction[] {
  return CASE_ACTIONS.filter((a) => canActOnCase(actor, a, c).ok);
}

/** Who may decide an extension: a district leader or administrator, or the head (负责人) of the lead unit. */
export function canDecideExtension(actor: Actor, row: { leadUnitId: string | null }): boolean {
  return actor.role === 'leader' || actor.role === 'admin' || (actor.isUnitHead && actor.unitId === row.leadUnitId);
}

/**
 * The actions to offer on the case page: the transition table's answer (`allowedActions`), less the extension and
 * urge steps there is nothing to do for — no handling clock left to extend (its legal maximum reached, 信访工作条例
 * 第三十四条), no pending extension to decide (or not this actor's to decide), no open urge to answer.
 */
export function caseActionsFor(
  actor: Actor,
  c: CaseScope & { leadUnitId: string | null },
  facts: {
    clocks: readonly { stage: string; stoppedAt: Date | null; maxExtensionDays: number | null; extendedDays: number }[];
    hasPendingExtension: boolean;
    hasOpenUrge: boolean;
  },
): CaseAction[] {
  const handling = facts.clocks.find((k) => k.stage === 'handling' && !k.stoppedAt);
  const canExtend = !!handling && handling.maxExtensionDays !== null && handling.extendedDays < handling.maxExtensionDays;
  return allowedActions(actor, c).filter((a) => {
    if (a === 'request_extension') return canExtend && !facts.hasPendingExtension;
    if (a === 'decide_extension') return facts.hasPendingExtension && canDecideExtension(actor, c);
    if (a === 'answer_urge') return facts.hasOpenUrge;
    return true;
  });
}

/** The roles that mediate (人民调解员 and the lead unit's handlers). */
const MEDIATING_ROLES: readonly Role[] = ['mediator', 'unit_handler'];

/**
 * 调解: sessions, the record, the agreement and the police referral are the lead unit's mediators' work — a mediator or
 * handler of the lead unit or a unit under it (人民调解法 第二十三条: the parties' mediator).
 */
export function canMediate(actor: Actor, c: Pick<CaseScope, 'leadUnitPath'>): boolean {
  return MEDIATING_ROLES.includes(actor.role) && !!c.leadUnitPath && c.leadUnitPath.startsWith(actor.unitPath);
}

/** Which 信访处理意见书 an actor may issue on a case they see: the reply by the handling side, 复查/复核 by the centre. */
export function petitionReplyStagesFor(actor: Actor, c: { kind: string }): PetitionStage[] {
  if (c.kind !== 'petition') return [];
  const stages: PetitionStage[] = [];
  if ((['mediator', 'unit_handler', 'dispatcher', 'admin'] as Role[]).includes(actor.role)) stages.push('reply');
  if ((['dispatcher', 'admin', 'leader'] as Role[]).includes(actor.role)) stages.push('review', 're_review');
  return stages;
}

/** The statuses in which a case's agreement may be worked on. */
const AGREEMENT_STATUSES: readonly CaseStatus[] = ['in_progress', 'concluded', 'followed_up'];

/** What the case page may offer besides the lifecycle steps (the answers of this policy, so the web compares no roles). */
export function caseAbilitiesFor(actor: Actor, c: CaseScope & { kind: string }) {
  const mediates = canMediate(actor, c);
  return {
    /** Schedule and record sessions, refer to the police: while the case is being handled. */
    mediate: mediates && c.status === 'in_progress',
    /** Draft, finalise and sign the agreement, and record its performance. */
    agreement: mediates && AGREEMENT_STATUSES.includes(c.status),
    petitionReplyStages: petitionReplyStagesFor(actor, c),
  };
}
