import { and, asc, desc, eq, inArray, isNull, like, or, sql } from 'drizzle-orm';
import type { Outcome, RiskLevel } from '../../../shared/enums.js';
import type { PackageDetail, PackageSummary } from '../../../shared/schemas/packages.js';
import type { Db, Tx } from '../../db/client.js';
import { casePackages, cases, packageMeetings, packageMembers, units, users } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSeeCase } from '../case-access/cases.policy.js';
import { recordCaseEvent } from '../case-access/record-case-change.js';
import { findUnitById, findUnitsByIds } from '../units/units.repository.js';

type PackageRow = typeof casePackages.$inferSelect;
const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

/** Packages the actor may see: led or co-handled in their subtree, or handled by them. */
function visiblePackages(actor: Actor) {
  return and(
    eq(casePackages.districtCode, actor.districtCode),
    or(
      like(casePackages.unitPath, `${actor.unitPath}%`),
      eq(casePackages.handlerId, actor.id),
      sql`${actor.unitId}::uuid = any(${casePackages.coUnitIds})`,
    ),
  );
}

async function findVisiblePackage(db: Db | Tx, opts: { actor: Actor; id: string; forUpdate?: boolean }): Promise<PackageRow> {
  const { actor, id, forUpdate } = opts;
  const q = db
    .select()
    .from(casePackages)
    .where(and(visiblePackages(actor), eq(casePackages.id, id)));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw new AppError('PACKAGE_NOT_FOUND');
  return row;
}

/** A timeline row on a member case — joining, leaving, the package's proposal — through the case's write path. */
async function noteOnCase(opts: {
  db: Db;
  tx: Tx;
  actor: Actor;
  caseId: string;
  action: string;
  reason: string;
  data: Record<string, unknown>;
}) {
  const { db, tx, actor, caseId, action, reason, data } = opts;
  await recordCaseEvent({ db, within: tx, districtCode: actor.districtCode, caseId, author: actor, event: { action, reason, data } });
}

async function addMembers(opts: { db: Db; tx: Tx; actor: Actor; pkg: PackageRow; caseIds: string[] }) {
  const { db, tx, actor, pkg } = opts;
  // In id order throughout: the members' inserts take a key-share lock on each case, then the notes lock them; two
  // packages taking overlapping cases (or a recomputation of clocks, deadlines/case-clocks.ts) lock them in the same
  // order, so one waits and neither deadlocks.
  const caseIds = [...opts.caseIds].sort();
  const rows = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.districtCode, actor.districtCode), inArray(cases.id, caseIds)));
  for (const id of caseIds) {
    const row = rows.find((r) => r.id === id);
    if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND', { caseId: id });
  }
  const inserted = await tx
    .insert(packageMembers)
    .values(caseIds.map((caseId) => ({ districtCode: actor.districtCode, packageId: pkg.id, caseId, addedBy: actor.id })))
    .onConflictDoNothing()
    .returning({ caseId: packageMembers.caseId });
  if (inserted.length !== caseIds.length) {
    const taken = caseIds.filter((id) => !inserted.some((i) => i.caseId === id));
    throw new AppError('CASE_IN_OTHER_PACKAGE', { caseIds: taken });
  }
  for (const id of caseIds)
    await noteOnCase({
      db,
      tx,
      actor,
      caseId: id,
      action: 'package_add',
      reason: `纳入一揽子化解：${pkg.name}`,
      data: { packageId: pkg.id, packageName: pkg.name },
    });
}

