/**
 * Makes `stop()` final for `@statelyai/inspect`'s WebSocket adapter (0.7). Left alone, the adapter reconnects 5 s
 * after any socket error, and its `stop()` closes only the socket of the moment: closing one that is still
 * connecting raises an error, so a stopped inspector reconnects forever and its process never exits.
 */

/** What this module uses of the adapter: the socket it made last, and its `start()` that makes a new one. */
interface SocketAdapter {
  ws?: InspectorSocket;
  status: string;
  start(): void;
  stop(): void;
}

interface InspectorSocket {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(): void;
}

const CONNECTING = 0;
/** The adapter's own delay between tries. */
const RECONNECT_MS = 5_000;

/**
 * Takes over the adapter's reconnects: every socket it makes gets an error handler whose retry `stop()` cancels.
 * Call before the adapter starts. Returns the `stop()` to use instead of the adapter's: a socket still connecting
 * is closed once it opens (after the frames queued so far are sent), or simply not retried if it fails.
 */
export function stoppableReconnects(webSocketAdapter: object): () => void {
  // Its `ws` is private in the library's types, not at run time.
  const adapter = webSocketAdapter as SocketAdapter;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let current: InspectorSocket | undefined;
  const takeOver = (socket: InspectorSocket) => {
    socket.onerror = () => {
      adapter.status = 'closed';
      if (stopped) return;
      retry = setTimeout(() => adapter.start(), RECONNECT_MS);
      // Waiting to reconnect is no reason for a process that is otherwise done to stay alive.
      (retry as { unref?: () => void }).unref?.();
    };
  };
  Object.defineProperty(adapter, 'ws', {
    configurable: true,
    get: () => current,
    set: (socket: InspectorSocket) => {
      current = socket;
      // The adapter sets its handlers right after making the socket; no socket event can come before this task.
      queueMicrotask(() => takeOver(socket));
    },
  });
  return () => {
    stopped = true;
    clearTimeout(retry);
    const socket = current;
    if (socket?.readyState !== CONNECTING) {
      adapter.stop();
      return;
    }
    const sendQueued = socket.onopen;
    socket.onopen = (event) => {
      sendQueued?.(event);
      socket.close();
    };
  };
}
