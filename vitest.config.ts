import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      { extends: true, test: { name: 'component', include: ['tests/unit/**/*.test.tsx'], environment: 'happy-dom' } },
      {
        extends: true,
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts', 'tests/reliability/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // One browser at a time: the CI machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
