import { and, eq, isNull, sql } from 'drizzle-orm';
import type { CreateCaseBody } from '../../../shared/schemas/cases.js';
import type { RiskFlag } from '../../../shared/schemas/related.js';
import type { RiskLevel } from '../../../shared/enums.js';
import type { Db } from '../../db/client.js';
import { caseEvents, cases, units, users } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { enqueue } from '../notifications/outbox.js';
import type { CaseRow } from '../cases/cases.repository.js';
import { previewRelated } from './related-preview.js';
import { loadRiskRules } from './risk-rules.repository.js';

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };
/** What each signal raises the risk to, at least. */
const RAISES: Record<RiskFlag, RiskLevel> = { threat: 'high', mass: 'high', repeat: 'medium', repeat_visits: 'medium', skip_level: 'medium', vulnerable: 'medium' };

/**
 * 风险研判 right after registration: the same signals the intake preview shows. Any signal is written on the timeline
 * with its reasons, raises the case's risk level (never lowers it) and tells the dispatchers of the case's centre.
 * Runs after the registration committed: the case is safe whatever happens here.
 */
export async function assessNewCase(opts: { db: Db; crypto: PersonalDataCrypto; actor: Actor; row: CaseRow; body: CreateCaseBody }): Promise<CaseRow> {
  const { db, crypto, actor, row, body } = opts;
  const rules = await loadRiskRules(db, row.districtCode);
  const preview = await previewRelated({ db, crypto, actor, draft: { ...body, parties: body.parties }, rules, excludeCaseId: row.id });
  if (preview.signals.length === 0) return row;
  const raised = preview.flags.reduce<RiskLevel>((level, f) => (RANK[RAISES[f]] > RANK[level] ? RAISES[f] : level), row.riskLevel as RiskLevel);
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(cases)
      .set({ riskLevel: raised, version: sql`${cases.version} + 1`, updatedAt: new Date() })
      .where(and(eq(cases.districtCode, row.districtCode), eq(cases.id, row.id)))
      .returning();
    await tx.insert(caseEvents).values({
      districtCode: row.districtCode,
      caseId: row.id,
      actorId: null,
      actorName: '风险研判（系统）',
      action: 'risk_signal',
      reason: preview.signals.map((s) => s.reason).join('；'),
      data: { flags: preview.flags, riskLevel: { from: row.riskLevel, to: raised }, related: preview.related.slice(0, 5).map((r) => r.code) },
    });
    // The dispatchers whose centre the case is in.
    const dispatchers = await tx
      .select({ id: users.id })
      .from(users)
      .innerJoin(units, and(eq(units.districtCode, users.districtCode), eq(units.id, users.unitId)))
      .where(and(eq(users.districtCode, row.districtCode), eq(users.role, 'dispatcher'), isNull(users.disabledAt), sql`${row.unitPath} like ${units.path} || '%'`));
    await enqueue(
      tx,
      dispatchers.map((u) => ({
        districtCode: row.districtCode,
        dedupeKey: `risk:${row.id}:${u.id}`,
        channel: 'in_app' as const,
        recipientUserId: u.id,
        caseId: row.id,
        title: `风险预警：${row.code}`,
        body: preview.signals.map((s) => s.reason).join('；'),
      })),
    );
    return updated!;
  });
}

