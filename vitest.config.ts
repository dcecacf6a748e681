import { defineConfig } from 'vitest/config';

/** Reliability tests whose assertions include the server's RSS. */
const MEMORY = ['tests/reliability/slow-consumer.test.ts', 'tests/reliability/presence-fanout.test.ts'];

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    // Two files at a time (Vitest's default is one worker fewer than the cores: one on two).
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', isolate: false } },
      { extends: true, test: { name: 'component', include: ['tests/unit/**/*.test.tsx'], environment: 'happy-dom', isolate: false } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/reliability/**/*.test.ts'],
          exclude: MEMORY,
          environment: 'node',
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'memory',
          // The tests that bound a server's RSS measure it alone: after every other project, one
          // file at a time (on two cores, a browser or a second server running beside them moved
          // the slow consumer's figure from +1 MiB to +16 MiB).
          include: MEMORY,
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 30_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
