import { fromCallback, type ActorSystem } from 'xstate';
import { cancelOnAbort } from './abort.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyActorSystem = ActorSystem<any>;
import { MAX_TIMER_MS } from './options.js';

interface ClockWithNow {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  now?: () => number;
}

/** The actor system's clock (`SimulatedClock` in tests): its timers are the ones a test's clock moves. */
export function clockOf(system: AnyActorSystem): ClockWithNow {
  return (system as unknown as { _clock: ClockWithNow })._clock;
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

/** Event sent by {@link durableTimer} when its deadline has come. */
export interface TimerDueEvent {
  type: 'timer.due';
  at: number;
}

/**
 * A timer whose input is an absolute deadline (`at`, on the {@link clockNow} scale), not a duration.
 * XState's own `after` timers are lost when a snapshot is restored (xstate#5331); an invoked actor is
 * started again on restore with the same input, so it fires when the wait was due, not a full wait later.
 * Longer waits than `setTimeout` can hold are chained. `at: null` is a wait without a deadline: it never fires.
 * It also cancels the job when the job's `input.signal` is aborted (see abort.ts).
 */
export const durableTimer = fromCallback<{ type: string }, { at: number | null }>(({ input, system, self, sendBack }) => {
  const stopListening = cancelOnAbort(self, sendBack);
  const at = input.at;
  if (at === null) return stopListening;
  const clock = clockOf(system);
  let handle: unknown;
  let stopped = false;
  const arm = () => {
    handle = undefined;
    if (stopped) return;
    const remaining = at - clockNow(system);
    if (remaining <= 0) sendBack({ type: 'timer.due', at: clockNow(system) } satisfies TimerDueEvent);
    else handle = clock.setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
  };
  // Checked after the current step, so a restored actor finishes starting before an overdue timer fires.
  queueMicrotask(arm);
  return () => {
    stopped = true;
    if (handle !== undefined) clock.clearTimeout(handle);
    stopListening?.();
  };
});
