/** Each chart as the fault runs see it: how to start it, script its provider, and read its simulator. */
import { perceptisJob } from '../../machines/perceptis.js';
import { PERCEPTIS_TEST_KEY } from '../../src/simulator/perceptis.js';
import type { ChartUnderFaults } from '../support/fault-runs.js';

export const perceptisUnderFaults: ChartUnderFaults = {
  provider: 'perceptis',
  machine: perceptisJob,
  input: (sim) => ({
    baseUrl: sim.url,
    apiKey: PERCEPTIS_TEST_KEY,
    request: { prompt: 'A one-slide summary of our quarter', output_type: 'single_slide' },
  }),
  script: (sim, inProgress, end) =>
    sim.perceptis.scripts.push({
      steps: [
        ...Array.from({ length: inProgress }, (_, i) => ({ status: i === 0 ? 'pending' : 'processing' })),
        end === 'succeeded' ? { status: 'completed' } : { status: 'failed', error: { code: 'generation_failed', message: 'no deck' } },
      ],
    }),
  isCreate: (entry) => entry.method === 'POST',
  jobCount: (sim) => sim.perceptis.jobCount,
  // The create answer is read for `job_id` only: a strange `status` in it does not matter.
  spoilEffect: (fault, request) =>
    fault === 'wrongContentType' || fault === 'extraFields' || (request === 'create' && fault !== 'hugeBody') ? 'answer' : 'protocol',
};
