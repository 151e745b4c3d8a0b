/** `jobcharts visualize`: the visualizer alone; jobs anywhere on this machine stream to it with `inspect({ url })`. */
import type { Command } from 'commander';
import pc from 'picocolors';
import { startVisualizer } from '../../visualizer/server.js';
import { listening, portOption, untilInterrupted } from './port.js';

export function addVisualizeCommand(program: Command): void {
  program
    .command('visualize')
    .description('run the visualizer alone on 127.0.0.1, until Ctrl-C')
    .addOption(portOption('port to listen on'))
    .action(async (flags: { port: number }) => {
      const visualizer = await listening('visualizer', () => startVisualizer({ port: flags.port }));
      const out = process.stdout;
      out.write(`Visualizer at ${pc.bold(visualizer.url)}  (open it in a browser)\n`);
      out.write(`Jobs stream to ${visualizer.inspectUrl}:\n\n`);
      out.write(`  createActor(perceptisJob, { input, inspect: inspect({ url: '${visualizer.inspectUrl}' }) })\n`);
      out.write(`  jobcharts submit perceptis --inspect ${visualizer.inspectUrl} …\n\n`);
      out.write(pc.dim('Ctrl-C to stop.\n'));
      await untilInterrupted();
      await visualizer.close();
    });
}
