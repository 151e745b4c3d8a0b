import { defineConfig, type Options } from 'tsup';

/** The package's entries: each is an `exports` subpath (package.json), in both module formats, with types. */
const libraryEntries = {
  index: 'src/index.ts',
  perceptis: 'src/perceptis.ts',
  markdown2pdf: 'src/markdown2pdf.ts',
  bland: 'src/bland.ts',
  depicta: 'src/depicta.ts',
  cata: 'src/cata.ts',
  simulator: 'src/simulator/index.ts',
  testing: 'src/testing/index.ts',
  visualizer: 'src/visualizer.ts',
  inspect: 'src/inspect/index.ts',
  undici: 'src/undici.ts',
  runner: 'src/runner.ts',
  bullmq: 'src/bullmq.ts',
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
};

export default defineConfig([
  {
    ...shared,
    // ESM: the library and the `jobcharts` command (bin/jobcharts.js runs dist/cli.js), sharing chunks.
    entry: { ...libraryEntries, cli: 'src/cli/main.ts' },
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
    entry: libraryEntries,
    format: 'cjs',
    dts: { entry: libraryEntries },
    // `import.meta.url` (page-bundle.ts finds the shipped page with it) is ESM-only syntax: a shim in CommonJS.
    shims: true,
  },
]);
