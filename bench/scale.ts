/**
 * `npm run bench:scale`: the runners under crashes and at scale, against the simulated providers on loopback and a
 * Redis of its own. Prints the figures and writes reports/scale.json. Sizes are modest (SCALE_JOBS, default 200):
 * the machine it was written on had 2 shared cores.
 *
 *  1. chaos: SCALE_JOBS jobs (Perceptis, and Cata jobs whose question is answered from this process) on 3 bullmq
 *     worker processes, one killed with kill -9 every 2 s (and replaced), one frozen with SIGSTOP for 3 s then
 *     resumed: wrong or missing outcomes, duplicate creates, requests after a job's end, answers applied.
 *  2. throughput: steps per second and worker CPU per step with 1, 2 and 3 workers; Redis commands per step.
 *  3. budget: 3 workers under a simulated limit of 30 req/s per key, with the runner's budget set to it: 429s, rate.
 *  4. local: the chaos workload on localRunner, its one process killed with kill -9 and restarted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { bullmqRunner } from '../src/bullmq/runner.js';
import { localRunner } from '../src/runner/local.js';
import type { JobOutcome } from '../src/core/outcome.js';
import type { Runner, RunnerConfig } from '../src/runner/types.js';
import { CATA_TEST_KEY } from '../src/providers/cata/simulator.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { startSimulator, type Simulator } from '../src/simulator/server.js';
import { startRedis } from '../test/support/redis-server.js';

const JOBS = Number(process.env.SCALE_JOBS ?? 200);
/** Which parts to run (comma-separated; default all): chaos, throughput, budget, local. */
const PARTS = new Set((process.env.SCALE_PARTS ?? 'chaos,throughput,budget,local').split(','));
/** Seeds the kill schedule (when each kill -9 falls, around every 2 s), so that two runs can be compared. */
const SEED = Number(process.env.SCALE_SEED ?? 1);
const POLLS = 8;
const options = { pollIntervalMs: 100, pollGrowth: 1, minDelayMs: 0, jitter: 0.1 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: a small seeded generator, for a kill schedule that repeats from run to run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const workerBundle = join('node_modules', '.cache', 'jobcharts-bench', 'scale-worker.mjs');
await build({ entryPoints: ['bench/scale-worker.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: workerBundle, logLevel: 'warning' });

const children = new Set<ChildProcess>();
function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  // Plain node (not tsx's loader, which fork would pass on): a worker replacing a killed one starts in ~100 ms.
  const child = fork(workerBundle, { env: { ...process.env, NODE_NO_WARNINGS: '1', ...env }, execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal})`)));
  });
}
const killHard = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
/** A worker's CPU time (ms) and the Redis round trips it made so far. */
const statsOf = (child: ChildProcess) =>
  new Promise<{ cpuMs: number; roundTrips: number }>((resolve) => {
    child.once('message', (m: { cpu: { user: number; system: number }; roundTrips: number }) =>
      resolve({ cpuMs: (m.cpu.user + m.cpu.system) / 1000, roundTrips: m.roundTrips }),
    );
    child.send('stats');
  });

const redis = await startRedis();
// Whatever happens, no worker or Redis of this run is left behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
const client = new Redis(redis.port, '127.0.0.1');
const report: Record<string, unknown> = { jobs: JOBS, pollsPerJob: POLLS, redis: 'redis-server 7, appendonly yes, appendfsync everysec, save ""' };

interface Workload {
  ids: string[];
  perceptis: number;
  cata: string[];
}

/** Submits the workload: 9 in 10 jobs Perceptis, 1 in 10 Cata with one question (answered when asked). */
async function submitAll(runner: Runner, sim: Simulator): Promise<Workload> {
  const work: Workload = { ids: [], perceptis: 0, cata: [] };
  for (let i = 0; i < JOBS; i++) {
    if (i % 10 === 9) {
      sim.cata.scripts.push({ steps: [{ status: 'pending' }, { status: 'needs_clarification', question: `q${i}` }, ...Array(POLLS - 2).fill({ status: 'pending' }), { status: 'completed', resultScriptId: i }] });
      const id = await runner.submit('cata', { baseUrl: sim.url, request: { provider: `grabfood-${i}`, topic: 'list_remote_outlets' }, options });
      work.cata.push(id);
      work.ids.push(id);
      runner.watch(id, (view) => {
        if (view.needsInput && view.question) runner.send(id, { type: 'ANSWER', text: `answer ${view.question}` }).catch((e) => console.error(e));
      });
    } else {
      sim.perceptis.scripts.push({ steps: [...Array(POLLS).fill({ status: 'processing' }), { status: 'completed' }] } as never);
      work.ids.push(await runner.submit('perceptis', { baseUrl: sim.url, request: { prompt: `deck ${i}`, output_type: 'single_slide' }, options }));
      work.perceptis += 1;
    }
  }
  return work;
}

/** Checks the outcomes a crash run ended with, and what the provider saw. */
async function verdict(runner: Runner, sim: Simulator, work: Workload) {
  const endedAt = new Map<unknown, number>();
  const outcomes = await Promise.all(
    work.ids.map(async (id) => {
      const outcome = (await runner.outcome(id)) as JobOutcome<unknown, unknown>;
      if (outcome.jobId !== undefined) endedAt.set(outcome.jobId, Date.now());
      return outcome;
    }),
  );
  await sleep(1_000);
  const cataCutOff = outcomes.filter((o, i) => work.cata.includes(work.ids[i]) && o.status === 'rejected').length;
  const after = sim.log.filter((r) => r.jobId !== undefined && endedAt.has(r.jobId) && r.at > endedAt.get(r.jobId)! + 50);
  // Every /respond Cata received counts, refused ones included: one per question answered.
  const received = new Map<number, number>();
  for (const a of sim.cata.answersReceived) received.set(a.jobId, (received.get(a.jobId) ?? 0) + 1);
  return {
    wrongOrMissingOutcomes: outcomes.filter((o, i) => o.status !== 'succeeded' && !(work.cata.includes(work.ids[i]) && o.status === 'rejected')).length,
    cataJobs: work.cata.length,
    cataEndedUnconfirmed: cataCutOff,
    // Of those, the ones whose create never reached the provider (the mark is set one Redis round trip before it leaves).
    cataUnconfirmedNeverCreated: work.cata.length - sim.requests('cata').filter((r) => r.path.endsWith('/generate')).length,
    duplicateCreates: sim.perceptis.jobCount - work.perceptis + Math.max(0, sim.requests('cata').filter((r) => r.path.endsWith('/generate')).length - work.cata.length),
    requestsAfterEnd: after.length,
    requestsAfterEndThatChangeAJob: after.filter((r) => r.method !== 'GET').length,
    answersAppliedOnce: [...received.values()].every((n) => n === 1) && received.size === work.cata.length - cataCutOff,
    answersReceived: sim.cata.answersReceived.length,
  };
}

function runnerConfig(sim: Simulator, extra: Partial<RunnerConfig> = {}): RunnerConfig {
  return { apiKeys: { perceptis: PERCEPTIS_TEST_KEY, cata: CATA_TEST_KEY }, baseUrls: { perceptis: [sim.url], cata: [sim.url] }, ...extra };
}

function workerEnv(sim: Simulator, extra: Record<string, string>): Record<string, string> {
  return { SIM_URL: sim.url, PERCEPTIS_KEY: PERCEPTIS_TEST_KEY, CATA_KEY: CATA_TEST_KEY, REDIS_URL: redis.url, ...extra };
}

async function chaos() {
  const sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 } });
  const runner = bullmqRunner({ ...runnerConfig(sim), connection: redis.url, prefix: 'chaos' });
  const work = await submitAll(runner, sim);
  const env = workerEnv(sim, { PREFIX: 'chaos' });
  const workers = await Promise.all([0, 1, 2].map(() => startWorker(env)));
  const started = Date.now();
  let done = false;
  const result = verdict(runner, sim, work).finally(() => (done = true));
  let kills = 0;
  const killTimes: number[] = [];
  let frozen: ChildProcess | undefined;
  const random = seeded(SEED);
  while (!done) {
    await sleep(1_500 + random() * 1_000);
    if (done) break;
    if (!frozen) {
      frozen = workers[workers.length - 1];
      frozen.kill('SIGSTOP');
      if (process.env.SCALE_DEBUG) console.log('SIGSTOP at', Date.now() - started);
      setTimeout(() => frozen!.kill('SIGCONT'), 7_000);
    }
    const victim = workers.shift()!;
    if (victim === frozen) {
      workers.push(victim);
      continue;
    }
    await killHard(victim);
    killTimes.push(Date.now());
    kills += 1;
    workers.push(await startWorker(env));
  }
  const figures = { ...(await result), kills, sigstop: 1, seed: SEED, seconds: (Date.now() - started) / 1000 };
  if (process.env.SCALE_DEBUG) {
    const creates = sim.log.filter((r) => r.provider === 'cata' && r.path.endsWith('/generate'));
    const outcomes = await Promise.all(work.cata.map((id) => runner.outcome(id)));
    const known = new Set(outcomes.map((o) => o.jobId));
    console.log('kills at', killTimes.map((t) => t - started));
    console.log('cata creates', creates.map((r) => ({ at: r.at - started, answer: r.answer, jobId: r.jobId, fault: r.fault, orphan: !known.has(r.jobId) })).filter((c) => c.orphan || c.answer !== 200));
    const jobs = (sim.cata as unknown as { jobs: Map<unknown, { provider: string }> }).jobs;
    const byProvider = new Map<string, number[]>();
    for (const r of creates) byProvider.set(jobs.get(r.jobId)!.provider, [...(byProvider.get(jobs.get(r.jobId)!.provider) ?? []), r.at - started]);
    console.log('created twice', [...byProvider].filter(([, at]) => at.length > 1));
    console.log('orphans polled', creates.filter((r) => !known.has(r.jobId)).map((r) => sim.requests('cata', r.jobId!).map((q) => `${q.at - started} ${q.method} ${q.path.split('/').pop()} ${q.answer}`)));
  }
  await Promise.all([...children].map(killHard));
  await runner.close();
  await sim.close();
  return figures;
}

async function throughput(workerCount: number) {
  const sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 } });
  const prefix = `speed${workerCount}`;
  const runner = bullmqRunner({ ...runnerConfig(sim), connection: redis.url, prefix });
  const work = await submitAll(runner, sim);
  const commandsBefore = await commandsProcessed();
  const workers = await Promise.all(Array.from({ length: workerCount }, () => startWorker(workerEnv(sim, { PREFIX: prefix }))));
  const before = await Promise.all(workers.map(statsOf));
  const started = Date.now();
  await Promise.all(work.ids.map((id) => runner.outcome(id)));
  const seconds = (Date.now() - started) / 1000;
  const after = await Promise.all(workers.map(statsOf));
  const cpu = after.reduce((sum, s, i) => sum + s.cpuMs - before[i].cpuMs, 0);
  const roundTrips = after.reduce((sum, s, i) => sum + s.roundTrips - before[i].roundTrips, 0);
  const commands = (await commandsProcessed()) - commandsBefore;
  // One status request per step (a first step also creates; an answer step also responds): steps ≈ status requests.
  const steps = sim.log.filter((r) => r.method === 'GET').length;
  await Promise.all(workers.map(killHard));
  await runner.close();
  await sim.close();
  return {
    workers: workerCount,
    steps,
    seconds,
    stepsPerSecond: round(steps / seconds),
    workerCpuMsPerStep: round(cpu / steps, 2),
    redisRoundTripsPerStep: round(roundTrips / steps, 1),
    redisCommandsPerStep: round(commands / steps, 1),
  };
}

async function commandsProcessed(): Promise<number> {
  const info = await client.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)![1]);
}

/**
 * What a loaded machine does to processes now and then, played on purpose. `workers`: each worker in turn gets no CPU
 * for 400 ms (SIGSTOP, then SIGCONT), twice a second; its requests leave late, bunched with the others' on-time
 * ones. `provider`: the simulator's process (this one) is blocked for 1.5 s every 4 s; the requests that arrive
 * meanwhile are read at once when it wakes, as a provider's limiter would count a burst the network delivered.
 */
type Stalls = 'none' | 'workers' | 'provider';

async function budget(stalls: Stalls) {
  const limit = 30;
  const sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 }, keyLimits: { perceptis: { requestsPerSecond: limit } } });
  const runner = bullmqRunner({ ...runnerConfig(sim), connection: redis.url, prefix: 'budget' });
  const ids: string[] = [];
  for (let i = 0; i < 60; i++) {
    sim.perceptis.scripts.push({ steps: [...Array(10).fill({ status: 'processing' }), { status: 'completed' }] } as never);
    ids.push(await runner.submit('perceptis', { baseUrl: sim.url, request: { prompt: `deck ${i}`, output_type: 'single_slide' }, options: { ...options, pollIntervalMs: 20 } }));
  }
  const workers = await Promise.all([0, 1, 2].map(() => startWorker(workerEnv(sim, { PREFIX: 'budget', RATE: String(limit) }))));
  let turn = 0;
  const stallWorker = () => {
    const worker = workers[turn++ % workers.length];
    worker.kill('SIGSTOP');
    setTimeout(() => worker.kill('SIGCONT'), 400);
  };
  const stallProvider = () => {
    const until = Date.now() + 1_500;
    while (Date.now() < until);
  };
  const stalling = stalls === 'none' ? undefined : setInterval(stalls === 'workers' ? stallWorker : stallProvider, stalls === 'workers' ? 500 : 4_000);
  await Promise.all(ids.map((id) => runner.outcome(id)));
  clearInterval(stalling);
  await sleep(500);
  const requests = sim.requests('perceptis');
  const seconds = (requests.at(-1)!.at - requests[0].at) / 1000;
  await Promise.all(workers.map(killHard));
  await runner.close();
  await sim.close();
  const rate = requests.length / seconds;
  const rateLimited = requests.filter((r) => r.answer === 429).length;
  return { stalls, limitPerSecond: limit, requests: requests.length, rateLimited, ratePerSecond: round(rate, 1), shareOfLimit: round(rate / limit, 3) };
}

async function local() {
  const sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 } });
  const dir = mkdtempSync(join(tmpdir(), 'jobcharts-scale-'));
  const file = join(dir, 'jobs.db');
  const runner = localRunner({ ...runnerConfig(sim), file, pollMs: 50 });
  const work = await submitAll(runner, sim);
  const env = workerEnv(sim, { MODE: 'local', JOBS_FILE: file });
  const started = Date.now();
  const first = await startWorker(env);
  const result = verdict(runner, sim, work);
  await sleep(2_000);
  await killHard(first);
  await startWorker(env);
  const figures = { ...(await result), kills: 1, seconds: (Date.now() - started) / 1000 };
  await Promise.all([...children].map(killHard));
  await runner.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  return figures;
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

try {
  report.load = `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores at the start (a shared machine)`;
  if (PARTS.has('chaos')) {
    report.chaos = await chaos();
    console.log('chaos (bullmq, 3 workers, kill -9 about every 2 s, one SIGSTOP 7 s, past its 5 s lock):', report.chaos);
  }
  if (PARTS.has('throughput')) {
    report.throughput = [];
    for (const n of [1, 2, 3]) {
      const figures = await throughput(n);
      (report.throughput as unknown[]).push(figures);
      console.log(`throughput with ${n} worker(s):`, figures);
    }
  }
  if (PARTS.has('budget')) {
    report.budget = [await budget('none'), await budget('workers'), await budget('provider')];
    console.log('budget (3 workers, 30 req/s; then with workers stalled in turn):', report.budget);
  }
  if (PARTS.has('local')) {
    report.local = await local();
    console.log('localRunner (kill -9 of its process, then a new one):', report.local);
  }
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/scale.json', JSON.stringify(report, null, 2) + '\n');
  console.log('written reports/scale.json');
} finally {
  await Promise.all([...children].map(killHard));
  await client.quit();
  await redis.stop();
}
