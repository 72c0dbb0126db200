import { and, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { apiClients } from '../../db/schema.js';
import type { cases } from '../../db/schema.js';

type CaseRow = typeof cases.$inferSelect;
import { enqueue } from './outbox.js';

/** The body of a status callback to the system that sent the case. */
export interface CaseCallbackPayload {
  event: 'case.status_changed';
  caseCode: string;
  externalRef: string | null;
  status: string;
  action: string;
  at: string;
  version: number;
}

/**
 * Queues a status callback to the case's sender, in the transaction of the change: the callback exists exactly when
 * the change does. One per case version, so a retried step never queues it twice.
 */
export async function queueCaseCallback(tx: Db | Tx, row: CaseRow, action: string, at: Date): Promise<void> {
  if (!row.sourceClientId) return;
  const [client] = await tx
    .select({ id: apiClients.id, callbackUrl: apiClients.callbackUrl })
    .from(apiClients)
    .where(and(eq(apiClients.districtCode, row.districtCode), eq(apiClients.id, row.sourceClientId), isNull(apiClients.revokedAt)));
  if (!client?.callbackUrl) return;
  const payload: CaseCallbackPayload = {
    event: 'case.status_changed',
    caseCode: row.code,
    externalRef: row.externalRef,
    status: row.status,
    action,
    at: at.toISOString(),
    version: row.version,
  };
  await enqueue(tx, [
    {
      districtCode: row.districtCode,
      dedupeKey: `callback:${row.id}:${row.version}`,
      channel: 'webhook',
      clientId: client.id,
      targetUrl: client.callbackUrl,
      payload: payload as unknown as Record<string, unknown>,
      caseId: row.id,
      title: 'case.status_changed',
      body: `${row.code} → ${row.status}`,
    },
  ]);
}
