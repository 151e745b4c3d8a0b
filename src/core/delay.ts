import { MAX_TIMER_MS, type PollOptions } from './options.js';

/** Why the job is waiting: each kind has its own back-off base. */
export type WaitKind = 'poll' | 'rateLimited' | 'retry';

export interface DelayInput {
  kind: WaitKind;
  /** Consecutive in-progress answers (for `poll`), or consecutive failures (for `rateLimited` / `retry`). */
  attempt: number;
  /** What the server demanded with `Retry-After`, if anything. */
  retryAfterMs?: number;
  /** Any other server hint of when to come back (e.g. an estimated completion time). */
  hintMs?: number;
  /** A number in [0, 1): injectable for tests. */
  random?: number;
}

/**
 * The one delay rule for every wait of every chart:
 * the longest of Retry-After, the server's hint and the back-off value; at least the floor and at most
 * the cap (a Retry-After is never cut short by the cap); jittered upwards only; bounded to what `setTimeout` holds.
 */
export function nextDelay(options: PollOptions, input: DelayInput): number {
  const backoff = backoffFor(options, input.kind, input.attempt);
  const serverMin = Math.max(input.retryAfterMs ?? 0, input.hintMs ?? 0);
  const base = Math.max(backoff, serverMin, options.minDelayMs);
  const cap = Math.max(options.maxPollIntervalMs, input.retryAfterMs ?? 0, options.minDelayMs);
  const jittered = base + base * options.jitter * (input.random ?? Math.random());
  const bounded = Math.max(Math.min(jittered, cap), input.retryAfterMs ?? 0, options.minDelayMs);
  return Math.round(Math.min(bounded, MAX_TIMER_MS));
}

function backoffFor(options: PollOptions, kind: WaitKind, attempt: number): number {
  const n = Math.max(0, Math.min(attempt, 64));
  switch (kind) {
    case 'poll':
      return Math.min(options.pollIntervalMs * options.pollGrowth ** n, options.maxPollIntervalMs);
    case 'rateLimited':
      // No Retry-After: start from the poll interval and double, as the providers advise.
      return Math.min(Math.max(options.pollIntervalMs, options.retryDelayMs) * 2 ** n, options.maxPollIntervalMs);
    case 'retry':
      return Math.min(options.retryDelayMs * 2 ** n, options.maxPollIntervalMs);
  }
}

/**
 * Reads a `Retry-After` header: delta-seconds (`"120"`, `"1.5"`) or an HTTP-date.
 * Returns milliseconds from `now`, 0 for a date in the past, `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // HTTP-dates name a weekday or month; a bare number was handled above.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  // Rounded up: the clock may be between two milliseconds, and rounding the wait down would ask before the date.
  return Math.max(0, Math.ceil(at - now));
}
