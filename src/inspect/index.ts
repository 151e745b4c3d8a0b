import { createWebSocketInspector } from '@statelyai/inspect';
import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';
import { startInputOf } from '../core/start-input.js';
import { randomBytes, toHex } from '../core/random.js';
import { stoppableReconnects } from './reconnects.js';
import { PERSON_EVENT_FRAME, personEvent, PRODUCER_HELLO } from './person-events.js';
import { Redactor, toPlain } from './redact.js';
import { markSessionIds } from './session-ids.js';

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
  /** The session id this inspector streams for `actor` (unique across processes, unlike `actor.sessionId`). */
  sessionIdOf(actor: AnyActorRef): string;
}

/** Every session id a frame carries gets this process's own mark, e.g. `x:0@5f3a9c1e` (session-ids.ts). */
const PROCESS_MARK = toHex(randomBytes(4));
// Frames queued while the socket connects pass through `serialize` twice: mark once.
const markSession = (id: string) => (id.endsWith(`@${PROCESS_MARK}`) ? id : `${id}@${PROCESS_MARK}`);

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
    autoStart: false,
    // Runs on every frame, also on those queued while the socket was still connecting.
    serialize: (event) => markSessionIds(redactor.redact(toPlain(event)) as typeof event, markSession),
  });
  const stopReconnects = stoppableReconnects(inspector.adapter);
  /** The root actors it streams, by session id: where a person's event from the page goes. */
  const roots = new Map<string, AnyActorRef>();
  listenBack(inspector.adapter as unknown as SocketHolder, (data) => {
    const frame = parseFrame(data);
    const event = personEvent(frame?.event);
    const actor = typeof frame?.sessionId === 'string' ? roots.get(frame.sessionId) : undefined;
    if (frame?.type !== PERSON_EVENT_FRAME || !event || !actor || actor.getSnapshot().status !== 'active') return;
    actor.send(event);
  });
  inspector.start();
  return {
    next(event) {
      if (event.type === '@xstate.actor') {
        const actor = event.actorRef as AnyActorRef;
        // The key is in the actor's input, which the `xstate.init` event carries: learn it before any frame is built.
        redactor.learn(startInputOf(actor).apiKey);
        if (actor._parent === undefined) roots.set(markSession(actor.sessionId), actor);
      } else if (event.type === '@xstate.snapshot' && (event.actorRef as AnyActorRef)._parent === undefined && (event.snapshot as { status?: string }).status !== 'active') {
        roots.delete(markSession(event.actorRef.sessionId));
      }
      inspector.inspect.next?.(event);
    },
    error() {},
    complete() {},
    stop() {
      roots.clear();
      stopReconnects();
    },
    sessionIdOf: (actor) => markSession(actor.sessionId),
  };
}

interface MessageSocket {
  addEventListener(type: 'message' | 'open', listener: (event: { data?: unknown }) => void): void;
  send(data: string): void;
}

/** `@statelyai/inspect`'s WebSocket adapter, which keeps its socket in `ws` and makes a new one on each reconnect. */
interface SocketHolder {
  ws?: MessageSocket;
}

/**
 * Keeps a channel back from the hub on the inspector's own socket, across its reconnects: each new socket says
 * first that this producer takes person events, then passes what the hub sends to `onMessage`.
 */
function listenBack(adapter: SocketHolder, onMessage: (data: unknown) => void): void {
  // stoppableReconnects watches the same property: chain to its accessor rather than replace it.
  const previous = Object.getOwnPropertyDescriptor(adapter, 'ws');
  let current: MessageSocket | undefined;
  Object.defineProperty(adapter, 'ws', {
    configurable: true,
    get: () => (previous?.get ? (previous.get.call(adapter) as MessageSocket | undefined) : current),
    set(socket: MessageSocket) {
      if (previous?.set) previous.set.call(adapter, socket);
      else current = socket;
      socket.addEventListener('open', () => socket.send(JSON.stringify({ type: PRODUCER_HELLO, sessionId: '', accepts: ['CANCEL', 'ANSWER', 'PAID'] })));
      socket.addEventListener('message', (event) => onMessage(event.data));
    },
  });
}

function parseFrame(data: unknown): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(String(data));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function tokenIn(url: string): string | null {
  try {
    return new URL(url).searchParams.get('token');
  } catch {
    return null;
  }
}
