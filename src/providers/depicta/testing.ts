/** How the model-based tests drive Depicta (story generation): its statuses in the simulator's script vocabulary. */
import { depictaJob } from './chart.js';
import { DEPICTA_STORY_MODEL, DEPICTA_SUSPENDED_KEY, DEPICTA_TEST_KEY } from './simulator.js';
import type { ChartAdapter } from '../../testing/types.js';
import { pollingAdapter } from '../../testing/adapters/polling.js';

const request = {
  model: DEPICTA_STORY_MODEL,
  characters: [{ name: 'Aria', appearance: 'A young archivist with silver hair and a green cloak' }],
  scenes: [{ prompt: 'Aria enters the ancient library' }, { prompt: 'Aria finds a glowing book' }],
};

export const depictaAdapter: ChartAdapter = {
  ...pollingAdapter({
  chart: depictaJob,
  provider: 'depicta',
  request,
  invalidRequest: { ...request, scenes: [] },
  modelJobId: 'model-job',
  apiKey: DEPICTA_TEST_KEY,
  acceptedStatus: 202,
  // The simulator gives a scripted 429 `Retry-After: 1` unless told otherwise: an empty one is "no Retry-After".
  scriptStep: (step) => (step.http === 429 && !step.headers ? { ...step, headers: { 'retry-after': '' } } : step),
  errorBody: (code, message) => ({ error: { code, message } }),
  statuses: [
    { label: 'status.pending', event: { type: 'status.pending' }, step: { status: 'pending' } },
    { label: 'status.processing', event: { type: 'status.processing', progress: 0.5 }, step: { status: 'processing', scenesCompleted: 1 } },
    { label: 'status.completed', event: { type: 'status.completed', progress: 1, result: { scenes: [] } }, step: { status: 'completed' } },
    {
      label: 'status.failed',
      event: { type: 'status.failed', error: { code: 'generation_failed', message: 'The story could not be generated.' } },
      step: { status: 'failed' },
    },
  ],
  sim: (sim) => sim.depicta as never,
  keysFor: { 401: 'dpct_simRevoked000000000000000000000000000009', 403: DEPICTA_SUSPENDED_KEY },
}),
  // No idempotency key: a restored job does not send its create again.
  notResentOnRestore: ['create'],
};
