import { defineConfig } from 'vitest/config';

// Deadline and date logic must not depend on the machine's zone: UTC unless TEST_TZ names another
// (.ci/run also runs the unit and API tests with TEST_TZ=Asia/Shanghai).
process.env.TZ = process.env.TEST_TZ ?? 'UTC';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: { TZ: process.env.TZ },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser journeys share one Chromium and one server per file; files run in parallel on 2 cores.
    maxWorkers: 2,
  },
});
