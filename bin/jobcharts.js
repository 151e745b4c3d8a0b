#!/usr/bin/env node
// The installed `jobcharts` command: runs the built CLI (`npm run build` makes dist/cli.js).
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    console.error('error: the command is not built yet: run `npm run build` (or `npx tsx src/cli/main.ts` from the sources)');
    process.exit(2);
  }
  throw error;
});
