/** Each chart as the fault runs see it: how to start it, script its provider, and read its simulator. */
import { blandJob } from '../../src/providers/bland/chart.js';
import { cataJob } from '../../src/providers/cata/chart.js';
import { markdown2pdfJob } from '../../src/providers/markdown2pdf/chart.js';
import { depictaJob } from '../../src/providers/depicta/chart.js';
import { perceptisJob } from '../../src/providers/perceptis/chart.js';
import { BLAND_TEST_KEY } from '../../src/providers/bland/simulator.js';
import { CATA_TEST_KEY, type CataSimStage, type CataStatusStep } from '../../src/providers/cata/simulator.js';
import { DEPICTA_STORY_MODEL, DEPICTA_TEST_KEY } from '../../src/providers/depicta/simulator.js';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';
import type { BodyFault } from '../../src/simulator/http.js';
import type { ChartUnderFaults, FaultRun, RequestKind } from '../support/fault-runs.js';

/**
 * Every chart reads valid JSON whatever its content-type and ignores fields nobody documented; a create answer is read
 * for its job id only (a strange or missing status there does not matter); a huge body is never read.
 */
const usualSpoilEffect = (fault: BodyFault, request: RequestKind) =>
  fault === 'wrongContentType' || fault === 'extraFields' || (request !== 'status' && fault !== 'hugeBody') ? 'answer' : 'protocol';

export const perceptisUnderFaults: ChartUnderFaults = {
  provider: 'perceptis',
  machine: perceptisJob,
  input: (sim) => ({
    baseUrl: sim.url,
    apiKey: PERCEPTIS_TEST_KEY,
    request: { prompt: 'A one-slide summary of our quarter', output_type: 'single_slide' },
  }),
  script: (sim, { inProgress, end }) =>
    sim.perceptis.scripts.push({
      steps: [
        ...Array.from({ length: inProgress }, (_, i) => ({ status: i === 0 ? 'pending' : 'processing' })),
        end === 'succeeded' ? { status: 'completed' } : { status: 'failed', error: { code: 'generation_failed', message: 'no deck' } },
      ],
    }),
  jobCount: (sim) => sim.perceptis.jobCount,
  spoilEffect: usualSpoilEffect,
  idempotentCreate: true,
};

export const blandUnderFaults: ChartUnderFaults = {
  provider: 'bland',
  machine: blandJob,
  input: (sim) => ({
    baseUrl: sim.url,
    apiKey: BLAND_TEST_KEY,
    request: {
      input_prompt:
        'A receptionist pathway for a dental clinic: greet the caller, ask for the reason of the call, book, move or cancel an appointment.',
    },
  }),
  script: (sim, { inProgress, end }) =>
    sim.bland.scripts.push({
      steps: [
        ...Array.from({ length: inProgress }, () => ({ ready: false as const })),
        end === 'succeeded' ? { ready: true as const, pathwayId: 'a6c24531-75b1-4334-95b2-2d0f11e8fe41' } : { ready: true as const, error: 'Prompt flagged.' },
      ],
    }),
  jobCount: (sim) => sim.bland.jobCount,
  spoilEffect: usualSpoilEffect,
  idempotentCreate: false,
};

export const depictaUnderFaults: ChartUnderFaults = {
  provider: 'depicta',
  machine: depictaJob,
  input: (sim) => ({
    baseUrl: sim.url,
    apiKey: DEPICTA_TEST_KEY,
    request: {
      model: DEPICTA_STORY_MODEL,
      characters: [{ name: 'Aria', appearance: 'A young archivist with silver hair and a green cloak' }],
      scenes: [{ prompt: 'Aria enters the ancient library' }, { prompt: 'Aria finds a glowing book' }],
    },
  }),
  script: (sim, { inProgress, end }) =>
    sim.depicta.scripts.push({
      steps: [
        ...Array.from({ length: inProgress }, (_, i) => (i === 0 ? { status: 'pending' } : { status: 'processing', scenesCompleted: 1 })),
        end === 'succeeded' ? { status: 'completed' } : { status: 'failed', error: { code: 'content_rejected', message: 'no' } },
      ],
    }),
  jobCount: (sim) => sim.depicta.jobCount,
  spoilEffect: usualSpoilEffect,
  idempotentCreate: false,
};

/** Cata's status answers in a run: `inProgress` running ones, a question before each of `questionsAt`, then the end. */
function cataSteps(run: FaultRun): ('running' | 'question' | 'end')[] {
  const steps: ('running' | 'question' | 'end')[] = [];
  for (let i = 0; i <= run.inProgress; i++) {
    if (run.questionsAt?.includes(i)) steps.push('question');
    if (i < run.inProgress) steps.push('running');
  }
  return [...steps, 'end'];
}

