/**
 * The chart factory: what every job chart shares, so that a chart file holds only its provider's part.
 *
 * `pollingJob({...})` owns `setup()` (the shared actions and guards), the context every chart shares, the job's clock
 * (clock.ts, part of the job's logic: job-logic.ts), the root — `CANCEL`, `starting`, `submitting` → `polling`, the
 * five ends and the output — and restoring persisted snapshots (persist.ts, restore.ts). A chart gives its id, its
 * defaults, its own context fields, its create and status requests, its provider's statuses, and states of its own
 * (a person in the loop). The same factory serves an app's own provider: see docs/adding-a-provider.md.
 *
 * The shape it makes, for every chart:
 *
 *   starting ─ bad input → rejected · a job id → polling · a request → submitting
 *   submitting (create, retried) ─ submit.accepted → polling
 *   polling (parallel) ─ provider: what the provider last said, one state per in-progress status
 *                      ─ poller: what we are doing about it (request, wait, back off, retry, budget)
 *   succeeded · failed · rejected · timedOut · cancelled
 */
import {
  setup,
  type ActionFunction,
  type EventObject,
  type GuardPredicate,
  type MachineSnapshot,
  type MetaObject,
  type ParameterizedObject,
  type ProvidedActor,
  type StateMachine,
  type StateNodeConfig,
  type StateSchema,
  type StateValue,
  type AnyActorRef,
  type AnyStateMachine,
  type TransitionConfigOrTarget,
} from 'xstate';
import { clockNow, type TimerDueEvent } from './clock.js';
import type { CancelEvent, HttpFailureEvent } from './events.js';
import { initialJobContext, type AnyJobContext, type JobContext, type JobInput } from './context.js';
import { jobActions } from './actions.js';
import { personWaitActions } from './person.js';
import { jobGuards } from './guards.js';
import { providerCallOf, requestActor } from './request-actor.js';
import type { ProviderCall } from './http.js';
import type { JsonCall } from './json-call.js';
import type { Schema } from './schema.js';
import { jobLogic } from './job-logic.js';
import type { RestoreSpec } from './restore.js';
import { failureTransitions, pollerStates, requestingState, retriedRequestStates, submitStates, waitState } from './states.js';
import type { JobOutcome } from './outcome.js';

/** The context a chart may have: the shared one, its request, and fields of its own. */
type ChartContext = AnyJobContext & { request: unknown };
type JobIdOf<C extends ChartContext> = NonNullable<C['jobId']>;
type RequestOf<C extends ChartContext> = NonNullable<C['request']>;
type ResultOf<C extends ChartContext> = NonNullable<C['result']>;

/** The context of a chart whose provider's create request is `TRequest` (kept until the create is accepted). */
export type PollingJobContext<TRequest, TJobId, TResult> = JobContext<TJobId, TResult> & { request: TRequest | null };
/** What a chart's `input` is: read from its context's types. */
export type PollingJobInput<C extends ChartContext> = JobInput<RequestOf<C>, JobIdOf<C>, C['options']>;
/** What a chart's job ends with (its `output`). */
export type PollingJobOutcome<C extends ChartContext> = JobOutcome<ResultOf<C>, JobIdOf<C>>;
/** The events every chart hears beside its requests' answers. */
export type PollingJobEvent = TimerDueEvent | CancelEvent;
/** A chart's own context fields: its context less the shared ones. */
export type OwnFields<C extends ChartContext> = Omit<C, keyof AnyJobContext | 'request'>;

/**
 * One request of a chart: given the exchange's {@link ProviderCall} (where, which key, time-out, abort) and the job's
 * context, either sends it with a client of the chart's own (a promise of the chart's event; `null` when aborted)
 * or describes it with {@link jsonCall}.
 */
export type ChartRequest<C, TEvent> = (call: ProviderCall, context: C) => Promise<TEvent | null> | JsonCall<TEvent>;

/** The events a chart hears: its requests' answers, the shared ones, and any of its own (a person's). */
type AllEvents<TEvent extends EventObject> = TEvent | PollingJobEvent | HttpFailureEvent;

