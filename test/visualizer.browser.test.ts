import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createActor, type AnyActorRef } from 'xstate';
import { blandJob } from '../src/providers/bland/chart.js';
import { cataJob } from '../src/providers/cata/chart.js';
import { depictaJob } from '../src/providers/depicta/chart.js';
import { markdown2pdfJob } from '../src/providers/markdown2pdf/chart.js';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { settle } from '../src/core/outcome.js';
import { inspect, type JobInspector } from '../src/inspect/index.js';
import { BLAND_TEST_KEY } from '../src/providers/bland/simulator.js';
import { CATA_TEST_KEY } from '../src/providers/cata/simulator.js';
import { DEPICTA_STORY_MODEL, DEPICTA_TEST_KEY } from '../src/providers/depicta/simulator.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { startSimulator, type Simulator } from '../src/simulator/server.js';
import { registeredCharts } from '../visualizer/charts.js';
import { browserTestsRun, closeInOrder, launchChromium, warnIfSkipped, type HeadlessChromium } from './support/chromium.js';
import { startVisualizer, type Visualizer } from '../visualizer/server.js';

warnIfSkipped('visualizer.browser');

const REPORTS = join(process.cwd(), 'reports');
/** Real clock, millisecond polling: the page must keep up with jobs that move fast. */
const fast = { pollIntervalMs: 40, maxPollIntervalMs: 60, pollGrowth: 1, minDelayMs: 0, retryDelayMs: 20, jitter: 0 };
/** A second Perceptis key: the job that meets a 429 must not slow the other one down (rate budgets are per key). */
const PERCEPTIS_SECOND_KEY = 'sk-live-per-simulated-business-0042';
const SECRETS = [PERCEPTIS_TEST_KEY, PERCEPTIS_SECOND_KEY, CATA_TEST_KEY, DEPICTA_TEST_KEY, BLAND_TEST_KEY];

