import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PAGE_SOCKET_PATH, TOKEN_PARAM } from '../visualizer/protocol.js';
import { startVisualizer, type Visualizer } from '../visualizer/server.js';

const opened = (ws: WebSocket) => new Promise<WebSocket>((resolve, reject) => ws.once('open', () => resolve(ws)).once('error', reject));
const settleMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a person’s events from the page, through the hub', () => {
  let viz: Visualizer;
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    for (const s of sockets) s.terminate();
    await viz?.close();
  });

  const producer = async (answers: boolean) => {
    const ws = await opened(new WebSocket(viz.inspectUrl));
    sockets.push(ws);
    const got: unknown[] = [];
    ws.on('message', (data) => got.push(JSON.parse(String(data))));
    if (answers) ws.send(JSON.stringify({ type: '@jobcharts.producer', sessionId: '', accepts: ['CANCEL', 'ANSWER', 'PAID'] }));
    ws.send(JSON.stringify({ type: '@xstate.actor', sessionId: 'x:0', name: 'cata', snapshot: { status: 'active', value: 'polling', context: {} } }));
    return { ws, got };
  };
  const page = async () => {
    const token = new URL(viz.url).searchParams.get(TOKEN_PARAM)!;
    const socket = new WebSocket(`ws://127.0.0.1:${viz.port}${PAGE_SOCKET_PATH}?${TOKEN_PARAM}=${token}`, { origin: `http://127.0.0.1:${viz.port}` });
    const replies: Array<{ type: string; ok?: boolean; reason?: string }> = [];
    socket.on('message', (data) => replies.push(JSON.parse(String(data))));
    const ws = await opened(socket);
    sockets.push(ws);
    while (!replies.some((r) => r.type === 'hello')) await settleMs(5);
    const ask = async (message: unknown) => {
      const before = replies.filter((r) => r.type === 'sent').length;
      ws.send(JSON.stringify(message));
      while (replies.filter((r) => r.type === 'sent').length === before) await settleMs(5);
      return replies.filter((r) => r.type === 'sent').at(-1)!;
    };
    return { ask, messages: replies as unknown[] };
  };

  it('delivers only CANCEL, ANSWER with text and PAID, only to the job’s own producer, and only from the page', async () => {
    viz = await startVisualizer({ port: 0, flushMs: 10 });
    const a = await producer(true);
    const b = await producer(true);
    await settleMs(50);
    const p = await page();
    for (const bad of [{ type: 'ANSWER' }, { type: 'ANSWER', text: 42 }, { type: 'xstate.stop' }, { type: 'CANCEL', extra: 1 }, { type: 'status.completed' }, null]) {
      expect((await p.ask({ type: 'send', key: 'c1/x:0', event: bad })).ok).toBe(false);
    }
    expect(await p.ask({ type: 'send', key: 'c1/x:0', event: { type: 'ANSWER', text: 'data.stores' } })).toMatchObject({ ok: true });
    // A producer cannot send events at all: not with the page's message, nor with the hub's own frame.
    b.ws.send(JSON.stringify({ type: 'send', sessionId: 'x:0', key: 'c1/x:0', event: { type: 'CANCEL' } }));
    b.ws.send(JSON.stringify({ type: '@jobcharts.event', sessionId: 'x:0', event: { type: 'CANCEL' } }));
    await settleMs(100);
    expect(a.got).toEqual([{ type: '@jobcharts.event', sessionId: 'x:0', event: { type: 'ANSWER', text: 'data.stores' } }]);
    expect(b.got).toEqual([]);
  });

  it('shows a runner job stepped by two worker processes as one job, whose events go to the worker of its last step', async () => {
    viz = await startVisualizer({ port: 0, flushMs: 10 });
    const worker = async (mark: string, value: string) => {
      const ws = await opened(new WebSocket(viz.inspectUrl));
      sockets.push(ws);
      const got: unknown[] = [];
      ws.on('message', (data) => got.push(JSON.parse(String(data))));
      ws.send(JSON.stringify({ type: '@jobcharts.producer', sessionId: '', accepts: ['CANCEL', 'ANSWER', 'PAID'] }));
      ws.send(JSON.stringify({ type: '@xstate.actor', sessionId: `job:7f3c@${mark}`, name: 'cata', snapshot: { status: 'active', value, context: {} } }));
      return { ws, got };
    };
    const first = await worker('p1', 'polling');
    await settleMs(50);
    const second = await worker('p2', 'needsClarification');
    await settleMs(50);
    // The first worker goes away: the job stays live, with the second.
    first.ws.close();
    await settleMs(50);
    const p = await page();
    const jobs = p.messages.flatMap((m) => (m as { jobs?: Array<{ key: string; sessionId: string; value: unknown; connected: boolean }> }).jobs ?? []);
    expect(jobs.map((j) => [j.key, j.sessionId, j.value, j.connected])).toEqual([['job:7f3c', 'job:7f3c', 'needsClarification', true]]);
    expect(await p.ask({ type: 'send', key: 'job:7f3c', event: { type: 'ANSWER', text: 'Singapore' } })).toMatchObject({ ok: true });
    await settleMs(50);
    expect(second.got).toEqual([{ type: '@jobcharts.event', sessionId: 'job:7f3c@p2', event: { type: 'ANSWER', text: 'Singapore' } }]);
    expect(first.got).toEqual([]);
  });

  it('refuses events for a job whose producer uses the stock inspector (it has no way back)', async () => {
    viz = await startVisualizer({ port: 0, flushMs: 10 });
    const stock = await producer(false);
    await settleMs(50);
    const reply = await (await page()).ask({ type: 'send', key: 'c1/x:0', event: { type: 'CANCEL' } });
    expect(reply.ok).toBe(false);
    expect(reply.reason).toMatch(/does not take events back/);
    expect(stock.got).toEqual([]);
  });
});
