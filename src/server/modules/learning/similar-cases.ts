import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { keywords, similarity, tokenize } from '../../lib/chinese-text.js';
import type { Actor } from '../../plugins/auth.js';
import { findVisibleCase } from '../case-access/case-row.js';
import { canSeeCase } from '../case-access/cases.policy.js';
import { hasPermission } from '../../../shared/permissions.js';
import type { Category, Outcome } from '../../../shared/enums.js';
import type { SimilarCases } from '../../../shared/schemas/learning.js';
import type { AgreementTermRow } from '../../db/schema.js';

/** Candidates read for ranking: the concluded cases sharing the most telling words, same category first. */
const CANDIDATES = 200;
const quote = (t: string) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * 类案参考: the five concluded cases of the district most like this one — by words (weighted overlap of jieba tokens),
 * category and the parties' situation (a mass dispute or not) — never the same parties' own cases (the related panel
 * shows those). Each with its outcome, how long it took and the agreed terms; names only for users who may reveal them
 * (个人信息保护法 Art.51, docs/LEGAL-BASIS.md §8) and see that case.
 */
export async function findSimilarCases(opts: { db: Db; actor: Actor; caseId: string; count?: number }): Promise<SimilarCases> {
  const { db, actor } = opts;
  const c = await findVisibleCase({ db, actor, caseId: opts.caseId });
  const text = `${c.summary}\n${c.narrative}`;
  const telling = keywords(text, 8);
  if (telling.length === 0) return { similar: [] };
  const query = telling.map(quote).join(' | ');
  const { rows } = await db.execute<{
    id: string;
    code: string;
    summary: string;
    words: string[];
    category: Category;
    outcome: Outcome | null;
    people_involved: number;
    created_at: string;
    concluded_at: string;
    status: string;
    unit_path: string;
    lead_unit_path: string | null;
    co_unit_ids: string[];
  }>(sql`
    select c.id, c.code, c.summary, tsvector_to_array(s.search_vector) as words, c.category, c.outcome, c.people_involved, c.created_at, c.concluded_at,
      c.status, c.unit_path, c.lead_unit_path, c.co_unit_ids
    from case_search s
    join cases c on c.district_code = s.district_code and c.id = s.case_id
    where s.district_code = ${actor.districtCode} and s.search_vector @@ ${query}::tsquery
      and c.concluded_at is not null and c.status in ('concluded', 'followed_up', 'archived') and c.id <> ${c.id}
      and not exists (
        select 1 from case_parties theirs
        join case_parties ours on ours.district_code = theirs.district_code and ours.case_id = ${c.id} and ours.person_id = theirs.person_id
        where theirs.district_code = c.district_code and theirs.case_id = c.id)
    order by (c.category = ${c.category}) desc, ts_rank(s.search_vector, ${query}::tsquery) desc, c.concluded_at desc
    limit ${CANDIDATES}`);
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
        status: r.status as never,
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
