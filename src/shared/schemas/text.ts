import { z } from 'zod';
import { checkIdNumber, isValidCreditCode, isValidMobile, isValidPhone, normalizeIdNumber, normalizePhone } from '../identifiers.js';

/**
 * The one text type at the boundary: every string a request carries (body, query, path, header) and every form
 * field the web checks goes through `line`, `paragraph` or `token`, or through a schema built on them (ID numbers,
 * phones, credit codes). In this order:
 *
 * 1. CR LF and lone CR become LF — the only character stripped: an HTML form's textarea sends CRLF (HTML spec,
 *    "form submission"), Windows pastes CRLF, and the stored text should not depend on which.
 * 2. Unicode NFC, so that one name typed two ways (é as e + ◌́) is stored, hashed and searched as one.
 * 3. Trimmed of surrounding white space (not `token`, not `secret`, which also skips steps 1 and 2).
 * 4. Refused, with a VALIDATION_FAILED detail naming the code point: C0 control characters except TAB and LF
 *    (`paragraph` only; a `line` refuses those too), DEL, and halves of a surrogate pair. PostgreSQL refuses NUL in
 *    text (`invalid byte sequence for encoding "UTF8": 0x00`), XML 1.0 — Open311's XML, DOCX — refuses the other C0
 *    controls, and a lone surrogate is not UTF-8 at all; nothing a person types contains them.
 * 5. Lengths counted in code points after all that: 𠈌 is one character, as PostgreSQL's `varchar(n)` and a person
 *    count it, not two UTF-16 units (and JSON Schema's maxLength means the same).
 */

// Checked after step 1, so CR never reaches it. TAB and LF are allowed in paragraphs only. Matching control characters
// is the point of these patterns (no-control-regex guards against doing it by accident).
/* eslint-disable no-control-regex */
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL_IN_PARAGRAPH = /[\u0000-\u0008\u000B-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/* eslint-enable no-control-regex */

/** The code points of `value`, as a person counts characters. */
export const codePointLength = (value: string) => Array.from(value).length;

/** The first character the text type refuses in `value` (`U+0000`), or undefined when there is none. */
export function findForbiddenCharacter(value: string, multiline = true): string | undefined {
  const found = (multiline ? CONTROL_IN_PARAGRAPH : CONTROL_IN_LINE).exec(value.replace(/\r\n?/g, '\n'));
  return found ? `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/**
 * Makes a value safe to keep where a person gave no chance to refuse it (a file name from the browser, a header):
 * the same normalisation, with the forbidden characters removed instead of refused.
 */
export function stripForbiddenCharacters(value: string, max: number): string {
  const cleaned = value.replace(/\r\n?/g, '\n').normalize('NFC').replace(new RegExp(CONTROL_IN_LINE.source, 'g'), '').trim();
  return Array.from(cleaned).slice(0, max).join('');
}

interface TextOptions {
  /** Fewest characters after trimming; 1 unless given (0: may be empty). */
  min?: number;
  /** The message when shorter than `min` (a form shows it). */
  minMessage?: string;
}

// The checks made here, so a test can tell that every string a route accepts went through the text type.
const textChecks = new WeakSet<object>();

/** Whether a zod string schema carries the text type's check (a guard in the API tests reads this). */
export function isTextSchema(schema: z.ZodString): boolean {
  return (schema._zod.def.checks ?? []).some((check) => textChecks.has(check));
}

function textOf(max: number, { min = 1, minMessage }: TextOptions, kind: 'line' | 'paragraph' | 'token' | 'secret') {
  const forbidden = kind === 'paragraph' ? CONTROL_IN_PARAGRAPH : CONTROL_IN_LINE;
  let schema = z.string();
  if (kind !== 'secret') schema = schema.overwrite((v) => v.replace(/\r\n?/g, '\n')).normalize('NFC');
  if (kind === 'line' || kind === 'paragraph') schema = schema.trim();
  const result = schema
    .superRefine((value, ctx) => {
      const found = forbidden.exec(value);
      if (found) {
        const code = `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
        ctx.addIssue({
          code: 'custom',
          message: `不能含有控制字符 ${code}（如 NUL、换行以外的不可见字符）/ control character ${code} is not allowed`,
        });
        return;
      }
      // Counting code points walks the string: only when UTF-16 length leaves the answer open.
      const length = value.length > max || value.length < 2 * min ? codePointLength(value) : value.length;
      if (length < min) {
        ctx.addIssue({
          code: 'too_small',
          origin: 'string',
          minimum: min,
          inclusive: true,
          input: value,
          message: minMessage ?? (min === 1 ? '不能为空 / required' : `至少 ${min} 个字 / at least ${min} characters`),
        });
      } else if (length > max) {
        ctx.addIssue({
          code: 'too_big',
          origin: 'string',
          maximum: max,
          inclusive: true,
          input: value,
          message: `最多 ${max} 个字 / at most ${max} characters`,
        });
      }
    })
    .meta({ minLength: min, maxLength: max });
  textChecks.add(result._zod.def.checks!.at(-1)!);
  return result;
}

/** One line of text (a name, a subject, a code): no control characters at all, trimmed, 1..max characters. */
export const line = (max: number, options: TextOptions = {}) => textOf(max, options, 'line');

/** Text that may run over lines (a narrative, a record, minutes): TAB and LF allowed, trimmed, 1..max characters. */
export const paragraph = (max: number, options: TextOptions = {}) => textOf(max, options, 'paragraph');

/** An opaque value (a token, a key, a path segment): no control characters, not trimmed, 1..max characters. */
export const token = (max: number, options: TextOptions = {}) => textOf(max, options, 'token');

/**
 * A password: no control characters, and otherwise exactly the bytes given — not normalised, not trimmed, because
 * the bytes its hash was made of must stay the bytes checked.
 */
export const secret = (max: number) => textOf(max, {}, 'secret');

/** Raw input is capped here, generously, only so that nobody sends megabytes; the real rule is the format check. */
export const IDENTIFIER_RAW_MAX = 64;

/** A resident ID checked by GB 11643; normalised (spaces, dashes, full-width, lowercase x) before it is checked. */
export const idNumberSchema = line(IDENTIFIER_RAW_MAX)
  .transform(normalizeIdNumber)
  .refine((v) => checkIdNumber(v).valid, { message: 'ID_NUMBER_INVALID' })
  .describe('18-character resident ID number (GB 11643); spaces, dashes, full-width digits and lowercase x are accepted');

/** A contact number: a mobile (11 digits) or a fixed line with its area code (`0391-1234567`, `0391-1234567-801`). */
export const phoneSchema = line(IDENTIFIER_RAW_MAX)
  .transform(normalizePhone)
  .refine(isValidPhone, { message: 'PHONE_INVALID' })
  .describe(
    'Mainland mobile number (11 digits; +86, 0086, spaces and dashes accepted) or a fixed line with area code and optional extension, stored as 0391-1234567[-801]',
  );

/** A number a text message can reach (portal verification): mobiles only. */
export const mobileSchema = line(IDENTIFIER_RAW_MAX)
  .transform(normalizePhone)
  .refine(isValidMobile, { message: 'MOBILE_INVALID' })
  .describe('Mainland mobile number, 11 digits (+86, 0086, spaces and dashes accepted)');

/** 统一社会信用代码 of an organisation (GB 32100), normalised like an ID number. */
export const creditCodeSchema = line(IDENTIFIER_RAW_MAX)
  .transform(normalizeIdNumber)
  .refine(isValidCreditCode, { message: 'CREDIT_CODE_INVALID' })
  .describe('统一社会信用代码 of an organisation (GB 32100)');
