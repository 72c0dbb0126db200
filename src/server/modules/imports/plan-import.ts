import {
  CASE_KINDS,
  CATEGORIES,
  CHANNELS,
  OUTCOMES,
  type CaseKind,
  type Category,
  type Channel,
  type Outcome,
} from '../../../shared/enums.js';
import { checkIdNumber, isValidPhone, normalizeIdNumber, normalizePhone } from '../../../shared/identifiers.js';
import type { PartyInput } from '../../../shared/schemas/cases.js';
import { NARRATIVE_MAX } from '../../../shared/limits.js';
import { zhCN } from '../../../shared/locales/zh-CN.js';
import { isIsoDate, startOfShanghaiDate } from '../../../shared/calendar.js';
import { findForbiddenCharacter } from '../../../shared/schemas/text.js';
import {
  IMPORT_FIELDS,
  MAPPED_VALUE_FIELDS,
  REQUIRED_IMPORT_FIELDS,
  type ImportField,
  type ImportMapping,
  type ImportResult,
  type MappedValueField,
} from '../../../shared/schemas/imports.js';
import type { Table } from './read-table.js';

/**
 * The plan of an import, made the same way for the dry run and for each batch: which column is which field (Chinese
 * headers guessed), what each of the old system's values means here (the admin's table, else a suggestion by name),
 * and for every row either the case it becomes or the reasons it cannot.
 */

/** Header words → field, most specific first (办结日期 before 日期, 纠纷类别 before 类型). */
const HEADER_GUESSES: [ImportField, RegExp][] = [
  ['concludedOn', /办结(日期|时间)|结案(日期|时间)|完成(日期|时间)/],
  ['registeredOn', /登记(日期|时间)|受理(日期|时间)|来访(日期|时间)|反映(日期|时间)|^日期$|^时间$/],
  ['sourceCaseNumber', /编号|案号|案件号|流水号|^序号$/],
  // The respondent's columns before the applicant's: 被申请人 contains 申请人.
  ['respondentIdNumber', /^(被申请人|被反映人|被申请方|对方当事人|对方).*(身份证|证件号)/],
  ['respondentPhone', /^(被申请人|被反映人|被申请方|对方当事人|对方).*(电话|手机|联系方式)/],
  ['respondentName', /被申请人|被反映人|被申请方|对方当事人/],
  ['applicantIdNumber', /身份证|证件号/],
  ['applicantPhone', /电话|手机|联系方式/],
  ['applicantName', /申请人|反映人|当事人|来访人|姓名/],
  ['leadUnit', /主办|承办|办理单位|责任单位|处置单位/],
  ['placeUnit', /所属|发生地|属地|所在|社区|村/],
  ['summary', /事由|标题|摘要|主题|事项/],
  ['narrative', /反映内容|诉求|案情|内容|描述|情况/],
  ['category', /纠纷类别|类别|纠纷类型|分类/],
  ['kind', /案件类型|种类|性质|类型/],
  ['channel', /来源|渠道|方式/],
  ['outcome', /办理结果|办结情况|调解结果|结果/],
];

/** Which column is which field, guessed from the headers (each column and each field used once). */
export function guessColumns(headers: readonly string[]): Partial<Record<ImportField, string>> {
  const columns: Partial<Record<ImportField, string>> = {};
  for (const header of headers) {
    const h = header.replace(/\s+/g, '');
    if (!h) continue;
    const exact = IMPORT_FIELDS.find((f) => f === header);
    const field = exact ?? HEADER_GUESSES.find(([f, re]) => !columns[f] && re.test(h))?.[0];
    if (field && !columns[field]) columns[field] = header;
  }
  return columns;
}

