/**
 * `npm run bench [-- --quick]`: N concurrent jobs (Perceptis and Depicta, half each) against the simulated
 * providers in this process (the simulator in a worker thread), run two ways — jobcharts actors and a hand-written
 * async loop per job — plus the shared rate budget against the simulator's per-key limit. Prints a table and
 * writes reports/bench.json. See README "Performance".
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import { clearRateBudgets } from '../src/core/budget.js';
import type { KeyLimit } from '../src/simulator/ratelimit.js';
import type { LogRow } from './sim-worker.js';
import { chartAlone } from './chart-alone.js';
import { fixedInterval, providers, startChartJob, startLoopJob, type BenchProvider, type RunningJob } from './workload.js';

const quick = process.argv.includes('--quick');
/**
 * `npm run bench` runs this file compiled (esbuild, as tsup ships the package; `npm run bench:tsx` runs it under tsx).
 * tsx keeps every closure's name as an own property, which costs each closure created a 256-byte property store:
 * about 3 KB per waiting jobcharts job and 1 KB per baseline job that neither the published package nor a user's
 * compiled loop has.
 */
const compiled = !import.meta.url.endsWith('.ts');
const sizes = quick ? [100, 1_000] : [100, 1_000, 10_000];
/**
 * Throughput runs per N, the two ways taken in turns: on a shared machine one run's CPU ratio moves by ±0.3×, so the
 * table shows the median of the pairs' ratios (each way's figures from its median run; every run is in the JSON).
 */
const pairsFor = (n: number) => (n >= 10_000 ? 1 : 3);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npm run bench does)');

type Mode = 'jobcharts' | 'baseline';

const TICKS_PER_SECOND = 100;
/**
 * CPU time of the main thread alone (Linux: /proc/self/task/<pid>/stat utime + stime), in µs: the simulator's
 * worker thread is not counted, and, unlike event-loop busy time, neither is time the OS gave to other processes.
 */
