import type { AnyActor, AnyActorRef } from 'xstate';
import type { HttpTransport } from './http.js';

/** The parts of a job's input that are read from the running actor, never copied into context. */
export interface StartInput {
  baseUrl?: unknown;
  apiKey?: unknown;
  request?: unknown;
  jobId?: unknown;
  options?: unknown;
  signal?: AbortSignal;
  transport?: HttpTransport;
  /** A runner's gate before each request (a rate budget shared by processes): never copied into context. */
  gate?: RequestGate;
}

/** What a runner puts around each request of a job: the key's rate budget held outside this process. */
export interface RequestGate {
  /** Resolves when the request may go; an aborted `signal` (the job cancelled) need not wait for it. */
  take(signal: AbortSignal): Promise<void>;
  /** How the request was answered (`http.rateLimited` teaches the budget), and when it was sent. */
  answered(answer: { type: string; retryAfterMs?: number }, sentAt: number): void;
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
