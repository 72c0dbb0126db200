import { randomBytes } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { adminLog, caseParties, cases, caseSearch, persons, units } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { appendLoadedTimeline } from '../case-access/record-case-change.js';
import {
  applyPersonUpdates,
  partyAsGiven,
  planPartyPersonsBatch,
  type NewPerson,
  type PartyPersonsPlan,
} from '../persons/persons.repository.js';
import { searchDocumentsOf } from '../search/case-search-index.js';
import { refreshCaseStats } from '../stats/case-stats.js';
import type { ImportMapping, ImportResult } from '../../../shared/schemas/imports.js';
import { planImport, type ImportUnit, type PlannedCase } from './plan-import.js';
import type { Table } from './read-table.js';

/** Rows per INSERT statement (27 columns each stay under PostgreSQL's 65,535 parameters). */
const STATEMENT_ROWS = 1000;

/** How long a plan is reused for the next batches of the same file, mapping and units. */
const PLAN_REUSE_MS = 15 * 60_000;
/**
 * The last plan made, for the import's next batch: the page sends the same file (read once, `readTable`) and mapping
 * with each batch, and planning 100,000 rows again for each cost seconds per batch (bench:import). Reused only for the
 * same table, mapping, district and units, within PLAN_REUSE_MS (its "today" is the first batch's).
 */
let lastPlan: { table: Table; key: string; at: number; plan: ReturnType<typeof planImport>; forget: NodeJS.Timeout } | undefined;

function planOnce(table: Table, mapping: ImportMapping, districtCode: string, importUnits: readonly ImportUnit[]) {
  const key = JSON.stringify([districtCode, mapping, importUnits]);
  const now = Date.now();
  if (lastPlan && lastPlan.table === table && lastPlan.key === key && now - lastPlan.at < PLAN_REUSE_MS) return lastPlan.plan;
  if (lastPlan) clearTimeout(lastPlan.forget);
  const plan = planImport(table, mapping, importUnits, new Date(now));
  // Let go when it can no longer be reused (it holds the rows' parties).
  const forget = setTimeout(() => {
    if (lastPlan?.plan === plan) lastPlan = undefined;
  }, PLAN_REUSE_MS).unref();
  lastPlan = { table, key, at: now, plan, forget };
  return plan;
}

/** The district's units, as the import maps names and codes to them. */
export async function loadImportUnits(db: Db, districtCode: string): Promise<ImportUnit[]> {
  return db
    .select({ id: units.id, code: units.code, name: units.name, path: units.path })
    .from(units)
    .where(eq(units.districtCode, districtCode))
    .orderBy(units.id);
}

const ROLE_LABEL = { applicant: '申请人', respondent: '被申请人', third_party: '第三人' } as const;

/**
 * The registry's record for each row's parties, decided as a registration's are (`planPartyPersonsBatch`: the same
 * ID number is one person, across the file and with the registry), or why a row cannot be filed against the registry:
 * an ID number on file under another name (a registration asks the clerk to confirm; an import cannot, so the row is
 * listed for the admin to correct), or one person on both sides. Reads only.
 */
async function planRowParties(
  tx: Tx,
  crypto: PersonalDataCrypto,
  districtCode: string,
  rows: readonly PlannedCase[],
): Promise<{ plans: Map<number, PartyPersonsPlan>; refused: Map<number, string> }> {
  const plans = new Map<number, PartyPersonsPlan>();
  const refused = new Map<number, string>();
  const answers = await planPartyPersonsBatch(
    tx,
    crypto,
    districtCode,
    rows.map((g) => g.parties),
  );
  answers.forEach((answer, i) => {
    const g = rows[i]!;
    if (!(answer instanceof AppError)) return plans.set(g.index, answer);
    const details = (answer.details ?? {}) as { partyIndex?: number; registeredName?: string };
    const party = g.parties[details.partyIndex ?? 0];
    refused.set(
      g.index,
      answer.code === 'PERSON_NAME_DIFFERS' && party
        ? `${ROLE_LABEL[party.role]}身份证号码已登记在“${details.registeredName}”名下，与本行姓名“${party.name}”不一致`
        : '申请人与被申请人是同一人',
    );
  });
  return { plans, refused };
}

/**
 * One request of an import: the dry run checks every row and saves nothing; otherwise the good rows from `offset`
 * (`limit` of them) are written. Each row is keyed by the source's own case number, so a batch sent again — after an
 * interruption, or the whole file a second time — adds nothing. Imported cases are history: as recorded (channel,
 * dates, outcome), with their search words, timeline and statistics, but no clocks and no messages to anyone.
 */
