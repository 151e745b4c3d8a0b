/**
 * One rate budget per key across every worker, held in Redis: GCRA (the generic cell rate algorithm) reserved per
 * request in one Lua script, so N workers spend one limit together. The limit is configured (`rateLimits`), learnt
 * from 429s (a 429 slows the key by 15 % and no request goes before its Retry-After; each request let through
 * speeds it back up a little; a minute without 429 forgets it), or both (the slower wins).
 *
 * A budget is named by provider, base URL and the job's `keyRef` — never by the key.
 */
import type { Redis } from 'ioredis';
import type { RateLimit } from '../core/rate-budget.js';
import type { RequestGate } from '../core/start-input.js';
import type { StoredJob } from '../runner/stored-step.js';

/**
 * Reserve: the wait (ms) before this request may go, or -1 when the step no longer holds its job's BullMQ lock
 * (KEYS[2] is the lock, ARGV[4] the step's token): a worker that lost its job sends nothing more for it.
 * ARGV[5], when not empty, is the field of the job's hash (KEYS[3]) that marks a create on its way: set here only
 * when the request goes at once (no wait); after a wait, CONFIRM sets it as the request leaves.
 * State: tat (theoretical arrival time), the learnt interval, and the moment a Retry-After ends.
 */
const RESERVE = `
if redis.call('GET', KEYS[2]) ~= ARGV[4] then return -1 end
local wait = 0
local mark = function()
  if ARGV[5] ~= '' and wait == 0 then redis.call('HSET', KEYS[3], ARGV[5], '1') end
  return wait
end
local now = tonumber(ARGV[1])
local configured = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tat', 'learnt', 'last429', 'notBefore')
local tat = tonumber(state[1]) or 0
local learnt = tonumber(state[2])
local notBefore = tonumber(state[4]) or 0
if learnt and now - (tonumber(state[3]) or 0) > 60000 then
  learnt = nil
  redis.call('HDEL', KEYS[1], 'learnt', 'last429', 'decreasedAt')
end
local interval = configured
if learnt and learnt > interval then
  interval = learnt
  redis.call('HSET', KEYS[1], 'learnt', tostring(learnt * 0.9985))
end
if interval <= 0 and notBefore <= now then return mark() end
local tolerance = math.max(0, burst - 1) * interval
local at = math.max(now, tat - tolerance, notBefore)
redis.call('HSET', KEYS[1], 'tat', tostring(math.max(tat, at) + interval))
redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(tat, at) + interval - now) + 120000)
wait = math.ceil(at - now)
return mark()
`;

/**
 * Confirm, right before a request that waited leaves: -1 when the step no longer holds the lock (KEYS[1], ARGV[1]);
 * the ms still to wait when a 429 came meanwhile and its Retry-After (KEYS[3]'s notBefore) is not over at ARGV[3]
 * (the request then reserves again); else 0, marking a create (ARGV[2]) as RESERVE does.
 */
const CONFIRM = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local notBefore = tonumber(redis.call('HGET', KEYS[3], 'notBefore')) or 0
local now = tonumber(ARGV[3])
if notBefore > now then return math.ceil(notBefore - now) end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], ARGV[2], '1') end
return 0
`;

/** A 429 for a request sent at ARGV[2]: slow down once per round, and nothing before Retry-After. */
const RATE_LIMITED = `
local now = tonumber(ARGV[1])
local sentAt = tonumber(ARGV[2])
local configured = tonumber(ARGV[3])
local retryAfter = tonumber(ARGV[4])
local accepted = tonumber(ARGV[5])
local state = redis.call('HMGET', KEYS[1], 'learnt', 'decreasedAt', 'notBefore', 'tat')
local learnt = tonumber(state[1])
local decreasedAt = tonumber(state[2]) or 0
redis.call('HSET', KEYS[1], 'last429', tostring(now))
if retryAfter > 0 then
  redis.call('HSET', KEYS[1], 'notBefore', tostring(math.max(tonumber(state[3]) or 0, now + retryAfter)))
