/**
 * The demo's jobs: each one scripts the simulated provider for its story (matched on its own request, so the
 * order in which jobs are created does not matter) and says how it should end.
 * Intervals are sub-second so the whole demo takes seconds.
 */
import type { AnyActorRef, EventObject } from 'xstate';
import type { PollOptions } from '../core/options.js';
import { DEPICTA_STORY_MODEL } from '../providers/depicta/simulator.js';
import type { PerceptisStatusStep } from '../providers/perceptis/simulator.js';
import type { ScriptStep } from '../simulator/script.js';
import type { Simulator } from '../simulator/server.js';
import { providers } from './providers.js';

export interface ShowcaseJob {
  label: string;
  provider: string;
  request: unknown;
  options: Partial<PollOptions>;
  /** How the story ends when everything works. */
  expect: 'succeeded' | 'failed' | 'rejected' | 'timedOut' | 'cancelled';
  /** Queues this job's script in the simulator. */
  script(sim: Simulator): void;
  /** The demo cancels the job this long after its start, to show a cancellation. */
  cancelAfterMs?: number;
  /** What `--yes` answers to this job's question. */
  automaticAnswer?: string;
  /** Runs before a person's reply is sent (e.g. the payment is settled in the simulator). */
  beforeReply?(sim: Simulator, job: AnyActorRef, event: EventObject): Promise<void> | void;
}

const fast: Partial<PollOptions> = {
  pollIntervalMs: 300,
  pollGrowth: 1.2,
  maxPollIntervalMs: 1_000,
  minDelayMs: 0,
  retryDelayMs: 200,
  jitter: 0.1,
  timeoutMs: 45_000,
};

const on = (prompt: string) => (body: unknown) => (body as { prompt?: unknown } | undefined)?.prompt === prompt;
const retryAfter1s = { http: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'rate_limit_exceeded', message: 'Polling too quickly. Use Retry-After and back off.' } } };

/** A Perceptis story: the job's request is its prompt, and the simulator plays `steps` for it. */
function perceptisStory(
  label: string,
  request: { prompt: string; output_type: 'deck' | 'single_slide' },
  steps: ScriptStep<PerceptisStatusStep>[],
  rest: Pick<ShowcaseJob, 'expect' | 'cancelAfterMs'>,
): ShowcaseJob {
  return {
    label,
    provider: 'perceptis',
    request,
    options: fast,
    ...rest,
    script: (sim) => sim.perceptis.scripts.push({ steps }, on(request.prompt)),
  };
}

const perceptisJobs: ShowcaseJob[] = [
  perceptisStory(
    'deck, 429 storm',
    { prompt: 'Quarterly review, ten slides', output_type: 'deck' },
    [
      { status: 'pending' },
      retryAfter1s,
      retryAfter1s,
      retryAfter1s,
      { status: 'processing' },
      { status: 'processing' },
      { status: 'completed', variants: 2 },
    ],
    { expect: 'succeeded' },
  ),
  perceptisStory(
    'slide that fails',
    { prompt: 'One slide in a template that breaks', output_type: 'single_slide' },
    [
      { status: 'pending' },
      { status: 'processing' },
      { status: 'processing' },
      { status: 'failed', error: { code: 'generation_failed', message: 'The template could not hold this content.' } },
    ],
    { expect: 'failed' },
  ),
  perceptisStory(
    'deck, cancelled',
    { prompt: 'A deck nobody needs any more', output_type: 'deck' },
    [{ status: 'pending' }, { status: 'processing' }],
    { expect: 'cancelled', cancelAfterMs: 2_500 },
  ),
];

const storyScenes = ['A lighthouse keeper finds a map', 'She sails past the reef at dawn', 'A storm on the open sea', 'The island from the map'];