const cataStages: CataSimStage[] = ['queued', 'gathering', 'generating', 'testing', 'retrying', 'done'];

export const cataUnderFaults: ChartUnderFaults = {
  provider: 'cata',
  machine: cataJob,
  input: (sim) => ({ baseUrl: sim.url, apiKey: CATA_TEST_KEY, request: { provider: 'grabfood', topic: 'list_remote_outlets' } }),
  script: (sim, run) =>
    sim.cata.scripts.push({
      steps: cataSteps(run).map((step, i): CataStatusStep => {
        if (step === 'question') return { status: 'needs_clarification', question: 'Which field of the response lists the outlets?' };
        if (step === 'end') return run.end === 'succeeded' ? { status: 'completed', resultScriptId: 77 } : { status: 'failed', reason: 'All test attempts failed' };
        return i === 0 ? { status: 'pending' } : { status: 'running', stage: cataStages[i % cataStages.length] };
      }),
    }),
  /** A question holds the job until an answer with a text is taken; an answer it does not await is refused (400). */
  model: (run) => {
    const steps = cataSteps(run);
    let next = 0;
    let awaiting = false;
    let answerHasText = true;
    return {
      answer(request) {
        if (request === 'create') return 'created';
        if (request === 'respond') {
          if (!awaiting || !answerHasText) return 'refused';
          awaiting = false;
          return 'taken';
        }
        if (awaiting) return 'asks';
        const step = steps[Math.min(next++, steps.length - 1)];
        if (step === 'question') {
          awaiting = true;
          return 'asks';
        }
        return step === 'running' ? 'running' : run.end;
      },
      person(act) {
        if (act.act === 'notText') return 'stays';
        answerHasText = act.act === 'answer';
        return 'respond';
      },
    };
  },
  jobCount: (sim) => sim.cata.jobCount,
  spoilEffect: usualSpoilEffect,
  idempotentCreate: false,
  person: {
    timeoutOption: 'answerTimeoutMs',
    act: (actor, _sim, act) =>
      actor.send(
        act.act === 'answer'
          ? { type: 'ANSWER', text: 'The outlets are in data.stores; each store id is a string.' }
          : act.act === 'refusable'
            ? { type: 'ANSWER', text: '' }
            : { type: 'ANSWER' },
      ),
  },
};

export const markdown2pdfUnderFaults: ChartUnderFaults = {
  provider: 'markdown2pdf',
  machine: markdown2pdfJob,
  input: (sim) => ({
    baseUrl: sim.url,
    request: {
      data: { text_body: '# Quarterly report\n\nAll figures are up.', meta: { title: 'Q3', date: '5th June 2026' } },
      options: { document_name: 'q3.pdf' },
    },
  }),
  script: (sim, { inProgress, end }) =>
    sim.markdown2pdf.scripts.push({
      steps: [
        ...Array.from({ length: inProgress }, (_, i) => (i === 0 ? { status: 'Not Started' } : { status: 'Processing', progress: i / (inProgress + 1) })),
        end === 'succeeded' ? { status: 'Done' } : { status: 'Error', status_meta: 'LaTeX compilation failed: undefined control sequence' },
      ],
    }),
  /** Every create of a document not paid for is answered 402; once paid, every create of it gives the same job. */
  model: (run) => {
    let paid = false;
    let statusAnswers = 0;
    return {
      answer(request) {
        if (request === 'create') return paid ? 'created' : 'asksPayment';
        if (request === 'output') return 'output';
        if (statusAnswers++ < run.inProgress) return 'running';
        return run.end === 'succeeded' ? 'done' : 'failed';
      },
      person(act) {
        if (act.act === 'answer') paid = true;
        return 'create';
      },
    };
  },
  jobCount: (sim) => sim.markdown2pdf.jobCount,
  // A create answer is a whole JobStatus: without its `status` it is not one.
  spoilEffect: (fault, request) => (request === 'create' && fault === 'missingFields' ? 'protocol' : usualSpoilEffect(fault, request)),
  // A paid document is the same job however often it is sent (the simulator, as the service, charges per document).
  idempotentCreate: true,
  person: {
    timeoutOption: 'paymentTimeoutMs',
    act: (actor, sim, act) => {
      if (act.act === 'answer') sim.markdown2pdf.settlePayments();
      actor.send({ type: 'PAID' });
    },
  },
};
