/**
 * What a reader meets in the visualizer's atlas at 1400×900, chart by chart: collapsed (the request machinery folded,
 * as the page opens) and expanded (every `data-collapsed` box opened: the charts as they were drawn before issue 16).
 * Measured in headless Chromium on the page the hub serves: the chart's size at actual size, the state boxes drawn,
 * the smallest label, and how many of the provider's own states (its status region and the states that wait for a
 * person) are on screen with the chart's card scrolled to the top. Saves a screenshot of each view.
 *
 *   node --import tsx bench/chart-screens.ts [screenshot folder] [label]
 *
 * Default folder /work/tmp/screens; the label (default `now`) goes into the file names: `<chart>-<label>-<view>.png`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { registeredCharts } from '../visualizer/charts.js';
import { startVisualizer } from '../visualizer/server.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/support/chromium.js';

const [folder = '/work/tmp/screens', label = 'now'] = process.argv.slice(2);
const VIEWPORT = { width: 1400, height: 900 };

interface Seen {
  width: number;
  height: number;
  states: number;
  smallest: number;
  lifecycle: number;
  lifecycleOnScreen: number;
}

/** Measures chart `id` with its card scrolled to the top of the page's main column. */
function measure(page: Page, id: string): Promise<Seen> {
  return page.locator(`.chart-card[data-chart="${id}"]`).evaluate((card, id) => {
    card.scrollIntoView({ block: 'start' });
    const svg = card.querySelector<SVGSVGElement>('svg.chart-svg')!;
    const body = card.querySelector('.chart-body')!.getBoundingClientRect();
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const sizes = Array.from(svg.querySelectorAll('text')).map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    // The provider's own lifecycle: its status region, and the states that wait for a person.
    const lifecycle = Array.from(svg.querySelectorAll<SVGGElement>('[data-state-id]')).filter((g) => {
      const state = g.getAttribute('data-state-id')!;
      const waits = Array.from(g.querySelectorAll(':scope > .note-tag')).some((t) => t.textContent === 'needs-input');
      return state.startsWith(`${id}.polling.provider.`) || waits;
    });
    const seen = { left: Math.max(0, body.left), top: Math.max(0, body.top), right: Math.min(innerWidth, body.right), bottom: Math.min(innerHeight, body.bottom) };
    const onScreen = lifecycle.filter((g) => {
      const r = g.querySelector(':scope > .box')!.getBoundingClientRect();
      return r.left >= seen.left && r.right <= seen.right && r.top >= seen.top && r.bottom <= seen.bottom;
    });
    return {
      width: Math.round(box.width),
      height: Math.round(box.height),
      states: svg.querySelectorAll('[data-state-id]').length,
      smallest: Math.min(...sizes),
      lifecycle: lifecycle.length,
      lifecycleOnScreen: onScreen.length,
    };
  }, id);
}

/** Opens every folded request region of chart `id` (focus and Enter, as a keyboard user would), one new layout at a time. */
async function expandAll(page: Page, id: string): Promise<void> {
  const folded = page.locator(`.chart-card[data-chart="${id}"] [data-collapsed="true"]`);
  while ((await folded.count()) > 0) {
    const state = await folded.first().getAttribute('data-state-id');
    await folded.first().focus();
    await page.keyboard.press('Enter');
    // Opening a region may show a folded step inside it (`submitting.requesting`): wait for this one only.
    await page.locator(`[data-state-id="${state}"][data-collapsed="false"]`).waitFor();
  }
}

mkdirSync(folder, { recursive: true });
const viz = await startVisualizer({ port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const started = performance.now();
  await page.goto(viz.url);
  await page.waitForFunction((n) => document.querySelectorAll('.chart-card[data-ready="true"]').length === n, registeredCharts.length, { timeout: 120_000 });
  console.log(`${label}: five charts laid out and drawn ${Math.round(performance.now() - started)} ms after the page was asked for\n`);
  console.log('| chart | view | size at actual size | state boxes | smallest label | own lifecycle states on screen |');
  console.log('|---|---|---|---|---|---|');
  for (const view of ['collapsed', 'expanded'] as const) {
    for (const { machine } of registeredCharts) {
      const id = machine.id;
      if (view === 'expanded') await expandAll(page, id);
      const seen = await measure(page, id);
      await page.screenshot({ path: join(folder, `${id}-${label}-${view}.png`) });
      const fits = seen.width <= VIEWPORT.width && seen.height <= VIEWPORT.height ? 'fits' : 'does not fit';
      console.log(`| ${id} | ${view} | ${seen.width}×${seen.height} (${fits}) | ${seen.states} | ${seen.smallest.toFixed(1)} px | ${seen.lifecycleOnScreen} of ${seen.lifecycle} |`);
    }
  }
} finally {
  await browser.close();
  await viz.close();
}
