import { createHmac, randomBytes } from 'node:crypto';
import { and, asc, count, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { formatShanghaiDateTime } from '../../../shared/calendar.js';
import { maskPhone } from '../../../shared/identifiers.js';
import { zhCN } from '../../../shared/locales/zh-CN.js';
import type { inviteToOnlineSessionBodySchema, OnlineInviteeRole } from '../../../shared/schemas/online.js';
import type { Config } from '../../config.js';
import type { Db, Tx } from '../../db/client.js';
import { caseParties, mediationSessions, onlineInvitees, onlineLinks, onlineParticipants } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canMediate, canSeeCase } from '../case-access/cases.policy.js';
import { findCaseRow } from '../case-access/case-row.js';
import { recordCaseEvent } from '../case-access/record-case-change.js';
import { sha256Hex } from './agreement-document.js';
import { findCaseSession, partiesWithPhones, reachableParties } from './mediation-queries.js';
import { canInviteToOnlineSession } from './mediation.policy.js';
import { listRecordings, recordingUrl } from './recordings.js';
import { checkLinkCode, findLink, issueLinks, LINK_HOURS, requirePublicBaseUrl, type LinkRow } from './online-links.js';

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

/** The key of a participant's person: their party, invitee or (the mediator) user id. */
const PERSON_KEY = sql`coalesce(${onlineParticipants.partyId}, ${onlineParticipants.inviteeId}, ${onlineParticipants.userId})::text`;

/** How the session record names an invitee: name and role, 张译（翻译）. */
export const inviteeLabel = (name: string, role: OnlineInviteeRole) => `${name}（${zhCN[`onlineRole.${role}`]}）`;

/** Whom a join link names: a party of the case, or an invitee in their role. */
async function linkRecipient(db: Db, link: LinkRow) {
  if (link.inviteeId) {
    const [invitee] = await db
      .select({ name: onlineInvitees.name, role: onlineInvitees.role })
      .from(onlineInvitees)
      .where(
        and(
          eq(onlineInvitees.districtCode, link.districtCode),
          eq(onlineInvitees.id, link.inviteeId),
          eq(onlineInvitees.sessionId, link.subjectId),
        ),
      );
    if (!invitee) throw new AppError('ONLINE_LINK_INVALID');
    return { kind: invitee.role, name: invitee.name, label: inviteeLabel(invitee.name, invitee.role) };
  }
  const [party] = await db
    .select({ name: caseParties.name })
    .from(caseParties)
    .where(and(eq(caseParties.districtCode, link.districtCode), eq(caseParties.id, link.partyId!)));
  const name = party?.name ?? '当事人';
  return { kind: 'party' as const, name, label: name };
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
  const link = await findLink(db, { token: body.link, purpose: 'join' });
  if (link.subjectId !== sessionId) throw new AppError('ONLINE_LINK_INVALID');
  const session = await findCaseSession(db, { districtCode: link.districtCode, caseId: link.caseId, sessionId });
  if (!session || !session.onlineStartedAt) throw new AppError('ONLINE_SESSION_NOT_STARTED');
  if (session.onlineEndedAt || session.status !== 'scheduled') throw new AppError('ONLINE_SESSION_ENDED');
  // One person counts once, however often they reload: a party, an invitee or the mediator's account.
  const [{ n } = { n: 0 }] = await db
    .select({ n: sql<number>`count(distinct ${PERSON_KEY})::int` })
    .from(onlineParticipants)
    .where(
      and(
        eq(onlineParticipants.districtCode, link.districtCode),
        eq(onlineParticipants.sessionId, sessionId),
        ne(onlineParticipants.state, 'removed'),
        sql`${PERSON_KEY} is distinct from ${(link.partyId ?? link.inviteeId)!}::text`,
      ),
    );
  if (n >= MAX_PARTICIPANTS) throw new AppError('ONLINE_SESSION_FULL', { max: MAX_PARTICIPANTS });
  await checkLinkCode({ db, crypto, link, verificationId: body.verificationId, code: body.code });
  const who = await linkRecipient(db, link);
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
    kind: who.kind,
    partyId: link.partyId,
    inviteeId: link.inviteeId,
    displayName: who.name,
    state: 'waiting',
    rightsAcceptedAt: now,
    recordingConsent: body.recordingConsent,
  });
  if (!body.recordingConsent) {
    const note = `${who.label}不同意录音录像（${formatShanghaiDateTime(now)}），本次调解不录制`;
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

/** A participant as the session record names them: an invitee with their role. */
const participantLabel = (p: Pick<ParticipantRow, 'displayName' | 'kind'>) =>
  p.kind === 'interpreter' || p.kind === 'agent' ? inviteeLabel(p.displayName, p.kind) : p.displayName;

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
          .map((p) => `${participantLabel(p)} ${formatShanghaiDateTime(p.joinedAt!)}进入、${formatShanghaiDateTime(p.leftAt ?? now)}离开`)
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
            name: participantLabel(p),
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

/** The case a mediator invites to, and its session still open to newcomers; the policy's refusal otherwise. */
async function sessionToInviteTo(db: Db | Tx, opts: { actor: Actor; caseId: string; sessionId: string; forUpdate?: boolean }) {
  const { actor, caseId, sessionId, forUpdate } = opts;
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  if (!canInviteToOnlineSession(actor, row)) throw new AppError('CASE_ACTION_FORBIDDEN', { action: 'session' });
  const session = await findCaseSession(db, { districtCode: actor.districtCode, caseId, sessionId, forUpdate });
  if (!session || session.status !== 'scheduled') throw new AppError('SESSION_NOT_OPEN');
  if (session.onlineEndedAt) throw new AppError('ONLINE_SESSION_ENDED');
  return { row, session };
}

/** Places left in the room: four less the mediator, the invited parties and those invited so far. */
async function placesLeft(db: Db | Tx, session: SessionRow) {
  const [{ n } = { n: 0 }] = await db
    .select({ n: count() })
    .from(onlineInvitees)
    .where(and(eq(onlineInvitees.districtCode, session.districtCode), eq(onlineInvitees.sessionId, session.id)));
  return Math.max(0, MAX_PARTICIPANTS - 1 - session.invitedPartyIds.length - n);
}

/**
 * inviteToOnlineSession: the mediator invites an interpreter (翻译) or a lawyer/agent (律师/代理人) by name, role and
 * mobile. They get a one-time join link by SMS like a party's and prove it is them by a code sent to that phone; the
 * phone is kept encrypted. Past four people in the room (the mediator, the invited parties, the invitees) the invite is
 * refused (ONLINE_INVITE_FULL); the same phone twice on one session is refused (ONLINE_INVITEE_EXISTS).
 */
export async function inviteToOnlineSession(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  config: Config;
  actor: Actor;
  caseId: string;
  sessionId: string;
  body: z.infer<typeof inviteToOnlineSessionBodySchema>;
}) {
  const { db, crypto, config, actor, caseId, sessionId, body } = opts;
  await sessionToInviteTo(db, { actor, caseId, sessionId });
  const base = requirePublicBaseUrl(config.PUBLIC_BASE_URL);
  const phoneEnc = crypto.encrypt(body.phone);
  const phoneHash = crypto.lookupHash(body.phone);
  const label = inviteeLabel(body.name, body.role);
  const invitee = await db.transaction(async (tx) => {
    // The session row locked: two invites at once cannot both take the last place.
    const { row, session } = await sessionToInviteTo(tx, { actor, caseId, sessionId, forUpdate: true });
    if ((await placesLeft(tx, session)) === 0) throw new AppError('ONLINE_INVITE_FULL', { max: MAX_PARTICIPANTS });
    const [added] = await tx
      .insert(onlineInvitees)
      .values({
        districtCode: actor.districtCode,
        sessionId,
        caseId,
        role: body.role,
        name: body.name,
        phoneEnc,
        phoneHash,
        invitedBy: actor.id,
      })
      .onConflictDoNothing()
      .returning();
    if (!added) throw new AppError('ONLINE_INVITEE_EXISTS');
    await issueLinks(tx, {
      districtCode: actor.districtCode,
      caseId,
      purpose: 'join',
      subjectId: sessionId,
      parties: [{ id: added.id, phoneEnc }],
      recipients: 'invitee',
      createdBy: actor.id,
      expiresAt: new Date(Date.now() + LINK_HOURS * 3600_000),
      publicBaseUrl: base,
      title: '线上调解',
      text: (url) =>
        `${actor.displayName}调解员邀请您作为${zhCN[`onlineRole.${body.role}`]}参加线上调解（${row.code}，${formatShanghaiDateTime(session.scheduledAt)}）。请用手机浏览器打开链接，输入短信验证码后进入（仅限本人，${LINK_HOURS}小时内或调解结束前有效）：${url}`,
    });
    await recordCaseEvent({
      db,
      within: tx,
      districtCode: actor.districtCode,
      caseId,
      author: actor,
      event: {
        action: 'online_invitee_invited',
        reason: `邀请${label}参加线上调解（${maskPhone(body.phone)}），已发送参加链接`,
        data: { sessionId, inviteeId: added.id, role: body.role },
      },
    });
    return added;
  });
  return presentInvitee(crypto, invitee, false);
}

