import { and, eq, sql } from 'drizzle-orm';
import {
  DEFAULT_TARGETS,
  THREE_ZERO_GROUPS,
  groupOf,
  type AssessedUnitInput,
  type ThreeZeroBoard,
  type ThreeZeroFiguresInput,
  type ThreeZeroImportResult,
  type ThreeZeroTargetsInput,
} from '../../../shared/schemas/three-zero.js';
import type { Db, Tx } from '../../db/client.js';
import { adminLog, assessedUnits, threeZeroFigures, threeZeroTargets, units } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { measureCondition } from './case-stats.js';
import { rollupRows } from './indicators.js';
import { readThreeZeroImport } from './three-zero-workbook.js';

/**
 * "三零" board of a year (docs/LEGAL-BASIS.md §6): 零上访 from the platform's own cases; 零事故 and 零案件 from entered figures.
 * A village/community's cases are those placed in it; an organisation's are those it is a party to (its registry
 * record or an organisation party of the same name). Carried up = settled by the town or district, or escalated.
 */
export async function readThreeZeroBoard({ db, actor, year }: { db: Db; actor: Actor; year: number }): Promise<ThreeZeroBoard> {
  const d = actor.districtCode;
  const { rows } = await db.execute<{
    id: string;
    name: string;
    type: ThreeZeroBoard['units'][number]['type'];
    place_name: string;
    carried_up: number;
    accidents: number | null;
    criminal_cases: number | null;
    source: string | null;
    entered_by: string | null;
    entered_at: Date | null;
  }>(sql`
    with carried_at as materialized (
      -- The year's cases carried up beyond the village (the leftVillage measure), per place unit, from the rollups: a
      -- few rows per unit whatever the number of cases (counting case_stats took 0.4 s at ten million; bench:cockpit).
      -- MATERIALIZED: inlined, the sum was made again for each assessed unit.
      select d.unit_path as path, sum(d.left_village)::int as n
      from ${rollupRows({ table: 'case_stats_units', columns: ['left_village'], districtCode: d, unitPath: actor.unitPath, from: `${year}-01-01`, to: `${year}-12-31`, grains: ['year', 'month', 'day'] })}
      group by d.unit_path
    )
    select a.id, a.name, a.type, u.name as place_name,
      case when a.type in ('village', 'community') then
        coalesce((select sum(x.n)::int from carried_at x where x.path like u.path || '%'), 0)
      else
        -- An organisation: the cases it is a party to (its record, or an organisation of the same name).
        (select count(distinct f.case_id)::int from persons p
          join case_parties cp on cp.district_code = p.district_code and cp.person_id = p.id
          join case_stats f on f.district_code = cp.district_code and f.case_id = cp.case_id
          where p.district_code = a.district_code and (p.id = a.person_id or (p.type = 'organization' and p.name = a.name))
            and ${measureCondition('leftVillage', `${year}-01-01`, `${year}-12-31`)})
      end as carried_up,
      z.accidents, z.criminal_cases, z.source, w.display_name as entered_by, z.entered_at
    from assessed_units a
    join units u on u.district_code = a.district_code and u.id = a.unit_id
    left join three_zero_figures z on z.district_code = a.district_code and z.assessed_unit_id = a.id and z.year = ${year}
    left join users w on w.district_code = z.district_code and w.id = z.entered_by
    where a.district_code = ${d} and u.path like ${`${actor.unitPath}%`}
    order by a.type in ('village', 'community') desc, u.path, a.name`);
  const [targetRows] = await Promise.all([
    db
      .select()
      .from(threeZeroTargets)
      .where(and(eq(threeZeroTargets.districtCode, d), eq(threeZeroTargets.year, year))),
  ]);
  const target = (g: 'village' | 'organisation') => targetRows.find((t) => t.group === g)?.percent ?? DEFAULT_TARGETS[g];
  const list = rows.map((r) => {
    const zeroPetition = r.carried_up === 0;
    const zeroAccident = r.accidents === null ? null : r.accidents === 0;
    const zeroCrime = r.criminal_cases === null ? null : r.criminal_cases === 0;
    return {
      id: r.id,
      name: r.name,
      type: r.type,
      group: groupOf(r.type),
      placeName: r.place_name,
      carriedUp: r.carried_up,
      accidents: r.accidents,
      criminalCases: r.criminal_cases,
      source: r.source,
      enteredBy: r.entered_by,
      enteredAt: r.entered_at ? new Date(r.entered_at).toISOString() : null,
      zeroPetition,
      zeroAccident,
      zeroCrime,
      // Not entered is not met: a unit meets the standard only on figures someone stands behind.
      meets: zeroPetition && zeroAccident === true && zeroCrime === true,
    };
  });
  const group = (g: 'village' | 'organisation') => {
    const members = list.filter((u) => u.group === g);
    const meeting = members.filter((u) => u.meets).length;
    return { total: members.length, meeting, share: members.length ? Math.round((meeting / members.length) * 1000) / 10 : null };
  };
  return {
    year,
    targets: { village: target('village'), organisation: target('organisation'), isDefault: targetRows.length === 0 },
    groups: { village: group('village'), organisation: group('organisation') },
    units: list,
  };
}