const depictaJobs: ShowcaseJob[] = [
  {
    label: '4-scene story',
    provider: 'depicta',
    request: {
      model: DEPICTA_STORY_MODEL,
      characters: [{ name: 'Ada', appearance: 'a lighthouse keeper in a yellow raincoat' }],
      scenes: storyScenes.map((prompt) => ({ prompt })),
      aspect_ratio: '16:9',
    },
    options: fast,
    expect: 'succeeded',
    script: (sim) =>
      sim.depicta.scripts.push(
        {
          steps: [
            { status: 'pending' },
            { status: 'processing', scenesCompleted: 0 },
            { status: 'processing', scenesCompleted: 1 },
            { status: 'processing', scenesCompleted: 1 },
            { status: 'processing', scenesCompleted: 2 },
            { status: 'processing', scenesCompleted: 3 },
            { status: 'processing', scenesCompleted: 4 },
            { status: 'completed' },
          ],
        },
        (body) => (body as { scenes?: { prompt?: string }[] } | undefined)?.scenes?.[0]?.prompt === storyScenes[0],
      ),
  },
];

const pathwayPrompt =
  'A receptionist for a dental clinic: greet the caller, ask whether they are a new or returning patient, ' +
  'offer the next free appointment, and confirm it by text message.';

const blandJobs: ShowcaseJob[] = [
  {
    label: 'receptionist pathway',
    provider: 'bland',
    request: { input_prompt: pathwayPrompt, input_name: 'Dental receptionist' },
    options: fast,
    expect: 'succeeded',
    script: (sim) =>
      sim.bland.scripts.push(
        { steps: [{ ready: false }, { ready: false }, { ready: false }, { ready: true }] },
        (body) => (body as { input_prompt?: string } | undefined)?.input_prompt === pathwayPrompt,
      ),
  },
];

const invoiceMarkdown = '# Invoice 2026-014\n\n| item | amount |\n|---|---|\n| Consulting | 1 200 EUR |\n';

const markdown2pdfJobs: ShowcaseJob[] = [
  {
    label: 'invoice PDF (paid)',
    provider: 'markdown2pdf',
    request: { data: { text_body: invoiceMarkdown, meta: { title: 'Invoice 2026-014' } }, options: { document_name: 'invoice.pdf' } },
    options: fast,
    expect: 'succeeded',
    script: (sim) =>
      sim.markdown2pdf.scripts.push(
        {
          steps: [
            { status: 'Not Started' },
            { status: 'Processing', progress: 0.25 },
            { status: 'Processing', progress: 0.6 },
            { status: 'Processing', progress: 0.9 },
            { status: 'Done' },
          ],
        },
        (body) => (body as { data?: { text_body?: string } } | undefined)?.data?.text_body === invoiceMarkdown,
      ),
    // In the demo, saying "yes, paid" settles the invoice in the simulator (in real life the person pays it).
    beforeReply: (sim, job) => {
      const payment = (job.getSnapshot().context as { payment: { payment_context_token: string } | null }).payment;
      if (payment) sim.markdown2pdf.settlePayment(payment.payment_context_token);
    },
  },
];

const cataJobs: ShowcaseJob[] = [
  {
    label: 'script, 1 question',
    provider: 'cata',
    request: { provider: 'lightspeed', topic: 'list_remote_outlets' },
    options: fast,
    expect: 'succeeded',
    automaticAnswer: 'The outlets are in `data.locations`; each one has an `id` and a `name`.',
    script: (sim) =>
      sim.cata.scripts.push(
        {
          steps: [
            { status: 'pending' },
            { status: 'running', stage: 'gathering' },
            { status: 'running', stage: 'generating' },
            { status: 'running', stage: 'testing', test: { passed: false, error: 'Expected an array of outlets, got object' } },
            { status: 'running', stage: 'retrying' },
            { status: 'running', stage: 'testing', test: { passed: false, error: 'Expected an array of outlets, got object' } },
            {
              status: 'needs_clarification',
              question: 'The sample response has no `outlets` array. Which field of the response lists the outlets?',
            },
            { status: 'running', stage: 'generating' },
            { status: 'running', stage: 'testing', test: { passed: true, outputCount: 8 } },
            { status: 'running', stage: 'done' },
            { status: 'completed', resultScriptId: 4711 },
          ],
        },
        (body) => (body as { topic?: string } | undefined)?.topic === 'list_remote_outlets',
      ),
  },
];

/** The showcase, limited to the providers this version has. */
export function showcase(): ShowcaseJob[] {
  const known = new Set(providers.map((p) => p.name));
  return [...perceptisJobs, ...depictaJobs, ...cataJobs, ...markdown2pdfJobs, ...blandJobs].filter((job) => known.has(job.provider));
}
