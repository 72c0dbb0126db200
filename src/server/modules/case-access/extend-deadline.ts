import { and, eq, isNull } from 'drizzle-orm';
import type { WorkCalendar } from '../../../shared/calendar.js';
import type { CaseActionBody } from '../../../shared/schemas/cases.js';
import { recomputeDueDate } from '../../../shared/time-limits.js';
import type { Tx } from '../../db/client.js';
import { caseClocks, caseExtensions, type cases } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canDecideExtension } from './cases.policy.js';

type CaseRow = typeof cases.$inferSelect;
interface Ctx {
  tx: Tx;
  calendar: WorkCalendar;
  actor: Actor;
  row: CaseRow;
  body: CaseActionBody;
}

async function runningHandlingClock(tx: Tx, row: CaseRow) {
  const [clock] = await tx
    .select()
    .from(caseClocks)
    .where(
      and(
        eq(caseClocks.districtCode, row.districtCode),
        eq(caseClocks.caseId, row.id),
        eq(caseClocks.stage, 'handling'),
        isNull(caseClocks.stoppedAt),
      ),
    );
  return clock;
}

async function pendingExtension(tx: Tx, row: CaseRow) {
  const [pending] = await tx
    .select()
    .from(caseExtensions)
    .where(and(eq(caseExtensions.districtCode, row.districtCode), eq(caseExtensions.caseId, row.id), eq(caseExtensions.status, 'pending')));
  return pending;
}

/**
 * 申请延期: the handler asks for more days on the handling clock, with a reason. The total of all extensions may not
 * pass the clock's legal maximum (信访工作条例 Art.34: 30 days for a petition).
 */
export async function requestExtension({ tx, row, actor, body }: Ctx) {
  if (!body.reason) throw new AppError('REASON_REQUIRED');
  if (!body.extensionDays) throw new AppError('EXTENSION_DAYS_REQUIRED');
  const clock = await runningHandlingClock(tx, row);
  if (!clock || clock.maxExtensionDays === null) throw new AppError('EXTENSION_NOT_ALLOWED');
  if (await pendingExtension(tx, row)) throw new AppError('EXTENSION_ALREADY_PENDING');
  const allowed = clock.maxExtensionDays - clock.extendedDays;
  if (body.extensionDays > allowed) {
    throw new AppError('DEADLINE_EXTENSION_TOO_LONG', {
      maxExtensionDays: clock.maxExtensionDays,
      alreadyExtended: clock.extendedDays,
      allowed,
    });
  }
  await tx.insert(caseExtensions).values({
    districtCode: row.districtCode,
    caseId: row.id,
    clockId: clock.id,
    days: body.extensionDays,
    reason: body.reason,
    requestedBy: actor.id,
  });
  return { changes: {}, data: { extensionDays: body.extensionDays, dueDate: clock.dueDate } };
}

/** 审批延期: approving moves the handling due date by the days asked; the resident's notice goes on the timeline. */
export async function decideExtension({ tx, calendar, row, actor, body }: Ctx) {
  if (!canDecideExtension(actor, row)) throw new AppError('EXTENSION_DECIDER_FORBIDDEN');
  const pending = await pendingExtension(tx, row);
  if (!pending) throw new AppError('EXTENSION_NOT_PENDING');
  if (body.approve === undefined) throw new AppError('VALIDATION_FAILED', { approve: 'required' });
  const now = new Date();
  if (!body.approve) {
    if (!body.reason) throw new AppError('REASON_REQUIRED');
    await tx
      .update(caseExtensions)
      .set({ status: 'refused', decidedBy: actor.id, decidedAt: now, decisionNote: body.reason })
      .where(and(eq(caseExtensions.districtCode, row.districtCode), eq(caseExtensions.id, pending.id)));
    return { changes: {}, data: { approved: false, extensionDays: pending.days } };
  }
  if (!body.residentNotice) throw new AppError('EXTENSION_NOTICE_REQUIRED');
  const [clock] = await tx
    .select()
    .from(caseClocks)
    .where(and(eq(caseClocks.districtCode, row.districtCode), eq(caseClocks.id, pending.clockId)));
  if (!clock || clock.stoppedAt || clock.maxExtensionDays === null) throw new AppError('EXTENSION_NOT_ALLOWED');
  // Checked again at approval: another extension may have been granted since the request.
  if (clock.extendedDays + pending.days > clock.maxExtensionDays)
    throw new AppError('DEADLINE_EXTENSION_TOO_LONG', { maxExtensionDays: clock.maxExtensionDays });
  const extendedDays = clock.extendedDays + pending.days;
  const due = recomputeDueDate(calendar, { ...clock, extendedDays });
  await tx
    .update(caseClocks)
    .set({ extendedDays, dueDate: due.date, isProvisional: due.provisional })
    .where(and(eq(caseClocks.districtCode, row.districtCode), eq(caseClocks.id, clock.id)));
  await tx
    .update(caseExtensions)
    .set({
      status: 'approved',
      decidedBy: actor.id,
      decidedAt: now,
      decisionNote: body.reason ?? null,
      residentNotice: body.residentNotice,
    })
    .where(and(eq(caseExtensions.districtCode, row.districtCode), eq(caseExtensions.id, pending.id)));
  return {
    changes: {},
    data: { approved: true, extensionDays: pending.days, dueDate: due.date, residentNotice: body.residentNotice },
  };
}
