import { and, eq, isNull } from 'drizzle-orm';
import type { WorkCalendar } from '../../../shared/calendar.js';
import { maskPhone } from '../../../shared/identifiers.js';
import type { Db } from '../../db/client.js';
import { agreementSignatures, caseParties, cases, mediationAgreements, onlineLinks } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canMediate, canSeeCase } from '../case-access/cases.policy.js';
import { findCaseRow } from '../case-access/case-row.js';
import { recordCaseEvent } from '../case-access/record-case-change.js';
import { agreementTitle, type SigningRecordEntry } from './agreement-document.js';
import { addSignature, findAgreement, signingTextOf, type AgreementRow } from './agreements.js';
import { partiesWithPhones, reachableParties } from './mediation-queries.js';
import { findLinkWithTicket, issueLinks, LINK_HOURS, requirePublicBaseUrl } from './online-links.js';

/** A drawn signature: a PNG of at most 300 KB (a finger's strokes on a phone's canvas are a few KB). */
const MAX_SIGNATURE_BYTES = 300 * 1024;
const PNG_MAGIC = Buffer.from('89504e470d0a1a0a', 'hex');

/**
 * 手机签署: the mediator sends each party of a final written agreement a one-time link by SMS. Parties without a mobile
 * number on the case are answered as such (they sign on paper at the centre).
 */
export async function sendSignLinks(opts: { db: Db; actor: Actor; caseId: string; publicBaseUrl: string | undefined }) {
  const { db, actor, caseId } = opts;
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  if (!canMediate(actor, row)) throw new AppError('CASE_ACTION_FORBIDDEN', { action: 'agreement' });
  const base = requirePublicBaseUrl(opts.publicBaseUrl);
  return db.transaction(async (tx) => {
    const a = await findAgreement(tx, { districtCode: actor.districtCode, caseId, forUpdate: true });
    if (!a) throw new AppError('AGREEMENT_NOT_FOUND');
    if (a.status !== 'final' || a.form !== 'written') throw new AppError('AGREEMENT_NOT_FINAL');
    const parties = await partiesWithPhones(tx, { districtCode: actor.districtCode, caseId, partyIds: a.partyIds });
    const unsigned = parties.filter((p) => !a.signatures.some((s) => s.signer === `party:${p.id}`));
    const reachable = reachableParties(unsigned);
    const links = await issueLinks(tx, {
      districtCode: actor.districtCode,
      caseId,
      purpose: 'sign',
      subjectId: a.id,
      parties: reachable,
      createdBy: actor.id,
      expiresAt: new Date(Date.now() + LINK_HOURS * 3600_000),
      publicBaseUrl: base,
      title: '调解协议签署',
      text: (url) =>
        `您的调解协议（${row.code}）已定稿，请在${LINK_HOURS}小时内打开链接，输入短信验证码，阅读全文后在手机上签名（仅限本人）：${url}`,
    });
    if (links.length)
      await recordCaseEvent({
        db,
        within: tx,
        districtCode: actor.districtCode,
        caseId,
        author: actor,
        event: {
          action: 'agreement_sign_links',
          reason: `已向${reachable.map((p) => p.name).join('、')}发送手机签署链接（${LINK_HOURS}小时内有效）`,
          data: { partyIds: reachable.map((p) => p.id) },
        },
      });
    return unsigned.map((p) => ({ partyId: p.id, name: p.name, sent: !!p.phoneEnc }));
  });
}

async function linkedAgreement(db: Db, link: { districtCode: string; subjectId: string; caseId: string }) {
  const [a] = await db
    .select()
    .from(mediationAgreements)
    .where(and(eq(mediationAgreements.districtCode, link.districtCode), eq(mediationAgreements.id, link.subjectId)));
  const [c] = await db
    .select({ code: cases.code })
    .from(cases)
    .where(and(eq(cases.districtCode, link.districtCode), eq(cases.id, link.caseId)));
  if (!a || !c) throw new AppError('ONLINE_LINK_INVALID');
  return { a, code: c.code };
}

/** What the phone shows once the code is checked: the agreement's full text, its digest, whose link it is. */
export async function readAgreementByLink(opts: { db: Db; token: string; ticket: string | undefined }) {
  const link = await findLinkWithTicket(opts.db, { token: opts.token, purpose: 'sign', ticket: opts.ticket });
  const { a, code } = await linkedAgreement(opts.db, link);
  // A text redrafted since the link was sent revoked the link; a draft re-finalised has a new link.
  if (a.status !== 'final') throw new AppError('AGREEMENT_NOT_FINAL');
  const { text, sha256 } = await signingTextOf(opts.db, a, code);
  const [party] = await opts.db
    .select({ name: caseParties.name })
    .from(caseParties)
    .where(and(eq(caseParties.districtCode, link.districtCode), eq(caseParties.id, link.partyId)));
  return { code, title: agreementTitle(a), partyName: party?.name ?? '', text, textSha256: sha256 };
}

/**
 * signAgreementByLink: the party's drawn signature with their consent, bound to the SHA-256 of the text they read. In
 * one transaction: the link spent, the evidence stored (image, digest, time, verified phone, address, browser), the
 * signature added to the agreement (which may take effect with it) and the step on the timeline.
 */
