/** Each chart as the fault runs see it: how to start it, script its provider, and read its simulator. */
import { blandJob } from '../../machines/bland.js';
import { depictaJob } from '../../machines/depicta.js';
import { perceptisJob } from '../../machines/perceptis.js';
import { BLAND_TEST_KEY } from '../../src/simulator/bland.js';
import { DEPICTA_STORY_MODEL, DEPICTA_TEST_KEY } from '../../src/simulator/depicta.js';
import { PERCEPTIS_TEST_KEY } from '../../src/simulator/perceptis.js';
import type { BodyFault } from '../../src/simulator/http.js';
import type { ChartUnderFaults } from '../support/fault-runs.js';

/**
 * Every chart reads valid JSON whatever its content-type and ignores fields nobody documented; a create answer is read
 * for its job id only (a strange or missing status there does not matter); a huge body is never read.
 */
const usualSpoilEffect = (fault: BodyFault, request: 'create' | 'status') =>
  fault === 'wrongContentType' || fault === 'extraFields' || (request === 'create' && fault !== 'hugeBody') ? 'answer' : 'protocol';

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
  spoilEffect: usualSpoilEffect,
  idempotentCreate: true,
};

export const blandUnderFaults: ChartUnderFaults = {
  provider: 'bland',
  machine: blandJob,
  input: (sim) => ({
    baseUrl: sim.url,
    apiKey: BLAND_TEST_KEY,
    request: {
      input_prompt:
        'A receptionist pathway for a dental clinic: greet the caller, ask for the reason of the call, book, move or cancel an appointment.',
    },
  }),
  script: (sim, inProgress, end) =>
    sim.bland.scripts.push({
      steps: [
        ...Array.from({ length: inProgress }, () => ({ ready: false as const })),
        end === 'succeeded' ? { ready: true as const, pathwayId: 'a6c24531-75b1-4334-95b2-2d0f11e8fe41' } : { ready: true as const, error: 'Prompt flagged.' },
      ],
    }),
  isCreate: (entry) => entry.method === 'POST',
  jobCount: (sim) => sim.bland.jobCount,
  spoilEffect: usualSpoilEffect,
  idempotentCreate: false,
};

export const depictaUnderFaults: ChartUnderFaults = {
  provider: 'depicta',
  machine: depictaJob,
  input: (sim) => ({
    baseUrl: sim.url,
    apiKey: DEPICTA_TEST_KEY,
    request: {
      model: DEPICTA_STORY_MODEL,
      characters: [{ name: 'Aria', appearance: 'A young archivist with silver hair and a green cloak' }],
      scenes: [{ prompt: 'Aria enters the ancient library' }, { prompt: 'Aria finds a glowing book' }],
    },
  }),
  script: (sim, inProgress, end) =>
    sim.depicta.scripts.push({
      steps: [
        ...Array.from({ length: inProgress }, (_, i) => (i === 0 ? { status: 'pending' } : { status: 'processing', scenesCompleted: 1 })),
        end === 'succeeded' ? { status: 'completed' } : { status: 'failed', error: { code: 'content_rejected', message: 'no' } },
      ],
    }),
  isCreate: (entry) => entry.method === 'POST',
  jobCount: (sim) => sim.depicta.jobCount,
  spoilEffect: usualSpoilEffect,
  idempotentCreate: false,
};
