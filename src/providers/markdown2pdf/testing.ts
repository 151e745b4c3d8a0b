/**
 * How the model-based tests drive markdown2pdf.ai: statuses in the simulator's script vocabulary; a 402 with
 * offers (the person must pay, then send PAID) and every failure of a create or an output request through the
 * simulator's fault plan, the simulator itself creating documents for free.
 */
import { MARKDOWN2PDF_PAYMENT_REQUEST_PATH, markdown2pdfOffer } from './simulator.js';
import type { AnyProviderDefinition } from '../define.js';
import type { ChartAdapter } from '../../testing/types.js';
import { failureAnswers, faultOf } from '../../testing/adapters/shared.js';

const MODEL_JOB_ID = '00000000-0000-4000-8000-000000000001';
const failures = failureAnswers((code, message) => ({ detail: message, code }));
/** The simulator's own 402 body (src/simulator/markdown2pdf.ts `paymentRequired`). */
const paymentBody = {
  offers: [{ id: 'offer_model', ...markdown2pdfOffer }],
  payment_context_token: 'model-token',
  payment_request_url: MARKDOWN2PDF_PAYMENT_REQUEST_PATH,
  version: '0.2.2',
};
const paths: Record<string, RegExp> = { create: /^\/v1\/markdown$/, status: /\/status$/, output: /\/output$/ };

export function markdown2pdfTesting(markdown2pdf: AnyProviderDefinition): ChartAdapter {
  const request = markdown2pdf.sampleRequest as object;
  return {
    chart: markdown2pdf.chart,
    provider: markdown2pdf.name,
    starts: ['submit', 'attach', 'invalid'],
    // As the polling providers (one retry, an hour), and ten minutes for a person to pay.
    options: { maxRetries: 1, jitter: 0, timeoutMs: 3_600_000, paymentTimeoutMs: 600_000 } as never,
    simulatorOptions: { markdown2pdf: { pricing: 'free' } },
    methods: { create: 'POST', status: 'GET', output: 'GET' },
    answers: {
      create: [
        { label: 'submit.accepted', event: { type: 'submit.accepted', jobId: MODEL_JOB_ID, statusUrl: `http://127.0.0.1:9/job/${MODEL_JOB_ID}/status` } },
        {
          label: 'submit.paymentRequired (402 with offers)',
          event: { type: 'submit.paymentRequired', httpStatus: 402, message: 'payment required', payment: { offers: paymentBody.offers } },
          step: { http: 402, body: paymentBody },
        },
        ...failures,
      ],
      status: [
        { label: 'status.notStarted', event: { type: 'status.notStarted', progress: 0 }, step: { status: 'Not Started' } },
        { label: 'status.processing', event: { type: 'status.processing', progress: 0.5 }, step: { status: 'Processing', progress: 0.5 } },
        { label: 'status.done', event: { type: 'status.done', progress: 1, outputUrl: null }, step: { status: 'Done' } },
        { label: 'status.error', event: { type: 'status.error', error: { message: 'conversion failed' } }, step: { status: 'Error', description: 'conversion failed' } },
        ...failures,
      ],
      output: [{ label: 'output.ready', event: { type: 'output.ready', result: { url: 'http://127.0.0.1:9/files/x/q3.pdf' } } }, ...failures],
    },
    personEvents: [{ label: 'PAID', event: { type: 'PAID' } }],
    modelInput: (start) => ({
      baseUrl: 'http://127.0.0.1:9',
      ...(start === 'attach' ? { jobId: MODEL_JOB_ID } : { request: start === 'invalid' ? { ...request, options: { document_name: '' } } : request }),
    }),
    arrange(sim, path) {
      for (const answer of path.answers) {
        if (!answer.step || answer.call === 'status') continue;
        sim.faults.add({ provider: 'markdown2pdf', method: answer.call === 'create' ? 'POST' : 'GET', path: paths[answer.call], fault: faultOf(answer.step) });
      }
      const steps = path.answers.filter((a) => a.call === 'status').map((a) => a.step as never);
      const input: Record<string, unknown> = { baseUrl: sim.url, options: path.options };
      if (path.start === 'attach') input.jobId = sim.markdown2pdf.addJob({ steps: steps.length ? steps : [{ status: 'Not Started' }] });
      else {
        if (steps.length) sim.markdown2pdf.scripts.push({ steps });
        input.request = path.start === 'invalid' ? { ...request, options: { document_name: '' } } : request;
      }
      return input;
    },
  };
}
