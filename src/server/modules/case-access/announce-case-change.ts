import type { LiveEvent } from '../../../shared/live-event.js';
import type { Db, Tx } from '../../db/client.js';
import { queueCaseCallback } from '../notifications/case-callbacks.js';
import { announce } from '../../lib/live-hub.js';
import type { CaseRow } from './case-row.js';

/** What the live boards hear of a case: no personal data, its jurisdiction (to decide who may see it). */
export function caseLiveEvent(row: CaseRow, type: 'case.registered' | 'case.changed' | 'case.overdue', at: Date): LiveEvent {
  return {
    type,
    districtCode: row.districtCode,
    unitPath: row.unitPath,
    leadUnitPath: row.leadUnitPath,
    coUnitIds: row.coUnitIds,
    caseId: row.id,
    code: row.code,
    status: row.status,
    channel: row.channel,
    summary: row.summary,
    riskLevel: row.riskLevel,
    at: at.toISOString(),
  };
}

/** Tells the live boards about a case, delivered when the transaction commits. */
export async function announceCase(
  tx: Db | Tx,
  row: CaseRow,
  type: 'case.registered' | 'case.changed' | 'case.overdue',
  at: Date,
): Promise<void> {
  await announce(tx, caseLiveEvent(row, type, at));
}

/** For a case another system sent, its status change queues a signed callback to that system (notes and urges stay inside). */
export async function queueStatusCallback(tx: Db | Tx, row: CaseRow, action: string, at: Date): Promise<void> {
  await queueCaseCallback(tx, row, action, at);
}
