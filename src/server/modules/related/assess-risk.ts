import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { RiskFlag } from '../../../shared/schemas/related.js';
import type { RiskLevel } from '../../../shared/enums.js';
import type { Db } from '../../db/client.js';
import { caseAssessments, caseParties, units, users } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import { loadActor } from '../../plugins/auth.js';
import { findCaseRow } from '../case-access/case-row.js';
import { recordCaseChange } from '../case-access/record-case-change.js';
import { enqueue } from '../notifications/outbox.js';
import { previewRelated } from './related-preview.js';
import { loadRiskRules } from './risk-rules.repository.js';

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };
/** What each signal raises the risk to, at least. */
const RAISES: Record<RiskFlag, RiskLevel> = { threat: 'high', mass: 'high', repeat: 'medium', repeat_visits: 'medium', skip_level: 'medium', vulnerable: 'medium' };
/** A claimed assessment not finished within this time (the instance died) is run again by whoever looks next. */
const LEASE_SECONDS = 60;

/**
 * 风险研判 of one registered case: the same signals the intake preview showed the clerk, computed again on the saved
 * case as its registering user sees the district. Any signal is written on the timeline with its reasons through the
 * case's write path, raises the case's risk level (never lowers it) and tells the dispatchers of the case's centre;
 * the queue row goes in the same transaction, so the assessment is done exactly when its result is written.
 */
async function assessCase(db: Db, crypto: PersonalDataCrypto, districtCode: string, caseId: string): Promise<boolean> {
  const row = await findCaseRow(db, districtCode, caseId);
  const done = () => db.delete(caseAssessments).where(and(eq(caseAssessments.districtCode, districtCode), eq(caseAssessments.caseId, caseId)));
  if (!row) {
    await done();
    return false;
  }
  const actor = await loadActor(db, districtCode, row.registeredBy);
  const parties = await db
    .select()
    .from(caseParties)
    .where(and(eq(caseParties.districtCode, districtCode), eq(caseParties.caseId, caseId)))
    .orderBy(asc(caseParties.position));
  const [place] = await db.select({ code: units.code }).from(units).where(and(eq(units.districtCode, districtCode), eq(units.id, row.unitId)));
  const preview = await previewRelated({
    db,
    crypto,
    actor,
    rules: await loadRiskRules(db, districtCode),
    excludeCaseId: row.id,
    now: row.createdAt,
    draft: {
      channel: row.channel,
      kind: row.kind,
      category: row.category,
      summary: row.summary,
      narrative: row.narrative,
      peopleInvolved: row.peopleInvolved,
      place: { ...(row.placeAddress ? { address: row.placeAddress } : {}), ...(place ? { unitCode: place.code } : {}) },
      parties: parties.map((p) => ({
        role: p.role,
        type: p.type,
        name: p.name,
        ...(p.idNumberEnc ? { idNumber: crypto.decrypt(p.idNumberEnc) } : {}),
        ...(p.phoneEnc ? { phone: crypto.decrypt(p.phoneEnc) } : {}),
        ...(p.addressEnc ? { address: crypto.decrypt(p.addressEnc) } : {}),
        ...(p.creditCode ? { creditCode: p.creditCode } : {}),
      })),
    },
  });
  await db.transaction(async (tx) => {
    if (preview.signals.length) {
      const reasons = preview.signals.map((s) => s.reason).join('；');
      await recordCaseChange({
        db,
        within: tx,
        districtCode,
        caseId,
        author: { id: null, displayName: '风险研判（系统）' },
        decide: async ({ row: locked }) => {
          const raised = preview.flags.reduce<RiskLevel>((level, f) => (RANK[RAISES[f]] > RANK[level] ? RAISES[f] : level), locked.riskLevel);
          return {
            set: { riskLevel: raised },
            events: [
              {
                action: 'risk_signal',
                reason: reasons,
                data: { flags: preview.flags, riskLevel: { from: locked.riskLevel, to: raised }, related: preview.related.slice(0, 5).map((r) => r.code) },
              },
            ],
            also: async (inner, updated) => {
              // The dispatchers whose centre the case is in.
              const dispatchers = await inner
                .select({ id: users.id })
                .from(users)
                .innerJoin(units, and(eq(units.districtCode, users.districtCode), eq(units.id, users.unitId)))
                .where(and(eq(users.districtCode, districtCode), eq(users.role, 'dispatcher'), isNull(users.disabledAt), sql`${updated.unitPath} like ${units.path} || '%'`));
              await enqueue(
                inner,
                dispatchers.map((u) => ({
                  districtCode,
                  dedupeKey: `risk:${caseId}:${u.id}`,
                  channel: 'in_app' as const,
                  recipientUserId: u.id,
                  caseId,
                  title: `风险预警：${updated.code}`,
                  body: reasons,
                })),
              );
            },
          };
        },
      });
    }
    await tx.delete(caseAssessments).where(and(eq(caseAssessments.districtCode, districtCode), eq(caseAssessments.caseId, caseId)));
  });
  return preview.signals.length > 0;
}

/**
 * Runs the queued risk assessments (`case_assessments`) a batch at a time. A batch is claimed for a minute first
 * (skip locked: instances share the queue), so an instance that dies mid-way leaves its cases to the next run: each
 * case is assessed at least once, and its result written exactly once. A failure waits longer before each next try,
 * and is kept on the row for the administrator. Returns how many cases were assessed.
 */
export async function runRiskAssessments(opts: { db: Db; crypto: PersonalDataCrypto; batchSize?: number; log?: { warn(obj: object, msg: string): void } }): Promise<number> {
  const { db, crypto } = opts;
  let assessed = 0;
  for (;;) {
    const { rows: claimed } = await db.execute<{ district_code: string; case_id: string; attempts: number }>(sql`
      update case_assessments q set run_after = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = q.attempts + 1
      where (q.district_code, q.case_id) in (
        select district_code, case_id from case_assessments where run_after <= now() order by queued_at limit ${opts.batchSize ?? 20} for update skip locked)
      returning q.district_code, q.case_id, q.attempts`);
    if (claimed.length === 0) return assessed;
    for (const c of claimed) {
      try {
        await assessCase(db, crypto, c.district_code, c.case_id);
        assessed++;
      } catch (err) {
        opts.log?.warn({ err, caseId: c.case_id }, 'risk assessment failed; it will be tried again');
        const wait = Math.min(30 * 2 ** Math.max(0, c.attempts - 1), 3600);
        await db
          .update(caseAssessments)
          .set({ lastError: String((err as Error).message ?? err).slice(0, 500), runAfter: sql`now() + make_interval(secs => ${wait})` })
          .where(and(eq(caseAssessments.districtCode, c.district_code), eq(caseAssessments.caseId, c.case_id)));
      }
    }
  }
}
