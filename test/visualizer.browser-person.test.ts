import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { providerNames } from '../src/providers/registry.js';
import { startSimulator, type Simulator } from '../src/simulator/server.js';
import { startVisualizer, type Visualizer } from '../visualizer/server.js';
import { browserTestsRun, closeInOrder, launchChromium, warnIfSkipped, type HeadlessChromium } from './support/chromium.js';
import { startProducerProcess, type ProducerProcess } from './support/producer-process.js';

warnIfSkipped('visualizer.browser-person');

describe.skipIf(!browserTestsRun)('the visualizer page: readable charts, acting on jobs, replay (Chromium)', () => {
  let chromium: HeadlessChromium;
  let page: Page;
  let viz: Visualizer;
  let sim: Simulator;
  const children: ChildProcess[] = [];

  /** A job in its own Node process (`test/support/page-producer.ts`), streaming to the hub. */
  const produce = async (provider: string, flavour: 'inspect' | 'stock' = 'inspect'): Promise<ProducerProcess> => {
    const producer = await startProducerProcess(provider, sim.url, viz.inspectUrl, flavour);
    children.push(producer.child);
    return producer;
  };

  const select = async (sessionId: string, provider: string) => {
    // inspect() marks each session id with its process (`x:0@1a2b3c4d`); the hub marks an id a stock inspector
    // sent plain with its connection (`x:0@c3`).
    const session = `:is([data-session-id="${sessionId}"], [data-session-id^="${sessionId}@"])`;
    await page.locator(`.job-row${session}[data-provider="${provider}"]:not(.disconnected)`).click();
    await page.locator(`.job-header[data-provider="${provider}"]`).waitFor();
  };
  const active = (stateId: string) => page.locator(`[data-state-id="${stateId}"][data-active="true"]`);

  beforeAll(async () => {
    chromium = await launchChromium({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1, printPageErrors: true });
    page = chromium.page;
    sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 } });
    viz = await startVisualizer({ port: 0, flushMs: 40 });
    await page.goto(viz.url);
    await page.waitForFunction(() => document.querySelectorAll('.chart-card[data-ready="true"]').length === 5, undefined, { timeout: 60_000 });
  }, 90_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill();
    await closeInOrder(chromium, viz, sim);
  });

  it.each(providerNames())('%s: collapsed, the chart fits 1400×900 with labels of 11 px or more', async (id) => {
    const svg = page.locator(`.chart-card[data-chart="${id}"] svg.chart-svg`);
    await svg.evaluate((node) => node.scrollIntoView({ block: 'start' }));
    const measured = await svg.evaluate((node) => {
      const box = node.getBoundingClientRect();
      const scale = box.width / (node as SVGSVGElement).viewBox.baseVal.width;
      const sizes = Array.from(node.querySelectorAll('text')).map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
      return { width: box.width, height: box.height, smallest: Math.min(...sizes), collapsed: node.querySelectorAll('[data-collapsed="true"]').length };
    });
    expect(measured.collapsed).toBeGreaterThanOrEqual(2);
    expect(measured.width).toBeLessThanOrEqual(1400);
    expect(measured.height).toBeLessThanOrEqual(900);
    expect(measured.smallest).toBeGreaterThanOrEqual(11);
  });

  it('a collapsed request region opens in place and folds again', async () => {
    const box = page.locator('[data-state-id="perceptis.polling.poller"]');
    await expect(box.getAttribute('data-collapsed')).resolves.toBe('true');
    await box.locator('.box').click();
    await page.locator('[data-state-id="perceptis.polling.poller.backingOff"]').waitFor();
    await expect(page.locator('[data-state-id="perceptis.polling.poller"]').getAttribute('data-collapsed')).resolves.toBe('false');
    await page.locator('[data-state-id="perceptis.polling.poller"] > .state-title').click();
    await page.locator('[data-state-id="perceptis.polling.poller.backingOff"]').waitFor({ state: 'detached' });
  });

  it('answers Cata’s question from the page: the job in another process succeeds', async () => {
    sim.cata.scripts.push({
      steps: [{ status: 'pending' }, { status: 'needs_clarification', question: 'Which field lists the outlets?' }, { status: 'running', stage: 'testing' }, { status: 'completed', resultScriptId: 42 }],
    });
    const job = await produce('cata');
    await select(job.sessionId, 'cata');
    await active('cata.needsClarification.awaitingAnswer').waitFor();
    // The job view follows the job: the state it waits in is scrolled into the chart's view, and on screen.
    await page.waitForFunction(() => {
      const box = document.querySelector('[data-state-id="cata.needsClarification.awaitingAnswer"] .box')!.getBoundingClientRect();
      const view = document.querySelector('.chart-card[data-chart="cata"] .chart-body')!.getBoundingClientRect();
      const inside = (outer: { left: number; right: number; top: number; bottom: number }) =>
        box.left >= outer.left && box.right <= outer.right && box.top >= outer.top && box.bottom <= outer.bottom;
      return inside(view) && inside({ left: 0, top: 0, right: innerWidth, bottom: innerHeight });
    });
    await page.locator('.answer-input').fill('They are under data.stores');
    await page.locator('[data-action="answer"]').click();
    expect(await job.outcome).toBe('succeeded');
    await active('cata.succeeded').waitFor();
    await page.locator('.job-header .pill', { hasText: 'succeeded' }).waitFor();
    // Where it has been: the question's state visited, the way into it taken once.
    await page.locator('[data-state-id="cata.needsClarification"][data-visited="true"]').waitFor();
    const into = page.locator('.edge[data-source="cata.polling"][data-target="cata.needsClarification"]');
    await expect(into.getAttribute('data-taken')).resolves.toBe('1');
    expect(await page.locator('[data-state-id="cata.failed"][data-visited="true"]').count()).toBe(0);

    // Replay: the entry where the job waited for a person shows it waiting, the chart and the context alike.
    const person = page.locator('.tl[data-kind="person"][data-timeline-index]').first();
    await person.click();
    await active('cata.needsClarification.awaitingAnswer').waitFor();
    expect(await page.locator('[data-state-id="cata.succeeded"]').getAttribute('data-active')).toBe('false');
    await expect(page.locator('[data-testid="clarification"]').textContent()).resolves.toContain('Which field lists the outlets?');
    const index = Number(await person.getAttribute('data-timeline-index'));
    await page.keyboard.press('ArrowLeft');
    await page.locator(`.tl[data-timeline-index="${index - 1}"][aria-selected="true"]`).waitFor();
    await page.keyboard.press('ArrowRight');
    await page.locator(`.tl[data-timeline-index="${index}"][aria-selected="true"]`).waitFor();
    await active('cata.needsClarification.awaitingAnswer').waitFor();
    await page.locator('[data-action="live"]').click();
    await active('cata.succeeded').waitFor();
    expect(await page.locator('.replay-bar').count()).toBe(0);
  }, 60_000);

  it('says “I have paid” for a markdown2pdf offer from the page: the job in another process succeeds', async () => {
    sim.markdown2pdf.scripts.push({ steps: [{ status: 'Processing', progress: 0.5 }, { status: 'Done' }] });
    const job = await produce('markdown2pdf');
    await select(job.sessionId, 'markdown2pdf');
    await active('markdown2pdf.paymentRequired').waitFor();
    await expect(page.locator('[data-testid="pay-offers"]').textContent()).resolves.toMatch(/offer_/);
    sim.markdown2pdf.settlePayments();
    await page.locator('[data-action="pay"]').click();
    expect(await job.outcome).toBe('succeeded');
    await active('markdown2pdf.succeeded').waitFor();
  }, 60_000);

  it('cancels a live job from the page: it ends cancelled', async () => {
    sim.perceptis.scripts.push({ steps: Array(500).fill({ status: 'pending' }) });
    const job = await produce('perceptis');
    await select(job.sessionId, 'perceptis');
    await active('perceptis.polling').waitFor();
    await page.locator('[data-action="cancel"]').click();
    expect(await job.outcome).toBe('cancelled');
    await active('perceptis.cancelled').waitFor();
  }, 60_000);

  it('two processes streaming with the stock inspector, both `x:0`, show as two jobs told apart by session id', async () => {
    for (let i = 0; i < 2; i++) sim.perceptis.scripts.push({ steps: Array(500).fill({ status: 'pending' }) });
    const [a, b] = await Promise.all([produce('perceptis', 'stock'), produce('perceptis', 'stock')]);
    expect([a.sessionId, b.sessionId]).toEqual(['x:0', 'x:0']);
    const rows = page.locator('.job-row[data-provider="perceptis"][data-session-id^="x:0@"]:not(.disconnected)');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    const ids = await rows.evaluateAll((found) => found.map((row) => row.getAttribute('data-session-id')!));
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) {
      await page.locator(`.job-row[data-session-id="${id}"]`).click();
      await page.locator('.job-header .fact-value', { hasText: id }).waitFor();
    }
    a.child.kill();
    b.child.kill();
  }, 60_000);

  it('a job streamed by the stock @statelyai/inspect offers its form disabled, saying why', async () => {
    sim.cata.scripts.push({ steps: [{ status: 'needs_clarification', question: 'Which region?' }] });
    const job = await produce('cata', 'stock');
    await select(job.sessionId, 'cata');
    await active('cata.needsClarification.awaitingAnswer').waitFor();
    await expect(page.locator('[data-action="answer"]').isDisabled()).resolves.toBe(true);
    await expect(page.locator('[data-testid="actions-disabled"]').textContent()).resolves.toContain('stock @statelyai/inspect');
    job.child.kill();
  }, 60_000);
});
