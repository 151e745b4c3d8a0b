// Focused mutation run of the shared core against its fast tests: `npm run test:mutation:core` (minutes, not hours).
// Static mutants (module-level constants, builders run at import) are skipped: each needs a whole test run.
import base from './stryker.config.mjs';

const reports = process.env.MUTATION_REPORTS ?? 'reports/mutation-core';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'vitest.mutation-core.config.ts' },
  mutate: [
    'src/core/context.ts',
    'src/core/request-actor.ts',
    'src/core/actions.ts',
    'src/core/guards.ts',
    'src/core/polling-job.ts',
    'src/core/delay.ts',
    'src/core/options.ts',
    'src/core/http.ts',
    'src/core/states.ts',
    'src/core/clock.ts',
    'src/core/persist.ts',
    'src/core/person.ts',
  ],
  ignoreStatic: true,
  htmlReporter: { fileName: `${reports}/index.html` },
  jsonReporter: { fileName: `${reports}/mutation.json` },
};
