import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { HubMessage, JobView } from '../visualizer/protocol.js';
import type { Visualizer, VisualizerOptions } from '../visualizer/server.js';
import { actorFrame, closedAfterEach, isSession, pageSocketUrl, sent, testVisualizer, until, upgradeStatus } from './support/hub.js';

const open = closedAfterEach();
const visualizer = (options: VisualizerOptions = {}): Promise<Visualizer> => testVisualizer(open, options);

/** A page as the browser has it: its socket (with the page token), everything the hub said, raw and parsed. */
async function pageClient(viz: Visualizer) {
  const socket = new WebSocket(pageSocketUrl(viz.url), { origin: new URL(viz.url).origin });
  const raw: string[] = [];
  socket.on('message', (data) => raw.push(String(data)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  open.push({ close: () => socket.close() });
  const messages = () => raw.map((text) => JSON.parse(text) as HubMessage);
  const jobs = () => {
    const known = new Map<string, JobView>();
    for (const m of messages()) {
      if (m.type === 'hello' || m.type === 'update') for (const j of m.jobs) known.set(j.key, j);
      if (m.type === 'update') for (const k of m.removed) known.delete(k);
    }
    return [...known.values()];
  };
  return { socket, raw, messages, jobs };
}

async function producer(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  open.push({ close: () => socket.close() });
  return socket;
}

const withToken = (url: string, token: string | null) => {
  const out = new URL(url);
  if (token === null) out.searchParams.delete('token');
  else out.searchParams.set('token', token);
  return out.href;
};

describe('the hub lets in only the clients it gave a token to', () => {
  it('refuses producers and pages without their token, and a producer token does not open the page', async () => {
    const viz = await visualizer();
    const origin = { Origin: new URL(viz.url).origin };
    const producerToken = new URL(viz.inspectUrl).searchParams.get('token')!;
    const pageToken = new URL(viz.url).searchParams.get('token')!;
    expect(producerToken).not.toBe(pageToken);

    expect(await upgradeStatus(withToken(viz.inspectUrl, null))).toBe(401);
    expect(await upgradeStatus(withToken(viz.inspectUrl, 'guess'))).toBe(401);
    expect(await upgradeStatus(withToken(pageSocketUrl(viz.url), null), origin)).toBe(401);
    // The URL handed to apps and command lines adds jobs; it never reads them.
    expect(await upgradeStatus(withToken(pageSocketUrl(viz.url), producerToken), origin)).toBe(401);
    expect(await upgradeStatus(viz.inspectUrl)).toBe(101);
    expect(await upgradeStatus(pageSocketUrl(viz.url), origin)).toBe(101);

    const stats = new URL(viz.url);
    stats.pathname = '/stats.json';
    expect((await fetch(withToken(stats.href, null))).status).toBe(401);
    expect((await fetch(stats)).status).toBe(200);
    // The page itself holds no data: it loads, then connects with the token of the URL it was opened with.
    expect((await fetch(withToken(viz.url, null))).status).toBe(200);
  });

  it('no producer can push out another producer’s running job by flooding it with 2,001 jobs of its own', async () => {
    const viz = await visualizer();
    const page = await pageClient(viz);
    const app = await producer(viz.inspectUrl);
    app.send(actorFrame('the-real-job', { jobId: 'real-1' }));
    await until(() => page.jobs().some((j) => j.jobId === 'real-1'), 'the real job');

    const flood = await producer(viz.inspectUrl);
    for (let i = 0; i <= 2_000; i++) await sent(flood, actorFrame(`fake-${i}`, { jobId: `fake-${i}` }));
    await until(() => viz.stats().framesReceived >= 2_002, 'every fake job');

    expect(viz.stats().jobs).toBeLessThanOrEqual(2_000);
    expect(viz.stats().jobsEvicted).toBeGreaterThanOrEqual(2);
    await until(() => page.messages().some((m) => m.type === 'update' && m.removed.length > 0), 'the evictions to reach the page');
    expect(page.jobs().find((j) => j.jobId === 'real-1')).toMatchObject({ status: 'active', connected: true });
  });
});

describe('nothing a frame says makes the hub do unbounded work', () => {
  it('a 159-byte frame saying `requests: 5e7` makes one timeline entry: the hub keeps answering', async () => {
    const viz = await visualizer({ historyLimit: 200 });
    const page = await pageClient(viz);
    const ws = await producer(viz.inspectUrl);
    const frame = JSON.stringify({ type: '@xstate.actor', sessionId: 'boom', snapshot: { status: 'active', value: 'x', context: { requests: 5e7 } } });
    expect(frame.length).toBeLessThan(160);
    ws.send(frame);
    ws.send(actorFrame('huge', { requests: Number.MAX_SAFE_INTEGER }));
    ws.send(actorFrame('unsafe', { requests: 1e300 }));
    ws.send(actorFrame('after'));

    const started = Date.now();
    await until(() => page.jobs().some((j) => isSession(j, 'after')), 'the frame after them', 5_000);
    const stats = new URL(viz.url);
    stats.pathname = '/stats.json';
    expect((await fetch(stats)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);

    const key = page.jobs().find((j) => isSession(j, 'boom'))!.key;
    page.socket.send(JSON.stringify({ type: 'timeline', key }));
    const timeline = await until(() => page.messages().find((m): m is Extract<HubMessage, { type: 'timeline' }> => m.type === 'timeline'), 'the timeline');
    expect(timeline.entries.map((e) => e.title)).toEqual(['started', 'requests #1–#50000000']);
  });
});

describe('the hub’s memory is bounded, and a page is fed in chunks', () => {
  it('learns at most maxLearntCharts charts and sends a page each new chart alone, never the whole set again', async () => {
    const viz = await visualizer({ maxLearntCharts: 4 });
    const page = await pageClient(viz);
    const ws = await producer(viz.inspectUrl);
    const states = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`s${i}`, { on: { NEXT: `s${(i + 1) % 200}` } }]));
    for (let i = 0; i < 50; i++) await sent(ws, actorFrame(`job-${i}`, {}, { definition: JSON.stringify({ id: `flood-${i}`, initial: 's0', states }) }));
    const tooBig = { id: 'too-big', initial: 's0', states: { s0: { description: 'x'.repeat(100_000) } } };
    await sent(ws, actorFrame('big-chart', {}, { definition: JSON.stringify(tooBig) }));
    await until(() => viz.stats().framesReceived >= 51, 'every frame');
    await until(() => page.jobs().length === 51, 'every job on the page');

    expect(viz.stats()).toMatchObject({ charts: 5 + 4, chartsRefused: 47 });
    const chartMessages = page.messages().filter((m): m is Extract<HubMessage, { type: 'charts' }> => m.type === 'charts');
    expect(chartMessages.map((m) => m.charts.map((c) => c.id))).toEqual([['flood-0'], ['flood-1'], ['flood-2'], ['flood-3']]);
    // Jobs of a machine without a chart are still listed.
    expect(page.jobs().find((j) => isSession(j, 'job-49'))).toMatchObject({ provider: 'flood-49' });
  });

  it('caps what one job keeps and what all jobs keep; a page opening late gets it all in chunks', async () => {
    const maxStoreBytes = 4 * 1024 * 1024;
    const viz = await visualizer({ maxStoreBytes });
    const ws = await producer(viz.inspectUrl);
    const pad = 'p'.repeat(900 * 1024);
    for (let i = 0; i < 300; i++) await sent(ws, actorFrame(`small-${i}`, { jobId: `small-${i}`, note: 'n'.repeat(10_000) }));
    for (let i = 0; i < 40; i++) await sent(ws, actorFrame(`big-${i}`, { jobId: `big-${i}`, progress: 0.5, pad }));
    await until(() => viz.stats().framesReceived >= 340, 'every frame', 20_000);

    expect(viz.stats().storeBytes).toBeLessThanOrEqual(maxStoreBytes);
    expect(viz.stats().jobs).toBeGreaterThan(100);
    const page = await pageClient(viz);
    await until(() => page.jobs().length === viz.stats().jobs, 'every job the hub holds', 10_000);
    expect(Math.max(...page.raw.map((m) => m.length))).toBeLessThan(512 * 1024);
    const big = page.jobs().find((j) => j.jobId === 'big-39');
    // A context too large to keep is replaced by its summary: what the page shows of it, and what was left out.
    expect(big?.context).toMatchObject({ jobId: 'big-39', progress: 0.5, truncated: expect.stringMatching(/^900 K characters, more than the 16 K/) });
    expect(JSON.stringify(big)).not.toContain('ppppp');
  });
});
