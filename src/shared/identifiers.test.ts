import { describe, expect, it } from 'vitest';
import { checkIdNumber, isValidMobile, maskAddress, maskIdNumber, maskPhone, normalizeIdNumber } from './identifiers.js';

describe('resident ID check (GB 11643)', () => {
  it('accepts the worked example 11010519491231002X (sum 167, mod 11 = 2 → X)', () => {
    expect(checkIdNumber('11010519491231002X')).toEqual({
      valid: true,
      normalized: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'female',
    });
  });

  it('refuses a wrong check character', () => {
    expect(checkIdNumber('110105194912310021')).toEqual({ valid: false, reason: 'check_digit' });
    expect(checkIdNumber('110105194912310029')).toEqual({ valid: false, reason: 'check_digit' });
  });

  it('accepts lowercase x and full-width digits after normalising', () => {
    expect(checkIdNumber('11010519491231002x').valid).toBe(true);
    expect(normalizeIdNumber('１１０１０５１９４９１２３１００２ｘ')).toBe('11010519491231002X');
    expect(checkIdNumber('１１０１０５１９４９１２３１００２Ｘ').valid).toBe(true);
  });

  it('refuses an impossible birth date even with a matching check character', () => {
    // 1949-02-30 does not exist; the check character is computed to match so only the date can fail.
    const body = '11010519490230002';
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...body].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
    expect(checkIdNumber(body + '10X98765432'[sum % 11])).toEqual({ valid: false, reason: 'birth_date' });
  });

  it('does not refuse an unknown area code (410871 is statistics-only)', () => {
    expect(checkIdNumber('410871198506123019').valid).toBe(true);
  });

  it('refuses wrong formats', () => {
    expect(checkIdNumber('1101051949123100').valid).toBe(false);
    expect(checkIdNumber('11010519491231002Y').valid).toBe(false);
  });

  it('reads sex from the sequence (odd = male)', () => {
    expect(checkIdNumber('410871198506123019')).toMatchObject({ sex: 'male' });
  });
});

describe('mobile numbers', () => {
  it.each(['13812345678', '199 1234 5678', '+8615803912222', '138-1234-5678'])('accepts %s', (p) => expect(isValidMobile(p)).toBe(true));
  it.each(['12812345678', '1381234567', '23812345678', '010-12345678'])('refuses %s', (p) => expect(isValidMobile(p)).toBe(false));
});

describe('masking', () => {
  it('keeps the area code and the last four of an ID number', () => {
    expect(maskIdNumber('410871198506121234')).toBe('410871********1234');
  });
  it('keeps the first three and last four of a phone', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
  it('keeps only the start of an address', () => {
    expect(maskAddress('文苑街道东方社区3号楼2单元')).toBe('文苑街道东方***');
  });
});
