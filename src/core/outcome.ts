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

/** How a job ended: the machine's `output`, and what {@link settle} resolves to. */
export type JobOutcome<TResult, TJobId = string> =
  | { status: 'succeeded'; jobId: TJobId; result: TResult }
  | { status: 'failed'; jobId: TJobId; error: JobError }
  | { status: 'rejected'; jobId?: TJobId; error: Rejection }
  | { status: 'timedOut'; jobId?: TJobId }
  | { status: 'cancelled'; jobId?: TJobId };

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