function presentInvitee(crypto: PersonalDataCrypto, i: typeof onlineInvitees.$inferSelect, joined: boolean) {
  return {
    id: i.id,
    name: i.name,
    role: i.role,
    maskedPhone: maskPhone(crypto.decrypt(i.phoneEnc)),
    invitedAt: i.createdAt.toISOString(),
    joined,
  };
}

/** The session's invitees (phones masked), whether each has come in, and how many more places there are. */
export async function listOnlineInvitees(opts: { db: Db; crypto: PersonalDataCrypto; actor: Actor; caseId: string; sessionId: string }) {
  const { db, crypto, actor, caseId, sessionId } = opts;
  const { session } = await sessionToInviteTo(db, { actor, caseId, sessionId });
  const rows = await db
    .select()
    .from(onlineInvitees)
    .where(and(eq(onlineInvitees.districtCode, actor.districtCode), eq(onlineInvitees.sessionId, sessionId)))
    .orderBy(asc(onlineInvitees.createdAt));
  const came = rows.length
    ? await db
        .selectDistinct({ id: onlineParticipants.inviteeId })
        .from(onlineParticipants)
        .where(
          and(
            eq(onlineParticipants.districtCode, actor.districtCode),
            eq(onlineParticipants.sessionId, sessionId),
            sql`${onlineParticipants.joinedAt} is not null`,
            inArray(
              onlineParticipants.inviteeId,
              rows.map((r) => r.id),
            ),
          ),
        )
    : [];
  return {
    invitees: rows.map((r) =>
      presentInvitee(
        crypto,
        r,
        came.some((c) => c.id === r.id),
      ),
    ),
    max: MAX_PARTICIPANTS,
    places: await placesLeft(db, session),
  };
}
