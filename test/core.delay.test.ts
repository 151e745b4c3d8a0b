import { describe, expect, it } from 'vitest';
import { nextDelay, parseRetryAfter } from '../src/core/delay.js';
import { defaultPollOptions, MAX_TIMER_MS, resolvePollOptions, type PollOptions } from '../src/core/options.js';

const options: PollOptions = { ...defaultPollOptions, pollIntervalMs: 2_000, pollGrowth: 2, maxPollIntervalMs: 10_000, jitter: 0 };

describe('nextDelay: one rule for every wait', () => {
  it('grows the poll interval by the growth factor up to the cap', () => {
    expect([0, 1, 2, 3].map((attempt) => nextDelay(options, { kind: 'poll', attempt }))).toEqual([2_000, 4_000, 8_000, 10_000]);
  });

  it('takes the longest of Retry-After, the server hint and the back-off', () => {
    expect(nextDelay(options, { kind: 'poll', attempt: 0, hintMs: 5_000 })).toBe(5_000);
    expect(nextDelay(options, { kind: 'rateLimited', attempt: 0, retryAfterMs: 7_000 })).toBe(7_000);
    expect(nextDelay(options, { kind: 'poll', attempt: 0, retryAfterMs: 500 })).toBe(2_000);
  });

  it('never cuts a Retry-After short with the cap, and never goes under the floor', () => {
    expect(nextDelay(options, { kind: 'rateLimited', attempt: 0, retryAfterMs: 60_000 })).toBe(60_000);
    expect(nextDelay({ ...options, minDelayMs: 3_000 }, { kind: 'poll', attempt: 0 })).toBe(3_000);
  });

  it('jitters upwards only, within the fraction, and keeps the cap for back-off', () => {
    const jittery = { ...options, jitter: 0.5 };
    expect(nextDelay(jittery, { kind: 'poll', attempt: 0, random: 0 })).toBe(2_000);
    expect(nextDelay(jittery, { kind: 'poll', attempt: 0, random: 0.999 })).toBe(2_999);
    expect(nextDelay(jittery, { kind: 'poll', attempt: 5, random: 0.999 })).toBe(10_000);
    expect(nextDelay(jittery, { kind: 'rateLimited', attempt: 0, retryAfterMs: 4_000, random: 0.5 })).toBe(5_000);
  });

  it('doubles retries and 429 waits without Retry-After', () => {
    expect([0, 1, 2].map((attempt) => nextDelay(options, { kind: 'retry', attempt }))).toEqual([1_000, 2_000, 4_000]);
    expect([0, 1, 2].map((attempt) => nextDelay(options, { kind: 'rateLimited', attempt }))).toEqual([2_000, 4_000, 8_000]);
  });

  it('is bounded to what setTimeout can hold', () => {
    expect(nextDelay(options, { kind: 'rateLimited', attempt: 0, retryAfterMs: 10 ** 12 })).toBe(MAX_TIMER_MS);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1_500],
    [' 3 ', 3_000],
    [new Date(now + 90_000).toUTCString(), 90_000],
    [new Date(now - 90_000).toUTCString(), 0],
  ])('reads %j as %d ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([null, undefined, '', 'soon', '-5', '1e3'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('resolvePollOptions', () => {
  it('lays the user over the provider over the defaults, ignoring undefined', () => {
    const resolved = resolvePollOptions({ pollIntervalMs: 2_000 }, { maxRetries: 2, jitter: undefined });
    expect(resolved).toEqual({ options: { ...defaultPollOptions, pollIntervalMs: 2_000, maxRetries: 2 } });
  });

  it.each([
    [{ pollIntervalMs: -1 }, /options.pollIntervalMs/],
    [{ jitter: 2 }, /options.jitter/],
    [{ pollIntervalMs: 60_000, maxPollIntervalMs: 30_000 }, /maxPollIntervalMs must not be smaller/],
    [{ unknownOption: 1 } as Partial<PollOptions>, /unknownOption|Unrecognized/],
  ])('refuses %j with a sentence', (user, message) => {
    const resolved = resolvePollOptions({}, user);
    expect('problem' in resolved && resolved.problem).toMatch(message);
  });

  it('raises the provider’s cap to an interval the user set above it, when the user set no cap', () => {
    expect(resolvePollOptions({ pollIntervalMs: 2_000, maxPollIntervalMs: 15_000 }, { pollIntervalMs: 20_000 })).toMatchObject({
      options: { pollIntervalMs: 20_000, maxPollIntervalMs: 20_000 },
    });
  });

  it('accepts an infinite overall time-out', () => {
    expect('options' in resolvePollOptions({}, { timeoutMs: Infinity })).toBe(true);
  });
});
