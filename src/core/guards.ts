/** The guards every chart shares: they read only the fields of {@link JobContext} and the event. */
import type { EventObject } from 'xstate';
import type { RateLimitedEvent, TransientEvent } from './events.js';
import type { AnyJobContext } from './context.js';
import { needsBudget } from './budget-registry.js';

/** When an event from the outside world happened: request actors and the job’s clock stamp their events with `at`. */
function eventTime(event: EventObject): number | undefined {
  const at = (event as { at?: unknown }).at;
  return typeof at === 'number' ? at : undefined;
}

type GuardArgs = { context: AnyJobContext; event: EventObject };

export const jobGuards = {
  hasInputProblem: ({ context }: GuardArgs) => context.inputProblem !== null,
  isAttach: ({ context }: GuardArgs) => context.jobId !== null,
  /** The overall deadline had passed when this answer came: no more waiting. */
  pastDeadline: ({ context, event }: GuardArgs) => {
    const at = eventTime(event);
    return at !== undefined && context.deadlineAt !== null && at >= context.deadlineAt;
  },
  retryBudgetSpent: ({ context }: GuardArgs) => context.retries >= context.options.maxRetries,
  /**
   * A create (without an idempotency key) may have made a job, though no answer says so: the request went out and
   * its answer was lost (time-out, reset) or unreadable (a 2xx body we cannot read). Not: a 5xx or 408 answer (the
   * provider says it did not do it; Depicta documents "retry with back-off"), nor a connection never made. Unless
   * the app asked for such creates to be sent again (`resendUnconfirmedCreates`).
   */
  createMayExist: ({ context, event }: GuardArgs) => {
    const e = event as Partial<TransientEvent> & EventObject;
    if (e.type !== 'http.transient' || context.options.resendUnconfirmedCreates) return false;
    if (e.reason === 'server' || e.unsent) return false;
    return e.httpStatus === undefined || (e.httpStatus >= 200 && e.httpStatus <= 299);
  },
  /** The next request must wait for the key's shared rate budget (configured, or learnt from 429s). */
  needsBudget: ({ context }: GuardArgs) => needsBudget(context),
  retryAfterTooLong: ({ context, event }: GuardArgs) =>
    ((event as RateLimitedEvent).retryAfterMs ?? 0) > context.options.maxRetryAfterMs,
  /** The server forbids asking again before the deadline: nothing more can be learnt in time. */
  retryAfterBeyondDeadline: ({ context, event }: GuardArgs) => {
    const at = eventTime(event);
    const wait = (event as RateLimitedEvent).retryAfterMs ?? 0;
    return at !== undefined && context.deadlineAt !== null && at + wait > context.deadlineAt;
  },
};