end
if learnt and sentAt <= decreasedAt then return 0 end
local current = math.max(configured, learnt or 0, accepted)
-- The slots already granted stay granted: the slower pace starts after them (tat never moves back).
redis.call('HSET', KEYS[1], 'learnt', tostring(math.min(current / 0.85, 1000)), 'decreasedAt', tostring(now), 'tat', tostring(math.max(tonumber(state[4]) or 0, now)))
redis.call('PEXPIRE', KEYS[1], 180000)
return 1
`;

/**
 * Past this much time since the gate asked Redis (a slow answer, or this process was frozen meanwhile), the lock is
 * confirmed again before the request leaves.
 */
const LOCK_RECHECK_MS = 50;

interface BudgetCommands {
  jobchartsReserve(key: string, lockKey: string, jobKey: string, now: number, interval: number, burst: number, token: string, mark: string): Promise<number>;
  jobchartsConfirm(lockKey: string, jobKey: string, budgetKey: string, token: string, mark: string, now: number): Promise<number>;
  jobchartsRateLimited(key: string, now: number, sentAt: number, interval: number, retryAfterMs: number, acceptedInterval: number): Promise<number>;
}

export class RedisRateBudget {
  private readonly redis: Redis & BudgetCommands;
  /** Requests let through, and how many had to wait (for benchmarks). */
  readonly stats = { granted: 0, waited: 0, rateLimited: 0 };

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly limits: Partial<Record<string, RateLimit>>,
  ) {
    redis.defineCommand('jobchartsReserve', { numberOfKeys: 3, lua: RESERVE });
    redis.defineCommand('jobchartsRateLimited', { numberOfKeys: 1, lua: RATE_LIMITED });
    redis.defineCommand('jobchartsConfirm', { numberOfKeys: 3, lua: CONFIRM });
    this.redis = redis as Redis & BudgetCommands;
  }

  /**
   * The gate a job's requests pass (see `RequestGate` in core/start-input.ts), while the step holds `lock`
   * (the BullMQ job's lock key and the step's token); `lost` is called when it no longer does. `mark`: the field
   * of the job's hash (`lock.jobKey`) set, in the same script, as a create that must not be sent twice leaves ('':
   * none, e.g. once the create was answered).
   */
  gateFor(
    job: Pick<StoredJob, 'provider' | 'input' | 'keyRef'>,
    lock: { key: string; jobKey: string; token: string },
    lost: () => void,
    mark: () => string = () => '',
  ): RequestGate {
    const key = `${this.prefix}:budget:${job.provider}|${job.input.baseUrl}|${job.keyRef ?? ''}`;
    const limit = this.limits[job.provider];
    const interval = limit?.requestsPerSecond ? 1000 / limit.requestsPerSecond : 0;
    const burst = limit?.burst ?? 1;
    return {
      take: async (signal) => {
        // A step that lost its job sends nothing more: `lost` cancels the job in memory, but a create without an
        // idempotency key waits for its answer when cancelled, so the request itself must be refused here.
        const lockLost = () => {
          lost();
          throw new Error('this worker no longer holds the job: the request is not sent');
        };
        for (;;) {
          const askedAt = Date.now();
          const wait = await this.redis.jobchartsReserve(key, lock.key, lock.jobKey, askedAt, interval, burst, lock.token, mark());
          if (wait < 0) return lockLost();
          this.stats.granted += 1;
          if (wait > 0) {
            this.stats.waited += 1;
            await abortableSleep(wait, signal);
            if (signal.aborted) return;
          }
          // After a wait, or long after Redis was asked (this process was frozen): confirm the lock (and mark a
          // create) as the request leaves, so that a worker cut off while waiting has sent nothing and marked
          // nothing; a Retry-After that came meanwhile is waited out, and the request reserves again.
          if (wait === 0 && Date.now() - askedAt <= LOCK_RECHECK_MS) return;
          const confirmed = await this.redis.jobchartsConfirm(lock.key, lock.jobKey, key, lock.token, mark(), Date.now());
          if (confirmed < 0) return lockLost();
          if (confirmed === 0) return;
          await abortableSleep(confirmed, signal);
          if (signal.aborted) return;
        }
      },
      answered: (answer, sentAt) => {
        if (answer.type !== 'http.rateLimited') return;
        this.stats.rateLimited += 1;
        // Best effort: a budget that could not learn is no reason to lose the step.
        void this.redis.jobchartsRateLimited(key, Date.now(), sentAt, interval, answer.retryAfterMs ?? 0, 0).catch(() => undefined);
      },
    };
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
