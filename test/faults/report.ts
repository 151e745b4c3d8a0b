/**
 * Adds up the counts each fault test file wrote (reports/faults/<chart>.json) into reports/faults.json and prints
 * them on one line. Exits 1 when a job ended wrong or left something behind. Run by `npm run test:faults`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newTally, type FaultTally } from '../support/fault-runs.js';
import { TALLY_DIR } from './settings.js';

const files = existsSync(TALLY_DIR) ? readdirSync(TALLY_DIR).filter((f) => f.endsWith('.json')) : [];
const total = newTally();
const charts: Record<string, FaultTally> = {};
for (const file of files) {
  const tally = JSON.parse(readFileSync(join(TALLY_DIR, file), 'utf8')) as FaultTally;
  charts[file.replace(/\.json$/, '')] = tally;
  for (const key of Object.keys(total) as (keyof FaultTally)[]) total[key] += tally[key] ?? 0;
}
writeFileSync(join(TALLY_DIR, '..', 'faults.json'), `${JSON.stringify({ ...total, charts }, null, 2)}\n`);
console.log(
  `faults: ${total.runs} runs (${Object.keys(charts).sort().join(', ') || 'no charts'}), ${total.faultsInjected} faults injected, ` +
    `${total.restarts} restarts (${total.tamperedRestores} of tampered snapshots, ${total.refusedRestores} refused), ${total.cancels} cancels, ${total.personActs} person steps, ${total.badBodies} bad bodies tried, ` +
    `${total.wrongEnds} jobs ended wrong, ${total.leaks} leaks`,
);
process.exit(total.runs > 0 && total.wrongEnds === 0 && total.leaks === 0 ? 0 : 1);
