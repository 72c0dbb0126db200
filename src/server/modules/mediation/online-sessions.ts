import { createHmac, randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { formatShanghaiDateTime } from '../../../shared/calendar.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { caseParties, mediationSessions, onlineLinks, onlineParticipants } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canMediate, canSeeCase } from '../case-access/cases.policy.js';
import { findCaseRow } from '../case-access/case-row.js';
import { recordCaseEvent } from '../case-access/record-case-change.js';
import { sha256Hex } from './agreement-document.js';
import { findCaseSession, partiesWithPhones, reachableParties } from './mediation-queries.js';
import { listRecordings, recordingUrl } from './recordings.js';
import { checkLinkCode, findLink, issueLinks, LINK_HOURS, requirePublicBaseUrl } from './online-links.js';

/**
 * 线上调解 (docs/ONLINE-MEDIATION.md): a scheduled session held by video. The mediator opens the room
 * (`startOnlineSession`), each invited party gets a one-time link and joins with the SMS code (`joinOnlineSession`),
 * waits until admitted, and the browsers connect peer to peer; the platform only carries the signalling
 * (`signalling.ts`) and writes who joined and left when.
 */
export type SessionRow = typeof mediationSessions.$inferSelect;
export type ParticipantRow = typeof onlineParticipants.$inferSelect;

/** Mediator, two parties and an interpreter or a lawyer. */
export const MAX_PARTICIPANTS = 4;
/** A participant's token: long enough for a session, short enough that a leaked one soon stops working. */
const PARTICIPANT_TOKEN_HOURS = 4;

export const hashParticipantToken = (token: string) => sha256Hex(`online-participant:${token}`);

/**
 * ICE servers for one participant: coturn's REST-API credentials (`use-auth-secret`): the username is the expiry
 * (Unix seconds) and the participant, the password the base64 HMAC-SHA1 of the username under TURN_SECRET. Without
 * TURN_URLS and TURN_SECRET: none at all — host candidates only, a direct connection on the LAN.
 */
export function iceServersFor(config: Pick<Config, 'TURN_URLS' | 'TURN_SECRET'>, participantId: string, expiresAt: Date) {
  if (!config.TURN_URLS.length || !config.TURN_SECRET) return [];
  const username = `${Math.floor(expiresAt.getTime() / 1000)}:${participantId}`;
  const credential = createHmac('sha1', config.TURN_SECRET).update(username).digest('base64');
  return [{ urls: config.TURN_URLS, username, credential }];
}

async function newParticipant(
  db: Db,
  values: Omit<typeof onlineParticipants.$inferInsert, 'tokenHash' | 'tokenExpiresAt'>,
): Promise<{ row: ParticipantRow; token: string }> {
  const token = randomBytes(24).toString('base64url');
  const [row] = await db
    .insert(onlineParticipants)
    .values({
      ...values,
      tokenHash: hashParticipantToken(token),
      tokenExpiresAt: new Date(Date.now() + PARTICIPANT_TOKEN_HOURS * 3600_000),
    })
    .returning();
  return { row: row!, token };
}

/**
 * startOnlineSession: the mediator opens the video room of a scheduled session of a case they mediate. The first time,
 * the session becomes online (on the timeline) and each invited party with a mobile number gets a join link by SMS;
 * every call gives the mediator's browser a participant token of its own (a reloaded page starts again).
 */
export async function startOnlineSession(opts: {
  db: Db;
  config: Config;
  actor: Actor;
  caseId: string;
  sessionId: string;
  resendLinks?: boolean;
}) {
  const { db, config, actor, caseId, sessionId } = opts;
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  if (!canMediate(actor, row)) throw new AppError('CASE_ACTION_FORBIDDEN', { action: 'session' });
  const session = await findCaseSession(db, { districtCode: actor.districtCode, caseId, sessionId });
  if (!session) throw new AppError('SESSION_NOT_OPEN');
  if (session.status !== 'scheduled') throw new AppError('SESSION_NOT_OPEN');
  if (session.onlineEndedAt) throw new AppError('ONLINE_SESSION_ENDED');
  const isFirst = !session.onlineStartedAt;
  const base = isFirst || opts.resendLinks ? requirePublicBaseUrl(config.PUBLIC_BASE_URL) : '';
  let links: { partyId: string; name: string; sent: boolean }[] = [];
  if (isFirst || opts.resendLinks) {
    const invited = await partiesWithPhones(db, { districtCode: actor.districtCode, caseId, partyIds: session.invitedPartyIds });
    const reachable = reachableParties(invited);
    await db.transaction(async (tx) => {
      if (isFirst)
        await tx
          .update(mediationSessions)
          .set({ onlineStartedAt: new Date() })
          .where(and(eq(mediationSessions.districtCode, actor.districtCode), eq(mediationSessions.id, sessionId)));
      await issueLinks(tx, {
        districtCode: actor.districtCode,
        caseId,
        purpose: 'join',
        subjectId: sessionId,
        parties: reachable,
        createdBy: actor.id,
        expiresAt: new Date(Date.now() + LINK_HOURS * 3600_000),
        publicBaseUrl: base,
        title: '线上调解',
        text: (url) =>
          `${actor.displayName}调解员邀请您参加线上调解（${row.code}，${formatShanghaiDateTime(session.scheduledAt)}）。请用手机浏览器打开链接，输入短信验证码后进入（仅限本人，${LINK_HOURS}小时内或调解结束前有效）：${url}`,
      });
      if (isFirst)
        await recordCaseEvent({
          db,
          within: tx,
          districtCode: actor.districtCode,
          caseId,
          author: actor,
          event: {
            action: 'online_session_started',
            reason: `线上调解开始；已向${reachable.map((p) => p.name).join('、') || '（无手机号的当事人）'}发送参加链接`,
            data: { sessionId },
          },
        });
    });
    links = invited.map((p) => ({ partyId: p.id, name: p.name, sent: !!p.phoneEnc }));
  }
  const { row: me, token } = await newParticipant(db, {
    districtCode: actor.districtCode,
    sessionId,
    caseId,
    kind: 'mediator',
    userId: actor.id,
    displayName: actor.displayName,
    state: 'admitted',
    rightsAcceptedAt: new Date(),
    recordingConsent: true,
  });
  return {
    sessionId,
    participantId: me.id,
    participantToken: token,
    expiresAt: me.tokenExpiresAt.toISOString(),
    iceServers: iceServersFor(config, me.id, me.tokenExpiresAt),
    links,
  };
}

/**
 * joinOnlineSession: a party's one-time link of this session, the SMS code to the phone on the case, the rights notice
 * accepted and the recording answered → a participant token (waiting until the mediator admits). A link of another
 * session, a spent or expired one, an ended session: 4xx with a code. Refusing recording is written on the session
 * record, and then nothing of it is recorded.
 */
export async function joinOnlineSession(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  config: Config;
  sessionId: string;
  body: { link: string; verificationId: string; code: string; rightsAccepted: boolean; recordingConsent: boolean };
}) {
  const { db, crypto, config, sessionId, body } = opts;
  if (!body.rightsAccepted) throw new AppError('ONLINE_RIGHTS_NOT_ACCEPTED');
  const link = await findLink(db, body.link, 'join');
  if (link.subjectId !== sessionId) throw new AppError('ONLINE_LINK_INVALID');
  const session = await findCaseSession(db, { districtCode: link.districtCode, caseId: link.caseId, sessionId });
  if (!session || !session.onlineStartedAt) throw new AppError('ONLINE_SESSION_NOT_STARTED');
  if (session.onlineEndedAt || session.status !== 'scheduled') throw new AppError('ONLINE_SESSION_ENDED');
  const [{ n } = { n: 0 }] = await db
    .select({ n: sql<number>`count(distinct coalesce(${onlineParticipants.partyId}::text, ${onlineParticipants.userId}::text))::int` })
    .from(onlineParticipants)
    .where(
      and(
        eq(onlineParticipants.districtCode, link.districtCode),
        eq(onlineParticipants.sessionId, sessionId),
        ne(onlineParticipants.state, 'removed'),
        sql`${onlineParticipants.partyId} is distinct from ${link.partyId}`,
      ),
    );
  if (n >= MAX_PARTICIPANTS) throw new AppError('ONLINE_SESSION_FULL', { max: MAX_PARTICIPANTS });
  await checkLinkCode({ db, crypto, link, verificationId: body.verificationId, code: body.code });
  const [party] = await db
    .select({ name: caseParties.name })
    .from(caseParties)
    .where(and(eq(caseParties.districtCode, link.districtCode), eq(caseParties.id, link.partyId)));
  const now = new Date();
  const spent = await db
    .update(onlineLinks)
    .set({ usedAt: now })
    .where(and(eq(onlineLinks.districtCode, link.districtCode), eq(onlineLinks.id, link.id), isNull(onlineLinks.usedAt)))
    .returning({ id: onlineLinks.id });
  if (spent.length === 0) throw new AppError('ONLINE_LINK_INVALID');
  const { row: me, token } = await newParticipant(db, {
    districtCode: link.districtCode,
    sessionId,
    caseId: link.caseId,
    kind: 'party',
    partyId: link.partyId,
    displayName: party?.name ?? '当事人',
    state: 'waiting',
    rightsAcceptedAt: now,
    recordingConsent: body.recordingConsent,
  });
  if (!body.recordingConsent) {
    const note = `${party?.name ?? '当事人'}不同意录音录像（${formatShanghaiDateTime(now)}），本次调解不录制`;
    await db
      .update(mediationSessions)
      .set({ recordingNote: sql`coalesce(${mediationSessions.recordingNote} || '；', '') || ${note}` })
      .where(and(eq(mediationSessions.districtCode, link.districtCode), eq(mediationSessions.id, sessionId)));
  }
  return {
    sessionId,
    participantId: me.id,
    participantToken: token,
    expiresAt: me.tokenExpiresAt.toISOString(),
    iceServers: iceServersFor(config, me.id, me.tokenExpiresAt),
  };
}

