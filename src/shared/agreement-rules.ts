import { NOT_CONFIRMABLE, type SubjectMatter } from './schemas/agreements.js';

/**
 * The statutory items of a 人民调解协议书 (人民调解法 Art.29), each with the error code that names it when missing.
 * Oral agreements (Art.28, 30) are recorded by the mediator and need the same content but no signatures.
 */
export const AGREEMENT_ITEMS = [
  'AGREEMENT_MISSING_PARTIES',
  'AGREEMENT_MISSING_FACTS',
  'AGREEMENT_MISSING_DISPUTED_MATTERS',
  'AGREEMENT_MISSING_RESPONSIBILITIES',
  'AGREEMENT_MISSING_TERMS',
  'AGREEMENT_TERM_MISSING_METHOD',
  'AGREEMENT_TERM_MISSING_DUE_DATE',
] as const;
export type AgreementItem = (typeof AGREEMENT_ITEMS)[number];

export function missingAgreementItems(a: {
  parties: { name: string }[];
  facts: string;
  disputedMatters: string;
  responsibilities: string;
  terms: { text: string; method: string; dueDate: string | null }[];
}): AgreementItem[] {
  const missing: AgreementItem[] = [];
  if (a.parties.filter((p) => p.name.trim()).length < 2) missing.push('AGREEMENT_MISSING_PARTIES');
  if (!a.facts.trim()) missing.push('AGREEMENT_MISSING_FACTS');
  if (!a.disputedMatters.trim()) missing.push('AGREEMENT_MISSING_DISPUTED_MATTERS');
  if (!a.responsibilities.trim()) missing.push('AGREEMENT_MISSING_RESPONSIBILITIES');
  const terms = a.terms.filter((t) => t.text.trim());
  if (terms.length === 0) missing.push('AGREEMENT_MISSING_TERMS');
  if (terms.some((t) => !t.method.trim())) missing.push('AGREEMENT_TERM_MISSING_METHOD');
  if (terms.some((t) => !t.dueDate)) missing.push('AGREEMENT_TERM_MISSING_DUE_DATE');
  return missing;
}

/** Words that show a term settles a status relationship or confirms a right, whatever the subject was marked as. */
const NOT_CONFIRMABLE_WORDS: [RegExp, string][] = [
  [/离婚|解除婚姻|婚姻关系|抚养权|监护权|收养|亲子关系|变更抚养/, '涉及身份关系（婚姻、抚养、监护、收养等）'],
  [/确认.{0,6}(所有权|使用权|归属)|确权/, '涉及物权确认'],
  [/专利权|商标权|著作权|知识产权/, '涉及知识产权确认'],
];

const REASONS: Record<string, string> = {
  status_relationship: '涉及身份关系（婚姻、抚养、监护、收养等）',
  property_right_confirmation: '涉及物权确认',
  ip_right_confirmation: '涉及知识产权确认',
};

/**
 * Whether a court may confirm the agreement (人民调解法 Art.33; 民事诉讼法 Art.205; 最高法《关于人民调解协议司法确认
 * 程序的若干规定》): only written agreements, and not those about status relationships or confirming property or IP
 * rights — by the subject the mediator chose and by the words of its terms.
 */
export function judicialConfirmationEligibility(a: { form: 'written' | 'oral'; subjectMatter: SubjectMatter; terms: { text: string }[] }): {
  eligible: boolean;
  reason: string;
} {
  if (a.form === 'oral') return { eligible: false, reason: '口头协议不能申请司法确认，如需确认请制作书面协议' };
  if (NOT_CONFIRMABLE.includes(a.subjectMatter)) return { eligible: false, reason: `不能申请司法确认：${REASONS[a.subjectMatter]}` };
  const text = a.terms.map((t) => t.text).join('\n');
  for (const [pattern, reason] of NOT_CONFIRMABLE_WORDS)
    if (pattern.test(text)) return { eligible: false, reason: `不能申请司法确认：${reason}` };
  return { eligible: true, reason: '可由双方当事人自协议生效之日起30日内共同向有管辖权的基层人民法院申请司法确认' };
}
