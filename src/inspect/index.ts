import { createWebSocketInspector } from '@statelyai/inspect';
import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';
import { startInputOf } from '../core/job.js';
import { stoppableReconnects } from './reconnects.js';
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

/** An XState inspection observer that streams to the visualizer; `stop()` closes its connection for good (no reconnects). */
export interface JobInspector extends Observer<InspectionEvent> {
  next(event: InspectionEvent): void;
  stop(): void;
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
    serialize: (event) => redactor.redact(toPlain(event)) as typeof event,
    autoStart: false,
  });
  const stop = stoppableReconnects(inspector.adapter);
  inspector.start();
  return {
    next(event) {
      // The key is in the actor's input, which the `xstate.init` event carries: learn it before any frame is built.
      if (event.type === '@xstate.actor') redactor.learn(startInputOf(event.actorRef as AnyActorRef).apiKey);
      inspector.inspect.next?.(event);
    },
    error() {},
    complete() {},
    stop,
  };
}

function tokenIn(url: string): string | null {
  try {
    return new URL(url).searchParams.get('token');
  } catch {
    return null;
  }
}
