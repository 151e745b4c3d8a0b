import { afterEach } from 'vitest';
import { WebSocket } from 'ws';
import { PAGE_SOCKET_PATH, TOKEN_PARAM } from '../../visualizer/protocol.js';
import { startVisualizer, type Visualizer, type VisualizerOptions } from '../../visualizer/server.js';

/** The page's WebSocket URL, as the page builds it from the page URL the visualizer printed (token included). */
export function pageSocketUrl(pageUrl: string): string {
  const url = new URL(pageUrl);
  return `ws://${url.host}${PAGE_SOCKET_PATH}?${TOKEN_PARAM}=${encodeURIComponent(url.searchParams.get(TOKEN_PARAM) ?? '')}`;
}

/** Things a test opened (visualizers, sockets), closed after each test, newest first. */
export function closedAfterEach(): Array<{ close(): unknown }> {
  const open: Array<{ close(): unknown }> = [];
  afterEach(async () => {
    for (const item of open.splice(0).reverse()) await item.close();
  });
  return open;
}

/** A visualizer that flushes to its pages every 10 ms, closed after the test. */
export async function testVisualizer(open: Array<{ close(): unknown }>, options: VisualizerOptions = {}): Promise<Visualizer> {
  const viz = await startVisualizer({ flushMs: 10, ...options });
  open.push(viz);
  return viz;
}

/** Sends and resolves once the frame has been written out (a producer that floods does not outrun its socket). */
export const sent = (socket: WebSocket, text: string): Promise<void> =>
  new Promise((resolve, reject) => socket.send(text, (e) => (e ? reject(e) : resolve())));

/** Refused or accepted: the HTTP status of the upgrade, or 101. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}

/** A root actor's first frame, as `@statelyai/inspect` sends it, for a Perceptis job (or what `extra` says). */
export const actorFrame = (sessionId: string, context: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    type: '@xstate.actor',
    sessionId,
    rootId: sessionId,
    name: 'perceptis',
    createdAt: String(Date.now()),
    definition: JSON.stringify({ id: 'perceptis' }),
    snapshot: { status: 'active', value: 'starting', context: { jobId: null, progress: null, ...context } },
    ...extra,
  });
