import { SimulatedClock, waitFor, type AnyActorRef } from 'xstate';

/**
 * Drives a job actor in simulated time: waits (in real time) for each HTTP exchange to come back, and
 * jumps the clock to the end of each wait. Hours of polling take milliseconds.
 */
export async function untilSettled(actor: AnyActorRef, clock: SimulatedClock, maxWaits = 500) {
  for (let i = 0; i < maxWaits; i++) {
    const snapshot = await nextPause(actor);
    if (snapshot.status !== 'active') return snapshot;
    advanceToWake(snapshot, clock);
  }
  throw new Error(`still running after ${maxWaits} waits`);
}

/** Resolves when the actor is waiting (a timer is armed) or has ended. */
export async function nextPause(actor: AnyActorRef) {
  const snapshot = await waitFor(actor, (s) => s.status !== 'active' || s.hasTag('waiting') || s.hasTag('needs-input'), {
    timeout: 10_000,
  });
  // Let the job’s clock arm its timer (it does so in a microtask) before the clock moves.
  await new Promise((resolve) => setImmediate(resolve));
  return snapshot;
}

/** Moves the clock to when the current wait ends, firing its timer. */
export function advanceToWake(snapshot: { context: { wakeAt: number | null } }, clock: SimulatedClock) {
  const wakeAt = snapshot.context.wakeAt;
  if (wakeAt === null) throw new Error('the actor is waiting without a wakeAt');
  clock.set(Math.max(clock.now(), wakeAt));
}

/** A fresh clock that starts at a realistic wall time (HTTP-dates need one). */
export function newClock(start = Date.UTC(2026, 0, 1)): SimulatedClock {
  const clock = new SimulatedClock();
  clock.set(start);
  return clock;
}

/** Timers still armed on a simulated clock (reads its private table: there is no public one). */
export function pendingTimers(clock: SimulatedClock): number {
  return (clock as unknown as { timeouts: Map<unknown, unknown> }).timeouts.size;
}
