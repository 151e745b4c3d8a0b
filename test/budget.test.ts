import { afterEach, describe, expect, it } from 'vitest';
import { createActor, waitFor, type SimulatedClock } from 'xstate';
import { perceptisJob, type PerceptisJobInput } from '../src/providers/perceptis/chart.js';
import { clearRateBudgets, rateBudgetStats, setRateLimit } from '../src/core/budget-registry.js';
import { RateBudget } from '../src/core/rate-budget.js';
import { settle } from '../src/core/outcome.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import type { Simulator } from '../src/simulator/server.js';
import { simulator } from './support/sim.js';
import { newClock, untilSettled } from './support/simulated-time.js';
import { sampleRequest } from './support/jobs.js';

const request = sampleRequest('perceptis');
/** Constant 1 s polls: the fastest Perceptis allows per job. */
const steady = { jitter: 0, pollIntervalMs: 1_000, pollGrowth: 1 };
const script = { steps: [{ status: 'processing' }, { status: 'processing' }, { status: 'processing' }, { status: 'completed' }] };

type Job = ReturnType<typeof startJob>;

function startJob(sim: Simulator, clock: SimulatedClock, options: PerceptisJobInput['options'] = {}, seen?: Set<string>) {
  sim.perceptis.scripts.push(script);
  const job = createActor(perceptisJob, {
    clock,
    input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request, options: { ...steady, ...options } },
  });
  if (seen) job.subscribe((s) => seen.add(JSON.stringify(s.value)));
  return job.start();
}

const isQueued = (s: ReturnType<Job['getSnapshot']>) => s.matches({ polling: { poller: { waitingForBudget: 'queued' } } } as never) || s.matches({ submitting: { waitingForBudget: 'queued' } } as never);
const paused = (s: ReturnType<Job['getSnapshot']>) => s.status !== 'active' || s.hasTag('waiting') || isQueued(s);

/**
 * Drives many jobs on one simulated clock: when every job is waiting (for a timer, or queued for a slot) or done,
 * the clock jumps to the earliest wake-up, or to the next job's start (`starts`: times at which `start()` is called).
 */
async function driveAll(clock: SimulatedClock, jobs: Job[], starts: { at: number; start: () => Job }[] = []) {
  const pending = [...starts].sort((a, b) => a.at - b.at);
  for (let step = 0; step < 20_000; step++) {
    while (pending.length && pending[0].at <= clock.now()) jobs.push(pending.shift()!.start());
    await Promise.all(jobs.map((job) => waitFor(job, paused, { timeout: 10_000 })));
    await new Promise((resolve) => setImmediate(resolve));
    const snapshots = jobs.map((job) => job.getSnapshot());
    if (!snapshots.every(paused)) continue;
    const wakes = snapshots.filter((s) => s.status === 'active' && s.hasTag('waiting')).map((s) => s.context.wakeAt!);
    if (pending.length) wakes.push(pending[0].at);
    if (wakes.length === 0) {
      if (snapshots.every((s) => s.status !== 'active')) return;
      throw new Error('every job is queued and none is waiting: a slot was lost');
    }
    clock.set(Math.max(clock.now(), Math.min(...wakes)));
  }
  throw new Error('still running');
}

function answers(sim: Simulator) {
  const all = sim.requests('perceptis');
  return { all, rateLimited: all.filter((r) => r.answer === 429).length };
}

afterEach(() => clearRateBudgets());

describe('shared rate budget, configured', () => {
  it('20 jobs of one key with requestsPerSecond: zero 429s from the per-key limit, the rate used to the full, on the simulated clock', async () => {
    const clock = newClock();
    const sim = await simulator(clock, { keyLimits: { perceptis: { requestsPerSecond: 5 } } });
    const seen = new Set<string>();
    const jobs = Array.from({ length: 20 }, () => startJob(sim, clock, { rateLimit: { requestsPerSecond: 5 } }, seen));
    await driveAll(clock, jobs);

    const outcomes = await Promise.all(jobs.map((job) => settle(job)));
    expect(outcomes.every((o) => o.status === 'succeeded')).toBe(true);
    const { all, rateLimited } = answers(sim);
    expect(rateLimited).toBe(0);
    expect(all).toHaveLength(20 * 5);
    // Strictly spaced on the simulated clock: one request every 200 ms for the key, never closer.
    const gaps = all.slice(1).map((r, i) => r.at - all[i].at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
    const seconds = (all[all.length - 1].at - all[0].at) / 1000;
    expect((all.length - 1) / seconds / 5).toBeGreaterThanOrEqual(0.9);
    // The wait is a state a subscriber sees.
    expect(seen).toContain(JSON.stringify({ submitting: { waitingForBudget: 'paced' } }));
    expect([...seen].some((v) => v.includes('"poller":{"waitingForBudget":"paced"}'))).toBe(true);
    expect(rateBudgetStats({ provider: 'perceptis', baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY })).toMatchObject({
      rateLimited: 0,
      inFlight: 0,
      queued: 0,
    });
  });

  it('maxConcurrent: requests wait `queued` for a free slot, and the key never has more in flight than allowed', async () => {
    const clock = newClock();
    const sim = await simulator(clock, { keyLimits: { perceptis: { maxConcurrent: 3, latencyMs: 15 } } });
    const seen = new Set<string>();
    const jobs = Array.from({ length: 12 }, () => startJob(sim, clock, { rateLimit: { maxConcurrent: 3 } }, seen));
    await driveAll(clock, jobs);
    expect((await Promise.all(jobs.map((job) => settle(job)))).every((o) => o.status === 'succeeded')).toBe(true);
    expect(answers(sim)).toMatchObject({ rateLimited: 0 });
    expect(answers(sim).all).toHaveLength(12 * 5);
    expect(seen).toContain(JSON.stringify({ submitting: { waitingForBudget: 'queued' } }));
  });

  it('a limit set once for the app (setRateLimit) applies to jobs that pass no option', async () => {
    const clock = newClock();
    const sim = await simulator(clock, { keyLimits: { perceptis: { requestsPerSecond: 4 } } });
    setRateLimit({ provider: 'perceptis', baseUrl: `${sim.url}/`, apiKey: PERCEPTIS_TEST_KEY }, { requestsPerSecond: 4 });
    const jobs = Array.from({ length: 10 }, () => startJob(sim, clock));
    await driveAll(clock, jobs);
    expect(answers(sim)).toMatchObject({ rateLimited: 0 });
    expect(answers(sim).all).toHaveLength(50);
  });

  it('a wait for the budget ends at the overall deadline: timedOut, not a request past it', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const start = clock.now();
    const jobs = Array.from({ length: 4 }, () => startJob(sim, clock, { rateLimit: { requestsPerSecond: 0.5 }, timeoutMs: 3_000 }));
    await driveAll(clock, jobs);
    const outcomes = await Promise.all(jobs.map((job) => settle(job)));
    expect(outcomes.filter((o) => o.status === 'timedOut').length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...sim.log.map((r) => r.at))).toBeLessThanOrEqual(start + 3_000);
  });
});

