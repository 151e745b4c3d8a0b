import { runChecks } from './check.js';

runChecks(process.argv[2] ?? 'consumer').then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