/** The participant behind a signalling token, or why not (the WebSocket close codes of `signalling.ts`). */
export async function participantOfToken(
  db: Db,
  token: string,
  sessionId: string,
): Promise<{ ok: true; participant: ParticipantRow; session: SessionRow } | { ok: false; code: number; reason: string }> {
  const [p] = await db
    .select()
    .from(onlineParticipants)
    .where(eq(onlineParticipants.tokenHash, hashParticipantToken(token)));
  if (!p || p.tokenExpiresAt <= new Date()) return { ok: false, code: 4401, reason: 'not a participant' };
  if (p.sessionId !== sessionId) return { ok: false, code: 4403, reason: 'not a participant of this session' };
  if (p.state === 'removed') return { ok: false, code: 4403, reason: 'removed' };
  const session = await findCaseSession(db, { districtCode: p.districtCode, caseId: p.caseId, sessionId });
  if (!session || session.onlineEndedAt) return { ok: false, code: 4410, reason: 'session ended' };
  return { ok: true, participant: p, session };
}

/** Joins, leaves, admissions and removals, as they happen: the session record's attendance. */
export async function recordPresence(db: Db, p: { districtCode: string; id: string }, event: 'joined' | 'left' | 'admitted' | 'removed') {
  const at = new Date();
  const entry = JSON.stringify([{ at: at.toISOString(), event }]);
  await db
    .update(onlineParticipants)
    .set({
      presence: sql`${onlineParticipants.presence} || ${entry}::jsonb`,
      ...(event === 'joined' ? { joinedAt: sql`coalesce(${onlineParticipants.joinedAt}, ${at})`, leftAt: null } : {}),
      ...(event === 'left' ? { leftAt: at } : {}),
      ...(event === 'admitted' ? { state: 'admitted' as const } : {}),
      ...(event === 'removed' ? { state: 'removed' as const, leftAt: at } : {}),
    })
    .where(and(eq(onlineParticipants.districtCode, p.districtCode), eq(onlineParticipants.id, p.id)));
}

