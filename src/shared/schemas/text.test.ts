import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  creditCodeSchema,
  idNumberSchema,
  isTextSchema,
  line,
  mobileSchema,
  paragraph,
  phoneSchema,
  secret,
  stripForbiddenCharacters,
  token,
} from './text.js';

const messages = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues.map((i) => i.message) ?? [];

describe('the text type', () => {
  it('stores one form of a character typed two ways (NFC)', () => {
    expect(line(10).parse('Jose\u0301')).toBe('José');
    expect(line(10).parse('José')).toBe(line(10).parse('Jose\u0301'));
  });

  it('counts characters after normalising, as a person counts them', () => {
    // e + combining acute is two code points typed, one stored: it fits a limit of 1.
    expect(line(1).parse('e\u0301')).toBe('é');
    // 𠈌 and 😀 lie beyond the BMP: one character each, two UTF-16 units.
    expect(line(3).parse('𠈌秀兰')).toBe('𠈌秀兰');
    expect(line(2).safeParse('𠈌秀兰').success).toBe(false);
    expect(line(2).safeParse('😀😀').success).toBe(true);
    expect(line(2, { min: 2 }).safeParse('𠈌').success).toBe(false);
  });

  it('refuses NUL and the other C0 controls, naming the code point', () => {
    expect(messages(line(10), 'a\u0000b')[0]).toContain('U+0000');
    expect(messages(paragraph(10), 'a\u0007b')[0]).toContain('U+0007');
    expect(messages(token(10), 'a\u001Bb')[0]).toContain('U+001B');
    expect(messages(line(10), 'a\u007Fb')[0]).toContain('U+007F');
    expect(messages(secret(10), 'pw\u0000')[0]).toContain('U+0000');
  });

  it('allows TAB and LF in a paragraph only, and keeps CRLF as LF', () => {
    expect(paragraph(20).parse('第一行\r\n第二行\r第三行\t。')).toBe('第一行\n第二行\n第三行\t。');
    expect(messages(line(20), '王\n五')[0]).toContain('U+000A');
    expect(messages(line(20), '王\t五')[0]).toContain('U+0009');
    // Surrounding line breaks are white space: trimmed, not refused.
    expect(line(20).parse(' 王五\r\n')).toBe('王五');
  });

  it('refuses half a surrogate pair (not UTF-8 at all)', () => {
    expect(line(10).safeParse('a\uD800b').success).toBe(false);
    expect(line(10).safeParse('a\uDC00').success).toBe(false);
    expect(line(10).safeParse('\uD840\uDE0C').success).toBe(true);
  });

  it('keeps right-to-left marks and other printable oddities (they are text, and break nothing)', () => {
    expect(line(10).parse('a\u200Fb\u202Ec')).toBe('a\u200Fb\u202Ec');
  });

  it('trims lines and paragraphs but neither tokens nor passwords; passwords are not normalised either', () => {
    expect(line(10).parse('  a ')).toBe('a');
    expect(token(10).parse(' a ')).toBe(' a ');
    expect(secret(10).parse(' e\u0301 ')).toBe(' e\u0301 ');
  });

  it('tells an optional empty text apart from a required one', () => {
    expect(line(10, { min: 0 }).parse('   ')).toBe('');
    expect(messages(line(10, { minMessage: '请填写姓名' }), '   ')).toEqual(['请填写姓名']);
  });

  it('publishes its limits to OpenAPI and the forms (JSON Schema lengths count code points too)', () => {
    expect(z.toJSONSchema(z.object({ name: line(100).describe('姓名') }), { io: 'input' }).properties!.name).toMatchObject({
      type: 'string',
      maxLength: 100,
      minLength: 1,
      description: '姓名',
    });
  });

  it('marks its schemas, wrapped or not, for the route audit', () => {
    expect(isTextSchema(line(10).describe('x'))).toBe(true);
    expect(isTextSchema(z.string().trim().max(10))).toBe(false);
  });

  it('strips what it would refuse where nobody can be asked (a file name from the browser)', () => {
    expect(stripForbiddenCharacters('照片\u0000\u0007.jpg', 200)).toBe('照片.jpg');
    expect(stripForbiddenCharacters('长'.repeat(300), 200)).toHaveLength(200);
  });
});

describe('identifiers at the boundary: normalised before any limit', () => {
  it.each(['110105 19491231 002X', '110105-19491231-002x', '１１０１０５１９４９１２３１００２ｘ', ' 110105194912310 02X '])(
    'accepts the ID number %j',
    (raw) => {
      expect(idNumberSchema.parse(raw)).toBe('11010519491231002X');
    },
  );

  it('blames a wrong check digit on the check digit, however it was pasted', () => {
    expect(messages(idNumberSchema, '110105 19491231 0021')).toEqual(['ID_NUMBER_INVALID']);
    expect(messages(idNumberSchema, '1101\u000005194912310021')[0]).toContain('U+0000');
  });

  it.each([
    ['+86 138 1234 5678', '13812345678'],
    ['0086-138-1234-5678', '13812345678'],
    ['１３８ １２３４ ５６７８', '13812345678'],
    ['138－1234－5678', '13812345678'],
    ['0391-1234567', '0391-1234567'],
    ['0391-1234567-801', '0391-1234567-801'],
    ['(0391) 1234567 转 801', '0391-1234567-801'],
    ['０３９１－１２３４５６７', '0391-1234567'],
    ['+86 391 1234567', '0391-1234567'],
    ['010 6123 4567', '010-61234567'],
  ])('accepts the phone %j as %j', (raw, stored) => {
    expect(phoneSchema.parse(raw)).toBe(stored);
  });

  it.each(['12345', '0391-123', '010-1234567', '13812345678-801', '23812345678'])('refuses the phone %j', (raw) => {
    expect(messages(phoneSchema, raw)).toEqual(['PHONE_INVALID']);
  });

  it('takes only mobiles where a text message must reach the number', () => {
    expect(mobileSchema.parse('+86 139 0391 2222')).toBe('13903912222');
    expect(messages(mobileSchema, '0391-1234567')).toEqual(['MOBILE_INVALID']);
  });

  it('normalises credit codes like ID numbers', () => {
    expect(creditCodeSchema.parse('91110000 600037341l'.replace('l', 'L'))).toBe('91110000600037341L');
  });
});
