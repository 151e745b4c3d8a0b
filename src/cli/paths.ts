/** `jobcharts paths <provider>`: every lifecycle the chart allows (model-based testing) as JSON, for an app's own tests. */
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { findProvider, providerNames } from './providers.js';

export function addPathsCommand(program: Command): void {
  program
    .command('paths')
    .description("print a provider chart's lifecycle paths (every way a job can go) as JSON")
    .argument('<provider>', `one of ${providerNames().join(', ')}`)
    .addHelpText(
      'after',
      '\nEach path: a description, the answers to script in the simulator, and the state the job is in after each step.\n' +
        "The same as lifecyclePaths(chart) from 'jobcharts/testing'.",
    )
    .action(async (name: string) => {
      const entry = findProvider(name);
      // Loaded here only: generating paths walks the whole chart, which no other command needs.
      const { pathProviders, providerPaths } = await import('../testing/index.js');
      if (!pathProviders().includes(entry.name)) throw new UsageError(`lifecycle paths are not available yet for ${entry.name}`);
      process.stdout.write(JSON.stringify(providerPaths(entry.name), null, 2) + '\n');
    });
}
