import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPeriodic } from './scheduled-task.js';

const log = pino({ level: 'silent' });
afterEach(() => {
  vi.useRealTimers();
});

describe('periodic tasks', () => {
  it('run at once by default, and a heavy one only after its first-run delay, then at its interval', async () => {
    vi.useFakeTimers();
    const runs = { light: 0, heavy: 0 };
    const light = startPeriodic({ name: 'light', intervalMs: 1000, log, run: async () => void runs.light++ });
    const heavy = startPeriodic({ name: 'heavy', intervalMs: 1000, firstRunAfterMs: 60_000, log, run: async () => void runs.heavy++ });
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual({ light: 1, heavy: 0 });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(runs.heavy).toBe(0);
    expect(runs.light).toBeGreaterThan(50);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs.heavy).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(runs.heavy).toBe(3);
    await Promise.all([light.stop(), heavy.stop()]);
    const stopped = { ...runs };
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toEqual(stopped);
  });

  it('a task stopped before its first run never runs', async () => {
    vi.useFakeTimers();
    let ran = 0;
    const task = startPeriodic({ name: 'heavy', intervalMs: 1000, firstRunAfterMs: 60_000, log, run: async () => void ran++ });
    await task.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(ran).toBe(0);
  });
});
