import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, faultRunArb, newTally, runWithFaults } from '../support/fault-runs.js';
import { perceptisUnderFaults } from './charts.js';
import { faultRuns, recordTally } from './settings.js';

const tally = newTally();
afterAll(() => recordTally('perceptis', tally));

describe('Perceptis under random faults, over HTTP, in simulated time', () => {
  it(`ends as the schedule implies, and leaves nothing behind (${faultRuns} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(faultRunArb, async (run) => {
        const report = await runWithFaults(perceptisUnderFaults, run, tally);
        if (report.problems.length) throw new Error(describeRun(run, report));
      }),
      { numRuns: faultRuns },
    );
    expect(tally.wrongEnds + tally.leaks).toBeGreaterThanOrEqual(0);
  }, 600_000);
});
