import type { Db, Tx } from '../../db/client.js';
import { queueCaseCallback } from '../integrations/case-callbacks.js';
import { announce } from '../live/live-hub.js';
import type { CaseRow } from './cases.repository.js';

/**
 * What every registration and every step tells the outside, inside its own transaction: the live boards (NOTIFY,
 * delivered on commit) and, for a case another system sent, a status callback to that system (outbox).
 */
export async function announceCaseChange(tx: Db | Tx, row: CaseRow, action: string, at: Date, previousStatus?: string): Promise<void> {
  await announceCase(tx, row, action === 'register' ? 'case.registered' : 'case.changed', at);
  // The sender hears of status changes; notes and urges stay inside the platform.
  if (previousStatus !== undefined && previousStatus !== row.status) await queueCaseCallback(tx, row, action, at);
}

/** Tells the live boards about a case (delivered when the transaction commits): no personal data, its jurisdiction. */
export async function announceCase(tx: Db | Tx, row: CaseRow, type: 'case.registered' | 'case.changed' | 'case.overdue', at: Date): Promise<void> {
  await announce(tx, {
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
  });
}
