/** How the model-based tests drive Bland (pathway generation): `ready` false / true / true with an error. */
import type { AnyProviderDefinition } from '../define.js';
import type { ChartAdapter } from '../../testing/types.js';
import { pollingAdapter } from '../../testing/adapters/polling.js';

export const blandTesting = (bland: AnyProviderDefinition): ChartAdapter => ({
  ...pollingAdapter(bland, {
    invalidRequest: (request: object) => ({ ...request, input_prompt: '' }),
    modelJobId: 'model-job',
    errorBody: (code, message) => ({ data: null, errors: [{ error: code, message }] }),
    statuses: [
      { label: 'status.notReady', event: { type: 'status.notReady' }, step: { ready: false } },
      { label: 'status.ready', event: { type: 'status.ready', progress: 1, result: { pathwayId: 'pw-1' } }, step: { ready: true, pathwayId: 'pw-1' } },
      { label: 'status.failed', event: { type: 'status.failed', error: { message: 'The pathway could not be generated.' } }, step: { ready: true, error: 'The pathway could not be generated.' } },
    ],
    keysFor: { 401: 'org_simulated_bland_revoked' },
  }),
  // No idempotency key: a restored job does not send its create again.
  notResentOnRestore: ['create'],
});
