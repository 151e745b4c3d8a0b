/**
 * The adapter of a provider whose chart is the common shape (submit, then poll statuses): its statuses are
 * scripted in its simulator's job script, every other answer to a create request goes through the simulator's
 * fault plan, and refusals of the key itself can be the simulator's own answer to a key it refuses.
 */
import type { PollOptions } from '../../core/options.js';
import type { AnyProviderDefinition } from '../../providers/define.js';
import type { SimulatorOptions } from '../../simulator/server.js';
import type { AnswerVariant, ChartAdapter } from '../types.js';
import { failureAnswers, faultOf } from './shared.js';

/** What the adapter needs of a provider's simulator. */
interface ScriptedSim {
  scripts: { push(script: { steps: never[] }): void };
  addJob(script: { steps: never[] }): string | number;
}

export interface PollingProviderSpec {
  /** A create request the chart refuses before sending anything, made from the definition's sample request. */
  invalidRequest(sample: never): unknown;
  /** A job id the chart accepts (for the in-memory model of an attach). */
  modelJobId: string | number;
  /** The provider's own error body. */
  errorBody(code: string, message: string): unknown;
  /** The provider's status answers: the chart's event and the simulator's script step. */
  statuses: AnswerVariant[];
  /** Create refusals the simulator gives on its own to some key, by HTTP status (e.g. 401 → an unknown key). */
  keysFor?: Partial<Record<number, string>>;
  options?: Partial<PollOptions>;
  /** How a shared answer step is written for this simulator, when it reads one differently (see Depicta). */
  scriptStep?(step: Record<string, unknown>): Record<string, unknown>;
  /** The status the provider accepts a job with, when not 200. */
  acceptedStatus?: number;
  simulatorOptions?: SimulatorOptions;
}

/** Short paths: one retry, so the retry budget runs out in two failures; an hour, so only `late` steps time out. */
export const MODEL_OPTIONS: Partial<PollOptions> = { maxRetries: 1, jitter: 0, timeoutMs: 3_600_000 };

/**
 * The definition gives the chart, the sample request and the simulator's key; the provider's simulated side is the
 * one the simulator made from the definition (`sim.provider(name)`).
 */
export function pollingAdapter(definition: AnyProviderDefinition, spec: PollingProviderSpec): ChartAdapter {
  const failures = failureAnswers(spec.errorBody);
  const request = definition.sampleRequest as unknown;
  const invalidRequest = spec.invalidRequest(request as never);
  const apiKey = definition.simulator?.testKey;
  const keyed = apiKey === undefined ? {} : { apiKey };
  return {
    chart: definition.chart,
    provider: definition.name,
    starts: ['submit', 'attach', 'invalid'],
    options: { ...MODEL_OPTIONS, ...spec.options },
    simulatorOptions: spec.simulatorOptions,
    methods: { create: 'POST', status: 'GET' },
    ...(spec.acceptedStatus ? { okStatus: { create: spec.acceptedStatus } } : {}),
    answers: {
      create: [{ label: 'submit.accepted', event: { type: 'submit.accepted', jobId: spec.modelJobId } }, ...failures],
      status: [...spec.statuses, ...failures],
    },
    modelInput: (start) => ({
      baseUrl: 'http://127.0.0.1:9',
      ...keyed,
      ...(start === 'attach' ? { jobId: spec.modelJobId } : { request: start === 'invalid' ? invalidRequest : request }),
    }),
    arrange(sim, path) {
      let key = apiKey;
      for (const answer of path.answers.filter((a) => a.call === 'create')) {
        if (!answer.step) continue;
        const refusedKey = typeof answer.step.http === 'number' ? spec.keysFor?.[answer.step.http] : undefined;
        if (refusedKey) key = refusedKey;
        else sim.faults.add({ provider: definition.name, method: 'POST', fault: faultOf(answer.step) });
      }
      const steps = path.answers
        .filter((a) => a.call === 'status')
        .map((a) => (spec.scriptStep ? spec.scriptStep(a.step ?? {}) : a.step) as never);
      const input: Record<string, unknown> = { baseUrl: sim.url, ...(key === undefined ? {} : { apiKey: key }), options: path.options };
      const provider = sim.provider(definition.name) as unknown as ScriptedSim;
      if (path.start === 'attach') input.jobId = provider.addJob({ steps: steps.length ? steps : [spec.statuses[0].step as never] });
      else {
        if (steps.length) provider.scripts.push({ steps });
        input.request = path.start === 'invalid' ? invalidRequest : request;
      }
      return input;
    },
  };
}
