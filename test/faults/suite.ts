/** The property suite every chart gets: random fault runs, each checked against the oracle, counts kept for the report. */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { describeRun, faultRunArb, newTally, runWithFaults, type ChartUnderFaults } from '../support/fault-runs.js';
import { faultRuns, recordTally } from './settings.js';

export function faultRunSuite(name: string, chart: ChartUnderFaults): void {
  const tally = newTally();
  afterAll(() => recordTally(chart.provider, tally));

  describe(`${name} under random faults, over HTTP, in simulated time`, () => {
    it(`ends as the schedule implies, and leaves nothing behind (${faultRuns} runs)`, async () => {
      await fc.assert(
        fc.asyncProperty(faultRunArb, async (run) => {
          const report = await runWithFaults(chart, run, tally);
          if (report.problems.length) throw new Error(describeRun(run, report));
        }),
        { numRuns: faultRuns },
      );
    }, 600_000);
  });
}
