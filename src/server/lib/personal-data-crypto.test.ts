import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPersonalDataCrypto } from './personal-data-crypto.js';

describe('personal data crypto', () => {
  const crypto = createPersonalDataCrypto(randomBytes(32));

  it('decrypts what it encrypted, from the same Buffer and from a copy read back', () => {
    const blob = crypto.encrypt('410871199001011234');
    expect(crypto.decrypt(blob)).toBe('410871199001011234');
    expect(crypto.decrypt(Buffer.from(blob))).toBe('410871199001011234');
    expect(blob.toString('utf8')).not.toContain('410871199001011234');
  });

  it('refuses the very Buffer it made once altered in place', () => {
    const blob = crypto.encrypt('13812345678');
    expect(crypto.decrypt(blob)).toBe('13812345678');
    blob[blob.length - 1]! ^= 1;
    expect(() => crypto.decrypt(blob)).toThrow();
  });

  it('refuses a copy altered in one byte, and a ciphertext of another key', () => {
    const copy = Buffer.from(crypto.encrypt('13812345678'));
    copy[copy.length - 1]! ^= 1;
    expect(() => crypto.decrypt(copy)).toThrow();
    const other = createPersonalDataCrypto(randomBytes(32));
    expect(() => other.decrypt(Buffer.from(crypto.encrypt('13812345678')))).toThrow();
  });
});
