/** `jobcharts simulate`: the simulated providers alone, for testing your own app against them. */
import type { Command } from 'commander';
import pc from 'picocolors';
import { startSimulator } from '../simulator/server.js';
import { listening, portOption, untilInterrupted } from './port.js';
import { providers } from './providers.js';

export function addSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run the simulated providers alone on 127.0.0.1 (for your own app\'s tests), until Ctrl-C')
    .addOption(portOption('port to listen on'))
    .action(async (flags: { port: number }) => {
      const sim = await listening('simulator', () => startSimulator({ port: flags.port }));
      const out = process.stdout;
      out.write(`Simulated providers at ${pc.bold(sim.url)}  (every provider's base URL)\n\n`);
      for (const entry of providers) {
        const key = entry.keyEnv ? `${entry.keyEnv}=${entry.simulatorKey ?? '(any)'}` : 'no key needed';
        out.write(`  ${entry.name.padEnd(13)} ${key}\n`);
      }
      const first = providers[0];
      out.write(
        `\nTry:  ${first.keyEnv}=${first.simulatorKey} jobcharts submit ${first.name} --base-url ${sim.url} --prompt "Hello"\n`,
      );
      out.write(pc.dim('Ctrl-C to stop.\n'));
      await untilInterrupted();
      await sim.close();
      out.write(`${sim.log.length} requests served.\n`);
    });
}