export async function createPackage(opts: {
  db: Db;
  actor: Actor;
  input: { name: string; leadUnitId: string; coUnitIds: string[]; handlerId: string | null; deadline: string | null; caseIds: string[] };
}) {
  const { db, actor, input } = opts;
  const lead = await findUnitById(db, actor.districtCode, input.leadUnitId);
  if (!lead) throw new AppError('UNIT_NOT_FOUND', { unitId: input.leadUnitId });
  const coUnitIds = [...new Set(input.coUnitIds)].filter((id) => id !== lead.id);
  if ((await findUnitsByIds(db, actor.districtCode, coUnitIds)).length !== coUnitIds.length)
    throw new AppError('UNIT_NOT_FOUND', { coUnitIds });
  if (input.handlerId) {
    const [h] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.districtCode, actor.districtCode), eq(users.id, input.handlerId), isNull(users.disabledAt)));
    if (!h) throw new AppError('HANDLER_NOT_IN_UNIT');
  }
  return db.transaction(async (tx) => {
    const [pkg] = await tx
      .insert(casePackages)
      .values({
        districtCode: actor.districtCode,
        name: input.name,
        leadUnitId: lead.id,
        coUnitIds,
        handlerId: input.handlerId,
        deadline: input.deadline,
        unitPath: lead.path,
        createdBy: actor.id,
      })
      .returning();
    await addMembers({ db, tx, actor, pkg: pkg!, caseIds: [...new Set(input.caseIds)] });
    return pkg!.id;
  });
}

export async function addPackageMember(opts: { db: Db; actor: Actor; packageId: string; caseId: string }) {
  const { db, actor, packageId, caseId } = opts;
  await db.transaction(async (tx) => {
    const pkg = await findVisiblePackage(tx, { actor, id: packageId, forUpdate: true });
    if (pkg.status !== 'open') throw new AppError('PACKAGE_CLOSED');
    await addMembers({ db, tx, actor, pkg, caseIds: [caseId] });
  });
}

export async function removePackageMember(opts: { db: Db; actor: Actor; packageId: string; caseId: string; reason: string }) {
  const { db, actor, packageId, caseId, reason } = opts;
  await db.transaction(async (tx) => {
    const pkg = await findVisiblePackage(tx, { actor, id: packageId, forUpdate: true });
    if (pkg.status !== 'open') throw new AppError('PACKAGE_CLOSED');
    const removed = await tx
      .update(packageMembers)
      .set({ removedAt: new Date(), removedBy: actor.id, removeReason: reason })
      .where(
        and(
          eq(packageMembers.districtCode, actor.districtCode),
          eq(packageMembers.packageId, pkg.id),
          eq(packageMembers.caseId, caseId),
          isNull(packageMembers.removedAt),
        ),
      )
      .returning();
    if (removed.length === 0) throw new AppError('PACKAGE_MEMBER_NOT_FOUND');
    await noteOnCase({
      db,
      tx,
      actor,
      caseId,
      action: 'package_remove',
      reason: `移出一揽子化解：${pkg.name}（${reason}）`,
      data: { packageId: pkg.id, packageName: pkg.name },
    });
  });
}

export async function recordMeeting(opts: {
  db: Db;
  actor: Actor;
  packageId: string;
  input: { heldOn: string; attendees: string; minutes: string };
}) {
  const { db, actor, packageId, input } = opts;
  const pkg = await findVisiblePackage(db, { actor, id: packageId });
  if (pkg.status !== 'open') throw new AppError('PACKAGE_CLOSED');
  await db.insert(packageMeetings).values({ districtCode: actor.districtCode, packageId: pkg.id, ...input, recordedBy: actor.id });
}

/**
 * Concludes the package with its conclusion and a proposed outcome per member case. The cases are not concluded
 * here: each case's handler confirms by concluding it (the proposal is on its timeline and pre-fills the form).
 */
