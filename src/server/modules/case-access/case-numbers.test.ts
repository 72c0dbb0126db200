import { inject } from 'vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../db/client.js';
import { ensureCaseNumberSequence, nextCaseNumber } from './case-numbers.js';

const a = connectDatabase(inject('databaseUrl'), 5);
const b = connectDatabase(inject('databaseUrl'), 5);
afterAll(async () => {
  await a.close();
  await b.close();
});

describe('case number sequences', () => {
  it('survive the first registrations of a year arriving together, from two pools at once', async () => {
    const year = 2090 + Math.floor(Math.random() * 9);
    const district = String(100000 + Math.floor(Math.random() * 800000));
    await Promise.all(Array.from({ length: 20 }, (_, i) => ensureCaseNumberSequence(i % 2 ? a.db : b.db, district, year)));
    const numbers = await Promise.all(Array.from({ length: 10 }, () => a.db.transaction((tx) => nextCaseNumber(tx, district, year))));
    expect(new Set(numbers).size).toBe(10);
    expect(Math.min(...numbers)).toBe(1);
  });
});
