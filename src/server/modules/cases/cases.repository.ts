import { figureCondition } from '../stats/case-stats.js';
import { and, count, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { CaseSummary, ListCasesQuery } from '../../../shared/schemas/cases.js';
import { type Db, type Tx } from '../../db/client.js';
import { caseSearch, cases, units, users } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import type { CaseRow } from '../case-access/case-row.js';
import { findUnitsByIds } from '../units/units.repository.js';
import { visibleCasesCondition } from '../case-access/cases.policy.js';
import { addDays, shanghaiDate, startOfShanghaiDate, type WorkCalendar } from '../../../shared/calendar.js';
import { loadClocks, overdueCondition, type ClockRow } from '../deadlines/case-clocks.js';
import { summaryOf } from '../case-access/case-detail.js';
import { failureCondition } from '../deadlines/three-failures.js';
import { caseSearchCondition, searchSnippet } from '../search/case-search.js';

export type { CaseRow } from '../case-access/case-row.js';

const unitRef = (u: { id: string; code: string; name: string } | undefined) => (u ? { id: u.id, code: u.code, name: u.name } : null);

/** Builds the summaries of many case rows with three extra queries (units, handlers, clocks), not one per row. */
async function presentSummaries(
  db: Db | Tx,
  calendar: WorkCalendar,
  districtCode: string,
  rows: CaseRow[],
  /** The cases' clocks when the caller has them already. */
  knownClocks?: ClockRow[],
): Promise<CaseSummary[]> {
  const unitIds = new Set<string>();
  const handlerIds = new Set<string>();
  for (const r of rows) {
    unitIds.add(r.unitId);
    if (r.leadUnitId) unitIds.add(r.leadUnitId);
    if (r.handlerId) handlerIds.add(r.handlerId);
  }
  const unitMap = new Map((await findUnitsByIds(db, districtCode, [...unitIds])).map((u) => [u.id, u]));
  const handlerRows = handlerIds.size
    ? await db
        .select({ id: users.id, name: users.displayName })
        .from(users)
        .where(and(eq(users.districtCode, districtCode), inArray(users.id, [...handlerIds])))
    : [];
  const handlerMap = new Map(handlerRows.map((h) => [h.id, h]));
  const clocksByCase = new Map<string, ClockRow[]>();
  const running =
    knownClocks?.filter((c) => !c.stoppedAt) ??
    (await loadClocks(
      db,
      districtCode,
      rows.map((r) => r.id),
      { runningOnly: true },
    ));
  for (const c of running) {
    clocksByCase.set(c.caseId, [...(clocksByCase.get(c.caseId) ?? []), c]);
  }
  return rows.map((r) =>
    summaryOf(calendar, r, {
      unit: unitRef(unitMap.get(r.unitId)),
      leadUnit: r.leadUnitId ? unitRef(unitMap.get(r.leadUnitId)) : null,
      handler: r.handlerId ? (handlerMap.get(r.handlerId) ?? null) : null,
      clocks: clocksByCase.get(r.id) ?? [],
    }),
  );
}

export const COUNT_CAP = 10_000;

/** One page of the cases the actor may see, newest first, with the filters of the case list. */
export async function listCases(
  db: Db,
  crypto: PersonalDataCrypto,
  calendar: WorkCalendar,
  actor: Actor,
  q: ListCasesQuery,
  /** An export reads up to `limit` rows from the first, instead of one page. */
  opts: { limit?: number } = {},
) {
  const limit = opts.limit ?? q.pageSize;
  const offset = opts.limit ? 0 : (q.page - 1) * q.pageSize;
  const d = actor.districtCode;
  const where: SQL[] = [eq(cases.districtCode, d), visibleCasesCondition(actor)];
  if (q.status) where.push(inArray(cases.status, q.status));
  if (q.kind) where.push(inArray(cases.kind, q.kind));
  if (q.channel) where.push(inArray(cases.channel, q.channel));
  if (q.category) where.push(inArray(cases.category, q.category));
  if (q.handlerId) where.push(eq(cases.handlerId, q.handlerId));
  if (q.deadline === 'overdue') where.push(overdueCondition(d, shanghaiDate(new Date())));
  if (q.failure) where.push(failureCondition(q.failure, shanghaiDate(new Date())));
  if (q.holderUnitId) where.push(sql`coalesce(${cases.leadUnitId}, ${cases.unitId}) = ${q.holderUnitId}::uuid`);
  if (q.mine === 'true') {
    where.push(
      or(eq(cases.handlerId, actor.id), eq(cases.leadUnitId, actor.unitId), sql`${actor.unitId}::uuid = any(${cases.coUnitIds})`)!,
    );
  }
  if (q.unitId) {
    const [u] = await db
      .select({ path: units.path })
      .from(units)
      .where(and(eq(units.districtCode, d), eq(units.id, q.unitId)));
    const prefix = `${u?.path ?? '/nowhere/'}%`;
    where.push(sql`(${cases.unitPath} like ${prefix} or ${cases.leadUnitPath} like ${prefix})`);
  }
  if (q.placeUnitId) {
    const [u] = await db
      .select({ path: units.path })
      .from(units)
      .where(and(eq(units.districtCode, d), eq(units.id, q.placeUnitId)));
    where.push(sql`${cases.unitPath} like ${`${u?.path ?? '/nowhere/'}%`}`);
  }
  if (q.figure) {
    // A cockpit drill-down: the period is the figure's own (received, concluded, followed up…), given or this year.
    const today = shanghaiDate(new Date());
    where.push(figureCondition(d, q.figure, q.from ?? `${today.slice(0, 4)}-01-01`, q.to ?? today, today));
  } else {
    if (q.from) where.push(gte(cases.createdAt, startOfShanghaiDate(q.from)));
    if (q.to) where.push(lt(cases.createdAt, startOfShanghaiDate(addDays(q.to, 1))));
  }
  const search = q.q ? caseSearchCondition(crypto, actor, q.q) : undefined;
  if (search?.where) where.push(search.where);
  const condition = and(...where);
  let rows: CaseRow[];
  let total: number;
  if (search?.match) {
    // Words: read the matches from the full-text index, rank them there, then load one page. A district-level user
    // with no other filter sees every case, so the index alone answers (no join to every matching case).
    const onlyIndex = where.length === 2 && actor.unitPath.split('/').filter(Boolean).length === 1;
    const matches = onlyIndex ? and(eq(caseSearch.districtCode, d), search.match) : and(condition, search.match);
    const base = () =>
      onlyIndex
        ? db.select({ id: caseSearch.caseId }).from(caseSearch)
        : db
            .select({ id: cases.id })
            .from(caseSearch)
            .innerJoin(cases, and(eq(cases.districtCode, caseSearch.districtCode), eq(cases.id, caseSearch.caseId)));
    const ranked = onlyIndex
      ? db.select({ id: caseSearch.caseId }).from(caseSearch).where(matches).orderBy(desc(search.rank), desc(caseSearch.caseId))
      : db
          .select({ id: cases.id })
          .from(caseSearch)
          .innerJoin(cases, and(eq(cases.districtCode, caseSearch.districtCode), eq(cases.id, caseSearch.caseId)))
          .where(matches)
          .orderBy(desc(search.rank), desc(cases.createdAt), desc(cases.id));
    const [page, [{ n } = { n: 0 }]] = await Promise.all([
      ranked.limit(limit).offset(offset),
      db.select({ n: count() }).from(
        base()
          .where(matches)
          .limit(COUNT_CAP + 1)
          .as('capped'),
      ),
    ]);
    const ids = page.map((r) => r.id);
    const loaded = ids.length
      ? await db
          .select()
          .from(cases)
          .where(and(eq(cases.districtCode, d), inArray(cases.id, ids)))
      : [];
    rows = ids.map((id) => loaded.find((r) => r.id === id)!);
    total = n;
  } else {
    const [found, [{ n } = { n: 0 }]] = await Promise.all([
      db.select().from(cases).where(condition).orderBy(desc(cases.createdAt), desc(cases.id)).limit(limit).offset(offset),
      // Counting stops at COUNT_CAP: an exact count of a hundred thousand matches costs a full scan per page view
      // and tells a person nothing more than "10,000+".
      db.select({ n: count() }).from(
        db
          .select({ one: sql`1` })
          .from(cases)
          .where(condition)
          .limit(COUNT_CAP + 1)
          .as('capped'),
      ),
    ]);
    rows = found;
    total = n;
  }
  return {
    items: (await presentSummaries(db, calendar, d, rows)).map((item, i) =>
      q.q && search?.match ? { ...item, snippet: searchSnippet(rows[i]!, q.q) } : item,
    ),
    total: Math.min(total, COUNT_CAP),
    isTotalCapped: total > COUNT_CAP,
    page: q.page,
    pageSize: q.pageSize,
  };
}
