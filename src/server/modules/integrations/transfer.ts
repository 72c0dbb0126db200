import { and, asc, eq, isNull } from 'drizzle-orm';
import type { TransferCaseBody } from '../../../shared/schemas/integrations.js';
import type { Db } from '../../db/client.js';
import { caseClocks, cases } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import { AppError } from '../../plugins/errors.js';
import type { WorkCalendar } from '../../../shared/calendar.js';
import type { CaseRow } from '../case-access/case-row.js';
import { registerCase } from '../case-access/register-case.js';
import type { ApiClientRow } from './api-clients.repository.js';
import { systemActorById } from './system-actors.js';

/** The earliest running deadline of a case (Asia/Shanghai date), for senders who want to know when to expect it. */
export async function runningDueDate(db: Db, row: CaseRow): Promise<string | null> {
  const [clock] = await db
    .select({ dueDate: caseClocks.dueDate })
    .from(caseClocks)
    .where(and(eq(caseClocks.districtCode, row.districtCode), eq(caseClocks.caseId, row.id), isNull(caseClocks.stoppedAt)))
    .orderBy(asc(caseClocks.dueDate))
    .limit(1);
  return clock?.dueDate ?? null;
}

export async function presentTransferCase(db: Db, row: CaseRow) {
  return {
    code: row.code,
    externalRef: row.externalRef ?? '',
    status: row.status,
    trackingToken: row.trackingToken,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    dueDate: await runningDueDate(db, row),
  };
}

/**
 * 转办/委派 from another system: registered like any case, by the client's own system account, keyed on the
 * sender's reference (the same reference twice is one case; the same reference with different content is refused).
 */
export async function fileTransferredCase(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  calendar: WorkCalendar;
  client: ApiClientRow;
  body: TransferCaseBody;
}) {
  const { db, crypto, calendar, client } = opts;
  const { externalRef, ...body } = opts.body;
  if (!client.channels.includes(body.channel))
    throw new AppError('API_CHANNEL_NOT_ALLOWED', { channel: body.channel, allowed: client.channels });
  const actor = await systemActorById(db, client.districtCode, client.userId);
  try {
    return await registerCase({
      db,
      crypto,
      calendar,
      actor,
      body,
      idempotencyKey: `ref:${externalRef}`,
      source: { clientId: client.id, externalRef },
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'IDEMPOTENCY_KEY_REUSED') throw new AppError('EXTERNAL_REF_CONFLICT', { externalRef });
    throw err;
  }
}

export async function findTransferredCase(db: Db, client: ApiClientRow, externalRef: string): Promise<CaseRow> {
  const [row] = await db
    .select()
    .from(cases)
    .where(and(eq(cases.districtCode, client.districtCode), eq(cases.sourceClientId, client.id), eq(cases.externalRef, externalRef)));
  if (!row) throw new AppError('CASE_NOT_FOUND');
  return row;
}
