/** How the model-based tests drive Perceptis: its answers in the simulator's script vocabulary, and its set-up. */
import { PERCEPTIS_INELIGIBLE_KEY } from './simulator.js';
import type { AnyProviderDefinition } from '../define.js';
import type { ChartAdapter } from '../../testing/types.js';
import { pollingAdapter } from '../../testing/adapters/polling.js';

export const perceptisTesting = (perceptis: AnyProviderDefinition): ChartAdapter =>
  pollingAdapter(perceptis, {
    invalidRequest: (request: object) => ({ ...request, prompt: '' }),
    modelJobId: 'model-job',
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
    // The simulator's own refusals: a key it does not know (401), an organisation that is not eligible (403).
    keysFor: { 401: 'sk-live-per-simulated-revoked-0000', 403: PERCEPTIS_INELIGIBLE_KEY },
    // Polls are scripted one by one: the simulator's own "once a second" 429 would add answers nobody scripted.
    simulatorOptions: { perceptis: { minPollIntervalMs: 0 } },
  });
