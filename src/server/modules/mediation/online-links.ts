import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { maskPhone } from '../../../shared/identifiers.js';
import type { Db, Tx } from '../../db/client.js';
import { cases, mediationSessions, onlineLinks } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import { AppError } from '../../plugins/errors.js';
import { enqueue } from '../notifications/outbox.js';
import { checkPhoneCode, issuePhoneCode } from '../notifications/phone-codes.js';
import type { SmsGateway } from '../notifications/sms-gateway.js';
import { sha256Hex } from './agreement-document.js';

/**
 * One-time links to a party's phone (docs/ONLINE-MEDIATION.md): the link names the party, the SMS code proves the
 * phone on the case, and only then does the page show anything of the case. A link lives 24 hours (or less: until its
 * session ends), is revoked when a newer one is sent to the same party for the same thing, and is spent by its use.
 */
export type LinkPurpose = 'sign' | 'join' | 'deliver';
export type LinkRow = typeof onlineLinks.$inferSelect;
/** A link naming a party of the case: every sign and deliver link, and a join link that is not an invitee's. */
export type PartyLinkRow = LinkRow & { partyId: string };

export const LINK_HOURS = 24;
/** After the SMS code: how long the page may act on what the code opened. */
const TICKET_MINUTES = 30;

export const hashLinkToken = (token: string) => sha256Hex(`online-link:${token}`);

/** The page a link opens, under the phone's light entry (`/online/…`, shared/web-entries.ts). */
export function linkPath(purpose: LinkPurpose, token: string, subjectId: string): string {
  return purpose === 'join' ? `/online/join/${subjectId}/${token}` : `/online/${purpose}/${token}`;
}

/** Refused unless the platform has an address residents' phones can reach (config PUBLIC_BASE_URL). */
export function requirePublicBaseUrl(publicBaseUrl: string | undefined): string {
  if (!publicBaseUrl) throw new AppError('ONLINE_PUBLIC_URL_MISSING');
  return publicBaseUrl.replace(/\/+$/, '');
}

/**
 * Makes one link per party (or invitee) and queues its SMS in the caller's transaction (sent after commit by the outbox). Earlier
 * unspent links of the same purpose, subject and party are revoked: one person, one live link.
 */
export async function issueLinks(
  tx: Tx,
  opts: {
    districtCode: string;
    caseId: string;
    purpose: LinkPurpose;
    subjectId: string;
    documentKind?: string;
    parties: { id: string; phoneEnc: Buffer }[];
    /** `invitee`: the ids are of `online_invitees` (a join link to an interpreter or lawyer), not of the case's parties. */
    recipients?: 'party' | 'invitee';
    createdBy: string;
    expiresAt: Date;
    publicBaseUrl: string;
    title: string;
    text: (url: string) => string;
  },
): Promise<{ partyId: string; linkId: string; token: string; path: string }[]> {
  const now = new Date();
  const out: { partyId: string; linkId: string; token: string; path: string }[] = [];
  const recipientColumn = opts.recipients === 'invitee' ? onlineLinks.inviteeId : onlineLinks.partyId;
  for (const party of opts.parties) {
    await tx
      .update(onlineLinks)
      .set({ revokedAt: now })
      .where(
        and(
          eq(onlineLinks.districtCode, opts.districtCode),
          eq(onlineLinks.subjectId, opts.subjectId),
          eq(recipientColumn, party.id),
          eq(onlineLinks.purpose, opts.purpose),
          isNull(onlineLinks.usedAt),
          isNull(onlineLinks.revokedAt),
          ...(opts.documentKind ? [eq(onlineLinks.documentKind, opts.documentKind)] : []),
        ),
      );
    const token = randomBytes(24).toString('base64url');
    const [row] = await tx
      .insert(onlineLinks)
      .values({
        districtCode: opts.districtCode,
        tokenHash: hashLinkToken(token),
        purpose: opts.purpose,
        caseId: opts.caseId,
        ...(opts.recipients === 'invitee' ? { inviteeId: party.id } : { partyId: party.id }),
        subjectId: opts.subjectId,
        documentKind: opts.documentKind ?? null,
        phoneEnc: party.phoneEnc,
        createdBy: opts.createdBy,
        expiresAt: opts.expiresAt,
      })
      .returning({ id: onlineLinks.id });
    const path = linkPath(opts.purpose, token, opts.subjectId);
    await enqueue(tx, [
      {
        districtCode: opts.districtCode,
        dedupeKey: `online-link:${row!.id}`,
        channel: 'sms',
        recipientPhoneEnc: party.phoneEnc,
        caseId: opts.caseId,
        title: opts.title,
        body: opts.text(`${opts.publicBaseUrl}${path}`),
      },
    ]);
    out.push({ partyId: party.id, linkId: row!.id, token, path });
  }
  return out;
}

/**
 * The live link behind a token, of this purpose: unknown, revoked or spent → ONLINE_LINK_INVALID (404), past its time
 * → ONLINE_LINK_EXPIRED (410). `forUpdate` locks it for the step that spends it.
 */
