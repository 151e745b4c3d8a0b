/** How the model-based tests drive Bland (pathway generation): `ready` false / true / true with an error. */
import { blandJob } from './chart.js';
import { BLAND_TEST_KEY } from './simulator.js';
import type { ChartAdapter } from '../../testing/types.js';
import { pollingAdapter } from '../../testing/adapters/polling.js';

const request = {
  input_prompt:
    'A receptionist pathway for a dental clinic: greet the caller, ask for the reason of the call, book, move or cancel an appointment.',
  input_name: 'Dental reception',
};

export const blandAdapter: ChartAdapter = {
  ...pollingAdapter({
  chart: blandJob,
  provider: 'bland',
  request,
  invalidRequest: { ...request, input_prompt: '' },
  modelJobId: 'model-job',
  apiKey: BLAND_TEST_KEY,
  errorBody: (code, message) => ({ data: null, errors: [{ error: code, message }] }),
  statuses: [
    { label: 'status.notReady', event: { type: 'status.notReady' }, step: { ready: false } },
    { label: 'status.ready', event: { type: 'status.ready', progress: 1, result: { pathwayId: 'pw-1' } }, step: { ready: true, pathwayId: 'pw-1' } },
    { label: 'status.failed', event: { type: 'status.failed', error: { message: 'The pathway could not be generated.' } }, step: { ready: true, error: 'The pathway could not be generated.' } },
  ],
  sim: (sim) => sim.bland as never,
  keysFor: { 401: 'org_simulated_bland_revoked' },
}),
  // No idempotency key: a restored job does not send its create again.
  notResentOnRestore: ['create'],
};
