/** How the model-based tests drive Depicta (story generation): its statuses in the simulator's script vocabulary. */
import { DEPICTA_SUSPENDED_KEY } from './simulator.js';
import type { AnyProviderDefinition } from '../define.js';
import type { ChartAdapter } from '../../testing/types.js';
import { pollingAdapter } from '../../testing/adapters/polling.js';

export const depictaTesting = (depicta: AnyProviderDefinition): ChartAdapter => ({
  ...pollingAdapter(depicta, {
    invalidRequest: (request: object) => ({ ...request, scenes: [] }),
    modelJobId: 'model-job',
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
    keysFor: { 401: 'dpct_simRevoked000000000000000000000000000009', 403: DEPICTA_SUSPENDED_KEY },
  }),
  // No idempotency key: a restored job does not send its create again.
  notResentOnRestore: ['create'],
});
