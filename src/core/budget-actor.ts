/**
 * The actor a job's `waitingForBudget` state invokes: it waits for the key's rate budget (budget-registry.ts) on the
 * actor system's clock, and tells the job `budget.queued`, `budget.paced` or `budget.granted`.
 */
import { fromCallback, type EventObject } from 'xstate';
import { parentOf } from './xstate-internals.js';
import { clockNow, clockOf } from './clock.js';
import { jobBudget, type BudgetedContext } from './budget-registry.js';

/** Events the budget actor sends its job. */
export type BudgetEvent =
  | { type: 'budget.queued' }
  | { type: 'budget.paced'; until: number; at: number }
  | { type: 'budget.granted'; at: number };

/**
 * Invoked by `waitingForBudget`: takes a concurrent slot (queued until one is free), then reserves the next moment
 * the rate allows and waits for it on the actor system's clock. If the rate drops meanwhile, it reserves again.
 * The slot passes to the request that follows; if the job goes anywhere else (a `CANCEL`, or the job's
 * `input.signal` aborted), it is given back. Without a budget the actor grants at once.
 */
export const budgetActor = fromCallback<EventObject, { context: BudgetedContext }>(({ input, self, system, sendBack }) => {
  // Budget actors are always invoked by a job.
  const job = parentOf(self)!;
  const { context } = input;
  const budget = jobBudget(job, context, clockNow(system));
  if (!budget) {
    sendBack({ type: 'budget.granted', at: clockNow(system) } satisfies BudgetEvent);
    return;
  }
  const clock = clockOf(system);
  let handle: unknown;
  let holding = false;
  let stopped = false;
  const pace = () => {
    handle = undefined;
    if (stopped) return;
    const now = clockNow(system);
    const { at, epoch } = budget.reserve(now);
    const fireAt = context.deadlineAt === null ? at : Math.min(at, context.deadlineAt);
    if (fireAt <= now) {
      sendBack({ type: 'budget.granted', at: now } satisfies BudgetEvent);
      return;
    }
    sendBack({ type: 'budget.paced', until: fireAt, at: now } satisfies BudgetEvent);
    handle = clock.setTimeout(() => {
      handle = undefined;
      if (stopped) return;
      if (budget.epoch !== epoch && fireAt === at) pace();
      else sendBack({ type: 'budget.granted', at: clockNow(system) } satisfies BudgetEvent);
    }, fireAt - now);
  };
  if (budget.takeSlot(job)) {
    holding = true;
    pace();
  } else {
    sendBack({ type: 'budget.queued' } satisfies BudgetEvent);
    budget.enqueue(job, () => {
      holding = true;
      // The slot came from another job's step: pace on a clean stack.
      queueMicrotask(pace);
    });
  }
  return () => {
    stopped = true;
    if (handle !== undefined) clock.clearTimeout(handle);
    budget.dequeue(job);
    // Leaving for `requesting` hands the slot to the request, which gives it back when it ends.
    if (holding) queueMicrotask(() => {
      if (!job.getSnapshot().hasTag('requesting')) budget.release(job);
    });
  };
});
