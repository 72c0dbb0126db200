import { randomBytes } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { adminLog, cases, caseSearch, units } from '../../db/schema.js';
import { tokenize } from '../../lib/chinese-text.js';
import type { Actor } from '../../plugins/auth.js';
import { appendLoadedTimeline } from '../case-access/record-case-change.js';
import { refreshCaseStats } from '../stats/case-stats.js';
import type { ImportMapping, ImportResult } from '../../../shared/schemas/imports.js';
import { planImport, type ImportUnit } from './plan-import.js';
import type { Table } from './read-table.js';

/** Rows per INSERT statement (27 columns each stay under PostgreSQL's 65,535 parameters). */
const STATEMENT_ROWS = 1000;

/** The district's units, as the import maps names and codes to them. */
export async function loadImportUnits(db: Db, districtCode: string): Promise<ImportUnit[]> {
  return db
    .select({ id: units.id, code: units.code, name: units.name, path: units.path })
    .from(units)
    .where(eq(units.districtCode, districtCode));
}

/**
 * One request of an import: the dry run checks every row and saves nothing; otherwise the good rows from `offset`
 * (`limit` of them) are written. Each row is keyed by the source's own case number, so a batch sent again — after an
 * interruption, or the whole file a second time — adds nothing. Imported cases are history: as recorded (channel,
 * dates, outcome), with their search words, timeline and statistics, but no clocks and no messages to anyone.
 */
export async function importCases(opts: {
  db: Db;
  actor: Actor;
  table: Table;
  mapping: ImportMapping;
  fileName: string;
  dryRun: boolean;
  offset: number;
  limit: number;
}): Promise<ImportResult & { missingColumns: string[] }> {
  const { db, actor, table } = opts;
  const d = actor.districtCode;
  const plan = planImport(table, opts.mapping, await loadImportUnits(db, d), new Date());
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
  if (opts.dryRun || plan.missingColumns.length) {
    const existing = plan.missingColumns.length ? new Set() : await alreadyThere(plan.good.map((g) => g.sourceCaseNumber));
    return { ...base, imported: 0, alreadyImported: existing.size, offset: 0, nextOffset: null };
  }
  const end = Math.min(table.rows.length, opts.offset + opts.limit);
  const batch = plan.good.filter((g) => g.index >= opts.offset && g.index < end);
  const existing = await alreadyThere(batch.map((g) => g.sourceCaseNumber));
  const fresh = batch.filter((g) => !existing.has(g.sourceCaseNumber));
  let imported = 0;
  const [root] = await db
    .select({ id: units.id, path: units.path })
    .from(units)
    .where(and(eq(units.districtCode, d), eq(units.id, actor.unitId)));
  await db.transaction(async (tx) => {
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
            peopleInvolved: 1,
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
        .onConflictDoNothing({ target: [cases.districtCode, cases.sourceCaseNumber] })
        .returning({ id: cases.id, sourceCaseNumber: cases.sourceCaseNumber });
      if (written.length === 0) continue;
      imported += written.length;
      const bySource = new Map(chunk.map((g) => [g.sourceCaseNumber, g]));
      await tx.insert(caseSearch).values(
        written.map((w) => {
          const g = bySource.get(w.sourceCaseNumber!)!;
          return {
            districtCode: d,
            caseId: w.id,
            searchVector: sql`to_tsvector('simple', ${tokenize(`${g.summary}\n${g.narrative}`).join(' ')})`,
            partyVector: sql`''::tsvector`,
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
      data: { fileName: opts.fileName, offset: opts.offset, rows: end - opts.offset, imported, alreadyImported: batch.length - imported },
    });
  });
  return {
    ...base,
    imported,
    alreadyImported: batch.length - imported,
    offset: opts.offset,
    nextOffset: end < table.rows.length ? end : null,
  };
}
