/** Each chart as the fault runs see it: its definition's chart, sample request and standard script, and what is its own. */
import type { AnyProviderDefinition } from '../../src/providers/define.js';
import { providers, registry } from '../../src/providers/registry.js';
import { createIsAtMostOnce } from '../../src/runner/charts.js';
import type { CataSimStage, CataStatusStep } from '../../src/providers/cata/simulator.js';
import type { BodyFault } from '../../src/simulator/http.js';
import type { ChartUnderFaults, FaultRun, RequestKind } from '../support/fault-runs.js';

/**
 * Every chart reads valid JSON whatever its content-type and ignores fields nobody documented; a create answer is read
 * for its job id only (a strange or missing status there does not matter); a huge body is never read.
 */
const usualSpoilEffect = (fault: BodyFault, request: RequestKind) =>
  fault === 'wrongContentType' || fault === 'extraFields' || (request !== 'status' && fault !== 'hugeBody') ? 'answer' : 'protocol';

/** A simulated provider as the fault runs use it. */
interface ScriptedSim {
  scripts: { push(script: unknown): void };
  jobCount: number;
}

/**
 * A chart under faults: the definition's sample request with its simulator's key, its standard script, and whether a
 * create sent again finds the same job (read from the chart, as the runner reads it); `own` adds or replaces.
 */
function underFaults(definition: AnyProviderDefinition, own: Partial<ChartUnderFaults> = {}): ChartUnderFaults {
  const apiKey = definition.simulator?.testKey;
  const simOf = (sim: Parameters<ChartUnderFaults['input']>[0]) => sim.provider(definition.name) as unknown as ScriptedSim;
  return {
    provider: definition.name,
    machine: definition.chart,
    input: (sim) => ({ baseUrl: sim.url, ...(apiKey === undefined ? {} : { apiKey }), request: definition.sampleRequest }),
    script: (sim, run) => simOf(sim).scripts.push(definition.simulator!.script!(run)),
    jobCount: (sim) => simOf(sim).jobCount,
    spoilEffect: usualSpoilEffect,
    idempotentCreate: !createIsAtMostOnce(definition.name),
    ...own,
  };
}

export const perceptisUnderFaults = underFaults(registry.perceptis);
export const blandUnderFaults = underFaults(registry.bland);
export const depictaUnderFaults = underFaults(registry.depicta);

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

export const cataUnderFaults: ChartUnderFaults = underFaults(registry.cata, {
  // Its standard script, with a question before each of the run's `questionsAt`.
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
});

export const markdown2pdfUnderFaults: ChartUnderFaults = underFaults(registry.markdown2pdf, {
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
});

/** Every registered provider under faults: its own entry above, or the standard one. */
const own: Partial<Record<string, ChartUnderFaults>> = { cata: cataUnderFaults, markdown2pdf: markdown2pdfUnderFaults };
export const chartsUnderFaults: ChartUnderFaults[] = providers.map((p) => own[p.name] ?? underFaults(p));

/** A registered provider under faults, by name. */
export function chartUnderFaults(name: string): ChartUnderFaults {
  const chart = chartsUnderFaults.find((c) => c.provider === name);
  if (!chart) throw new Error(`no provider "${name}" in the registry`);
  return chart;
}
