import { AlignmentType, Document, Packer, Paragraph, TextRun } from 'docx';
import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { shanghaiDate, type WorkCalendar } from '../../../shared/calendar.js';
import type { ErrorCode } from '../../../shared/errors.js';
import type { petitionReplyBodySchema } from '../../../shared/schemas/agreements.js';
import type { Db } from '../../db/client.js';
import { petitionReplies, units } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSeeCase, petitionReplyStagesFor } from '../case-access/cases.policy.js';
import { findCaseRow, type CaseRow } from '../case-access/case-row.js';
import { recordCaseEvent } from '../case-access/record-case-change.js';

type ReplyRow = typeof petitionReplies.$inferSelect;
const STAGE_TITLE = { reply: '信访事项处理意见书', review: '信访事项复查意见书', re_review: '信访事项复核意见书' } as const;
const DECISION = { support: '支持', explain: '解释说明', not_support: '不予支持' } as const;
/** What the petitioner may do next, and within how long (信访工作条例 Art.35, 36). */
const NEXT = {
  reply: (by: string) => `信访人对本处理意见不服的，可以自收到本意见书之日起30日内（至${by}）请求原办理机关的上一级机关复查。`,
  review: (by: string) => `信访人对复查意见不服的，可以自收到本意见书之日起30日内（至${by}）向复查机关的上一级机关请求复核。`,
  re_review: () => '信访人对复核意见不服，仍以同一事实和理由提出信访请求的，不再受理。',
} as const;

async function petitionCase(db: Db, actor: Actor, caseId: string): Promise<CaseRow> {
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  if (row.kind !== 'petition') throw new AppError('PETITION_REPLY_NOT_PETITION');
  return row;
}

export function nextStepBy(calendar: WorkCalendar, r: Pick<ReplyRow, 'stage' | 'issuedOn'>): string | null {
  return r.stage === 're_review' ? null : calendar.addCalendarDays(r.issuedOn, 30).date;
}

export function presentReply(calendar: WorkCalendar, r: ReplyRow) {
  return {
    id: r.id,
    stage: r.stage,
    request: r.request,
    factsAndReasons: r.factsAndReasons,
    decision: r.decision,
    legalBasis: r.legalBasis,
    issuingBody: r.issuingBody,
    issuedOn: r.issuedOn,
    nextStepBy: nextStepBy(calendar, r),
  };
}

/** 出具意见书: refused naming any missing item of Art.32; stages in order (reply → 复查 → 复核). */
export async function issuePetitionReply(opts: {
  db: Db;
  calendar: WorkCalendar;
  actor: Actor;
  caseId: string;
  body: z.infer<typeof petitionReplyBodySchema>;
}) {
  const { db, calendar, actor, caseId, body } = opts;
  await petitionCase(db, actor, caseId);
  if (!petitionReplyStagesFor(actor, { kind: 'petition' }).includes(body.stage))
    throw new AppError('CASE_ACTION_FORBIDDEN', { action: 'petition_reply' });
  const missing: ErrorCode[] = [];
  if (!body.request) missing.push('PETITION_REPLY_MISSING_REQUEST');
  if (!body.factsAndReasons) missing.push('PETITION_REPLY_MISSING_FACTS');
  if (!body.decision) missing.push('PETITION_REPLY_MISSING_DECISION');
  if (!body.legalBasis) missing.push('PETITION_REPLY_MISSING_LEGAL_BASIS');
  if (missing.length) throw new AppError(missing[0]!, { missing });
  const existing = await db
    .select()
    .from(petitionReplies)
    .where(and(eq(petitionReplies.districtCode, actor.districtCode), eq(petitionReplies.caseId, caseId)));
  const needed = { reply: null, review: 'reply', re_review: 'review' }[body.stage];
  if (needed && !existing.some((r) => r.stage === needed)) throw new AppError('PETITION_REPLY_STAGE_ORDER');
  const [unit] = await db
    .select({ name: units.name })
    .from(units)
    .where(and(eq(units.districtCode, actor.districtCode), eq(units.id, actor.unitId)));
  const issuedOn = shanghaiDate(new Date());
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(petitionReplies)
      .values({
        districtCode: actor.districtCode,
        caseId,
        stage: body.stage,
        request: body.request,
        factsAndReasons: body.factsAndReasons,
        decision: body.decision!,
        legalBasis: body.legalBasis,
        issuingBody: body.issuingBody ?? unit?.name ?? '',
        issuedOn,
        issuedBy: actor.id,
      })
      .onConflictDoNothing()
      .returning();
    if (!created) throw new AppError('PETITION_REPLY_EXISTS');
    const next = nextStepBy(calendar, created);
    await recordCaseEvent({
      db,
      within: tx,
      districtCode: actor.districtCode,
      caseId,
      author: actor,
      event: {
        action: 'petition_reply',
        reason: `出具${STAGE_TITLE[body.stage]}：${DECISION[body.decision!]}${next ? `；${body.stage === 'reply' ? '复查' : '复核'}申请期限至 ${next}` : '；复核终结，同一事实和理由不再受理'}`,
        data: { stage: body.stage, decision: body.decision },
      },
    });
    return presentReply(calendar, created);
  });
}

