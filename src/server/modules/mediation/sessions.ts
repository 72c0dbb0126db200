import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import type { recordSessionBodySchema, scheduleSessionBodySchema } from '../../../shared/schemas/agreements.js';
import { formatShanghaiDateTime, type WorkCalendar } from '../../../shared/calendar.js';
import type { Db } from '../../db/client.js';
import { mediationSessions, units, users } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { actOnCase } from '../case-access/act-on-case.js';
import { canMediate, canSeeCase } from '../case-access/cases.policy.js';
import { findCaseRow, type CaseRow } from '../case-access/case-row.js';
import { recordCaseEvent } from '../case-access/record-case-change.js';
import { enqueue } from '../notifications/outbox.js';
import { findCaseSession, partiesWithPhones } from './mediation-queries.js';
import { onlineRecords } from './online-sessions.js';

type SessionRow = typeof mediationSessions.$inferSelect;

async function mediatedCase(db: Db, actor: Actor, caseId: string): Promise<CaseRow> {
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  if (!canMediate(actor, row)) throw new AppError('CASE_ACTION_FORBIDDEN', { action: 'session' });
  return row;
}

export function presentSession(s: SessionRow, online: Awaited<ReturnType<typeof onlineRecords>> = new Map()) {
  return {
    id: s.id,
    scheduledAt: s.scheduledAt.toISOString(),
    room: s.room,
    mediatorNames: s.mediatorNames,
    invitedPartyIds: s.invitedPartyIds,
    isPublic: s.isPublic,
    status: s.status,
    attendedPartyIds: s.attendedPartyIds,
    rightsNote: s.rightsNote,
    statements: s.statements,
    record: s.record,
    outcome: s.outcome,
    online: online.get(s.id) ?? null,
  };
}

export async function listSessions(db: Db, actor: Actor, caseId: string) {
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  const rows = await db
    .select()
    .from(mediationSessions)
    .where(and(eq(mediationSessions.districtCode, actor.districtCode), eq(mediationSessions.caseId, caseId)))
    .orderBy(asc(mediationSessions.scheduledAt));
  const online = await onlineRecords(db, actor.districtCode, rows);
  return rows.map((s) => presentSession(s, online));
}

/** 安排调解: the session on the case's timeline, and a text message to each invited party with a phone — one transaction. */
export async function scheduleSession(opts: { db: Db; actor: Actor; caseId: string; body: z.infer<typeof scheduleSessionBodySchema> }) {
  const { db, actor, caseId, body } = opts;
  const row = await mediatedCase(db, actor, caseId);
  const invited = await partiesWithPhones(db, { districtCode: actor.districtCode, caseId, partyIds: body.invitedPartyIds });
  if (invited.length !== new Set(body.invitedPartyIds).size) throw new AppError('AGREEMENT_SIGNER_INVALID');
  const when = new Date(body.scheduledAt);
  const local = formatShanghaiDateTime(when);
  return db.transaction(async (tx) => {
    const [session] = await tx
      .insert(mediationSessions)
      .values({
        districtCode: actor.districtCode,
        caseId,
        scheduledAt: when,
        room: body.room,
        mediatorNames: body.mediatorNames,
        invitedPartyIds: body.invitedPartyIds,
        isPublic: body.isPublic,
        createdBy: actor.id,
      })
      .returning();
    await recordCaseEvent({
      db,
      within: tx,
      districtCode: actor.districtCode,
      caseId,
      author: actor,
      event: {
        action: 'session_scheduled',
        reason: `${local} 在${body.room}调解（${body.isPublic ? '公开' : '不公开'}），调解员：${body.mediatorNames}`,
        data: { sessionId: session!.id },
      },
    });
    await enqueue(
      tx,
      invited
        .filter((p) => p.phoneEnc)
        .map((p) => ({
          districtCode: actor.districtCode,
          dedupeKey: `session:${session!.id}:${p.id}`,
          channel: 'sms' as const,
          recipientPhoneEnc: p.phoneEnc,
          caseId,
          title: '调解通知',
          body: `您反映的事项（${row.code}）定于${local}在${body.room}调解，请准时参加。人民调解不收费；您有权选择或接受调解员，可要求公开或不公开调解。`,
        })),
    );
    return presentSession(session!);
  });
}

