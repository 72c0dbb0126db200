/**
 * Identifier checks shared by the server and the web form (RULES.md §9).
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
// GB 11643: remainder → check character.
const ID_CHECK = '10X98765432';

/** Full-width digits and letters to ASCII, lowercase x to X, spaces removed. */
export function normalizeIdNumber(raw: string): string {
  return raw
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toUpperCase();
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

/** Mainland mobile number, after removing spaces, dashes and a +86 prefix. */
export function normalizePhone(raw: string): string {
  return raw.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
}

export function isValidMobile(raw: string): boolean {
  return /^1[3-9]\d{9}$/.test(normalizePhone(raw));
}

/** `410871********1234`: area code and last four kept (the area code is no secret; the birth date is). */
export function maskIdNumber(id: string): string {
  return id.length < 10 ? '*'.repeat(id.length) : id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

/** `138****5678` */
export function maskPhone(phone: string): string {
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
