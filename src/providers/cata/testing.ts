/**
 * How the model-based tests drive Cata: statuses (the pipeline's stages, `needs_clarification`) in the simulator's
 * script vocabulary, a person's ANSWER, and failures of a create or an answer through the simulator's fault plan.
 */
import type { AnyProviderDefinition } from '../define.js';
import type { AnswerVariant, ChartAdapter } from '../../testing/types.js';
import { failureAnswers, faultOf } from '../../testing/adapters/shared.js';

const failures = failureAnswers((code, message) => ({ error: { code, message, details: message, field: 'request' } }));
const job = { hypothesis: null, testResults: [], retries: 0, logs: [], clarification: null, humanResponse: null };
const stages = ['queued', 'gathering', 'generating', 'testing', 'retrying', 'done'] as const;
const needsClarification: AnswerVariant = {
  label: 'status.needs_clarification',
  event: { type: 'status.needs_clarification', job: { ...job, clarification: 'Which region?' } },
  step: { status: 'needs_clarification', question: 'Which region?' },
};
const statuses: AnswerVariant[] = [
  { label: 'status.pending', event: { type: 'status.pending', progress: 0, job }, step: { status: 'pending' } },
  ...stages.map((stage) => ({
    label: `status.running.${stage}`,
    event: { type: `status.running.${stage}`, progress: 0.5, job },
    step: { status: 'running', stage },
  })),
  needsClarification,
  { label: 'status.completed', event: { type: 'status.completed', progress: 1, job, result: { scriptId: 1 } }, step: { status: 'completed' } },
  { label: 'status.failed', event: { type: 'status.failed', job, error: { message: 'generation failed' } }, step: { status: 'failed', reason: 'generation failed' } },
  ...failures,
];
/** An answer was refused while Cata asked a question: the job still waits for one. */
const heldAtQuestion = (context: Record<string, unknown>) => context.answerProblem != null && context.clarification != null;
const paths: Record<string, RegExp> = { create: /\/generate$/, respond: /\/respond$/ };

export function cataTesting(cata: AnyProviderDefinition): ChartAdapter {
  const request = cata.sampleRequest as object;
  const apiKey = cata.simulator?.testKey;
  return {
    chart: cata.chart,
    provider: cata.name,
    // No idempotency key: a restored job does not send its create again; nor its answer, whose arrival it reads first.
    notResentOnRestore: ['create', 'respond'],
    starts: ['submit', 'attach', 'invalid'],
    options: { maxRetries: 1, jitter: 0, timeoutMs: 3_600_000, answerTimeoutMs: 600_000 } as never,
    methods: { create: 'POST', status: 'GET', respond: 'POST' },
    answers: {
      create: [{ label: 'submit.accepted', event: { type: 'submit.accepted', jobId: 1 } }, ...failures],
      status: statuses,
      respond: [{ label: 'respond.accepted', event: { type: 'respond.accepted' } }, ...failures],
    },
    // Cata holds a job at its question until an answer is accepted: after a refused one it asks the same again.
    answersFor: (call, context) => (call === 'status' && heldAtQuestion(context) ? [needsClarification] : undefined) as never,
    modelKey: heldAtQuestion,
    // While a job awaits clarification the simulator answers its question whatever the script says, so the poll in
    // flight after a refused answer cannot be scripted to hang for the restore.
    restorable: (path) => !path.steps.some((s) => s.answer?.call === 'respond' && s.answer.step?.http === 400),
    personEvents: [
      { label: 'ANSWER', event: { type: 'ANSWER', text: 'Singapore' } },
      { label: 'ANSWER without text', event: { type: 'ANSWER' } },
    ],
    modelInput: (start) => ({
      baseUrl: 'http://127.0.0.1:9',
      apiKey,
      ...(start === 'attach' ? { jobId: 1 } : { request: start === 'invalid' ? { ...request, provider: '' } : request }),
    }),
    arrange(sim, path) {
      for (const answer of path.answers) {
        if (!answer.step || answer.call === 'status') continue;
        sim.faults.add({ provider: 'cata', method: 'POST', path: paths[answer.call], fault: faultOf(answer.step) });
      }
      const steps = path.answers.filter((a) => a.call === 'status').map((a) => a.step as never);
      const input: Record<string, unknown> = { baseUrl: sim.url, apiKey, options: path.options };
      if (path.start === 'attach') input.jobId = sim.cata.addJob({ steps: steps.length ? steps : [{ status: 'pending' }] });
      else {
        if (steps.length) sim.cata.scripts.push({ steps });
        input.request = path.start === 'invalid' ? { ...request, provider: '' } : request;
      }
      return input;
    },
  };
}
