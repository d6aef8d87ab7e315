import { defineConfig } from 'vitest/config';

// unit: the pure core, in-process. binaries: the built SEA run as the lifecycle
// runs it. e2e: real pack, lifecycle and Docker (slow; one file at a time).
export default defineConfig({
  test: {
    globalSetup: ['integration/test-tmp.ts'],
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'examples/**/*.test.ts', 'integration/bench/**/*.test.ts'] } },
      { test: { name: 'binaries', include: ['integration/binaries/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['integration/e2e/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 1_200_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
