/**
 * One rate budget shared by every job that calls the same provider, at the same base URL, with the same key:
 * a thousand jobs of one key spend one rate limit together instead of each polling as if alone.
 *
 * - Configured (`options.rateLimit`, or {@link setRateLimit} once for the app): requests per second (strict
 *   spacing, optional burst) and concurrent requests. Jobs wait their turn in the chart's `waitingForBudget`.
 * - Learnt: no limit configured, but the provider answered 429. The key's rate drops to a share of what the
 *   provider was accepting (every job of the key slows at once), then grows back a little with every request (AIMD);
 *   after a minute without 429 the budget is forgotten.
 * - Neither: no budget exists, and jobs never enter `waitingForBudget`.
 *
 * Budgets are keyed by an HMAC of provider, base URL and key under a secret of this process: the registry never
 * holds a key, and its ids mean nothing outside the process. Time is always the caller's clock (the actor
 * system's: `SimulatedClock` in tests), passed in as `now`.
 */
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import { randomBytes, toHex } from './random.js';
import { fromCallback, type AnyActorRef, type EventObject } from 'xstate';
import { startInputOf } from './start-input.js';
import { parentOf } from './xstate-internals.js';
import { trimBaseUrl } from './url.js';
import { clockNow, clockOf } from './clock.js';

/** A provider's limit per key. */
export interface RateLimit {
  /** Requests per second for all jobs of the key together. */
  requestsPerSecond?: number;
  /** Requests of the key in flight at once (e.g. Depicta: 10). */
  maxConcurrent?: number;
  /** Requests that may go at once before the spacing applies (default 1: strictly spaced). */
  burst?: number;
}

/** Where a job's requests go: what a budget is shared by (with the key, which is read from the running job). */
export interface BudgetTarget {
  provider: string;
  baseUrl: string;
}

/** A learnt rate starts at this share of the rate the provider was accepting when it answered 429… */
const DECREASE = 0.85;
/**
 * …grows back by this share of itself with every request let through (counted in requests, not seconds, so a
 * round from one slow-down to the next takes about the same number of requests whatever the provider's limit)…
 */
const RECOVERY_PER_REQUEST = 0.0015;
/** …is never below this… */
const MIN_LEARNT_RATE = 1;
/** …and is forgotten after this long without a 429. */
const FORGET_AFTER_MS = 60_000;
/** Time constant of the accepted-rate estimate. */
const RATE_WINDOW_MS = 1_000;

/** Requests a provider accepted recently, as a decaying count: O(1) per answer, no history kept. */
class RateMeter {
  private count = 0;
  private at = 0;

  add(now: number): void {
    this.decay(now);
    this.count += 1;
  }

  /** Requests per second, over about the last {@link RATE_WINDOW_MS}. */
  perSecond(now: number): number {
    this.decay(now);
    return (this.count * 1000) / RATE_WINDOW_MS;
  }

  private decay(now: number): void {
    if (now > this.at) this.count *= Math.exp(-(now - this.at) / RATE_WINDOW_MS);
    this.at = Math.max(this.at, now);
  }
}

/** What a budget did so far (for benchmarks and people watching). */
export interface BudgetStats {
  /** Requests let through. */
  granted: number;
  /** Of those, how many had to wait (for a slot or for their moment). */
  waited: number;
  /** 429 answers seen for the key. */
  rateLimited: number;
  /** The rate in force now (requests per second), `Infinity` when none. */
  rate: number;
  inFlight: number;
  queued: number;
}

/** The shared budget of one key. */
export class RateBudget {
  private configured: RateLimit = {};
  private configuredFrom: RateLimit | undefined;
  private learnt: { rate: number; last429At: number; decreasedAt: number } | null = null;
  /** GCRA's theoretical arrival time: the next request conforms at `tat - tolerance`. */
  private tat = -Infinity;
  /** Bumped when the rate drops: moments reserved at the old rate must be reserved again. */
  epoch = 0;
  private readonly inFlight = new Set<object>();
  private readonly queue = new Map<object, () => void>();
  readonly stats = { granted: 0, waited: 0, rateLimited: 0 };