export async function concludePackage(opts: {
  db: Db;
  actor: Actor;
  packageId: string;
  input: { conclusion: string; outcomes: { caseId: string; outcome: Outcome; note: string }[] };
}) {
  const { db, actor, packageId, input } = opts;
  await db.transaction(async (tx) => {
    const pkg = await findVisiblePackage(tx, { actor, id: packageId, forUpdate: true });
    if (pkg.status !== 'open') throw new AppError('PACKAGE_CLOSED');
    const members = await activeMembers(tx, actor.districtCode, pkg.id);
    for (const o of input.outcomes)
      if (!members.some((m) => m.caseId === o.caseId)) throw new AppError('PACKAGE_MEMBER_NOT_FOUND', { caseId: o.caseId });
    for (const o of [...input.outcomes].sort((a, b) => a.caseId.localeCompare(b.caseId))) {
      await tx
        .update(packageMembers)
        .set({ proposedOutcome: o.outcome, proposedNote: o.note })
        .where(
          and(
            eq(packageMembers.districtCode, actor.districtCode),
            eq(packageMembers.packageId, pkg.id),
            eq(packageMembers.caseId, o.caseId),
            isNull(packageMembers.removedAt),
          ),
        );
      await noteOnCase({
        db,
        tx,
        actor,
        caseId: o.caseId,
        action: 'package_conclude',
        reason: `一揽子化解方案：${o.note}`,
        data: { packageId: pkg.id, proposedOutcome: o.outcome },
      });
    }
    await tx
      .update(casePackages)
      .set({ status: 'concluded', conclusion: input.conclusion, concludedAt: new Date() })
      .where(and(eq(casePackages.districtCode, actor.districtCode), eq(casePackages.id, pkg.id)));
  });
}

async function activeMembers(db: Db | Tx, districtCode: string, packageId: string) {
  return db
    .select()
    .from(packageMembers)
    .where(and(eq(packageMembers.districtCode, districtCode), eq(packageMembers.packageId, packageId), isNull(packageMembers.removedAt)));
}

/** The packages the actor may see, open ones by default, with size, people involved, age and the highest risk. */
export async function listPackages(db: Db, actor: Actor, status: 'open' | 'concluded' | 'all'): Promise<PackageSummary[]> {
  const rows = await db
    .select({
      pkg: casePackages,
      leadName: units.name,
      handlerName: users.displayName,
      size: sql<number>`count(c.id)::int`,
      people: sql<number>`coalesce(sum(c.people_involved), 0)::int`,
      risk: sql<number>`coalesce(max(case c.risk_level when 'high' then 2 when 'medium' then 1 else 0 end), 0)::int`,
    })
    .from(casePackages)
    .innerJoin(units, and(eq(units.districtCode, casePackages.districtCode), eq(units.id, casePackages.leadUnitId)))
    .leftJoin(users, and(eq(users.districtCode, casePackages.districtCode), eq(users.id, casePackages.handlerId)))
    .leftJoin(
      packageMembers,
      and(
        eq(packageMembers.districtCode, casePackages.districtCode),
        eq(packageMembers.packageId, casePackages.id),
        isNull(packageMembers.removedAt),
      ),
    )
    .leftJoin(sql`${cases} c`, sql`c.district_code = ${packageMembers.districtCode} and c.id = ${packageMembers.caseId}`)
    .where(and(visiblePackages(actor), ...(status === 'all' ? [] : [eq(casePackages.status, status)])))
    .groupBy(casePackages.districtCode, casePackages.id, units.name, users.displayName)
    .orderBy(desc(casePackages.createdAt))
    .limit(500);
  return rows.map((r) => summaryOf(r.pkg, r.leadName, r.handlerName, r.size, r.people, (['low', 'medium', 'high'] as const)[r.risk]!));
}

function summaryOf(
  pkg: PackageRow,
  leadName: string,
  handlerName: string | null,
  size: number,
  people: number,
  riskLevel: RiskLevel,
): PackageSummary {
  return {
    id: pkg.id,
    name: pkg.name,
    status: pkg.status,
    leadUnit: { id: pkg.leadUnitId, name: leadName },
    handler: pkg.handlerId && handlerName ? { id: pkg.handlerId, name: handlerName } : null,
    deadline: pkg.deadline,
    size,
    peopleInvolved: people,
    ageDays: Math.floor((Date.now() - pkg.createdAt.getTime()) / 86_400_000),
    riskLevel,
    createdAt: pkg.createdAt.toISOString(),
  };
}

