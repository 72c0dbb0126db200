import { and, eq, inArray, isNull } from 'drizzle-orm';
import { nextStatus, type CaseAction } from '../../../shared/case-lifecycle.js';
import type { CaseActionBody } from '../../../shared/schemas/cases.js';
import type { Db, Tx } from '../../db/client.js';
import { attachments, users } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import type { WorkCalendar } from '../../../shared/calendar.js';
import { findUnitByIdCached } from '../units/units.repository.js';
import type { CaseDetailParts } from './case-detail.js';
import type { CaseRow } from './case-row.js';
import { canActOnCase, canSeeCase } from './cases.policy.js';
import { decideExtension, requestExtension } from './extend-deadline.js';
import { recordCaseChange, stepEntry, type TimelineEntryInput } from './record-case-change.js';
import { answerUrge, urgeCase } from './urge-case.js';

type CaseChanges = Partial<
  Pick<CaseRow, 'leadUnitId' | 'leadUnitPath' | 'coUnitIds' | 'handlerId' | 'outcome' | 'satisfaction' | 'rejectReason'>
>;

interface Step {
  changes: CaseChanges;
  /** What the timeline row records besides who, when and the status change. */
  data: Record<string, unknown>;
}

const requireReason = (body: CaseActionBody) => {
  if (!body.reason) throw new AppError('REASON_REQUIRED');
};

/** What each action checks and changes beyond the status; the transition table decides whether it may happen. */
const STEPS: Record<
  CaseAction,
  (ctx: { db: Db; tx: Tx; calendar: WorkCalendar; actor: Actor; row: CaseRow; body: CaseActionBody }) => Promise<Step>
