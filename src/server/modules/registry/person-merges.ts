import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { adminLog, caseParties, personMerges, personNotSame, persons } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';

type PersonRow = typeof persons.$inferSelect;

async function findPersonRow(db: Db, districtCode: string, id: string): Promise<PersonRow> {
  const [row] = await db
    .select()
    .from(persons)
    .where(and(eq(persons.districtCode, districtCode), eq(persons.id, id)));
  if (!row) throw new AppError('PERSON_NOT_FOUND');
  return row;
}

/** A pair in a fixed order, so "A is not B" and "B is not A" are one row. */
const pair = (a: string, b: string) => (a < b ? [a, b] : [b, a]) as [string, string];

/**
 * Records that may be the same person as this one (never merged automatically): the same or a homophone name with the
 * same phone ending or the same address, leaving out merged records and pairs staff said are different people.
 */
export async function likelyMatchesOf(db: Db, actor: Actor, personId: string) {
  const p = await findPersonRow(db, actor.districtCode, personId);
  const second = [
    ...(p.phoneSuffixHash ? [eq(persons.phoneSuffixHash, p.phoneSuffixHash)] : []),
    ...(p.addressHash ? [eq(persons.addressHash, p.addressHash)] : []),
  ];
  if (p.type !== 'person' || !p.namePinyin || second.length === 0) return [];
  const rows = await db
    .select({
      person: persons,
      cases: sql<number>`(select count(*)::int from ${caseParties} cp where cp.district_code = ${persons.districtCode} and cp.person_id = ${persons.id})`,
    })
    .from(persons)
    .where(
      and(
        eq(persons.districtCode, actor.districtCode),
        ne(persons.id, p.id),
        eq(persons.type, 'person'),
        isNull(persons.mergedInto),
        eq(persons.namePinyin, p.namePinyin),
        or(...second),
        sql`not exists (select 1 from ${personNotSame} n where n.district_code = ${persons.districtCode}
          and n.person_a = least(${persons.id}, ${p.id}::uuid) and n.person_b = greatest(${persons.id}, ${p.id}::uuid))`,
      ),
    )
    .limit(10);
  return rows.map(({ person: r, cases }) => {
    const reasons = [r.name === p.name ? '姓名相同' : `同音姓名（${p.namePinyin}）`];
    if (p.phoneSuffixHash && r.phoneSuffixHash === p.phoneSuffixHash) reasons.push('手机尾号相同');
    if (p.addressHash && r.addressHash === p.addressHash) reasons.push('地址相同');
    return { id: r.id, name: r.name, caseCount: cases, reasons };
  });
}

/**
 * 合并: staff confirm two records are one person. The first now stands for the second everywhere (earlier cases,
 * related cases, new registrations that match it); its cases keep their own rows, so the merge can be undone.
 */
export async function mergePersons(opts: { db: Db; actor: Actor; fromId: string; intoId: string; reason: string }) {
  const { db, actor, fromId, intoId, reason } = opts;
  if (fromId === intoId) throw new AppError('PERSON_MERGE_INVALID');
  const [from, into] = await Promise.all([findPersonRow(db, actor.districtCode, fromId), findPersonRow(db, actor.districtCode, intoId)]);
  if (from.mergedInto || into.mergedInto || from.type !== into.type) throw new AppError('PERSON_MERGE_INVALID');
  return db.transaction(async (tx) => {
    // Records already merged into `from` follow it.
    await tx
      .update(persons)
      .set({ mergedInto: into.id })
      .where(and(eq(persons.districtCode, actor.districtCode), inArray(persons.id, [from.id])));
    await tx
      .update(persons)
      .set({ mergedInto: into.id })
      .where(and(eq(persons.districtCode, actor.districtCode), eq(persons.mergedInto, from.id)));
    const [merge] = await tx
      .insert(personMerges)
      .values({ districtCode: actor.districtCode, fromPersonId: from.id, intoPersonId: into.id, reason, mergedBy: actor.id })
      .returning();
    await tx.insert(adminLog).values({
      districtCode: actor.districtCode,
      actorId: actor.id,
      action: 'person.merge',
      entity: from.id,
      data: { into: into.id, reason, mergeId: merge!.id },
    });
    return merge!;
  });
}

/** 撤销合并: the record stands for itself again. */
export async function undoMerge(db: Db, actor: Actor, mergeId: string) {
  await db.transaction(async (tx) => {
    const [merge] = await tx
      .update(personMerges)
      .set({ undoneAt: new Date(), undoneBy: actor.id })
      .where(and(eq(personMerges.districtCode, actor.districtCode), eq(personMerges.id, mergeId), isNull(personMerges.undoneAt)))
      .returning();
    if (!merge) throw new AppError('PERSON_MERGE_INVALID');
    await tx
      .update(persons)
      .set({ mergedInto: null })
      .where(
        and(eq(persons.districtCode, actor.districtCode), eq(persons.id, merge.fromPersonId), eq(persons.mergedInto, merge.intoPersonId)),
      );
    await tx.insert(adminLog).values({
      districtCode: actor.districtCode,
      actorId: actor.id,
      action: 'person.unmerge',
      entity: merge.fromPersonId,
      data: { mergeId },
    });
  });
}

/** 不是同一人: the pair is never offered again. */
export async function markNotSame(opts: { db: Db; actor: Actor; personId: string; otherId: string }) {
  const { db, actor, personId: a, otherId: b } = opts;
  await Promise.all([findPersonRow(db, actor.districtCode, a), findPersonRow(db, actor.districtCode, b)]);
  const [x, y] = pair(a, b);
  await db
    .insert(personNotSame)
    .values({ districtCode: actor.districtCode, personA: x, personB: y, decidedBy: actor.id })
    .onConflictDoNothing();
  await db
    .insert(adminLog)
    .values({ districtCode: actor.districtCode, actorId: actor.id, action: 'person.not_same', entity: x, data: { other: y } });
}
