/** How the model-based tests drive Perceptis: its answers in the simulator's script vocabulary, and its set-up. */
import { perceptisJob } from './chart.js';
import { PERCEPTIS_INELIGIBLE_KEY, PERCEPTIS_TEST_KEY } from './simulator.js';
import { pollingAdapter } from '../../testing/adapters/polling.js';

const request = { prompt: 'A one-slide summary of our quarter', output_type: 'single_slide' as const };

export const perceptisAdapter = pollingAdapter({
  chart: perceptisJob,
  provider: 'perceptis',
  request,
  invalidRequest: { ...request, prompt: '' },
  modelJobId: 'model-job',
  apiKey: PERCEPTIS_TEST_KEY,
  errorBody: (code, message) => ({ error: { code, message } }),
  statuses: [
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
  ],
  sim: (sim) => sim.perceptis as never,
  // The simulator's own refusals: a key it does not know (401), an organisation that is not eligible (403).
  keysFor: { 401: 'sk-live-per-simulated-revoked-0000', 403: PERCEPTIS_INELIGIBLE_KEY },
  // Polls are scripted one by one: the simulator's own "once a second" 429 would add answers nobody scripted.
  simulatorOptions: { perceptis: { minPollIntervalMs: 0 } },
});
