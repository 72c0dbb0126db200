import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { missingAgreementItems, judicialConfirmationEligibility } from '../../../shared/agreement-rules.js';
import { shanghaiDate, type WorkCalendar } from '../../../shared/calendar.js';
import type { Agreement, SubjectMatter } from '../../../shared/schemas/agreements.js';
import type { agreementInputSchema, judicialConfirmationBodySchema, signatureBodySchema } from '../../../shared/schemas/agreements.js';
import type { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import {
  accessLog,
  agreementSignatures,
  caseParties,
  judicialConfirmations,
  mediationAgreements,
  onlineLinks,
  units,
  users,
} from '../../db/schema.js';
import { agreementSigningText, sha256Hex } from './agreement-document.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canMediate, canSeeCase } from '../case-access/cases.policy.js';
import { findCaseRow, type CaseRow } from '../case-access/case-row.js';
import { recordCaseEvent, type ChangeAuthor } from '../case-access/record-case-change.js';
import { listDistricts } from '../../lib/districts.js';
import { enqueue } from '../notifications/outbox.js';

export type AgreementRow = typeof mediationAgreements.$inferSelect;

async function visibleCase(db: Db | Tx, actor: Actor, caseId: string): Promise<CaseRow> {
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  return row;
}

/** The mediator of the case: a mediator or handler of the lead unit (or a unit under it). */
function requireMediator(actor: Actor, row: CaseRow) {
  if (!canMediate(actor, row)) throw new AppError('CASE_ACTION_FORBIDDEN', { action: 'agreement' });
}

/** The case's agreement, if there is one; `forUpdate` locks it for the step that changes it. */
export async function findAgreement(
  db: Db | Tx,
  opts: { districtCode: string; caseId: string; forUpdate?: boolean },
): Promise<AgreementRow | undefined> {
  const { districtCode, caseId } = opts;
  const q = db
    .select()
    .from(mediationAgreements)
    .where(and(eq(mediationAgreements.districtCode, districtCode), eq(mediationAgreements.caseId, caseId)));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  return row;
}

/** The agreement's step on the case's timeline, through the case's write path, in the step's transaction. */
async function note(opts: {
  db: Db;
  tx: Tx;
  author: ChangeAuthor & { districtCode: string };
  caseId: string;
  action: string;
  reason: string;
  data?: Record<string, unknown>;
}) {
  const { db, tx, author, caseId, action, reason, data = {} } = opts;
  await recordCaseEvent({ db, within: tx, districtCode: author.districtCode, caseId, author, event: { action, reason, data } });
}

/** The name of the agreement's mediator as the document prints it ('' if the account is gone). */
export async function mediatorNameOf(db: Db | Tx, a: Pick<AgreementRow, 'districtCode' | 'mediatorId'>): Promise<string> {
  const [mediator] = await db
    .select({ name: users.displayName })
    .from(users)
    .where(and(eq(users.districtCode, a.districtCode), eq(users.id, a.mediatorId)));
  return mediator?.name ?? '';
}

/**
 * The exact text a party reads and signs on the phone (`agreementSigningText`) and its SHA-256: the case number, the
 * parties by name, the statutory items and terms, the committee and the mediator.
 */
export async function signingTextOf(db: Db | Tx, a: AgreementRow, caseCode: string): Promise<{ text: string; sha256: string }> {
  const [parties, mediatorName] = await Promise.all([partiesOf(db, a), mediatorNameOf(db, a)]);
  const text = agreementSigningText({ ...a, code: caseCode, parties, mediatorName });
  return { text, sha256: sha256Hex(text) };
}

/** Writes the draft (creating it the first time); a final agreement cannot change. */
export async function saveAgreement(opts: { db: Db; actor: Actor; caseId: string; body: z.infer<typeof agreementInputSchema> }) {
  const { db, actor, caseId, body } = opts;
  const row = await visibleCase(db, actor, caseId);
  requireMediator(actor, row);
  const parties = await db
    .select({ id: caseParties.id })
    .from(caseParties)
    .where(and(eq(caseParties.districtCode, actor.districtCode), eq(caseParties.caseId, caseId)));
  const partyIds = body.partyIds ?? parties.map((p) => p.id);
  if (partyIds.some((id) => !parties.some((p) => p.id === id))) throw new AppError('AGREEMENT_SIGNER_INVALID');
  const [lead] = await db
    .select({ name: units.name })
    .from(units)
    .where(and(eq(units.districtCode, actor.districtCode), eq(units.id, row.leadUnitId!)));
  const committeeName = body.committeeName ?? `${(lead?.name ?? '').replace(/司法所$/, '')}人民调解委员会`;
  await db.transaction(async (tx) => {
    const existing = await findAgreement(tx, { districtCode: actor.districtCode, caseId, forUpdate: true });
    if (existing && existing.status === 'effective') throw new AppError('AGREEMENT_FINAL');
    const values = {
      form: body.form,
      subjectMatter: body.subjectMatter,
      partyIds,
      facts: body.facts,
      disputedMatters: body.disputedMatters,
      responsibilities: body.responsibilities,
      terms: body.terms,
      committeeName,
      updatedAt: new Date(),
    };
    if (existing?.status === 'final') {
      // A final text may still change before it takes effect, but then it is a new draft: every signature already given
      // was given to other words, so all of them fall away and the phones' links stop working (电子签名法 Art.13).
      const before = await signingTextOf(tx, existing, row.code);
      const after = await signingTextOf(tx, { ...existing, ...values }, row.code);
      if (before.sha256 === after.sha256) throw new AppError('AGREEMENT_FINAL');
      await redraftAgreement({ db, tx, actor, agreement: existing, values });
      return;
    }
    if (existing) {
      await tx
        .update(mediationAgreements)
        .set(values)
        .where(and(eq(mediationAgreements.districtCode, actor.districtCode), eq(mediationAgreements.id, existing.id)));
    } else {
      await tx.insert(mediationAgreements).values({ districtCode: actor.districtCode, caseId, mediatorId: actor.id, ...values });
    }
  });
}

/** The final agreement's text changed: a new draft, its signatures void (kept, marked), its signing links revoked, on the timeline. */
async function redraftAgreement(opts: { db: Db; tx: Tx; actor: Actor; agreement: AgreementRow; values: Partial<AgreementRow> }) {
  const { db, tx, actor, agreement: a, values } = opts;
  const now = new Date();
  await tx
    .update(mediationAgreements)
    .set({ ...values, status: 'draft', signatures: [], finalizedAt: null, updatedAt: now })
    .where(and(eq(mediationAgreements.districtCode, a.districtCode), eq(mediationAgreements.id, a.id)));
  const voided = await tx
    .update(agreementSignatures)
    .set({ voidedAt: now, voidReason: '协议文本在签名后被修改' })
    .where(
      and(
        eq(agreementSignatures.districtCode, a.districtCode),
        eq(agreementSignatures.agreementId, a.id),
        isNull(agreementSignatures.voidedAt),
      ),
    )
    .returning({ partyId: agreementSignatures.partyId });
  await tx
    .update(onlineLinks)
    .set({ revokedAt: now })
    .where(
      and(
        eq(onlineLinks.districtCode, a.districtCode),
        eq(onlineLinks.subjectId, a.id),
        eq(onlineLinks.purpose, 'sign'),
        isNull(onlineLinks.usedAt),
        isNull(onlineLinks.revokedAt),
      ),
    );
  const given = a.signatures.length;
  await note({
    db,
    tx,
    author: actor,
    caseId: a.caseId,
    action: 'agreement_redrafted',
    reason:
      given > 0
        ? `协议定稿后文本被修改，成为新草稿：已有的 ${given} 个签名（其中手机签名 ${voided.length} 个）作废，须重新定稿并由各方重新签名`
        : '协议定稿后文本被修改，成为新草稿，须重新定稿',
    data: { voidedSignatures: given, voidedPhoneSignatures: voided.length },
  });
}

/** 定稿: refused, naming the first missing item, unless every statutory item is there (人民调解法 Art.29). */
export async function finalizeAgreement(db: Db, actor: Actor, caseId: string) {
  const row = await visibleCase(db, actor, caseId);
  requireMediator(actor, row);
  await db.transaction(async (tx) => {
    const a = await findAgreement(tx, { districtCode: actor.districtCode, caseId, forUpdate: true });
    if (!a) throw new AppError('AGREEMENT_NOT_FOUND');
    if (a.status !== 'draft') throw new AppError('AGREEMENT_FINAL');
    const parties = await partiesOf(tx, a);
    const missing = missingAgreementItems({ ...a, parties });
    if (missing.length) throw new AppError(missing[0]!, { missing });
    const now = new Date();
    // An oral agreement takes effect when the mediator records it (Art.28, 30).
    const effectiveOn = a.form === 'oral' ? shanghaiDate(now) : null;
    await tx
      .update(mediationAgreements)
      .set({ status: a.form === 'oral' ? 'effective' : 'final', finalizedAt: now, effectiveOn, updatedAt: now })
      .where(and(eq(mediationAgreements.districtCode, actor.districtCode), eq(mediationAgreements.id, a.id)));
    await note({
      db,
      tx,
      author: actor,
      caseId,
      action: 'agreement_finalize',
      reason: a.form === 'oral' ? '记录口头调解协议' : '调解协议书定稿，待各方签名',
      data: { form: a.form },
    });
  });
}

/** Records a signature, fingerprint or seal; with everyone's, the written agreement takes effect today. */
export async function signAgreement(opts: {
  db: Db;
  calendar: WorkCalendar;
  crypto: PersonalDataCrypto;
  actor: Actor;
  caseId: string;
  body: z.infer<typeof signatureBodySchema>;
}) {
  const { db, calendar, crypto, actor, caseId, body } = opts;
  const row = await visibleCase(db, actor, caseId);
  requireMediator(actor, row);
  await db.transaction(async (tx) => {
    const a = await findAgreement(tx, { districtCode: actor.districtCode, caseId, forUpdate: true });
    if (!a) throw new AppError('AGREEMENT_NOT_FOUND');
    if (a.status !== 'final') throw new AppError('AGREEMENT_NOT_FINAL');
    const signer = body.signer === 'party' ? `party:${body.partyId}` : body.signer;
    if (body.signer === 'party' && (!body.partyId || !a.partyIds.includes(body.partyId))) throw new AppError('AGREEMENT_SIGNER_INVALID');
    await addSignature({ db, tx, calendar, crypto, author: actor, a, caseCode: row.code, signer, kind: body.kind, recordedBy: actor.id });
  });
}

/**
 * Adds one signature, fingerprint or seal to a final agreement (in the caller's transaction, the agreement locked);
 * with every party's, the mediator's and the committee's the written agreement takes effect today (人民调解法 Art.29),
 * on the timeline, and the judicial-confirmation window is told to the mediator and the parties.
 */
export async function addSignature(opts: {
  db: Db;
  tx: Tx;
  calendar: WorkCalendar;
  crypto: PersonalDataCrypto;
  author: ChangeAuthor & { districtCode: string };
  a: AgreementRow;
  caseCode: string;
  signer: string;
  kind: string;
  recordedBy: string | null;
}) {
  const { db, tx, calendar, crypto, author, a, caseCode, signer } = opts;
  const now = new Date();
  const signatures = [
    ...a.signatures.filter((s) => s.signer !== signer),
    { signer, kind: opts.kind, at: now.toISOString(), recordedBy: opts.recordedBy ?? '' },
  ];
  const complete =
    a.partyIds.every((id) => signatures.some((s) => s.signer === `party:${id}`)) &&
    signatures.some((s) => s.signer === 'mediator') &&
    signatures.some((s) => s.signer === 'committee');
  const effectiveOn = complete ? shanghaiDate(now) : null;
  await tx
    .update(mediationAgreements)
    .set({ signatures, ...(complete ? { status: 'effective' as const, effectiveOn } : {}), updatedAt: now })
    .where(and(eq(mediationAgreements.districtCode, a.districtCode), eq(mediationAgreements.id, a.id)));
  if (!complete) return;
  await note({
    db,
    tx,
    author,
    caseId: a.caseId,
    action: 'agreement_effective',
    reason: '各方签名（按指印）、调解员签名、委员会盖章，调解协议生效',
  });
  const eligibility = judicialConfirmationEligibility({
    form: a.form,
    subjectMatter: a.subjectMatter as SubjectMatter,
    terms: a.terms,
  });
  if (!eligibility.eligible) return;
  const ends = calendar.addCalendarDays(effectiveOn!, 30).date;
  const parties = await partiesOf(tx, a, crypto);
  await enqueue(tx, [
    {
      districtCode: a.districtCode,
      dedupeKey: `jc-window:${a.id}:mediator`,
      channel: 'in_app',
      recipientUserId: a.mediatorId,
      caseId: a.caseId,
      title: `司法确认期限：${caseCode}`,
      body: `调解协议已于 ${effectiveOn} 生效，双方可在 ${ends} 前共同向人民法院申请司法确认。`,
    },
    ...parties
      .filter((p) => p.phone)
      .map((p) => ({
        districtCode: a.districtCode,
        dedupeKey: `jc-window:${a.id}:${p.partyId}`,
        channel: 'sms' as const,
        recipientPhoneEnc: crypto.encrypt(p.phone!),
        caseId: a.caseId,
        title: '人民调解协议已生效',
        body: `如需司法确认，请于${ends}前与对方当事人共同向有管辖权的基层人民法院申请。`,
      })),
  ]);
}

/** 司法确认: the application to the court and, later, its ruling, on an agreement in effect that the court may confirm. */
export async function recordJudicialConfirmation(opts: {
  db: Db;
  actor: Actor;
  caseId: string;
  body: z.infer<typeof judicialConfirmationBodySchema>;
}) {
  const { db, actor, caseId, body } = opts;
  const row = await visibleCase(db, actor, caseId);
  requireMediator(actor, row);
  await db.transaction(async (tx) => {
    const a = await findAgreement(tx, { districtCode: actor.districtCode, caseId, forUpdate: true });
    if (!a) throw new AppError('AGREEMENT_NOT_FOUND');
    const eligibility = judicialConfirmationEligibility({ form: a.form, subjectMatter: a.subjectMatter as SubjectMatter, terms: a.terms });
    if (!eligibility.eligible) throw new AppError('JUDICIAL_CONFIRMATION_INELIGIBLE', { reason: eligibility.reason });
    if (a.status !== 'effective') throw new AppError('JUDICIAL_CONFIRMATION_NOT_EFFECTIVE');
    await tx
      .insert(judicialConfirmations)
      .values({ districtCode: actor.districtCode, agreementId: a.id, ...body, recordedBy: actor.id })
      .onConflictDoUpdate({
        target: [judicialConfirmations.districtCode, judicialConfirmations.agreementId],
        set: { ...body, recordedBy: actor.id, updatedAt: new Date() },
      });
    const text = body.decision
      ? `${body.court}${body.decision === 'confirmed' ? '裁定确认调解协议有效' : '裁定驳回司法确认申请'}（${body.decidedOn ?? ''}）`
      : `已向${body.court}申请司法确认（${body.appliedOn}）`;
    await note({ db, tx, author: actor, caseId, action: 'judicial_confirmation', reason: text, data: { decision: body.decision } });
  });
}

export interface AgreementParty {
  partyId: string;
  role: string;
  type: string;
  name: string;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
}

/** The parties of the agreement; with `crypto`, their particulars decrypted (for the document only). */
export async function partiesOf(db: Db | Tx, a: AgreementRow, crypto?: PersonalDataCrypto): Promise<AgreementParty[]> {
  if (a.partyIds.length === 0) return [];
  const rows = await db
    .select()
    .from(caseParties)
    .where(and(eq(caseParties.districtCode, a.districtCode), inArray(caseParties.id, a.partyIds)))
    .orderBy(asc(caseParties.position));
  const plain = (b: Buffer | null) => (b && crypto ? crypto.decrypt(b) : null);
  // The parties as given for this case: the agreement names them as the case does (人民调解法 Art.29).
  return rows.map((party) => ({
    partyId: party.id,
    role: party.role,
    type: party.type,
    name: party.name,
    idNumber: plain(party.idNumberEnc) ?? party.creditCode,
    phone: plain(party.phoneEnc),
    address: plain(party.addressEnc),
  }));
}

/** Every document made with the parties' particulars is a view of personal data: logged (个人信息保护法 Art.56). */
export async function logDocumentAccess(opts: { db: Db; actor: Actor; agreement: AgreementRow; requestId: string; ip: string }) {
  const { db, actor, agreement: a, requestId, ip } = opts;
  const rows = await db
    .select({ personId: caseParties.personId })
    .from(caseParties)
    .where(and(eq(caseParties.districtCode, a.districtCode), inArray(caseParties.id, a.partyIds)));
  if (rows.length === 0) return;
  await db.insert(accessLog).values(
    rows.map((r) => ({
      districtCode: a.districtCode,
      actorId: actor.id,
      entityType: 'person',
      entityId: r.personId,
      field: 'agreement_document',
      purpose: '制作人民调解协议书',
      requestId,
      ip,
    })),
  );
}

export async function loadAgreementForDocument(db: Db, actor: Actor, caseId: string) {
  const row = await visibleCase(db, actor, caseId);
  const a = await findAgreement(db, { districtCode: actor.districtCode, caseId });
  if (!a) throw new AppError('AGREEMENT_NOT_FOUND');
  return { row, a };
}

/** The case's agreement as the case page shows it: parties and who signed, terms and their performance, the judicial-confirmation window. */
export async function presentAgreement(opts: { db: Db; calendar: WorkCalendar; actor: Actor; caseId: string }): Promise<Agreement> {
  const { db, calendar, actor, caseId } = opts;
  await visibleCase(db, actor, caseId);
  const a = await findAgreement(db, { districtCode: actor.districtCode, caseId });
  if (!a) throw new AppError('AGREEMENT_NOT_FOUND');
  const [parties, mediatorName, [jc]] = await Promise.all([
    partiesOf(db, a),
    mediatorNameOf(db, a),
    db
      .select()
      .from(judicialConfirmations)
      .where(and(eq(judicialConfirmations.districtCode, a.districtCode), eq(judicialConfirmations.agreementId, a.id))),
  ]);
  const signed = (signer: string) => a.signatures.some((s) => s.signer === signer);
  const eligibility = judicialConfirmationEligibility({ form: a.form, subjectMatter: a.subjectMatter as SubjectMatter, terms: a.terms });
  return {
    id: a.id,
    caseId: a.caseId,
    form: a.form,
    status: a.status,
    subjectMatter: a.subjectMatter as SubjectMatter,
    parties: parties.map((p) => ({ partyId: p.partyId, name: p.name, role: p.role, signed: signed(`party:${p.partyId}`) })),
    facts: a.facts,
    disputedMatters: a.disputedMatters,
    responsibilities: a.responsibilities,
    terms: a.terms.map((x) => ({
      text: x.text,
      method: x.method,
      dueDate: x.dueDate,
      performance: x.performance ?? 'pending',
      performanceNote: x.performanceNote ?? null,
      isOverdue:
        a.status === 'effective' && !!x.dueDate && x.dueDate < shanghaiDate(new Date()) && (x.performance ?? 'pending') !== 'performed',
    })),
    mediator: { id: a.mediatorId, name: mediatorName, signed: signed('mediator') },
    committeeName: a.committeeName,
    committeeSealed: signed('committee'),
    missingItems: missingAgreementItems({ ...a, parties }),
    effectiveOn: a.effectiveOn,
    judicialConfirmation: {
      ...eligibility,
      windowEndsOn: eligibility.eligible && a.effectiveOn ? calendar.addCalendarDays(a.effectiveOn, 30).date : null,
      court: jc?.court ?? null,
      appliedOn: jc?.appliedOn ?? null,
      decision: jc?.decision ?? null,
      decidedOn: jc?.decidedOn ?? null,
    },
  };
}

/** 履行: the committee records whether a term was performed; not performed says what next (reopen, or court). */
export async function recordPerformance(opts: {
  db: Db;
  actor: Actor;
  caseId: string;
  index: number;
  body: { performance: 'performed' | 'partly' | 'not_performed'; note: string | null };
}) {
  const { db, actor, caseId, index, body } = opts;
  const row = await visibleCase(db, actor, caseId);
  requireMediator(actor, row);
  await db.transaction(async (tx) => {
    const a = await findAgreement(tx, { districtCode: actor.districtCode, caseId, forUpdate: true });
    if (!a) throw new AppError('AGREEMENT_NOT_FOUND');
    if (a.status !== 'effective') throw new AppError('JUDICIAL_CONFIRMATION_NOT_EFFECTIVE');
    const term = a.terms[index];
    if (!term) throw new AppError('AGREEMENT_TERM_NOT_FOUND');
    const terms = a.terms.map((x, i) =>
      i === index
        ? { ...x, performance: body.performance, performanceNote: body.note, performanceRecordedAt: new Date().toISOString() }
        : x,
    );
    await tx
      .update(mediationAgreements)
      .set({ terms, updatedAt: new Date() })
      .where(and(eq(mediationAgreements.districtCode, actor.districtCode), eq(mediationAgreements.id, a.id)));
    const words = { performed: '已履行', partly: '部分履行', not_performed: '未履行' }[body.performance];
    await note({
      db,
      tx,
      author: actor,
      caseId,
      action: 'term_performance',
      reason: `协议第${index + 1}项${words}${body.note ? `：${body.note}` : ''}${body.performance === 'not_performed' ? '（可重新调解，或引导当事人向人民法院起诉）' : ''}`,
      data: { index, performance: body.performance },
    });
  });
}

/**
 * The daily look at agreements in effect: a term past its due date and not recorded as performed alerts the mediator —
 * once per term (the outbox key), however often the sweep runs.
 */
export async function sweepAgreementTerms(db: Db, today: string): Promise<number> {
  const rows: { a: AgreementRow; code: string }[] = [];
  for (const district of await listDistricts(db)) {
    rows.push(
      ...(await db
        .select({
          a: mediationAgreements,
          // Qualified with the outer table's name: an unqualified "district_code" would bind to c's own column.
          code: sql<string>`(select c.code from cases c where c.district_code = mediation_agreements.district_code and c.id = mediation_agreements.case_id)`,
        })
        .from(mediationAgreements)
        .where(and(eq(mediationAgreements.districtCode, district), eq(mediationAgreements.status, 'effective')))),
    );
  }
  const messages = rows.flatMap(({ a, code }) =>
    a.terms.flatMap((t, i) =>
      t.dueDate && t.dueDate < today && (t.performance ?? 'pending') !== 'performed'
        ? [
            {
              districtCode: a.districtCode,
              dedupeKey: `term-overdue:${a.id}:${i}`,
              channel: 'in_app' as const,
              recipientUserId: a.mediatorId,
              caseId: a.caseId,
              title: `协议未按期履行：${code}`,
              body: `第${i + 1}项“${t.text}”应于 ${t.dueDate} 前履行，尚未记录履行。请回访核实；未履行的可重新调解或引导当事人向人民法院起诉。`,
            },
          ]
        : [],
    ),
  );
  return enqueue(db, messages);
}
