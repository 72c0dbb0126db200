import { and, eq, inArray, isNull } from 'drizzle-orm';
import { CASE_TRANSITIONS, nextStatus, type CaseAction, type CaseStatus } from '../../../shared/case-lifecycle.js';
import type { CaseActionBody } from '../../../shared/schemas/cases.js';
import type { Db, Tx } from '../../db/client.js';
import { attachments, caseEvents, cases, users } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import type { WorkCalendar } from '../../../shared/calendar.js';
import { applyClockEffects } from '../deadlines/case-clocks.js';
import { decideExtension, requestExtension } from '../deadlines/extend-deadline.js';
import { answerUrge, urgeCase } from '../deadlines/urge-case.js';
import { findUnitById, findUnitsByIds } from '../units/units.repository.js';
import { announceCaseChange } from './announce-case-change.js';
import { indexCaseText } from '../search/case-search-index.js';
import { refreshCaseStats } from '../stats/case-stats.js';
import { canActOnCase, canSeeCase } from './cases.policy.js';
import { findCaseRow, type CaseRow } from './cases.repository.js';

type CaseChanges = Partial<Pick<CaseRow, 'leadUnitId' | 'leadUnitPath' | 'coUnitIds' | 'handlerId' | 'outcome' | 'satisfaction' | 'rejectReason'>>;

interface Step {
  changes: CaseChanges;
  /** What the timeline row records besides who, when and the status change. */
  data: Record<string, unknown>;
}

const requireReason = (body: CaseActionBody) => {
  if (!body.reason) throw new AppError('REASON_REQUIRED');
};

/** What each action checks and changes beyond the status; the transition table decides whether it may happen. */
const STEPS: Record<CaseAction, (ctx: { tx: Tx; calendar: WorkCalendar; actor: Actor; row: CaseRow; body: CaseActionBody }) => Promise<Step>> = {
  accept: async () => ({ changes: {}, data: {} }),
  reject: async ({ body }) => {
    requireReason(body);
    return { changes: { rejectReason: body.reason! }, data: {} };
  },
  dispatch: async ({ tx, actor, body }) => {
    if (!body.leadUnitId) throw new AppError('DISPATCH_TARGET_REQUIRED');
    const lead = await findUnitById(tx, actor.districtCode, body.leadUnitId);
    if (!lead) throw new AppError('UNIT_NOT_FOUND', { unitId: body.leadUnitId });
    const coUnitIds = [...new Set(body.coUnitIds ?? [])].filter((id) => id !== lead.id);
    const coUnits = await findUnitsByIds(tx, actor.districtCode, coUnitIds);
    if (coUnits.length !== coUnitIds.length) throw new AppError('UNIT_NOT_FOUND', { coUnitIds });
    if (body.handlerId) {
      const [handler] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.districtCode, actor.districtCode), eq(users.id, body.handlerId), eq(users.unitId, lead.id), isNull(users.disabledAt)));
      if (!handler) throw new AppError('HANDLER_NOT_IN_UNIT');
    }
    return {
      changes: { leadUnitId: lead.id, leadUnitPath: lead.path, coUnitIds, handlerId: body.handlerId ?? null },
      data: { leadUnit: lead.name, coUnits: coUnits.map((u) => u.name), handlerId: body.handlerId ?? null },
    };
  },
  // The handler who starts the case becomes its handler if the dispatcher named none.
  start: async ({ actor, row }) => ({ changes: row.handlerId ? {} : { handlerId: actor.id }, data: {} }),
  note: async ({ body }) => {
    if (!body.note && !body.attachmentIds?.length) throw new AppError('VALIDATION_FAILED', { note: 'empty' });
    return { changes: {}, data: {} };
  },
  conclude: async ({ body }) => {
    if (!body.outcome || !body.note) throw new AppError('OUTCOME_REQUIRED');
    return { changes: { outcome: body.outcome }, data: { outcome: body.outcome } };
  },
  follow_up: async ({ body }) => {
    if (!body.satisfaction) throw new AppError('SATISFACTION_REQUIRED');
    // 不满意 reopens the case: the reason is what the handler works on next.
    if (body.satisfaction === 'dissatisfied' && !body.note) throw new AppError('DISSATISFACTION_REASON_REQUIRED');
    return {
      changes: { satisfaction: body.satisfaction },
      data: { satisfaction: body.satisfaction, method: body.followUpMethod ?? 'phone' },
    };
  },
  archive: async () => ({ changes: {}, data: {} }),
  return: async ({ body }) => {
    requireReason(body);
    return { changes: { leadUnitId: null, leadUnitPath: null, coUnitIds: [], handlerId: null }, data: {} };
  },
  reopen: async ({ body }) => {
    requireReason(body);
    return { changes: { outcome: null, satisfaction: null }, data: {} };
  },
  escalate: async ({ body }) => {
    requireReason(body);
    return { changes: {}, data: {} };
  },
  suspend: async ({ body }) => {
    requireReason(body);
    return { changes: {}, data: {} };
  },
  resume: async () => ({ changes: {}, data: {} }),
  request_extension: requestExtension,
  decide_extension: decideExtension,
  urge: urgeCase,
  answer_urge: answerUrge,
  resolve_on_spot: async ({ actor, row, body }) => {
    if (!body.note) throw new AppError('OUTCOME_REQUIRED');
    return { changes: { outcome: 'resolved_other', ...(row.handlerId ? {} : { handlerId: actor.id }) }, data: { outcome: 'resolved_other', onSpot: true } };
  },
};

