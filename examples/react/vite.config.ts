import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const library = fileURLToPath(new URL('../../src/', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // JSX without a plugin: Vite compiles .tsx itself (React's automatic runtime).
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: {
    // In this repository the example reads the library's sources; an app imports the installed package.
    alias: [
      { find: /^jobcharts$/, replacement: `${library}index.ts` },
      { find: /^jobcharts\/(.*)$/, replacement: `${library}$1.ts` },
    ],
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
