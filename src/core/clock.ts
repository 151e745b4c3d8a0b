import { fromCallback, type AnyActorRef, type EventObject } from 'xstate';
import { cancelOnAbort } from './abort.js';
import { MAX_TIMER_MS } from './options.js';
import { parentOf, systemClockOf } from './xstate-internals.js';

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

/** Event sent by {@link jobClock} when the current wait has come to its end. */
export interface TimerDueEvent {
  type: 'timer.due';
  at: number;
}

/** A job's error is its own to report (`settle` rejects with it): the clock only stops. */
const ignore = () => undefined;

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
 * The job's clock: one actor, invoked at the root of every chart for the job's whole life, that keeps one timer set
 * to the end of the current wait, `context.wakeAt` (an absolute time on the {@link clockNow} scale), and sends
 * `timer.due` then. A wait state only sets `wakeAt`, and every way out of a wait clears it (entering a request
 * does); `wakeAt: null` is no wait, or a wait without an end. Longer waits than `setTimeout` can hold are chained.
 * Not the rate budget's `paced` wait: the budget's own actor times that one (see budget.ts).
 *
 * Why one clock per job: XState's own `after` timers are lost when a snapshot is restored (xstate#5331), and a
 * timer actor invoked by each wait state cost an actor per poll (about a sixth of the chart's CPU per poll).
 * This actor is restored with its job, and arms again from the restored `wakeAt`: a restored job polls when its
 * poll was due, not a whole wait later.
 *
 * It also cancels the job when the job's `input.signal` is aborted (see abort.ts): one listener for the job's life.
 */
export const jobClock = fromCallback<EventObject>(({ system, self, sendBack }) => {
  // The clock is always invoked by a job.
  const job = parentOf(self)!;
  const clock = clockOf(system);
  const stopListening = cancelOnAbort(self, sendBack);
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
    if (remaining <= 0) sendBack({ type: 'timer.due', at: clockNow(system) } satisfies TimerDueEvent);
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
  follow(job.getSnapshot());
  const subscription = job.subscribe({ next: follow, error: ignore });
  return () => {
    stopped = true;
    if (handle !== undefined) clock.clearTimeout(handle);
    subscription.unsubscribe();
    stopListening?.();
  };
});
