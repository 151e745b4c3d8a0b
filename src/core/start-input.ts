import type { AnyActor, AnyActorRef } from 'xstate';

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
  // `options` is public on XState's `Actor` (what `createActor` returns), though not on the `ActorRef` interface.
  const input = (actor as Partial<Pick<AnyActor, 'options'>> | undefined)?.options?.input;
  return input && typeof input === 'object' ? (input as StartInput) : {};
}
