import { defineConfig } from 'vitest/config';

/** The tests Stryker runs against each mutant of the charts and src/core: model paths, unit and e2e tests. */
export default defineConfig({
  test: {
    include: ['test/model/**/*.test.ts', 'test/core.*.test.ts', 'test/budget.test.ts', 'test/*.e2e.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
