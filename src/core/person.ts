/**
 * Waiting for a person (a question to answer, a payment to make). The overall deadline (`timeoutMs`) is
 * for the provider's work, not for people: whatever time a person takes moves `deadlineAt` back by as much.
 * A wait may have a limit of its own (`personDeadlineAt`), an absolute time kept in context so that a
 * restored job still ends at the right moment: it is the wait's `wakeAt`, when the job's clock sends `timer.due`.
 */
import { assign as assignWithParams, setup, type AnyActorRef, type EventObject } from 'xstate';
import { clockNow } from './clock.js';
import * as z from 'zod/mini';
import type { SchemaShape } from './schema.js';
import { storedTime } from './restore.js';

export interface PersonWaitContext {
  /** Since when the job has been waiting for a person; null while it is not. */
  personWaitSince: number | null;
  /** When the wait for a person ends the job timedOut; null: no limit. */
  personDeadlineAt: number | null;
}

export const initialPersonWait: PersonWaitContext = { personWaitSince: null, personDeadlineAt: null };

/** The person's wait as a restored snapshot must hold it (see restore.ts). */
export const personWaitFields = { personWaitSince: z.nullable(storedTime), personDeadlineAt: z.nullable(storedTime) };

/** What the person-wait actions read and write of a job's context. */
export type PersonWaitJob = PersonWaitContext & { deadlineAt: number | null; wakeAt?: number | null; waitReason?: string | null };
type Args = { context: PersonWaitJob; event: EventObject; self: AnyActorRef };
const { assign } = setup({ types: { context: {} as PersonWaitJob, events: {} as EventObject } });

export const personWaitActions = {
  /**
   * The job now waits for a person, for at most `timeoutMs` (`Infinity`: no limit). A limit already running
   * (the person's last try was refused) is kept, not started again.
   */
  startPersonWait: assignWithParams<PersonWaitJob, EventObject, { timeoutMs: number }, EventObject, never>(({ context, self }: Args, params) => {
    const now = clockNow(self.system);
    const limit = Number.isFinite(params.timeoutMs) ? now + params.timeoutMs : null;
    const personDeadlineAt = context.personDeadlineAt ?? limit;
    // The wait ends (`timer.due`, see the job's clock) when the person's time is up, if it ever is.
    return { personWaitSince: now, personDeadlineAt, wakeAt: personDeadlineAt, waitReason: personDeadlineAt === null ? null : ('person' as const) };
  }),

  /** The person acted: the overall deadline moves back by the time they took. */
  pausePersonWait: assign(({ context, self }: Args) => {
    if (context.personWaitSince === null) return {};
    const waited = Math.max(0, clockNow(self.system) - context.personWaitSince);
    return {
      personWaitSince: null,
      deadlineAt: context.deadlineAt === null ? null : context.deadlineAt + waited,
    };
  }),

  /** The person's part is done (their answer was taken): a next wait gets a limit of its own. */
  endPersonWait: assign(() => ({ personWaitSince: null, personDeadlineAt: null })),
};

/**
 * The option that limits how long a person may take (e.g. Cata's `answerTimeoutMs`, markdown2pdf's
 * `paymentTimeoutMs`): milliseconds, or `Infinity` (the default) for no limit. For `JobSpec.extraOptions`.
 * The same object for the same name, so the options schema extended with it is made once (see options.ts).
 */
export function personTimeoutOption(name: string): { shape: SchemaShape; defaults: Record<string, number> } {
  let option = personTimeoutOptions.get(name);
  if (!option) {
    option = { shape: { [name]: z.union([z.number().check(z.positive()), z.literal(Infinity)]) }, defaults: { [name]: Infinity } };
    personTimeoutOptions.set(name, option);
  }
  return option;
}

const personTimeoutOptions = new Map<string, { shape: SchemaShape; defaults: Record<string, number> }>();
