import { z } from 'zod';
import { line, paragraph } from './schemas/text.js';

/**
 * Screening scales as data (items, options, scoring, bands, crisis rules), so a centre adds another (SCL-90…) without
 * code. Scoring is the sum of the chosen options; the band is the one whose [min, max] holds the total (docs/LEGAL-BASIS.md §7).
 */
export const scaleDefinitionSchema = z
  .object({
    code: line(20).regex(/^[A-Z0-9-]{2,20}$/, '量表代码由大写字母、数字和连字符组成，如 PHQ-9'),
    name: line(60),
    instructions: paragraph(300),
    items: z
      .array(z.object({ no: z.number().int().min(1), text: line(200) }))
      .min(1)
      .max(120),
    options: z
      .array(z.object({ value: z.number().int().min(0).max(10), label: line(30) }))
      .min(2)
      .max(10),
    bands: z
      .array(z.object({ min: z.number().int().min(0), max: z.number().int().min(0), key: z.string().regex(/^[a-z_]+$/), label: line(30) }))
      .min(1),
    /** Answers that raise a crisis alert whatever the total (PHQ-9 item 9: any non-zero answer). */
    crisisItems: z.array(z.object({ no: z.number().int().min(1), minValue: z.number().int().min(1), reason: line(60) })).default([]),
  })
  .superRefine((s, ctx) => {
    if (s.items.some((it, i) => it.no !== i + 1)) ctx.addIssue({ code: 'custom', message: '题目应按 1、2、3… 连续编号', path: ['items'] });
    const maxTotal = s.items.length * Math.max(...s.options.map((o) => o.value));
    const sorted = [...s.bands].sort((a, b) => a.min - b.min);
    // The bands must cover every possible total exactly once: 0 … max, no gap, no overlap.
    let next = Math.min(...s.options.map((o) => o.value)) * s.items.length;
    for (const b of sorted) {
      if (b.min !== next || b.max < b.min)
        ctx.addIssue({ code: 'custom', message: `分级区间应从 ${next} 开始且连续不重叠`, path: ['bands'] });
      next = b.max + 1;
    }
    if (next !== maxTotal + 1) ctx.addIssue({ code: 'custom', message: `分级区间应覆盖到最高分 ${maxTotal}`, path: ['bands'] });
    for (const c of s.crisisItems)
      if (c.no > s.items.length) ctx.addIssue({ code: 'custom', message: `危机条目 ${c.no} 不存在`, path: ['crisisItems'] });
  });
export type ScaleDefinition = z.infer<typeof scaleDefinitionSchema>;

const FREQUENCY = [
  { value: 0, label: '完全不会' },
  { value: 1, label: '好几天' },
  { value: 2, label: '一半以上的天数' },
  { value: 3, label: '几乎每天' },
];

/** PHQ-9 (Patient Health Questionnaire-9), the Chinese version in common use; bands as its authors set them (Kroenke et al., 2001; docs/LEGAL-BASIS.md §7). */
export const PHQ9: ScaleDefinition = {
  code: 'PHQ-9',
  name: '患者健康问卷（PHQ-9）',
  instructions: '在过去两周里，您有多少时间受到以下问题的困扰？请选择最符合您情况的一项。',
  items: [
    '做事时提不起劲或没有兴趣',
    '感到心情低落、沮丧或绝望',
    '入睡困难、睡不安稳或睡眠过多',
    '感觉疲倦或没有活力',
    '食欲不振或吃太多',
    '觉得自己很糟，或觉得自己很失败，或让自己或家人失望',
    '对事物专注有困难，例如阅读报纸或看电视时',
    '动作或说话速度缓慢到别人已经觉察；或正好相反，烦躁或坐立不安、动来动去的情况更胜于平常',
    '有不如死掉或用某种方式伤害自己的念头',
  ].map((text, i) => ({ no: i + 1, text })),
  options: FREQUENCY,
  bands: [
    { min: 0, max: 4, key: 'minimal', label: '无或极轻微' },
    { min: 5, max: 9, key: 'mild', label: '轻度' },
    { min: 10, max: 14, key: 'moderate', label: '中度' },
    { min: 15, max: 19, key: 'moderately_severe', label: '中重度' },
    { min: 20, max: 27, key: 'severe', label: '重度' },
  ],
  crisisItems: [{ no: 9, minValue: 1, reason: '第9题：有死亡或自伤念头' }],
};

/** GAD-7 (Generalized Anxiety Disorder-7); 5 / 10 / 15 mark mild / moderate / severe (Spitzer et al., 2006; docs/LEGAL-BASIS.md §7). */
export const GAD7: ScaleDefinition = {
  code: 'GAD-7',
  name: '广泛性焦虑量表（GAD-7）',
  instructions: '在过去两周里，您有多少时间受到以下问题的困扰？请选择最符合您情况的一项。',
  items: [
    '感觉紧张、焦虑或急切',
    '不能够停止或控制担忧',
    '对各种各样的事情担忧过多',
    '很难放松下来',
    '由于不安而无法静坐',
    '变得容易烦恼或急躁',
    '感到似乎将有可怕的事情发生而害怕',
  ].map((text, i) => ({ no: i + 1, text })),
  options: FREQUENCY,
  bands: [
    { min: 0, max: 4, key: 'minimal', label: '无或极轻微' },
    { min: 5, max: 9, key: 'mild', label: '轻度' },
    { min: 10, max: 14, key: 'moderate', label: '中度' },
    { min: 15, max: 21, key: 'severe', label: '重度' },
  ],
  crisisItems: [],
};

export const BUILT_IN_SCALES = [PHQ9, GAD7] as const;