/** Old systems' words for our values, beyond our own labels (longest match wins). */
const SYNONYMS: Record<'kind' | 'category' | 'channel' | 'outcome', Record<string, string>> = {
  kind: {
    纠纷: 'dispute',
    调解: 'dispute',
    矛盾: 'dispute',
    信访: 'petition',
    来信: 'petition',
    求助: 'help',
    咨询: 'help',
    网格: 'grid_event',
    事件: 'grid_event',
  },
  category: {
    劳资: 'labour',
    欠薪: 'labour',
    工资: 'labour',
    婚姻: 'marriage_family',
    家庭: 'marriage_family',
    赡养: 'marriage_family',
    邻里: 'neighbourhood',
    相邻: 'neighbourhood',
    物业: 'property_management',
    交通: 'traffic',
    医疗: 'medical',
    医患: 'medical',
    消费: 'consumer',
    合同: 'contract',
    借贷: 'contract',
    宅基地: 'housing_homestead',
    房屋: 'housing_homestead',
    征地: 'land_acquisition',
    拆迁: 'land_acquisition',
    环境: 'environment',
    污染: 'environment',
    山林: 'forest_land',
    土地: 'forest_land',
    损害: 'damages',
    赔偿: 'damages',
    经营: 'business',
  },
  channel: {
    来访: 'walk_in',
    走访: 'walk_in',
    上门: 'walk_in',
    来电: 'phone',
    电话: 'phone',
    热线: 'phone',
    '12345': 'phone',
    来信: 'letter',
    信件: 'letter',
    网上: 'online',
    网络: 'online',
    网格: 'grid',
    视频: 'camera',
    监控: 'camera',
    转办: 'transfer',
    交办: 'transfer',
    委派: 'transfer',
  },
  outcome: {
    调解成功: 'agreement',
    达成协议: 'agreement',
    成功: 'agreement',
    调解不成: 'no_agreement',
    未达成: 'no_agreement',
    不成功: 'no_agreement',
    失败: 'no_agreement',
    答复: 'petition_reply',
    办结: 'resolved_other',
    化解: 'resolved_other',
    其他: 'resolved_other',
  },
};
const ENUMS = { kind: CASE_KINDS, category: CATEGORIES, channel: CHANNELS, outcome: OUTCOMES } as const;

/** Our value for an old system's word, by value, label or synonym; undefined when nothing fits. */
export function suggestEnumValue(field: 'kind' | 'category' | 'channel' | 'outcome', raw: string): string | undefined {
  const v = raw.replace(/\s+/g, '');
  if (!v) return undefined;
  const values = ENUMS[field] as readonly string[];
  if (values.includes(v)) return v;
  const byLabel = values.find((x) => (zhCN as Record<string, string>)[`${field}.${x}`] === v);
  if (byLabel) return byLabel;
  const words = [
    ...values.map((x) => [(zhCN as Record<string, string>)[`${field}.${x}`] ?? x, x] as const),
    ...Object.entries(SYNONYMS[field]),
  ].sort((a, b) => b[0].length - a[0].length);
  return words.find(([word]) => v.includes(word))?.[1];
}

export interface ImportUnit {
  id: string;
  code: string;
  name: string;
  path: string;
}

const bigrams = (s: string) => {
  const t = s.replace(/\s+/g, '');
  return new Set(Array.from({ length: Math.max(1, t.length - 1) }, (_, i) => t.slice(i, i + 2)));
};
/** The unit whose name is closest to `raw` (Dice coefficient over character pairs), when anything is close at all. */
export function closestUnit(units: readonly ImportUnit[], raw: string): ImportUnit | undefined {
  const a = bigrams(raw);
  let best: { unit: ImportUnit; score: number } | undefined;
  for (const unit of units) {
    const b = bigrams(unit.name);
    let shared = 0;
    for (const x of a) if (b.has(x)) shared++;
    const score = (2 * shared) / (a.size + b.size);
    if (!best || score > best.score) best = { unit, score };
  }
  return best && best.score >= 0.3 ? best.unit : undefined;
}

/** One good row, ready to be written. */
export interface PlannedCase {
  index: number;
  sourceCaseNumber: string;
  registeredAt: Date;
  summary: string;
  narrative: string;
  kind: CaseKind;
  category: Category;
  channel: Channel;
  placeUnit: ImportUnit | null;
  leadUnit: ImportUnit | null;
  outcome: Outcome | null;
  concludedAt: Date | null;
  /** The applicant and the respondent as recorded (ID numbers and phones normalised as registration stores them). */
  parties: PartyInput[];
}

/**
 * A party named without an ID number whose name reads as an organisation's (a company in a wage dispute, a property
 * firm): registered as one, so the registry matches it by name as the reception form's organisation parties are.
 */
const ORGANISATION_NAME =
  /(公司|集团|企业|工厂|厂|商店|超市|酒店|医院|诊所|学校|幼儿园|物业|合作社|委员会|村委|居委|银行|事务所|中心|协会)$/;

/** A date as old systems write it: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, with an optional time. */
export function parseImportDate(raw: string): Date | undefined {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{2}))?/.exec(raw.trim());
  if (!m) return undefined;
  const date = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  if (!isIsoDate(date)) return undefined;
  // A date without a time is taken as 09:00 in Shanghai, in office hours of the day it names.
  const minutes = m[4] ? Number(m[4]) * 60 + Number(m[5]) : 9 * 60;
  if (minutes >= 24 * 60 || Number(m[5] ?? 0) >= 60) return undefined;
  return new Date(startOfShanghaiDate(date).getTime() + minutes * 60_000);
}

