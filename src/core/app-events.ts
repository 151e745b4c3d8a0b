import type { AnyStateMachine, EventObject, StateMachine } from 'xstate';

/** The events a person or an app may send a job: everything else a chart receives comes from its own actors. */
export type AppEventType = 'CANCEL' | 'ANSWER' | 'PAID';

type AppEvents<TEvent extends EventObject> = Extract<TEvent, { type: AppEventType }>;

/**
 * A chart as the package exports it: the same machine, typed to accept from outside only the events of
 * {@link AppEventType}, so `job.send({ type: 'status.completed', result })` (a forged provider answer) does not
 * type-check. The chart itself is typed with all its events (src/providers/<provider>/chart.ts): its own actors send those.
 */
export type AppFacingChart<M> =
  M extends StateMachine<
    infer TContext,
    infer TEvent,
    infer TChildren,
    infer TActor,
    infer TAction,
    infer TGuard,
    infer TDelay,
    infer TStateValue,
    infer TTag,
    infer TInput,
    infer TOutput,
    infer TEmitted,
    infer TMeta,
    infer TStateSchema,
    infer TTransitionMeta
  >
    ? StateMachine<
        TContext,
        AppEvents<TEvent>,
        TChildren,
        TActor,
        TAction,
        TGuard,
        TDelay,
        TStateValue,
        TTag,
        TInput,
        TOutput,
        TEmitted,
        TMeta,
        TStateSchema,
        TTransitionMeta
      >
    : never;

/** The exported face of a chart (see {@link AppFacingChart}): a type, the machine is the same object. */
export function appFacing<M extends AnyStateMachine>(chart: M): AppFacingChart<M> {
  return chart as unknown as AppFacingChart<M>;
}
