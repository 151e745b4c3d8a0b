/**
 * The request actor: one HTTP exchange of a job, invoked by a request state, sending the chart one named event.
 * It is where a provider's answer enters the job (bounded, the key replaced), and where the key's rate budget and a
 * runner's gate hear of each request.
 */
import { fromCallback, type EventObject } from 'xstate';
import type { HttpTransport, ProviderCall } from './http.js';
import { startInputOf } from './start-input.js';
import { parentOf } from './xstate-internals.js';
import { clockNow } from './clock.js';
import { requestAnswered, requestStarted, type BudgetedContext } from './budget-registry.js';
import type { TransientEvent } from './events.js';
import { boundProviderEvent, secretForms } from './provider-data.js';
import type { JobContext } from './context.js';

/** What a request actor gets: the job's public context plus the key, read at the moment of the request. */
export interface RequestArgs<TContext> {
  context: TContext;
  apiKey: string;
  /** The request's controller, aborted when the request actor stops (see HttpRequest). */
  controller: AbortController;
  now: () => number;
  /** The job's own transport, if it was started with one. */
  transport?: HttpTransport;
}

/** A request actor's input once its request is out: `sentAt`, when it was sent (see {@link createSentAt}). */
interface InFlight {
  context: unknown;
  sentAt?: number;
}

/** When the request of a persisted request actor was sent; undefined when it was persisted before it ran. */
export function createSentAt(persistedChild: unknown): number | undefined {
  const sentAt = (persistedChild as { snapshot?: { input?: InFlight } } | undefined)?.snapshot?.input?.sentAt;
  return typeof sentAt === 'number' && Number.isFinite(sentAt) ? sentAt : undefined;
}

/**
 * An invoked actor that performs one HTTP exchange and sends the chart one named event. Every event passes
 * {@link boundProviderEvent} on its way: the one place where a provider's data enters the job, bounded and with
 * the job's key replaced.
 * Leaving the state aborts the request in flight (a `CANCEL`, or the job's `input.signal` aborted, leaves it).
 * A bug in `perform` becomes a transient failure, never an unhandled rejection. Restoring a snapshot starts it
 * again, so it must be safe to repeat.
 */
export function requestActor<TContext>(perform: (args: RequestArgs<TContext>) => Promise<EventObject | null>) {
  return fromCallback<EventObject, { context: TContext }>(({ input, sendBack, self, system }) => {
    const controller = new AbortController();
    const parent = parentOf(self);
    const { apiKey: key, transport, gate } = startInputOf(parent);
    const apiKey = typeof key === 'string' ? key : '';
    const forms = secretForms(apiKey);
    const sentAt = clockNow(system);
    const sendEvent = (event: EventObject | TransientEvent) =>
      sendBack({ ...boundProviderEvent(event, forms), at: clockNow(system), sentAt });
    const budgeted = input.context as unknown as BudgetedContext;
    const endBudget = parent ? requestStarted(parent, budgeted, sentAt) : undefined;
    let settled = false;
    let stopped = false;
    const send = () => {
      // Kept in this actor's persisted snapshot: a job restored while its create is out knows the create was sent.
      (input as InFlight).sentAt = sentAt;
      return perform({ context: input.context, apiKey, controller, now: () => clockNow(system), transport });
    };
    // React StrictMode starts an actor, stops it and starts it again in one task, and @xstate/react restores it
    // from its snapshot, so this actor runs twice: waiting one microtask, the first run's request never leaves
    // (a Depicta story would be created, and charged, twice).
    queueMicrotask(() => {
      if (stopped) return;
      const exchange = gate ? gate.take(controller.signal).then(() => (controller.signal.aborted ? null : send())) : send();
      exchange.then(
        (event) => {
          settled = true;
          if (event && parent) requestAnswered(parent, budgeted, event.type, sentAt, clockNow(system));
          if (event) gate?.answered(event as { type: string; retryAfterMs?: number }, sentAt);
          if (event && !stopped) sendEvent(event);
        },
        (error: unknown) => {
          settled = true;
          if (stopped) return;
          const message = error instanceof Error ? error.message : String(error);
          sendEvent({ type: 'http.transient', reason: 'protocol', message: `could not read the answer: ${message}` });
        },
      );
    });
    return () => {
      stopped = true;
      // Aborting builds a DOMException with a stack: only worth it while the request is still out.
      if (!settled) controller.abort();
      endBudget?.();
    };
  });
}

/** The {@link ProviderCall} of a request actor's run. */
export function providerCallOf({ context, apiKey, controller, now, transport }: RequestArgs<JobContext<unknown, unknown>>): ProviderCall {
  return { baseUrl: context.baseUrl, apiKey, timeoutMs: context.options.requestTimeoutMs, controller, now, transport };
}