/**
 * 调解笔录: attendance, the rights as explained, each side's statements, the record — one transaction with its timeline
 * row. A party's clear refusal ends mediation (人民调解法 Art.17): the case is concluded as 调解不成 with that reason in
 * the same transaction, so the session never says 调解不成 while the case is still open. A session cannot be recorded
 * as held before the time it was scheduled for.
 */
export async function recordSession(opts: {
  db: Db;
  calendar: WorkCalendar;
  actor: Actor;
  caseId: string;
  sessionId: string;
  body: z.infer<typeof recordSessionBodySchema>;
  now?: Date;
}) {
  const { db, calendar, actor, caseId, sessionId, body } = opts;
  await mediatedCase(db, actor, caseId);
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    const open = await findCaseSession(tx, { districtCode: actor.districtCode, caseId, sessionId, forUpdate: true });
    if (!open || open.status !== 'scheduled') throw new AppError('SESSION_NOT_OPEN');
    if (open.scheduledAt > now) throw new AppError('SESSION_NOT_YET_HELD', { scheduledAt: open.scheduledAt.toISOString() });
    const [held] = await tx
      .update(mediationSessions)
      .set({
        status: 'held',
        attendedPartyIds: body.attendedPartyIds,
        rightsNote: body.rightsNote,
        statements: body.statements,
        record: body.record,
        outcome: body.outcome,
        heldAt: now,
      })
      .where(and(eq(mediationSessions.districtCode, actor.districtCode), eq(mediationSessions.id, open.id)))
      .returning();
    const words = { continue: '继续调解', agreement_reached: '达成调解协议', refused: '当事人明确拒绝调解' }[body.outcome];
    const noted = await recordCaseEvent({
      db,
      within: tx,
      districtCode: actor.districtCode,
      caseId,
      author: actor,
      event: { action: 'session_held', reason: `调解会结果：${words}`, data: { sessionId, outcome: body.outcome } },
    });
    if (body.outcome === 'refused') {
      await actOnCase({
        db,
        within: tx,
        calendar,
        actor,
        caseId,
        body: {
          action: 'conclude',
          expectedVersion: noted.version,
          outcome: 'no_agreement',
          note: '当事人明确拒绝调解，终止调解（《人民调解法》第十七条），已告知可依法通过仲裁、行政、司法等途径维护权利',
        },
      });
    }
    return presentSession(held!, await onlineRecords(db, actor.districtCode, [held!]));
  });
}

/**
 * 移送公安 (人民调解法 Art.25): a dispute that may become a public-order or criminal case is reported to the police
 * station of the case's street at once — its staff are alerted, the case's risk goes to high, the timeline says so.
 */
export async function referToPolice(opts: { db: Db; actor: Actor; caseId: string; reason: string }) {
  const { db, actor, caseId, reason } = opts;
  const row = await mediatedCase(db, actor, caseId);
  const path = row.unitPath.split('/').filter(Boolean);
  const streets = await db
    .select({ id: units.id, code: units.code })
    .from(units)
    .where(and(eq(units.districtCode, actor.districtCode), inArray(units.id, path), eq(units.kind, 'street')));
  const stations = streets.length
    ? await db
        .select({ id: units.id })
        .from(units)
        .where(and(eq(units.districtCode, actor.districtCode), eq(units.code, `${streets[0]!.code}-PCS`)))
    : [];
  const officers = stations.length
    ? await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.districtCode, actor.districtCode), eq(users.unitId, stations[0]!.id), isNull(users.disabledAt)))
    : [];
  await db.transaction(async (tx) => {
    await recordCaseEvent({
      db,
      within: tx,
      districtCode: actor.districtCode,
      caseId,
      author: actor,
      set: { riskLevel: 'high' },
      event: {
        action: 'police_referral',
        reason: `可能激化为治安案件或刑事案件，已报告公安机关（《人民调解法》第二十五条）：${reason}`,
        data: { stationId: stations[0]?.id ?? null },
      },
    });
    await enqueue(
      tx,
      officers.map((o) => ({
        districtCode: actor.districtCode,
        dedupeKey: `police:${caseId}:${o.id}:${Date.now()}`,
        channel: 'in_app' as const,
        recipientUserId: o.id,
        caseId,
        title: `调解移送：${row.code}`,
        body: reason,
      })),
    );
  });
  return { stationNotified: stations.length > 0, officers: officers.length };
}
