/**
 * `jobcharts simulate`: the simulated providers alone, for testing your own app against them.
 * `jobcharts simulate pay <invoice>`: pays a markdown2pdf invoice in a running simulator, from any terminal.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { MARKDOWN2PDF_SIMULATOR_PAY_PATH } from '../providers/markdown2pdf/simulator.js';
import { startSimulator } from '../simulator/server.js';
import { UsageError } from './errors.js';
import { listening, portOption, untilInterrupted } from './port.js';
import { postJson } from '../providers/markdown2pdf/post-json.js';
import { providers } from './providers.js';

export function addSimulateCommand(program: Command): void {
  const simulate = program
    .command('simulate')
    .description('run the simulated providers alone on 127.0.0.1 (for your own app\'s tests), until Ctrl-C')
    .addOption(portOption('port to listen on'))
    .action(async (flags: { port: number }) => {
      const sim = await listening('simulator', () => startSimulator({ port: flags.port }));
      const out = process.stdout;
      out.write(`Simulated providers at ${pc.bold(sim.url)}  (every provider's base URL)\n\n`);
      for (const entry of providers) {
        const key = entry.keyEnv ? `${entry.keyEnv}=${entry.simulator?.testKey ?? '(any)'}` : 'no key needed';
        out.write(`  ${entry.name.padEnd(13)} ${key}\n`);
      }
      const first = providers[0];
      out.write(
        `\nTry:  ${first.keyEnv}=${first.simulator?.testKey} jobcharts submit ${first.name} --base-url ${sim.url} --prompt "Hello"\n`,
      );
      out.write(`markdown2pdf asks for payment first; pay the invoice it shows with:  jobcharts simulate pay <invoice> --base-url ${sim.url}\n`);
      out.write(pc.dim('Ctrl-C to stop.\n'));
      await untilInterrupted();
      await sim.close();
      out.write(`${sim.log.length} requests served.\n`);
    });

  simulate
    .command('pay')
    .description('pay a markdown2pdf invoice in a running simulator (as a wallet would), so the waiting job can go on')
    .argument('<invoice>', 'the invoice the job shows (lnbc…), or a payment_context_token')
    .option('--base-url <url>', 'the simulator (default: $MARKDOWN2PDF_BASE_URL)')
    .addHelpText('after', '\nExit codes: 0 paid · 1 the simulator refused (unknown invoice, paid already) or could not be reached.')
    .action(async (invoice: string, flags: { baseUrl?: string }) => {
      process.exitCode = await pay(invoice, flags.baseUrl ?? process.env.MARKDOWN2PDF_BASE_URL);
    });
}

async function pay(invoice: string, baseUrl: string | undefined): Promise<number> {
  if (!baseUrl) throw new UsageError('no simulator to pay at: pass --base-url or set MARKDOWN2PDF_BASE_URL');
  let url: URL;
  try {
    url = new URL(MARKDOWN2PDF_SIMULATOR_PAY_PATH, baseUrl);
  } catch {
    throw new UsageError('--base-url is not a URL');
  }
  const text = invoice.trim();
  const body = /^ln/i.test(text) ? { invoice: text } : { payment_context_token: text };
  const answer = await postJson(url.href, body);
  if (!answer.ok) {
    process.stderr.write(pc.red(`not paid: ${answer.problem}`) + '\n');
    return 1;
  }
  const offer = (answer.body as { offers?: Array<{ title?: unknown; amount?: unknown; currency?: unknown }> } | undefined)?.offers?.[0];
  const what = offer ? ` "${String(offer.title)}" (${String(offer.amount)} ${String(offer.currency)})` : '';
  process.stdout.write(`${pc.green('paid')}${what}: confirm the payment in the waiting job.\n`);
  return 0;
}
