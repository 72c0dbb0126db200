import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { units, users } from '../../db/schema.js';

export type UnitRow = typeof units.$inferSelect;

export async function findUnitById(db: Db | Tx, districtCode: string, id: string): Promise<UnitRow | undefined> {
  const [row] = await db.select().from(units).where(and(eq(units.districtCode, districtCode), eq(units.id, id)));
  return row;
}

export async function findUnitByCode(db: Db | Tx, districtCode: string, code: string): Promise<UnitRow | undefined> {
  const [row] = await db.select().from(units).where(and(eq(units.districtCode, districtCode), eq(units.code, code)));
  return row;
}

export async function findUnitsByIds(db: Db | Tx, districtCode: string, ids: readonly string[]): Promise<UnitRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(units).where(and(eq(units.districtCode, districtCode), inArray(units.id, [...ids])));
}

/** The org tree without the units' boundaries (the map reads those; a tree of a few hundred units should not carry megabytes). */
export async function listUnits(db: Db, districtCode: string) {
  return db
    .select({ id: units.id, parentId: units.parentId, code: units.code, name: units.name, kind: units.kind, depth: units.depth, path: units.path })
    .from(units)
    .where(eq(units.districtCode, districtCode))
    .orderBy(asc(units.depth), asc(units.code));
}

export async function listStaffOfUnit(db: Db, districtCode: string, unitId: string) {
  return db
    .select({ id: users.id, displayName: users.displayName, role: users.role, unitId: users.unitId })
    .from(users)
    .where(and(eq(users.districtCode, districtCode), eq(users.unitId, unitId), isNull(users.disabledAt)))
    .orderBy(asc(users.displayName));
}
