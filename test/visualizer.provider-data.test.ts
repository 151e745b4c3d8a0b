/**
 * Issue 13, item 6: a provider's answer must not teach the inspector's redactor (producer side or hub) any word.
 * Real jobs, real `inspect()` helpers, the real visualizer hub and a page socket; the provider is the test's own.
 */
import { createWebSocketInspector } from '@statelyai/inspect';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createActor } from 'xstate';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { settle } from '../src/core/outcome.js';
import { inspect } from '../src/inspect/index.js';
import { REDACTED } from '../src/inspect/redact.js';
import type { HubMessage, JobView } from '../visualizer/protocol.js';
import { startVisualizer } from '../visualizer/server.js';
import { hostileServer } from './support/hostile-server.js';
import { pageSocketUrl } from './support/hub.js';
import { newClock, untilSettled } from './support/simulated-time.js';

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

/** The jobs a page sees, as the hub's hello and updates tell it. */
async function watchPage(pageUrl: string) {
  const socket = new WebSocket(pageSocketUrl(pageUrl), { origin: new URL(pageUrl).origin });
  const jobs = new Map<string, JobView>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as HubMessage;
    if (message.type === 'hello' || message.type === 'update') for (const job of message.jobs) jobs.set(job.key, job);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  open.push({ close: () => socket.close() });
  return {
    async job(jobId: string, outcome: string): Promise<JobView> {
      const end = Date.now() + 5_000;
      for (;;) {
        const found = [...jobs.values()].find((j) => j.jobId === jobId && j.outcome === outcome);
        if (found) return found;
        if (Date.now() > end) throw new Error(`the page never showed ${jobId} ${outcome}: ${JSON.stringify([...jobs.values()].map((j) => [j.jobId, j.outcome]))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

describe('provider data never teaches the redactor', () => {
  it('download entries with `token: "sessionId"` and `secret: "processing"`: every frame reaches the hub, other jobs unharmed', async () => {
    const viz = await startVisualizer({ flushMs: 10 });
    open.push(viz);
    const page = await watchPage(viz.url);
    let created = 0;
    const polled = new Map<string, number>();
    const provider = await hostileServer((req) => {
      if (req.method === 'POST') return { body: { job_id: `job-${++created}` } };
      const jobId = req.url!.split('/').pop()!;
      const polls = (polled.get(jobId) ?? 0) + 1;
      polled.set(jobId, polls);
      if (polls === 1) return { body: { job_id: jobId, status: 'processing' } };
      const download = { url: `https://cdn.test/${jobId}.pptx`, format: 'pptx' };
      // The hostile part: words a redactor that learns from data would then cut out of every frame.
      const poisoned = jobId === 'job-3' ? {} : { token: 'sessionId', secret: 'processing', session_token: 'perceptis' };
      return { body: { job_id: jobId, status: 'completed', downloads: [{ ...download, ...poisoned }] } };
    });

    // Job 1 streams through the stock inspector (only the hub redacts its frames), jobs 2 and 3 through `inspect()`.
    for (const n of [1, 2, 3]) {
      const clock = newClock();
      const stock = n === 1 ? createWebSocketInspector({ url: viz.inspectUrl }) : null;
      const helper = stock ? null : inspect({ url: viz.inspectUrl });
      open.push({ close: () => (stock ?? helper)!.stop() });
      const actor = createActor(perceptisJob, {
        clock,
        inspect: stock?.inspect ?? helper!,
        input: { baseUrl: provider.url, apiKey: `sk-live-per-key-of-job-${n}`, request: { prompt: 'One slide', output_type: 'single_slide' }, options: { jitter: 0 } },
      }).start();
      await untilSettled(actor, clock);
      expect((await settle(actor)).status).toBe('succeeded');
    }

    const views = [await page.job('job-1', 'succeeded'), await page.job('job-2', 'succeeded'), await page.job('job-3', 'succeeded')];
    expect(viz.stats().framesRejected).toBe(0);
    for (const view of views) expect(view).toMatchObject({ provider: 'perceptis', status: 'done' });
    // The values under secret-looking names are hidden; the words themselves stay words everywhere else.
    for (const view of views.slice(0, 2)) {
      const result = view.context?.result as { downloads: Array<Record<string, unknown>> };
      expect(result.downloads[0]).toMatchObject({ token: REDACTED, secret: REDACTED, session_token: REDACTED, format: 'pptx' });
    }
    expect(JSON.stringify(views[2])).not.toContain(REDACTED);
  });
});