/** The case's 信访处理意见书 in the order they were issued. */
export async function listPetitionReplies(opts: { db: Db; calendar: WorkCalendar; actor: Actor; caseId: string }) {
  const { db, calendar, actor, caseId } = opts;
  await petitionCase(db, actor, caseId);
  const rows = await db
    .select()
    .from(petitionReplies)
    .where(and(eq(petitionReplies.districtCode, actor.districtCode), eq(petitionReplies.caseId, caseId)))
    .orderBy(asc(petitionReplies.createdAt));
  return rows.map((r) => presentReply(calendar, r));
}

/** The opinion as DOCX: title, petitioner, request, facts and reasons, decision, legal basis, next step, seal. */
export async function petitionReplyDocx(opts: {
  code: string;
  petitioner: string;
  reply: ReturnType<typeof presentReply>;
}): Promise<Buffer> {
  const { reply } = opts;
  const p = (
    text: string,
    o: { bold?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; size?: number; indent?: boolean } = {},
  ) =>
    new Paragraph({
      alignment: o.align,
      spacing: { after: 120, line: 360 },
      indent: o.indent ? { firstLine: 480 } : undefined,
      children: [new TextRun({ text, bold: o.bold, size: o.size })],
    });
  const doc = new Document({
    creator: 'Fengqiao',
    title: STAGE_TITLE[reply.stage],
    styles: { default: { document: { run: { font: 'SimSun', size: 24 } } } },
    sections: [
      {
        children: [
          p(reply.issuingBody, { align: AlignmentType.CENTER }),
          p(STAGE_TITLE[reply.stage], { bold: true, align: AlignmentType.CENTER, size: 40 }),
          p(`编号：${opts.code}`, { align: AlignmentType.RIGHT, size: 20 }),
          p(`${opts.petitioner}：`),
          p(`你（们）提出的信访事项，本机关已依法受理并办理完毕。现将处理意见告知如下：`, { indent: true }),
          p('一、信访请求', { bold: true }),
          p(reply.request, { indent: true }),
          p('二、事实和理由', { bold: true }),
          p(reply.factsAndReasons, { indent: true }),
          p('三、处理意见', { bold: true }),
          p(`${DECISION[reply.decision]}。`, { indent: true }),
          p('四、法律依据', { bold: true }),
          p(reply.legalBasis, { indent: true }),
          p(NEXT[reply.stage](reply.nextStepBy ?? ''), { indent: true }),
          p(''),
          p(`${reply.issuingBody}（印章）`, { align: AlignmentType.RIGHT }),
          p(reply.issuedOn.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$1年$2月$3日'), { align: AlignmentType.RIGHT }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The same opinion as a print-ready page (A4). */
export function petitionReplyHtml(opts: { code: string; petitioner: string; reply: ReturnType<typeof presentReply> }): string {
  const { reply } = opts;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${STAGE_TITLE[reply.stage]} ${esc(opts.code)}</title>
<style>@page { size: A4; margin: 25mm 20mm; } body { font-family: "SimSun", "WenQuanYi Micro Hei", serif; font-size: 12pt; line-height: 1.8; max-width: 210mm; margin: 0 auto; }
h1 { text-align: center; font-size: 20pt; } .center { text-align: center; } .right { text-align: right; } .indent { text-indent: 2em; } h2 { font-size: 12pt; }
.seal { display: inline-block; width: 40mm; height: 40mm; border: 1px dashed #c00; border-radius: 50%; vertical-align: middle; }</style></head><body>
<p class="center">${esc(reply.issuingBody)}</p><h1>${STAGE_TITLE[reply.stage]}</h1><p class="right">编号：${esc(opts.code)}</p>
<p>${esc(opts.petitioner)}：</p><p class="indent">你（们）提出的信访事项，本机关已依法受理并办理完毕。现将处理意见告知如下：</p>
<h2>一、信访请求</h2><p class="indent">${esc(reply.request)}</p><h2>二、事实和理由</h2><p class="indent">${esc(reply.factsAndReasons)}</p>
<h2>三、处理意见</h2><p class="indent">${DECISION[reply.decision]}。</p><h2>四、法律依据</h2><p class="indent">${esc(reply.legalBasis)}</p>
<p class="indent">${esc(NEXT[reply.stage](reply.nextStepBy ?? ''))}</p>
<p class="right">${esc(reply.issuingBody)}（印章）<span class="seal"></span></p><p class="right">${reply.issuedOn.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$1年$2月$3日')}</p>
</body></html>`;
}
