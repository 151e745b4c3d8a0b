import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const library = fileURLToPath(new URL('../../src/', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // In this repository the example reads the library's sources; an app imports the installed package.
  resolve: {
    alias: [
      { find: /^jobcharts$/, replacement: `${library}index.ts` },
      { find: /^jobcharts\/(simulator|testing)$/, replacement: `${library}$1/index.ts` },
    ],
  },
  test: { name: 'custom-provider', include: ['*.test.ts'], testTimeout: 20_000 },
});
