import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';

/**
 * Who may see what of a counselling service (精神卫生法 Art.4, 个人信息保护法 Art.28: health data is sensitive).
 * Counsellors work the services; a counselling supervisor is a counsellor who heads their unit. Session notes are
 * readable by their author and a supervisor only — not by the case's mediator, an admin or a leader.
 */
export const isCounsellor = (actor: Actor) => actor.role === 'counsellor';
export const isSupervisor = (actor: Pick<Actor, 'role' | 'isUnitHead'>) => actor.role === 'counsellor' && actor.isUnitHead;

/** Rooms, scales and the duty roster are set by a counselling supervisor or an administrator. */
export const canSuperviseCounselling = (actor: Pick<Actor, 'role' | 'isUnitHead'>) => actor.role === 'admin' || isSupervisor(actor);

export function canReadNotes(actor: Actor, session: { counsellorId: string }): boolean {
  return isCounsellor(actor) && (session.counsellorId === actor.id || isSupervisor(actor));
}

/** Everything but the existence and status of a service is for counsellors; others are told it does not exist. */
export function requireCounsellor(actor: Actor): void {
  if (!isCounsellor(actor)) throw new AppError('COUNSELLING_NOT_FOUND');
}