/**
 * The dates the statistics count a case by (docs/INDICATORS.md): the latest conclusion, follow-up and escalation.
 * A reopen takes the conclusion back; an explicit reopen also takes back the follow-up, while 不满意 keeps it (the
 * dissatisfied follow-up is what the 满意率 must count).
 */
function statisticalDates(events: { action: CaseAction }[], now: Date): Partial<Pick<CaseRow, 'concludedAt' | 'followedUpAt' | 'escalatedAt'>> {
  const dates: Partial<Pick<CaseRow, 'concludedAt' | 'followedUpAt' | 'escalatedAt'>> = {};
  const isFollowUp = events.some((e) => e.action === 'follow_up');
  for (const e of events) {
    if (e.action === 'conclude' || e.action === 'resolve_on_spot') dates.concludedAt = now;
    if (e.action === 'follow_up') dates.followedUpAt = now;
    if (e.action === 'escalate') dates.escalatedAt = now;
    if (e.action === 'reopen') {
      dates.concludedAt = null;
      if (!isFollowUp) dates.followedUpAt = null;
    }
  }
  return dates;
}

/**
 * Performs one action on a case: checks jurisdiction, role and status against the transition table, checks the
 * version the actor saw (the loser of a race gets CASE_VERSION_CONFLICT), writes the change and its timeline row
 * in one transaction. 不满意 at follow-up reopens the case in the same transaction.
 */
export async function actOnCase(opts: {
  db: Db;
  calendar: WorkCalendar;
  actor: Actor;
  caseId: string;
  body: CaseActionBody;
}): Promise<CaseRow> {
  const { db, calendar, actor, caseId, body } = opts;
  return db.transaction(async (tx) => {
    // The row lock makes concurrent actors take turns; the second then sees the new version.
    const row = await findCaseRow(tx, actor.districtCode, caseId, { forUpdate: true });
    if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
    const check = canActOnCase(actor, body.action, row);
    if (!check.ok && check.why === 'role') throw new AppError('CASE_ACTION_FORBIDDEN', { action: body.action });
    if (row.version !== body.expectedVersion) {
      throw new AppError('CASE_VERSION_CONFLICT', { expectedVersion: body.expectedVersion, currentVersion: row.version });
    }
    if (!check.ok) throw new AppError('CASE_TRANSITION_NOT_ALLOWED', { action: body.action, status: row.status });

    const step = await STEPS[body.action]({ tx, calendar, actor, row, body });
    const events: { action: CaseAction; from: CaseStatus; to: CaseStatus; reason: string | null; data: Record<string, unknown> }[] = [];
    const to = nextStatus(row.status as CaseStatus, body.action)!;
    events.push({ action: body.action, from: row.status as CaseStatus, to, reason: body.reason ?? body.note ?? null, data: step.data });
    let status = to;
    let changes = step.changes;
    if (body.action === 'follow_up' && body.satisfaction === 'dissatisfied') {
      // PRODUCT.md: 不满意 reopens. Recorded as its own step so the timeline shows both.
      status = nextStatus(to, 'reopen')!;
      changes = { ...changes, outcome: null };
      events.push({ action: 'reopen', from: to, to: status, reason: '回访不满意，重新办理', data: {} });
    }
    const now = new Date();
    const [updated] = await tx
      .update(cases)
      .set({ ...changes, ...statisticalDates(events, now), status, version: row.version + 1, updatedAt: now })
      .where(and(eq(cases.districtCode, row.districtCode), eq(cases.id, row.id)))
      .returning();
    for (const e of events) {
      const [event] = await tx
        .insert(caseEvents)
        .values({
          districtCode: row.districtCode,
          caseId: row.id,
          at: now,
          actorId: actor.id,
          actorName: actor.displayName,
          action: e.action,
          fromStatus: e.from,
          toStatus: CASE_TRANSITIONS[e.action].to === null ? null : e.to,
          reason: e.reason,
          data: Object.keys(e.data).length ? e.data : null,
        })
        .returning({ id: caseEvents.id });
      if (e === events[0] && body.attachmentIds?.length) {
        // Files uploaded for this step are linked to it; only this case's unlinked files qualify.
        const linked = await tx
          .update(attachments)
          .set({ eventId: event!.id })
          .where(
            and(
              eq(attachments.districtCode, row.districtCode),
              eq(attachments.caseId, row.id),
              inArray(attachments.id, body.attachmentIds),
              isNull(attachments.eventId),
            ),
          )
          .returning({ id: attachments.id });
        if (linked.length !== body.attachmentIds.length) throw new AppError('ATTACHMENT_NOT_FOUND');
      }
      await applyClockEffects({ tx, calendar, row: updated!, action: e.action, at: now });
    }
    const words = [body.reason, body.note].filter(Boolean).join('\n');
    if (words) await indexCaseText(tx, updated!, words);
    await refreshCaseStats(tx, row.districtCode, [row.id]);
    await announceCaseChange(tx, updated!, body.action, now, row.status);
    return updated!;
  });
}
