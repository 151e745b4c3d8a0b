/** `jobcharts visualize`: the visualizer alone (jobs elsewhere send it their inspection events). */
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { port } from './port.js';

export function addVisualizeCommand(program: Command): void {
  program
    .command('visualize')
    .description('run the visualizer alone on 127.0.0.1, until Ctrl-C')
    .option('--port <n>', 'port to listen on (default: any free port)', port, 0)
    .action(async () => {
      throw new UsageError('the visualizer is not available yet in this version');
    });
}
