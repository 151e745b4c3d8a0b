/**
 * What the chart itself costs, without HTTP or peers, for before/after figures of a change to the charts:
 * CPU per request of the chart alone (bench/chart-alone.ts, median of five runs) and the heap each waiting job holds
 * (N Perceptis jobs answered from memory, all waiting for a poll a minute away). `--snapshot` also writes heap
 * snapshots before and after starting the N jobs (compare them by constructor in Chrome's DevTools, Memory →
 * Comparison). `--cpu-prof` on node profiles the chart-alone runs.
 *
 *   npx esbuild bench/chart-cost.ts --bundle --platform=node --format=esm --packages=external --outfile=dist/chart-cost.mjs
 *   node --expose-gc dist/chart-cost.mjs [--jobs=10000] [--snapshot=dir]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { writeHeapSnapshot } from 'node:v8';
import { createActor } from 'xstate';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { requestActor } from '../src/core/request-actor.js';
import { chartAlone } from './chart-alone.js';
import { fixedInterval } from './workload.js';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const n = Number(flag('jobs') ?? 10_000);
const snapshotDir = flag('snapshot');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** CPU time of the main thread, µs (Linux). */
function mainThreadCpuUs(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

const fromMemory = perceptisJob.provide({
  actors: {
    create: requestActor(async () => ({ type: 'submit.accepted', jobId: 'job' })),
    status: requestActor(async () => ({ type: 'status.processing' })),
  },
} as never);
const request = { prompt: 'A one-slide summary of our quarter', output_type: 'single_slide' as const };
const startWaiting = () =>
  createActor(fromMemory, { input: { baseUrl: 'http://127.0.0.1:9', apiKey: 'key', request, options: fixedInterval(60_000) } }).start();
const quiet = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 20));
  gc!();
  gc!();
};

const load = os.loadavg()[0];
const runs: number[] = [];
for (let i = 0; i < 6; i++) runs.push(await chartAlone(1_000, mainThreadCpuUs));
runs.shift(); // warm-up
runs.sort((a, b) => a - b);

for (const job of Array.from({ length: 200 }, startWaiting)) {
  await new Promise((r) => setTimeout(r, 1));
  job.stop();
}
await quiet();
if (snapshotDir) writeHeapSnapshot(`${snapshotDir}/before.heapsnapshot`);
const before = process.memoryUsage().heapUsed;
const jobs = Array.from({ length: n }, startWaiting);
await quiet();
const after = process.memoryUsage().heapUsed;
if (snapshotDir) writeHeapSnapshot(`${snapshotDir}/after.heapsnapshot`);
const waiting = jobs.filter((j) => j.getSnapshot().hasTag('waiting')).length;
if (waiting !== n) throw new Error(`only ${waiting} of ${n} jobs are waiting`);
for (const job of jobs) job.stop();
console.log(
  `chart alone ${runs[2].toFixed(0)} µs per request (runs ${runs.map((x) => x.toFixed(0)).join(', ')}); ` +
    `heap per waiting job ${((after - before) / n / 1024).toFixed(2)} KB at N = ${n}; load average ${load.toFixed(1)}`,
);