> = {
  accept: async () => ({ changes: {}, data: {} }),
  reject: async ({ body }) => {
    requireReason(body);
    return { changes: { rejectReason: body.reason! }, data: {} };
  },
  dispatch: async ({ db, tx, actor, body }) => {
    if (!body.leadUnitId) throw new AppError('DISPATCH_TARGET_REQUIRED');
    // The org tree does not change while the platform runs: its units come from memory.
    const lead = await findUnitByIdCached(db, actor.districtCode, body.leadUnitId, tx);
    if (!lead) throw new AppError('UNIT_NOT_FOUND', { unitId: body.leadUnitId });
    const coUnitIds = [...new Set(body.coUnitIds ?? [])].filter((id) => id !== lead.id);
    const coUnits = (await Promise.all(coUnitIds.map((id) => findUnitByIdCached(db, actor.districtCode, id, tx)))).filter((u) => !!u);
    if (coUnits.length !== coUnitIds.length) throw new AppError('UNIT_NOT_FOUND', { coUnitIds });
    if (body.handlerId) {
      const [handler] = await tx
        .select({ id: users.id })
        .from(users)
        .where(
          and(
            eq(users.districtCode, actor.districtCode),
            eq(users.id, body.handlerId),
            eq(users.unitId, lead.id),
            isNull(users.disabledAt),
          ),
        );
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
    return {
      changes: { outcome: 'resolved_other', ...(row.handlerId ? {} : { handlerId: actor.id }) },
      data: { outcome: 'resolved_other', onSpot: true },
    };
  },
};

/**
 * The dates the statistics count a case by (docs/INDICATORS.md): the latest conclusion, follow-up and escalation.
 * A reopen takes the conclusion back; an explicit reopen also takes back the follow-up, while 不满意 keeps it (the
 * dissatisfied follow-up is what the 满意率 must count).
 */
function statisticalDates(steps: readonly CaseAction[], now: Date): Partial<Pick<CaseRow, 'concludedAt' | 'followedUpAt' | 'escalatedAt'>> {
  const dates: Partial<Pick<CaseRow, 'concludedAt' | 'followedUpAt' | 'escalatedAt'>> = {};
  const isFollowUp = steps.includes('follow_up');
  for (const action of steps) {
    if (action === 'conclude' || action === 'resolve_on_spot') dates.concludedAt = now;
    if (action === 'follow_up') dates.followedUpAt = now;
    if (action === 'escalate') dates.escalatedAt = now;
    if (action === 'reopen') {
      dates.concludedAt = null;
      if (!isFollowUp) dates.followedUpAt = null;
    }
  }
  return dates;
}

/**
 * Performs one action on a case through the write path: checks jurisdiction, role and status against the transition
 * table, checks the version the actor saw (the loser of a race gets CASE_VERSION_CONFLICT), writes the change and its
 * timeline row in one transaction — the caller's, when `within` is given. 不满意 at follow-up reopens the case in the
 * same transaction.
 */
export async function actOnCase(opts: ActOpts): Promise<CaseRow> {
  return (await act(opts, false)).row;
}

/** `actOnCase`, with the case's detail parts as changed (what the answer shows), read by the change's own statement. */
export async function actOnCaseWithDetail(opts: ActOpts): Promise<{ row: CaseRow; parts: CaseDetailParts }> {
  const { row, parts } = await act(opts, true);
  return { row, parts: parts! };
}

interface ActOpts {
  db: Db;
  within?: Tx;
  calendar: WorkCalendar;
  actor: Actor;
  caseId: string;
  body: CaseActionBody;
}

/**
 * The steps whose checks only read — all they write is the change itself — so the write path may try them as one
 * statement on the unlocked row (`optimistic`, record-case-change.ts). A step that writes in its checks (an extension
 * request, an urge) is not listed; a step with files writes their links besides and is not tried so either.
 */
const READ_ONLY_STEPS: ReadonlySet<CaseAction> = new Set<CaseAction>([
  'accept',
  'reject',
  'dispatch',
  'start',
  'note',
  'conclude',
  'follow_up',
  'archive',
  'return',
  'reopen',
  'escalate',
  'suspend',
  'resume',
  'resolve_on_spot',
]);

async function act(opts: ActOpts, detail: boolean) {
  const { db, calendar, actor, caseId, body } = opts;
  return recordCaseChange({
    detail,
    optimistic: READ_ONLY_STEPS.has(body.action) && !body.attachmentIds?.length,
    db,
    within: opts.within,
    calendar,
    districtCode: actor.districtCode,
    caseId,
    author: { id: actor.id, displayName: actor.displayName },
    expectedVersion: body.expectedVersion,
    guard: (row) => {
      if (!canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
      const check = canActOnCase(actor, body.action, row);
      if (!check.ok && check.why === 'role') throw new AppError('CASE_ACTION_FORBIDDEN', { action: body.action });
    },
    decide: async ({ tx, row }) => {
      if (!canActOnCase(actor, body.action, row).ok)
        throw new AppError('CASE_TRANSITION_NOT_ALLOWED', { action: body.action, status: row.status });
      const step = await STEPS[body.action]({ db, tx, calendar, actor, row, body });
      const to = nextStatus(row.status, body.action)!;
      const events: TimelineEntryInput[] = [stepEntry(body.action, row.status, to, body.reason ?? body.note ?? null, step.data)];
      const steps: CaseAction[] = [body.action];
      let status = to;
      let changes = step.changes;
      if (body.action === 'follow_up' && body.satisfaction === 'dissatisfied') {
        // 不满意 reopens (docs/LEGAL-BASIS.md §4). Recorded as its own step so the timeline shows both.
        status = nextStatus(to, 'reopen')!;
        changes = { ...changes, outcome: null };
        events.push(stepEntry('reopen', to, status, '回访不满意，重新办理', {}));
        steps.push('reopen');
      }
      const now = new Date();
      return {
        set: { ...changes, ...statisticalDates(steps, now), status },
        events,
        clockSteps: steps,
        indexText: [body.reason, body.note].filter(Boolean).join('\n'),
        // Only a step with files writes besides (without, the statistics go in the change's own statement).
        also: body.attachmentIds?.length ? linkAttachments(body.attachmentIds) : undefined,
      };
    },
  });
}

/** Files uploaded for a step are linked to its timeline row; only this case's unlinked files qualify. */
function linkAttachments(attachmentIds: string[]) {
  return async (tx: Tx, updated: CaseRow, eventIds: number[]) => {
    const linked = await tx
      .update(attachments)
      .set({ eventId: eventIds[0]! })
      .where(
        and(
          eq(attachments.districtCode, updated.districtCode),
          eq(attachments.caseId, updated.id),
          inArray(attachments.id, attachmentIds),
          isNull(attachments.eventId),
        ),
      )
      .returning({ id: attachments.id });
    if (linked.length !== attachmentIds.length) throw new AppError('ATTACHMENT_NOT_FOUND');
  };
}
