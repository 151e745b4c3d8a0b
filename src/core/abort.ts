import type { AnyActorRef, EventObject } from 'xstate';
import { startInputOf } from './start-input.js';
import { parentOf } from './xstate-internals.js';

/**
 * A job's `input.signal` (see JobInput): aborting it cancels the job, as a `CANCEL` event does.
 *
 * The job's clock (see clock.ts), which runs for the job's whole life, listens for it: one listener per job, and a
 * job started without a signal pays nothing for it. A restored job's clock starts again, so a restored job listens
 * to the signal of the input it was restored with. Returns what to call when the listening actor stops.
 */
export function cancelOnAbort(self: AnyActorRef, sendBack: (event: EventObject) => void): (() => void) | undefined {
  const signal = startInputOf(parentOf(self)).signal;
  if (!signal) return undefined;
  let listening = true;
  const onAbort = () => {
    if (listening) sendBack({ type: 'CANCEL' });
  };
  if (signal.aborted) queueMicrotask(onAbort);
  else signal.addEventListener('abort', onAbort, { once: true });
  return () => {
    listening = false;
    signal.removeEventListener('abort', onAbort);
  };
}
