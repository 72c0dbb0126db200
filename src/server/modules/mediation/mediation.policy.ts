import type { Actor } from '../../plugins/auth.js';
import { canMediate, type CaseScope } from '../case-access/cases.policy.js';

/**
 * Who may do what in a case's mediation sessions beyond the case policy (`case-access/cases.policy.ts`).
 */

/**
 * Inviting an interpreter (翻译) or a lawyer/agent (律师/代理人) to an online session is the session's mediator's call
 * (人民调解法 第二十条: the mediator may invite others to take part): whoever mediates the case — the same rule that
 * opens and ends the video room — and nobody else, not even those who may see the case.
 */
export function canInviteToOnlineSession(actor: Actor, c: Pick<CaseScope, 'leadUnitPath'>): boolean {
  return canMediate(actor, c);
}
