/** Counter-examples the random fault runs found, shrunk, kept as plain tests. */
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/core/delay.js';
import { newTally, runWithFaults, type FaultRun } from '../support/fault-runs.js';
import { blandUnderFaults, perceptisUnderFaults } from './charts.js';

const quiet = { cancelAtPause: null, restartAtPauses: [] } satisfies Partial<FaultRun>;

describe('fault-run regressions', () => {
  it('a poll capped at the deadline still waits minDelayMs (Perceptis: never twice within a second)', async () => {
    // Found: polls at +5000 and, capped at the deadline, +5001 — the simulator answered 429 to the second.
    const run: FaultRun = {
      inProgress: 3,
      end: 'succeeded',
      schedule: [],
      options: { maxRetries: 0, retryDelayMs: 500, timeoutMs: 5001, maxRetryAfterMs: 30_000 },
      ...quiet,
    };
    const report = await runWithFaults(perceptisUnderFaults, run, newTally());
    expect(report.problems).toEqual([]);
    const gets = report.requests.filter((e) => e.method === 'GET');
    expect(gets.every((e) => e.answer === 200)).toBe(true);
    expect(gets.slice(1).every((e, i) => e.at - gets[i].at >= 1_000)).toBe(true);
    expect(report.outcome.status).toBe('succeeded');
  });

  it('an HTTP-date Retry-After read at a fractional clock is rounded up, never asked before the date', async () => {
    // Found (Bland, after a rate-budget wait left the clock at …4998.502 ms): the wait was rounded down, and the next
    // request went 0.5 ms before the date.
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:08 GMT', Date.UTC(2026, 0, 1, 0, 0, 4) + 998.502)).toBe(3002);
    const run: FaultRun = {
      inProgress: 0,
      end: 'succeeded',
      schedule: [
        { fault: { http: 429 } },
        { fault: { wire: 'reset' }, when: 'before' },
        { fault: { spoil: 'wrongContentType' } },
        { fault: { http: 429, retryAfter: { dateInMs: 3002 } } },
      ],
      options: { maxRetries: 1, retryDelayMs: 500, timeoutMs: Infinity, maxRetryAfterMs: 30_000 },
      ...quiet,
    };
    const report = await runWithFaults(blandUnderFaults, run, newTally());
    expect(report.problems).toEqual([]);
  });
});
