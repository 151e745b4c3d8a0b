/**
 * The backend-neutral core of both runners: one step of a job. Restore its snapshot, apply the person events stored
 * since the last step (in order), run the chart until it waits or ends, and hand back the snapshot to store.
 */
import { createActor, type AnyStateMachine, type InspectionEvent, type Observer } from 'xstate';
import type { JobOutcome } from '../core/outcome.js';
import type { RequestGate } from '../core/start-input.js';
import type { PersonEvent, RunnerClock } from './types.js';

/** What a step restores with: where requests go and the key, never read from the store (see keys.ts). */
export interface RestoreInput {
  baseUrl: string;
  apiKey?: string;
  signal?: AbortSignal;
  /** A gate before each request (the bullmq runner's rate budget in Redis). */
  gate?: RequestGate;
}

export interface StepJobInput {
  /** The persisted snapshot (as `getPersistedSnapshot()` gave it). */
  snapshot: unknown;
  input: RestoreInput;
  /** Person events stored since the last step, oldest first. */
  events?: readonly PersonEvent[];
  /** The actor system's clock (`SimulatedClock` in tests); wall time by default. */
  clock?: RunnerClock;
  inspect?: Observer<InspectionEvent>;
  /**
   * Stores a snapshot in the middle of the step; no request leaves until it resolves. `events`: the snapshot the
   * person events led to (with the events as applied), before any request of the step goes, so a step cut off after
   * that restores the events' effect and never applies them again (e.g. Cata's answer, which the chart then sends
   * only if it did not arrive). `jobId`: the provider has just given the job its id, so a step cut off after that
   * knows the create was answered (see the runners' create mark).
   */
  checkpoint?: (snapshot: unknown, why: 'events' | 'jobId') => Promise<void>;
}

export interface StepResult {
  /** The snapshot to store. */
  snapshot: unknown;
  /** When the next step is due; null: none (ended, or waiting for a person without a limit). */
  wakeAt: number | null;
  /** The job waits for a person: park it until an event comes (or `wakeAt`, the person's limit). */
  needsInput: boolean;
  /** Set once the job has ended. */
  outcome?: JobOutcome<unknown, unknown>;
  /** The chart's snapshot after the step (for views): state value, tags, context. */
  state: PausedState;
}

export interface PausedState {
  value: unknown;
  tags: string[];
  context: Record<string, unknown>;
  status: string;
}

/**
 * Makes a job's first snapshot without sending anything: the actor is created, never started. The chart's
 * context is made here, so what it fixes once (Perceptis's idempotency key, the overall deadline) is fixed at submit.
 */
const viaBudgetCharts = new WeakMap<AnyStateMachine, AnyStateMachine>();

/**
 * The chart whose way to a request always passes the budget state: the first step then decides whether the key's
 * budget makes the first request wait, in the process that sends it (a budget it holds in memory), not in the one
 * that submitted the job. Made once per chart (`provide` builds the chart's state nodes again).
 */
function viaBudget(chart: AnyStateMachine): AnyStateMachine {
  let provided = viaBudgetCharts.get(chart);
  if (!provided) viaBudgetCharts.set(chart, (provided = chart.provide({ guards: { needsBudget: () => true } })));
  return provided;
}

export function firstSnapshot(
  chart: AnyStateMachine,
  input: RestoreInput & Record<string, unknown>,
  clock?: RunnerClock,
  { firstRequestViaBudget = false } = {},
): { snapshot: unknown; state: PausedState; outcome?: JobOutcome<unknown, unknown> } {
  const logic = firstRequestViaBudget ? viaBudget(chart) : chart;
  const actor = createActor(logic, { input, ...(clock ? { clock } : {}) });
  const state = actor.getSnapshot();
  return {
    snapshot: actor.getPersistedSnapshot(),
    state: { value: state.value, tags: [...state.tags].sort(), context: state.context as Record<string, unknown>, status: state.status },
    ...(state.status === 'done' ? { outcome: state.output as JobOutcome<unknown, unknown> } : {}),
  };
}

