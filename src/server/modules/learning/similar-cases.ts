import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { keywords, similarity, tokenize } from '../../lib/chinese-text.js';
import type { Actor } from '../../plugins/auth.js';
import { findVisibleCase } from '../case-access/case-row.js';
import { canSeeCase } from '../case-access/cases.policy.js';
import type { CaseStatus } from '../../../shared/case-lifecycle.js';
import { hasPermission } from '../../../shared/permissions.js';
import type { Category, Outcome } from '../../../shared/enums.js';
import type { SimilarCases } from '../../../shared/schemas/learning.js';
import type { AgreementTermRow } from '../../db/schema.js';

/** Candidates ranked here: the concluded cases among the newest matches, same category first. */
const CANDIDATES = 100;
/** Matches read per window of history, newest first (the index gives them in that order; never the whole history). */
const HITS_PER_WINDOW = 1000;
/**
 * The newest concluded cases of the case's own category looked at first, one by one (most precedents are among them):
 * each costs a heap read of the case and of its search row, so 3,000 of them took 67 ms at a million cases (bench:learning).
 */
const SAME_CATEGORY_SCAN = 600;
/** Then the newest cases of the district, looked at one by one (common words find their matches among them). */
const RECENT_SCAN = 20_000;
/** Then the history searched through the index, widened until enough concluded cases are found: half a year, two years, all of it. */
const WINDOWS_DAYS = [183, 730, null] as const;
const quote = (t: string) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

type Candidate = {
  id: string;
  code: string;
  summary: string;
  words: string[];
  category: Category;
  outcome: Outcome | null;
  people_involved: number;
  created_at: string;
  concluded_at: string;
  status: CaseStatus;
  unit_path: string;
  lead_unit_path: string | null;
  co_unit_ids: string[];
};

/**
 * 类案参考: the five concluded cases of the district most like this one — by words (weighted overlap of jieba tokens),
 * category and the parties' situation (a mass dispute or not) — never the same parties' own cases (the related panel
 * shows those). Each with its outcome, how long it took and the agreed terms; names only for users who may reveal them
 * (个人信息保护法 Art.51, docs/LEGAL-BASIS.md §8) and see that case.
 *
 * Candidates are cases with two of the case's telling words together (one, when it has only one): first among the
 * newest concluded cases of the same category, then among the district's newest cases, then from the full-text index a
 * window of history at a time — the newest HITS_PER_WINDOW of each, of which the concluded ones, same category first — so a district of millions of cases reads a bounded set, never ranks every case sharing a common
 * word (docs/SEARCH.md).
 */