/** A transition a chart writes, on its own context and events. */
type Transition<C extends ChartContext, TEvent extends EventObject> = TransitionConfigOrTarget<C, AllEvents<TEvent>, AllEvents<TEvent>, ProvidedActor, ParameterizedObject, ParameterizedObject, string, EventObject, MetaObject>;

/** A state a chart writes, on its own context and events. */
export type ChartState<C extends ChartContext, TEvent extends EventObject> = StateNodeConfig<
  C,
  AllEvents<TEvent>,
  ProvidedActor,
  ParameterizedObject,
  ParameterizedObject,
  string,
  string,
  unknown,
  EventObject,
  MetaObject
>;

/** The shared builders, with the chart's id filled in: for a chart's own states (a person in the loop). */
export interface StateKit {
  /** `#<chart id>.<path>`: a target anywhere in the chart. */
  at(path: string): string;
  /** One request in flight by `actor`, with the shared failure handling; `on` adds (or overrides) transitions. */
  requesting(actor: string, on?: Record<string, unknown>): object;
  /** A wait until `context.wakeAt`, then `then` (a sibling); past the overall deadline the job times out. */
  waiting(then: string): object;
  /** A single request, retried as a create is (e.g. fetching a finished job's output): a compound state. */
  retriedRequest(actor: string): object;
  /** The factory's `polling` state: list it among the chart's own states to place them before it (default: after). */
  polling: object;
}

export interface PollingJobConfig<C extends ChartContext, TEvent extends EventObject, TTag extends string> {
  /** The chart's id: its provider's name, in snapshots, the visualizer and the budget registry. */
  id: string;
  /** The chart's types, as XState's `setup({ types })`: its context, the events its requests send, and its own tags. */
  types: { context: C; events: TEvent; tags?: TTag };
  /** The provider's polling advice, over `defaultPollOptions`. */
  defaults: NoInfer<Partial<C['options']>>;
  /** The provider's create request (checked before anything is sent) and its job ids (a string, an integer…). */
  schemas: NoInfer<{ request: Schema<RequestOf<C>>; jobId: Schema<JobIdOf<C>> }>;
  /** Whether the provider needs `apiKey` (default true). */
  needsKey?: boolean;
  /**
   * Whether sending the create again finds the job the first one made (default true: an idempotency key). When not,
   * a create that may have reached the provider is never sent twice; the job ends rejected / unconfirmed.
   */
  idempotentCreate?: boolean;
  /** Options of the chart's own beside the polling ones (e.g. Cata's `answerTimeoutMs`): checks and defaults. */
  extraOptions?: RestoreSpec['extraOptions'];
  /** The schemas of the chart's own context fields, which a restored snapshot must pass. */
  fields?: RestoreSpec['fields'];
  /** The chart's own context fields in a new job. */
  initialFields?: NoInfer<() => OwnFields<C>>;
  /** A check of the chart's own across a restored context's fields: a sentence saying what is wrong, or null. */
  check?: RestoreSpec['check'];
  /**
   * States (by id) whose request changes the job at the provider and may have reached it when the job was persisted,
   * each with the state a job restored in it resumes in instead (e.g. Cata's answer: read the status first).
   */
  resumeInsteadOf?: RestoreSpec['resumeInsteadOf'];
  /** Creates the job: its answer is `submit.accepted` with `jobId`, or a failure. */
  create: NoInfer<ChartRequest<C & { request: RequestOf<C> }, TEvent>>;
  /** Asks how the job is doing: its answer is one status event (an in-progress one, or an end). */
  status: NoInfer<ChartRequest<C & { jobId: JobIdOf<C> }, TEvent>>;
  /** Further requests of the chart's own states once the job exists, by actor name (e.g. Cata's `respond`). */
  requests?: NoInfer<Record<string, ChartRequest<C & { jobId: JobIdOf<C> }, TEvent>>>;
  /** What the create's answers do beside `submit.accepted` → polling. */
  submitting?: {
    /** Actions of the chart's own when the create is accepted (after recording the answer and the job id). */
    accepted?: string[];
    /** Other answers to the create (e.g. markdown2pdf's 402). */
    on?: NoInfer<Record<string, Transition<C, TEvent>>>;
  };
  /** The provider's side of `polling`. */
  provider: {
    /**
     * The in-progress statuses: event → the provider state it means (`'running.testing'` nests). Each is also
     * "ask again after the next poll interval". Before the first answer the provider is in `unknown`.
     */
    states: Record<string, string>;
    /** Actions of the chart's own on every status answer (in progress, succeeded or failed). */
    actions?: string[];
    /**
     * The other answers: `'succeeded'` (the event carries `result`), `'failed'` (the event carries `error`), or a
     * transition of the chart's own (to a state of `states`).
     */
    on: NoInfer<Record<string, 'succeeded' | 'failed' | Transition<C, TEvent>>>;
  };
  /** The chart's own actions (XState `assign`s), beside the shared ones and those of a person's wait (person.ts). */
  actions?: NoInfer<Record<string, ActionFunction<C, AllEvents<TEvent>, AllEvents<TEvent>, undefined, ProvidedActor, ParameterizedObject, ParameterizedObject, string, EventObject>>>;
  /** The chart's own guards, beside the shared ones. */
  guards?: NoInfer<Record<string, GuardPredicate<C, AllEvents<TEvent>, undefined, ParameterizedObject>>>;
  /** The chart's own states (a person in the loop), after `polling` unless they list `polling` (see {@link StateKit}). */
  states?: NoInfer<(kit: StateKit) => Record<string, ChartState<C, TEvent>>>;
}