/** The name of the actor's own unit: the scope the board's Excel is titled with. */
export async function readScopeName({ db, actor }: { db: Db; actor: Actor }): Promise<string> {
  const [scope] = await db
    .select({ name: units.name })
    .from(units)
    .where(and(eq(units.districtCode, actor.districtCode), eq(units.id, actor.unitId)));
  return scope?.name ?? '';
}

async function assessedUnitInJurisdiction({ db, actor, id }: { db: Db; actor: Actor; id: string }) {
  const [row] = await db
    .select({ id: assessedUnits.id, path: units.path })
    .from(assessedUnits)
    .innerJoin(units, and(eq(units.districtCode, assessedUnits.districtCode), eq(units.id, assessedUnits.unitId)))
    .where(and(eq(assessedUnits.districtCode, actor.districtCode), eq(assessedUnits.id, id)));
  if (!row || !row.path.startsWith(actor.unitPath)) throw new AppError('ASSESSED_UNIT_NOT_FOUND');
  return row;
}

/** One unit's accidents and crimes for a year, with who entered them and when (entered on the board or imported). */
async function saveFigures({
  db,
  actor,
  assessedUnitId,
  year,
  figures,
  enteredAt,
}: {
  db: Db | Tx;
  actor: Actor;
  assessedUnitId: string;
  year: number;
  figures: ThreeZeroFiguresInput;
  enteredAt: Date;
}) {
  const values = {
    accidents: figures.accidents,
    criminalCases: figures.criminalCases,
    source: figures.source,
    enteredBy: actor.id,
    enteredAt,
  };
  await db
    .insert(threeZeroFigures)
    .values({ districtCode: actor.districtCode, assessedUnitId, year, ...values })
    .onConflictDoUpdate({ target: [threeZeroFigures.districtCode, threeZeroFigures.assessedUnitId, threeZeroFigures.year], set: values });
}

/**
 * A filled-in board workbook: every row checked first, then the changed figures saved and logged in one transaction
 * (all or nothing). Only the units the importer may see can be matched: a row naming another street's unit is "not found".
 */
export async function importThreeZeroFigures({
  db,
  actor,
  year,
  fileName,
  content,
}: {
  db: Db;
  actor: Actor;
  year: number;
  fileName: string;
  content: Buffer;
}): Promise<ThreeZeroImportResult> {
  const board = await readThreeZeroBoard({ db, actor, year });
  const { figures, skipped } = await readThreeZeroImport(content, board.units);
  const current = new Map(board.units.map((u) => [u.id, u]));
  const changed = figures.filter((f) => {
    const u = current.get(f.assessedUnitId)!;
    return u.accidents !== f.accidents || u.criminalCases !== f.criminalCases || u.source !== f.source;
  });
  await db.transaction(async (tx) => {
    const enteredAt = new Date();
    for (const f of changed) await saveFigures({ db: tx, actor, assessedUnitId: f.assessedUnitId, year, figures: f, enteredAt });
    await tx.insert(adminLog).values({
      districtCode: actor.districtCode,
      actorId: actor.id,
      action: 'threeZero.importFigures',
      entity: String(year),
      data: {
        fileName,
        imported: changed.map((f) => ({
          id: f.assessedUnitId,
          accidents: f.accidents,
          criminalCases: f.criminalCases,
          source: f.source,
        })),
      },
    });
  });
  return { imported: changed.length, unchanged: figures.length - changed.length, skipped };
}

