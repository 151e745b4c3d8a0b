import { randomBytes, toHex } from '../core/random.js';
import { createWebSocketInspector } from '@statelyai/inspect';
import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';
import { startInputOf } from '../core/job.js';
import { Redactor, toPlain } from './redact.js';

export { Redactor, REDACTED, toPlain } from './redact.js';

export interface InspectOptions {
  /**
   * The visualizer's producer URL with its token, e.g. `ws://127.0.0.1:4747/inspect?token=…`: what
   * `jobcharts visualize` prints, or `startVisualizer()`'s `inspectUrl`. The hub refuses a URL without the token.
   */
  url: string;
  /** Other values to keep out of the stream (keys passed as `input.apiKey` are found without this). */
  secrets?: string[];
}

/** An XState inspection observer that streams to the visualizer; `stop()` closes its connection. */
export interface JobInspector extends Observer<InspectionEvent> {
  next(event: InspectionEvent): void;
  stop(): void;
  /** The session id this inspector streams for `actor` (unique across processes, unlike `actor.sessionId`). */
  sessionIdOf(actor: AnyActorRef): string;
}

/**
 * XState numbers sessions per process (`x:0`, `x:1`…), so two producer processes both stream a `x:0`. Every
 * id a frame carries gets this process's own mark, e.g. `x:0@5f3a9c1e`.
 */
const PROCESS_MARK = toHex(randomBytes(4));
const SESSION_FIELDS = ['sessionId', 'parentId', 'rootId', 'sourceId', 'targetId'] as const;
// Frames queued while the socket connects pass through `serialize` twice: mark once.
const markSession = (id: string) => (id.endsWith(`@${PROCESS_MARK}`) ? id : `${id}@${PROCESS_MARK}`);

function markSessions<T>(frame: T): T {
  const fields = frame as Record<string, unknown>;
  for (const field of SESSION_FIELDS) if (typeof fields[field] === 'string') fields[field] = markSession(fields[field]);
  return frame;
}

/**
 * Streams every actor it is given to the visualizer, with API keys and URL signatures removed before a frame
 * leaves this process. One line: `createActor(perceptisJob, { input, inspect: inspect({ url }) })`.
 * One inspector may serve many actors. Frames are the standard `@statelyai/inspect` WebSocket frames.
 */
export function inspect(options: InspectOptions): JobInspector {
  const redactor = new Redactor(options.secrets);
  // The hub's token travels in the URL only: should a job's data ever quote it, it goes out redacted.
  redactor.learn(tokenIn(options.url));
  const inspector = createWebSocketInspector({
    url: options.url,
    // Runs on every frame, also on those queued while the socket was still connecting.
    serialize: (event) => markSessions(redactor.redact(toPlain(event)) as typeof event),
  });
  return {
    next(event) {
      // The key is in the actor's input, which the `xstate.init` event carries: learn it before any frame is built.
      if (event.type === '@xstate.actor') redactor.learn(startInputOf(event.actorRef as AnyActorRef).apiKey);
      inspector.inspect.next?.(event);
    },
    error() {},
    complete() {},
    stop() {
      inspector.stop();
    },
    sessionIdOf: (actor) => markSession(actor.sessionId),
  };
}

function tokenIn(url: string): string | null {
  try {
    return new URL(url).searchParams.get('token');
  } catch {
    return null;
  }
}
