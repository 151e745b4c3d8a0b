import { describe, expect, it } from 'vitest';
import { ONE_PROVIDER_APP, bundle, bundleEntry, kb } from '../bench/bundle-size.js';
import { providerNames } from '../src/providers/registry.js';

/** Issue 14's budget for an app importing one provider chart and `settle` (esbuild, minified). */
const BUDGET = 150 * 1024;

/** Packages that belong to the visualizer, the inspector, the CLI or a Node-only transport, never to a job. */
const NOT_IN_A_JOB = ['ws', '@statelyai/inspect', 'superjson', 'elkjs', 'commander', 'log-update', 'undici', 'node-fetch-native'];

describe('bundle size (esbuild, minified, for the browser)', () => {
  it(`an app with perceptisJob and settle from 'jobcharts' stays within ${kb(BUDGET)}`, async () => {
    const app = await bundle(ONE_PROVIDER_APP, { source: 'src', platform: 'browser' });
    expect(app.bytes, app.parts.map(([part, bytes]) => `${part} ${kb(bytes)}`).join(', ')).toBeLessThanOrEqual(BUDGET);
    const parts = app.parts.map(([part]) => part);
    expect(parts.filter((part) => NOT_IN_A_JOB.includes(part))).toEqual([]);
    // Only the chart the app imports: the other four are dropped (package.json "sideEffects": false).
    expect(app.inputs.filter((file) => /providers\/(?!perceptis)[^/]+\/chart/.test(file))).toEqual([]);
  });

  it('a provider entry has settle too, and the same app from it is no bigger', async () => {
    const fromSubpath = ONE_PROVIDER_APP.replace("from 'jobcharts'", "from 'jobcharts/perceptis'");
    const app = await bundle(fromSubpath, { source: 'src', platform: 'browser' });
    expect(app.bytes).toBeLessThanOrEqual(BUDGET);
  });

  // The main entry, every registered provider's own entry, and the inspector.
  const browserEntries = ['jobcharts', ...providerNames().map((name) => `jobcharts/${name}`), 'jobcharts/inspect'];
  // From the sources and from the built package (dist/, through package.json `exports` and `imports`, as an app
  // that installed it): a build step that inlines Node's transport into every entry shows only in the second.
  describe.each(['src', 'dist'] as const)('from %s', (source) => {
    it.each(browserEntries)('every export of %s bundles for the browser, without Node built-ins', async (specifier) => {
      const entry = specifier.replace(/^jobcharts\/?/, '');
      // esbuild refuses `node:*` imports for the browser platform: a build that succeeds has none.
      const size = await bundleEntry(entry, source);
      expect(size.inputs.filter((file) => file.startsWith('node:'))).toEqual([]);
      if (entry !== 'inspect') expect(size.parts.map(([part]) => part).filter((part) => NOT_IN_A_JOB.includes(part))).toEqual([]);
    });
  });

  it(`the one-provider app from the built package stays within ${kb(BUDGET)}, without undici`, async () => {
    const app = await bundle(ONE_PROVIDER_APP, { source: 'dist', platform: 'browser' });
    expect(app.bytes).toBeLessThanOrEqual(BUDGET);
    expect(app.parts.map(([part]) => part).filter((part) => NOT_IN_A_JOB.includes(part))).toEqual([]);
  });
});
