import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    perceptis: 'src/perceptis.ts',
    markdown2pdf: 'src/markdown2pdf.ts',
    bland: 'src/bland.ts',
    depicta: 'src/depicta.ts',
    cata: 'src/cata.ts',
    simulator: 'src/simulator/index.ts',
    testing: 'src/testing/index.ts',
    cli: 'src/cli/main.ts',
    visualizer: 'src/visualizer.ts',
    runner: 'src/runner.ts',
    bullmq: 'src/bullmq.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: true,
  // The visualizer's page is a browser bundle (TypeScript, CSS): built once here, served from dist/page/app.js.
  onSuccess: async () => {
    const { writePrebuiltPage } = await import('./visualizer/page-bundle.js');
    await writePrebuiltPage('dist');
  },
});
