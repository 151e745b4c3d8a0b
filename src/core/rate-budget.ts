/**
 * One key's rate budget, pure: no registry, no actor, no clock of its own (time is always passed in as `now`).
 *
 * - Configured (`options.rateLimit`, or `setRateLimit` once for the app): requests per second (strict spacing, GCRA,
 *   optional burst) and concurrent requests.
 * - Learnt: no limit configured, but the provider answered 429. The key's rate drops to a share of what the
 *   provider was accepting (every job of the key slows at once), then grows back a little with every request (AIMD);
 *   after a minute without 429 the budget is forgotten.
 *
 * budget-registry.ts keeps one per provider, base URL and key; budget-actor.ts makes a job wait for it.
 */
import * as z from 'zod/mini';

/** A provider's limit per key: the one definition (the options schema checks it, the type is read from it). */
export const rateLimitSchema = z.strictObject({
  /** Requests per second for all jobs of the key together. */
  requestsPerSecond: z.optional(z.number().check(z.positive())),
  /** Requests of the key in flight at once (e.g. Depicta: 10). */
  maxConcurrent: z.optional(z.int().check(z.positive())),
  /** Requests that may go at once before the spacing applies (default 1: strictly spaced). */
  burst: z.optional(z.int().check(z.positive())),
});

/** A provider's limit per key. */
export type RateLimit = z.infer<typeof rateLimitSchema>;

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
export class RateMeter {
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

