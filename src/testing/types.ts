import type { AnyStateMachine, StateValue } from 'xstate';
import type { PollOptions } from '../core/options.js';
import type { Simulator, SimulatorOptions } from '../simulator/server.js';

/** How a path starts the job: submit a request, attach to an existing job by id, or with input that cannot start one. */
export type StartMode = 'submit' | 'attach' | 'invalid';

/**
 * One step of the simulator's script vocabulary (`ScriptStep` of src/simulator/script.ts): a provider status step
 * such as `{ status: 'processing' }`, `{ http: 503 }`, `{ http: 429, headers: { 'retry-after': '2' } }`, `{ fault: 'reset' }`.
 */
export type AnswerStep = Record<string, unknown>;

/** What the simulated provider answers to one request of the job. */
export interface ScriptedAnswer {
  /** Which of the chart's requests: the name of the invoked request actor (`create`, `status`, …). */
  call: string;
  /** The answer; absent: the provider answers as it normally does (e.g. accepts the job). */
  step?: AnswerStep;
}

/** An event as the chart receives it. */
export interface ModelEvent {
  type: string;
  [field: string]: unknown;
}

/** The state a job is in after a step, as `snapshot.value` and whether it has ended. */
export interface ExpectedState {
  value: StateValue;
  done: boolean;
}

/** One request as the simulator's log shows it: method and the HTTP status answered or the wire fault played. */
export interface ExpectedRequest {
  call: string;
  method: string;
  answer: number | string;
}

export interface PathStep {
  /**
   * `answer`: the provider answers the request in flight; `timer`: the current wait ends;
   * `person`: the app sends the event (`CANCEL`, `ANSWER`, `PAID`); `auto`: the job's own actors do it at once
   * (the key's rate budget lets the request go, or makes it wait its turn).
   */
  kind: 'answer' | 'timer' | 'person' | 'auto';
  /** e.g. `status.processing`, `http.transient (503)`, `timer.due`, `CANCEL`. */
  label: string;
  /** The event the chart receives (without the `at` stamp the real actors add). */
  event: ModelEvent;
  /** For `answer` steps: what the simulator is scripted to answer. */
  answer?: ScriptedAnswer;
  /** For `person` steps taken while a request is in flight: that request is scripted to hang until then. */
  inFlight?: ScriptedAnswer;
  /** The job's overall deadline has passed when this happens (the clock is moved there first). */
  late?: boolean;
  /** Where the job is after this step. */
  expect: ExpectedState;
  /** The request the job has in flight after this step, if any (the name of its request actor). */
  inFlightAfter?: string;
  /**
   * The key's shared rate budget may make the request wait its turn first (`waitingForBudget.paced`): how long
   * depends on the budget's history (src/core/budget-registry.ts), not on the chart, so the path allows it.
   */
  mayWaitForBudget?: true;
  /** Every request the provider has seen once this step is done, oldest first. */
  requests: ExpectedRequest[];
}

/** One generated lifecycle of a chart: JSON-serialisable, so an app can drive its own UI through it. */
export interface LifecyclePath {
  /** e.g. `perceptis#07`. */
  id: string;
  chart: string;
  description: string;
  start: StartMode;
  /** Poll options that make the path short (e.g. a small `maxRetries` so the retry budget can run out). */
  options: Partial<PollOptions>;
  /** Where the job is right after it starts. */
  initial: ExpectedState;
  /** Everything the simulated provider answers, in order of the requests. */
  answers: ScriptedAnswer[];
  steps: PathStep[];
  /** The final state the path ends in: succeeded | failed | rejected | timedOut | cancelled. */
  end: string;
  /** Chart transitions (`<source>|<event>|<branch>`) this path takes, as the model predicts. */
  transitions: string[];
}

/** A kind of answer a request can get, as the chart sees it and as the simulator is scripted to give it. */
export interface AnswerVariant {
  label: string;
  event: ModelEvent;
  /** Absent: the provider's own normal answer. */
  step?: AnswerStep;
}

/**
 * What the generator and the runner need to know about one provider beyond its chart: the answers each of
 * its requests can get, how to script its simulator, and the options that keep paths short. Kept out of the chart.
 */
export interface ChartAdapter {
  chart: AnyStateMachine;
  /** The provider name in the simulator (routes, request log). */
  provider: string;
  starts: readonly StartMode[];
  options: Partial<PollOptions>;
  simulatorOptions?: SimulatorOptions;
  /** The answers each request actor (by name) can get. */
  answers: Record<string, readonly AnswerVariant[]>;
  /** The answers a request can get in this context, when narrower than `answers` (e.g. a job held by the provider). */
  answersFor?(call: string, context: Record<string, unknown>): readonly AnswerVariant[];
  /**
   * Whether restoring at every step can be scripted for this path (default: yes). A request in flight is scripted to
   * hang while the job is persisted; a simulator that ignores its script in some state cannot do that there.
   */
  restorable?(path: LifecyclePath): boolean;
  /**
   * Requests a job restored while they are out does not send again (a create without an idempotency key ends the job
   * rejected / unconfirmed instead): restoring at every step carries on with the same actor past them.
   */
  notResentOnRestore?: readonly string[];
  /** Events a person can send besides `CANCEL` (e.g. Cata `ANSWER`, markdown2pdf `PAID`). */
  personEvents?: readonly { label: string; event: ModelEvent }[];
  /** The HTTP method of each request actor, for the expected request log. */
  methods: Record<string, string>;
  /** The status of the provider's own answer to a request, by request actor, when not 200 (e.g. Depicta's 202). */
  okStatus?: Record<string, number>;
  /** Input for the in-memory model (never sent anywhere). */
  modelInput(start: StartMode): Record<string, unknown>;
  /** Context the chart's own guards read beyond the shared ones (added to the model's state identity). */
  modelKey?(context: Record<string, unknown>): unknown;
  /** Scripts the simulator for the path and returns the job actor's input. */
  arrange(sim: Simulator, path: LifecyclePath): Record<string, unknown>;
}
