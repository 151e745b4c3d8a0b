/**
 * The runner contract: what every backend (localRunner, bullmqRunner) must do, over real HTTP against the
 * simulated providers, in real time with millisecond poll intervals. A backend file calls {@link runnerContract}.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PAGE_SOCKET_PATH, TOKEN_PARAM } from '../../visualizer/protocol.js';
import { startVisualizer } from '../../visualizer/server.js';
import { inspect } from '../../src/inspect/index.js';
import { CATA_TEST_KEY } from '../../src/providers/cata/simulator.js';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';
import { startSimulator, type Simulator } from '../../src/simulator/server.js';
import type { JobView, Runner, RunnerConfig } from '../../src/runner/types.js';
import { sampleRequest } from '../support/jobs.js';

/** What a backend gives the contract: runners on one store, and the store's raw contents. */
export interface Backend {
  /** A runner on this test's store (a second call: another process's runner on the same store). */
  runner(config: RunnerConfig): Runner | Promise<Runner>;
  /** Every byte the store holds, as text (SQLite file, Redis keys and values). */
  dump(): Promise<string>;
  /** Rewrites what the store holds of job `id`: its base URL (input and snapshot), or its snapshot's schema version. */
  tamper(id: string, change: { baseUrl?: string; schemaVersion?: number }): Promise<void>;
  close(): Promise<void>;
}

const fast = { pollIntervalMs: 5, pollGrowth: 1, minDelayMs: 0, jitter: 0, retryDelayMs: 5 };
const perceptisRequest = { prompt: 'three slides about otters', output_type: 'single_slide' };
const cataRequest = sampleRequest('cata');
const markdownRequest = { data: { text_body: '# Hello', meta: {} }, options: { document_name: 'hello.pdf' } };

