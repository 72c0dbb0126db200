import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { caseUrges, cases } from '../../db/schema.js';
import { userNames } from '../../lib/user-names.js';
import type { Actor } from '../../plugins/auth.js';
import { presentUrge } from '../case-access/case-detail.js';
import { visibleCasesCondition } from '../case-access/cases.policy.js';

/**
 * "My urges", newest first (ties by id, so pages neither repeat nor skip an urge): those on cases the actor sees, waiting for an answer (`received`), or those the actor
 * issued (`issued`); open ones only unless `status` is `all`.
 */
export async function listUrges(opts: {
  db: Db;
  actor: Actor;
  box: 'received' | 'issued';
  status: 'open' | 'all';
  page: number;
  pageSize: number;
}) {
  const { db, actor, page, pageSize } = opts;
  const where: SQL[] = [eq(caseUrges.districtCode, actor.districtCode)];
  if (opts.box === 'issued') where.push(eq(caseUrges.urgedBy, actor.id));
  else where.push(visibleCasesCondition(actor));
  if (opts.status === 'open') where.push(isNull(caseUrges.answeredAt));
  const condition = and(...where);
  const join = and(eq(cases.districtCode, caseUrges.districtCode), eq(cases.id, caseUrges.caseId));
  const [rows, [{ total } = { total: 0 }]] = await Promise.all([
    db
      .select({ urge: caseUrges, code: cases.code, summary: cases.summary })
      .from(caseUrges)
      .innerJoin(cases, join)
      .where(condition)
      .orderBy(desc(caseUrges.urgedAt), desc(caseUrges.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(caseUrges)
      .innerJoin(cases, join)
      .where(condition),
  ]);
  const names = await userNames(
    db,
    actor.districtCode,
    rows.map((r) => r.urge.urgedBy),
  );
  return {
    items: rows.map((r) => ({ ...presentUrge(r.urge, names), caseCode: r.code, caseSummary: r.summary })),
    total,
    page,
    pageSize,
  };
}