/**
 * Ends the video room: no one joins any more (links revoked, tokens expired), and the timeline gets the attendance
 * (who joined and left when) and whether it was recorded. `onEnded` closes the sockets still open.
 */
export async function endOnlineSession(opts: { db: Db; actor: Actor; caseId: string; sessionId: string }) {
  const { db, actor, caseId, sessionId } = opts;
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  if (!canMediate(actor, row)) throw new AppError('CASE_ACTION_FORBIDDEN', { action: 'session' });
  const session = await findCaseSession(db, { districtCode: actor.districtCode, caseId, sessionId });
  if (!session || !session.onlineStartedAt) throw new AppError('ONLINE_SESSION_NOT_STARTED');
  if (session.onlineEndedAt) throw new AppError('ONLINE_SESSION_ENDED');
  const now = new Date();
  await db.transaction(async (tx) => {
    await tx
      .update(mediationSessions)
      .set({ onlineEndedAt: now })
      .where(and(eq(mediationSessions.districtCode, actor.districtCode), eq(mediationSessions.id, sessionId)));
    await tx
      .update(onlineLinks)
      .set({ revokedAt: now })
      .where(
        and(
          eq(onlineLinks.districtCode, actor.districtCode),
          eq(onlineLinks.subjectId, sessionId),
          eq(onlineLinks.purpose, 'join'),
          isNull(onlineLinks.usedAt),
          isNull(onlineLinks.revokedAt),
        ),
      );
    const people = await tx
      .update(onlineParticipants)
      .set({ tokenExpiresAt: now, leftAt: sql`coalesce(${onlineParticipants.leftAt}, ${now})` })
      .where(and(eq(onlineParticipants.districtCode, actor.districtCode), eq(onlineParticipants.sessionId, sessionId)))
      .returning();
    const seen = people.filter((p) => p.joinedAt);
    const attendance = seen.length
      ? seen
          .map((p) => `${p.displayName} ${formatShanghaiDateTime(p.joinedAt!)}进入、${formatShanghaiDateTime(p.leftAt ?? now)}离开`)
          .join('；')
      : '无人进入';
    await recordCaseEvent({
      db,
      within: tx,
      districtCode: actor.districtCode,
      caseId,
      author: actor,
      event: {
        action: 'online_session_ended',
        reason: `线上调解结束。${attendance}${session.recordingNote ? `。${session.recordingNote}` : ''}`,
        data: { sessionId },
      },
    });
  });
}

