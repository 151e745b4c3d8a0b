import { afterEach } from 'vitest';
import { WebSocket } from 'ws';
import { PAGE_SOCKET_PATH, TOKEN_PARAM, type HubMessage, type JobView } from '../../visualizer/protocol.js';
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

export const eventFrame = (sessionId: string, event: Record<string, unknown>): string =>
  JSON.stringify({ type: '@xstate.event', sessionId, rootId: sessionId, createdAt: String(Date.now()), event });
export const snapshotFrame = (sessionId: string, snapshot: Record<string, unknown>): string =>
  JSON.stringify({ type: '@xstate.snapshot', sessionId, rootId: sessionId, createdAt: String(Date.now()), event: { type: 'x' }, snapshot });

/**
 * Whether the page's `job` is the actor a producer calls `sessionId`: the hub marks an id the producer left plain
 * with the producer's connection (`x:0` is shown as `x:0@c2`).
 */
export const isSession = (job: Pick<JobView, 'sessionId'>, sessionId: string): boolean =>
  job.sessionId === sessionId || (!sessionId.includes('@') && job.sessionId.startsWith(`${sessionId}@`));

/** A page as the browser has it (its socket opened with the page token): the jobs the hub told it about so far. */
export async function watchPage(viz: Visualizer, open: Array<{ close(): unknown }>) {
  const socket = new WebSocket(pageSocketUrl(viz.url), { origin: new URL(viz.url).origin });
  const jobs = new Map<string, JobView>();
  socket.on('message', (data) => {
    const m = JSON.parse(String(data)) as HubMessage;
    if (m.type === 'hello' || m.type === 'update') for (const j of m.jobs) jobs.set(j.key, j);
    if (m.type === 'update') for (const k of m.removed) jobs.delete(k);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  open.push({ close: () => socket.close() });
  return {
    jobs: () => [...jobs.values()],
    job: (sessionId: string) => [...jobs.values()].find((j) => isSession(j, sessionId)),
  };
}

/** A producer connected with the producer URL, closed after the test. */
export async function producerSocket(viz: Visualizer, open: Array<{ close(): unknown }>): Promise<WebSocket> {
  const socket = new WebSocket(viz.inspectUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  open.push({ close: () => socket.close() });
  return socket;
}

/** Polls every 10 ms until `find` gives something, or fails after `ms`. */
export async function until<T>(find: () => T | undefined | false, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