  configure(limit: RateLimit): void {
    if (limit === this.configuredFrom) return;
    this.configuredFrom = limit;
    this.configured = { ...limit };
  }

  /** Whether this budget still limits anything (a learnt budget is forgotten after a quiet minute). */
  isActive(now: number): boolean {
    if (this.learnt && now - this.learnt.last429At > FORGET_AFTER_MS) this.learnt = null;
    return this.learnt !== null || this.configured.requestsPerSecond !== undefined || this.configured.maxConcurrent !== undefined;
  }

  /** Requests per second in force now: the configured one, lowered by what was learnt from 429s. */
  rate(): number {
    const configured = this.configured.requestsPerSecond ?? Infinity;
    return this.learnt ? Math.min(configured, this.learnt.rate) : configured;
  }

  /** Takes a concurrent slot for `holder` if one is free. */
  takeSlot(holder: object): boolean {
    if (this.inFlight.has(holder)) return true;
    const max = this.configured.maxConcurrent ?? Infinity;
    if (this.inFlight.size >= max) return false;
    this.inFlight.add(holder);
    return true;
  }

  /** Calls `onSlot` (with the slot taken) when a slot frees up; first come, first served. */
  enqueue(holder: object, onSlot: () => void): void {
    this.queue.set(holder, onSlot);
  }

  dequeue(holder: object): void {
    this.queue.delete(holder);
  }

  /** The request of `holder` has ended: its slot goes to the next in line. Safe to call twice. */
  release(holder: object): void {
    if (!this.inFlight.delete(holder)) return;
    this.grantQueued();
  }

  private grantQueued(): void {
    const max = this.configured.maxConcurrent ?? Infinity;
    for (const [holder, onSlot] of this.queue) {
      if (this.inFlight.size >= max) return;
      this.queue.delete(holder);
      this.inFlight.add(holder);
      onSlot();
    }
  }

  /**
   * Reserves the next moment the rate allows a request (GCRA: strictly spaced, `burst` at once at most).
   * Returns it (`now` when it may go at once) with the epoch it was reserved in.
   */
  reserve(now: number): { at: number; epoch: number } {
    const rate = this.rate();
    this.stats.granted += 1;
    if (this.learnt) this.learnt.rate *= 1 + RECOVERY_PER_REQUEST;
    if (!Number.isFinite(rate)) return { at: now, epoch: this.epoch };
    const interval = 1000 / rate;
    const tolerance = (Math.max(1, this.configured.burst ?? 1) - 1) * interval;
    const at = Math.max(now, this.tat - tolerance);
    this.tat = Math.max(this.tat, now) + interval;
    if (at > now) this.stats.waited += 1;
    return { at, epoch: this.epoch };
  }

  /**
   * A request that did not wait for the budget (a chart's own request outside the builders' states) still
   * spends it: it takes its slot and its moment without waiting.
   */
  admit(holder: object, now: number): void {
    if (this.inFlight.has(holder)) return;
    this.inFlight.add(holder);
    this.reserve(now);
  }

  /**
   * The provider answered 429 to a request sent at `sentAt`. The key slows down once per round: 429s for
   * requests sent before the last decrease say nothing new. `acceptedRate`: what the provider was accepting.
   */
  rateLimited(now: number, sentAt: number, acceptedRate: number): void {
    this.stats.rateLimited += 1;
    if (this.learnt && sentAt <= this.learnt.decreasedAt) {
      this.learnt.last429At = now;
      return;
    }
    const current = this.rate();
    const rate = Math.max(MIN_LEARNT_RATE, DECREASE * Math.min(current, Math.max(acceptedRate, MIN_LEARNT_RATE)));
    this.learnt = { rate, last429At: now, decreasedAt: now };
    this.epoch += 1;
    this.tat = now;
  }

