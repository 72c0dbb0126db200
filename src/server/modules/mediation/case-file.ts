import JSZip from 'jszip';
import { and, asc, eq } from 'drizzle-orm';
import { zhCN } from '../../../shared/locales/zh-CN.js';
import { formatShanghaiDateTime, type WorkCalendar } from '../../../shared/calendar.js';
import type { CaseDetail } from '../../../shared/schemas/cases.js';
import type { Db } from '../../db/client.js';
import { accessLog, attachments, caseParties } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSeeCase } from '../case-access/cases.policy.js';
import { findCaseRow } from '../case-access/case-row.js';
import { presentCaseDetail } from '../case-access/case-detail.js';
import { agreementDocx } from './agreement-document.js';
import { loadAgreementForDocument, partiesOf } from './agreements.js';
import { listSessions } from './sessions.js';
import { listRecordings, recordingUrl } from './recordings.js';
import { signingEvidence } from './sign-by-link.js';
import { listPetitionReplies, petitionReplyDocx } from './petition-replies.js';

const esc = (s: string | null | undefined) =>
  (s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const page = (title: string, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title><style>body{font-family:"SimSun","WenQuanYi Micro Hei",serif;max-width:210mm;margin:auto;line-height:1.8}table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:2pt 6pt;text-align:left;vertical-align:top}th{width:22%;font-weight:normal}</style></head><body><h1>${esc(title)}</h1>${body}</body></html>`;
const label = (key: string) => (zhCN as Record<string, string>)[key] ?? key;
const tr = (k: string, v: string | number | null | undefined) => `<tr><th>${esc(k)}</th><td>${esc(String(v ?? '—'))}</td></tr>`;

/**
 * 案卷 (人民调解法 Art.27): one ZIP with the whole case for the archive — registration with the parties' full
 * particulars, the timeline, the mediation records, the agreement or the petition replies, the follow-ups, the
 * attached files — and an index. Making it is a view of personal data: logged per party.
 */
export async function buildCaseFile(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  calendar: WorkCalendar;
  actor: Actor;
  caseId: string;
  requestId: string;
  ip: string;
}) {
  const { db, crypto, calendar, actor, caseId } = opts;
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  const detail: CaseDetail = await presentCaseDetail({ db, crypto, calendar }, actor, row);
  const zip = new JSZip();
  const index: [string, string][] = [];
  const add = (name: string, content: string | Buffer, what: string) => {
    zip.file(name, content);
    index.push([name, what]);
  };

  // 1. Registration with full particulars (the archive keeps them).
  // The parties as given for this case (the archive keeps what the case said, not the registry's latest).
  const given = await db
    .select()
    .from(caseParties)
    .where(and(eq(caseParties.districtCode, actor.districtCode), eq(caseParties.caseId, caseId)))
    .orderBy(asc(caseParties.position));
  const plain = (b: Buffer | null) => (b ? crypto.decrypt(b) : null);
  const parties = given.map((p) => ({
    role: p.role,
    name: p.name,
    idNumber: plain(p.idNumberEnc) ?? p.creditCode,
    phone: plain(p.phoneEnc),
    address: plain(p.addressEnc),
  }));
  add(
    '01-登记表.html',
    page(
      `案件登记表 ${detail.code}`,
      `<table>${tr('编号', detail.code)}${tr('事由', detail.summary)}${tr('类型', label(`kind.${detail.kind}`))}${tr('类别', label(`category.${detail.category}`))}${tr('来源渠道', label(`channel.${detail.channel}`))}${tr('登记时间', detail.createdAt)}${tr('发生地', detail.placeAddress)}${tr('涉及人数', detail.peopleInvolved)}${tr('风险等级', label(`risk.${detail.riskLevel}`))}${tr('主办单位', detail.leadUnit?.name)}${tr('承办人', detail.handler?.name)}${tr('状态', label(`status.${detail.status}`))}${tr('办理结果', detail.outcome ? label(`outcome.${detail.outcome}`) : null)}${tr('满意度', detail.satisfaction ? label(`satisfaction.${detail.satisfaction}`) : null)}</table>
      <h2>反映内容</h2><p>${esc(detail.narrative)}</p>
      <h2>当事人</h2>${parties.map((p) => `<table>${tr(label(`partyRole.${p.role}`), p.name)}${tr('证件号码', p.idNumber)}${tr('联系电话', p.phone)}${tr('住址', p.address)}</table>`).join('<br>')}`,
    ),
    '案件登记表（含当事人完整信息）',
  );
  // 2. The timeline.
  add(
    '02-办理过程.html',
    page(
      `办理过程 ${detail.code}`,
      `<table><tr><th>时间</th><th>步骤</th><td>经办人 / 说明</td></tr>${detail.timeline.map((e) => `<tr><td>${esc(e.at)}</td><td>${esc(label(`action.${e.action}`))}${e.toStatus ? ` → ${esc(label(`status.${e.toStatus}`))}` : ''}</td><td>${esc(e.actorName)} ${esc(e.reason)}</td></tr>`).join('')}</table>`,
    ),
    '办理过程（全部步骤）',
  );
  // 3. Mediation sessions and their records.
  const sessions = await listSessions(db, actor, caseId);
  if (sessions.length) {
    const name = (id: string) => detail.parties.find((p) => p.id === id)?.name ?? id;
    add(
      '03-调解笔录.html',
      page(
        `调解笔录 ${detail.code}`,
        sessions
          .map(
            (s) =>
              `<h2>${esc(s.scheduledAt)} ${esc(s.room)}</h2><table>${tr('调解员', s.mediatorNames)}${tr('到场当事人', (s.attendedPartyIds ?? []).map(name).join('、'))}${tr('权利告知', s.rightsNote)}${tr('结果', s.outcome)}</table>${(s.statements ?? []).map((x) => `<p><b>${esc(name(x.partyId))}：</b>${esc(x.text)}</p>`).join('')}<p>${esc(s.record)}</p>`,
          )
          .join(''),
      ),
      '调解笔录',
    );
  }
  // 3b. Recordings of online sessions: listed by link and digest, never packed (they are large, and each playback is logged).
  for (const r of await listRecordings(db, actor.districtCode, caseId)) {
    index.push([
      recordingUrl(caseId, r.id),
      `调解录像（${formatShanghaiDateTime(r.createdAt)}，${Math.round(r.size / 1024)} KB，SHA-256 ${r.sha256}）：不随案卷打包，凭链接在平台播放，每次播放记入个人信息查阅记录`,
    ]);
  }
  // 4. The agreement, or 5. the petition replies.
  try {
    const { a } = await loadAgreementForDocument(db, actor, caseId);
    add(
      '04-人民调解协议书.docx',
      await agreementDocx({
        code: detail.code,
        committeeName: a.committeeName,
        form: a.form,
        parties: await partiesOf(db, a, crypto),
        facts: a.facts,
        disputedMatters: a.disputedMatters,
        responsibilities: a.responsibilities,
        terms: a.terms,
        mediatorName: detail.handler?.name ?? '',
        effectiveOn: a.effectiveOn,
        ...(await signingEvidence(db, crypto, a)),
      }),
      '人民调解协议书',
    );
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'AGREEMENT_NOT_FOUND')) throw err;
  }
  if (detail.kind === 'petition') {
    for (const r of await listPetitionReplies({ db, calendar, actor, caseId })) {
      add(
        `05-信访意见书-${r.stage}.docx`,
        await petitionReplyDocx({ code: detail.code, petitioner: parties.find((p) => p.role === 'applicant')?.name ?? '信访人', reply: r }),
        `信访${r.stage === 'reply' ? '处理' : r.stage === 'review' ? '复查' : '复核'}意见书`,
      );
    }
  }
  // 6. Follow-ups.
  const followUps = detail.timeline.filter((e) => e.action === 'follow_up');
  add(
    '06-回访记录.html',
    page(
      `回访记录 ${detail.code}`,
      followUps.length
        ? followUps
            .map(
              (e) =>
                `<p>${esc(e.at)} ${esc(e.actorName)}：${esc(label(`satisfaction.${String(e.data?.satisfaction ?? '')}`))} ${esc(e.reason)}</p>`,
            )
            .join('')
        : '<p>尚未回访。</p>',
    ),
    '回访记录',
  );
  // 7. Attached files, as they were uploaded.
  const files = await db
    .select()
    .from(attachments)
    .where(and(eq(attachments.districtCode, actor.districtCode), eq(attachments.caseId, caseId)));
  files.forEach((f, i) => add(`07-附件/${String(i + 1).padStart(2, '0')}-${f.fileName}`, f.content, `附件：${f.fileName}`));

  zip.file(
    '00-目录.html',
    page(
      `案卷目录 ${detail.code}`,
      `<table><tr><th>文件</th><td>内容</td></tr>${index.map(([n, w]) => `<tr><th>${esc(n)}</th><td>${esc(w)}</td></tr>`).join('')}</table><p>生成时间：${new Date().toISOString()}，生成人：${esc(actor.displayName)}</p>`,
    ),
  );
  const personIds = (
    await db
      .select({ personId: caseParties.personId })
      .from(caseParties)
      .where(and(eq(caseParties.districtCode, actor.districtCode), eq(caseParties.caseId, caseId)))
  ).map((r) => r.personId);
  if (personIds.length) {
    await db.insert(accessLog).values(
      personIds.map((id) => ({
        districtCode: actor.districtCode,
        actorId: actor.id,
        entityType: 'person',
        entityId: id,
        field: 'case_file',
        purpose: '案卷归档导出',
        requestId: opts.requestId,
        ip: opts.ip,
      })),
    );
  }
  return { code: detail.code, zip: await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }) };
}