export async function signAgreementByLink(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  calendar: WorkCalendar;
  token: string;
  ticket: string | undefined;
  body: { signaturePng: string; consent: boolean; textSha256: string };
  ip: string;
  userAgent: string | undefined;
}) {
  const { db, crypto, calendar, body } = opts;
  if (!body.consent) throw new AppError('SIGNATURE_CONSENT_REQUIRED');
  const image = Buffer.from(body.signaturePng.replace(/^data:image\/png;base64,/, ''), 'base64');
  if (image.length < 100 || image.length > MAX_SIGNATURE_BYTES || !image.subarray(0, 8).equals(PNG_MAGIC))
    throw new AppError('SIGNATURE_IMAGE_INVALID');
  return db.transaction(async (tx) => {
    const link = await findLinkWithTicket(tx, { token: opts.token, purpose: 'sign', ticket: opts.ticket, forUpdate: true });
    const a = await findAgreement(tx, { districtCode: link.districtCode, caseId: link.caseId, forUpdate: true });
    if (!a || a.id !== link.subjectId) throw new AppError('ONLINE_LINK_INVALID');
    if (a.status !== 'final') throw new AppError('AGREEMENT_NOT_FINAL');
    if (!a.partyIds.includes(link.partyId)) throw new AppError('AGREEMENT_SIGNER_INVALID');
    if (a.signatures.some((s) => s.signer === `party:${link.partyId}`)) throw new AppError('ALREADY_SIGNED');
    const [c] = await tx
      .select({ code: cases.code })
      .from(cases)
      .where(and(eq(cases.districtCode, link.districtCode), eq(cases.id, link.caseId)));
    const { sha256 } = await signingTextOf(tx, a, c!.code);
    if (sha256 !== body.textSha256) throw new AppError('AGREEMENT_TEXT_CHANGED');
    const now = new Date();
    await tx
      .update(onlineLinks)
      .set({ usedAt: now })
      .where(and(eq(onlineLinks.districtCode, link.districtCode), eq(onlineLinks.id, link.id)));
    await tx.insert(agreementSignatures).values({
      districtCode: link.districtCode,
      agreementId: a.id,
      caseId: a.caseId,
      partyId: link.partyId,
      linkId: link.id,
      imagePng: image,
      textSha256: sha256,
      signedAt: now,
      phoneEnc: link.phoneEnc,
      ip: opts.ip,
      userAgent: (opts.userAgent ?? '').slice(0, 400),
    });
    const [party] = await tx
      .select({ name: caseParties.name })
      .from(caseParties)
      .where(and(eq(caseParties.districtCode, link.districtCode), eq(caseParties.id, link.partyId)));
    const author = { id: null, displayName: `${party?.name ?? '当事人'}（手机签名）`, districtCode: link.districtCode };
    await recordCaseEvent({
      db,
      within: tx,
      districtCode: link.districtCode,
      caseId: a.caseId,
      author,
      event: {
        action: 'agreement_signed_online',
        reason: `${party?.name ?? '当事人'}经短信验证（${maskPhone(crypto.decrypt(link.phoneEnc))}）在手机上阅读全文并签名，文本摘要 ${sha256.slice(0, 16)}…`,
        data: { partyId: link.partyId, textSha256: sha256 },
      },
    });
    await addSignature({
      db,
      tx,
      calendar,
      crypto,
      author,
      a,
      caseCode: c!.code,
      signer: `party:${link.partyId}`,
      kind: 'e_signature',
      recordedBy: null,
    });
    return { signedAt: now.toISOString() };
  });
}

/** The valid phone signatures (images for the document) and the whole 签署记录 of an agreement. */
export async function signingEvidence(db: Db, crypto: PersonalDataCrypto, a: AgreementRow) {
  const rows = await db
    .select({ s: agreementSignatures, name: caseParties.name, role: caseParties.role })
    .from(agreementSignatures)
    .innerJoin(
      caseParties,
      and(eq(caseParties.districtCode, agreementSignatures.districtCode), eq(caseParties.id, agreementSignatures.partyId)),
    )
    .where(and(eq(agreementSignatures.districtCode, a.districtCode), eq(agreementSignatures.agreementId, a.id)))
    .orderBy(agreementSignatures.signedAt);
  const signatures = rows.filter((r) => !r.s.voidedAt).map((r) => ({ partyId: r.s.partyId, imagePng: r.s.imagePng }));
  const signingRecord: SigningRecordEntry[] = rows.map((r) => ({
    partyName: r.name,
    role: r.role,
    signedAt: r.s.signedAt.toISOString(),
    maskedPhone: maskPhone(crypto.decrypt(r.s.phoneEnc)),
    ip: r.s.ip,
    userAgent: r.s.userAgent,
    textSha256: r.s.textSha256,
    voidedAt: r.s.voidedAt?.toISOString() ?? null,
    voidReason: r.s.voidReason,
  }));
  return { signatures, signingRecord };
}

/** Valid phone signatures of the agreement, by party (for the case page). */
export async function phoneSignedParties(db: Db, a: AgreementRow): Promise<Set<string>> {
  const rows = await db
    .select({ partyId: agreementSignatures.partyId })
    .from(agreementSignatures)
    .where(
      and(
        eq(agreementSignatures.districtCode, a.districtCode),
        eq(agreementSignatures.agreementId, a.id),
        isNull(agreementSignatures.voidedAt),
      ),
    );
  return new Set(rows.map((r) => r.partyId));
}
