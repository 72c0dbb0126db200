import { and, asc, eq, inArray } from 'drizzle-orm';
import { shanghaiDate } from '../../../shared/calendar.js';
import type { CaseAction } from '../../../shared/case-lifecycle.js';
import type { Urge } from '../../../shared/schemas/cases.js';
import type { Db, Tx } from '../../db/client.js';
import { caseExtensions, caseUrges, users, type cases } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import type { ClockRow } from './case-clocks.js';
import { canDecideExtension } from '../case-access/extend-deadline.js';

type UrgeRow = typeof caseUrges.$inferSelect;

/** An urge as the API shows it, with the urging person's name. */
export function presentUrge(u: UrgeRow, names: Map<string, string>, today = shanghaiDate(new Date())): Urge {
  const answeredOn = u.answeredAt ? shanghaiDate(u.answeredAt) : null;
  return {
    id: u.id,
    caseId: u.caseId,
    note: u.note,
    replyBy: u.replyBy,
    urgedAt: u.urgedAt.toISOString(),
    urgedBy: u.urgedBy ? (names.get(u.urgedBy) ?? null) : null,
    isAutomatic: u.isAutomatic === 1,
    answer: u.answer,
    answeredAt: u.answeredAt?.toISOString() ?? null,
    isLate: answeredOn ? answeredOn > u.replyBy : today > u.replyBy,
  };
}

export async function userNames(db: Db | Tx, districtCode: string, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map<string, string>();
  const rows = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(and(eq(users.districtCode, districtCode), inArray(users.id, wanted)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Extensions and urges of one case, for its detail page. */
export async function loadSupervision(db: Db | Tx, districtCode: string, caseId: string) {
  const [extensions, urges] = await Promise.all([
    db.select().from(caseExtensions).where(and(eq(caseExtensions.districtCode, districtCode), eq(caseExtensions.caseId, caseId))).orderBy(asc(caseExtensions.requestedAt)),
    db.select().from(caseUrges).where(and(eq(caseUrges.districtCode, districtCode), eq(caseUrges.caseId, caseId))).orderBy(asc(caseUrges.urgedAt)),
  ]);
  return presentSupervision(extensions, urges, await userNames(db, districtCode, urges.map((u) => u.urgedBy)));
}

/** Extensions and urges as the detail page shows them (`names`: who urged). */
export function presentSupervision(extensions: (typeof caseExtensions.$inferSelect)[], urges: UrgeRow[], names: Map<string, string>) {
  return {
    extensions: extensions.map((e) => ({
      id: e.id,
      days: e.days,
      reason: e.reason,
      status: e.status,
      requestedAt: e.requestedAt.toISOString(),
      decidedAt: e.decidedAt?.toISOString() ?? null,
      decisionNote: e.decisionNote,
      residentNotice: e.residentNotice,
    })),
    urges: urges.map((u) => presentUrge(u, names)),
  };
}

/**
 * The transition table allows extension and urge steps by status and role; whether there is anything to decide or
 * answer depends on the case's records, checked here so the UI offers only what can succeed.
 */
export function refineAllowedActions(
  actions: CaseAction[],
  ctx: { actor: Actor; row: Pick<typeof cases.$inferSelect, 'leadUnitId'>; clocks: ClockRow[]; hasPendingExtension: boolean; hasOpenUrge: boolean },
): CaseAction[] {
  const handling = ctx.clocks.find((c) => c.stage === 'handling' && !c.stoppedAt);
  const canExtend = !!handling && handling.maxExtensionDays !== null && handling.extendedDays < handling.maxExtensionDays;
  return actions.filter((a) => {
    if (a === 'request_extension') return canExtend && !ctx.hasPendingExtension;
    if (a === 'decide_extension') return ctx.hasPendingExtension && canDecideExtension(ctx.actor, ctx.row);
    if (a === 'answer_urge') return ctx.hasOpenUrge;
    return true;
  });
}