export interface ScaleScore {
  total: number;
  band: { key: string; label: string };
  /** The crisis rules the answers met (empty: none). */
  crisis: { no: number; value: number; reason: string }[];
}

/** Scores a completed scale; throws when an item is unanswered or an answer is not one of the options. */
export function scoreScale(scale: ScaleDefinition, answers: readonly number[]): ScaleScore {
  if (answers.length !== scale.items.length) throw new RangeError(`expected ${scale.items.length} answers, got ${answers.length}`);
  const allowed = new Set(scale.options.map((o) => o.value));
  answers.forEach((a, i) => {
    if (!allowed.has(a)) throw new RangeError(`item ${i + 1}: ${a} is not an option`);
  });
  const total = answers.reduce((s, a) => s + a, 0);
  const band = scale.bands.find((b) => total >= b.min && total <= b.max)!;
  const crisis = scale.crisisItems
    .filter((c) => answers[c.no - 1]! >= c.minValue)
    .map((c) => ({ no: c.no, value: answers[c.no - 1]!, reason: c.reason }));
  return { total, band: { key: band.key, label: band.label }, crisis };
}

/** A scale as a person types it: one item per line, `值 标签` per option, `最低-最高 标签 [key]` per band, `题号 最低值 原因` per crisis rule. */
export interface ScaleText {
  code: string;
  name: string;
  instructions: string;
  items: string;
  options: string;
  bands: string;
  crisis: string;
}

const lines = (s: string) =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** The scale's lines, for showing it or starting a new one from it. */
export function scaleToText(s: ScaleDefinition): ScaleText {
  return {
    code: s.code,
    name: s.name,
    instructions: s.instructions,
    items: s.items.map((i) => i.text).join('\n'),
    options: s.options.map((o) => `${o.value} ${o.label}`).join('\n'),
    bands: s.bands.map((b) => `${b.min}-${b.max} ${b.label} [${b.key}]`).join('\n'),
    crisis: s.crisisItems.map((c) => `${c.no} ${c.minValue} ${c.reason}`).join('\n'),
  };
}

/**
 * Reads typed lines into a scale definition and checks it (`scaleDefinitionSchema`: contiguous numbering, bands that
 * cover every possible total once). Errors name the field and the line, in Chinese.
 */
export function scaleFromText(
  t: ScaleText,
): { ok: true; scale: ScaleDefinition } | { ok: false; errors: { field: keyof ScaleText; message: string }[] } {
  const errors: { field: keyof ScaleText; message: string }[] = [];
  const options = lines(t.options).map((l, i) => {
    const m = /^(\d+)\s+(.+)$/.exec(l);
    if (!m) errors.push({ field: 'options', message: `第 ${i + 1} 行应为“分值 选项”，如“0 完全不会”` });
    return { value: Number(m?.[1] ?? 0), label: m?.[2] ?? '' };
  });
  const bands = lines(t.bands).map((l, i) => {
    const m = /^(\d+)\s*[-－~～至]\s*(\d+)\s+(.+?)(?:\s*\[([a-z_]+)\])?$/.exec(l);
    if (!m) errors.push({ field: 'bands', message: `第 ${i + 1} 行应为“最低分-最高分 分级”，如“0-4 无或极轻”` });
    // Keys are for the software (a trend's colours); a person need not type one.
    return {
      min: Number(m?.[1] ?? 0),
      max: Number(m?.[2] ?? 0),
      label: m?.[3] ?? '',
      key: m?.[4] ?? `band_${String.fromCharCode(97 + (i % 26))}`,
    };
  });
  const crisisItems = lines(t.crisis).map((l, i) => {
    const m = /^(\d+)\s+(\d+)\s+(.+)$/.exec(l);
    if (!m) errors.push({ field: 'crisis', message: `第 ${i + 1} 行应为“题号 最低分值 原因”，如“9 1 第9题：有自伤念头”` });
    return { no: Number(m?.[1] ?? 0), minValue: Number(m?.[2] ?? 0), reason: m?.[3] ?? '' };
  });
  if (errors.length) return { ok: false, errors };
  const parsed = scaleDefinitionSchema.safeParse({
    code: t.code,
    name: t.name,
    instructions: t.instructions,
    items: lines(t.items).map((text, i) => ({ no: i + 1, text })),
    options,
    bands,
    crisisItems,
  });
  if (parsed.success) return { ok: true, scale: parsed.data };
  const fieldOf: Record<string, keyof ScaleText> = { crisisItems: 'crisis' };
  const seen = new Set<string>();
  return {
    ok: false,
    errors: parsed.error.issues
      .map((i) => {
        const top = String(i.path[0] ?? 'items');
        const field = fieldOf[top] ?? (top as keyof ScaleText);
        // The schema's own checks speak Chinese; the generic ones (length, range) get the field's rule instead.
        return { field, message: i.code === 'custom' ? i.message : TEXT_RULES[field] };
      })
      .filter((e) => !seen.has(`${e.field}:${e.message}`) && seen.add(`${e.field}:${e.message}`)),
  };
}

const TEXT_RULES: Record<keyof ScaleText, string> = {
  code: '量表代码由大写字母、数字和连字符组成（2–20 个字符），如 SCL-90',
  name: '请填写量表名称（不超过 60 字）',
  instructions: '请填写指导语（不超过 300 字）',
  items: '每行一题：至少 1 题、最多 120 题，每题不超过 200 字',
  options: '至少 2 个、最多 10 个选项；分值为 0–10 的整数，选项文字不超过 30 字',
  bands: '每个分级都要有文字（不超过 30 字）',
  crisis: '危机条目：题号和最低分值为正整数，原因不超过 60 字',
};