  snapshot(): BudgetStats {
    return { ...this.stats, rate: this.rate(), inFlight: this.inFlight.size, queued: this.queue.size };
  }
}

/** Budgets and accepted-rate meters of one provider at one base URL. */
interface Origin {
  budgets: Map<string, RateBudget>;
  accepted: RateMeter;
}

const secret = randomBytes(32);
const origins = new Map<string, Map<string, Origin>>();


function originOf(provider: string, baseUrl: string): Origin {
  let byUrl = origins.get(provider);
  if (!byUrl) origins.set(provider, (byUrl = new Map()));
  let origin = byUrl.get(baseUrl);
  if (!origin) byUrl.set(baseUrl, (origin = { budgets: new Map(), accepted: new RateMeter() }));
  return origin;
}

function budgetId(provider: string, baseUrl: string, apiKey: string): string {
  // Synchronous HMAC (Web Crypto's is async): the id is needed in the same tick as the request it admits.
  return toHex(hmac(sha256, secret, new TextEncoder().encode(`${provider}\n${baseUrl}\n${apiKey}`)));
}

function budgetOf(origin: Origin, id: string, create: boolean): RateBudget | undefined {
  let budget = origin.budgets.get(id);
  if (!budget && create) origin.budgets.set(id, (budget = new RateBudget()));
  return budget;
}

/** Sets the rate limit of one key for every job of the app (until changed; `null` removes it). */
export function setRateLimit(target: BudgetTarget & { apiKey?: string }, limit: RateLimit | null): void {
  const baseUrl = trimBaseUrl(target.baseUrl);
  const origin = originOf(target.provider, baseUrl);
  const id = budgetId(target.provider, baseUrl, target.apiKey ?? '');
  if (limit === null) origin.budgets.delete(id);
  else budgetOf(origin, id, true)!.configure(limit);
}

/** What the budget of one key did so far; `undefined` when the key has none. */
export function rateBudgetStats(target: BudgetTarget & { apiKey?: string }): BudgetStats | undefined {
  const baseUrl = trimBaseUrl(target.baseUrl);
  const budget = origins.get(target.provider)?.get(baseUrl)?.budgets.get(budgetId(target.provider, baseUrl, target.apiKey ?? ''));
  return budget?.snapshot();
}

/** Forgets every budget and meter (tests, benchmarks). */
export function clearRateBudgets(): void {
  origins.clear();
}

/** What the budget code reads of a job's context: where it sends requests, and its own limit if any. */
export interface BudgetedContext extends BudgetTarget {
  options: { rateLimit?: RateLimit };
  deadlineAt: number | null;
}

/**
 * Whether a job must pass `waitingForBudget` before its next request: it has a limit of its own, or its
 * provider and base URL have a budget (configured or learnt). Otherwise the job goes straight to `requesting`.
 */
export function needsBudget(context: BudgetedContext): boolean {
  if (context.options.rateLimit !== undefined) return true;
  const origin = origins.get(context.provider)?.get(context.baseUrl);
  return origin !== undefined && origin.budgets.size > 0;
}

const jobIds = new WeakMap<object, string>();

function jobBudgetId(job: AnyActorRef, context: BudgetTarget): string {
  let id = jobIds.get(job);
  if (id === undefined) {
    const apiKey = startInputOf(job).apiKey;
    jobIds.set(job, (id = budgetId(context.provider, context.baseUrl, typeof apiKey === 'string' ? apiKey : '')));
  }
  return id;
}

