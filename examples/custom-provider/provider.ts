/**
 * Acme Transcribe as jobcharts knows a provider: its chart, its simulated side for the app's tests, and how the
 * model tests drive it. Node-side (the simulator): the app's browser code imports ./chart.ts only.
 */
import { defineProvider } from 'jobcharts';
import { pollingAdapter } from 'jobcharts/testing';
import { acmeJob } from './chart.js';
import { ACME_TEST_KEY, AcmeSim, type AcmeSimOptions } from './simulator.js';

export const acme = defineProvider({
  name: 'acme',
  title: 'Acme Transcribe',
  makes: 'transcripts of audio files',
  summary: 'Transcription · queued → running (percent) → transcript URL',
  chart: acmeJob,
  keyEnv: 'ACME_API_KEY',
  baseUrlEnv: 'ACME_BASE_URL',
  sampleRequest: { audio_url: 'https://files.example/interview.mp3', language: 'en' },
  requestFromPrompt: (audioUrl) => ({ audio_url: audioUrl }),
  simulator: {
    create: (options?: AcmeSimOptions) => new AcmeSim(options),
    testKey: ACME_TEST_KEY,
    script: ({ inProgress, end }) => ({
      steps: [
        ...Array.from({ length: inProgress }, (_, i) => (i === 0 ? { status: 'queued' as const } : { status: 'running' as const, percent: 50 })),
        end === 'succeeded' ? { status: 'done' as const } : { status: 'error' as const, message: 'The audio could not be transcribed.' },
      ],
    }),
  },
  // The answers a path can script: each status (the chart's event, and the simulator's script step for it), and
  // Acme's refusal body; 429s, 5xx, resets and unreadable bodies come with pollingAdapter.
  testing: (definition) => ({
    ...pollingAdapter(definition, {
      invalidRequest: (request: object) => ({ ...request, audio_url: '' }),
      modelJobId: 'model-job',
      acceptedStatus: 201,
      errorBody: (code, message) => ({ code, message }),
      statuses: [
        { label: 'status.queued', event: { type: 'status.queued' }, step: { status: 'queued' } },
        { label: 'status.running', event: { type: 'status.running', progress: 0.5 }, step: { status: 'running', percent: 50 } },
        { label: 'status.done', event: { type: 'status.done', progress: 1, result: { transcriptUrl: 'x' } }, step: { status: 'done' } },
        { label: 'status.error', event: { type: 'status.error', error: { message: 'The audio could not be transcribed.' } }, step: { status: 'error' } },
      ],
      // A key the simulator does not know: its own 401.
      keysFor: { 401: 'acme-revoked-key' },
    }),
    // No idempotency key: a restored job does not send its create again.
    notResentOnRestore: ['create'],
  }),
});
