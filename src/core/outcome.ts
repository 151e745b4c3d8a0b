import type { AnyActorRef } from 'xstate';
import type { RejectionKind } from './events.js';

export interface JobError {
  code?: string;
  message: string;
}

export interface Rejection {
  kind: RejectionKind;
  httpStatus?: number;
  code?: string;
  message: string;
}

/**
 * A create that may have made a job at the provider, though no answer said so: sent without an idempotency key
 * (Bland, Depicta, Cata), then its answer was lost (time-out, reset), could not be read, or the job was restored or
 * cancelled while it was out. It is not sent again: a second create would be a second (paid) job. The job may exist;
 * the app must find out (the provider's dashboard or job list, around `sentAt`) before it creates again.
 */
export interface UnconfirmedCreate {
  /** When the create that may have made the job was sent, on the job's clock (ms since the epoch in production). */
  sentAt: number;
  /** Create requests sent in all (the ones before were answered without a job: 5xx, 429, connection refused). */
  attempts: number;
  /** Why it is not known: no answer in time, the connection dropped, a 2xx body we could not read, restored while out. */
  reason: 'timeout' | 'network' | 'unreadable' | 'restored';
  /** The status the provider answered, when it did (a 2xx whose body could not be read). */
  httpStatus?: number;
}

/** How a job ended: the machine's `output`, and what {@link settle} resolves to. */
export type JobOutcome<TResult, TJobId = string> =
  | { status: 'succeeded'; jobId: TJobId; result: TResult }
  | { status: 'failed'; jobId: TJobId; error: JobError }
  /** `error.kind` `unconfirmed`: the create may have made a job; `unconfirmedCreate` says what is known. */
  | { status: 'rejected'; jobId?: TJobId; error: Rejection; unconfirmedCreate?: UnconfirmedCreate }
  | { status: 'timedOut'; jobId?: TJobId }
  /** With `unconfirmedCreate`: cancelled while a create was out, whose answer did not say whether it made a job. */
  | { status: 'cancelled'; jobId?: TJobId; unconfirmedCreate?: UnconfirmedCreate };

type OutcomeOf<TActor> = TActor extends { getSnapshot(): { output: infer O } } ? NonNullable<O> : never;

/**
 * Resolves with the job's outcome once the actor reaches an end. Never rejects for a job that ends:
 * every end, including errors and refusals, is an outcome. An actor stopped from outside before it
 * ended resolves `cancelled`.
 */
export function settle<TActor extends AnyActorRef>(actor: TActor): Promise<OutcomeOf<TActor>> {
  return new Promise((resolve, reject) => {
    let subscription: { unsubscribe(): void } | undefined;
    let finished = false;
    const check = (): boolean => {
      const snapshot = actor.getSnapshot();
      if (snapshot.status === 'done') {
        resolve(snapshot.output);
      } else if (snapshot.status === 'error') {
        reject(snapshot.error instanceof Error ? snapshot.error : new Error(String(snapshot.error)));
      } else if (snapshot.status === 'stopped') {
        resolve({ status: 'cancelled', jobId: snapshot.context?.jobId ?? undefined } as unknown as OutcomeOf<TActor>);
      } else {
        return false;
      }
      finished = true;
      subscription?.unsubscribe();
      return true;
    };
    if (check()) return;
    // One function for all three: a job waiting for its outcome keeps this subscription for its whole life.
    const onChange = () => void check();
    subscription = actor.subscribe({ next: onChange, error: onChange, complete: onChange });
    if (finished) subscription.unsubscribe();
  });
}