export async function getPackage(db: Db, actor: Actor, id: string): Promise<PackageDetail> {
  const pkg = await findVisiblePackage(db, { actor, id });
  const d = actor.districtCode;
  const [lead, coUnits, handler, memberRows, meetings] = await Promise.all([
    findUnitById(db, d, pkg.leadUnitId),
    findUnitsByIds(db, d, pkg.coUnitIds),
    pkg.handlerId
      ? db
          .select({ name: users.displayName })
          .from(users)
          .where(and(eq(users.districtCode, d), eq(users.id, pkg.handlerId)))
      : Promise.resolve([]),
    db
      .select({ member: packageMembers, c: cases })
      .from(packageMembers)
      .innerJoin(cases, and(eq(cases.districtCode, packageMembers.districtCode), eq(cases.id, packageMembers.caseId)))
      .where(and(eq(packageMembers.districtCode, d), eq(packageMembers.packageId, pkg.id)))
      .orderBy(asc(packageMembers.addedAt)),
    db
      .select()
      .from(packageMeetings)
      .where(and(eq(packageMeetings.districtCode, d), eq(packageMeetings.packageId, pkg.id)))
      .orderBy(asc(packageMeetings.heldOn)),
  ]);
  const active = memberRows.filter((m) => !m.member.removedAt);
  const timeline: PackageDetail['timeline'] = [
    { at: pkg.createdAt.toISOString(), what: 'created' as const, text: pkg.name },
    ...memberRows.map((m) => ({ at: m.member.addedAt.toISOString(), what: 'member_added' as const, text: `${m.c.code} ${m.c.summary}` })),
    ...memberRows
      .filter((m) => m.member.removedAt)
      .map((m) => ({
        at: m.member.removedAt!.toISOString(),
        what: 'member_removed' as const,
        text: `${m.c.code}：${m.member.removeReason ?? ''}`,
      })),
    ...meetings.map((m) => ({ at: m.createdAt.toISOString(), what: 'meeting' as const, text: `${m.heldOn} 联席会议：${m.attendees}` })),
    ...(pkg.concludedAt ? [{ at: pkg.concludedAt.toISOString(), what: 'concluded' as const, text: pkg.conclusion ?? '' }] : []),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const risk = active.reduce<RiskLevel>((r, m) => (RANK[m.c.riskLevel as RiskLevel] > RANK[r] ? (m.c.riskLevel as RiskLevel) : r), 'low');
  return {
    ...summaryOf(
      pkg,
      lead?.name ?? '',
      handler[0]?.name ?? null,
      active.length,
      active.reduce((n, m) => n + m.c.peopleInvolved, 0),
      risk,
    ),
    coUnits: coUnits.map((u) => ({ id: u.id, name: u.name })),
    conclusion: pkg.conclusion,
    members: active.map(({ member, c }) => ({
      caseId: c.id,
      code: c.code,
      summary: c.summary,
      status: c.status,
      peopleInvolved: c.peopleInvolved,
      riskLevel: c.riskLevel as RiskLevel,
      proposedOutcome: (member.proposedOutcome as Outcome | null) ?? null,
      proposedNote: member.proposedNote,
    })),
    meetings: meetings.map((m) => ({
      id: m.id,
      heldOn: m.heldOn,
      attendees: m.attendees,
      minutes: m.minutes,
      createdAt: m.createdAt.toISOString(),
    })),
    timeline,
  };
}

/** The open package a case is in, with the proposal for it if the package concluded (for the case's own page). */
export async function packageOfCase(db: Db | Tx, districtCode: string, caseId: string) {
  const [row] = await db
    .select({
      id: casePackages.id,
      name: casePackages.name,
      proposedOutcome: packageMembers.proposedOutcome,
      proposedNote: packageMembers.proposedNote,
    })
    .from(packageMembers)
    .innerJoin(casePackages, and(eq(casePackages.districtCode, packageMembers.districtCode), eq(casePackages.id, packageMembers.packageId)))
    .where(and(eq(packageMembers.districtCode, districtCode), eq(packageMembers.caseId, caseId), isNull(packageMembers.removedAt)))
    .limit(1);
  return row
    ? { id: row.id, name: row.name, proposedOutcome: (row.proposedOutcome as Outcome | null) ?? null, proposedNote: row.proposedNote }
    : null;
}