/** The online part of sessions' records: attendance with times, as the case page shows it. */
export async function onlineRecords(db: Db, districtCode: string, sessions: SessionRow[]) {
  const online = sessions.filter((s) => s.onlineStartedAt);
  const people = online.length
    ? await db
        .select()
        .from(onlineParticipants)
        .where(
          and(
            eq(onlineParticipants.districtCode, districtCode),
            inArray(
              onlineParticipants.sessionId,
              online.map((s) => s.id),
            ),
          ),
        )
        .orderBy(onlineParticipants.createdAt)
    : [];
  const recordings = online.length ? await listRecordings(db, districtCode, online[0]!.caseId) : [];
  return new Map(
    online.map((s) => [
      s.id,
      {
        startedAt: s.onlineStartedAt!.toISOString(),
        endedAt: s.onlineEndedAt?.toISOString() ?? null,
        recordingNote: s.recordingNote,
        participants: people
          .filter((p) => p.sessionId === s.id && p.joinedAt)
          .map((p) => ({
            id: p.id,
            name: p.displayName,
            kind: p.kind,
            state: p.state,
            recordingConsent: p.recordingConsent,
            joinedAt: p.joinedAt?.toISOString() ?? null,
            leftAt: p.leftAt?.toISOString() ?? null,
          })),
        recordings: recordings
          .filter((r) => r.sessionId === s.id)
          .map((r) => ({
            id: r.id,
            startedAt: r.createdAt.toISOString(),
            endedAt: r.endedAt?.toISOString() ?? null,
            size: r.size,
            sha256: r.sha256!,
            url: recordingUrl(r.caseId, r.id),
          })),
      },
    ]),
  );
}