/** A chart the factory made: an XState machine on the chart's context and events, ending with its outcome. */
export type PollingJob<C extends ChartContext, TEvent extends EventObject, TTag extends string = never> = StateMachine<
  C,
  AllEvents<TEvent>,
  Record<string, AnyActorRef | undefined>,
  ProvidedActor,
  ParameterizedObject,
  ParameterizedObject,
  string,
  StateValue,
  'waiting' | 'requesting' | TTag,
  PollingJobInput<C>,
  PollingJobOutcome<C>,
  EventObject,
  MetaObject,
  StateSchema
>;

/** The snapshot of a chart the factory made. */
export type PollingJobSnapshot<C extends ChartContext, TEvent extends EventObject, TTag extends string = never> = MachineSnapshot<
  C,
  AllEvents<TEvent>,
  Record<string, AnyActorRef | undefined>,
  StateValue,
  'waiting' | 'requesting' | TTag,
  PollingJobOutcome<C>,
  MetaObject,
  StateSchema
>;

/** Makes a job chart: see the file's header. */
export function pollingJob<C extends ChartContext, TEvent extends EventObject, TTag extends string = never>(
  config: PollingJobConfig<C, TEvent, TTag>,
): PollingJob<C, TEvent, TTag> {
  const { id } = config;
  const spec: RestoreSpec<RequestOf<C>> = {
    provider: id,
    defaults: config.defaults,
    requestSchema: config.schemas.request,
    jobIdSchema: config.schemas.jobId,
    needsKey: config.needsKey ?? true,
    idempotentCreate: config.idempotentCreate ?? true,
    ...(config.extraOptions ? { extraOptions: config.extraOptions } : {}),
    ...(config.fields ? { fields: config.fields } : {}),
    ...(config.initialFields ? { initialFields: config.initialFields as () => Record<string, unknown> } : {}),
    ...(config.check ? { check: config.check } : {}),
    ...(config.resumeInsteadOf ? { resumeInsteadOf: config.resumeInsteadOf } : {}),
  };
  const requests = { create: config.create, status: config.status, ...config.requests } as Record<string, ChartRequest<C, TEvent>>;
  const actors = Object.fromEntries(
    Object.entries(requests).map(([name, request]) => [
      name,
      requestActor<C>((args) => {
        const call = providerCallOf(args);
        const sent = request(call, args.context);
        return 'send' in sent ? sent.send(call) : sent;
      }),
    ]),
  );
  const { provider } = config;
  const providerActions = provider.actions ?? [];
  const polling = {
    type: 'parallel',
    states: {
      provider: providerRegion(provider.states, providerActions),
      poller: pollerStates(id, 'status', Object.keys(provider.states)),
    },
    on: Object.fromEntries(Object.entries(provider.on).map(([event, to]) => [event, endTransition(to, providerActions)])),
  };
  const kit: StateKit = {
    at: (path) => `#${id}.${path}`,
    requesting: (actor, on = {}) => ({ ...requestingState(id, actor), on: { ...failureTransitions(id), ...on } }),
    waiting: (then) => waitState(id, then),
    retriedRequest: (actor) => retriedRequestStates(id, actor),
    polling,
  };
  const own = config.states?.(kit) ?? {};
  const machine = setup({
    types: {} as { context: C; events: AllEvents<TEvent>; input: PollingJobInput<C>; output: PollingJobOutcome<C>; tags: 'waiting' | 'requesting' | TTag },
    actors,
    actions: { ...jobActions, ...personWaitActions, ...config.actions },
    guards: { ...jobGuards, ...config.guards },
  } as never).createMachine({
    id,
    context: ({ input, self }: { input: PollingJobInput<C>; self: AnyActorRef }) => ({
      ...initialJobContext(input, spec, clockNow(self.system)),
      ...config.initialFields?.(),
    }),
    on: { CANCEL: '.cancelled' },
    initial: 'starting',
    states: {
      // Bad input ends the job at once, a job id attaches (poll only), a request is submitted first.
      starting: {
        always: [
          { guard: 'hasInputProblem', target: 'rejected' },
          { guard: 'isAttach', target: 'polling' },
          { target: 'submitting' },
        ],
      },
      submitting: {
        ...submitStates(id, 'create', { idempotent: spec.idempotentCreate }),
        on: {
          'submit.accepted': { target: 'polling', actions: ['recordAnswer', 'recordJobId', ...(config.submitting?.accepted ?? [])] },
          ...config.submitting?.on,
        },
      },
      ...(own.polling ? own : { polling, ...own }),
      // Each end's entry action writes `context.outcome`, the chart's `output`.
      succeeded: { type: 'final', entry: 'endSucceeded' },
      failed: { type: 'final', entry: 'endFailed' },
      rejected: { type: 'final', entry: 'endRejected' },
      timedOut: { type: 'final', entry: 'endTimedOut' },
      cancelled: { type: 'final', entry: 'endCancelled' },
    },
    output: ({ context }: { context: C }) => context.outcome,
  } as never);
  return jobLogic(machine as unknown as AnyStateMachine, spec as RestoreSpec<unknown>) as unknown as PollingJob<C, TEvent, TTag>;
}

/**
 * The provider's region: `unknown` until the first status answer, then one state per in-progress status; a dotted
 * state (`running.testing`) nests, its parent starting in its first child.
 */
function providerRegion(states: Record<string, string>, actions: string[]) {
  type Node = { initial?: string; states?: Record<string, Node> };
  const root: Required<Node> = { initial: 'unknown', states: { unknown: {} } };
  const on: Record<string, string | { target: string; actions: string[] }> = {};
  for (const [event, path] of Object.entries(states)) {
    let node: Node = root;
    for (const name of path.split('.')) {
      node.initial ??= name;
      node.states ??= {};
      node = node.states[name] ??= {};
    }
    on[event] = actions.length ? { target: `.${path}`, actions } : `.${path}`;
  }
  return { ...root, on };
}

/** A status answer that ends polling: the shared ends record what they need, a chart's own transition is its own. */
function endTransition(to: unknown, actions: string[]) {
  if (to === 'succeeded') return { target: 'succeeded', actions: ['recordAnswer', ...actions, 'recordResult'] };
  if (to === 'failed') return { target: 'failed', actions: actions.length ? ['recordAnswer', ...actions] : 'recordAnswer' };
  return to;
}
