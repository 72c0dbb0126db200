import { and, desc, eq, isNull } from 'drizzle-orm';
import { formatShanghaiDateTime } from '../../../shared/calendar.js';
import type { Db } from '../../db/client.js';
import { caseParties, cases, mediationAgreements, onlineLinks, petitionReplies } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canMediate, canSeeCase } from '../case-access/cases.policy.js';
import { findCaseRow } from '../case-access/case-row.js';
import { recordCaseEvent } from '../case-access/record-case-change.js';
import { agreementTitle } from './agreement-document.js';
import { findAgreement, signingTextOf } from './agreements.js';
import { partiesWithPhones, reachableParties } from './mediation-queries.js';
import { findLinkWithTicket, issueLinks, LINK_HOURS, requirePublicBaseUrl } from './online-links.js';

/**
 * 线上送达 (docs/ONLINE-MEDIATION.md): a party receives the agreement, the 信访处理意见书 (or its review / re-review) or
 * the 受理回执 by a one-time link and the SMS code; the first opening is recorded — when the document reached them —
 * on the link and on the case's timeline.
 */
export type DeliveredKind = 'agreement' | 'petition_reply' | 'receipt';

const TITLES: Record<string, string> = { reply: '信访处理意见书', review: '信访事项复查意见书', re_review: '信访事项复核意见书' };
const DECISIONS: Record<string, string> = { support: '支持', explain: '解释说明', not_support: '不予支持' };

/** The document a delivery is for: its row id and its title as the party will see it. */
async function documentOf(db: Db, opts: { districtCode: string; caseId: string; kind: DeliveredKind }) {
  const { districtCode, caseId, kind } = opts;
  if (kind === 'agreement') {
    const a = await findAgreement(db, { districtCode, caseId });
    if (!a) throw new AppError('AGREEMENT_NOT_FOUND');
    if (a.status === 'draft') throw new AppError('AGREEMENT_NOT_FINAL');
    return { subjectId: a.id, title: agreementTitle(a) };
  }
  if (kind === 'petition_reply') {
    const [r] = await db
      .select()
      .from(petitionReplies)
      .where(and(eq(petitionReplies.districtCode, districtCode), eq(petitionReplies.caseId, caseId)))
      .orderBy(desc(petitionReplies.issuedOn), desc(petitionReplies.stage));
    if (!r) throw new AppError('NOT_FOUND');
    return { subjectId: r.id, title: TITLES[r.stage]! };
  }
  return { subjectId: caseId, title: '受理回执' };
}

/** Sends each party of the case with a mobile number (or those named) a link to the document. */
export async function deliverDocumentOnline(opts: {
  db: Db;
  actor: Actor;
  caseId: string;
  kind: DeliveredKind;
  partyIds?: string[];
  publicBaseUrl: string | undefined;
}) {
  const { db, actor, caseId, kind } = opts;
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  if (!canMediate(actor, row)) throw new AppError('CASE_ACTION_FORBIDDEN', { action: 'deliver' });
  const base = requirePublicBaseUrl(opts.publicBaseUrl);
  const doc = await documentOf(db, { districtCode: actor.districtCode, caseId, kind });
  const parties = await partiesWithPhones(db, {
    districtCode: actor.districtCode,
    caseId,
    partyIds: opts.partyIds?.length ? opts.partyIds : undefined,
  });
  const reachable = reachableParties(parties);
  await db.transaction(async (tx) => {
    await issueLinks(tx, {
      districtCode: actor.districtCode,
      caseId,
      purpose: 'deliver',
      subjectId: doc.subjectId,
      documentKind: kind,
      parties: reachable,
      createdBy: actor.id,
      expiresAt: new Date(Date.now() + LINK_HOURS * 3600_000),
      publicBaseUrl: base,
      title: `文书送达：${doc.title}`,
      text: (url) =>
        `您的事项（${row.code}）的《${doc.title}》已出具，请在${LINK_HOURS}小时内打开链接，输入短信验证码后查看（仅限本人）：${url}`,
    });
    if (reachable.length)
      await recordCaseEvent({
        db,
        within: tx,
        districtCode: actor.districtCode,
        caseId,
        author: actor,
        event: {
          action: 'document_sent_online',
          reason: `《${doc.title}》以短信链接送达${reachable.map((p) => p.name).join('、')}`,
          data: { kind, partyIds: reachable.map((p) => p.id) },
        },
      });
  });
  return parties.map((p) => ({ partyId: p.id, name: p.name, sent: !!p.phoneEnc }));
}

