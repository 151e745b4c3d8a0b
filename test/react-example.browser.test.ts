import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATA_TEST_KEY } from '../src/providers/cata/simulator.js';
import { DEPICTA_STORY_MODEL, DEPICTA_TEST_KEY } from '../src/providers/depicta/simulator.js';
import { startSimulator, type Simulator } from '../src/simulator/server.js';
import { browserTestsRun, closeInOrder, launchChromium, serveFiles, warnIfSkipped, type HeadlessChromium, type StaticSite } from './support/chromium.js';

warnIfSkipped('react-example');

const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'react');
const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css' };

/**
 * examples/react built by Vite as files to serve. React's development build: StrictMode's double mount (and
 * double render) happens only there, as under `vite dev`, where Depicta's second story was seen.
 */
async function buildExample(): Promise<Record<string, { type: string; body: string }>> {
  const outDir = mkdtempSync(join(tmpdir(), 'jobcharts-react-'));
  try {
    await build({
      configFile: join(EXAMPLE, 'vite.config.ts'),
      mode: 'development',
      define: { 'process.env.NODE_ENV': JSON.stringify('development') },
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true, minify: false },
    });
    const files: Record<string, { type: string; body: string }> = {};
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else files[`/${relative(outDir, path)}`] = { type: TYPES[entry.name.split('.').pop()!] ?? 'application/octet-stream', body: readFileSync(path, 'utf8') };
      }
    };
    walk(outDir);
    files['/'] = files['/index.html'];
    return files;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

describe.skipIf(!browserTestsRun)('examples/react in headless Chromium, StrictMode on', () => {
  let chromium: HeadlessChromium;
  let sim: Simulator;
  let site: StaticSite;

  beforeAll(async () => {
    sim = await startSimulator();
    site = await serveFiles(await buildExample());
    chromium = await launchChromium();
  }, 60_000);

  afterAll(() => closeInOrder(chromium, site, sim));

  const creates = (provider: 'cata' | 'depicta') =>
    sim.requests(provider).filter((r) => r.method === 'POST' && /\/(generate|generate\/story)$/.test(r.path)).length;

  it('shows progress, answers Cata’s question, cancels the Depicta story, and creates each job once', async () => {
    sim.cata.scripts.push({
      steps: [
        { status: 'pending' },
        { status: 'running', stage: 'testing', test: { passed: false, error: 'Expected an array of outlets, got object' } },
        { status: 'needs_clarification', question: 'Which field lists the outlets?' },
        { status: 'running', stage: 'testing', test: { passed: true, outputCount: 8 } },
        { status: 'completed', resultScriptId: 42 },
      ],
    });
    sim.depicta.scripts.push({ steps: [{ status: 'pending' }, { status: 'processing', scenesCompleted: 1 }] });
    const { page } = chromium;
    const query = new URLSearchParams({ baseUrl: sim.url, cataKey: CATA_TEST_KEY, depictaKey: DEPICTA_TEST_KEY, depictaModel: DEPICTA_STORY_MODEL });
    await page.goto(`${site.url}/?${query}`);
    // StrictMode mounts, unmounts and mounts each component again: still one job at each provider.
    const cata = page.getByTestId('cata');
    const depicta = page.getByTestId('depicta');
    await Promise.all([depicta.getByTestId('progress').waitFor(), cata.getByTestId('state').filter({ hasText: 'polling' }).waitFor()]).catch(
      async (error: Error) => {
        throw new Error(`${error.message}\npage: ${await page.locator('main').innerText()}\nconsole:\n${chromium.console.join('\n')}`);
      },
    );
    expect({ cata: creates('cata'), depicta: creates('depicta') }).toEqual({ cata: 1, depicta: 1 });

    await expect(cata.getByTestId('question').textContent()).resolves.toBe('Which field lists the outlets?');
    await cata.locator('input[name="answer"]').fill('They are under data.stores');
    await cata.getByRole('button', { name: 'Answer' }).click();
    await cata.locator('[data-testid="outcome"][data-status="succeeded"]').waitFor();
    expect(sim.cata.answersReceived.map((a) => a.response)).toEqual(['They are under data.stores']);

    await expect(depicta.getByTestId('progress').getAttribute('value')).resolves.toBe('0.5');
    await depicta.getByRole('button', { name: 'Cancel' }).click();
    await depicta.locator('[data-testid="outcome"][data-status="cancelled"]').waitFor();
    expect({ cata: creates('cata'), depicta: creates('depicta') }).toEqual({ cata: 1, depicta: 1 });
  }, 90_000);
});
