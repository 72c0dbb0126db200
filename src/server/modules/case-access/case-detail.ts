import { sql } from 'drizzle-orm';
import { shanghaiDate, type WorkCalendar } from '../../../shared/calendar.js';
import { maskAddress, maskIdNumber, maskPhone } from '../../../shared/identifiers.js';
import type { Outcome } from '../../../shared/enums.js';
import type { CaseDetail, CaseSummary, TimelineEntry, Urge } from '../../../shared/schemas/cases.js';
import { executePrepared, planOnceDb, type Db, type Tx } from '../../db/client.js';
import { rowsFromJson } from '../../db/json-rows.js';
import { attachments, caseClocks, caseEvents, caseExtensions, caseParties, cases, caseUrges } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { mostUrgent, presentClock, type ClockRow } from '../deadlines/case-clocks.js';
import type { CaseRow } from './case-row.js';
import { caseAbilitiesFor, caseActionsFor, canSeeCase } from './cases.policy.js';
import { rememberCase } from './recent-cases.js';

/**
 * A case as its pages show it: the list row (`summaryOf`) and the detail (`presentCaseDetail`, from one statement, or
 * `presentCaseDetailFrom` parts the caller has) — what every feature showing a case uses.
 */

type UrgeRow = typeof caseUrges.$inferSelect;

/** The columns of a case its summary shows (a list reads only these, cases.repository.ts `SUMMARY_COLUMNS`). */
export type SummaryRow = Pick<
  CaseRow,
  | 'id'
  | 'code'
  | 'status'
  | 'channel'
  | 'kind'
  | 'category'
  | 'summary'
  | 'riskLevel'
  | 'difficulty'
  | 'peopleInvolved'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
>;

