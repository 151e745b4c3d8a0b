/** How many random runs each chart gets (env FAULT_RUNS; `npm run test:faults` asks for hundreds), and where counts go. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultTally } from '../support/fault-runs.js';

export const faultRuns = Number(process.env.FAULT_RUNS ?? 40);

/** Each test file writes its own counts; `report.ts` adds them up into reports/faults.json. */
export const TALLY_DIR = join(process.cwd(), 'reports', 'faults');

export function recordTally(name: string, tally: FaultTally): void {
  mkdirSync(TALLY_DIR, { recursive: true });
  writeFileSync(join(TALLY_DIR, `${name}.json`), `${JSON.stringify(tally, null, 2)}\n`);
}
