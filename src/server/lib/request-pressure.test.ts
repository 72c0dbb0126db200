import { describe, expect, it } from 'vitest';
import { RequestPressure } from './request-pressure.js';

describe('request pressure', () => {
  it('counts the requests of the last whole second, and forgets them after a quiet second', () => {
    let now = 10_000;
    const p = new RequestPressure(3, () => now);
    for (let i = 0; i < 3; i++) p.note();
    expect(p.rate()).toBe(3);
    expect(p.isBusy()).toBe(true);
    now += 1000; // the next second: the last one's count stands until this one has more
    p.note();
    expect(p.rate()).toBe(3);
    now += 1000;
    expect(p.rate()).toBe(1);
    expect(p.isBusy()).toBe(false);
    now += 5000; // a quiet spell: nothing left
    expect(p.rate()).toBe(0);
  });
});