export async function importCases(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  table: Table;
  mapping: ImportMapping;
  fileName: string;
  dryRun: boolean;
  offset: number;
  limit: number;
}): Promise<ImportResult & { missingColumns: string[] }> {
  const { db, crypto, actor, table } = opts;
  const d = actor.districtCode;
  const plan = planOnce(table, opts.mapping, d, await loadImportUnits(db, d));
  const base = {
    dryRun: opts.dryRun,
    total: table.rows.length,
    headers: table.headers,
    columns: plan.columns,
    values: plan.values,
    badRows: plan.badRows,
    missingColumns: plan.missingColumns,
  };
  const alreadyThere = async (numbers: string[]) => {
    const found = new Set<string>();
    for (let i = 0; i < numbers.length; i += 10_000) {
      const rows = await db
        .select({ n: cases.sourceCaseNumber })
        .from(cases)
        .where(and(eq(cases.districtCode, d), inArray(cases.sourceCaseNumber, numbers.slice(i, i + 10_000))));
      for (const r of rows) found.add(r.n!);
    }
    return found;
  };
  /** The rows the registry refuses join the bad rows, in the sheet's order. */
  const withRefused = (refused: Map<number, string>, rows: readonly PlannedCase[]) =>
    [
      ...plan.badRows,
      ...rows
        .filter((g) => refused.has(g.index))
        .map((g) => ({ row: g.index + 2, sourceCaseNumber: g.sourceCaseNumber, reasons: [refused.get(g.index)!], closestUnit: null })),
    ].sort((a, b) => a.row - b.row);
  if (opts.dryRun || plan.missingColumns.length) {
    if (plan.missingColumns.length) return { ...base, imported: 0, alreadyImported: 0, offset: 0, nextOffset: null };
    const existing = await alreadyThere(plan.good.map((g) => g.sourceCaseNumber));
    const fresh = plan.good.filter((g) => !existing.has(g.sourceCaseNumber));
    const { refused } = await db.transaction((tx) => planRowParties(tx, crypto, d, fresh));
    return { ...base, badRows: withRefused(refused, fresh), imported: 0, alreadyImported: existing.size, offset: 0, nextOffset: null };
  }
  const end = Math.min(table.rows.length, opts.offset + opts.limit);
  const batch = plan.good.filter((g) => g.index >= opts.offset && g.index < end);
  const existing = await alreadyThere(batch.map((g) => g.sourceCaseNumber));
  const unseen = batch.filter((g) => !existing.has(g.sourceCaseNumber));
  let imported = 0;
  let refusedRows: PlannedCase[] = [];
  let refused = new Map<number, string>();
  const [root] = await db
    .select({ id: units.id, path: units.path })
    .from(units)
    .where(and(eq(units.districtCode, d), eq(units.id, actor.unitId)));
  await db.transaction(async (tx) => {
    // Not through `recordNewCases`: an imported case keeps its recorded dates, status and outcome, its source number
    // as key and code, and starts no clock, assessment or message — that statement registers a new case at 'registered'
    // with its first clocks. The registry's part is the registration's own (`planPartyPersonsBatch`,
    // `applyPersonUpdates`, `partyAsGiven`, `searchDocumentsOf`), so an imported party is the same person a later
    // registration finds; its rows go in by drizzle inserts, which take the encrypted Buffers as they are (the base64
    // encoders in record-case-change.ts exist only for that statement's JSON input).
    const parties = await planRowParties(tx, crypto, d, unseen);
    refused = parties.refused;
    refusedRows = unseen.filter((g) => refused.has(g.index));
    const fresh = unseen.filter((g) => parties.plans.has(g.index));
    // A person new to the registry is created with the first written case naming them (two rows may name them).
    const toCreate = new Map<string, NewPerson>();
    for (const p of parties.plans.values()) for (const n of p.toCreate) toCreate.set(n.id, n);
    const created = new Set<string>();
    for (let i = 0; i < fresh.length; i += STATEMENT_ROWS) {
      const chunk = fresh.slice(i, i + STATEMENT_ROWS);
      const written = await tx
        .insert(cases)
        .values(
          chunk.map((g) => ({
            districtCode: d,
            code: `${d}-IMP-${g.sourceCaseNumber}`,
            trackingToken: randomBytes(10).toString('hex').toUpperCase(),
            channel: g.channel,
            kind: g.kind,
            category: g.category,
            summary: g.summary,
            narrative: g.narrative,
            peopleInvolved: Math.max(1, g.parties.length),
            riskLevel: 'low' as const,
            unitId: g.placeUnit?.id ?? root!.id,
            unitPath: g.placeUnit?.path ?? root!.path,
            registeredBy: actor.id,
            leadUnitId: g.leadUnit?.id ?? null,
            leadUnitPath: g.leadUnit?.path ?? null,
            // As recorded: a concluded case is archived history; an open one waits at dispatch, with no clock started.
            status: g.concludedAt ? ('archived' as const) : g.leadUnit ? ('dispatched' as const) : ('accepted' as const),
            outcome: g.outcome,
            concludedAt: g.concludedAt,
            sourceCaseNumber: g.sourceCaseNumber,
            createdAt: g.registeredAt,
            updatedAt: g.concludedAt ?? g.registeredAt,
          })),
        )
        // Two imports of the same file at once: the unique source case number lets one of them write each row.
        .onConflictDoNothing({ target: [cases.districtCode, cases.sourceCaseNumber], where: sql`${cases.sourceCaseNumber} is not null` })
        .returning({ id: cases.id, sourceCaseNumber: cases.sourceCaseNumber });
      if (written.length === 0) continue;
      imported += written.length;
      const bySource = new Map(chunk.map((g) => [g.sourceCaseNumber, g]));
      const writtenRows = written.map((w) => ({ id: w.id, g: bySource.get(w.sourceCaseNumber!)! }));
      // The parties: new registry records first (case_parties points at them), then the fill-ins, then the parties as recorded.
      const needed = writtenRows
        .flatMap(({ g }) => parties.plans.get(g.index)!.personIds)
        .filter((id) => toCreate.has(id) && !created.has(id));
      const newPersons = [...new Set(needed)].map((id) => toCreate.get(id)!);
      for (let p = 0; p < newPersons.length; p += STATEMENT_ROWS) await tx.insert(persons).values(newPersons.slice(p, p + STATEMENT_ROWS));
      for (const n of newPersons) created.add(n.id);
      await applyPersonUpdates(
        tx,
        d,
        writtenRows.flatMap(({ g }) => parties.plans.get(g.index)!.updates),
      );
      const partyRows = writtenRows.flatMap(({ id, g }) =>
        g.parties.map((p, n) => ({
          districtCode: d,
          caseId: id,
          personId: parties.plans.get(g.index)!.personIds[n]!,
          role: p.role,
          position: n,
          caseCreatedAt: g.registeredAt,
          ...partyAsGiven(crypto, p),
        })),
      );
      if (partyRows.length) await tx.insert(caseParties).values(partyRows);
      await tx.insert(caseSearch).values(
        writtenRows.map(({ id, g }) => {
          const doc = searchDocumentsOf(crypto, g, g.parties);
          return {
            districtCode: d,
            caseId: id,
            searchVector: sql`to_tsvector('simple', ${doc.text})`,
            partyVector: sql`to_tsvector('simple', ${doc.parties})`,
            caseCreatedAt: g.registeredAt,
          };
        }),
      );
      const ids = sql.join(
        written.map((w) => sql`${w.id}::uuid`),
        sql`, `,
      );
      await appendLoadedTimeline(
        tx,
        sql`select c.district_code, c.id, e.at, ${actor.displayName}, e.action, e.from_status, e.to_status, e.reason
        from cases c
        cross join lateral (values
          (c.created_at, 'register', null, 'registered', '自原系统导入，原案件编号 ' || c.source_case_number),
          (case when c.status <> 'registered' then c.created_at end, 'accept', 'registered', 'accepted', null),
          (case when c.lead_unit_id is not null then c.created_at end, 'dispatch', 'accepted', 'dispatched', null),
          (c.concluded_at, 'conclude', case when c.lead_unit_id is not null then 'dispatched' else 'accepted' end, 'concluded', '原系统记录的办结'),
          (c.concluded_at, 'archive', 'concluded', 'archived', null)
        ) as e(at, action, from_status, to_status, reason)
        where c.district_code = ${d} and c.id in (${ids}) and e.at is not null`,
      );
      await refreshCaseStats(
        tx,
        d,
        written.map((w) => w.id),
      );
    }
    await tx.insert(adminLog).values({
      districtCode: d,
      actorId: actor.id,
      action: 'cases.import',
      entity: 'cases',
      data: {
        fileName: opts.fileName,
        offset: opts.offset,
        rows: end - opts.offset,
        imported,
        alreadyImported: batch.length - refused.size - imported,
        refusedByRegistry: refused.size,
      },
    });
  });
  return {
    ...base,
    badRows: withRefused(refused, refusedRows),
    imported,
    alreadyImported: batch.length - refused.size - imported,
    offset: opts.offset,
    nextOffset: end < table.rows.length ? end : null,
  };
}