export function runnerContract(name: string, makeBackend: () => Promise<Backend>) {
  describe(`runner contract: ${name}`, () => {
    let sim: Simulator;
    let backend: Backend;
    const runners: Runner[] = [];
    const servers: Server[] = [];

    beforeEach(async () => {
      sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 } });
      backend = await makeBackend();
    });
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((r) => r.close()));
      await backend.close();
      await sim.close();
      await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    });

    const config = (extra: Partial<RunnerConfig> = {}): RunnerConfig => ({
      apiKeys: { perceptis: PERCEPTIS_TEST_KEY, cata: CATA_TEST_KEY },
      baseUrls: { perceptis: [sim.url], cata: [sim.url], markdown2pdf: [sim.url] },
      ...extra,
    });
    const open = async (extra: Partial<RunnerConfig> = {}) => {
      const runner = await backend.runner(config(extra));
      runners.push(runner);
      return runner;
    };
    const until = (runner: Runner, id: string, test: (view: JobView) => boolean) =>
      new Promise<JobView>((resolve) => {
        const stop = runner.watch(id, (view) => {
          if (!test(view)) return;
          queueMicrotask(stop);
          resolve(view);
        });
      });

    it('runs a Perceptis job to its typed outcome, showing its progress on the way, with one job at the provider', async () => {
      sim.perceptis.scripts.push({
        steps: [{ status: 'pending' }, { status: 'processing', progress: 0.4 }, { status: 'processing', progress: 0.8 }, { status: 'completed' }],
      } as never);
      const runner = await open();
      const id = await runner.submit('perceptis', { baseUrl: sim.url, request: perceptisRequest, options: fast });
      expect(typeof id).toBe('string');
      const seen: (number | null)[] = [];
      runner.watch(id, (view) => {
        if (seen.at(-1) !== view.progress) seen.push(view.progress);
      });
      await runner.work({ concurrency: 4 });
      const outcome = await runner.outcome(id);
      expect(outcome).toMatchObject({ status: 'succeeded', result: { downloads: expect.any(Array) } });
      expect(seen[0]).toBeNull();
      expect(seen.at(-1)).not.toBeNull();
      expect(sim.perceptis.jobCount).toBe(1);
      const polls = sim.requests('perceptis').length;
      await new Promise((r) => setTimeout(r, 30));
      expect(sim.requests('perceptis')).toHaveLength(polls);
    });

    it("answers Cata's question with send(ANSWER) from another runner, applied once and in order", async () => {
      sim.cata.scripts.push({
        steps: [{ status: 'pending' }, { status: 'needs_clarification', question: 'Which field holds the outlets?' }, { status: 'completed', resultScriptId: 9 }],
      });
      const worker = await open();
      const id = await worker.submit('cata', { baseUrl: sim.url, request: cataRequest, options: fast });
      await worker.work();
      const asked = await until(worker, id, (v) => v.needsInput);
      expect(asked.question).toBe('Which field holds the outlets?');
      expect(asked.tags).toContain('needs-input');
      const requestsWhileParked = sim.requests('cata').length;
      await new Promise((r) => setTimeout(r, 50));
      expect(sim.requests('cata')).toHaveLength(requestsWhileParked);

      const other = await open();
      await other.send(id, { type: 'ANSWER', text: 'data.locations' });
      await other.send(id, { type: 'ANSWER', text: 'a second answer, never asked for' });
      expect(await worker.outcome(id)).toEqual({ status: 'succeeded', jobId: expect.any(Number), result: { resultScriptId: 9 } });
      const jobId = sim.cata.answersReceived[0]?.jobId;
      expect(sim.cata.answers(jobId)).toEqual(['data.locations']);
    });

    it('waits for a markdown2pdf payment and goes on after PAID', async () => {
      sim.markdown2pdf.scripts.push({ steps: [{ status: 'Processing', progress: 0.5 }, { status: 'Done' }] });
      const runner = await open();
      const id = await runner.submit('markdown2pdf', { baseUrl: sim.url, request: markdownRequest, options: fast });
      await runner.work();
      const waiting = await until(runner, id, (v) => v.needsInput);
      expect(waiting.value).toBe('paymentRequired');
      expect(waiting.payment).toMatchObject({ offers: [expect.objectContaining({ id: expect.stringMatching(/^offer_/) })] });
      expect(sim.markdown2pdf.settlePayments()).toBe(1);
      await runner.send(id, { type: 'PAID' });
      expect(await runner.outcome(id)).toMatchObject({ status: 'succeeded' });
      expect(sim.markdown2pdf.jobCount).toBe(1);
    });

    it("paces every request of a key by the configured rate limit, each job's create too: no 429 at the limit", async () => {
      // The simulated Perceptis takes 40 a second in bursts of 4: eight creates sent at once would meet four 429s.
      sim.keyLimits.set('perceptis', { requestsPerSecond: 40, burst: 4 });
      const runner = await open({ rateLimits: { perceptis: { requestsPerSecond: 20 } } });
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { status: 'completed' }] } as never);
        ids.push(await runner.submit('perceptis', { baseUrl: sim.url, request: perceptisRequest, options: fast }));
      }
      const started = Date.now();
      await runner.work({ concurrency: 8 });
      const outcomes = await Promise.all(ids.map((id) => runner.outcome(id)));
      expect(outcomes.map((o) => o.status)).toEqual(ids.map(() => 'succeeded'));
      const requests = sim.requests('perceptis');
      expect(requests.filter((r) => r.answer === 429).map((r) => `${r.method} ${r.path}`)).toEqual([]);
      // At 20 a second the eighth create, due at once like the others, has its slot 7 × 50 ms after the first.
      const lastCreate = Math.max(...requests.filter((r) => r.method === 'POST').map((r) => r.at));
      expect(lastCreate - started).toBeGreaterThanOrEqual(7 * 50 - 10);
    });

    it('cancels a polling job with send(CANCEL): no request after the end', async () => {
      sim.perceptis.scripts.push({ steps: [{ status: 'processing' }] } as never);
      const runner = await open();
      const id = await runner.submit('perceptis', { baseUrl: sim.url, request: perceptisRequest, options: { ...fast, pollIntervalMs: 40 } });
      await runner.work();
      await until(runner, id, (v) => v.waitReason === 'poll');
      await runner.send(id, { type: 'CANCEL' });
      expect(await runner.outcome(id)).toMatchObject({ status: 'cancelled', jobId: expect.any(String) });
      const requests = sim.requests('perceptis').length;
      await new Promise((r) => setTimeout(r, 100));
      expect(sim.requests('perceptis')).toHaveLength(requests);
    });

    it('keeps deadlines absolute: a job that waited while no worker ran times out on time', async () => {
      sim.perceptis.scripts.push({ steps: [{ status: 'processing' }] } as never);
      const first = await open();
      const id = await first.submit('perceptis', { baseUrl: sim.url, request: perceptisRequest, options: { ...fast, pollIntervalMs: 400, timeoutMs: 1_000 } });
      await first.work();
      const waiting = await until(first, id, (v) => v.waitReason === 'poll' || v.status === 'done');
      expect(waiting.status).toBe('active');
      await first.close();
      await new Promise((r) => setTimeout(r, 1_100));
      const second = await open();
      const before = sim.requests('perceptis').length;
      await second.work();
      expect(await second.outcome(id)).toMatchObject({ status: 'timedOut' });
      expect(sim.requests('perceptis').length - before).toBeLessThanOrEqual(1);
    });

    it('keeps no API key in the store', async () => {
      sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { status: 'completed' }] } as never);
      sim.cata.scripts.push({ steps: [{ status: 'needs_clarification', question: 'Which field?' }] });
      const runner = await open();
      const done = await runner.submit('perceptis', { baseUrl: sim.url, request: perceptisRequest, options: fast });
      const asking = await runner.submit('cata', { baseUrl: sim.url, request: cataRequest, options: fast });
      await runner.work();
      await runner.outcome(done);
      await until(runner, asking, (v) => v.needsInput);
      const stored = await backend.dump();
      expect(stored).toContain('Which field?');
      expect(stored).not.toContain(PERCEPTIS_TEST_KEY);
      expect(stored).not.toContain(CATA_TEST_KEY);
    });

    it('does not send the key to a base URL written into the store: the job ends rejected, nothing is sent there', async () => {
      const heard: string[] = [];
      const hostile = createServer((req, res) => {
        heard.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"processing"}');
      });
      servers.push(hostile);
      await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
      const hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
      const runner = await open();
      const id = await runner.submit('perceptis', { baseUrl: sim.url, request: perceptisRequest, options: fast });
      await backend.tamper(id, { baseUrl: hostileUrl });
      await runner.work();
      const outcome = await runner.outcome(id);
      expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid', message: expect.stringContaining(hostileUrl) } });
      expect(heard).toEqual([]);
      expect(sim.perceptis.jobCount).toBe(0);
    });

    it('refuses to submit to a base URL the runner does not allow', async () => {
      const runner = await open();
      await expect(runner.submit('perceptis', { baseUrl: 'http://127.0.0.1:9/', request: perceptisRequest })).rejects.toThrow(/not one this runner sends perceptis requests to/);
    });

    it('leaves a job whose snapshot is of a newer schema version for a newer worker, without ending it', async () => {
      sim.perceptis.scripts.push({ steps: [{ status: 'processing' }] } as never);
      const runner = await open();
      const id = await runner.submit('perceptis', { baseUrl: sim.url, request: perceptisRequest, options: fast });
      await backend.tamper(id, { schemaVersion: 99 });
      await runner.work();
      await new Promise((r) => setTimeout(r, 150));
      const view = await until(runner, id, () => true);
      expect(view.status).toBe('active');
      expect(sim.requests('perceptis')).toEqual([]);
    });

    it('streams every step of a job to the visualizer as that one job, however many steps it takes', async () => {
      sim.perceptis.scripts.push({
        steps: [{ status: 'pending' }, { status: 'processing' }, { status: 'processing' }, { status: 'processing' }, { status: 'completed' }],
      } as never);
      const visualizer = await startVisualizer({ flushMs: 10 });
      const inspector = inspect({ url: visualizer.inspectUrl });
      try {
        const runner = await open({ inspect: inspector });
        const id = await runner.submit('perceptis', { baseUrl: sim.url, request: perceptisRequest, options: fast });
        await runner.work({ concurrency: 4 });
        expect(await runner.outcome(id)).toMatchObject({ status: 'succeeded' });
        // The frames travel over a socket: wait until they stop coming.
        let frames = -1;
        while (visualizer.stats().framesReceived !== frames || frames === 0) {
          frames = visualizer.stats().framesReceived;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(sim.requests('perceptis').length).toBeGreaterThanOrEqual(5);
        expect(visualizer.stats().jobs).toBe(1);
      } finally {
        inspector.stop();
        await visualizer.close();
      }
    });

    it("takes an answer typed on the visualizer's page while the job waits for it between steps", async () => {
      sim.cata.scripts.push({
        steps: [{ status: 'pending' }, { status: 'needs_clarification', question: 'Which field holds the outlets?' }, { status: 'completed', resultScriptId: 9 }],
      });
      const visualizer = await startVisualizer({ flushMs: 10 });
      const inspector = inspect({ url: visualizer.inspectUrl });
      const token = new URL(visualizer.url).searchParams.get(TOKEN_PARAM)!;
      const page = new WebSocket(`ws://127.0.0.1:${visualizer.port}${PAGE_SOCKET_PATH}?${TOKEN_PARAM}=${token}`, { origin: `http://127.0.0.1:${visualizer.port}` });
      const heard: string[] = [];
      page.on('message', (data) => heard.push(String(data)));
      try {
        const runner = await open({ inspect: inspector });
        const id = await runner.submit('cata', { baseUrl: sim.url, request: cataRequest, options: fast });
        await runner.work();
        await until(runner, id, (v) => v.needsInput);
        // The page names a runner job by its id, whichever worker streams it; the step that asked has ended by now.
        const keyOf = () => new RegExp(`"key":"(job:${id})"`).exec(heard.join('\n'))?.[1];
        while (!keyOf()) await new Promise((resolve) => setTimeout(resolve, 20));
        const sent = new Promise<{ ok?: boolean }>((resolve) =>
          page.on('message', (data) => {
            const reply = JSON.parse(String(data)) as { type?: string; ok?: boolean };
            if (reply.type === 'sent') resolve(reply);
          }),
        );
        page.send(JSON.stringify({ type: 'send', key: keyOf(), event: { type: 'ANSWER', text: 'data.locations' } }));
        expect(await sent).toMatchObject({ ok: true });
        expect(await runner.outcome(id)).toMatchObject({ status: 'succeeded' });
        expect(sim.cata.answers(sim.cata.answersReceived[0]?.jobId)).toEqual(['data.locations']);
      } finally {
        page.terminate();
        inspector.stop();
        await visualizer.close();
      }
    });
  });
}