/** The budget a job's requests spend, creating it from the job's own `options.rateLimit`; a stale learnt one is forgotten. */
function jobBudget(job: AnyActorRef, context: BudgetedContext, now: number): RateBudget | undefined {
  const own = context.options.rateLimit;
  const existing = origins.get(context.provider)?.get(context.baseUrl);
  if (!own && !existing?.budgets.size) return undefined;
  const origin = existing ?? originOf(context.provider, context.baseUrl);
  const id = jobBudgetId(job, context);
  const budget = budgetOf(origin, id, own !== undefined);
  if (!budget) return undefined;
  if (own) budget.configure(own);
  if (budget.isActive(now)) return budget;
  origin.budgets.delete(id);
  return undefined;
}

/** Events the budget actor sends its job. */
export type BudgetEvent =
  | { type: 'budget.queued' }
  | { type: 'budget.paced'; until: number; at: number }
  | { type: 'budget.granted'; at: number };


/**
 * Invoked by `waitingForBudget`: takes a concurrent slot (queued until one is free), then reserves the next moment
 * the rate allows and waits for it on the actor system's clock. If the rate drops meanwhile, it reserves again.
 * The slot passes to the request that follows; if the job goes anywhere else (a `CANCEL`, or the job's
 * `input.signal` aborted), it is given back. Without a budget the actor grants at once.
 */
export const budgetActor = fromCallback<EventObject, { context: BudgetedContext }>(({ input, self, system, sendBack }) => {
  // Budget actors are always invoked by a job.
  const job = parentOf(self)!;
  const { context } = input;
  const budget = jobBudget(job, context, clockNow(system));
  if (!budget) {
    sendBack({ type: 'budget.granted', at: clockNow(system) } satisfies BudgetEvent);
    return;
  }
  const clock = clockOf(system);
  let handle: unknown;
  let holding = false;
  let stopped = false;
  const pace = () => {
    handle = undefined;
    if (stopped) return;
    const now = clockNow(system);
    const { at, epoch } = budget.reserve(now);
    const fireAt = context.deadlineAt === null ? at : Math.min(at, context.deadlineAt);
    if (fireAt <= now) {
      sendBack({ type: 'budget.granted', at: now } satisfies BudgetEvent);
      return;
    }
    sendBack({ type: 'budget.paced', until: fireAt, at: now } satisfies BudgetEvent);
    handle = clock.setTimeout(() => {
      handle = undefined;
      if (stopped) return;
      if (budget.epoch !== epoch && fireAt === at) pace();
      else sendBack({ type: 'budget.granted', at: clockNow(system) } satisfies BudgetEvent);
    }, fireAt - now);
  };
  if (budget.takeSlot(job)) {
    holding = true;
    pace();
  } else {
    sendBack({ type: 'budget.queued' } satisfies BudgetEvent);
    budget.enqueue(job, () => {
      holding = true;
      // The slot came from another job's step: pace on a clean stack.
      queueMicrotask(pace);
    });
  }
  return () => {
    stopped = true;
    if (handle !== undefined) clock.clearTimeout(handle);
    budget.dequeue(job);
    // Leaving for `requesting` hands the slot to the request, which gives it back when it ends.
    if (holding) queueMicrotask(() => {
      if (!job.getSnapshot().hasTag('requesting')) budget.release(job);
    });
  };
});

/**
 * What a request actor tells the budget: it starts (returns what to call when it ends), and how it was answered.
 * Costs two map look-ups per request when no budget exists.
 */
export function requestStarted(job: AnyActorRef, context: BudgetedContext, now: number): (() => void) | undefined {
  const budget = jobBudget(job, context, now);
  if (!budget) return undefined;
  budget.admit(job, now);
  return () => budget.release(job);
}

/** `answer`: the event type the request ended with (`http.rateLimited` teaches the key's budget). */
export function requestAnswered(job: AnyActorRef, context: BudgetTarget, answer: string, sentAt: number, now: number): void {
  const origin = originOf(context.provider, context.baseUrl);
  if (answer !== 'http.rateLimited') {
    origin.accepted.add(now);
    return;
  }
  const budget = budgetOf(origin, jobBudgetId(job, context), true)!;
  budget.rateLimited(now, sentAt, origin.accepted.perSecond(now));
}
