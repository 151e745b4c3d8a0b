/** How the model-based tests drive Perceptis: its answers in the simulator's script vocabulary, and its set-up. */
import { perceptisJob } from '../../../machines/perceptis.js';
import { PERCEPTIS_INELIGIBLE_KEY, PERCEPTIS_TEST_KEY, type PerceptisStatusStep } from '../../simulator/perceptis.js';
import type { ChartAdapter } from '../types.js';
import { failureAnswers, faultOf } from './shared.js';

const errorBody = (code: string, message: string) => ({ error: { code, message } });
const failures = failureAnswers(errorBody);
const request = { prompt: 'A one-slide summary of our quarter', output_type: 'single_slide' as const };
/** A key the simulator does not know: its 401 is the provider's own. */
const REVOKED_KEY = 'sk-live-per-simulated-revoked-0000';

export const perceptisAdapter: ChartAdapter = {
  chart: perceptisJob,
  provider: 'perceptis',
  starts: ['submit', 'attach', 'invalid'],
  // One retry, so a path reaches the spent retry budget in two failures; an hour, so that only `late` steps time out.
  options: { maxRetries: 1, jitter: 0, timeoutMs: 3_600_000 },
  // Polls are scripted one by one: the simulator's own "once a second" 429 would add answers nobody scripted.
  simulatorOptions: { perceptis: { minPollIntervalMs: 0 } },
  methods: { create: 'POST', status: 'GET' },
  answers: {
    create: [{ label: 'submit.accepted', event: { type: 'submit.accepted', jobId: 'model-job' } }, ...failures],
    status: [
      { label: 'status.pending', event: { type: 'status.pending' }, step: { status: 'pending' } },
      { label: 'status.processing', event: { type: 'status.processing' }, step: { status: 'processing' } },
      {
        label: 'status.completed',
        event: { type: 'status.completed', progress: 1, result: { outputType: 'single_slide', downloads: [] } },
        step: { status: 'completed' },
      },
      {
        label: 'status.failed',
        event: { type: 'status.failed', error: { code: 'generation_failed', message: 'The deck could not be generated.' } },
        step: { status: 'failed' },
      },
      ...failures,
    ],
  },
  modelInput: (start) => ({
    baseUrl: 'http://127.0.0.1:9',
    apiKey: 'model',
    ...(start === 'attach' ? { jobId: 'model-job' } : { request: start === 'invalid' ? { ...request, prompt: '' } : request }),
  }),
  arrange(sim, path) {
    let apiKey = PERCEPTIS_TEST_KEY;
    for (const answer of path.answers.filter((a) => a.call === 'create')) {
      if (!answer.step) continue;
      // Refusals of the key are the simulator's own answers to a key it does not know or an ineligible organisation.
      if (answer.step.http === 401) apiKey = REVOKED_KEY;
      else if (answer.step.http === 403) apiKey = PERCEPTIS_INELIGIBLE_KEY;
      else sim.faults.add({ provider: 'perceptis', method: 'POST', fault: faultOf(answer.step) });
    }
    const steps = path.answers.filter((a) => a.call === 'status').map((a) => a.step as PerceptisStatusStep);
    const input: Record<string, unknown> = { baseUrl: sim.url, apiKey, options: path.options };
    if (path.start === 'attach') input.jobId = sim.perceptis.addJob({ steps: steps.length ? steps : [{ status: 'pending' }] });
    else {
      if (steps.length) sim.perceptis.scripts.push({ steps });
      input.request = path.start === 'invalid' ? { ...request, prompt: '' } : request;
    }
    return input;
  },
};
