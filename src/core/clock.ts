import type { AnyActorRef } from 'xstate';
import { cancelOnAbort } from './abort.js';
import { MAX_TIMER_MS } from './options.js';
import { systemClockOf } from './xstate-internals.js';

/** XState's own `AnyActorSystem` (not exported by name). */
type AnyActorSystem = AnyActorRef['system'];

interface ClockWithNow {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  now?: () => number;
}

/** The actor system's clock (`SimulatedClock` in tests): its timers are the ones a test's clock moves. */
export function clockOf(system: AnyActorSystem): ClockWithNow {
  return systemClockOf(system);
}

/**
 * The actor system's idea of "now": the `SimulatedClock`'s time in tests, wall time otherwise.
 * Every deadline in a chart's context is on this scale, so a persisted snapshot restored later
 * (with the default clock) fires its timers at the right wall-clock moment.
 */
export function clockNow(system: AnyActorSystem): number {
  const clock = clockOf(system);
  return typeof clock.now === 'function' ? clock.now() : Date.now();
}

/** Event the job's clock ({@link runJobClock}) sends when the current wait has come to its end. */
export interface TimerDueEvent {
  type: 'timer.due';
  at: number;
}

/** What the clock reads of its job's snapshot. */
interface Waiting {
  context?: { wakeAt?: number | null; waitReason?: string | null };
}

/** The end of the job's current wait, if the clock times it: a wait for the rate budget is timed by the budget's actor. */
function timedWakeAt(snapshot: Waiting): number | null {
  const context = snapshot.context;
  return context?.waitReason === 'budget' ? null : (context?.wakeAt ?? null);
}

/**
 * The job's clock: part of the job's own logic (the chart factory starts it with the job, see job-logic.ts), not an
 * actor. It follows the job's snapshots and keeps one timer set to the end of the current wait, `context.wakeAt` (an
 * absolute time on the {@link clockNow} scale), and sends the job `timer.due` then. A wait state only sets `wakeAt`,
 * and every way out of a wait clears it (entering a request does); `wakeAt: null` is no wait, or a wait without an
 * end. Longer waits than `setTimeout` can hold are chained. Not the rate budget's `paced` wait: the budget's own
 * actor times that one (see budget-actor.ts). The timer is cleared when the job ends or is stopped.
 *
 * Why one clock per job: XState's own `after` timers are lost when a snapshot is restored (xstate#5331), and a
 * timer actor invoked by each wait state cost an actor per poll (about a sixth of the chart's CPU per poll).
 * Why not an actor: an invoked actor costs each waiting job about 2.4 KB (an `Actor` with its mailbox, scope,
 * observer and listener sets, and its subscription to the job); an observer of the job costs a tenth of that.
 * The clock starts again with a restored job, and arms from the restored `wakeAt`: a restored job polls when its poll
 * was due, not a whole wait later.
 *
 * It also cancels the job when the job's `input.signal` is aborted (see abort.ts): one listener for the job's life.
 */
export function runJobClock(job: AnyActorRef): void {
  const { system } = job;
  const clock = clockOf(system);
  const stopListening = cancelOnAbort(job);
  let armedFor: number | null = null;
  let handle: unknown;
  let checkQueued = false;
  let stopped = false;
  // One function for the whole job: a waiting job keeps no closure per wait.
  const check = () => {
    handle = undefined;
    checkQueued = false;
    if (stopped || armedFor === null) return;
    const remaining = armedFor - clockNow(system);
    if (remaining <= 0) job.send({ type: 'timer.due', at: clockNow(system) } satisfies TimerDueEvent);
    else handle = clock.setTimeout(check, Math.min(remaining, MAX_TIMER_MS));
  };
  const follow = (snapshot: unknown) => {
    const wakeAt = timedWakeAt(snapshot as Waiting);
    if (wakeAt === armedFor) return;
    if (handle !== undefined) clock.clearTimeout(handle);
    handle = undefined;
    armedFor = wakeAt;
    // Checked after the current step: an overdue wait (a restored job) fires once the job has finished starting.
    if (wakeAt !== null && !checkQueued) {
      checkQueued = true;
      queueMicrotask(check);
    }
  };
  // The job's error is its own to report (`settle` rejects with it): the clock only stops.
  const stop = () => {
    stopped = true;
    if (handle !== undefined) clock.clearTimeout(handle);
    handle = undefined;
    stopListening?.();
  };
  // The job's snapshots from its first one on (the actor notifies its observers once it has started).
  job.subscribe({ next: follow, error: stop, complete: stop });
}
