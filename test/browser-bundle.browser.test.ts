import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../bench/bundle-size.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { startSimulator, type Simulator } from '../src/simulator/server.js';
import { appWithBuiltPackage } from './support/installed-package.js';
import { browserTestsRun, closeInOrder, launchChromium, serveFiles, warnIfSkipped, type HeadlessChromium, type StaticSite } from './support/chromium.js';

warnIfSkipped('browser-bundle');

/**
 * A browser app as a user writes it: the chart and `settle` from 'jobcharts' (the built package: `npm run build`
 * first, as npm test does), bundled by esbuild for the browser (a Node built-in anywhere on the path fails the
 * build), then run in a page of another origin than the simulator.
 */
const APP = `
import { perceptisJob, settle } from 'jobcharts';
import { createActor } from 'xstate';
const params = new URLSearchParams(location.search);
const job = createActor(perceptisJob, {
  input: {
    baseUrl: params.get('sim'),
    apiKey: params.get('key'),
    request: { prompt: 'A one-slide summary of our quarter', output_type: 'single_slide' },
    options: { pollIntervalMs: 20, maxPollIntervalMs: 40, minDelayMs: 0, jitter: 0 },
  },
}).start();
const states = [];
job.subscribe((snapshot) => states.push(JSON.stringify(snapshot.value)));
settle(job).then((outcome) => {
  window.outcome = { ...outcome, states, idempotencyKey: job.getSnapshot().context.idempotencyKey };
});
`;

describe.skipIf(!browserTestsRun)('the library in headless Chromium', () => {
  let chromium: HeadlessChromium;
  let sim: Simulator;
  let site: StaticSite;

  beforeAll(async () => {
    sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 } });
    // The built package as an app installs it (dist/, through package.json `exports` and `imports`): what ships.
    const installed = appWithBuiltPackage();
    const app = await bundle(APP, { source: 'dist', platform: 'browser', appDir: installed.dir }).finally(() => installed.remove());
    site = await serveFiles({
      '/': { type: 'text/html', body: '<!doctype html><title>jobcharts in a browser</title><script type="module" src="/app.js"></script>' },
      '/app.js': { type: 'text/javascript', body: app.code },
    });
    chromium = await launchChromium();
  }, 60_000);

  afterAll(() => closeInOrder(chromium, site, sim));

  it('runs a Perceptis job against the simulator to succeeded, through CORS, with Web Crypto only', async () => {
    sim.perceptis.scripts.push({ steps: [{ status: 'pending' }, { status: 'processing' }, { status: 'completed', variants: 1 }] });
    const { page } = chromium;
    await page.goto(`${site.url}/?sim=${encodeURIComponent(sim.url)}&key=${encodeURIComponent(PERCEPTIS_TEST_KEY)}`);
    const outcome = await page
      .waitForFunction(() => (window as unknown as { outcome?: unknown }).outcome, undefined, { timeout: 30_000 })
      .then((handle) => handle.jsonValue() as Promise<{ status: string; result?: { downloads: { url: string }[] }; states: string[]; idempotencyKey: string; error?: unknown }>)
      .catch((error: Error) => {
        throw new Error(`${error.message}\npage console:\n${chromium.console.join('\n')}`);
      });

    expect(outcome.status, JSON.stringify(outcome.error)).toBe('succeeded');
    expect(outcome.result!.downloads).toHaveLength(1);
    expect(outcome.states).toContain(JSON.stringify({ polling: { provider: 'processing', poller: 'waiting' } }));
    // The Idempotency-Key came from the page's Web Crypto.
    expect(outcome.idempotencyKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sim.requests('perceptis').map((r) => `${r.method} ${r.answer}`)).toEqual(['POST 200', 'GET 200', 'GET 200', 'GET 200']);
  });
});