/**
 * openDeliveredDocument: what the party reads once the code is checked. The first opening of this link is the moment
 * of 送达: recorded on the link and on the timeline, once (a reopening changes nothing).
 */
export async function openDeliveredDocument(opts: { db: Db; token: string; ticket: string | undefined }) {
  const { db } = opts;
  const link = await findLinkWithTicket(db, { token: opts.token, purpose: 'deliver', ticket: opts.ticket, allowUsed: true });
  const [c] = await db
    .select({ code: cases.code, trackingToken: cases.trackingToken })
    .from(cases)
    .where(and(eq(cases.districtCode, link.districtCode), eq(cases.id, link.caseId)));
  const kind = link.documentKind as DeliveredKind;
  let title = '受理回执';
  let paragraphs: string[] = [];
  if (kind === 'agreement') {
    const [a] = await db
      .select()
      .from(mediationAgreements)
      .where(and(eq(mediationAgreements.districtCode, link.districtCode), eq(mediationAgreements.id, link.subjectId)));
    if (!a) throw new AppError('ONLINE_LINK_INVALID');
    title = agreementTitle(a);
    paragraphs = (await signingTextOf(db, a, c!.code)).text.split('\n');
  } else if (kind === 'petition_reply') {
    const [r] = await db
      .select()
      .from(petitionReplies)
      .where(and(eq(petitionReplies.districtCode, link.districtCode), eq(petitionReplies.id, link.subjectId)));
    if (!r) throw new AppError('ONLINE_LINK_INVALID');
    title = TITLES[r.stage]!;
    paragraphs = [
      `编号：${c!.code}`,
      `信访请求：${r.request}`,
      `事实和理由：${r.factsAndReasons}`,
      `处理意见：${DECISIONS[r.decision]}`,
      `依据：${r.legalBasis}`,
      `${r.issuingBody}　${r.issuedOn}`,
    ];
  }
  const now = new Date();
  const [first] = await db
    .update(onlineLinks)
    .set({ firstOpenedAt: now, usedAt: now })
    .where(and(eq(onlineLinks.districtCode, link.districtCode), eq(onlineLinks.id, link.id), isNull(onlineLinks.firstOpenedAt)))
    .returning({ id: onlineLinks.id });
  if (first) {
    const [party] = await db
      .select({ name: caseParties.name })
      .from(caseParties)
      .where(and(eq(caseParties.districtCode, link.districtCode), eq(caseParties.id, link.partyId)));
    await db.transaction((tx) =>
      recordCaseEvent({
        db,
        within: tx,
        districtCode: link.districtCode,
        caseId: link.caseId,
        author: { id: null, displayName: `${party?.name ?? '当事人'}（短信链接）` },
        event: {
          action: 'document_delivered',
          reason: `${party?.name ?? '当事人'}于${formatShanghaiDateTime(now)}首次打开《${title}》（线上送达）`,
          data: { kind, linkId: link.id },
        },
      }),
    );
  }
  return {
    kind,
    title,
    code: c!.code,
    paragraphs,
    // The receipt is the case's own public page (the tracking code the party already holds).
    trackingToken: kind === 'receipt' ? c!.trackingToken : null,
    firstOpenedAt: (first ? now : link.firstOpenedAt!)?.toISOString(),
  };
}

/** The deliveries of a case: to whom, what, when sent and when first opened. */
export async function listDeliveries(db: Db, actor: Actor, caseId: string) {
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  const rows = await db
    .select({ link: onlineLinks, partyId: caseParties.id, name: caseParties.name })
    .from(onlineLinks)
    .innerJoin(caseParties, and(eq(caseParties.districtCode, onlineLinks.districtCode), eq(caseParties.id, onlineLinks.partyId)))
    .where(and(eq(onlineLinks.districtCode, actor.districtCode), eq(onlineLinks.caseId, caseId), eq(onlineLinks.purpose, 'deliver')))
    .orderBy(desc(onlineLinks.createdAt));
  return rows.map(({ link, partyId, name }) => ({
    partyId,
    partyName: name,
    kind: link.documentKind as DeliveredKind,
    sentAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt.toISOString(),
    firstOpenedAt: link.firstOpenedAt?.toISOString() ?? null,
    revoked: !!link.revokedAt,
  }));
}