function mainThreadCpuUs(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

class SimWorker {
  // Node 20 workers do not inherit tsx's loader: the worker registers it, then loads the TypeScript module.
  // (Found from bench/ or from the compiled copy in dist/: both are one level below the package.)
  private readonly worker = new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('../bench/sim-worker.ts', import.meta.url).href)}); })`,
    { eval: true },
  );
  private readonly pending = new Map<number, (result: unknown) => void>();
  private next = 1;
  readonly url: Promise<string>;

  constructor() {
    this.url = new Promise((resolve) => this.pending.set(0, resolve as (r: unknown) => void));
    this.worker.on('message', (m: { id: number; result: unknown }) => {
      this.pending.get(m.id)?.(m.result);
      this.pending.delete(m.id);
    });
    this.worker.on('error', (e) => {
      console.error(e);
      process.exit(1);
    });
  }

  call<T>(type: string, payload: object = {}): Promise<T> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (r: unknown) => void);
      this.worker.postMessage({ id, type, ...payload });
    });
  }

  scripts(provider: BenchProvider, count: number, finishAfterMs: number) {
    return this.call('scripts', { provider: provider.name, count, script: provider.script(finishAfterMs) });
  }
  drain() {
    return this.call<LogRow[]>('drain');
  }
  keyLimit(provider: string, limit: KeyLimit | null) {
    return this.call('keyLimit', { provider, limit });
  }
}

/** Aggregate poll rate kept about the same at every N, so that cost per poll compares like with like. */
const intervalFor = (n: number) => Math.max(50, n / 2);
const POLLS_BEFORE_DONE = 2.5;

const median = (values: number[]) => percentile(values, 50);

/** The run whose CPU per poll is the median of the runs. */
function medianRun(runs: Throughput[]): Throughput {
  const sorted = [...runs].sort((a, b) => a.cpuUsPerPoll - b.cpuUsPerPoll);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Starts `n` jobs evenly over `spreadMs` (an app's jobs arrive over time, not in one tick). */
async function startSpread(n: number, spreadMs: number, start: (i: number) => RunningJob): Promise<RunningJob[]> {
  const jobs: RunningJob[] = [];
  const batches = Math.max(1, Math.floor(spreadMs / 5));
  const perBatch = Math.ceil(n / batches);
  for (let b = 0; jobs.length < n; b++) {
    for (let i = 0; i < perBatch && jobs.length < n; i++) jobs.push(start(jobs.length));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return jobs;
}

const providerOf = (i: number) => providers[i % providers.length];

function starter(mode: Mode, baseUrl: string, intervalMs: number, extra: object = {}) {
  return (i: number) =>
    mode === 'jobcharts'
      ? startChartJob(providerOf(i), baseUrl, { ...fixedInterval(intervalMs), ...extra })
      : startLoopJob(providerOf(i), baseUrl, intervalMs);
}

async function pushScripts(sim: SimWorker, n: number, finishAfterMs: number) {
  for (const [k, provider] of providers.entries()) {
    const count = Math.ceil((n - k) / providers.length);
    await sim.scripts(provider, count, finishAfterMs);
  }
}

interface Throughput {
  intervalMs: number;
  polls: number;
  requestsPerJob: number;
  cpuUsPerPoll: number;
  busyUsPerPoll: number;
  processCpuUsPerPoll: number;
  eventLoopP99Ms: number;
  finishToOutcomeP50Ms: number;
  finishToOutcomeP99Ms: number;
  wallMs: number;
  outcomes: Record<string, number>;
}

/** N jobs, each polled several times until its simulated job finishes. */
async function throughput(sim: SimWorker, baseUrl: string, mode: Mode, n: number): Promise<Throughput> {
  const intervalMs = intervalFor(n);
  const finishAfterMs = POLLS_BEFORE_DONE * intervalMs;
  await pushScripts(sim, n, finishAfterMs);
  await sim.drain();
  gc!();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const thread0 = mainThreadCpuUs();
  const t0 = performance.now();
  const jobs = await startSpread(n, intervalMs, starter(mode, baseUrl, intervalMs));
  const results = await Promise.all(jobs.map((j) => j.done));
  const wallMs = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  const threadCpuUs = mainThreadCpuUs() - thread0;
  delay.disable();
  const rows = await sim.drain();
  const createdAt = new Map(rows.filter((r) => r.method === 'POST' && r.jobId !== undefined).map((r) => [r.jobId, r.at]));
  const polls = rows.filter((r) => r.method === 'GET').length;
  const lags = results.filter((r) => r.jobId !== undefined && createdAt.has(r.jobId)).map((r) => r.at - (createdAt.get(r.jobId)! + finishAfterMs));
  const outcomes: Record<string, number> = {};
  for (const r of results) outcomes[r.status] = (outcomes[r.status] ?? 0) + 1;
  return {
    intervalMs,
    polls,
    requestsPerJob: rows.length / n,
    cpuUsPerPoll: threadCpuUs / polls,
    busyUsPerPoll: (elu.active * 1000) / polls,
    processCpuUsPerPoll: (cpu.user + cpu.system) / polls,
    eventLoopP99Ms: delay.percentile(99) / 1e6,
    finishToOutcomeP50Ms: percentile(lags, 50),
    finishToOutcomeP99Ms: percentile(lags, 99),
    wallMs,
    outcomes,
  };
}

interface Memory {
  heapPerJobKB: number;
  rssPerJobKB: number;
}

/** N jobs all waiting for their next poll (a minute away): what each live job costs in memory. */
async function memory(sim: SimWorker, baseUrl: string, mode: Mode, n: number): Promise<Memory> {
  await pushScripts(sim, n, 3_600_000);
  gc!();
  gc!();
  const before = process.memoryUsage();
  const jobs = await startSpread(n, Math.max(200, n / 5), starter(mode, baseUrl, 60_000));
  for (let i = 0; i < 1_200 && !jobs.every((j) => j.waiting()); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 100));
  gc!();
  gc!();
  const after = process.memoryUsage();
  for (const job of jobs) job.cancel();
  await Promise.all(jobs.map((j) => j.done));
  await sim.drain();
  return {
    heapPerJobKB: (after.heapUsed - before.heapUsed) / n / 1024,
    rssPerJobKB: (after.rss - before.rss) / n / 1024,
  };
}

interface LimiterRun {
  jobs: number;
  limitPerSecond: number;
  requests: number;
  rateLimited: number;
  rateLimitedShare: number;
  utilisation: number;
  wallMs: number;
}

/** Perceptis jobs of one key against the simulator's per-key limit, with the limit configured or learnt. */
async function limiter(sim: SimWorker, baseUrl: string, configured: boolean): Promise<LimiterRun> {
  const jobs = quick ? 200 : 500;
  const limitPerSecond = 200;
  const perceptis = providers.find((p) => p.name === 'perceptis')!;
  clearRateBudgets();
  await sim.keyLimit('perceptis', { requestsPerSecond: limitPerSecond });
  const spreadMs = 1_000;
  const finishAfterMs = 4_000;
  await sim.scripts(perceptis, jobs, finishAfterMs);
  await sim.drain();
  const options = { ...fixedInterval(50), ...(configured ? { rateLimit: { requestsPerSecond: limitPerSecond } } : {}) };
  const t0 = Date.now();
  const started = await startSpread(jobs, spreadMs, () => startChartJob(perceptis, baseUrl, options));
  await Promise.all(started.map((j) => j.done));
  const rows = (await sim.drain()).filter((r) => r.provider === 'perceptis');
  await sim.keyLimit('perceptis', null);
  clearRateBudgets();
  const rateLimited = rows.filter((r) => r.answer === 429).length;
  // Once every job has started and before any can finish, they all ask for far more than the limit (20/s each).
  const from = t0 + spreadMs;
  const to = t0 + finishAfterMs;
  const accepted = rows.filter((r) => r.at >= from && r.at < to && r.answer !== 429).length;
  return {
    jobs,
    limitPerSecond,
    requests: rows.length,
    rateLimited,
    rateLimitedShare: rateLimited / rows.length,
    utilisation: to > from ? accepted / (((to - from) / 1000) * limitPerSecond) : NaN,
    wallMs: Date.now() - t0,
  };
}

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

async function main() {
  const started = Date.now();
  const sim = new SimWorker();
  const baseUrl = await sim.url;
  // Warm-up: JIT, sockets, module loading.
  await throughput(sim, baseUrl, 'jobcharts', 100);
  await throughput(sim, baseUrl, 'baseline', 100);

  const perN: Record<string, unknown>[] = [];
  for (const n of sizes) {
    const runs: Record<Mode, Throughput[]> = { baseline: [], jobcharts: [] };
    const ratios: number[] = [];
    for (let pair = 0; pair < pairsFor(n); pair++) {
      for (const mode of ['baseline', 'jobcharts'] as const) runs[mode].push(await throughput(sim, baseUrl, mode, n));
      ratios.push(runs.jobcharts[pair].cpuUsPerPoll / runs.baseline[pair].cpuUsPerPoll);
      process.stderr.write(`  N=${n} pair ${pair + 1} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
    const run: Record<string, unknown> = { n, runs };
    for (const mode of ['baseline', 'jobcharts'] as const) {
      run[mode] = { ...medianRun(runs[mode]), ...(await memory(sim, baseUrl, mode, n)) };
    }
    const [b, j] = [run.baseline as Throughput & Memory, run.jobcharts as Throughput & Memory];
    run.ratio = { cpuPerPoll: median(ratios), cpuPerPollRuns: ratios, heapPerJob: j.heapPerJobKB / b.heapPerJobKB, rssPerJob: j.rssPerJobKB / b.rssPerJobKB };
    perN.push(run);
  }
  const chartAloneRuns: number[] = [];
  for (let i = 0; i < 5; i++) chartAloneRuns.push(await chartAlone(1_000, mainThreadCpuUs));
  const chartAloneUsPerRequest = median(chartAloneRuns);
  process.stderr.write(`  chart alone done\n`);
  const configured = await limiter(sim, baseUrl, true);
  process.stderr.write(`  limiter (configured) done\n`);
  const learnt = await limiter(sim, baseUrl, false);
  process.stderr.write(`  limiter (learnt) done\n`);
  await sim.call('close');

  const report = {
    date: new Date().toISOString(),
    node: process.version,
    quick,
    compiled,
    cpuNote: 'cpuUsPerPoll: CPU time of the main thread (the jobs; the simulator runs in a worker thread) per status request. busyUsPerPoll: event-loop busy wall time per poll (inflated when the machine is loaded). processCpuUsPerPoll includes the simulator.',
    loadAverage: os.loadavg(),
    cpus: os.cpus().length,
    targets: { cpuPerPollRatio: 1.5, heapPerWaitingJobKB: 10, eventLoopP99MsAt10k: 50, limiterConfigured429: 0, limiterUtilisation: 0.9, limiterLearnt429Share: 0.02 },
    perN,
    chartAlone: { usPerRequest: chartAloneUsPerRequest, runs: chartAloneRuns },
    limiter: { configured, learnt },
    totalSeconds: (Date.now() - started) / 1000,
  };
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/bench.json', `${JSON.stringify(report, null, 2)}\n`);

  const header = ['N', 'interval', 'CPU/poll µs (base→jc, ×)', 'heap/job KB (base→jc, ×)', 'RSS/job KB (base→jc)', 'loop p99 ms (base→jc)', 'req/job (base→jc)', 'finish→outcome p50/p99 ms (base | jc)'];
  const lines = perN.map((r) => {
    const [b, j, x] = [r.baseline as Throughput & Memory, r.jobcharts as Throughput & Memory, r.ratio as Record<string, number>];
    return [
      String(r.n),
      `${j.intervalMs} ms`,
      `${fmt(b.cpuUsPerPoll, 0)} → ${fmt(j.cpuUsPerPoll, 0)} (${fmt(x.cpuPerPoll, 2)}×)`,
      `${fmt(b.heapPerJobKB)} → ${fmt(j.heapPerJobKB)} (${fmt(x.heapPerJob, 2)}×)`,
      `${fmt(b.rssPerJobKB)} → ${fmt(j.rssPerJobKB)}`,
      `${fmt(b.eventLoopP99Ms)} → ${fmt(j.eventLoopP99Ms)}`,
      `${fmt(b.requestsPerJob, 2)} → ${fmt(j.requestsPerJob, 2)}`,
      `${fmt(b.finishToOutcomeP50Ms, 0)}/${fmt(b.finishToOutcomeP99Ms, 0)} | ${fmt(j.finishToOutcomeP50Ms, 0)}/${fmt(j.finishToOutcomeP99Ms, 0)}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(row(header));
  for (const l of lines) console.log(row(l));
  console.log(`\nthe chart alone (Perceptis, answers from memory, no HTTP): ${fmt(chartAloneUsPerRequest, 0)} µs CPU per request`);
  console.log(
    `\nshared rate budget, ${configured.jobs} Perceptis jobs of one key, simulator allowing ${configured.limitPerSecond}/s per key:` +
      `\n  configured: ${configured.rateLimited} × 429 of ${configured.requests} requests, rate used ${fmt(configured.utilisation * 100)} %` +
      `\n  learnt:     ${learnt.rateLimited} × 429 of ${learnt.requests} requests (${fmt(learnt.rateLimitedShare * 100, 2)} %), rate used ${fmt(learnt.utilisation * 100)} %` +
      `\n\nreports/bench.json written (${fmt(report.totalSeconds, 0)} s; ${compiled ? 'compiled' : 'under tsx'})`,
  );
}

await main();