export async function findSimilarCases(opts: { db: Db; actor: Actor; caseId: string; count?: number }): Promise<SimilarCases> {
  const { db, actor } = opts;
  const d = actor.districtCode;
  const c = await findVisibleCase({ db, actor, caseId: opts.caseId });
  const text = `${c.summary}\n${c.narrative}`;
  const telling = keywords(text, 6);
  if (telling.length === 0) return { similar: [] };
  const pairs: string[] = [];
  for (let i = 0; i < telling.length; i++)
    for (let j = i + 1; j < telling.length; j++) pairs.push(`(${quote(telling[i]!)} & ${quote(telling[j]!)})`);
  const query = pairs.length ? pairs.join(' | ') : quote(telling[0]!);
  // The parties' registry records: a candidate naming any of them is their own case, not a precedent.
  const { rows: ours } = await db.execute<{ person_id: string }>(
    sql`select distinct person_id from case_parties where district_code = ${d} and case_id = ${c.id} and person_id is not null`,
  );
  const ourPersons = `{${ours.map((o) => o.person_id).join(',')}}`;
  const now = Date.now();
  const matching = sql`s.search_vector @@ to_tsquery('simple', ${query}) and s.case_id <> ${c.id}`;
  // First the newest SAME_CATEGORY_SCAN concluded cases of the category; then the district's newest RECENT_SCAN
  // cases, read newest first and tested one by one until HITS_PER_WINDOW match: cheap when the words are common (the
  // scan stops early), bounded when they are not; then, for rarer words, the index's matches of each window (few, by
  // then). What each source finds is kept, until enough candidates are together.
  const concludedOfCategory = (status: CaseStatus) =>
    sql`(select id, created_at from cases where district_code = ${d} and status = ${status} and category = ${c.category}
      order by created_at desc limit ${SAME_CATEGORY_SCAN})`;
  const sources: SQL[] = [
    // The newest concluded cases of the same category (cases_status_category_created_idx, one ordered range per
    // concluded status): a bounded read whatever the words, and enough precedents for a district with any history.
    sql`select s.case_id, s.search_vector from (
      select id, created_at from (${concludedOfCategory('concluded')} union all ${concludedOfCategory('followed_up')}
        union all ${concludedOfCategory('archived')}) u order by created_at desc limit ${SAME_CATEGORY_SCAN}) r
      join case_search s on s.district_code = ${d} and s.case_id = r.id
      where ${matching} limit ${HITS_PER_WINDOW}`,
    sql`select s.case_id, s.search_vector from (
      select case_id, search_vector from case_search where district_code = ${d} order by case_created_at desc limit ${RECENT_SCAN}) s
      where ${matching} limit ${HITS_PER_WINDOW}`,
    ...WINDOWS_DAYS.map((days) => {
      const since = days === null ? null : new Date(now - days * 86_400_000);
      return sql`select s.case_id, s.search_vector from case_search s
        where s.district_code = ${d} and ${matching} ${since ? sql`and s.case_created_at >= ${since}` : sql``}
        order by s.case_created_at desc limit ${HITS_PER_WINDOW}`;
    }),
  ];
  const found = new Map<string, Candidate>();
  for (const source of sources) {
    const { rows: more } = await db.execute<Candidate>(sql`
      select c.id, c.code, c.summary, tsvector_to_array(h.search_vector) as words, c.category, c.outcome, c.people_involved, c.created_at,
        c.concluded_at, c.status, c.unit_path, c.lead_unit_path, c.co_unit_ids
      from (${source}) h
      join cases c on c.district_code = ${d} and c.id = h.case_id
      where c.concluded_at is not null and c.status in ('concluded', 'followed_up', 'archived')
        and not exists (
          select 1 from case_parties theirs
          where theirs.district_code = c.district_code and theirs.case_id = c.id and theirs.person_id = any(${ourPersons}::uuid[]))
      order by (c.category = ${c.category}) desc, c.concluded_at desc
      limit ${CANDIDATES}`);
    for (const r of more) if (!found.has(r.id)) found.set(r.id, r);
    if (found.size >= CANDIDATES / 4) break;
  }
  const rows = [...found.values()]
    .sort(
      (a, b) =>
        Number(b.category === c.category) - Number(a.category === c.category) ||
        new Date(b.concluded_at).getTime() - new Date(a.concluded_at).getTime(),
    )
    .slice(0, CANDIDATES);
  const mine = tokenize(text);
  const isMass = c.peopleInvolved >= 5;
  const ranked = rows
    .map((r) => {
      // The candidate's words as indexed (the same jieba tokens), rather than cutting 200 narratives again here.
      const words = similarity(mine, r.words);
      const sameCategory = r.category === c.category;
      const sameSituation = r.people_involved >= 5 === isMass;
      const score = Math.min(1, words.score * 0.7 + (sameCategory ? 0.25 : 0) + (sameSituation ? 0.05 : 0));
      const reasons = [
        ...(words.shared.length ? [`相似诉求：${words.shared.join(' ')}`] : []),
        ...(sameCategory ? ['同一类别'] : []),
        ...(isMass && sameSituation ? ['同为群体性纠纷'] : []),
      ];
      return { r, score, reasons };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, opts.count ?? 5);
  if (ranked.length === 0) return { similar: [] };
  const ids = ranked.map((x) => x.r.id);
  const { rows: details } = await db.execute<{ case_id: string; terms: AgreementTermRow[] | null; names: string[] }>(sql`
    select c.id as case_id, a.terms,
      coalesce((select array_agg(p.name order by p.position) from case_parties p where p.district_code = c.district_code and p.case_id = c.id), '{}') as names
    from cases c
    left join mediation_agreements a on a.district_code = c.district_code and a.case_id = c.id and a.status in ('final', 'effective')
    where c.district_code = ${actor.districtCode} and c.id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`);
  const byCase = new Map(details.map((d) => [d.case_id, d]));
  const mayReveal = hasPermission(actor.role, 'person.reveal');
  return {
    similar: ranked.map(({ r, score, reasons }) => {
      const d = byCase.get(r.id);
      const canOpen = canSeeCase(actor, {
        status: r.status,
        unitPath: r.unit_path,
        leadUnitPath: r.lead_unit_path,
        coUnitIds: r.co_unit_ids,
      });
      const names = d?.names ?? [];
      const showNames = mayReveal && canOpen;
      // Terms name the parties ("公司向冯建设支付…"): without the right to see them, the names become 当事人.
      const hide = (t: string) => (showNames ? t : names.reduce((s, n) => (n ? s.split(n).join('当事人') : s), t));
      const created = new Date(r.created_at);
      const concluded = new Date(r.concluded_at);
      return {
        caseId: r.id,
        code: r.code,
        summary: hide(r.summary),
        category: r.category,
        outcome: r.outcome,
        createdAt: created.toISOString(),
        concludedAt: concluded.toISOString(),
        durationDays: Math.max(0, Math.round(((concluded.getTime() - created.getTime()) / 86_400_000) * 10) / 10),
        score: Math.round(score * 1000) / 1000,
        reasons,
        agreementTerms: r.outcome === 'agreement' ? (d?.terms ?? []).map((t) => hide(t.text)) : [],
        parties: showNames ? names : null,
        canOpen,
      };
    }),
  };
}
