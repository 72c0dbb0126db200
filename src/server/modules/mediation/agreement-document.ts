import { createHash } from 'node:crypto';
import {
  AlignmentType,
  Document,
  Header,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { formatShanghaiDateTime } from '../../../shared/calendar.js';
import { DOCX_FONT, DOCX_FONT_EXT_B, PRINT_FONT_STACK, splitBeyondBmp } from '../../../shared/fonts.js';
import { zhCN } from '../../../shared/locales/zh-CN.js';
import type { AgreementParty } from './agreements.js';

export interface AgreementDocument {
  code: string;
  committeeName: string;
  form: 'written' | 'oral';
  parties: AgreementParty[];
  facts: string;
  disputedMatters: string;
  responsibilities: string;
  terms: { text: string; method: string; dueDate: string | null }[];
  mediatorName: string;
  effectiveOn: string | null;
  /** Not yet finalised: printed and downloaded for the parties to read before signing, marked 草稿 on every page. */
  isDraft?: boolean;
  /** Signatures drawn on the parties' phones and still valid: the image goes on each copy's signature line. */
  signatures?: { partyId: string; imagePng: Buffer }[];
  /** 签署记录: every signature made on a phone, valid or voided, with its evidence (its own page). */
  signingRecord?: SigningRecordEntry[];
}

/** One line of the 签署记录 (the evidence of a signature made on a phone). */
export interface SigningRecordEntry {
  partyName: string;
  role: string;
  signedAt: string;
  maskedPhone: string;
  ip: string | null;
  userAgent: string | null;
  textSha256: string;
  voidedAt: string | null;
  voidReason: string | null;
}

/**
 * The agreement's text exactly as a party reads it on the phone and signs it: title, committee, number, the parties
 * by name and role (their ID numbers, phones and addresses are not shown to the other side), the statutory items, the
 * terms and the effect clause. Its SHA-256 is what a signature binds (电子签名法 Art.13: a change after signing can
 * be detected), so any change to any of these words makes earlier signatures void.
 */
export function agreementSigningText(
  d: Pick<AgreementDocument, 'code' | 'committeeName' | 'form' | 'parties' | 'facts' | 'disputedMatters' | 'responsibilities' | 'terms'> & {
    mediatorName: string;
  },
): string {
  return [
    d.committeeName,
    agreementTitle({ form: d.form }),
    `编号：${d.code}`,
    '当事人：',
    ...d.parties.map((p) => `${ROLE(p.role)}：${p.name}`),
    '纠纷的主要事实、争议事项：',
    d.facts,
    `争议事项：${d.disputedMatters}`,
    '各方当事人的责任：',
    d.responsibilities,
    '经人民调解委员会主持调解，当事人自愿达成如下协议：',
    ...d.terms.map((t, i) => `${i + 1}. ${t.text}（履行方式：${t.method}；履行期限：${t.dueDate ?? ''}前）`),
    CLOSING(d.parties.length + 1),
    `人民调解员：${d.mediatorName}`,
  ].join('\n');
}

/** SHA-256 (hex) of the text as UTF-8: what a signature on the phone binds. */
export const sha256Hex = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

const SIGNING_RECORD_NOTE =
  '以下签名由当事人在本人手机上完成：通过案件登记手机号的短信验证码核验身份，阅读协议全文并勾选同意后手写签名。协议文本摘要（SHA-256）与签名时的文本一致方为有效；签名后文本被修改的，原签名作废。';

const DRAFT_NOTICE =
  '草稿：供当事人阅读核对，不是正式协议；定稿后经各方当事人签名、盖章或按指印，人民调解员签名并加盖人民调解委员会印章方可生效。';

/** The document's title, with 草稿 while it is a draft. */
export function agreementTitle(d: Pick<AgreementDocument, 'form' | 'isDraft'>): string {
  return `${d.form === 'oral' ? '口头调解协议记录' : '人民调解协议书'}${d.isDraft ? '（草稿）' : ''}`;
}

/** Text as DOCX runs: characters beyond the BMP (Extension B…, as in 𠈌秀兰) in SimSun-ExtB, the rest in SimSun. */
function textRuns(text: string, opts: { bold?: boolean; size?: number; color?: string } = {}): TextRun[] {
  return splitBeyondBmp(text).map(
    (part) =>
      new TextRun({
        text: part.text,
        ...opts,
        ...(part.isBeyondBmp
          ? { font: { ascii: DOCX_FONT_EXT_B, eastAsia: DOCX_FONT_EXT_B, hAnsi: DOCX_FONT_EXT_B, cs: DOCX_FONT_EXT_B } }
          : {}),
      }),
  );
}

const ROLE = (role: string) => zhCN[`partyRole.${role}` as keyof typeof zhCN] ?? role;
const CLOSING = (copies: number) =>
  `本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。本协议一式${copies}份，当事人各执一份，人民调解委员会留存一份。`;

/** The copies of the standard layout: one per party, one for the committee. */
function copies(d: AgreementDocument): string[] {
  return [...d.parties.map((p) => `（${ROLE(p.role)} ${p.name} 收执）`), '（人民调解委员会存档）'];
}

function particulars(p: AgreementParty): [string, string][] {
  return [
    [p.type === 'organization' ? '名称' : '姓名', `${p.name}（${ROLE(p.role)}）`],
    [p.type === 'organization' ? '统一社会信用代码' : '身份证号码', p.idNumber ?? ''],
    ['住所', p.address ?? ''],
    ['联系电话', p.phone ?? ''],
  ];
}

/**
 * 人民调解协议书 as DOCX (npm `docx`): the statutory items in the customary order — parties, facts and matters in
 * dispute, responsibilities, the terms with how and by when, the effect clause — then signature, fingerprint and seal
 * places; one copy per party plus one for the committee, each a section of its own (it prints on its own pages).
 */
export async function agreementDocx(d: AgreementDocument): Promise<Buffer> {
  const p = (
    text: string,
    opts: { bold?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; size?: number; indent?: boolean } = {},
  ) =>
    new Paragraph({
      alignment: opts.align,
      spacing: { after: 120, line: 360 },
      indent: opts.indent ? { firstLine: 480 } : undefined,
      children: textRuns(text, { bold: opts.bold, size: opts.size }),
    });
  const cell = (text: string, width: number) =>
    new TableCell({ width: { size: width, type: WidthType.PERCENTAGE }, children: [new Paragraph({ children: textRuns(text) })] });
  // A draft says so at the top of every page, so no printed page can pass for the signed agreement.
  const draftHeader = d.isDraft
    ? {
        default: new Header({
          children: [
            new Paragraph({ alignment: AlignmentType.CENTER, children: textRuns(DRAFT_NOTICE, { bold: true, size: 20, color: 'B71C1C' }) }),
          ],
        }),
      }
    : undefined;
  const sections = copies(d).map((copy) => ({
    properties: {},
    headers: draftHeader,
    children: [
      p(d.committeeName, { align: AlignmentType.CENTER }),
      new Paragraph({
        heading: HeadingLevel.TITLE,
        alignment: AlignmentType.CENTER,
        children: textRuns(agreementTitle(d), { bold: true, size: 40 }),
      }),
      p(`编号：${d.code}    ${copy}`, { align: AlignmentType.RIGHT, size: 20 }),
      p('当事人基本情况', { bold: true }),
      ...d.parties.map(
        (party) =>
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: particulars(party).map(([k, v]) => new TableRow({ children: [cell(k, 25), cell(v, 75)] })),
          }),
      ),
      p('纠纷的主要事实、争议事项', { bold: true }),
      p(d.facts, { indent: true }),
      p(`争议事项：${d.disputedMatters}`, { indent: true }),
      p('各方当事人的责任', { bold: true }),
      p(d.responsibilities, { indent: true }),
      p('经人民调解委员会主持调解，当事人自愿达成如下协议：', { bold: true }),
      ...d.terms.map((t, i) => p(`${i + 1}. ${t.text}（履行方式：${t.method}；履行期限：${t.dueDate ?? ''}前）`, { indent: true })),
      p(CLOSING(d.parties.length + 1), { indent: true }),
      p(''),
      ...d.parties.map((party) => {
        const signed = d.signatures?.find((x) => x.partyId === party.partyId);
        return signed
          ? new Paragraph({
              spacing: { after: 120, line: 360 },
              children: [
                ...textRuns(`${ROLE(party.role)}（签名）：`),
                new ImageRun({ type: 'png', data: signed.imagePng, transformation: { width: 150, height: 60 } }),
                ...textRuns(`    ${party.name}（手机签名，见签署记录）`),
              ],
            })
          : p(`${ROLE(party.role)}（签名或盖章）：____________    按指印：________    ${party.name}`);
      }),
      p(`人民调解员（签名）：____________    ${d.mediatorName}`),
      p(`${d.committeeName}（印章）`, { align: AlignmentType.RIGHT }),
      p(`${d.effectiveOn ? d.effectiveOn.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$1年$2月$3日') : '____年____月____日'}`, {
        align: AlignmentType.RIGHT,
      }),
    ],
  }));
  if (d.signingRecord?.length) {
    sections.push({
      properties: {},
      headers: draftHeader,
      children: [
        new Paragraph({
          heading: HeadingLevel.TITLE,
          alignment: AlignmentType.CENTER,
          children: textRuns('签署记录', { bold: true, size: 36 }),
        }),
        p(`编号：${d.code}`, { align: AlignmentType.RIGHT, size: 20 }),
        p(SIGNING_RECORD_NOTE, { indent: true, size: 20 }),
        ...d.signingRecord.flatMap((r) => [
          p(`${ROLE(r.role)} ${r.partyName}`, { bold: true }),
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: recordRows(r).map(([k, v]) => new TableRow({ children: [cell(k, 25), cell(v, 75)] })),
          }),
        ]),
      ],
    });
  }
  const doc = new Document({
    creator: 'Fengqiao',
    title: agreementTitle(d),
    styles: { default: { document: { run: { font: DOCX_FONT, size: 24 } } } },
    sections,
  });
  return Packer.toBuffer(doc);
}

