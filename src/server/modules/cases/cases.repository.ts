import { figureCondition } from '../stats/case-stats.js';
import { and, desc, eq, getTableName, gte, inArray, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { dbMemo } from '../../lib/db-memo.js';
import { districtMemo } from '../../lib/district-memo.js';
import type { CaseSummary, ListCasesQuery } from '../../../shared/schemas/cases.js';
import { executePreparedShape, planOnceDb, type Db } from '../../db/client.js';
import { attachments, caseSearch, cases, users } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { findVisibleCase, type CaseRow } from '../case-access/case-row.js';
import { findUnitRefsByIdsCached, findUnitSubtreeCached } from '../units/units.repository.js';
import { seesWholeDistrict, visibleCasesCondition } from '../case-access/cases.policy.js';
import { addDays, shanghaiDate, startOfShanghaiDate, type WorkCalendar } from '../../../shared/calendar.js';
import { loadRunningClocksOfPage, overdueCondition, type ClockRow } from '../deadlines/case-clocks.js';
import { summaryOf, type SummaryRow } from '../case-access/case-detail.js';
import { failureCondition } from '../deadlines/three-failures.js';
import { caseSearchCondition, searchSnippet } from '../search/case-search.js';

export type { CaseRow } from '../case-access/case-row.js';

const unitRef = (u: { id: string; code: string; name: string } | undefined) => (u ? { id: u.id, code: u.code, name: u.name } : null);

/**
 * What a list reads of each case: what its summary shows and names (units, handler), 16 of the case's 38 columns —
 * the rest (the narrative, the place, the outcome…) cost PostgreSQL, the driver and drizzle's row mapping on every
 * row of every page for nothing (docs/PERFORMANCE.md reads sixteenth round). A search adds the narrative, for its
 * snippet.
 */
const SUMMARY_COLUMNS = {
  id: cases.id,
  code: cases.code,
  status: cases.status,
  channel: cases.channel,
  kind: cases.kind,
  category: cases.category,
  summary: cases.summary,
  riskLevel: cases.riskLevel,
  difficulty: cases.difficulty,
  peopleInvolved: cases.peopleInvolved,
  version: cases.version,
  createdAt: cases.createdAt,
  updatedAt: cases.updatedAt,
  unitId: cases.unitId,
  leadUnitId: cases.leadUnitId,
  handlerId: cases.handlerId,
};
type ListRow = SummaryRow & Pick<CaseRow, 'unitId' | 'leadUnitId' | 'handlerId'>;

/**
 * Builds the summaries of many case rows with at most three extra queries at once (units unless all are in memory,
 * handlers, clocks), not one per row.
 */
async function presentSummaries(db: Db, calendar: WorkCalendar, districtCode: string, rows: ListRow[]): Promise<CaseSummary[]> {
  const unitIds = new Set<string>();
  const handlerIds = new Set<string>();
  for (const r of rows) {
    unitIds.add(r.unitId);
    if (r.leadUnitId) unitIds.add(r.leadUnitId);
    if (r.handlerId) handlerIds.add(r.handlerId);
  }
  const [unitRows, handlerRows, running] = await Promise.all([
    findUnitRefsByIdsCached(db, districtCode, [...unitIds]),
    handlerIds.size
      ? db
          .select({ id: users.id, name: users.displayName })
          .from(users)
          .where(and(eq(users.districtCode, districtCode), inArray(users.id, [...handlerIds])))
      : [],
    loadRunningClocksOfPage(
      db,
      districtCode,
      rows.map((r) => r.id),
    ),
  ]);
  const unitMap = new Map(unitRows.map((u) => [u.id, u]));
  const handlerMap = new Map(handlerRows.map((h) => [h.id, h]));
  const clocksByCase = new Map<string, ClockRow[]>();
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

/** An export reads at most this many cases. */
export const COUNT_CAP = 10_000;
/** Searched words rank the newest this many matches (more when a page beyond them is asked for). */
export const SEARCH_WINDOW = 100;
/**
 * About how many cases can be searched (the planner's count of the search table, all districts: never fewer than a
 * district's), read at most once a minute: how common words are among all cases, from how common among the newest.
 */
const searchableMemo = districtMemo<number>(60_000);
const searchableCases = (db: Db) =>
  searchableMemo.get(db, '', async () => {
    const { rows } = await db.execute<{ n: number }>(
      sql`select greatest(reltuples, 0)::float8 as n from pg_class where oid = ${getTableName(caseSearch)}::regclass`,
    );
    return Number(rows[0]?.n ?? 0);
  });
/** From this many estimated matches a search's total is the planner's estimate, not a count. */
const BROAD_SEARCH_FROM = 2_000;
/** The periods (days back) a common word's search looks in first, before all cases. */
const BROAD_SEARCH_PERIODS = [30, 180];
/** The district's newest cases whose words a common word's search checks one by one before any period. */
const BROAD_SEARCH_WALK = 5_000;
/** The district's newest cases whose words are checked one by one to count a common search's first thousand matches. */
const BROAD_COUNT_WALK = 40_000;
/** Lists count their matches exactly up to here; beyond, the database's estimate is given and marked as such. */
export const EXACT_COUNT_UP_TO = 1_000;

/**
 * The planner's estimates, by statement text and values, for ESTIMATE_MAX_AGE_MS. A list's count statement is the same
 * for every page of it and for everyone looking at the same filters, and its estimate moves slowly (with ANALYZE,
 * VACUUM and the table's growth): planning it again cost more than any other statement of a list (`EXPLAIN` 0.54 ms of
 * PostgreSQL beside the page read's 0.15, bench:cases `PG_STATS=1`; beside the list's page read, not before it, but on
 * the machine every other request shares — docs/PERFORMANCE.md, reads fifteenth round). Only the estimate is kept:
 * whatever it says, the rules of `countOrEstimate` and the search decide as before, and a count is made anew each time.
 */
const ESTIMATE_MAX_AGE_MS = 30_000;
const estimates = dbMemo<number>({ max: 1_000, ttlMs: ESTIMATE_MAX_AGE_MS });
const dialect = new PgDialect();

/** A statement's text and values, as a key of what is remembered about it. */
function statementKey(query: SQLWrapper): string {
  const built = dialect.sqlToQuery(query.getSQL());
  return `${built.sql}\u0000${JSON.stringify(built.params)}`;
}

/**
 * Searched words the walk over the newest cases found rare (see listCases), remembered for a minute: their next
 * search — the next page of the same search, or the same words again — reads the text index at once, as the walk
 * would have sent it to (the same page and total either way; a wrong verdict would only cost time). Rare words went
 * through the walk and then the index on every page (2.5 + 1.5 ms of PostgreSQL at a million cases, bench:related).
 */
const RARE_WORDS_MAX_AGE_MS = 60_000;
const rareWords = dbMemo<true>({ max: 1_000, ttlMs: RARE_WORDS_MAX_AGE_MS });

/**
 * About how many rows `query` (a `select` of the matches) yields, by the planner's statistics (`EXPLAIN`: no rows
 * read), remembered a little while (above).
 */
function estimateRows(db: Db, query: SQLWrapper): Promise<number> {
  return estimates.get(db, statementKey(query), async () => {
    const { rows: plan } = await db.execute<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(sql`explain (format json) ${query}`);
    return plan[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0;
  });
}

/**
 * How many rows `query` yields: exact when at most EXACT_COUNT_UP_TO (counting stops there, so it costs at most that
 * many rows), else the planner's estimate — a person paging a list learns nothing more from “12,347” than from
 * “约 12,000”.
 */
async function countOrEstimate(
  db: Db,
  query: SQLWrapper,
  knownEstimate?: number,
  /** Counts the same rows as `query`, up to `cap`, another way (countUnderUnits). */
  countUpTo?: (cap: number) => Promise<number>,
): Promise<{ total: number; isTotalEstimate: boolean }> {
  const estimate = knownEstimate ?? (await estimateRows(db, query));
  // Rounded to what an estimate can claim.
  const estimated = (atLeast: number) => ({ total: Math.max(atLeast, Number(estimate.toPrecision(2))), isTotalEstimate: true });
  // Far beyond the threshold by the planner's statistics: not worth counting even a thousand.
  if (estimate > 10 * EXACT_COUNT_UP_TO) return estimated(EXACT_COUNT_UP_TO + 1);
  const cap = EXACT_COUNT_UP_TO + 1;
  const n = countUpTo
    ? await countUpTo(cap)
    : ((await db.execute<{ n: number }>(sql`select count(*)::int as n from (${query} limit ${cap}) capped`)).rows[0]?.n ?? 0);
  return n <= EXACT_COUNT_UP_TO ? { total: n, isTotalEstimate: false } : estimated(n);
}

/** From this many units in a subtree a list filters by their ids, below it by their path (`underUnit`). */
export const SUBTREE_BY_IDS_FROM = 10;

/**
 * The cases placed under a unit (and, with `orLed`, led by a unit under it). A street's subtree (tens of units, a
 * sixth of all cases) as its units' ids: the list indexes by status and category carry the cases' unit ids
 * (migration 20261204151313), so the page and its count read those indexes alone — at a million cases, counting
 * status + category + street read every candidate row for its path: 28 ms at 1 client, 224 at 8 (bench:related). A
 * community, a grid or a department (a few units, few cases) by its path, which the path indexes serve directly.
 */
function underUnit(subtree: { path: string; ids: string[] } | undefined, orLed: boolean): SQL {
  if (!subtree) return sql`false`;
  // The district's own centre (a drill-down of the whole district): every case of the district is under it.
  if (seesWholeDistrict({ unitPath: subtree.path })) return sql`true`;
  const ids = subtreeIds(subtree);
  if (ids) return orLed ? sql`(${cases.unitId} = any(${ids}) or ${cases.leadUnitId} = any(${ids}))` : sql`${cases.unitId} = any(${ids})`;
  const prefix = `${subtree.path}%`;
  return orLed ? sql`(${cases.unitPath} like ${prefix} or ${cases.leadUnitPath} like ${prefix})` : sql`${cases.unitPath} like ${prefix}`;
}

/**
 * A subtree filtered by its units' ids (SUBTREE_BY_IDS_FROM or more, not the district's own centre), as one array
 * parameter, not one per unit: the same statement text for every subtree (PERFORMANCE.md, tenth round).
 */
function subtreeIds(subtree: { path: string; ids: string[] } | undefined): SQL | undefined {
  if (!subtree || seesWholeDistrict({ unitPath: subtree.path }) || subtree.ids.length < SUBTREE_BY_IDS_FROM) return undefined;
  return sql`${`{${subtree.ids.join(',')}}`}::uuid[]`;
}

/**
 * Counts, up to `cap`, the cases matching `rest` placed under one of the units `ids` or led from one of them: those
 * placed there, plus those led from there and placed elsewhere (each case once), each part read from its own index by
 * the units' ids (cases_unit_status_category_idx, cases_lead_unit_status_category_idx) — the same count as
 * `underUnit(…, true)`, which the list indexes ordered by date answered by reading every case of the status and
 * category to keep a street's sixth (5,000-8,500 entries per count of a thousand at a million cases, bench:related).
 * `rest` holds no filter but status and category (those indexes carry them). A statement of one shape per set of those
 * filters, planned once per connection (`planOnceDb`): planning it with a street's hundred ids cost more than running
 * it, and its generic plan reads those two indexes whatever the values (docs/PERFORMANCE.md, reads seventeenth round).
 */
async function countUnderUnits(db: Db, rest: SQL, ids: SQL, cap: number): Promise<number> {
  const [row] = await executePreparedShape<{ n: number }>(
    planOnceDb(db),
    'fq_list_count_under',
    sql`select count(*)::int as n from (
      select 1 from ${cases} where ${rest} and ${cases.unitId} = any(${ids})
      union all
      select 1 from ${cases} where ${rest} and ${cases.leadUnitId} = any(${ids}) and not (${cases.unitId} = any(${ids}))
      limit ${cap}) capped`,
  );
  return row?.n ?? 0;
}

/**
 * One page of the cases the actor may see, newest first (created_at, id), with the filters of the case list. Pages
 * go by keyset (`after`: the last case of the page before) — a page costs the same at any depth and cases arriving
 * meanwhile shift nothing; `page` alone (a jump) counts rows from the start. Searched words rank instead, by offset.
 */
export async function listCases(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  calendar: WorkCalendar;
  actor: Actor;
  query: ListCasesQuery;
  /** An export reads up to `limit` rows from the first, instead of one page. */
  limit?: number;
}) {
  const { db, crypto, calendar, actor, query: q } = opts;
  const limit = opts.limit ?? q.pageSize;
  const offset = opts.limit || q.after ? 0 : (q.page - 1) * q.pageSize;
  const d = actor.districtCode;
  const where: SQL[] = [eq(cases.districtCode, d), visibleCasesCondition(actor)];
  if (q.status) where.push(inArray(cases.status, q.status));
  if (q.category) where.push(inArray(cases.category, q.category));
  // The filters the indexes by unit carry beside the unit (status, category): with these alone a district-level user's
  // list under a street is counted by its units' ids (countUnderUnits). Any other filter, or a narrower sight, keeps the
  // count to the planner with the values at hand: a generic plan could not know that a day's cases are few.
  const filtersTheUnitIndexesCarry = where.length;
  if (q.kind) where.push(inArray(cases.kind, q.kind));
  if (q.channel) where.push(inArray(cases.channel, q.channel));
  if (q.handlerId) where.push(eq(cases.handlerId, q.handlerId));
  if (q.deadline === 'overdue') where.push(overdueCondition(d, shanghaiDate(new Date())));
  if (q.failure) where.push(failureCondition(q.failure, shanghaiDate(new Date())));
  if (q.holderUnitId) where.push(sql`coalesce(${cases.leadUnitId}, ${cases.unitId}) = ${q.holderUnitId}::uuid`);
  if (q.mine === 'true') {
    where.push(
      or(eq(cases.handlerId, actor.id), eq(cases.leadUnitId, actor.unitId), sql`${cases.coUnitIds} @> array[${actor.unitId}::uuid]`)!,
    );
  }
  const unitSubtree = q.unitId ? await findUnitSubtreeCached(db, d, q.unitId) : undefined;
  const unitCondition = q.unitId ? underUnit(unitSubtree, true) : undefined;
  if (q.placeUnitId) where.push(underUnit(await findUnitSubtreeCached(db, d, q.placeUnitId), false));
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
  const unitIds = where.length === filtersTheUnitIndexesCarry && seesWholeDistrict(actor) ? subtreeIds(unitSubtree) : undefined;
  const exceptUnit = and(...where)!;
  if (unitCondition) where.push(unitCondition);
  const condition = and(...where);
  let rows: (ListRow & { narrative?: string })[];
  let counted: Promise<{ total: number; isTotalEstimate: boolean }>;
  let nextCursor: string | null = null;
  if (search?.match) {
    // Words: read the matches from the full-text index, rank them there, then load one page. A district-level user
    // with no other filter sees every case, so the index alone answers (no join to every matching case).
    const onlyIndex = where.length === 2 && seesWholeDistrict(actor);
    const matches = onlyIndex ? and(eq(caseSearch.districtCode, d), search.match) : and(condition, search.match);
    // The same, for the newest cases walked one by one (only when the index alone answers).
    const walkMatches = and(eq(caseSearch.districtCode, d), search.rowMatch ?? search.match);
    const base = () =>
      onlyIndex
        ? db.select({ id: caseSearch.caseId }).from(caseSearch)
        : db
            .select({ id: cases.id })
            .from(caseSearch)
            .innerJoin(cases, and(eq(cases.districtCode, caseSearch.districtCode), eq(cases.id, caseSearch.caseId)));
    // Recency first, then rank within a bounded window: the newest SEARCH_WINDOW matches (or as many as the page
    // asked for needs) are ranked, so a word in a twentieth of all cases costs what a rare one does (docs/SEARCH.md).
    // Rare words are found through the GIN index at once. Common ones would make that fetch tens of thousands of rows
    // to keep a thousand, so they are looked for among the last month's cases first, then the last half year's, and
    // only then among all: a period holding a full window of matches holds the newest ones.
    // Pages beyond the first window rank the next SEARCH_WINDOW matches as a block of their own, so that every page
    // reads one order: the newest block ranked, then the next (a page never repeats or skips a match of another). The
    // window is cut by time, then id — the blocks' own order: cases registered in one instant (one batch statement, an
    // import) straddle its edge, and without the id each page's read kept a different subset of them (search.test.ts).
    const window = Math.ceil((offset + limit) / SEARCH_WINDOW) * SEARCH_WINDOW;
    const estimate = await estimateRows(db, base().where(matches));
    const joinCases = onlyIndex
      ? sql``
      : sql` join ${cases} on ${cases.districtCode} = ${caseSearch.districtCode} and ${cases.id} = ${caseSearch.caseId}`;
    // The district's newest `n` rows of the search table, newest first (by time, then id: case_search_created_idx as
    // read), under its own name (so that `matches` reads them): a filter on them is checked row by row and stops as
    // soon as the outer limit is reached.
    const newestRows = (n: number) =>
      sql`(select * from ${caseSearch} where ${caseSearch.districtCode} = ${d}
        order by ${caseSearch.caseCreatedAt} desc, ${caseSearch.caseId} desc limit ${n}) as ${caseSearch}`;
    // 'walk': the district's newest BROAD_SEARCH_WALK cases, newest first, each one's words checked until a window of
    // matches is found (a word in a twentieth of all cases fills it within ~2,000: 1.8 ms at a million cases, where
    // the text index read all 50,000 matches of 物业费 停水 to keep the month's: 24 ms — bench:related).
    const pageFrom = async (sinceDays: number | 'walk' | undefined) => {
      const inPeriod =
        typeof sinceDays === 'number'
          ? and(matches, gte(caseSearch.caseCreatedAt, new Date(Date.now() - sinceDays * 86_400_000)))
          : sinceDays === 'walk'
            ? walkMatches
            : matches;
      const source = sinceDays === 'walk' ? newestRows(BROAD_SEARCH_WALK) : sql`${caseSearch}${joinCases}`;
      const { rows: found } = await db.execute<{ id: string; found: number }>(sql`
        select ${caseSearch.caseId} as id, count(*) over ()::int as found from (
          select ${caseSearch.caseId}, ${caseSearch.caseCreatedAt}, ${caseSearch.searchVector} from ${source}
          where ${inPeriod} order by ${caseSearch.caseCreatedAt} desc, ${caseSearch.caseId} desc limit ${window}) as ${caseSearch}
        order by (row_number() over (order by ${caseSearch.caseCreatedAt} desc, ${caseSearch.caseId} desc) - 1) / ${SEARCH_WINDOW},
          ${search.rank} desc, ${caseSearch.caseCreatedAt} desc, ${caseSearch.caseId} desc
        limit ${limit} offset ${offset}`);
      return found;
    };
    // Several common words (the index alone answering): their first thousand matches counted among the district's
    // newest cases, newest first, stopping at the thousand-and-first — the text index read all 50,000 matches of
    // 物业费 停水 to count a thousand (77 ms at a million cases, bench:related); a word in a twentieth of all cases gives a
    // thousand within ~20,000. Fewer in the newest BROAD_COUNT_WALK: counted through the index, as any other search.
    const countNewestFirst = async () => {
      const { rows } = await db.execute<{ n: number }>(sql`
        select count(*)::int as n from (
          select 1 from ${newestRows(BROAD_COUNT_WALK)} where ${walkMatches} limit ${EXACT_COUNT_UP_TO + 1}) capped`);
      const n = rows[0]?.n ?? 0;
      return n > EXACT_COUNT_UP_TO
        ? { total: Math.max(n, Number(estimate.toPrecision(2))), isTotalEstimate: true }
        : countOrEstimate(db, base().where(matches), estimate);
    };
    let page: { id: string; found: number }[] = [];
    let filledIn: number | 'walk' | undefined;
    // Several words go through the periods unless the planner expects fewer matches than the window: it multiplies
    // the words' frequencies as if independent, while the words of one complaint come together (物业费 停水: estimated
    // 2,500 of a million, found in 50,000), and fetching every match of such a query cost 215 ms (bench:related).
    const broad = estimate > BROAD_SEARCH_FROM || ((search.words ?? 1) > 1 && estimate > window);
    // Words the walk found rare a little while ago go to the index at once (rareWords).
    const rareKey = onlyIndex ? `${d}\u0000${statementKey(search.match)}` : undefined;
    const knownRare = rareKey !== undefined && rareWords.peek(db, rareKey) !== undefined;
    // The walk needs no join: only when the index alone answers (a district-level user, no other filter).
    const steps = broad && !knownRare ? [...(onlyIndex ? (['walk'] as const) : []), ...BROAD_SEARCH_PERIODS, undefined] : [undefined];
    for (const sinceDays of steps) {
      page = await pageFrom(sinceDays);
      filledIn = sinceDays;
      // A full window in this period: these are the newest matches. (An empty page past the window's end counts as short.)
      if ((page[0]?.found ?? 0) >= window) break;
      // Few among the newest cases: the words are as rare among all (at that rate, at most BROAD_SEARCH_FROM matches),
      // and each period would read all their index entries again only to find fewer than a window — rare words
      // searched at a million cases went through four statements instead of two (bench:related).
      // Only for several words (a single word's estimate is accurate: one common in older cases stays on the
      // periods), when the walk's count is known (a page past its matches comes back empty, which says nothing) and
      // the table's size is (no statistics yet, or a Citus coordinator's empty shell: 0).
      const walkFound = page[0]?.found ?? (offset === 0 ? 0 : undefined);
      const severalWords = (search.words ?? 1) > 1;
      const searchable = sinceDays === 'walk' && severalWords && walkFound !== undefined ? await searchableCases(db) : 0;
      if (searchable > 0 && (walkFound! / BROAD_SEARCH_WALK) * searchable <= BROAD_SEARCH_FROM) {
        if (rareKey) rareWords.remember(db, rareKey, true);
        page = await pageFrom(undefined);
        filledIn = undefined;
        break;
      }
    }
    const found = page[0]?.found;
    counted =
      // Fewer matches in all cases than the window read: that read was all of them, so its count is the total.
      filledIn === undefined && found !== undefined && found < window
        ? Promise.resolve({ total: found, isTotalEstimate: false })
        : // A common word searched over the whole district: its total is the planner's estimate (the word statistics
          // of the GIN column), since counting even the first thousand of its matches cost 50–110 ms at a million cases
          // (bench:related). Several words, and other filters, the estimate takes for independent (物业费 停水: 2,500
          // estimated, 50,000 found), so those are counted — up to the first thousand.
          onlyIndex && estimate > BROAD_SEARCH_FROM
          ? Promise.resolve({ total: Number(estimate.toPrecision(2)), isTotalEstimate: true })
          : onlyIndex && broad
            ? countNewestFirst()
            : countOrEstimate(db, base().where(matches), estimate);
    counted.catch(() => undefined); // awaited below; a failing page read must not leave it unhandled
    const ids = page.map((r) => r.id);
    const loaded = ids.length
      ? await db
          .select({ ...SUMMARY_COLUMNS, narrative: cases.narrative })
          .from(cases)
          .where(and(eq(cases.districtCode, d), inArray(cases.id, ids)))
      : [];
    const byId = new Map(loaded.map((r) => [r.id, r]));
    rows = ids.map((id) => byId.get(id)!);
  } else {
    const after = q.after
      ? [
          sql`(${cases.createdAt}, ${cases.id}) < (select c2.created_at, c2.id from cases c2 where c2.district_code = ${d} and c2.id = ${q.after}::uuid)`,
        ]
      : [];
    counted = countOrEstimate(
      db,
      db
        .select({ one: sql`1` })
        .from(cases)
        .where(condition),
      undefined,
      unitIds ? (cap) => countUnderUnits(db, exceptUnit, unitIds, cap) : undefined,
    );
    counted.catch(() => undefined); // awaited below; a failing page read must not leave it unhandled
    // One row more than the page: whether a next page exists, without counting.
    const found = await db
      .select(SUMMARY_COLUMNS)
      .from(cases)
      .where(and(condition, ...after))
      .orderBy(desc(cases.createdAt), desc(cases.id))
      .limit(limit + 1)
      .offset(offset);
    rows = found.slice(0, limit);
    nextCursor = found.length > limit ? rows.at(-1)!.id : null;
  }
  const [items, { total, isTotalEstimate }] = await Promise.all([presentSummaries(db, calendar, d, rows), counted]);
  return {
    items: items.map((item, i) =>
      q.q && search?.match
        ? { ...item, snippet: searchSnippet({ summary: rows[i]!.summary, narrative: rows[i]!.narrative ?? '' }, q.q) }
        : item,
    ),
    total,
    isTotalEstimate,
    page: q.page,
    pageSize: q.pageSize,
    nextCursor,
  };
}

/** An attachment of a case the actor sees, with its bytes; ATTACHMENT_NOT_FOUND when the case has no such file. */
export async function findCaseAttachment(opts: { db: Db; actor: Actor; caseId: string; attachmentId: string }) {
  const { db, actor } = opts;
  const row = await findVisibleCase({ db, actor, caseId: opts.caseId });
  const [file] = await db
    .select()
    .from(attachments)
    .where(and(eq(attachments.districtCode, actor.districtCode), eq(attachments.caseId, row.id), eq(attachments.id, opts.attachmentId)));
  if (!file) throw new AppError('ATTACHMENT_NOT_FOUND');
  return file;
}