export interface ImportPlan {
  columns: Partial<Record<ImportField, string>>;
  missingColumns: ImportField[];
  values: ImportResult['values'];
  good: PlannedCase[];
  badRows: ImportResult['badRows'];
}

/** Checks every row of `table` under `mapping` (columns guessed where not given) against the district's units. */
export function planImport(table: Table, mapping: ImportMapping, units: readonly ImportUnit[], now: Date): ImportPlan {
  // The admin's choices first; a guess stands only for a column the admin did not assign to another field.
  const given = new Set(Object.values(mapping.columns));
  const guessed = Object.entries(guessColumns(table.headers)).filter(([, header]) => !given.has(header));
  const columns: Partial<Record<ImportField, string>> = { ...Object.fromEntries(guessed), ...mapping.columns };
  const at = Object.fromEntries(Object.entries(columns).map(([f, h]) => [f, table.headers.indexOf(h)])) as Partial<
    Record<ImportField, number>
  >;
  const missingColumns = REQUIRED_IMPORT_FIELDS.filter((f) => at[f] === undefined || at[f] < 0);
  const cell = (row: string[], f: ImportField) => {
    const i = at[f];
    return i === undefined || i < 0 ? '' : (row[i] ?? '').trim();
  };
  const byCode = new Map(units.map((u) => [u.code, u]));
  const byName = new Map(units.map((u) => [u.name, u]));

  // The value tables: every distinct value of each mapped field, with the admin's mapping or a suggestion.
  const values: ImportResult['values'] = [];
  const resolved = new Map<string, string | null>();
  for (const field of MAPPED_VALUE_FIELDS) {
    const counts = new Map<string, number>();
    for (const row of table.rows) {
      const v = cell(row, field);
      if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    for (const [raw, count] of [...counts].sort((a, b) => b[1] - a[1])) {
      const given = (mapping.values[field] as Record<string, string> | undefined)?.[raw];
      let value: string | null;
      let name: string | null = null;
      if (field === 'placeUnit' || field === 'leadUnit') {
        const unit = (given ? byCode.get(given) : undefined) ?? byCode.get(raw) ?? byName.get(raw);
        value = unit?.code ?? null;
        name = unit?.name ?? null;
        if (!unit) {
          const near = closestUnit(units, raw);
          name = near?.name ?? null;
          values.push({ field, raw, count, value: near?.code ?? null, isConfirmed: false, name });
          resolved.set(`${field}\u0000${raw}`, null);
          continue;
        }
      } else value = given ?? suggestEnumValue(field, raw) ?? null;
      values.push({ field, raw, count, value, isConfirmed: !!given, name });
      resolved.set(`${field}\u0000${raw}`, value);
    }
  }
  const mapped = (field: MappedValueField, raw: string) => resolved.get(`${field}\u0000${raw}`) ?? null;

  const good: PlannedCase[] = [];
  const badRows: ImportResult['badRows'] = [];
  const seen = new Map<string, number>();
  table.rows.forEach((row, index) => {
    const reasons: string[] = [];
    let closest: ImportUnit | undefined;
    const sourceCaseNumber = cell(row, 'sourceCaseNumber');
    if (!sourceCaseNumber) reasons.push('缺少原案件编号');
    else if (sourceCaseNumber.length > 60) reasons.push('原案件编号超过 60 个字符');
    else if (seen.has(sourceCaseNumber)) reasons.push(`原案件编号与第 ${seen.get(sourceCaseNumber)! + 2} 行重复`);
    else seen.set(sourceCaseNumber, index);
    for (const f of IMPORT_FIELDS) {
      const bad = findForbiddenCharacter(cell(row, f));
      if (bad) reasons.push(`“${columns[f]}”含有不允许的字符 ${bad}`);
    }
    const registeredRaw = cell(row, 'registeredOn');
    const registeredAt = parseImportDate(registeredRaw);
    if (!registeredRaw) reasons.push('缺少登记日期');
    else if (!registeredAt) reasons.push(`登记日期“${registeredRaw}”不是有效日期`);
    else if (registeredAt > now) reasons.push(`登记日期“${registeredRaw}”晚于今天`);
    const summary = cell(row, 'summary');
    if (!summary) reasons.push('缺少事由');
    else if (Array.from(summary).length > 200) reasons.push('事由超过 200 字');
    const narrative = cell(row, 'narrative') || summary;
    if (Array.from(narrative).length > NARRATIVE_MAX) reasons.push(`反映内容超过 ${NARRATIVE_MAX} 字`);
    const enumOf = <T extends string>(field: 'kind' | 'category' | 'channel' | 'outcome', label: string, fallback: T | null) => {
      const raw = cell(row, field);
      if (!raw) {
        if (fallback === null && field === 'category') reasons.push('缺少类别');
        return fallback;
      }
      const v = mapped(field, raw);
      if (!v) reasons.push(`${label}“${raw}”尚未对应到本平台的${label}`);
      return (v as T | null) ?? fallback;
    };
    const category = enumOf<Category>('category', '类别', null);
    const kind = enumOf<CaseKind>('kind', '类型', 'dispute');
    const channel = enumOf<Channel>('channel', '来源渠道', 'walk_in');
    let outcome = enumOf<Outcome>('outcome', '办理结果', null);
    const unitOf = (field: 'placeUnit' | 'leadUnit', label: string) => {
      const raw = cell(row, field);
      if (!raw) return null;
      const code = mapped(field, raw);
      const unit = code ? byCode.get(code) : undefined;
      if (!unit) {
        closest ??= closestUnit(units, raw);
        reasons.push(`${label}“${raw}”不存在${closest ? `，最接近的是“${closest.name}”` : ''}`);
      }
      return unit ?? null;
    };
    const placeUnit = unitOf('placeUnit', '所属单位');
    const leadUnit = unitOf('leadUnit', '主办单位');
    const concludedRaw = cell(row, 'concludedOn');
    let concludedAt: Date | null = null;
    if (concludedRaw) {
      concludedAt = parseImportDate(concludedRaw) ?? null;
      if (!concludedAt) reasons.push(`办结日期“${concludedRaw}”不是有效日期`);
      else if (registeredAt && concludedAt < registeredAt) reasons.push('办结日期早于登记日期');
      else if (concludedAt > now) reasons.push(`办结日期“${concludedRaw}”晚于今天`);
      outcome ??= 'resolved_other';
    } else if (outcome) reasons.push('有办理结果但缺少办结日期');
    // The parties, checked as the reception form checks them (GB 11643 for ID numbers; a mobile or a fixed line).
    const parties: PartyInput[] = [];
    for (const [role, label] of [
      ['applicant', '申请人'],
      ['respondent', '被申请人'],
    ] as const) {
      const name = cell(row, `${role}Name`);
      const idRaw = cell(row, `${role}IdNumber`);
      const phoneRaw = cell(row, `${role}Phone`);
      const idNumber = idRaw ? normalizeIdNumber(idRaw) : undefined;
      const phone = phoneRaw ? normalizePhone(phoneRaw) : undefined;
      if (idRaw && !checkIdNumber(idRaw).valid) reasons.push(`${label}身份证号码“${idRaw}”不正确（校验位或出生日期有误）`);
      if (phoneRaw && !isValidPhone(phoneRaw)) reasons.push(`${label}电话号码“${phoneRaw}”格式不正确`);
      if (!name) {
        if (idRaw || phoneRaw) reasons.push(`有${label}的身份证号码或电话，但缺少${label}姓名`);
        continue;
      }
      if (Array.from(name).length > 100) reasons.push(`${label}姓名超过 100 字`);
      const isOrganisation = !idNumber && ORGANISATION_NAME.test(name);
      parties.push({
        role,
        type: isOrganisation ? 'organization' : 'person',
        name,
        ...(idNumber ? { idNumber } : {}),
        ...(phone && !isOrganisation ? { phone } : {}),
      });
    }
    const [applicant, respondent] = [parties.find((p) => p.role === 'applicant'), parties.find((p) => p.role === 'respondent')];
    if (applicant?.idNumber && applicant.idNumber === respondent?.idNumber) reasons.push('申请人与被申请人的身份证号码相同');
    if (reasons.length || !registeredAt || !category) {
      badRows.push({
        row: index + 2,
        sourceCaseNumber: sourceCaseNumber || null,
        reasons,
        closestUnit: closest ? { code: closest.code, name: closest.name } : null,
      });
      return;
    }
    good.push({
      index,
      sourceCaseNumber,
      registeredAt,
      summary,
      narrative,
      kind: kind!,
      category,
      channel: channel!,
      placeUnit,
      leadUnit,
      outcome,
      concludedAt,
      parties,
    });
  });
  return { columns, missingColumns, values, good, badRows };
}
