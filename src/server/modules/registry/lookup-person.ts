import { and, desc, eq, inArray, or } from 'drizzle-orm';
import type { z } from 'zod';
import type { personLookupResponseSchema } from '../../../shared/schemas/persons.js';
import type { Db } from '../../db/client.js';
import { caseParties, cases, persons } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { canSeeCase } from '../case-access/cases.policy.js';
import { personHashCondition } from '../persons/persons.repository.js';

/**
 * At intake, as soon as an ID number or phone is typed: the person those keys name (a merged record counts as the
 * one it was merged into, with all its records) and their 50 newest cases. Cases outside the clerk's jurisdiction
 * show only code and status (信访工作条例 Art.19: show the earlier case).
 */
export async function lookupPerson(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  idNumber?: string;
  phone?: string;
}): Promise<z.infer<typeof personLookupResponseSchema>> {
  const { db, crypto, actor, idNumber, phone } = opts;
  const condition = personHashCondition(crypto, actor.districtCode, { idNumber, phone })!;
  const matched = await db
    .select({ id: persons.id, name: persons.name, mergedInto: persons.mergedInto })
    .from(persons)
    .where(condition)
    .limit(20);
  if (matched.length === 0) return { person: null, earlierCases: [] };
  const roots = [...new Set(matched.map((p) => p.mergedInto ?? p.id))];
  const found = await db
    .select({ id: persons.id, name: persons.name, mergedInto: persons.mergedInto })
    .from(persons)
    .where(and(eq(persons.districtCode, actor.districtCode), or(inArray(persons.id, roots), inArray(persons.mergedInto, roots))));
  found.sort((a, b) => Number(!!a.mergedInto) - Number(!!b.mergedInto));
  const rows = await db
    .selectDistinct({
      id: cases.id,
      code: cases.code,
      summary: cases.summary,
      status: cases.status,
      createdAt: cases.createdAt,
      unitPath: cases.unitPath,
      leadUnitPath: cases.leadUnitPath,
      coUnitIds: cases.coUnitIds,
    })
    .from(caseParties)
    .innerJoin(cases, and(eq(cases.districtCode, caseParties.districtCode), eq(cases.id, caseParties.caseId)))
    .where(
      and(
        eq(caseParties.districtCode, actor.districtCode),
        inArray(
          caseParties.personId,
          found.map((p) => p.id),
        ),
      ),
    )
    .orderBy(desc(cases.createdAt))
    .limit(50);
  return {
    person: { id: found[0]!.id, name: found[0]!.name },
    earlierCases: rows.map((r) => {
      const visible = canSeeCase(actor, r);
      return {
        id: r.id,
        code: r.code,
        summary: visible ? r.summary : '（管辖范围外）',
        status: r.status,
        createdAt: r.createdAt.toISOString(),
        visible,
      };
    }),
  };
}
