import type { AnyActorRef } from 'xstate';

/** The parts of a job's input that are read from the running actor, never copied into context. */
export interface StartInput {
  baseUrl?: unknown;
  apiKey?: unknown;
  request?: unknown;
  jobId?: unknown;
  options?: unknown;
  signal?: AbortSignal;
}

/**
 * What the job actor was started with, read from the running actor rather than from context:
 * the key and the abort signal are never copied into context, so they never reach snapshots or inspectors.
 */
export function startInputOf(actor: AnyActorRef | undefined): StartInput {
  const input = (actor as unknown as { options?: { input?: unknown } } | undefined)?.options?.input;
  return input && typeof input === 'object' ? (input as StartInput) : {};
}

/** The job actor that invoked `self` (a request, timer or budget actor). */
export function parentOf(self: AnyActorRef): AnyActorRef | undefined {
  return (self as unknown as { _parent?: AnyActorRef })._parent;
}
