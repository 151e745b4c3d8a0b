/**
 * A provider definition: one provider's chart and everything else the command, the simulator, the visualizer and
 * the model tests know about it. Ours are src/providers/<p>/index.ts, listed once in src/providers/registry.ts;
 * an app makes its own the same way (docs/adding-a-provider.md).
 *
 * Types only are imported here: `defineProvider` is in the main entry, which a browser app loads.
 */
import type { AnyActorRef, AnyStateMachine, EventObject, InputFrom } from 'xstate';
import type { PollOptions } from '../core/options.js';
import type { SimRoute } from '../simulator/http.js';
import type { ChartAdapter } from '../testing/types.js';

/** What a job waiting for a person asks, and how the person's reply becomes the event the chart waits for. */
export interface PersonStep {
  /** `question`: free text answer; `confirm`: yes or no. */
  kind: 'question' | 'confirm';
  /** What the person reads, in the provider's own words where it has some. */
  text: string;
  /** What the person needs to answer, shown above the question (e.g. the offers and the invoice to pay). */
  details?: string[];
  /** What `--yes` answers. */
  automaticAnswer: string;
  /** The event to send the job; `null` means "no": the job is cancelled. */
  reply(answer: string): EventObject | null;
}

/** A simulated provider: the routes of its API, served by the simulator on 127.0.0.1. */
export interface SimulatedProvider {
  routes(): SimRoute[];
}

/** A standard job of a test: `inProgress` answers that the job is still being made, then its end. */
export interface StandardRun {
  inProgress: number;
  end: 'succeeded' | 'failed';
}

/** The script a simulated provider's `scripts.push` takes, when it has one. */
export type ScriptOf<TSim> = TSim extends { scripts: { push(script: infer S, ...rest: never[]): void } } ? S : never;

/** The simulated side of a provider, for `startSimulator`, the command's `simulate` and `demo`, and tests. */
export interface ProviderSimulator<TSim extends SimulatedProvider = SimulatedProvider, TOptions = never> {
  /** A new simulated provider (one per simulator). */
  create(options?: TOptions): TSim;
  /** The API key the simulated provider accepts; absent for a provider without keys. */
  testKey?: string;
  /** Where its status answer keeps the job's status (for the `unknownStatus` and `missingFields` faults). Default `['status']`. */
  statusField?: readonly string[];
  /** The script of a standard job (see {@link StandardRun}). */
  script?(run: StandardRun): ScriptOf<TSim>;
}

/** A job of `jobcharts demo`: its request, how the simulated provider plays it, and how it should end. */
export interface ShowcaseStory<TSim = SimulatedProvider> {
  label: string;
  request: unknown;
  /** Default: the demo's own pace (sub-second polls, so the whole demo takes seconds). */
  options?: Partial<PollOptions>;
  /** How the story ends when everything works. */
  expect: 'succeeded' | 'failed' | 'rejected' | 'timedOut' | 'cancelled';
  /** Queues this job's script in the provider's simulated side (matched on the job's own request). */
  script(sim: TSim): void;
  /** The demo cancels the job this long after its start, to show a cancellation. */
  cancelAfterMs?: number;
  /** What `--yes` answers to this job's question. */
  automaticAnswer?: string;
  /** Runs before a person's reply is sent (e.g. the payment is settled in the simulator). */
  beforeReply?(sim: TSim, job: AnyActorRef, event: EventObject): Promise<void> | void;
}

/** The request of a chart's input (`input.request`). */
export type RequestOf<TChart extends AnyStateMachine> = InputFrom<TChart> extends { request?: infer R } ? NonNullable<R> : unknown;

export interface ProviderDefinition<
  TName extends string = string,
  TChart extends AnyStateMachine = AnyStateMachine,
  TSim extends SimulatedProvider = SimulatedProvider,
  TSimOptions = never,
> {
  /** The provider's name: the chart's id, the command's `<provider>` argument, the simulator's request log. */
  name: TName;
  /** As people write it, e.g. `Bland AI`. */
  title: string;
  /** What it makes, for `jobcharts --help`. */
  makes: string;
  /** One line under its chart in the visualizer's atlas. */
  summary: string;
  chart: TChart;
  /** The environment variable holding the API key; absent for a provider without keys. */
  keyEnv?: string;
  /** The environment variable holding the base URL (the command's `--base-url` flag wins). */
  baseUrlEnv: string;
  /** A create request the provider (and its simulator) accepts: the tests' and the examples' standard request. */
  sampleRequest: NoInfer<RequestOf<TChart>>;
  /** A create request from the command's `--prompt` (the chart checks it, as any request). */
  requestFromPrompt(prompt: string): unknown;
  /** A job id as typed on the command line, in the provider's own type (string or integer); `undefined` if it is none. */
  parseJobId(text: string): unknown;
  /** For charts that can stop and wait for a person (a state tagged `needs-input`): what the command asks. */
  personStep?(job: AnyActorRef): PersonStep | Promise<PersonStep>;
  simulator?: ProviderSimulator<TSim, TSimOptions>;
  /** Its jobs in `jobcharts demo` (played by its simulated side). */
  showcase?: NoInfer<readonly ShowcaseStory<TSim>[]>;
  /** How the model tests drive it (`lifecyclePaths`, `runLifecyclePath` of 'jobcharts/testing'). */
  testing?(definition: NoInfer<ProviderDefinition<TName, TChart, TSim, TSimOptions>>): ChartAdapter;
}

/** Any provider definition, whatever its chart and simulator. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProviderDefinition = ProviderDefinition<string, AnyStateMachine, any, any>;

/** A job id as typed: as it is (the default of `parseJobId`). */
const asTyped = (text: string): unknown => text;

/**
 * Defines a provider. `name` must be the chart's id (the visualizer and the model tests find the definition of a
 * running job by it); `parseJobId` defaults to the text as typed.
 */
export function defineProvider<
  const TName extends string,
  TChart extends AnyStateMachine,
  TSim extends SimulatedProvider = SimulatedProvider,
  TSimOptions = never,
>(
  definition: Omit<ProviderDefinition<TName, TChart, TSim, TSimOptions>, 'parseJobId'> & { parseJobId?(text: string): unknown },
): ProviderDefinition<TName, TChart, TSim, TSimOptions> {
  if (definition.name !== definition.chart.id) {
    throw new Error(`defineProvider: name "${definition.name}" is not the chart's id "${definition.chart.id}"`);
  }
  return { parseJobId: asTyped, ...definition };
}
