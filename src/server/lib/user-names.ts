import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { users } from '../db/schema.js';

/** Staff members' display names by id (one query for any number of ids; unknown and null ids are left out). */
export async function userNames(
  db: Db | Tx,
  districtCode: string,
  ids: readonly (string | null | undefined)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(and(eq(users.districtCode, districtCode), inArray(users.id, wanted)));
  return new Map(rows.map((r) => [r.id, r.name]));
}
