/** Counter-examples the random fault runs found, shrunk, kept as plain tests. */
import { describe, expect, it } from 'vitest';
import { newTally, runWithFaults, type FaultRun } from '../support/fault-runs.js';
import { perceptisUnderFaults } from './charts.js';

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
});