describe.skipIf(!browserTestsRun)('the visualizer in headless Chromium', () => {
  let chromium: HeadlessChromium;
  let page: Page;
  let viz: Visualizer;
  let sim: Simulator;
  let helper: JobInspector;
  const actors: AnyActorRef[] = [];

  beforeAll(async () => {
    // The machine running the suite may be busy with other suites: generous waits (the helper's 30 s), never fixed sleeps.
    chromium = await launchChromium({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, printPageErrors: true });
    page = chromium.page;
    mkdirSync(REPORTS, { recursive: true });
    sim = await startSimulator({ perceptis: { minPollIntervalMs: 0, keys: [PERCEPTIS_TEST_KEY, PERCEPTIS_SECOND_KEY] } });
    viz = await startVisualizer({ port: 0, flushMs: 50 });
    helper = inspect({ url: viz.inspectUrl });
  }, 60_000);

  afterAll(async () => {
    for (const actor of actors) actor.stop();
    helper?.stop();
    await closeInOrder(chromium, viz, sim);
  });

  const start = <T extends AnyActorRef>(actor: T): T => {
    actors.push(actor);
    actor.start();
    return actor;
  };
  const active = (stateId: string) => page.locator(`[data-state-id="${stateId}"][data-active="true"]`);
  const select = async (actor: AnyActorRef, provider: string) => {
    const row = page.locator(`.job-row[data-session-id="${helper.sessionIdOf(actor)}"][data-provider="${provider}"]`);
    const header = page.locator(`.job-header[data-provider="${provider}"]`);
    await row.waitFor();
    // On a loaded machine a click can land while the list re-renders and be lost: click again, a few times at most.
    for (let tries = 1; ; tries++) {
      await row.click();
      const opened = await header.waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (opened || tries === 5) break;
    }
    await header.waitFor();
  };
  const expectNoSecrets = async () => {
    const html = await page.content();
    for (const secret of SECRETS) expect(html, 'an API key reached the page').not.toContain(secret);
    expect(html).not.toMatch(/signature=(?!%5Bredacted|\[redacted)[^&"'\s<]+/i);
  };

  it('draws every chart as a statechart before any job runs (the atlas)', async () => {
    await page.goto(viz.url);
    await page.waitForFunction((n) => document.querySelectorAll('.chart-card[data-ready="true"]').length === n, registeredCharts.length, { timeout: 60_000 });
    for (const { machine } of registeredCharts) {
      const card = page.locator(`.chart-card[data-chart="${machine.id}"]`);
      await expect(card.locator(`[data-state-id="${machine.id}"]`).count()).resolves.toBe(1);
      expect(await card.locator('.state.kind-final').count()).toBeGreaterThanOrEqual(4);
      expect(await card.locator('.initial-dot').count()).toBeGreaterThan(0);
      expect(await card.locator('.edge-label').count()).toBeGreaterThan(5);
    }
    expect(await page.locator('[data-state-id="perceptis.polling.provider"]').getAttribute('class')).toContain('region');
    expect(await page.locator('[data-active="true"]').count()).toBe(0);
    await page.screenshot({ path: join(REPORTS, 'visualizer-atlas.png'), fullPage: false });
    await page.locator('.chart-card[data-chart="cata"]').screenshot({ path: join(REPORTS, 'visualizer-chart-cata.png') });
  }, 120_000);

  it('lists live jobs of every provider and lights the states of the selected one as it moves', async () => {
    const pending = Array(25).fill({ status: 'pending' });
    sim.perceptis.scripts.push({ steps: [...pending, { status: 'processing' }] });
    sim.perceptis.scripts.push({ steps: [{ status: 'pending' }, { http: 429 }, { status: 'processing' }, { status: 'completed', variants: 2 }] });
    sim.depicta.scripts.push({ steps: [{ status: 'pending' }, { status: 'processing', scenesCompleted: 1 }, { status: 'processing', scenesCompleted: 2 }] });
    sim.bland.scripts.push({ steps: [{ ready: false }, { ready: false }, { ready: true, pathwayId: 'a6c24531-75b1-4334-95b2-2d0f11e8fe41' }] });

    const slow = start(
      createActor(perceptisJob, { inspect: helper, input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request: { prompt: 'The quarter on one slide', output_type: 'single_slide' }, options: fast } }),
    );
    const quick = start(
      createActor(perceptisJob, { inspect: helper, input: { baseUrl: sim.url, apiKey: PERCEPTIS_SECOND_KEY, request: { prompt: 'A short deck', output_type: 'deck' }, options: fast } }),
    );
    const story = start(
      createActor(depictaJob, {
        inspect: helper,
        input: {
          baseUrl: sim.url,
          apiKey: DEPICTA_TEST_KEY,
          request: {
            model: DEPICTA_STORY_MODEL,
            characters: [{ name: 'Aria', appearance: 'A young archivist with silver hair' }],
            scenes: [{ prompt: 'Aria enters the library' }, { prompt: 'Aria finds a glowing book' }, { prompt: 'A door of light' }],
          },
          options: fast,
        },
      }),
    );
    const pathway = start(
      createActor(blandJob, {
        inspect: helper,
        input: { baseUrl: sim.url, apiKey: BLAND_TEST_KEY, request: { input_prompt: 'A receptionist pathway for a dental clinic: greet the caller, ask why they call, then book, move or cancel an appointment.' }, options: fast },
      }),
    );

    for (const [actor, provider] of [
      [slow, 'perceptis'],
      [quick, 'perceptis'],
      [story, 'depicta'],
      [pathway, 'bland'],
    ] as const) {
      await page.locator(`.job-row[data-session-id="${helper.sessionIdOf(actor)}"][data-provider="${provider}"]`).waitFor();
    }

    await select(slow, 'perceptis');
    await active('perceptis.polling.provider.pending').waitFor();
    expect(await page.locator('[data-state-id="perceptis.polling"]').getAttribute('data-active')).toBe('true');
    expect(await page.locator('[data-state-id="perceptis.submitting"]').getAttribute('data-active')).toBe('false');
    await active('perceptis.polling.provider.processing').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-state-id="perceptis.polling.provider.pending"]').getAttribute('data-active')).toBe('false');
    await expect(page.locator('.timeline .tl-answer').first().textContent()).resolves.toContain('accepted');
    await page.screenshot({ path: join(REPORTS, 'visualizer-job-perceptis.png') });

    expect((await settle(quick)).status).toBe('succeeded');
    await select(quick, 'perceptis');
    await active('perceptis.succeeded').waitFor();
    await page.locator('.timeline .tl-rateLimited').first().waitFor();
    await page.locator('.timeline .tl-end').first().waitFor();
    await expectNoSecrets();

    expect((await settle(pathway)).status).toBe('succeeded');
    await select(story, 'depicta');
    await active('depicta.polling').waitFor();
    await page.waitForFunction(() => document.querySelector('.job-header .fact-value')?.textContent !== '…');
    await page.screenshot({ path: join(REPORTS, 'visualizer-job-depicta.png') });
    story.send({ type: 'CANCEL' });
    await active('depicta.cancelled').waitFor();
  }, 120_000);

  it('shows a person what a job waits for: Cata’s question, markdown2pdf’s payment offers', async () => {
    sim.cata.scripts.push({
      steps: [
        { status: 'pending' },
        { status: 'running', stage: 'gathering' },
        { status: 'running', stage: 'testing', test: { passed: false, error: 'Expected an array of outlets, got object' } },
        { status: 'needs_clarification', question: 'The sample response has no `outlets` array. Which field lists the outlets?' },
        { status: 'running', stage: 'testing', test: { passed: true, outputCount: 8 } },
        { status: 'completed', resultScriptId: 42 },
      ],
    });
    const cata = start(createActor(cataJob, { inspect: helper, input: { baseUrl: sim.url, apiKey: CATA_TEST_KEY, request: { provider: 'grabfood', topic: 'list_remote_outlets' }, options: fast } }));
    await select(cata, 'cata');
    await active('cata.needsClarification.awaitingAnswer').waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="clarification"]').textContent()).resolves.toContain('Which field lists the outlets?');
    await expect(page.locator(`.job-row[data-session-id="${helper.sessionIdOf(cata)}"]`).getAttribute('class')).resolves.toContain('tone-needs-input');
    await page.screenshot({ path: join(REPORTS, 'visualizer-clarification.png') });
    cata.send({ type: 'ANSWER', text: 'They are under data.stores' });
    await page.locator('.timeline .tl-person', { hasText: 'ANSWER' }).waitFor();
    expect((await settle(cata)).status).toBe('succeeded');
    await active('cata.succeeded').waitFor();

    sim.markdown2pdf.scripts.push({ steps: [{ status: 'Processing', progress: 0.4 }, { status: 'Processing', progress: 0.8 }, { status: 'Done' }] });
    const pdf = start(
      createActor(markdown2pdfJob, {
        inspect: helper,
        input: { baseUrl: sim.url, request: { data: { text_body: '# Q3\n\nAll figures are up.', meta: { title: 'Q3' } }, options: { document_name: 'q3.pdf' } }, options: fast },
      }),
    );
    await select(pdf, 'markdown2pdf');
    await active('markdown2pdf.paymentRequired').waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="payment-offers"]').textContent()).resolves.toMatch(/offer_/);
    await page.screenshot({ path: join(REPORTS, 'visualizer-payment.png') });
    sim.markdown2pdf.settlePayments();
    pdf.send({ type: 'PAID' });
    expect((await settle(pdf)).status).toBe('succeeded');
    await active('markdown2pdf.succeeded').waitFor();
    await expectNoSecrets();
  }, 120_000);

  it('stays usable with hundreds of jobs: the list draws only the rows in view', async () => {
    const producer = new WebSocket(viz.inspectUrl);
    await new Promise((resolve, reject) => producer.once('open', resolve).once('error', reject));
    const now = Date.now();
    for (let i = 0; i < 400; i++) {
      const sessionId = `load:${i}`;
      const provider = registeredCharts[i % registeredCharts.length].machine.id;
      producer.send(JSON.stringify({ type: '@xstate.actor', sessionId, rootId: sessionId, name: provider, createdAt: String(now - i * 1000), definition: JSON.stringify({ id: provider }), snapshot: { status: 'active', value: { polling: { poller: 'waiting' } }, context: { jobId: `job-${i}`, progress: (i % 10) / 10 } } }));
    }
    await page.locator('[data-filter="all"]').click();
    await page.waitForFunction(() => /4\d\d jobs/.test(document.querySelector('.counts')?.textContent ?? ''), undefined, { timeout: 30_000 });
    const rows = await page.locator('.job-row').count();
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(60);
    const started = Date.now();
    await page.locator('.job-list').evaluate((list) => (list.scrollTop = 300 * 66));
    // The hub marks ids a producer sent plain with its connection: `load:299@c7`.
    const row = page.locator('.job-row[data-session-id^="load:299@"]');
    await row.waitFor();
    await row.click();
    await page.locator('.job-header[data-selected-key]').waitFor();
    expect(Date.now() - started).toBeLessThan(5_000);
    await page.screenshot({ path: join(REPORTS, 'visualizer-many-jobs.png') });
    producer.close();
    await expectNoSecrets();
  }, 120_000);
});
