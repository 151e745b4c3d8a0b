import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { HubMessage } from '../visualizer/protocol.js';
import { startVisualizer, type Visualizer } from '../visualizer/server.js';
import { pageSocketUrl } from './support/hub.js';

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

/** A connected socket and everything it has been sent (collected from the first frame on). */
async function connect(url: string, origin?: string): Promise<{ socket: WebSocket; said: HubMessage[] }> {
  const socket = new WebSocket(url, origin ? { origin } : {});
  const said: HubMessage[] = [];
  socket.on('message', (data) => said.push(JSON.parse(String(data)) as HubMessage));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  open.push({ close: () => socket.close() });
  return { socket, said };
}

const frame = (type: string, sessionId: string, extra: Record<string, unknown>) =>
  JSON.stringify({ type, sessionId, rootId: sessionId, createdAt: String(Date.now()), ...extra });

describe('the visualizer hub under a flood of frames', () => {
  it('takes thousands of events a second from many jobs and keeps jobs and history within their bounds', async () => {
    const viz: Visualizer = await startVisualizer({ port: 0, flushMs: 20, historyLimit: 50, maxJobs: 40 });
    open.push(viz);
    const { said: updates } = await connect(pageSocketUrl(viz.url), `http://127.0.0.1:${viz.port}`);
    const { socket: producer } = await connect(viz.inspectUrl);

    const jobs = 100;
    const eventsPerJob = 60;
    const started = Date.now();
    for (let j = 0; j < jobs; j++) {
      const id = `job-${j}`;
      producer.send(
        frame('@xstate.actor', id, {
          name: 'perceptis',
          definition: JSON.stringify({ id: 'perceptis' }),
          snapshot: { status: 'active', value: 'starting', context: { jobId: id, progress: null } },
        }),
      );
      for (let e = 0; e < eventsPerJob; e++) {
        producer.send(frame('@xstate.event', id, { event: { type: 'status.processing', progress: e / eventsPerJob } }));
      }
      if (j % 2 === 0) {
        producer.send(frame('@xstate.snapshot', id, { event: { type: 'x' }, snapshot: { status: 'done', value: 'succeeded', output: { status: 'succeeded' }, context: {} } }));
      }
    }
    const sent = jobs * (1 + eventsPerJob) + jobs / 2;
    const deadline = Date.now() + 20_000;
    while (viz.stats().framesReceived < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seconds = (Date.now() - started) / 1000;

    expect(viz.stats().framesReceived).toBe(sent);
    expect(sent / seconds).toBeGreaterThan(1_000);
    expect(viz.stats().jobs).toBeLessThanOrEqual(40);
    expect(viz.stats().jobsEvicted).toBeGreaterThanOrEqual(jobs - 40);

    // A page that opens now sees every job the hub still holds, each with at most `historyLimit` timeline entries.
    const { socket: late, said } = await connect(pageSocketUrl(viz.url), `http://127.0.0.1:${viz.port}`);
    while (!said.some((m) => m.type === 'hello')) await new Promise((r) => setTimeout(r, 10));
    const hello = said.find((m) => m.type === 'hello') as Extract<HubMessage, { type: 'hello' }>;
    expect(hello.jobs.length).toBe(viz.stats().jobs);
    for (const job of hello.jobs) late.send(JSON.stringify({ type: 'timeline', key: job.key }));
    const timelines = () => said.filter((m): m is Extract<HubMessage, { type: 'timeline' }> => m.type === 'timeline');
    while (timelines().length < hello.jobs.length) await new Promise((r) => setTimeout(r, 10));
    expect(Math.max(...timelines().map((t) => t.entries.length))).toBe(50);
    // The page that was open all along got batched updates, not one message per frame.
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.length).toBeLessThan(sent / 10);
  });
});
