import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import type { RiskFlag, RiskRules } from '../../../shared/schemas/related.js';
import type { RiskLevel } from '../../../shared/enums.js';
import type { Db } from '../../db/client.js';
import { listDistricts } from '../../lib/districts.js';
import { caseAssessments, caseParties, cases, units, users } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import { loadActor, type Actor } from '../../plugins/auth.js';
import type { CaseRow } from '../case-access/case-row.js';
import { findUnitByIdCached } from '../units/units.repository.js';
import { recordCaseChange } from '../case-access/record-case-change.js';
import { enqueue } from '../notifications/outbox.js';
import { previewRelated } from './related-preview.js';
import { loadRiskRules } from './risk-rules.repository.js';

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };
/** What each signal raises the risk to, at least. */
const RAISES: Record<RiskFlag, RiskLevel> = {
  threat: 'high',
  mass: 'high',
  repeat: 'medium',
  repeat_visits: 'medium',
  skip_level: 'medium',
  vulnerable: 'medium',
};
/** A claimed assessment not finished within this time (the instance died) is run again by whoever looks next. */
const LEASE_SECONDS = 60;
/** While the server is busy with a burst of requests, an assessment is held back this long (lib/request-pressure.ts). */
export const MAX_DEFER_SECONDS = 30;
/**
 * A batch's cases assessed this many at a time when no burst is streaming in. Each assessment waits on half a dozen
 * short statements in turn, so one at a time left the two cores idle between them: a backlog drained at 75–92 cases
 * a second (docs/PERFORMANCE.md, write path fourteenth round). During a burst, one at a time.
 */
export const ASSESS_CONCURRENCY = 3;

/** What an assessment needs of its case, loaded for a whole batch at once. */
interface Subject {
  row: CaseRow;
  parties: (typeof caseParties.$inferSelect)[];
}

/**
 * 风险研判 of one registered case: the same signals the intake preview showed the clerk, computed again on the saved
 * case as its registering user sees the district. Any signal is written on the timeline with its reasons through the
 * case's write path, raises the case's risk level (never lowers it) and tells the dispatchers of the case's centre,
 * and the queue row goes in the same transaction. Returns false when there was nothing to write (the caller removes
 * such cases' queue rows together).
 */