describe('shared rate budget, learnt from 429s', () => {
  it('60 jobs of one key, no limit configured, the provider allowing 5 per second: under 2% of requests answered 429', async () => {
    const clock = newClock();
    const sim = await simulator(clock, { keyLimits: { perceptis: { requestsPerSecond: 5 } } });
    const t0 = clock.now();
    const jobs: Job[] = [];
    // Jobs arrive over time, as an app starts them (10 per second: twice what the key allows).
    const starts = Array.from({ length: 60 }, (_, i) => ({ at: t0 + i * 100, start: () => startJob(sim, clock) }));
    await driveAll(clock, jobs, starts);
    expect((await Promise.all(jobs.map((job) => settle(job)))).every((o) => o.status === 'succeeded')).toBe(true);
    const { all, rateLimited } = answers(sim);
    expect(rateLimited).toBeGreaterThan(0);
    expect(rateLimited / all.length).toBeLessThan(0.02);
  });

  it('a job that never met a 429 never enters the budget state', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const job = startJob(sim, clock);
    const seen: string[] = [];
    job.subscribe((s) => seen.push(JSON.stringify(s.value)));
    await untilSettled(job, clock);
    expect((await settle(job)).status).toBe('succeeded');
    expect(seen.some((v) => v.includes('waitingForBudget'))).toBe(false);
  });

  it('slows every job of the key at once, once per round of 429s, recovers gradually and forgets after a quiet minute', () => {
    const budget = new RateBudget();
    budget.rateLimited(1_000, 990, 100);
    expect(budget.rate()).toBeCloseTo(85);
    // 429s for requests sent before the slow-down say nothing new.
    budget.rateLimited(1_010, 995, 100);
    expect(budget.rate()).toBeCloseTo(85);
    budget.rateLimited(1_020, 1_015, 100);
    const low = budget.rate();
    expect(low).toBeCloseTo(85 * 0.85);
    for (let i = 0; i < 50; i++) budget.reserve(2_000);
    expect(budget.rate()).toBeGreaterThan(low * 1.05);
    expect(budget.rate()).toBeLessThan(low * 1.1);
    expect(budget.isActive(50_000)).toBe(true);
    expect(budget.isActive(62_000)).toBe(false);
  });

  it('reserves strictly spaced moments, and a burst when allowed', () => {
    const budget = new RateBudget();
    budget.configure({ requestsPerSecond: 10 });
    expect([0, 0, 0].map(() => budget.reserve(1_000).at)).toEqual([1_000, 1_100, 1_200]);
    const bursty = new RateBudget();
    bursty.configure({ requestsPerSecond: 10, burst: 2 });
    expect([0, 0, 0].map(() => bursty.reserve(1_000).at)).toEqual([1_000, 1_000, 1_100]);
  });
});

describe('the simulator’s per-key limit', () => {
  it('answers 429 with Retry-After over the rate, per key, and is off unless set', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const get = (key: string) =>
      fetch(`${sim.url}/api/v1/status/00000000-0000-4000-8000-000000000000`, { headers: { authorization: `Bearer ${key}` } });
    expect((await Promise.all([1, 2, 3].map(() => get(PERCEPTIS_TEST_KEY)))).map((r) => r.status)).toEqual([404, 404, 404]);
    sim.keyLimits.set('perceptis', { requestsPerSecond: 2 });
    const limited = await Promise.all([1, 2, 3].map(() => get(PERCEPTIS_TEST_KEY)));
    expect(limited.map((r) => r.status).sort()).toEqual([404, 404, 429]);
    expect(limited.find((r) => r.status === 429)!.headers.get('retry-after')).toBe('1');
    expect((await get('sk-another-key')).status).toBe(401);
    clock.increment(500);
    expect((await get(PERCEPTIS_TEST_KEY)).status).toBe(404);
  });
});