export async function findLink(
  db: Db | Tx,
  opts: { token: string; purpose: LinkPurpose | 'any'; forUpdate?: boolean; allowUsed?: boolean },
): Promise<LinkRow> {
  const { token, purpose } = opts;
  const q = db
    .select()
    .from(onlineLinks)
    .where(eq(onlineLinks.tokenHash, hashLinkToken(token)));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  if (!row || (purpose !== 'any' && row.purpose !== purpose) || row.revokedAt || (row.usedAt && !opts.allowUsed))
    throw new AppError('ONLINE_LINK_INVALID');
  if (row.expiresAt <= new Date()) throw new AppError('ONLINE_LINK_EXPIRED');
  return row;
}

/** A link of any purpose still of use: a spent signing or joining link has done its work; a delivered document may be opened again until the link expires. */
async function findOpenLink(db: Db | Tx, token: string): Promise<LinkRow> {
  const link = await findLink(db, { token, purpose: 'any', allowUsed: true });
  if (link.usedAt && link.purpose !== 'deliver') throw new AppError('ONLINE_LINK_INVALID');
  return link;
}

/** Sends the SMS code to the phone the link was made for (the portal's limits per phone: notifications/phone-codes.ts). */
export async function sendLinkCode(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  sms: SmsGateway;
  token: string;
  ip: string;
  showCode: boolean;
}) {
  const link = await findOpenLink(opts.db, opts.token);
  const phone = opts.crypto.decrypt(link.phoneEnc);
  const { code, ...issued } = await issuePhoneCode({ ...opts, districtCode: link.districtCode, phone });
  return { ...issued, maskedPhone: maskPhone(phone), ...(opts.showCode ? { demoCode: code } : {}) };
}

/** Checks that a code was sent to this link's phone and is right: the row of the verification, or VERIFICATION_CODE_INVALID. */
export async function checkLinkCode(opts: { db: Db; crypto: PersonalDataCrypto; link: LinkRow; verificationId: string; code: string }) {
  const { crypto, link } = opts;
  const verified = await checkPhoneCode({ ...opts, districtCode: link.districtCode });
  if (verified.phoneHash !== crypto.lookupHash(crypto.decrypt(link.phoneEnc))) throw new AppError('VERIFICATION_CODE_INVALID');
  return verified;
}

/** The code checked: a ticket for the page to read and act on what the link opens, for half an hour. */
export async function verifyLink(opts: { db: Db; crypto: PersonalDataCrypto; token: string; verificationId: string; code: string }) {
  const link = await findOpenLink(opts.db, opts.token);
  await checkLinkCode({ ...opts, link });
  const ticket = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + TICKET_MINUTES * 60_000);
  await opts.db
    .update(onlineLinks)
    .set({ ticketHash: sha256Hex(ticket), ticketExpiresAt: expiresAt })
    .where(and(eq(onlineLinks.districtCode, link.districtCode), eq(onlineLinks.id, link.id)));
  return { ticket, expiresAt: expiresAt.toISOString() };
}

/** The link, if the ticket its code gave is shown and still good; ONLINE_TICKET_INVALID otherwise. */
export async function findLinkWithTicket(
  db: Db | Tx,
  opts: { token: string; purpose: 'sign' | 'deliver'; ticket: string | undefined; forUpdate?: boolean; allowUsed?: boolean },
): Promise<PartyLinkRow> {
  const { ticket } = opts;
  const link = await findLink(db, opts);
  if (!ticket || !link.ticketHash || link.ticketHash !== sha256Hex(ticket) || !link.ticketExpiresAt || link.ticketExpiresAt <= new Date())
    throw new AppError('ONLINE_TICKET_INVALID');
  // Signing and delivery are a party's alone (the check constraint lets only join links name an invitee).
  if (!link.partyId) throw new AppError('ONLINE_LINK_INVALID');
  return { ...link, partyId: link.partyId };
}

/** What a link's page shows before the code: what it is for, the case number, the phone the code goes to. */
export async function describeLink(db: Db, crypto: PersonalDataCrypto, token: string) {
  const link = await findOpenLink(db, token);
  const [c] = await db
    .select({ code: cases.code })
    .from(cases)
    .where(and(eq(cases.districtCode, link.districtCode), eq(cases.id, link.caseId)));
  const [session] =
    link.purpose === 'join'
      ? await db
          .select()
          .from(mediationSessions)
          .where(and(eq(mediationSessions.districtCode, link.districtCode), eq(mediationSessions.id, link.subjectId)))
      : [];
  return {
    purpose: link.purpose,
    caseCode: c?.code ?? '',
    maskedPhone: maskPhone(crypto.decrypt(link.phoneEnc)),
    expiresAt: link.expiresAt.toISOString(),
    documentKind: link.documentKind,
    session: session
      ? { id: session.id, scheduledAt: session.scheduledAt.toISOString(), isPublic: session.isPublic, status: session.status }
      : null,
  };
}
