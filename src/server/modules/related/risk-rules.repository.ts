import { eq } from 'drizzle-orm';
import { DEFAULT_RISK_RULES, riskRulesSchema, type RiskRules } from '../../../shared/schemas/related.js';
import type { Db, Tx } from '../../db/client.js';
import { adminLog, riskRules } from '../../db/schema.js';
import { districtMemo } from '../../lib/district-memo.js';
import type { Actor } from '../../plugins/auth.js';

/** The district's risk rules: the admin's, else the defaults (a stored rule set missing a newer field gets its default). */
export async function loadRiskRules(db: Db | Tx, districtCode: string): Promise<RiskRules> {
  const [row] = await db.select().from(riskRules).where(eq(riskRules.districtCode, districtCode));
  if (!row) return DEFAULT_RISK_RULES;
  const parsed = riskRulesSchema.safeParse({ ...DEFAULT_RISK_RULES, ...row.rules });
  return parsed.success ? parsed.data : DEFAULT_RISK_RULES;
}

/** How long the rules stay in memory: an edit through another instance reaches this one within a minute. */
const memo = districtMemo<RiskRules>(60_000);

/**
 * The district's risk rules from memory, as `enabledTimeLimits` keeps the time limits: every intake preview applies
 * them, and they change a few times a year (one round trip of the preview's, docs/PERFORMANCE.md). Read again at least
 * once a minute, and at once after an edit in this process (`saveRiskRules`).
 */
export function cachedRiskRules(db: Db, districtCode: string): Promise<RiskRules> {
  return memo.get(db, districtCode, () => loadRiskRules(db, districtCode));
}

export async function saveRiskRules(db: Db, actor: Actor, rules: RiskRules): Promise<RiskRules> {
  await db.transaction(async (tx) => {
    await tx
      .insert(riskRules)
      .values({ districtCode: actor.districtCode, rules, updatedBy: actor.id })
      .onConflictDoUpdate({ target: riskRules.districtCode, set: { rules, updatedBy: actor.id, updatedAt: new Date() } });
    await tx
      .insert(adminLog)
      .values({ districtCode: actor.districtCode, actorId: actor.id, action: 'risk_rules.update', entity: 'risk_rules', data: rules });
  });
  memo.forget(db, actor.districtCode);
  return rules;
}
