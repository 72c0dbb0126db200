import { defineConfig } from 'vitest/config';

// Deadline and date logic must not depend on the machine's zone.
process.env.TZ = 'UTC';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: { TZ: 'UTC' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser journeys share one Chromium and one server per file; files run in parallel on 2 cores.
    maxWorkers: 2,
  },
});