/** A unit to assess, placed in the actor's jurisdiction; the same unit twice is refused. */
export async function addAssessedUnit({ db, actor, unit }: { db: Db; actor: Actor; unit: AssessedUnitInput }): Promise<{ id: string }> {
  const [place] = await db
    .select({ path: units.path })
    .from(units)
    .where(and(eq(units.districtCode, actor.districtCode), eq(units.id, unit.unitId)));
  if (!place) throw new AppError('UNIT_NOT_FOUND', { unitId: unit.unitId });
  if (!place.path.startsWith(actor.unitPath)) throw new AppError('UNIT_OUTSIDE_JURISDICTION');
  const [row] = await db
    .insert(assessedUnits)
    .values({ districtCode: actor.districtCode, ...unit })
    .onConflictDoNothing()
    .returning({ id: assessedUnits.id });
  if (!row) throw new AppError('ASSESSED_UNIT_EXISTS');
  await db
    .insert(adminLog)
    .values({ districtCode: actor.districtCode, actorId: actor.id, action: 'threeZero.addUnit', entity: row.id, data: unit });
  return row;
}

/** Every village and community of the actor's jurisdiction as an assessed unit (those already there are kept). */
export async function addAssessedVillages({ db, actor }: { db: Db; actor: Actor }): Promise<{ added: number }> {
  const { rowCount } = await db.execute(sql`
    insert into assessed_units (district_code, name, type, unit_id)
    select u.district_code, u.name, case when u.name like '%村' then 'village' else 'community' end, u.id
    from units u where u.district_code = ${actor.districtCode} and u.kind = 'community' and u.path like ${`${actor.unitPath}%`}
    on conflict do nothing`);
  return { added: rowCount ?? 0 };
}

/** One unit's figures for a year as entered on the board, logged with who entered them. */
export async function enterThreeZeroFigures({
  db,
  actor,
  assessedUnitId,
  year,
  figures,
}: {
  db: Db;
  actor: Actor;
  assessedUnitId: string;
  year: number;
  figures: ThreeZeroFiguresInput;
}): Promise<void> {
  await assessedUnitInJurisdiction({ db, actor, id: assessedUnitId });
  await saveFigures({ db, actor, assessedUnitId, year, figures, enteredAt: new Date() });
  await db.insert(adminLog).values({
    districtCode: actor.districtCode,
    actorId: actor.id,
    action: 'threeZero.enterFigures',
    entity: assessedUnitId,
    data: { year, ...figures },
  });
}

/** The district's target shares for a year, both groups and the log row in one transaction. */
export async function setThreeZeroTargets({
  db,
  actor,
  year,
  targets,
}: {
  db: Db;
  actor: Actor;
  year: number;
  targets: ThreeZeroTargetsInput;
}): Promise<void> {
  await db.transaction(async (tx) => {
    for (const group of THREE_ZERO_GROUPS) {
      await tx
        .insert(threeZeroTargets)
        .values({ districtCode: actor.districtCode, year, group, percent: targets[group] })
        .onConflictDoUpdate({
          target: [threeZeroTargets.districtCode, threeZeroTargets.year, threeZeroTargets.group],
          set: { percent: targets[group] },
        });
    }
    await tx.insert(adminLog).values({
      districtCode: actor.districtCode,
      actorId: actor.id,
      action: 'threeZero.setTargets',
      entity: String(year),
      data: targets,
    });
  });
}
