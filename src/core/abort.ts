import type { AnyActorRef } from 'xstate';
import { startInputOf } from './start-input.js';

/**
 * A job's `input.signal` (see JobInput): aborting it cancels the job, as a `CANCEL` event does.
 *
 * The job's clock (see clock.ts), which runs for the job's whole life, listens for it: one listener per job, and a
 * job started without a signal pays nothing for it. A restored job's clock starts again, so a restored job listens
 * to the signal of the input it was restored with. Returns what to call when the job ends or is stopped.
 */
export function cancelOnAbort(job: AnyActorRef): (() => void) | undefined {
  const signal = startInputOf(job).signal;
  if (!signal) return undefined;
  let listening = true;
  const onAbort = () => {
    if (listening) job.send({ type: 'CANCEL' });
  };
  if (signal.aborted) queueMicrotask(onAbort);
  else signal.addEventListener('abort', onAbort, { once: true });
  return () => {
    listening = false;
    signal.removeEventListener('abort', onAbort);
  };
}
