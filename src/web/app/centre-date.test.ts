import { afterEach, describe, expect, it } from 'vitest';
import { atCentre, fromCentre } from './centre-date.js';

const zone = process.env.TZ;
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('the centre’s clock in the browser', () => {
  // A PC set to New York, to UTC and to Shanghai: the same instants read and picked the same way.
  for (const pcZone of ['America/New_York', 'UTC', 'Asia/Shanghai']) {
    it(`shows instants in Shanghai time and turns a picked Shanghai time back into the instant (PC in ${pcZone})`, () => {
      process.env.TZ = pcZone;
      // 23:30 UTC is 07:30 the next morning in Shanghai.
      const instant = '2025-03-09T23:30:00.000Z';
      expect(atCentre(instant).format('YYYY-MM-DD HH:mm')).toBe('2025-03-10 07:30');
      expect(fromCentre(atCentre(instant))).toBe(instant);
      // A session picked for 09:30 on a Shanghai morning is 01:30 UTC that day.
      expect(fromCentre(atCentre(instant).hour(9).minute(30))).toBe('2025-03-10T01:30:00.000Z');
    });
  }
});
