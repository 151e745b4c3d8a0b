import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // One run for the package's tests and the custom-provider example's, so reporters (CI's JSON) see both.
    projects: [
      { extends: true, test: { name: 'jobcharts', include: ['test/**/*.test.ts'] } },
      'examples/custom-provider/vitest.config.ts',
    ],
  },
});
