import { request } from 'node:http';
import { createWebSocketInspector } from '@statelyai/inspect';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createActor } from 'xstate';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { settle } from '../src/core/outcome.js';
import { inspect } from '../src/inspect/index.js';
import { REDACTED, Redactor } from '../src/inspect/redact.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import type { HubMessage, JobView } from '../visualizer/protocol.js';
import { Ring } from '../visualizer/ring.js';
import type { Visualizer, VisualizerOptions } from '../visualizer/server.js';
import { actorFrame, closedAfterEach, eventFrame, isSession, pageSocketUrl, snapshotFrame, testVisualizer, upgradeStatus } from './support/hub.js';
import { simulator } from './support/sim.js';
import { newClock, untilSettled } from './support/simulated-time.js';

const open = closedAfterEach();
const visualizer = (options: VisualizerOptions = {}): Promise<Visualizer> => testVisualizer(open, options);

/** A page as the browser would be: the page socket, collecting what the hub says. */
async function pageClient(viz: Visualizer) {
  const socket = new WebSocket(pageSocketUrl(viz.url), { origin: `http://127.0.0.1:${viz.port}` });
  const messages: HubMessage[] = [];
  const raw: string[] = [];
  socket.on('message', (data) => {
    raw.push(String(data));
    messages.push(JSON.parse(String(data)) as HubMessage);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  open.push({ close: () => socket.close() });
  const jobs = () => {
    const known = new Map<string, JobView>();
    for (const m of messages) {
      if (m.type === 'hello') for (const j of m.jobs) known.set(j.key, j);
      if (m.type === 'update') {
        for (const j of m.jobs) known.set(j.key, j);
        for (const k of m.removed) known.delete(k);
      }
    }
    return [...known.values()];
  };
  const until = async <T>(find: () => T | undefined | false, ms = 5_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const found = find();
      if (found) return found;
      if (Date.now() > end) throw new Error('page client: timed out waiting');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { socket, messages, raw, jobs, until, send: (m: unknown) => socket.send(JSON.stringify(m)) };
}

async function producer(viz: Visualizer): Promise<WebSocket> {
  const socket = new WebSocket(viz.inspectUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  open.push({ close: () => socket.close() });
  return socket;
}

describe('the visualizer hub', () => {
  it('serves on 127.0.0.1 only and refuses other sites: WebSockets from another Origin, requests for another Host', async () => {
    const viz = await visualizer();
    expect(viz.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${viz.port}/\\?token=[\\w-]{32}$`));
    expect(viz.inspectUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${viz.port}/inspect\\?token=[\\w-]{32}$`));

    expect(await upgradeStatus(viz.inspectUrl, { Origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(pageSocketUrl(viz.url), { Origin: 'http://127.0.0.1:1' })).toBe(403);
    expect(await upgradeStatus(pageSocketUrl(viz.url), { Origin: 'null' })).toBe(403);
    // Our own page, and a Node producer (no Origin at all), are welcome.
    expect(await upgradeStatus(pageSocketUrl(viz.url), { Origin: `http://127.0.0.1:${viz.port}` })).toBe(101);
    expect(await upgradeStatus(viz.inspectUrl, {})).toBe(101);

    // DNS rebinding: a page of another site resolved to 127.0.0.1 still says its own Host.
    const status = await new Promise<number>((resolve, reject) =>
      request({ host: '127.0.0.1', port: viz.port, path: '/', headers: { Host: `evil.example:${viz.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(421);
    const page = await fetch(viz.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('survives malformed, binary and oversized frames, and keeps serving the producer that sent them', async () => {
    const viz = await visualizer({ maxFrameBytes: 4_096 });
    const page = await pageClient(viz);
    const ws = await producer(viz);
    ws.send('not json at all');
    ws.send('[1,2,3]');
    ws.send('{"type": 42}');
    ws.send('null');
    ws.send(Buffer.from([0xff, 0x00, 0xfe]), { binary: true });
    ws.send(actorFrame('x:1', {}, { snapshot: { status: 'active', value: 'x', context: { pad: 'p'.repeat(10_000) } } }));
    ws.send(eventFrame('x:404', { type: 'status.pending' }));
    ws.send(actorFrame('x:2'));
    ws.send(eventFrame('x:2', { type: 'status.processing', progress: 0.5 }));
    ws.send(snapshotFrame('x:2', { status: 'active', value: { polling: { provider: 'processing', poller: 'waiting' } }, context: { jobId: 'j-2', progress: 0.5 } }));

    const job = await page.until(() => page.jobs().find((j) => j.jobId === 'j-2'));
    expect(job).toMatchObject({ provider: 'perceptis', progress: 0.5 });
    expect(job.sessionId, 'a plain id gets the mark of its producer’s connection').toMatch(/^x:2@c\d+$/);
    expect(page.jobs()).toHaveLength(1);
    expect(viz.stats().framesRejected).toBe(6);
    expect(ws.readyState).toBe(WebSocket.OPEN);

    // Beyond the hard limit the connection itself is closed (1009); the hub and everyone else carry on.
    const big = await producer(viz);
    const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.send('x'.repeat(4 * 4_096 + 1));
    expect(await closed).toBe(1009);
    ws.send(actorFrame('x:3'));
    await page.until(() => page.jobs().find((j) => isSession(j, 'x:3')));
    expect((await fetch(viz.url)).status).toBe(200);
  });

  it('redacts keys and signatures on receipt, whatever the producer sends (the stock @statelyai/inspect inspector included)', async () => {
    const viz = await visualizer();
    const page = await pageClient(viz);
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { status: 'completed', variants: 2 }] });
    const inspector = createWebSocketInspector({ url: viz.inspectUrl });
    open.push({ close: () => inspector.stop() });
    const actor = createActor(perceptisJob, {
      clock,
      inspect: inspector.inspect,
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request: { prompt: 'Quarterly summary', output_type: 'deck' }, options: { jitter: 0 } },
    }).start();
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    const done = await page.until(() => page.jobs().find((j) => j.provider === 'perceptis' && j.outcome === 'succeeded'));

    // And frames written by hand: headers, signed URLs of several clouds, a key quoted in an error message.
    const ws = await producer(viz);
    ws.send(actorFrame('hand:1'));
    ws.send(
      eventFrame('hand:1', {
        type: 'http.unauthorized',
        message: `key ${PERCEPTIS_TEST_KEY} was refused`,
        headers: { Authorization: 'Bearer sk-live-per-handwritten-0009', 'X-Api-Key': 'cata-tenant-secret-77', authorization: 'raw-bland-key-123456' },
        urls: [
          'https://cdn.example/a.png?expires=1&signature=abcdef0123',
          'https://s3.example/b?X-Amz-Credential=AKIA&X-Amz-Signature=deadbeef&x=1',
          'https://files.example/c?sig=zzz999&token=tok777',
        ],
      }),
    );
    ws.send(snapshotFrame('hand:1', { status: 'active', value: 'x', context: { payment_context_token: 'pct-secret-1234', note: 'Authorization: Bearer dpct_leak000000001' } }));
    await page.until(() => page.jobs().find((j) => isSession(j, 'hand:1') && j.context?.payment_context_token));
    page.send({ type: 'timeline', key: done.key });
    page.send({ type: 'timeline', key: page.jobs().find((j) => isSession(j, 'hand:1'))!.key });
    await page.until(() => page.messages.filter((m) => m.type === 'timeline').length === 2);

    const everything = page.raw.join('\n');
    expect(everything).toContain('/downloads/'); // the links are there…
    expect(everything).toContain(`signature=${REDACTED}`); // …without their signatures
    for (const secret of [
      PERCEPTIS_TEST_KEY,
      'sk-live-per-handwritten-0009',
      'cata-tenant-secret-77',
      'raw-bland-key-123456',
      'abcdef0123',
      'deadbeef',
      'zzz999',
      'tok777',
      'pct-secret-1234',
      'dpct_leak000000001',
    ]) {
      expect(everything, secret).not.toContain(secret);
    }
    expect(everything).not.toMatch(/signature=[0-9a-f]{8}/);
    const timeline = page.messages.find((m): m is Extract<HubMessage, { type: 'timeline' }> => m.type === 'timeline' && m.key === done.key)!;
    expect(timeline.entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['start', 'request', 'answer', 'wait', 'end']));
  });

  it('keeps a bounded history per job and a bounded number of jobs, forgetting finished jobs first', async () => {
    const ring = new Ring<number>(3);
    for (let i = 1; i <= 10; i++) ring.push(i);
    expect(ring.toArray()).toEqual([8, 9, 10]);
    expect(ring.dropped).toBe(7);

    const viz = await visualizer({ historyLimit: 5, maxJobs: 3 });
    const page = await pageClient(viz);
    const ws = await producer(viz);
    ws.send(actorFrame('a'));
    for (let i = 0; i < 50; i++) ws.send(eventFrame('a', { type: 'status.processing', progress: i / 50 }));
    ws.send(actorFrame('done-1'));
    ws.send(snapshotFrame('done-1', { status: 'done', value: 'succeeded', output: { status: 'succeeded' }, context: {} }));
    ws.send(actorFrame('b'));
    ws.send(actorFrame('c'));
    await page.until(() => page.jobs().some((j) => isSession(j, 'c')));
    expect(page.jobs().map((j) => j.sessionId.split('@')[0]).sort()).toEqual(['a', 'b', 'c']);
    expect(viz.stats()).toMatchObject({ jobs: 3, jobsEvicted: 1 });
    const key = page.jobs().find((j) => isSession(j, 'a'))!.key;
    page.send({ type: 'timeline', key });
    const timeline = await page.until(() => page.messages.find((m): m is Extract<HubMessage, { type: 'timeline' }> => m.type === 'timeline'));
    expect(timeline.entries).toHaveLength(5);
    expect(timeline.entries.at(-1)?.detail).toBe('98 %');
  });

  it('shows a page that opens late every job that started before it, with its history', async () => {
    const viz = await visualizer();
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'pending' }, { status: 'processing' }, { status: 'completed' }] });
    sim.perceptis.scripts.push({ steps: Array(20).fill({ status: 'processing' }) });
    const helper = inspect({ url: viz.inspectUrl });
    open.push({ close: () => helper.stop() });
    const input = { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request: { prompt: 'Two slides', output_type: 'deck' as const }, options: { jitter: 0 } };
    const finished = createActor(perceptisJob, { clock, inspect: helper, input }).start();
    await untilSettled(finished, clock);
    const running = createActor(perceptisJob, { clock, inspect: helper, input }).start();
    open.push({ close: () => running.stop() });
    await new Promise((r) => setTimeout(r, 200));

    const page = await pageClient(viz);
    const hello = await page.until(() => page.messages.find((m): m is Extract<HubMessage, { type: 'hello' }> => m.type === 'hello'));
    expect(hello.charts.map((c) => c.id)).toEqual(expect.arrayContaining(['perceptis']));
    expect(hello.jobs.map((j) => [j.sessionId, j.provider, j.status])).toEqual(
      expect.arrayContaining([
        [helper.sessionIdOf(finished), 'perceptis', 'done'],
        [helper.sessionIdOf(running), 'perceptis', 'active'],
      ]),
    );
    const key = hello.jobs.find((j) => j.sessionId === helper.sessionIdOf(finished))!.key;
    page.send({ type: 'timeline', key });
    const timeline = await page.until(() => page.messages.find((m): m is Extract<HubMessage, { type: 'timeline' }> => m.type === 'timeline'));
    expect(timeline.entries.map((e) => e.title)).toEqual(expect.arrayContaining(['started', 'accepted', 'pending', 'processing', 'succeeded']));
  });
});

describe('the inspect() helper', () => {
  it('sends standard @statelyai/inspect frames with the key and URL signatures already removed', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    open.push({ close: () => new Promise((r) => server.close(r)) });
    await new Promise((r) => server.once('listening', r));
    const frames: string[] = [];
    server.on('connection', (ws) => ws.on('message', (data) => frames.push(String(data))));
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'completed', variants: 1 }] });
    const helper = inspect({ url: `ws://127.0.0.1:${(server.address() as { port: number }).port}/inspect` });
    open.push({ close: () => helper.stop() });
    const actor = createActor(perceptisJob, {
      clock,
      inspect: helper,
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request: { prompt: 'One slide', output_type: 'single_slide' }, options: { jitter: 0 } },
    }).start();
    await untilSettled(actor, clock);
    const end = Date.now() + 3_000;
    while (!frames.some((f) => f.includes('"succeeded"')) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));

    // Standard frames, after one that says this producer takes a person's events back (the hub's page may send them).
    expect(JSON.parse(frames[0])).toEqual({ type: '@jobcharts.producer', sessionId: '', accepts: ['CANCEL', 'ANSWER', 'PAID'] });
    const types = new Set(frames.slice(1).map((f) => (JSON.parse(f) as { type: string }).type));
    expect([...types].sort()).toEqual(['@xstate.actor', '@xstate.event', '@xstate.snapshot']);
    const init = frames.map((f) => JSON.parse(f)).find((f) => f.event?.type === 'xstate.init' && f.sessionId === helper.sessionIdOf(actor));
    expect(init.event.input.apiKey).toBe(REDACTED);
    const all = frames.join('\n');
    expect(all).not.toContain(PERCEPTIS_TEST_KEY);
    expect(all).toContain(`signature=${REDACTED}`);
    expect(all).not.toMatch(/signature=[0-9a-f]{8}/);
  });

  it('redacts by property name, query parameter, auth scheme, key shape and the values it was told', () => {
    const redactor = new Redactor(['my-own-secret-value']);
    redactor.learnFromInput({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k-123456789', options: { jitter: 0 } });
    const out = redactor.redact({
      apiKey: 'k-123456789',
      api_key: 'k2',
      nested: { 'X-Api-Key': 'abc', Authorization: 'Basic Zm9vOmJhcg==', headers: [{ authorization: 'raw' }] },
      text: 'told my-own-secret-value and k-123456789 to Bearer abc.def.ghi',
      url: 'https://x.example/f.pdf?expires=9&signature=00ff&X-Goog-Signature=11&keep=yes',
      keyShaped: 'use sk-live-per-0123456789abcdef',
      harmless: { tokens: 12, signatureVersion: 2, apiKeyPresent: true },
    });
    expect(out).toEqual({
      apiKey: REDACTED,
      api_key: REDACTED,
      nested: { 'X-Api-Key': REDACTED, Authorization: REDACTED, headers: [{ authorization: REDACTED }] },
      text: `told ${REDACTED} and ${REDACTED} to Bearer ${REDACTED}`,
      url: `https://x.example/f.pdf?expires=9&signature=${REDACTED}&X-Goog-Signature=${REDACTED}&keep=yes`,
      keyShaped: `use ${REDACTED}`,
      harmless: { tokens: 12, signatureVersion: 2, apiKeyPresent: true },
    });
  });
});
