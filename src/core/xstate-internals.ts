import type { AnyActorRef } from 'xstate';

/** XState's own `AnyActorSystem` (not exported by name). */
type AnyActorSystem = AnyActorRef['system'];

/**
 * The only two places jobcharts reads XState's internals: XState 5 has no public way to get either.
 * test/xstate-internals.test.ts fails if a release of XState changes them; the peer range (package.json) is tested
 * at its lowest and newest version (test/package/).
 *
 * - An invoked callback actor's parent: `fromCallback` gives `sendBack` but not the parent itself, and the job's budget
 *   and request actors must read the job's snapshot and start input. Passing the parent in the invoke's
 *   `input` is no way out: a child's input is persisted with the snapshot, where an actor reference does not survive.
 * - The actor system's clock (`createActor(chart, { clock })`, e.g. `SimulatedClock`): every wait of a job is timed on it
 *   so that tests move simulated time. `system.scheduler` uses it but only for XState's own delayed events, which a
 *   restored snapshot loses (xstate#5331).
 */

/** The actor that invoked `self` (a request or budget actor's job). */
export function parentOf(self: AnyActorRef): AnyActorRef | undefined {
  return (self as { _parent?: AnyActorRef })._parent;
}

/** The timer functions of the actor system's clock, and its `now` when it has one (`SimulatedClock` does). */
export interface SystemClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  now?: () => number;
}

/** The clock the actor system was created with (`SimulatedClock` in tests, the real timers otherwise). */
export function systemClockOf(system: AnyActorSystem): SystemClock {
  return (system as unknown as { _clock: SystemClock })._clock;
}