async function assessCase(db: Db, crypto: PersonalDataCrypto, subject: Subject, actor: Actor, rules: RiskRules): Promise<boolean> {
  const { row, parties } = subject;
  const districtCode = row.districtCode;
  const place = await findUnitByIdCached(db, districtCode, row.unitId);
  const preview = await previewRelated({
    db,
    crypto,
    actor,
    rules,
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
  if (preview.signals.length === 0) return false;
  await db.transaction(async (tx) => {
    const reasons = preview.signals.map((s) => s.reason).join('；');
    await recordCaseChange({
      db,
      within: tx,
      districtCode,
      caseId: row.id,
      author: { id: null, displayName: '风险研判（系统）' },
      decide: async ({ row: locked }) => {
        const raised = preview.flags.reduce<RiskLevel>((level, f) => (RANK[RAISES[f]] > RANK[level] ? RAISES[f] : level), locked.riskLevel);
        return {
          set: { riskLevel: raised },
          events: [
            {
              action: 'risk_signal',
              reason: reasons,
              data: {
                flags: preview.flags,
                riskLevel: { from: locked.riskLevel, to: raised },
                related: preview.related.slice(0, 5).map((r) => r.code),
              },
            },
          ],
          also: async (inner, updated) => {
            // The dispatchers whose centre the case is in.
            const dispatchers = await inner
              .select({ id: users.id })
              .from(users)
              .innerJoin(units, and(eq(units.districtCode, users.districtCode), eq(units.id, users.unitId)))
              .where(
                and(
                  eq(users.districtCode, districtCode),
                  eq(users.role, 'dispatcher'),
                  isNull(users.disabledAt),
                  sql`${updated.unitPath} like ${units.path} || '%'`,
                ),
              );
            await enqueue(
              inner,
              dispatchers.map((u) => ({
                districtCode,
                dedupeKey: `risk:${row.id}:${u.id}`,
                channel: 'in_app' as const,
                recipientUserId: u.id,
                caseId: row.id,
                title: `风险预警：${updated.code}`,
                body: reasons,
              })),
            );
          },
        };
      },
    });
    await tx.delete(caseAssessments).where(and(eq(caseAssessments.districtCode, districtCode), eq(caseAssessments.caseId, row.id)));
  });
  return true;
}

/**
 * Runs the queued risk assessments (`case_assessments`) a batch at a time. A batch is claimed for a minute first
 * (skip locked: instances share the queue), so an instance that dies mid-way leaves its cases to the next run: each
 * case is assessed at least once, and its result written exactly once. The batch's cases, parties, users and rules
 * are read together; cases with nothing to write leave the queue together. A failure waits longer before each next
 * try, and is kept on the row for the administrator. While `isBusy()` says a burst of requests is streaming in, only
 * cases queued MAX_DEFER_SECONDS ago or more are taken: the answers people wait for keep the processor, and a long
 * burst does not hold any case back further (a backlog larger than the task's pace still takes its time: ≈ 135–150
 * cases a second here, docs/PERFORMANCE.md). Returns how many cases were assessed.
 */
export async function runRiskAssessments(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  batchSize?: number;
  isBusy?: () => boolean;
  log?: { warn(obj: object, msg: string): void };
}): Promise<number> {
  const { db, crypto } = opts;
  let assessed = 0;
  for (;;) {
    // Claimed a district at a time (one shard's rows under Citus); the next round takes the next batch.
    const claimed: { district_code: string; case_id: string; attempts: number }[] = [];
    const deferFor = opts.isBusy?.() ? MAX_DEFER_SECONDS : 0;
    for (const district of await listDistricts(db)) {
      const { rows } = await db.execute<{ district_code: string; case_id: string; attempts: number }>(sql`
        update case_assessments q set run_after = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = q.attempts + 1
        where q.district_code = ${district} and q.case_id in (
          select case_id from case_assessments where district_code = ${district} and run_after <= now()
            and queued_at <= now() - make_interval(secs => ${deferFor})
          order by queued_at limit ${opts.batchSize ?? 20} for update skip locked)
        returning q.district_code, q.case_id, q.attempts`);
      claimed.push(...rows);
    }
    if (claimed.length === 0) return assessed;
    const ids = claimed.map((c) => c.case_id);
    const [rows, partyRows] = await Promise.all([
      db
        .select()
        .from(cases)
        .where(and(inArray(cases.districtCode, [...new Set(claimed.map((c) => c.district_code))]), inArray(cases.id, ids))),
      db
        .select()
        .from(caseParties)
        .where(and(inArray(caseParties.districtCode, [...new Set(claimed.map((c) => c.district_code))]), inArray(caseParties.caseId, ids)))
        .orderBy(asc(caseParties.position)),
    ]);
    // The batch's registering users and districts' rules, each read once, by the first case that needs it (so during
    // a burst they too are read one at a time); the cases after it await the same read.
    const actors = new Map<string, Promise<Actor>>();
    const rules = new Map<string, Promise<RiskRules>>();
    const shared = <T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
      let p = map.get(key);
      if (!p) map.set(key, (p = load()));
      return p;
    };
    const nothing: { district_code: string; case_id: string }[] = [];
    const limit = pLimit(deferFor > 0 ? 1 : ASSESS_CONCURRENCY);
    // Every case of the batch runs to its end before the task answers: a failure that escapes a case (its error could
    // not even be written down) is thrown after the others, not while they still run.
    const settled = await Promise.allSettled(
      claimed.map((c) =>
        limit(async () => {
          const row = rows.find((r) => r.districtCode === c.district_code && r.id === c.case_id);
          try {
            if (!row) {
              nothing.push(c);
              return;
            }
            const actor = await shared(actors, `${row.districtCode}:${row.registeredBy}`, () =>
              loadActor(db, row.districtCode, row.registeredBy),
            );
            const districtRules = await shared(rules, row.districtCode, () => loadRiskRules(db, row.districtCode));
            const parties = partyRows.filter((p) => p.districtCode === row.districtCode && p.caseId === row.id);
            if (!(await assessCase(db, crypto, { row, parties }, actor, districtRules))) nothing.push(c);
            assessed++;
          } catch (err) {
            opts.log?.warn({ err, caseId: c.case_id }, 'risk assessment failed; it will be tried again');
            const wait = Math.min(30 * 2 ** Math.max(0, c.attempts - 1), 3600);
            await db
              .update(caseAssessments)
              .set({
                lastError: String((err as Error).message ?? err).slice(0, 500),
                runAfter: sql`now() + make_interval(secs => ${wait})`,
              })
              .where(and(eq(caseAssessments.districtCode, c.district_code), eq(caseAssessments.caseId, c.case_id)));
          }
        }),
      ),
    );
    // Assessed with nothing to write (or the case is gone): off the queue together, in one statement.
    for (const district of new Set(nothing.map((n) => n.district_code))) {
      const done = nothing.filter((n) => n.district_code === district).map((n) => n.case_id);
      await db.delete(caseAssessments).where(and(eq(caseAssessments.districtCode, district), inArray(caseAssessments.caseId, done)));
    }
    const escaped = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (escaped) throw escaped.reason;
  }
}