export async function stepJob(chart: AnyStateMachine, { snapshot, input, events = [], clock, inspect, checkpoint }: StepJobInput): Promise<StepResult> {
  let stored: Promise<void> = Promise.resolve();
  const actor = createActor(chart, {
    snapshot: snapshot as never,
    input: checkpoint ? { ...input, gate: afterCheckpoint(() => stored, input.gate) } : input,
    ...(clock ? { clock } : {}),
    ...(inspect ? { inspect } : {}),
  });
  const now = () => (clock?.now ? clock.now() : Date.now());
  const store = (why: 'events' | 'jobId') => {
    // Requests go out a microtask later at the earliest (job.ts): the snapshot taken now is from before the next one.
    const persisted = actor.getPersistedSnapshot();
    stored = stored.then(() => checkpoint!(persisted, why));
    stored.catch(() => undefined);
  };
  const watchingForJobId = checkpoint && (snapshot as { context?: { jobId?: unknown } } | null)?.context?.jobId == null;
  const subscription = watchingForJobId
    ? actor.subscribe((state) => {
        if (state.status !== 'active' || (state.context as { jobId?: unknown }).jobId == null) return;
        subscription?.unsubscribe();
        store('jobId');
      })
    : undefined;
  try {
    actor.start();
    for (const event of events) actor.send(event);
    if (checkpoint && events.length && actor.getSnapshot().status === 'active') store('events');
    await stored;
    await untilPaused(actor, now);
    await stored;
    const state = actor.getSnapshot();
    if (state.status === 'error') throw state.error instanceof Error ? state.error : new Error(String(state.error));
    const context = state.context as Record<string, unknown>;
    const needsInput = state.status === 'active' && state.hasTag('needs-input');
    const ended = state.status === 'done';
    return {
      snapshot: actor.getPersistedSnapshot(),
      wakeAt: ended ? null : ((context.wakeAt as number | null) ?? null),
      needsInput,
      ...(ended ? { outcome: state.output as JobOutcome<unknown, unknown> } : {}),
      state: { value: state.value, tags: [...state.tags].sort(), context, status: state.status },
    };
  } finally {
    subscription?.unsubscribe();
    actor.stop();
  }
}

type Actor = ReturnType<typeof createActor<AnyStateMachine>>;

/** A gate that holds each request until the step's checkpoint is stored, then passes it to `inner` (if any). */
function afterCheckpoint(stored: () => Promise<void>, inner: RequestGate | undefined): RequestGate {
  return {
    take: async (signal) => {
      await stored();
      if (!signal.aborted) await inner?.take(signal);
    },
    answered: (answer, sentAt) => inner?.answered(answer, sentAt),
  };
}

/**
 * Resolves once the chart has ended, or waits for something ahead: a wait whose end is still to come, or a
 * person (with no limit, or a limit still ahead). A restored wait that is already over is not a pause: the job's
 * clock ends it at once and the chart goes on.
 */
function untilPaused(actor: Actor, now: () => number): Promise<void> {
  const paused = (): boolean => {
    const state = actor.getSnapshot();
    if (state.status !== 'active') return true;
    if (!state.hasTag('waiting') && !state.hasTag('needs-input')) return false;
    const { wakeAt = null, waitReason } = state.context as { wakeAt?: number | null; waitReason?: string | null };
    // The key's rate budget paces requests in this process (budget.ts): a restored pace would reserve its moment
    // again, one interval later each time, so the step waits it out here.
    if (waitReason === 'budget') return false;
    if (wakeAt === null) return state.hasTag('needs-input');
    return wakeAt > now();
  };
  return new Promise((resolve) => {
    // Checked after the job's clock had its microtask: an overdue restored wait fires before it counts as paused.
    let subscription: { unsubscribe(): void } | undefined;
    const check = () =>
      setImmediate(() => {
        if (!paused()) return;
        subscription?.unsubscribe();
        subscription = undefined;
        resolve();
      });
    subscription = actor.subscribe({ next: check, error: check, complete: check });
    check();
  });
}
