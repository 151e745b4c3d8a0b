/** `jobcharts draw <provider>`: the provider's chart as an SVG picture, laid out as the visualizer lays it out. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { chartSvg } from '../../visualizer/chart-svg.js';
import { chartSources, registeredCharts } from '../../visualizer/charts.js';
import { UsageError } from './errors.js';
import { findProvider, providerNames } from './providers.js';

export function addDrawCommand(program: Command): void {
  program
    .command('draw')
    .description("write a provider's statechart as SVG, with the visualizer's layout")
    .argument('<provider>', `one of ${providerNames().join(', ')}`)
    .option('--out <file.svg>', 'where to write it (default: standard output)')
    .action(async (name: string, flags: { out?: string }) => {
      const entry = findProvider(name);
      const registered = registeredCharts.find((chart) => chart.machine === entry.chart);
      if (!registered) throw new UsageError(`no chart registered for ${entry.name}`);
      const svg = await chartSvg(chartSources([registered])[0]);
      if (flags.out === undefined) {
        process.stdout.write(svg);
        return;
      }
      try {
        await writeFile(flags.out, svg);
      } catch (error) {
        throw new UsageError(`cannot write ${flags.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      process.stderr.write(`${entry.title}'s chart written to ${flags.out}\n`);
    });
}
