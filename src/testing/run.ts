/**
 * Runs a generated lifecycle path for real: the simulator is scripted with the path's answers, the real job actor
 * talks HTTP to it (ofetch), time is a `SimulatedClock`, and after every step the actor must be in the state the
 * path says and the simulator's log must show exactly the requests the path says.
 *
 * With `restoreAtEveryStep`, the job is persisted (JSON round trip) in every state it reaches and continued by a
 * new actor each time. A state with a request in flight is persisted once that request has reached the provider
 * (scripted to hang): the restored job sends it again, as a restored job does — so the log holds one extra,
 * hung request per such state, and never a second job.
 */
import { isDeepStrictEqual } from 'node:util';
import { createActor, SimulatedClock, type AnyActorRef, type AnyMachineSnapshot } from 'xstate';
import { clearRateBudgets } from '../core/budget-registry.js';
import type { Simulator } from '../simulator/server.js';
import type { CoverageRecorder } from './chart.js';
import type { ChartAdapter, ExpectedRequest, ExpectedState, LifecyclePath, PathStep, ScriptedAnswer } from './types.js';

export interface RunOptions {
  sim: Simulator;
  /** Persist and restore into a new actor in every state the path reaches. */
  restoreAtEveryStep?: boolean;
  recorder?: CoverageRecorder;
  /** Real milliseconds a step may take before the run fails. Default 5000. */
  stepTimeoutMs?: number;
}

export interface RunResult {
  output: unknown;
  /** What the provider saw: method and answer of each request. */
  requests: string[];
  /** Actors used: 1, or one more per state reached when restoring at every step. */
  actors: number;
  /** States the job was not persisted in, restoring at every step (see `ChartAdapter.notResentOnRestore`). */
  carriedSteps: number;
}

const START = Date.UTC(2026, 0, 1);
const HANG: ScriptedAnswer['step'] = { fault: 'hang' };
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const describeState = (s: { value: unknown; status?: string }) => `${JSON.stringify(s.value)}${s.status === 'done' ? ' (done)' : ''}`;
const matches = (snapshot: AnyMachineSnapshot, expected: ExpectedState) =>
  isDeepStrictEqual(snapshot.value, expected.value) && (snapshot.status === 'done') === expected.done;
const inBudgetWait = (snapshot: AnyMachineSnapshot) => JSON.stringify(snapshot.value).includes('"waitingForBudget"');
const persist = (actor: AnyActorRef) => JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as unknown;

/**
 * Follows one actor's snapshots against the states a path expects, in order. Snapshots arrive synchronously
 * (several in one call when the job's own actors answer at once), so they are matched as they come.
 */
class StateFeed {
  reached = 0;
  persisted: unknown = null;
  private failure: Error | null = null;
  private waiters: (() => void)[] = [];
  private readonly subscription: { unsubscribe(): void };

  constructor(
    readonly actor: AnyActorRef,
    private readonly steps: PathStep[],
    private previous: ExpectedState,
    /** Stop at the first state reached and persist it there, unless a request is in flight in it. */
    private readonly stopAtFirst: boolean,
  ) {
    this.subscription = actor.subscribe({
      next: (s) => this.onSnapshot(s as AnyMachineSnapshot),
      error: (e) => this.fail(e instanceof Error ? e : new Error(String(e))),
    });
  }

