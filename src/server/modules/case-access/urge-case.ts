import { and, desc, eq, isNull } from 'drizzle-orm';
import { shanghaiDate } from '../../../shared/calendar.js';
import type { CaseActionBody } from '../../../shared/schemas/cases.js';
import type { Tx } from '../../db/client.js';
import { caseUrges, type cases } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';

type CaseRow = typeof cases.$inferSelect;
interface Ctx {
  tx: Tx;
  actor: Actor;
  row: CaseRow;
  body: CaseActionBody;
}

/** 督办: the centre presses the case with a note and a reply-by date (national policy 2024: supervise the three failures). */
export async function urgeCase({ tx, actor, row, body }: Ctx) {
  if (!body.note) throw new AppError('VALIDATION_FAILED', { note: 'required' });
  if (!body.replyBy || body.replyBy < shanghaiDate(new Date())) throw new AppError('URGE_REPLY_BY_INVALID');
  await tx.insert(caseUrges).values({
    districtCode: row.districtCode,
    caseId: row.id,
    unitPath: row.unitPath,
    note: body.note,
    replyBy: body.replyBy,
    urgedBy: actor.id,
  });
  return { changes: {}, data: { replyBy: body.replyBy } };
}

export async function findOpenUrge(tx: Tx, row: Pick<CaseRow, 'districtCode' | 'id'>) {
  const [open] = await tx
    .select()
    .from(caseUrges)
    .where(and(eq(caseUrges.districtCode, row.districtCode), eq(caseUrges.caseId, row.id), isNull(caseUrges.answeredAt)))
    .orderBy(desc(caseUrges.urgedAt))
    .limit(1);
  return open;
}

/** 督办回复: whoever holds the case answers the open urge (all open urges are answered at once). */
export async function answerUrge({ tx, actor, row, body }: Ctx) {
  if (!body.note) throw new AppError('VALIDATION_FAILED', { note: 'required' });
  if (!(await findOpenUrge(tx, row))) throw new AppError('URGE_NOT_OPEN');
  await tx
    .update(caseUrges)
    .set({ answer: body.note, answeredBy: actor.id, answeredAt: new Date() })
    .where(and(eq(caseUrges.districtCode, row.districtCode), eq(caseUrges.caseId, row.id), isNull(caseUrges.answeredAt)));
  return { changes: {}, data: {} };
}
