/**
 * How long `await import('jobcharts')` and its entries take in a fresh Node process (the built package, dist/).
 * Each figure is the median of RUNS processes, so the disk cache is warm and a single slow start does not count.
 * Two figures: wall time (what a user waits) and CPU time (user + system: steadier on a busy machine).
 *
 *   npm run build && npm run bench:import
 *   npm run bench:import -- /path/to/another/checkout   (beside the same figures of another built checkout)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = 9;
const SPECIFIERS = ['jobcharts', 'jobcharts/perceptis', 'jobcharts/cata', 'jobcharts/simulator'];

export interface ImportTime {
  wallMs: number;
  cpuMs: number;
}

/** One `import()` in a new process whose working directory is the package (the import is a self-reference). */
function importOnce(root: string, specifier: string): ImportTime {
  const script = `const t = performance.now(), c = process.cpuUsage();
    await import(${JSON.stringify(specifier)});
    const { user, system } = process.cpuUsage(c);
    console.log(JSON.stringify({ wallMs: performance.now() - t, cpuMs: (user + system) / 1000 }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }));
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Medians per root, the roots' runs interleaved so that a busy moment of the machine weighs on all alike. */
export function importTimes(roots: string[], specifier: string, runs = RUNS): ImportTime[] {
  const times = roots.map(() => [] as ImportTime[]);
  for (let run = 0; run < runs; run++) roots.forEach((root, i) => times[i].push(importOnce(root, specifier)));
  return times.map((list) => ({ wallMs: median(list.map((t) => t.wallMs)), cpuMs: median(list.map((t) => t.cpuMs)) }));
}

function main() {
  const here = join(dirname(fileURLToPath(import.meta.url)), '..');
  const roots = [here, ...process.argv.slice(2)].map((root) => resolve(root));
  for (const root of roots) {
    if (existsSync(join(root, 'dist', 'index.js'))) continue;
    console.error(`${root}/dist is missing: run \`npm run build\` there first`);
    process.exit(2);
  }
  console.log(`import() in a fresh Node ${process.version} process, median of ${RUNS}: wall ms / CPU ms`);
  console.log(`| import | ${roots.join(' | ')} |\n| --- |${' --- |'.repeat(roots.length)}`);
  for (const specifier of SPECIFIERS) {
    const cells = importTimes(roots, specifier).map((t) => `${t.wallMs.toFixed(0)} / ${t.cpuMs.toFixed(0)}`);
    console.log(`| ${specifier} | ${cells.join(' | ')} |`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
