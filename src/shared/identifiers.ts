/**
 * Identifier checks shared by the server and the web form (GB 11643, GB 32100, mobile numbers: docs/LEGAL-BASIS.md §9).
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
// GB 11643: remainder → check character.
const ID_CHECK = '10X98765432';

/**
 * Full-width characters (digits, letters, ＋, －, （）, the ideographic space) to their ASCII forms: what a Chinese
 * input method types when the clerk forgets to switch it off.
 */
export function toHalfWidth(raw: string): string {
  return raw.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

// Every dash a keyboard or a word processor makes: -, ‐ ‑ ‒ – — ―, and the full-width － (after toHalfWidth, -).
const DASHES = /[-\u2010-\u2015\u2212]/g;

/**
 * An ID number (or credit code) as typed or pasted: full-width to ASCII, spaces and dashes removed, lowercase x to X
 * (GB 11643 judges the 18 characters, however they were typed). Runs before any length check, so `110105 19491231 002X` is judged on its 18 characters.
 */
export function normalizeIdNumber(raw: string): string {
  return toHalfWidth(raw).replace(/\s+/g, '').replace(DASHES, '').toUpperCase();
}

export type IdNumberCheck =
  | { valid: true; normalized: string; birthDate: string; sex: 'male' | 'female' }
  | { valid: false; reason: 'format' | 'birth_date' | 'check_digit' };

/** Checks an 18-character resident ID (GB 11643): format, birth date and check character. */
export function checkIdNumber(raw: string): IdNumberCheck {
  const id = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return { valid: false, reason: 'format' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  const isRealDate = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  if (!isRealDate || y < 1900 || date.getTime() > Date.now()) return { valid: false, reason: 'birth_date' };
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i]!;
  if (ID_CHECK[sum % 11] !== id[17]) return { valid: false, reason: 'check_digit' };
  return {
    valid: true,
    normalized: id,
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sex: Number(id[16]) % 2 === 1 ? 'male' : 'female',
  };
}

// 区号 of a fixed line: 010 and 020–029 have three digits (their local numbers eight), all others four.
const AREA_CODE = /^(010|02\d|0[3-9]\d{2})/;

/**
 * A phone number as typed or pasted, in its one stored form (the form the lookup hash is taken of):
 * a mobile as 11 digits (`+86`, `0086`, `86`, spaces, dashes, brackets and full-width digits removed);
 * a fixed line as `区号-号码` or `区号-号码-分机` (`0391-1234567`, `(0391)1234567转801`, `+86 391 1234567`).
 * Anything else comes back stripped of separators, and fails `isValidPhone`.
 */
export function normalizePhone(raw: string): string {
  const half = toHalfWidth(raw).trim();
  const compact = half.replace(/[\s().\u2010-\u2015\u2212-]/g, '');
  const mobile = /^(?:\+?86|0086)?(1\d{10})$/.exec(compact);
  if (mobile) return mobile[1]!;
  return normalizeLandline(half) ?? compact;
}

function normalizeLandline(half: string): string | undefined {
  // An extension follows 转, 分机, ext, x or #, or is a third group of digits.
  const [, main = '', marked] = /^(.*?)(?:\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6}))?$/i.exec(half) ?? [];
  const groups = main.match(/\d+/g) ?? [];
  // +86 / 0086 stand for the trunk 0 in front of the area code.
  if (/^\s*(?:\+\s*86|0086)/.test(main)) {
    groups.shift();
    if (groups[0] && !groups[0].startsWith('0')) groups[0] = `0${groups[0]}`;
  }
  const first = groups.shift();
  const area = first && AREA_CODE.exec(first)?.[0];
  if (!first || !area) return undefined;
  const parts = first.length > area.length ? [area, first.slice(area.length), ...groups] : [area, ...groups];
  // `021 6123 4567`: a local number written in two groups.
  if (parts.length > 2 && parts[1]!.length < 7 && parts[1]!.length + parts[2]!.length <= 8) parts.splice(1, 2, parts[1]! + parts[2]!);
  if (marked) parts.push(marked);
  return parts.length === 2 || parts.length === 3 ? parts.join('-') : undefined;
}

/** Mainland mobile number (docs/LEGAL-BASIS.md §9): 11 digits, `^1[3-9]\d{9}$`. Text messages go only to these. */
export function isValidMobile(raw: string): boolean {
  return /^1[3-9]\d{9}$/.test(normalizePhone(raw));
}

/** A fixed line with its area code: a local number of 7 or 8 digits (not starting 0), an extension of up to 6 digits. */
export function isValidLandline(raw: string): boolean {
  const m = /^(010|02\d|0[3-9]\d{2})-([1-9]\d{6,7})(?:-(\d{1,6}))?$/.exec(normalizePhone(raw));
  // Three-digit area codes (Beijing, Shanghai, Guangzhou…) have eight-digit local numbers.
  return !!m && (m[1]!.length === 4 || m[2]!.length === 8);
}

/** A contact number a party may give: a mobile, or a fixed line with its area code. */
export function isValidPhone(raw: string): boolean {
  return isValidMobile(raw) || isValidLandline(raw);
}

/** `410871********1234`: area code and last four kept (the area code is no secret; the birth date is). */
export function maskIdNumber(id: string): string {
  return id.length < 10 ? '*'.repeat(id.length) : id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

/** `138****5678`; a fixed line keeps its area code and last four (`0391-***4567`), never its extension. */
export function maskPhone(phone: string): string {
  const landline = /^(0\d{2,3})-(\d+)/.exec(phone);
  if (landline) return `${landline[1]}-${'*'.repeat(Math.max(0, landline[2]!.length - 4))}${landline[2]!.slice(-4)}`;
  return phone.length < 7 ? '*'.repeat(phone.length) : phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

/** Keeps the first six characters (district and street, roughly) of an address and hides the rest. */
export function maskAddress(address: string): string {
  const chars = Array.from(address);
  return chars.length <= 6 ? '***' : chars.slice(0, 6).join('') + '***';
}

// GB 32100-2015: the 31 characters of a 统一社会信用代码 (no I, O, Z, S, V) and the weights of its first 17.
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Checks an organisation's unified social credit code (GB 32100-2015): 18 characters and the check character. */
export function isValidCreditCode(raw: string): boolean {
  const code = normalizeIdNumber(raw);
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(code[i]!) * CREDIT_WEIGHTS[i]!;
  return CREDIT_CHARS[(31 - (sum % 31)) % 31] === code[17];
}

/** An address as compared for "same address": NFKC, no spaces or punctuation. */
export function normalizeAddress(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s,，.。、;；:：()（）#＃-]/g, '');
}