/** One case as a list row: its most urgent running clock judged today, its units and handler by name. */
export function summaryOf(
  calendar: WorkCalendar,
  r: SummaryRow,
  refs: { unit: CaseSummary['unit']; leadUnit: CaseSummary['leadUnit']; handler: CaseSummary['handler']; clocks: ClockRow[] },
): CaseSummary {
  return {
    id: r.id,
    code: r.code,
    status: r.status,
    channel: r.channel,
    kind: r.kind,
    category: r.category,
    summary: r.summary,
    riskLevel: r.riskLevel,
    difficulty: r.difficulty,
    peopleInvolved: r.peopleInvolved,
    deadline: mostUrgent(refs.clocks.filter((c) => !c.stoppedAt).map((c) => presentClock(calendar, c))),
    unit: refs.unit,
    leadUnit: refs.leadUnit,
    handler: refs.handler,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

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
    isAutomatic: u.isAutomatic,
    answer: u.answer,
    answeredAt: u.answeredAt?.toISOString() ?? null,
    isLate: answeredOn ? answeredOn > u.replyBy : today > u.replyBy,
  };
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

/** What the detail page shows of a case besides the row: its units, handler and child rows. */
export interface CaseDetailParts {
  units: { id: string; code: string; name: string }[];
  handlerName: string | null;
  clocks: ClockRow[];
  parties: (typeof caseParties.$inferSelect)[];
  events: (typeof caseEvents.$inferSelect)[];
  files: Omit<typeof attachments.$inferSelect, 'content'>[];
  extensions: (typeof caseExtensions.$inferSelect)[];
  urges: (typeof caseUrges.$inferSelect)[];
  urgerNames: Map<string, string>;
  package: { id: string; name: string; proposedOutcome: Outcome | null; proposedNote: string | null } | null;
}

/** A case with nothing yet but its row: what the parts of a newly registered case start from. */
export const EMPTY_DETAIL_PARTS: CaseDetailParts = {
  units: [],
  handlerName: null,
  clocks: [],
  parties: [],
  events: [],
  files: [],
  extensions: [],
  urges: [],
  urgerNames: new Map(),
  package: null,
};

/**
 * The select list that reads one case's detail parts (each child table as JSON rows), correlated on the case row
 * `c` — a table alias or a data-modifying CTE's `returning c.*`. A change reading its own result in the same statement
 * names the CTEs that hold what it writes (PostgreSQL's subqueries do not see a CTE's writes, only its `returning`):
 * its new timeline rows (`events`), and the clocks it updates (`changedClocks`, replacing the stored ones) and starts
 * (`startedClocks`), each returning the whole rows.
 */
export function detailPartsSelect(c: string, written: { events?: string; changedClocks?: string; startedClocks?: string } = {}): string {
  const clocks = written.changedClocks
    ? `(select * from case_clocks k0 where k0.district_code = ${c}.district_code and k0.case_id = ${c}.id and k0.id not in (select id from ${written.changedClocks})
        union all select * from ${written.changedClocks} union all select * from ${written.startedClocks})`
    : `(select * from case_clocks k0 where k0.district_code = ${c}.district_code and k0.case_id = ${c}.id)`;
  const events = `(select * from case_events e0 where e0.district_code = ${c}.district_code and e0.case_id = ${c}.id${
    written.events ? ` union all select * from ${written.events}` : ''
  })`;
  return `
      (select jsonb_agg(jsonb_build_object('id', un.id, 'code', un.code, 'name', un.name))
        from units un where un.district_code = ${c}.district_code and un.id = any(array[${c}.unit_id, ${c}.lead_unit_id] || ${c}.co_unit_ids)) as units,
      (select display_name from users where district_code = ${c}.district_code and id = ${c}.handler_id) as handler_name,
      (select jsonb_agg(to_jsonb(k) order by k.started_at) from ${clocks} k) as clocks,
      (select jsonb_agg(to_jsonb(p) order by p.position) from case_parties p where p.district_code = ${c}.district_code and p.case_id = ${c}.id) as parties,
      (select jsonb_agg(to_jsonb(ev) order by ev.id) from ${events} ev) as events,
      (select jsonb_agg(to_jsonb(a) - 'content') from attachments a where a.district_code = ${c}.district_code and a.case_id = ${c}.id) as files,
      (select jsonb_agg(to_jsonb(x) order by x.requested_at) from case_extensions x where x.district_code = ${c}.district_code and x.case_id = ${c}.id) as extensions,
      (select jsonb_agg(to_jsonb(g) || jsonb_build_object('urged_by_name', n.display_name) order by g.urged_at)
        from case_urges g left join users n on n.district_code = g.district_code and n.id = g.urged_by
        where g.district_code = ${c}.district_code and g.case_id = ${c}.id) as urges,
      (select jsonb_build_object('id', pk.id, 'name', pk.name, 'proposedOutcome', m.proposed_outcome, 'proposedNote', m.proposed_note)
        from package_members m join case_packages pk on pk.district_code = m.district_code and pk.id = m.package_id
        where m.district_code = ${c}.district_code and m.case_id = ${c}.id and m.removed_at is null limit 1) as package`;
}

/** The parts from the columns `detailPartsSelect` named. */
export function detailPartsFrom(r: Record<string, unknown>): CaseDetailParts {
  return {
    units: (r.units ?? []) as CaseDetailParts['units'],
    handlerName: (r.handler_name as string | null) ?? null,
    clocks: rowsFromJson(caseClocks, r.clocks),
    parties: rowsFromJson(caseParties, r.parties),
    events: rowsFromJson(caseEvents, r.events),
    files: rowsFromJson(attachments, r.files),
    extensions: rowsFromJson(caseExtensions, r.extensions),
    urges: rowsFromJson(caseUrges, r.urges),
    urgerNames: new Map(
      ((r.urges ?? []) as { urged_by: string | null; urged_by_name: string | null }[]).flatMap((u) =>
        u.urged_by && u.urged_by_name ? [[u.urged_by, u.urged_by_name] as const] : [],
      ),
    ),
    package: (r.package as CaseDetailParts['package']) ?? null,
  };
}

/** The parts of one stored case's detail, read in one statement. */
export async function loadCaseDetailParts(db: Db | Tx, row: CaseRow): Promise<CaseDetailParts> {
  const [r] = await executePrepared<Record<string, unknown>>(
    db,
    'fq_case_detail',
    sql`select ${sql.raw(detailPartsSelect('c'))} from cases c where c.district_code = ${row.districtCode} and c.id = ${row.id}`,
  );
  if (!r) throw new AppError('CASE_NOT_FOUND');
  return detailPartsFrom(r);
}

/**
 * Whether case `c` has its statistics and search rows: the start-up backfills write them for cases from before those
 * existed, under the case's lock but without writing the case row (record-case-change.ts, recent-cases.ts).
 */
export const BACKFILLED = `exists (select 1 from case_stats s where s.district_code = c.district_code and s.case_id = c.id)
          and exists (select 1 from case_search s where s.district_code = c.district_code and s.case_id = c.id)`;

/**
 * The case with its detail parts if `actor` may see it, else CASE_NOT_FOUND (as `findVisibleCase`): what the detail
 * page reads, in one statement. The case is remembered with its row version for a step that may follow
 * (recent-cases.ts).
 */
export async function findVisibleCaseDetail(opts: {
  db: Db | Tx;
  actor: Actor;
  caseId: string;
}): Promise<{ row: CaseRow; parts: CaseDetailParts }> {
  // Outside a transaction on the connections that plan once (db/client.ts `planOnceDb`): the most frequent read of
  // all, whose custom plans a connection made five times over, and again after each ANALYZE of the tables it reads.
  const [r] = await executePrepared<Record<string, unknown> & { xmin: string; backfilled: boolean }>(
    planOnceDb(opts.db),
    'fq_case_with_detail',
    sql`select to_jsonb(c) as row, c.xmin::text as xmin, ${sql.raw(BACKFILLED)} as backfilled, ${sql.raw(detailPartsSelect('c'))}
      from cases c where c.district_code = ${opts.actor.districtCode} and c.id = ${opts.caseId}`,
  );
  const [row] = r ? (rowsFromJson(cases, [r.row]) as [CaseRow]) : [];
  if (!row || !canSeeCase(opts.actor, row)) throw new AppError('CASE_NOT_FOUND');
  const parts = detailPartsFrom(r!);
  if (r!.backfilled) rememberCase(opts.db, { row, running: parts.clocks.filter((k) => !k.stoppedAt), xmin: r!.xmin });
  return { row, parts };
}

/**
 * The full case as its detail page shows it: parties as given for this case (masked), timeline with attachments,
 * clocks, extensions, urges, package, allowed actions.
 */
export async function presentCaseDetail(
  deps: { db: Db | Tx; crypto: PersonalDataCrypto; calendar: WorkCalendar },
  actor: Actor,
  row: CaseRow,
): Promise<CaseDetail> {
  return presentCaseDetailFrom(deps, actor, row, await loadCaseDetailParts(deps.db, row));
}

/** `presentCaseDetail` from parts the caller has already (a registration knows everything of its new case). */
export function presentCaseDetailFrom(
  deps: { crypto: PersonalDataCrypto; calendar: WorkCalendar },
  actor: Actor,
  row: CaseRow,
  parts: CaseDetailParts,
): CaseDetail {
  const { crypto, calendar } = deps;
  const unitOf = (id: string | null) => (id ? (parts.units.find((u) => u.id === id) ?? null) : null);
  const supervision = presentSupervision(parts.extensions, parts.urges, parts.urgerNames);
  const timeline: TimelineEntry[] = parts.events.map((e) => ({
    id: String(e.id),
    at: e.at.toISOString(),
    action: e.action,
    actorName: e.actorName,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    reason: e.reason,
    data: e.data ?? null,
    attachments: parts.files
      .filter((f) => f.eventId === e.id)
      .map((f) => ({
        id: f.id,
        eventId: f.eventId,
        kind: f.kind,
        fileName: f.fileName,
        mimeType: f.mimeType,
        size: f.size,
        createdAt: f.createdAt.toISOString(),
      })),
  }));
  return {
    ...summaryOf(calendar, row, {
      unit: unitOf(row.unitId),
      leadUnit: unitOf(row.leadUnitId),
      handler: row.handlerId && parts.handlerName ? { id: row.handlerId, name: parts.handlerName } : null,
      clocks: parts.clocks,
    }),
    trackingToken: row.trackingToken,
    narrative: row.narrative,
    placeAddress: row.placeAddress,
    placePosition: row.placeLat !== null && row.placeLng !== null ? { lat: row.placeLat, lng: row.placeLng } : null,
    externalRef: row.externalRef,
    package: parts.package,
    coUnits: row.coUnitIds.flatMap((id) => unitOf(id) ?? []),
    outcome: row.outcome,
    satisfaction: row.satisfaction,
    rejectReason: row.rejectReason,
    // The parties as given for this case — never as the registry heard of the person since.
    parties: parts.parties.map((p) => ({
      id: p.id,
      personId: p.personId,
      role: p.role,
      type: p.type,
      name: p.name,
      idNumber: p.idNumberEnc ? maskIdNumber(crypto.decrypt(p.idNumberEnc)) : null,
      phone: p.phoneEnc ? maskPhone(crypto.decrypt(p.phoneEnc)) : null,
      address: p.addressEnc ? maskAddress(crypto.decrypt(p.addressEnc)) : null,
    })),
    timeline,
    clocks: parts.clocks.map((c) => presentClock(calendar, c)),
    ...supervision,
    abilities: caseAbilitiesFor(actor, row),
    allowedActions: caseActionsFor(actor, row, {
      clocks: parts.clocks,
      hasPendingExtension: supervision.extensions.some((e) => e.status === 'pending'),
      hasOpenUrge: supervision.urges.some((u) => !u.answeredAt),
    }),
  };
}
