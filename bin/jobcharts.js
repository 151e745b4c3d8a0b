#!/usr/bin/env node
// The installed `jobcharts` command: runs the built CLI (`npm run build` makes dist/cli.js).
// The library does not install the command's own packages (optional peer dependencies): say which are missing.
const commandPackages = ['@statelyai/inspect', 'commander', 'elkjs', 'log-update', 'picocolors', 'ws'];

import('../dist/cli.js').catch((error) => {
  // "Cannot find package 'commander' imported from …/dist/cli.js"
  const missing = commandPackages.filter((name) => String(error?.message).includes(`package '${name}'`));
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && missing.length) {
    console.error(
      `error: the jobcharts command and visualizer need packages the library does not install (${missing.join(', ')}):\n` +
        `  npm install --save-dev ${commandPackages.join(' ')}`,
    );
    process.exit(2);
  }
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    console.error('error: the command is not built yet: run `npm run build` (or `npx tsx src/cli/main.ts` from the sources)');
    process.exit(2);
  }
  throw error;
});
