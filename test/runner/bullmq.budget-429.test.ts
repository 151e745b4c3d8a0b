/**
 * The Redis rate budget after a 429: requests already granted a slot (sleeping until it) wait out a Retry-After that
 * came meanwhile, and the slower pace starts after the slots already granted, never over them.
 */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RedisRateBudget } from '../../src/bullmq/budget.js';
import { redisForThisFile } from '../support/redis.js';

const redis = redisForThisFile();
let client: Redis;
beforeEach(async () => {
  client = new Redis(redis().url);
  await client.flushall();
});
afterEach(async () => {
  await client.quit();
});

const job = { provider: 'perceptis', input: { baseUrl: 'http://127.0.0.1:9' } };

/** Gates of one step that holds its lock, on a budget of 10 requests per second. */
async function gates() {
  const budget = new RedisRateBudget(client, 'test', { perceptis: { requestsPerSecond: 10 } });
  await client.set('job:lock', 'token');
  const lost = () => {
    throw new Error('the lock is held: never lost here');
  };
  return () => budget.gateFor(job, { key: 'job:lock', jobKey: 'job', token: 'token' }, lost);
}

/** When each take resolves, in ms from `start`. */
function timed(takes: Promise<void>[], start: number): Promise<number[]> {
  return Promise.all(takes.map((take) => take.then(() => Date.now() - start)));
}

it('a Retry-After that comes while granted requests wait holds them too', async () => {
  const gate = await gates();
  const start = Date.now();
  const first = gate();
  await first.take(new AbortController().signal);
  // Four more are granted slots 100, 200, 300 and 400 ms ahead; then the first is answered 429, Retry-After 1 s.
  const waiting = timed([1, 2, 3, 4].map(() => gate().take(new AbortController().signal)), start);
  await new Promise((r) => setTimeout(r, 50));
  first.answered({ type: 'http.rateLimited', retryAfterMs: 1_000 }, start);
  for (const at of await waiting) expect(at).toBeGreaterThanOrEqual(1_000);
});

it('a 429 without Retry-After slows the pace after the slots already granted', async () => {
  const gate = await gates();
  const start = Date.now();
  const first = gate();
  await first.take(new AbortController().signal);
  const granted = timed([1, 2, 3, 4].map(() => gate().take(new AbortController().signal)), start);
  first.answered({ type: 'http.rateLimited' }, start);
  await new Promise((r) => setTimeout(r, 50));
  const [next] = await timed([gate().take(new AbortController().signal)], start);
  // The four granted slots end 400 ms ahead: the next request comes after them (then the slower pace applies).
  expect(next).toBeGreaterThan(Math.max(...(await granted)));
});