/** The evidence of one signature, as rows of label and value. */
function recordRows(r: SigningRecordEntry): [string, string][] {
  return [
    ['签名时间', formatShanghaiDateTime(new Date(r.signedAt))],
    ['验证手机', r.maskedPhone],
    ['网络地址', r.ip ?? ''],
    ['浏览器', r.userAgent ?? ''],
    ['所签文本摘要（SHA-256）', r.textSha256],
    ['状态', r.voidedAt ? `已作废（${formatShanghaiDateTime(new Date(r.voidedAt))}：${r.voidReason ?? ''}）` : '有效'],
  ];
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The same document as a print-ready page (A4, one copy per page), for printing from the browser. */
export function agreementHtml(d: AgreementDocument): string {
  const copy = (label: string) => `
<section class="copy">
  ${d.isDraft ? `<p class="draft-notice">${DRAFT_NOTICE}</p><div class="draft-mark" aria-hidden="true">草稿</div>` : ''}
  <p class="center">${esc(d.committeeName)}</p>
  <h1>${agreementTitle(d)}</h1>
  <p class="right small">编号：${esc(d.code)}　${esc(label)}</p>
  <h2>当事人基本情况</h2>
  ${d.parties
    .map(
      (p) =>
        `<table>${particulars(p)
          .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
          .join('')}</table>`,
    )
    .join('')}
  <h2>纠纷的主要事实、争议事项</h2><p class="indent">${esc(d.facts)}</p><p class="indent">争议事项：${esc(d.disputedMatters)}</p>
  <h2>各方当事人的责任</h2><p class="indent">${esc(d.responsibilities)}</p>
  <h2>经人民调解委员会主持调解，当事人自愿达成如下协议：</h2>
  <ol>${d.terms.map((t) => `<li>${esc(t.text)}（履行方式：${esc(t.method)}；履行期限：${esc(t.dueDate ?? '')}前）</li>`).join('')}</ol>
  <p class="indent">${CLOSING(d.parties.length + 1)}</p>
  <div class="signs">
    ${d.parties
      .map((p) => {
        const signed = d.signatures?.find((x) => x.partyId === p.partyId);
        return signed
          ? `<p>${esc(ROLE(p.role))}（签名）：<img class="signature" alt="${esc(p.name)}的签名" src="data:image/png;base64,${signed.imagePng.toString('base64')}">　${esc(p.name)}（手机签名，见签署记录）</p>`
          : `<p>${esc(ROLE(p.role))}（签名或盖章）：<span class="line"></span> 按指印：<span class="box"></span>　${esc(p.name)}</p>`;
      })
      .join('')}
    <p>人民调解员（签名）：<span class="line"></span>　${esc(d.mediatorName)}</p>
    <p class="right">${esc(d.committeeName)}（印章）<span class="seal"></span></p>
    <p class="right">${d.effectiveOn ?? '____年____月____日'}</p>
  </div>
</section>`;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${agreementTitle(d)} ${esc(d.code)}</title>
<style>
@page { size: A4; margin: 25mm 20mm; }
body { font-family: ${PRINT_FONT_STACK}; font-size: 12pt; line-height: 1.8; }
.copy { page-break-after: always; position: relative; } .copy:last-child { page-break-after: auto; }
.draft-notice { border: 2px solid #b71c1c; color: #b71c1c; font-weight: bold; padding: 4pt 8pt; font-size: 10.5pt; }
.draft-mark { position: absolute; top: 40%; left: 0; right: 0; text-align: center; font-size: 120pt; color: rgba(183, 28, 28, 0.12); transform: rotate(-30deg); pointer-events: none; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 4pt; margin: 4pt 0; } h2 { font-size: 12pt; margin: 10pt 0 4pt; }
.center { text-align: center; } .right { text-align: right; } .small { font-size: 10pt; } .indent { text-indent: 2em; }
table { width: 100%; border-collapse: collapse; margin-bottom: 6pt; } th, td { border: 1px solid #000; padding: 2pt 6pt; text-align: left; } th { width: 25%; font-weight: normal; }
.line { display: inline-block; width: 40mm; border-bottom: 1px solid #000; } .box { display: inline-block; width: 15mm; height: 15mm; border: 1px dashed #999; vertical-align: middle; }
.seal { display: inline-block; width: 40mm; height: 40mm; border: 1px dashed #c00; border-radius: 50%; vertical-align: middle; margin-left: 4mm; }
@media screen { body { max-width: 210mm; margin: 0 auto; background: #eee; } .copy { background: #fff; padding: 20mm; margin: 10mm 0; } }
img.signature { height: 18mm; vertical-align: middle; }
</style></head><body>${copies(d).map(copy).join('')}${signingRecordHtml(d)}</body></html>`;
}

/** 签署记录 as a page of the print view: what proves each signature made on a phone. */
function signingRecordHtml(d: AgreementDocument): string {
  if (!d.signingRecord?.length) return '';
  return `
<section class="copy" data-testid="signing-record">
  <h1>签署记录</h1>
  <p class="right small">编号：${esc(d.code)}</p>
  <p class="indent small">${SIGNING_RECORD_NOTE}</p>
  ${d.signingRecord
    .map(
      (r) =>
        `<h2>${esc(ROLE(r.role))} ${esc(r.partyName)}</h2><table>${recordRows(r)
          .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
          .join('')}</table>`,
    )
    .join('')}
</section>`;
}
