import { shanghaiDate } from '../../../shared/calendar.js';
import { and, desc, eq, gte, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { FINISHED_STATUSES } from '../../../shared/case-lifecycle.js';
import type { CaseKind, Category, PartyRole } from '../../../shared/enums.js';
import type { CaseStatus } from '../../../shared/case-lifecycle.js';
import { checkIdNumber, isValidCreditCode, isValidPhone, normalizeIdNumber, normalizePhone } from '../../../shared/identifiers.js';
import type { RelatedCase, RelatedPreview, RiskFlag, RiskRules, RiskSignal } from '../../../shared/schemas/related.js';
import type { relatedPreviewBodySchema } from '../../../shared/schemas/related.js';
import type { z } from 'zod';
import { executePrepared, executePreparedShape, planOnceDb, type Db } from '../../db/client.js';
import { rowsFromJson } from '../../db/json-rows.js';
import { caseParties, casePackages, caseSearch, cases, packageMembers, persons, petitionReplies, units } from '../../db/schema.js';
import { findUnitByCodeCached, findUnitByIdCached } from '../units/units.repository.js';
import {
  keywords,
  namePinyin,
  similarity,
  tokenize,
  tokenizeStored,
  trigrams,
  trigramSimilarity,
  trigramSimilarityBound,
  trigramsStored,
} from '../../lib/chinese-text.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { canSeeCase, visibleCasesCondition } from '../case-access/cases.policy.js';
import { addressHash, knowsName, phoneSuffixHash } from '../persons/persons.repository.js';

type Draft = z.infer<typeof relatedPreviewBodySchema>;

/** Settled or closed: no longer "in handling" for the repeat rule. */
const LOOKBACK_DAYS = 730;
const TEXT_CANDIDATES = 100;
/** The newest cases whose words are checked one by one before the text index is asked (a burst of cases alike). */
const TEXT_WALK = 400;
/** Similar narratives are looked for among the last half year's cases. */
const TEXT_LOOKBACK_DAYS = 180;
const MAX_RELATED = 20;
/** The newest cases read per person of the draft: enough for the panel, the repeat rule and the counts. */
const CASES_PER_PERSON = 50;
/** Trigram similarity from which two written addresses are taken for one place (文苑街道东方社区7号楼 ~ 东方社区7号楼: 0.43). */
const PLACE_SIMILARITY = 0.4;
/** The newest cases of the place unit whose addresses are compared with the draft's (the "same place" of late). */
const PLACE_RECENT = 500;

interface PartyKeys {
  role: string;
  type: string;
  name?: string;
  idHash?: string;
  phoneHash?: string;
  creditCode?: string;
  phone?: string;
  address?: string;
  birthDate?: string;
}

/** What each party of the draft can be matched by; identifiers that do not check out yet are left out. */
function keysOf(crypto: PersonalDataCrypto, draft: Draft): PartyKeys[] {
  return draft.parties.map((p) => {
    const id = p.idNumber ? checkIdNumber(normalizeIdNumber(p.idNumber)) : undefined;
    const phone = p.phone ? normalizePhone(p.phone) : undefined;
    const credit = p.creditCode ? normalizeIdNumber(p.creditCode) : undefined;
    return {
      role: p.role,
      type: p.type,
      name: p.name?.trim().normalize('NFKC') || undefined,
      ...(id?.valid ? { idHash: crypto.lookupHash(id.normalized), birthDate: id.birthDate } : {}),
      ...(phone && isValidPhone(phone) ? { phoneHash: crypto.lookupHash(phone), phone } : {}),
      ...(credit && isValidCreditCode(credit) ? { creditCode: credit } : {}),
      ...(p.address?.trim() ? { address: p.address.trim() } : {}),
    };
  });
}

/** Combines evidence for one case: independent reasons add up (1 − Π(1 − s)), and each is kept in words. */
class Evidence {
  private readonly byCase = new Map<string, { scores: number[]; reasons: string[] }>();
  add(caseId: string, score: number, reason: string) {
    const e = this.byCase.get(caseId) ?? { scores: [], reasons: [] };
    if (!e.reasons.includes(reason)) {
      e.scores.push(score);
      e.reasons.push(reason);
    }
    this.byCase.set(caseId, e);
  }
  ids() {
    return [...this.byCase.keys()];
  }
  scoreOf(caseId: string) {
    const e = this.byCase.get(caseId)!;
    return { score: 1 - e.scores.reduce((p, s) => p * (1 - s), 1), reasons: e.reasons };
  }
}

/** What the preview needs of a case: who may see it, what the panel shows, what the rules compare. */
interface Brief {
  id: string;
  code: string;
  summary: string;
  status: CaseStatus;
  kind: CaseKind;
  category: Category;
  createdAt: Date;
  unitPath: string;
  leadUnitPath: string | null;
  coUnitIds: string[];
}
type BriefRow = {
  id: string;
  code: string;
  summary: string;
  status: CaseStatus;
  kind: CaseKind;
  category: Category;
  created_ms: number;
  unit_path: string;
  lead_unit_path: string | null;
  co_units: string;
};
/** The `Brief` columns of `cases` in a statement of its own (the time as epoch milliseconds, the co-units as text). */
const BRIEF = sql.raw(
  `"cases"."id", "cases"."code", "cases"."summary", "cases"."status", "cases"."kind", "cases"."category",
   (extract(epoch from "cases"."created_at") * 1000)::float8 as created_ms, "cases"."unit_path",
   "cases"."lead_unit_path", array_to_string("cases"."co_unit_ids", ',') as co_units`,
);
const toBrief = (r: BriefRow): Brief => ({
  id: r.id,
  code: r.code,
  summary: r.summary,
  status: r.status,
  kind: r.kind,
  category: r.category,
  createdAt: new Date(Number(r.created_ms)),
  unitPath: r.unit_path,
  leadUnitPath: r.lead_unit_path,
  coUnitIds: r.co_units ? r.co_units.split(',') : [],
});

/**
 * 关联研判 at intake: who this is, what they and others brought before, and what it signals — before anything is saved.
 * Related cases are only those the actor may see; the repeat rule looks district-wide (a matter accepted elsewhere is
 * not accepted again) but names no case outside the actor's jurisdiction.
 */
export async function previewRelated(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  draft: Draft;
  rules: RiskRules;
  excludeCaseId?: string;
  now?: Date;
}): Promise<RelatedPreview> {
  const { db, crypto, actor, draft, rules } = opts;
  const d = actor.districtCode;
  const now = opts.now ?? new Date();
  const keys = keysOf(crypto, draft);
  const since = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000);
  const notThis = opts.excludeCaseId ? [sql`${cases.id} <> ${opts.excludeCaseId}`] : [];
  const evidence = new Evidence();
  const signals: RiskSignal[] = [];

  // 1. The people of the draft, by exact keys, and the records any of them was merged into: one statement of one shape
  // whatever the draft, planned once per connection (`planOnceDb`) — each of the two statements it replaces was planned
  // on every preview, its planning dearer than its run (0.13 ms against 0.07 and 0.01, bench:related `PG_STATS=1`). One
  // branch per kind of key, each on its own index (an empty array finds nothing there): a generic plan of the four as
  // one OR read every person of the district through its district index at a few thousand persons, and kept doing so —
  // 7.7 ms per preview at 20,000 cases, the risk assessments' backlog drained at half its rate (bench:cases; docs/
  // PERFORMANCE.md reads sixteenth round). A person found by two keys comes twice: kept once.
  const keyArray = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];
  const idHashes = keyArray(keys.map((k) => k.idHash));
  const phoneHashes = keyArray(keys.map((k) => k.phoneHash));
  const creditCodes = keyArray(keys.map((k) => k.creditCode));
  const orgNames = keyArray(keys.map((k) => (k.type === 'organization' && !k.creditCode ? k.name : undefined)));
  const found =
    idHashes.length || phoneHashes.length || creditCodes.length || orgNames.length
      ? await executePrepared<{ row: { id: string }; target: boolean }>(
          planOnceDb(db),
          'fq_related_persons',
          sql`
          with matched as (
            select * from ${persons} p where p.district_code = ${d} and p.id_number_hash = any(${sql.param(idHashes)}::text[])
            union all
            select * from ${persons} p where p.district_code = ${d} and p.phone_hash = any(${sql.param(phoneHashes)}::text[])
            union all
            select * from ${persons} p where p.district_code = ${d} and p.credit_code = any(${sql.param(creditCodes)}::text[])
            union all
            select * from ${persons} p
            where p.district_code = ${d} and p.type = 'organization' and p.name = any(${sql.param(orgNames)}::text[]))
          select to_jsonb(m) as row, false as target from matched m
          union all
          select to_jsonb(t), true from ${persons} t
          where t.district_code = ${d} and t.id in (select merged_into from matched where merged_into is not null)`,
        )
      : [];
  const once = (target: boolean) => [...new Map(found.filter((r) => r.target === target).map((r) => [r.row.id, r.row])).values()];
  // A record staff merged into another stands for that one.
  const matched = rowsFromJson(persons, once(false));
  const targets = rowsFromJson(persons, once(true));
  const matchOf = (k: PartyKeys) =>
    matched.find((p) => (k.idHash && p.idNumberHash === k.idHash) || (k.creditCode && p.creditCode === k.creditCode)) ??
    // A phone shared by two people (a couple) stands first for the one with the name typed.
    matched.find((p) => k.phoneHash && p.phoneHash === k.phoneHash && !!k.name && knowsName(p, k.name)) ??
    matched.find((p) => k.phoneHash && p.phoneHash === k.phoneHash) ??
    matched.find((p) => k.type === 'organization' && p.type === 'organization' && !k.creditCode && k.name && p.name === k.name);
  const personOf = (k: PartyKeys) => {
    const m = matchOf(k);
    return m?.mergedInto ? (targets.find((t) => t.id === m.mergedInto) ?? m) : m;
  };
  const applicantKeys = keys.find((k) => k.role === 'applicant') ?? keys[0];
  const applicant = applicantKeys ? personOf(applicantKeys) : undefined;

  // Their cases (district-wide, for counting and the repeat rule), newest first — including the cases of records
  // merged into them.
  const partyPersonIds = [
    ...new Set(
      keys
        .map(personOf)
        .filter((p) => !!p)
        .map((p) => p!.id),
    ),
  ];
  // Each person's newest cases only (an index range on case_parties): a respondent with thousands of cases costs
  // what one with a few does. The records merged into them, their parts and the cases: one round trip.
  const briefs = new Map<string, Brief>();
  const personIds = `{${partyPersonIds.join(',')}}`;
  const theirParts = partyPersonIds.length
    ? (
        await executePrepared<BriefRow & { root: string; role: PartyRole }>(
          planOnceDb(db),
          'fq_related_their_cases',
          sql`
          with people(id, root) as (
            select x, x from unnest(${personIds}::uuid[]) as x
            union all
            select p.id, p.merged_into from ${persons} p
            where p.district_code = ${d} and p.merged_into = any(${personIds}::uuid[]) and p.id <> all(${personIds}::uuid[]))
          select people.root, part.role, ${BRIEF}
          from people
          cross join lateral (
            select cp.role, cp.case_id from ${caseParties} cp
            where cp.district_code = ${d} and cp.person_id = people.id
            order by cp.case_created_at desc limit ${sql.raw(String(CASES_PER_PERSON))}) part
          join ${cases} on ${cases.districtCode} = ${d} and ${cases.id} = part.case_id`,
        )
      ).filter((r) => r.id !== opts.excludeCaseId)
    : [];
  for (const r of theirParts) if (!briefs.has(r.id)) briefs.set(r.id, toBrief(r));
  const theirCases = [
    ...new Map(theirParts.map((p) => [`${p.id}/${p.root}/${p.role}`, { row: briefs.get(p.id)!, personId: p.root, role: p.role }])).values(),
  ].sort((a, b) => b.row.createdAt.getTime() - a.row.createdAt.getTime());

  for (const { row, personId } of theirCases) {
    if (!canSeeCase(actor, row)) continue;
    const k = keys.find((x) => personOf(x)?.id === personId)!;
    const p = personOf(k)!;
    if (k.role === 'applicant' || k.role === 'third_party') {
      const by =
        k.idHash && matchOf(k)?.idNumberHash === k.idHash
          ? '身份证号相同'
          : k.creditCode
            ? '信用代码相同'
            : k.phoneHash
              ? '手机号相同'
              : '名称相同';
      evidence.add(row.id, 0.9, `同一当事人：${p.name}（${by}）`);
    } else {
      evidence.add(row.id, 0.7, `同一被申请人：${p.name}`);
    }
  }

  // 2. Likely the same person (never merged here): same or homophone name plus a second sign.
  const likelyPersons: RelatedPreview['likelyPersons'] = [];
  for (const k of keys.filter((x) => x.type === 'person' && x.name && Array.from(x.name).length >= 2)) {
    const py = namePinyin(k.name!);
    const suffixHash = k.phone ? phoneSuffixHash(crypto, k.phone) : null;
    const placeHash = k.address ? addressHash(crypto, k.address) : null;
    if (!suffixHash && !placeHash) continue;
    // One shape whatever the signs (an absent one is null, which matches nothing), planned once per connection.
    const namesakes = await executePrepared<{ row: unknown }>(
      planOnceDb(db),
      'fq_related_likely_persons',
      sql`select to_jsonb(p) as row from ${persons} p
        where p.district_code = ${d} and p.type = 'person' and p.merged_into is null and p.name_pinyin = ${py}
          and (p.phone_suffix_hash = ${suffixHash}::text or p.address_hash = ${placeHash}::text)
          and p.id <> all(${sql.param(partyPersonIds)}::uuid[])
        limit 5`,
    );
    const rows = rowsFromJson(
      persons,
      namesakes.map((r) => r.row),
    );
    for (const r of rows) {
      const reasons = [r.name === k.name ? '姓名相同' : `同音姓名（${py}）`];
      let score = r.name === k.name ? 0.5 : 0.4;
      if (k.phone && r.phoneSuffixHash === phoneSuffixHash(crypto, k.phone)) {
        reasons.push(`手机尾号相同（${k.phone.slice(-4)}）`);
        score += 0.3;
      }
      if (k.address && r.addressHash === addressHash(crypto, k.address)) {
        reasons.push('地址相同');
        score += 0.3;
      }
      if (!likelyPersons.some((l) => l.id === r.id)) likelyPersons.push({ id: r.id, name: r.name, score: Math.min(score, 0.95), reasons });
    }
  }

  // 3. Same place: within the draft's place unit (community, grid — or the actor's unit, as registration defaults),
  // the address written alike (trigram similarity), or the same category there lately. Scoped to the unit so that a
  // district whose addresses all begin alike does not compare every case with every other.
  const visible = visibleCasesCondition(actor);
  const placeAddress = draft.place?.address?.trim();
  const placeUnit = draft.place?.unitCode
    ? await findUnitByCodeCached(db, d, draft.place.unitCode)
    : await findUnitByIdCached(db, d, actor.unitId);
  // Compared with the unit's newest PLACE_RECENT cases of the period (cases_unit_path_idx, newest first), not with all
  // of them: a busy community holds thousands, and comparing each address cost 25–35 ms per registration's assessment
  // at 20,000 cases (bench:cases). The trigram index did not help: its pending list of fresh cases made each search
  // cost as much as this scan. The newest PLACE_RECENT cases whatever their address (many come without one: a hotline
  // call, a camera), so the scan stops after PLACE_RECENT index entries even in a unit whose recent cases mostly have
  // no address. The similarity is pg_trgm's, computed here on trigrams remembered per case: `similarity()` in SQL cut
  // both addresses again for each of the 500 (7.8 ms of PostgreSQL's CPU per assessment, bench:cases third round).
  const byAddress = placeUnit && placeAddress && Array.from(placeAddress).length >= 4;
  const byCategory = placeUnit && draft.place?.unitCode && draft.category;
  const placeParts: SQL[] = [];
  if (placeUnit && byAddress)
    placeParts.push(sql`(select 'address' as src, ${cases.id} as id, ${cases.placeAddress} as place_address from ${cases}
      where ${and(eq(cases.districtCode, d), eq(cases.unitPath, placeUnit.path), gte(cases.createdAt, since), visible, ...notThis)}
      order by ${cases.createdAt} desc limit ${sql.raw(String(PLACE_RECENT))})`);
  if (placeUnit && byCategory)
    placeParts.push(sql`(select 'category' as src, ${cases.id} as id, null as place_address from ${cases}
      where ${and(
        eq(cases.districtCode, d),
        eq(cases.unitPath, placeUnit.path),
        gte(cases.createdAt, new Date(now.getTime() - 90 * 86_400_000)),
        eq(cases.category, draft.category!),
        visible,
        ...notThis,
      )}
      order by ${cases.createdAt} desc limit ${sql.raw('50')})`);
  // Planned once per connection and shape (db/client.ts `planOnceDb`): the unit's newest cases, whatever the unit (the
  // limits written into the statement: a generic plan costs a limit given as a value at a tenth of the rows).
  const placeRows = placeParts.length
    ? await executePreparedShape<{ src: 'address' | 'category'; id: string; place_address: string | null }>(
        planOnceDb(db),
        'fq_related_place',
        sql.join(placeParts, sql` union all `),
      )
    : [];
  if (placeUnit && byAddress) {
    const draftGrams = trigrams(placeAddress);
    // One pass over the ~500 rows (no intermediate arrays): the size bound first, the similarity only where it can pass.
    const alike: { id: string; address: string; sim: number }[] = [];
    for (const r of placeRows) {
      if (r.src !== 'address' || !r.place_address) continue;
      const grams = trigramsStored(`place:${r.id}`, r.place_address);
      if (trigramSimilarityBound(draftGrams, grams) < PLACE_SIMILARITY) continue;
      const sim = trigramSimilarity(draftGrams, grams);
      if (sim >= PLACE_SIMILARITY) alike.push({ id: r.id, address: r.place_address, sim });
    }
    alike.sort((a, b) => b.sim - a.sim);
    alike.length = Math.min(alike.length, 50);
    for (const r of alike) evidence.add(r.id, 0.25 + r.sim * 0.35, `同一地点：${r.address}`);
  }
  if (placeUnit && byCategory)
    for (const r of placeRows.filter((x) => x.src === 'category'))
      evidence.add(r.id, 0.2, `同一${placeUnit.name.endsWith('网格') ? '网格' : '社区/村'}（${placeUnit.name}）近期同类纠纷`);

  // 4. The same issue in other words: jieba keywords find candidates in the index; token overlap decides.
  const text = [draft.summary, draft.narrative].filter(Boolean).join('\n');
  const draftTokens = text ? tokenize(text) : [];
  if (draftTokens.length >= 3) {
    const top = keywords(text, 6);
    // At least two of the telling words together: selective enough to stay fast over millions of cases.
    const quote = (t: string) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
    const pairs: string[] = [];
    for (let i = 0; i < top.length; i++) for (let j = i + 1; j < top.length; j++) pairs.push(`(${quote(top[i]!)} & ${quote(top[j]!)})`);
    if (pairs.length) {
      // The newest candidates from the search table alone (it has the registration time), in up to three tries, each
      // only when the one before found too few:
      // 1. the district's newest TEXT_WALK cases of the month, their words checked row by row, newest first: when many
      //    alike came in lately (a mass dispute's morning) the candidates are all there. The planner's own choice could
      //    not be trusted for it: with statistics from before such a burst it read the whole month's rows through the
      //    date index, 4,114 rows for 100 (11 ms; bench:cases, where every new case is alike);
      // 2. the month, by the text index; 3. the half year.
      // The candidates' cases come in the same statement, with whether the actor may see them.
      const tsquery = sql`to_tsquery('simple', ${pairs.join(' | ')})`;
      const notThisSearch = opts.excludeCaseId ? [sql`${caseSearch.caseId} <> ${opts.excludeCaseId}`] : [];
      const monthAgo = new Date(now.getTime() - 30 * 86_400_000);
      // Each try's statement is built only when it runs (most previews need the first only: building the others cost
      // as much of the server's time as running the first, bench:related).
      const tries: (() => SQL)[] = [
        // The month is checked outside the ordered read: inside, stale statistics had the planner read the month
        // through a bitmap and sort it (5,561 rows for 400) instead of walking the index backwards.
        () => sql`select recent.id from (
          select ${caseSearch.caseId} as id, ${caseSearch.caseCreatedAt} as at, ${caseSearch.searchVector} as words from ${caseSearch}
          where ${and(eq(caseSearch.districtCode, d), ...notThisSearch)}
          order by ${caseSearch.caseCreatedAt} desc limit ${sql.raw(String(TEXT_WALK))}) recent
        where recent.at >= ${monthAgo} and recent.words @@ ${tsquery} order by recent.at desc limit ${sql.raw(String(TEXT_CANDIDATES))}`,
        ...[30, TEXT_LOOKBACK_DAYS].map(
          (days) => () =>
            sql`${db
              .select({ id: sql<string>`${caseSearch.caseId}`.as('id') })
              .from(caseSearch)
              .where(
                and(
                  eq(caseSearch.districtCode, d),
                  gte(caseSearch.caseCreatedAt, new Date(now.getTime() - days * 86_400_000)),
                  sql`${caseSearch.searchVector} @@ ${tsquery}`,
                  ...notThisSearch,
                ),
              )
              .orderBy(desc(caseSearch.caseCreatedAt))
              .limit(TEXT_CANDIDATES)}`,
        ),
      ];
      let candidates: (BriefRow & { narrative: string; visible: boolean })[] = [];
      const compared = new Map<string, ReturnType<typeof similarity> | null>();
      const compare = (r: (typeof candidates)[number]) => {
        if (!compared.has(r.id)) {
          const result = r.visible ? similarity(draftTokens, tokenizeStored(`case:${r.id}`, `${r.summary}\n${r.narrative}`)) : null;
          compared.set(r.id, result && result.score >= 0.15 && result.shared.length >= 2 ? result : null);
        }
        return compared.get(r.id)!;
      };
      for (const [n, newest] of tries.entries()) {
        const statement = sql`
            select ${BRIEF}, ${cases.narrative} as narrative, (${visible}) as visible
            from (${newest()}) newest join ${cases} on ${cases.districtCode} = ${d} and ${cases.id} = newest.id`;
        // The first try as a named statement per shape of the actor's jurisdiction, on the main pool: PostgreSQL plans it
        // for the words each time, as it should — its generic plan (forced, `planOnceDb`) read the month by the text
        // index, 10 ms instead of 0.5 (bench:related). The others are planned for their words too.
        candidates =
          n === 0
            ? await executePreparedShape<BriefRow & { narrative: string; visible: boolean }>(db, 'fq_related_newest', statement)
            : (await db.execute<BriefRow & { narrative: string; visible: boolean }>(statement)).rows;
        if (candidates.length >= TEXT_CANDIDATES) break;
        // Recency first: when the district's newest cases alone hold a full panel of similar ones, older candidates
        // are not looked for (the text index over the month read every case of the month with two of the words:
        // 7.8 ms of the preview's 8.6 ms in PostgreSQL at a million cases, bench:related).
        if (n === 0 && candidates.filter((r) => compare(r)).length >= MAX_RELATED) break;
      }
      for (const r of candidates) {
        const alike = compare(r);
        if (!r.visible) continue;
        briefs.set(r.id, toBrief(r));
        if (alike) evidence.add(r.id, Math.min(0.85, alike.score * 1.5), `相似诉求：${alike.shared.join(' ')}`);
      }
    }
  }

  // The related cases, strongest first.
  // Those found only by place are read now, together (the other sources brought their cases along).
  const unread = evidence.ids().filter((id) => !briefs.has(id));
  if (unread.length) {
    const { rows } = await db.execute<BriefRow>(
      sql`select ${BRIEF} from ${cases} where ${cases.districtCode} = ${d} and ${cases.id} = any(${`{${unread.join(',')}}`}::uuid[])`,
    );
    for (const r of rows) briefs.set(r.id, toBrief(r));
  }
  const related: RelatedCase[] = evidence
    .ids()
    .flatMap((id) => (briefs.has(id) ? [briefs.get(id)!] : []))
    .map((r) => ({
      caseId: r.id,
      code: r.code,
      summary: r.summary,
      status: r.status,
      createdAt: r.createdAt.toISOString(),
      ...evidence.scoreOf(r.id),
    }))
    .sort((a, b) => b.score - a.score || b.createdAt.localeCompare(a.createdAt))
    .slice(0, MAX_RELATED)
    .map((r) => ({ ...r, score: Math.round(r.score * 100) / 100 }));

  // 5. Signals.
  const applicantCases = applicant ? theirCases.filter((c) => c.personId === applicant.id && c.role === 'applicant') : [];
  const sameMatterOpen = applicantCases.find(
    ({ row }) =>
      row.kind === (draft.kind ?? row.kind) && row.category === (draft.category ?? row.category) && !FINISHED_STATUSES.includes(row.status),
  );
  if (sameMatterOpen) {
    const { row } = sameMatterOpen;
    const where = canSeeCase(actor, row) ? row.code : '其他单位';
    signals.push({
      flag: 'repeat',
      reason:
        row.kind === 'petition'
          ? `重复：该信访人的同类事项已于 ${shanghaiDate(row.createdAt)} 登记（${where}），正在办理中，依《信访工作条例》不再重复受理，应告知办理进度`
          : `重复：该当事人的同类纠纷已于 ${shanghaiDate(row.createdAt)} 登记（${where}），尚未办结`,
    });
  }
  // 复核终结 (信访工作条例 Art.36): the same matter, after re-review, is not accepted again.
  const applicantPetitions = applicantCases
    .filter(({ row }) => row.kind === 'petition' && row.category === (draft.category ?? row.category))
    .map(({ row }) => row.id);
  if (applicantPetitions.length && (draft.kind ?? 'petition') === 'petition') {
    const [closed] = await db
      .select({ caseId: petitionReplies.caseId, issuedOn: petitionReplies.issuedOn })
      .from(petitionReplies)
      .where(
        and(
          eq(petitionReplies.districtCode, d),
          inArray(petitionReplies.caseId, applicantPetitions),
          eq(petitionReplies.stage, 're_review'),
        ),
      )
      .limit(1);
    if (closed) {
      signals.push({
        flag: 'repeat',
        reason: `重复：该事项已于 ${closed.issuedOn} 复核终结，以同一事实和理由提出的不再受理（《信访工作条例》第三十六条）`,
      });
    }
  }
  const recentVisits = applicantCases.filter(
    ({ row }) => row.createdAt >= new Date(now.getTime() - rules.repeatVisitDays * 86_400_000),
  ).length;
  if (recentVisits + 1 >= rules.repeatVisitCount) {
    signals.push({ flag: 'repeat_visits', reason: `重复来访：该当事人 ${rules.repeatVisitDays} 天内第 ${recentVisits + 1} 次反映` });
  }
  // 越级访: a petition brought to the district (its centre or a district department) by someone with no case at a street,
  // community or grid in the window — the level that should have handled it first was skipped.
  if (draft.kind === 'petition' && placeUnit) {
    const streets = await db
      .select({ id: units.id })
      .from(units)
      .where(and(eq(units.districtCode, d), eq(units.kind, 'street')));
    const isBelowDistrict = (path: string) => streets.some((st) => path.includes(`/${st.id}/`));
    if (!isBelowDistrict(placeUnit.path)) {
      const since = new Date(now.getTime() - rules.skipLevelDays * 86_400_000);
      const lower = applicantCases.some(({ row }) => row.createdAt >= since && isBelowDistrict(row.unitPath));
      if (!lower) signals.push({ flag: 'skip_level', reason: `越级：${rules.skipLevelDays} 天内未经街道、社区（村）受理，直接到区反映` });
    }
  }
  const people = draft.peopleInvolved ?? 1;
  const window = new Date(now.getTime() - rules.massWindowDays * 86_400_000);
  // One issue: the same respondent, or the same place told in similar words. Many wage claims against different
  // employers in a week are not one mass dispute.
  const isSameIssue = (reasons: string[]) =>
    reasons.some((x) => x.startsWith('同一被申请人')) ||
    (reasons.some((x) => x.startsWith('相似诉求')) && reasons.some((x) => x.startsWith('同一地点')));
  const sameIssueRecent = related.filter((r) => new Date(r.createdAt) >= window && isSameIssue(r.reasons)).length;
  if (people >= rules.massPeopleThreshold) {
    signals.push({ flag: 'mass', reason: `群体性：涉及 ${people} 人（达到 ${rules.massPeopleThreshold} 人标准）` });
  } else if (sameIssueRecent + 1 >= rules.massCaseCount) {
    signals.push({
      flag: 'mass',
      reason: `群体性：${rules.massWindowDays} 天内同一事项已有 ${sameIssueRecent + 1} 件（达到 ${rules.massCaseCount} 件标准），建议一揽子化解`,
    });
  }
  const threats = rules.threatWords.filter((w) => text.includes(w));
  if (threats.length) signals.push({ flag: 'threat', reason: `含有极端表述：${threats.join('、')}` });
  const birth = keys.find((k) => k.role === 'applicant' && k.birthDate)?.birthDate;
  if (birth) {
    const age = ageOn(birth, now);
    if (age >= rules.vulnerableAgeFrom) signals.push({ flag: 'vulnerable', reason: `困难群体：申请人 ${age} 岁（高龄）` });
    else if (age < rules.vulnerableAgeUnder) signals.push({ flag: 'vulnerable', reason: `困难群体：申请人 ${age} 岁（未成年）` });
  }

  // 一揽子化解: the same-issue cases of a mass dispute, suggested as one package (or the open package they are in).
  let suggestedPackage: RelatedPreview['suggestedPackage'] = null;
  if (signals.some((x) => x.flag === 'mass')) {
    const caseIds = related.filter((r) => isSameIssue(r.reasons)).map((r) => r.caseId);
    if (caseIds.length > 0) {
      const [existing] = await db
        .select({ id: casePackages.id, name: casePackages.name })
        .from(packageMembers)
        .innerJoin(
          casePackages,
          and(eq(casePackages.districtCode, packageMembers.districtCode), eq(casePackages.id, packageMembers.packageId)),
        )
        .where(
          and(
            eq(packageMembers.districtCode, d),
            inArray(packageMembers.caseId, caseIds),
            isNull(packageMembers.removedAt),
            eq(casePackages.status, 'open'),
          ),
        )
        .limit(1);
      const respondent = keys.find((k) => k.role === 'respondent' && k.name)?.name;
      suggestedPackage = { name: `${respondent ?? draft.summary ?? '同一事项'}群体性纠纷`, caseIds, existingPackage: existing ?? null };
    }
  }

  // The applicant's own record — except a phone shared under another name (a couple, a parent and child): that is only
  // likely the same person, as registration will treat it (persons.repository `planPartyPersons`).
  const matchedBy = applicant
    ? applicantKeys?.idHash && applicant.idNumberHash === applicantKeys.idHash
      ? 'id_number'
      : applicantKeys?.creditCode
        ? 'credit_code'
        : 'phone'
    : undefined;
  const typedName = applicantKeys?.name;
  const isOwnRecord = applicant && !(matchedBy === 'phone' && applicant.type === 'person' && typedName && !knowsName(applicant, typedName));
  if (applicant && !isOwnRecord && !likelyPersons.some((l) => l.id === applicant.id)) {
    likelyPersons.push({ id: applicant.id, name: applicant.name, score: 0.5, reasons: ['同一电话号码，姓名不同'] });
  }
  return {
    suggestedPackage,
    person:
      applicant && isOwnRecord
        ? {
            id: applicant.id,
            name: applicant.name,
            matchedBy: matchedBy!,
            // An ID number on file under another name: registration will ask the clerk to confirm (PERSON_NAME_DIFFERS).
            nameDiffers: matchedBy === 'id_number' && !!typedName && !knowsName(applicant, typedName),
            caseCount: applicantCases.length,
            openCaseCount: applicantCases.filter(({ row }) => !FINISHED_STATUSES.includes(row.status) && row.status !== 'concluded').length,
          }
        : null,
    likelyPersons: likelyPersons.sort((a, b) => b.score - a.score),
    related,
    flags: [...new Set(signals.map((s) => s.flag))] as RiskFlag[],
    signals,
  };
}

function ageOn(birthDate: string, now: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const today = shanghaiDate(now).split('-').map(Number) as [number, number, number];
  return today[0] - y - (today[1] < m || (today[1] === m && today[2] < d) ? 1 : 0);
}