  private onSnapshot(snapshot: AnyMachineSnapshot): void {
    if (this.failure || this.reached >= this.steps.length) return;
    if (snapshot.status === 'error') return this.fail(new Error(`the job errored: ${String(snapshot.error)}`));
    const step = this.steps[this.reached];
    if (matches(snapshot, step.expect)) {
      this.previous = step.expect;
      this.reached += 1;
      if (this.stopAtFirst && !step.inFlightAfter) {
        // Before the job's own actors act on the state (a timer arms in a microtask): persisted exactly there.
        this.persisted = persist(this.actor);
        this.subscription.unsubscribe();
        this.actor.stop();
      }
      this.wake();
    } else if (!matches(snapshot, this.previous) && !(step.mayWaitForBudget && inBudgetWait(snapshot))) {
      const want = describeState({ ...step.expect, status: step.expect.done ? 'done' : 'active' });
      this.fail(new Error(`expected ${want}, the job went to ${describeState(snapshot)}`));
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once `count` states are reached; `whileWaiting` runs each time nothing happened for a turn. */
  async until(count: number, timeoutMs: number, what: string, whileWaiting?: () => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.failure && this.reached < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: still in ${describeState(this.actor.getSnapshot())} after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, whileWaiting ? 2 : 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (this.reached < count) whileWaiting?.();
    }
    if (this.failure) throw new Error(`${what}: ${this.failure.message}`);
  }

  close(): void {
    this.subscription.unsubscribe();
  }
}

/**
 * The answers the simulator gives in this run, in order: the path's, plus — when restoring at every step — a hang
 * for the request in flight in each state where the job is persisted (the restored job sends that request again).
 */
export function runAnswers(
  path: LifecyclePath,
  restore: boolean,
  notResent: readonly string[] = [],
): { answers: ScriptedAnswer[]; logAfter: string[][] } {
  const answers: ScriptedAnswer[] = [];
  const logAfter: string[][] = [];
  const log: string[] = [];
  path.steps.forEach((step, i) => {
    const sent = step.requests.slice(i === 0 ? 0 : path.steps[i - 1].requests.length);
    const scripted = step.answer ?? step.inFlight;
    if (scripted) answers.push(scripted);
    log.push(...sent.map((r) => `${r.method} ${r.answer}`));
    if (restore && step.inFlightAfter && !notResent.includes(step.inFlightAfter)) {
      answers.push({ call: step.inFlightAfter, step: HANG });
      log.push(`${methodOf(path, step.inFlightAfter)} hang`);
    }
    logAfter.push([...log]);
  });
  return { answers, logAfter };
}

function methodOf(path: LifecyclePath, call: string): string {
  for (const step of path.steps) for (const r of step.requests) if (r.call === call) return r.method;
  return call === 'create' ? 'POST' : 'GET';
}

/** Runs `path` against the simulator; throws, saying where, at the first difference from the path. */
export async function runLifecyclePath(adapter: ChartAdapter, path: LifecyclePath, options: RunOptions): Promise<RunResult> {
  const { sim, recorder } = options;
  const stepTimeoutMs = options.stepTimeoutMs ?? 5_000;
  const restore = options.restoreAtEveryStep ?? false;
  clearRateBudgets();
  const clock = new SimulatedClock();
  clock.set(START);
  const notResent = adapter.notResentOnRestore ?? [];
  const { answers, logAfter } = runAnswers(path, restore, notResent);
  const input = adapter.arrange(sim, { ...path, answers });
  const inspect = recorder?.inspect;
  const where = (i: number) => `${path.id} step ${i + 1} (${path.steps[i]?.label ?? 'end'})${restore ? ' [restored at every step]' : ''}`;
  const seen = () => sim.requests(adapter.provider).map((r) => `${r.method} ${r.answer}`);
  const checkRequests = (i: number, wanted: string[]) => {
    const actual = seen();
    if (!isDeepStrictEqual(actual, wanted)) {
      throw new Error(`${where(i)}: the provider saw ${JSON.stringify(actual)}, the path says ${JSON.stringify(wanted)}`);
    }
  };
  const untilLogged = async (count: number, what: string) => {
    const deadline = Date.now() + stepTimeoutMs;
    while (sim.requests(adapter.provider).length < count) {
      if (Date.now() > deadline) throw new Error(`${what}: the request in flight never reached the provider`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  let actors = 1;
  const start = (snapshot: unknown) => {
    const actor = createActor(adapter.chart, { clock, input, inspect, ...(snapshot ? { snapshot: snapshot as never } : {}) });
    recorder?.observeSnapshot(actor.getSnapshot() as never);
    return actor;
  };

  let actor = start(null);
  if (restore) {
    // Persisted before it ever ran, restored into the actor that starts it.
    actor = start(persist(actor));
    actors += 1;
  }
  if (!matches(actor.getSnapshot() as AnyMachineSnapshot, path.initial)) {
    throw new Error(`${path.id}: starts in ${describeState(actor.getSnapshot())}, the path says ${JSON.stringify(path.initial.value)}`);
  }
  let feed = new StateFeed(actor, restore ? path.steps.slice(0, 1) : path.steps, path.initial, restore);
  actor.start();

  /** The job was not persisted in the last state (its request is not sent again on restore): it carries on. */
  let carried = false;
  let carriedSteps = 0;
  for (let i = 0; i < path.steps.length; i++) {
    const step = path.steps[i];
    if (restore && i > 0 && carried) {
      feed = new StateFeed(actor, path.steps.slice(i, i + 1), path.steps[i - 1].expect, true);
      carried = false;
    } else if (restore && i > 0) {
      actor = start(feed.persisted);
      actors += 1;
      feed = new StateFeed(actor, path.steps.slice(i, i + 1), path.steps[i - 1].expect, true);
      actor.start();
    }
    const target = restore ? 1 : i + 1;
    const deadlineAt = (actor.getSnapshot() as AnyMachineSnapshot).context.deadlineAt as number | null;
    const lateTo = (at: number) => (step.late && deadlineAt !== null ? Math.max(at, deadlineAt) : at);
    switch (step.kind) {
      case 'answer':
        clock.set(lateTo(clock.now()));
        break;
      case 'timer': {
        await nextTurn(); // the job's clock arms its timer in a microtask
        const wakeAt = (actor.getSnapshot() as AnyMachineSnapshot).context.wakeAt as number | null;
        clock.set(lateTo(Math.max(clock.now(), wakeAt ?? clock.now())));
        break;
      }
      case 'person':
        if (step.inFlight) await untilLogged((logAfter[i - 1]?.length ?? 0) + 1, where(i));
        actor.send(step.event as never);
        break;
      case 'auto':
        break;
    }
    // The budget may pace the request: its wait ends when the clock gets there.
    const pace = step.mayWaitForBudget
      ? () => {
          const s = actor.getSnapshot() as AnyMachineSnapshot;
          const wakeAt = s.context.wakeAt as number | null;
          if (s.hasTag('waiting') && wakeAt !== null) clock.set(Math.max(clock.now(), wakeAt));
        }
      : undefined;
    await feed.until(target, stepTimeoutMs, where(i), pace);
    if (restore && step.inFlightAfter && notResent.includes(step.inFlightAfter)) {
      feed.close();
      carried = true;
      carriedSteps += 1;
    } else if (restore && step.inFlightAfter) {
      // Persisted with the request in flight: once the provider has it (it hangs), the job is stopped there.
      await untilLogged(logAfter[i].length, where(i));
      feed.persisted = persist(actor);
      feed.close();
      actor.stop();
    }
    checkRequests(i, logAfter[i]);
  }
  feed.close();

  let final = actor.getSnapshot() as AnyMachineSnapshot;
  if (restore && final.status === 'done') {
    // The end itself, restored: still the same end, and nothing sent.
    const again = start(persist(actor)).start();
    actors += 1;
    final = again.getSnapshot() as AnyMachineSnapshot;
    again.stop();
  }
  if (final.status !== 'done') throw new Error(`${path.id}: ended the path in ${describeState(final)}, not in an end`);
  await new Promise((resolve) => setTimeout(resolve, 10));
  checkRequests(path.steps.length - 1, logAfter[path.steps.length - 1] ?? []);
  return { output: final.output, requests: seen(), actors, carriedSteps };
}
