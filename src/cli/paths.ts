/** `jobcharts paths <provider>`: the chart's lifecycle paths (model-based testing) as JSON. */
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { findProvider, providerNames } from './providers.js';

export function addPathsCommand(program: Command): void {
  program
    .command('paths')
    .description("print a provider chart's lifecycle paths (every way a job can go) as JSON")
    .argument('<provider>', `one of ${providerNames().join(', ')}`)
    .action(async (name: string) => {
      findProvider(name);
      throw new UsageError('lifecycle paths are not available yet in this version');
    });
}
