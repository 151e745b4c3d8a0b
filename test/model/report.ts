/** Prints the coverage table of the model-based tests (`npm run test:model`), from reports/model-coverage/. */
import { coverageTable, REPORT_FILE } from '../../src/testing/report.js';

console.log(`\nModel-based tests: states and transitions taken by real runs (${REPORT_FILE})\n`);
console.log(coverageTable());
