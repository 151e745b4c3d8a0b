import { defineConfig } from 'vitest/config';

/**
 * The fast tests a focused mutation run of src/core uses (`npm run test:mutation:core`): the core unit tests,
 * the budget tests, and Perceptis end to end and model paths (the reference chart exercises every shared builder).
 */
export default defineConfig({
  test: {
    include: ['test/core.*.test.ts', 'test/budget.test.ts', 'test/perceptis.e2e.test.ts', 'test/model/perceptis.model.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
