import type { AnyActorRef, EventObject } from 'xstate';
import { parentOf, startInputOf } from './start-input.js';

/**
 * A job's `input.signal` (see JobInput): aborting it cancels the job, as `CANCEL` does.
 *
 * No actor of the job's own listens for it: every actor a chart invokes in a state that lasts (a request, a wait, the
 * rate budget, a person's time) listens while it runs — exactly one runs at a time in each such state — so a job
 * started without a signal pays nothing for it. An actor restored with a snapshot starts again, so a restored job
 * listens to the signal of the input it was restored with. Returns what to call when the actor stops.
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
