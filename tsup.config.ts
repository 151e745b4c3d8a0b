import { existsSync, readFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';

/**
 * The package's entries, one per `exports` subpath of package.json (`./perceptis` is src/perceptis.ts, `./simulator`
 * is src/simulator/index.ts), in both module formats, with types: a new entry is its line in package.json.
 */
const subpaths = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> }).exports)
  .filter((subpath) => subpath !== './package.json')
  .map((subpath) => (subpath === '.' ? 'index' : subpath.slice(2)));
const libraryEntries = Object.fromEntries(
  subpaths.map((name) => [name, existsSync(`src/${name}.ts`) ? `src/${name}.ts` : `src/${name}/index.ts`]),
);

/**
 * The default transport, one small module per runtime: undici on Node, fetch elsewhere. They are entries of their
 * own (not inlined into each entry) so that the choice between them is left to whoever loads the built package:
 * package.json `imports` maps `#jobcharts/default-transport` to one of them by condition (node / browser, import /
 * require). Both still share the library's chunks (splitting), so the transport's state is one copy per format.
 */
const defaultTransportEntries = {
  'transport/default.node': 'src/core/transport/default.node.ts',
  'transport/default': 'src/core/transport/default.ts',
};

/**
 * The sources import `#default-transport` (mapped to src/ in package.json, so tsx, vitest and tsc need no flag);
 * the build must not resolve it here (esbuild would pick the Node module for every entry, undici included): it
 * leaves an import of `#jobcharts/default-transport`, which package.json maps to the built modules above.
 */
const defaultTransportLeftToTheRuntime: Plugin = {
  name: 'default-transport-left-to-the-runtime',
  setup(build) {
    build.onResolve({ filter: /^#default-transport$/ }, () => ({ path: '#jobcharts/default-transport', external: true }));
  },
};

const shared: Options = {
  target: 'node20',
  sourcemap: true,
  // One copy of every module per format, whichever entry loads it: the library's state (rate budgets, the
  // charts themselves) is shared by `jobcharts` and `jobcharts/perceptis`. For CommonJS too (tsup's own splitting).
  splitting: true,
  // `npm run build` empties dist/ first: the two builds below run side by side and must not clean each other's files.
  clean: false,
  // Only needed to bundle the visualizer's page from a checkout (page-bundle.ts): never part of the package.
  external: ['esbuild'],
  esbuildPlugins: [defaultTransportLeftToTheRuntime],
};

export default defineConfig([
  {
    ...shared,
    // ESM: the library and the `jobcharts` command (bin/jobcharts.js runs dist/cli.js), sharing chunks.
    entry: { ...libraryEntries, ...defaultTransportEntries, cli: 'src/cli/main.ts' },
    format: 'esm',
    dts: { entry: libraryEntries },
    // The visualizer's page is a browser bundle (TypeScript, CSS): built once here, served from dist/page/app.js.
    onSuccess: async () => {
      const { writePrebuiltPage } = await import('./visualizer/page-bundle.js');
      await writePrebuiltPage('dist');
    },
  },
  {
    ...shared,
    // CommonJS: the library only (the command is ESM); its declarations are the .d.cts files.
    entry: { ...libraryEntries, ...defaultTransportEntries },
    format: 'cjs',
    dts: { entry: libraryEntries },
    // `import.meta.url` (page-bundle.ts finds the shipped page with it) is ESM-only syntax: a shim in CommonJS.
    shims: true,
  },
]);
