import { AlignmentType, Document, Header, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
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
}

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
      ...d.parties.map((party) => p(`${ROLE(party.role)}（签名或盖章）：____________    按指印：________    ${party.name}`)),
      p(`人民调解员（签名）：____________    ${d.mediatorName}`),
      p(`${d.committeeName}（印章）`, { align: AlignmentType.RIGHT }),
      p(`${d.effectiveOn ? d.effectiveOn.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$1年$2月$3日') : '____年____月____日'}`, {
        align: AlignmentType.RIGHT,
      }),
    ],
  }));
  const doc = new Document({
    creator: 'Fengqiao',
    title: agreementTitle(d),
    styles: { default: { document: { run: { font: DOCX_FONT, size: 24 } } } },
    sections,
  });
  return Packer.toBuffer(doc);
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
    ${d.parties.map((p) => `<p>${esc(ROLE(p.role))}（签名或盖章）：<span class="line"></span> 按指印：<span class="box"></span>　${esc(p.name)}</p>`).join('')}
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
</style></head><body>${copies(d).map(copy).join('')}</body></html>`;
}
